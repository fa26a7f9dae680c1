"""JAX samplers of the discrete random variables, and of the censored / mixture / truncated ones.

Samplers return floats holding integers; the lowering casts them to the RV's integer dtype.
"""

from __future__ import annotations

import jax
import jax.numpy as jnp

from rewrax.lower_jax.random import sampler, sampler_for
from rewrax.lower_jax.random_continuous import standard_truncated_normal
from rewrax.symbolic.random import basic as rvc
from rewrax.symbolic.random import discrete as rv
from rewrax.symbolic.random import meta


def _u_open(key, shape, dtype):
    return jax.random.uniform(key, shape, dtype, minval=jnp.finfo(dtype).tiny, maxval=1.0)


@sampler(rv.BernoulliRV)
def _bernoulli(key, shape, p, dtype):
    return (jax.random.uniform(key, shape, dtype) < p).astype(dtype)


@sampler(rv.BinomialRV)
def _binomial(key, shape, n, p, dtype):
    n, p = jnp.broadcast_to(n, shape), jnp.broadcast_to(p, shape)
    return jax.random.binomial(key, n, p, shape, dtype)


@sampler(rv.BetaBinomialRV)
def _beta_binomial(key, shape, n, alpha, beta, dtype):
    k1, k2 = jax.random.split(key)
    p = jax.random.beta(k1, alpha, beta, shape, dtype)
    return jax.random.binomial(k2, jnp.broadcast_to(n, shape), p, shape, dtype)


@sampler(rv.PoissonRV)
def _poisson(key, shape, mu, dtype):
    return jax.random.poisson(key, jnp.broadcast_to(mu, shape), shape).astype(dtype)


def _nbinom(key, shape, n, p, dtype):
    # a Poisson draw whose rate is Gamma(n, (1 - p) / p): the gamma-Poisson mixture
    k1, k2 = jax.random.split(key)
    lam = jax.random.gamma(k1, jnp.broadcast_to(n, shape), shape, dtype) * (1 - p) / p
    return jax.random.poisson(k2, lam, shape).astype(dtype)


sampler(rv.NegBinomialRV)(_nbinom)


@sampler(rv.GeometricRV)
def _geometric(key, shape, p, dtype):
    # P(X > k) = (1 - p)^k  ->  X = floor(log(V) / log(1 - p)) + 1 with V uniform on (0, 1]
    v = _u_open(key, shape, dtype)
    return jnp.floor(jnp.log(v) / jnp.log1p(-p)) + 1


@sampler(rv.DiscreteUniformRV)
def _discrete_uniform(key, shape, lower, upper, dtype):
    u = jax.random.uniform(key, shape, dtype)
    return jnp.minimum(jnp.floor(lower + u * (upper - lower + 1)), upper)


@sampler(rv.CategoricalRV)
def _categorical(key, shape, p, dtype):
    return jax.random.categorical(key, jnp.log(p), axis=-1, shape=shape).astype(dtype)


def _zero_inflated(base):
    def draw(key, shape, psi, *params, dtype):
        k1, k2 = jax.random.split(key)
        keep = jax.random.uniform(k1, shape, dtype) < psi
        return jnp.where(keep, base(k2, shape, *params, dtype=dtype), 0)

    return draw


sampler(rv.ZeroInflatedPoissonRV)(_zero_inflated(_poisson))
sampler(rv.ZeroInflatedBinomialRV)(_zero_inflated(_binomial))
sampler(rv.ZeroInflatedNegBinomialRV)(_zero_inflated(_nbinom))


@sampler(rv.DiracDeltaRV)
def _diracdelta(key, shape, c, dtype):
    return jnp.broadcast_to(c, shape)


# -- random variables of random variables ------------------------------------------------------
@sampler(meta.CensoredRV)
def _censored(key, shape, dist, lower, upper, dtype):
    return jnp.broadcast_to(jnp.clip(dist, lower, upper), shape)


@sampler(meta.MixtureRV)
def _mixture(key, shape, w, comps, dtype):
    k = jax.random.categorical(key, jnp.log(w), axis=-1, shape=shape)
    comps = jnp.broadcast_to(comps, tuple(shape) + comps.shape[-1:])
    return jnp.take_along_axis(comps, k[..., None], axis=-1)[..., 0]


#: Truncated draws by rejection give up after this many rounds (NaN marks what is left).
MAX_REJECTION_ROUNDS = 10_000


def _truncated(key, shape, lower, upper, *params, op, dtype):
    base = op.base_op
    if isinstance(base, (rvc.NormalRV,)):
        mu, sigma = params
        return mu + sigma * standard_truncated_normal(key, shape, (lower - mu) / sigma, (upper - mu) / sigma, dtype)
    if isinstance(base, rvc.UniformRV):
        lo, hi = jnp.maximum(lower, params[0]), jnp.minimum(upper, params[1])
        return lo + (hi - lo) * jax.random.uniform(key, shape, dtype)
    draw_base = sampler_for(base)

    def body(state):
        key, done, x, rounds = state
        key, sub = jax.random.split(key)
        new = draw_base(sub, shape, *params, dtype=dtype)
        ok = (new >= lower) & (new <= upper)
        return key, done | ok, jnp.where(done, x, new), rounds + 1

    def more(state):
        return ~jnp.all(state[1]) & (state[3] < MAX_REJECTION_ROUNDS)

    init = (key, jnp.zeros(shape, bool), jnp.full(shape, jnp.nan, dtype), 0)
    _, done, x, _ = jax.lax.while_loop(more, body, init)
    return jnp.where(done, x, jnp.nan)


_truncated.needs_op = True
sampler(meta.TruncatedRV)(_truncated)
