"""JAX samplers of the continuous random variables (one short entry each).

``shape`` is the batch shape of the draw; parameters broadcast to it. Where ``jax.random``
has the distribution it is used; the others are transformations of uniform / normal /
gamma draws, or (von Mises) vectorized rejection sampling in a ``lax.while_loop``.
"""

from __future__ import annotations

import jax
import jax.numpy as jnp
import jax.scipy.special as jss

from rewrax.lower_jax.random import sampler
from rewrax.symbolic.random import basic as rv


def _u01(key, shape, dtype):
    """Uniform draws on the open interval (0, 1) (no exact 0, so logs stay finite)."""
    tiny = jnp.finfo(dtype).tiny
    return jax.random.uniform(key, shape, dtype, minval=tiny, maxval=1.0)


@sampler(rv.NormalRV)
def _normal(key, shape, mu, sigma, dtype):
    return mu + sigma * jax.random.normal(key, shape, dtype)


@sampler(rv.HalfNormalRV)
def _halfnormal(key, shape, loc, sigma, dtype):
    return loc + sigma * jnp.abs(jax.random.normal(key, shape, dtype))


@sampler(rv.LogNormalRV)
def _lognormal(key, shape, mu, sigma, dtype):
    return jnp.exp(mu + sigma * jax.random.normal(key, shape, dtype))


def standard_truncated_normal(key, shape, a, b, dtype):
    """Inverse-CDF draws of N(0, 1) restricted to [a, b], computed in the lower tail.

    Intervals in the upper tail are reflected so that the CDF differences stay accurate
    (a naive ``erf`` version degenerates beyond ~6 standard deviations).
    """
    flip = a > 0
    lo, hi = jnp.where(flip, -b, a), jnp.where(flip, -a, b)
    plo, phi = jss.ndtr(lo), jss.ndtr(hi)
    u = jax.random.uniform(key, shape, dtype)
    z = jss.ndtri(plo + u * (phi - plo))
    z = jnp.clip(z, lo, hi)
    return jnp.where(flip, -z, z)


@sampler(rv.TruncatedNormalRV)
def _truncated_normal(key, shape, mu, sigma, lower, upper, dtype):
    z = standard_truncated_normal(key, shape, (lower - mu) / sigma, (upper - mu) / sigma, dtype)
    return mu + sigma * z


@sampler(rv.UniformRV)
def _uniform(key, shape, lower, upper, dtype):
    return jax.random.uniform(key, shape, dtype) * (upper - lower) + lower


@sampler(rv.FlatRV, rv.HalfFlatRV)
def _flat(key, shape, dtype):
    raise NotImplementedError("cannot draw from a Flat / HalfFlat variable: it is an improper distribution")


@sampler(rv.ExponentialRV)
def _exponential(key, shape, scale, dtype):
    return scale * jax.random.exponential(key, shape, dtype)


@sampler(rv.GammaRV)
def _gamma(key, shape, alpha, scale, dtype):
    return scale * jax.random.gamma(key, jnp.broadcast_to(alpha, shape), shape, dtype)


@sampler(rv.InvGammaRV)
def _invgamma(key, shape, alpha, beta, dtype):
    return beta / jax.random.gamma(key, jnp.broadcast_to(alpha, shape), shape, dtype)


@sampler(rv.BetaRV)
def _beta(key, shape, alpha, beta, dtype):
    return jax.random.beta(key, alpha, beta, shape, dtype)


@sampler(rv.StudentTRV)
def _t(key, shape, nu, mu, sigma, dtype):
    return mu + sigma * jax.random.t(key, jnp.broadcast_to(nu, shape), shape, dtype)


@sampler(rv.HalfStudentTRV)
def _halfstudentt(key, shape, nu, sigma, dtype):
    return sigma * jnp.abs(jax.random.t(key, jnp.broadcast_to(nu, shape), shape, dtype))


@sampler(rv.CauchyRV)
def _cauchy(key, shape, alpha, beta, dtype):
    return alpha + beta * jax.random.cauchy(key, shape, dtype)


@sampler(rv.HalfCauchyRV)
def _halfcauchy(key, shape, loc, beta, dtype):
    return loc + beta * jnp.abs(jax.random.cauchy(key, shape, dtype))


@sampler(rv.LaplaceRV)
def _laplace(key, shape, mu, b, dtype):
    return mu + b * jax.random.laplace(key, shape, dtype)


@sampler(rv.AsymmetricLaplaceRV)
def _asymmetric_laplace(key, shape, b, kappa, mu, dtype):
    # left of mu with probability kappa^2 / (1 + kappa^2); each side is exponential
    k1, k2 = jax.random.split(key)
    left = jax.random.uniform(k1, shape, dtype) < kappa**2 / (1 + kappa**2)
    e = jax.random.exponential(k2, shape, dtype)
    return mu + jnp.where(left, -e * kappa / b, e / (kappa * b))


@sampler(rv.LogisticRV)
def _logistic(key, shape, mu, s, dtype):
    return mu + s * jax.random.logistic(key, shape, dtype)


@sampler(rv.WeibullBetaRV)
def _weibull(key, shape, alpha, beta, dtype):
    return beta * jax.random.exponential(key, shape, dtype) ** (1.0 / alpha)


@sampler(rv.ParetoRV)
def _pareto(key, shape, alpha, m, dtype):
    return m * jnp.exp(jax.random.exponential(key, shape, dtype) / alpha)


@sampler(rv.ChiSquareRV)
def _chisquare(key, shape, nu, dtype):
    return 2.0 * jax.random.gamma(key, jnp.broadcast_to(nu / 2.0, shape), shape, dtype)


@sampler(rv.GumbelRV)
def _gumbel(key, shape, mu, beta, dtype):
    return mu + beta * jax.random.gumbel(key, shape, dtype)


@sampler(rv.SkewNormalRV)
def _skewnormal(key, shape, mu, sigma, alpha, dtype):
    # |u0| carries the skew: delta * |u0| + sqrt(1 - delta^2) * u1 (Azzalini's representation)
    k1, k2 = jax.random.split(key)
    u0, u1 = jax.random.normal(k1, shape, dtype), jax.random.normal(k2, shape, dtype)
    delta = alpha / jnp.sqrt(1 + alpha**2)
    return mu + sigma * (delta * jnp.abs(u0) + jnp.sqrt(1 - delta**2) * u1)


@sampler(rv.WaldRV)
def _wald(key, shape, mu, lam, alpha, dtype):
    # Michael, Schucany & Haas (1976): a root of the chi-square transform, chosen at random
    k1, k2 = jax.random.split(key)
    y = jax.random.normal(k1, shape, dtype) ** 2
    x = mu + mu**2 * y / (2 * lam) - mu / (2 * lam) * jnp.sqrt(4 * mu * lam * y + (mu * y) ** 2)
    u = jax.random.uniform(k2, shape, dtype)
    return alpha + jnp.where(u <= mu / (mu + x), x, mu**2 / x)


@sampler(rv.TriangularRV)
def _triangular(key, shape, lower, c, upper, dtype):
    u = jax.random.uniform(key, shape, dtype)
    split = (c - lower) / (upper - lower)
    left = lower + jnp.sqrt(u * (upper - lower) * (c - lower))
    right = upper - jnp.sqrt((1 - u) * (upper - lower) * (upper - c))
    return jnp.where(u < split, left, right)


@sampler(rv.ExGaussianRV)
def _exgaussian(key, shape, mu, sigma, nu, dtype):
    k1, k2 = jax.random.split(key)
    return mu + sigma * jax.random.normal(k1, shape, dtype) + nu * jax.random.exponential(k2, shape, dtype)


@sampler(rv.KumaraswamyRV)
def _kumaraswamy(key, shape, a, b, dtype):
    u = _u01(key, shape, dtype)
    return (-jnp.expm1(jnp.log(u) / b)) ** (1.0 / a)


@sampler(rv.MoyalRV)
def _moyal(key, shape, mu, sigma, dtype):
    # if Z ~ N(0, 1), -log(Z^2) is standard Moyal
    z = jax.random.normal(key, shape, dtype)
    return mu - sigma * jnp.log(z**2)


@sampler(rv.LogitNormalRV)
def _logit_normal(key, shape, mu, sigma, dtype):
    return jax.nn.sigmoid(mu + sigma * jax.random.normal(key, shape, dtype))


@sampler(rv.VonMisesRV)
def _vonmises(key, shape, mu, kappa, dtype):
    """Best & Fisher (1979) rejection sampler, vectorized: loop until every entry is accepted."""
    kappa = jnp.broadcast_to(kappa, shape)
    tau = 1 + jnp.sqrt(1 + 4 * kappa**2)
    rho = (tau - jnp.sqrt(2 * tau)) / (2 * jnp.maximum(kappa, 1e-8))
    r = (1 + rho**2) / (2 * rho)

    def body(state):
        key, done, w = state
        key, k1, k2 = jax.random.split(key, 3)
        u1, u2 = jax.random.uniform(k1, shape, dtype), _u01(k2, shape, dtype)
        z = jnp.cos(jnp.pi * u1)
        f = (1 + r * z) / (r + z)
        c = kappa * (r - f)
        accept = (c * (2 - c) > u2) | (jnp.log(c / u2) + 1 - c >= 0)
        return key, done | accept, jnp.where(done, w, f)

    init = (key, jnp.zeros(shape, bool), jnp.zeros(shape, dtype))
    key, _, w = jax.lax.while_loop(lambda s: ~jnp.all(s[1]), body, init)
    sign = jnp.where(jax.random.uniform(key, shape, dtype) < 0.5, -1.0, 1.0)
    theta = sign * jnp.arccos(jnp.clip(w, -1.0, 1.0))
    # tiny kappa: the uniform distribution on the circle
    theta = jnp.where(kappa < 1e-8, jnp.pi * (2 * jax.random.uniform(key, shape, dtype) - 1), theta)
    return jnp.mod(mu + theta + jnp.pi, 2 * jnp.pi) - jnp.pi
