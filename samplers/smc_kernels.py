"""The mutation kernels of ``rx.sample_smc``: independent (IMH) and random-walk (MH) Metropolis.

Both propose with the covariance of the current particles and repeat their steps until the
particles have decorrelated from where the stage started: PyMC's rule, stop when fewer
than 90 % of the coordinates lost more than ``correlation_threshold`` of their (absolute)
Pearson correlation with the stage's start since the previous step.
"""

from __future__ import annotations

import jax
import jax.numpy as jnp


def _covariance_cholesky(x):
    """Mean and Cholesky factor of the particles' covariance (ddof 0, ridge 1e-6 as PyMC)."""
    n, d = x.shape
    mean = jnp.mean(x, axis=0)
    centred = x - mean
    cov = centred.T @ centred / n + 1e-6 * jnp.eye(d, dtype=x.dtype)
    return mean, jnp.linalg.cholesky(cov)


def _pearson(start):
    """``correlation(x)``: per coordinate, |Pearson r| between ``start`` and ``x`` over particles."""
    a = start - jnp.mean(start, axis=0)
    norm_a = jnp.sqrt(jnp.sum(a * a, axis=0))

    def correlation(x):
        b = x - jnp.mean(x, axis=0)
        return jnp.abs(jnp.sum(a * b, axis=0) / (norm_a * jnp.sqrt(jnp.sum(b * b, axis=0))))

    return correlation


def _mvn_logpdf(y, mean, chol):
    z = jax.scipy.linalg.solve_triangular(chol, (y - mean).T, lower=True)
    return -0.5 * jnp.sum(z * z, axis=0) - jnp.sum(jnp.log(jnp.diag(chol)))


def _loop(key, p, data, densities, propose, log_ratio, correlation_threshold, max_steps):
    """Repeat a Metropolis step over all particles until they decorrelate (PyMC's rule)."""
    correlation = _pearson(p.x)
    d = p.x.shape[1]

    def body(carry):
        key, x, prior, like, target, old_corr, steps, accepted, _ = carry
        key, k_prop, k_u, k_sim = jax.random.split(key, 4)
        proposal = propose(k_prop, x)
        new_prior, new_like = densities(proposal, data, k_sim)
        new_target = new_prior + p.beta * new_like
        log_u = jnp.log(jax.random.uniform(k_u, new_target.shape, dtype=new_target.dtype))
        accept = log_u < jnp.nan_to_num(log_ratio(x, proposal, target, new_target), nan=-jnp.inf)
        pick = lambda new, old: jnp.where(accept.reshape(accept.shape + (1,) * (new.ndim - 1)), new, old)  # noqa: E731
        x, prior, like, target = pick(proposal, x), pick(new_prior, prior), pick(new_like, like), pick(new_target, target)
        r = correlation(x)
        go = jnp.mean((old_corr - r) > correlation_threshold) > 0.9
        return (key, x, prior, like, target, jnp.where(go, r, old_corr), steps + 1,
                accepted + accept.astype(x.dtype), go)

    def cond(carry):
        return carry[-1] & (carry[6] < max_steps)

    start = (key, p.x, p.prior, p.like, p.prior + p.beta * p.like, jnp.full((d,), 2.0, p.x.dtype),
             jnp.asarray(0, jnp.int32), jnp.zeros(p.x.shape[0], p.x.dtype), jnp.asarray(True))
    _, x, prior, like, _, _, steps, accepted, _ = jax.lax.while_loop(cond, body, start)
    return p._replace(x=x, prior=prior, like=like), steps, accepted / jnp.maximum(steps, 1)


def mutate_imh(key, p, densities, data, correlation_threshold, max_steps):
    """Independent proposals from a normal fitted to the particles."""
    mean, chol = _covariance_cholesky(p.x)

    def propose(k, x):
        return mean + jax.random.normal(k, x.shape, x.dtype) @ chol.T

    def log_ratio(x, proposal, target, new_target):
        return (new_target + _mvn_logpdf(x, mean, chol)) - (target + _mvn_logpdf(proposal, mean, chol))

    p, steps, rate = _loop(key, p, data, densities, propose, log_ratio, correlation_threshold, max_steps)
    return p._replace(accept=rate), {"accept_rate": jnp.mean(rate), "n_steps": steps}


def mutate_mh(key, p, densities, data, correlation_threshold, max_steps):
    """Random walk with the particles' covariance, one scale per particle (tuned to 0.234)."""
    first = jnp.isnan(p.accept[0])
    tuned = jnp.exp(jnp.log(p.scales) + (p.accept - 0.234))
    scales = jnp.where(first, p.scales, 0.5 * (tuned + jnp.mean(tuned)))
    _, chol = _covariance_cholesky(p.x)

    def propose(k, x):
        return x + (jax.random.normal(k, x.shape, x.dtype) @ chol.T) * scales[:, None]

    def log_ratio(x, proposal, target, new_target):
        return new_target - target

    p, steps, rate = _loop(key, p._replace(scales=scales), data, densities, propose, log_ratio,
                           correlation_threshold, max_steps)
    return p._replace(accept=rate), {"mean_accept_rate": jnp.mean(rate), "mean_proposal_scale": jnp.mean(scales),
                                     "n_steps": steps}


MUTATE = {"IMH": mutate_imh, "MH": mutate_mh}
