"""JAX samplers of the multivariate random variables (draws with support dimensions)."""

from __future__ import annotations

import jax
import jax.numpy as jnp
import numpy as np

from rewrax.lower_jax.random import sampler
from rewrax.symbolic.random import multivariate as rv


def _batched_chol(cov, shape, n):
    cov = jnp.broadcast_to(cov, tuple(shape) + (n, n))
    return jnp.linalg.cholesky(cov)


def _core_size(*params_and_ranks):
    for p, axis in params_and_ranks:
        if jnp.ndim(p) and jnp.shape(p)[axis] != 1:
            return jnp.shape(p)[axis]
    return jnp.shape(params_and_ranks[-1][0])[-1]


@sampler(rv.MvNormalRV)
def _mvnormal(key, shape, mu, cov, dtype):
    n = _core_size((mu, -1), (cov, -1))
    chol = _batched_chol(cov, shape, n)
    z = jax.random.normal(key, tuple(shape) + (n,), dtype)
    return mu + jnp.einsum("...ij,...j->...i", chol, z)


@sampler(rv.MvStudentTRV)
def _mvstudentt(key, shape, nu, mu, scale, dtype):
    n = _core_size((mu, -1), (scale, -1))
    k1, k2 = jax.random.split(key)
    chol = _batched_chol(scale, shape, n)
    z = jax.random.normal(k1, tuple(shape) + (n,), dtype)
    w = 2.0 * jax.random.gamma(k2, jnp.broadcast_to(nu / 2.0, shape), shape, dtype)
    return mu + jnp.einsum("...ij,...j->...i", chol, z) * jnp.sqrt(nu / w)[..., None]


@sampler(rv.DirichletRV)
def _dirichlet(key, shape, a, dtype):
    a = jnp.broadcast_to(a, tuple(shape) + a.shape[-1:])
    # gamma draws in log space keep small concentrations from underflowing to 0/0
    log_g = jax.random.loggamma(key, a, a.shape, dtype)
    return jax.nn.softmax(log_g, axis=-1)


@sampler(rv.MultinomialRV)
def _multinomial(key, shape, n, p, dtype):
    k = p.shape[-1]
    p = jnp.broadcast_to(p, tuple(shape) + (k,))
    n = jnp.broadcast_to(n, tuple(shape))
    return jax.random.multinomial(key, n, p, shape=tuple(shape) + (k,), dtype=dtype)


def lkj_corr_cholesky(key, shape, n, eta, dtype):
    """Cholesky factors of LKJ(eta) correlation matrices by the onion method.

    Row ``i`` (``i >= 1``) is ``[sqrt(y) * u, sqrt(1 - y), 0, ...]`` with
    ``y ~ Beta(i / 2, eta + (n - 1 - i) / 2)`` and ``u`` uniform on the unit sphere of R^i
    (Lewandowski, Kurowicka & Joe, 2009).
    """
    shape = tuple(shape)
    if n == 1:
        return jnp.ones(shape + (1, 1), dtype)
    k1, k2 = jax.random.split(key)
    i = jnp.arange(1, n, dtype=dtype)
    eta = jnp.broadcast_to(eta, shape)[..., None]
    y = jax.random.beta(k1, jnp.broadcast_to(i / 2, shape + (n - 1,)), eta + (n - 1 - i) / 2, shape + (n - 1,), dtype)
    mask = jnp.asarray(np.tril(np.ones((n - 1, n - 1)), 0), dtype)  # row i-1 uses the first i entries
    z = jax.random.normal(k2, shape + (n - 1, n - 1), dtype) * mask
    u = z / jnp.linalg.norm(z, axis=-1, keepdims=True)
    w = jnp.sqrt(y)[..., None] * u
    lower = jnp.zeros(shape + (n, n), dtype)
    lower = lower.at[..., 1:, : n - 1].set(w)
    diag = jnp.concatenate([jnp.ones(shape + (1,), dtype), jnp.sqrt(1 - y)], axis=-1)
    return lower + diag[..., None] * jnp.eye(n, dtype=dtype)


def _lkjcholeskycov(key, shape, eta, sd, op, dtype):
    n = op.n
    corr_chol = lkj_corr_cholesky(key, shape, n, eta, dtype)
    chol = jnp.broadcast_to(sd, tuple(shape) + (n,))[..., :, None] * corr_chol
    rows, cols = np.tril_indices(n)
    return chol[..., rows, cols]


def _lkjcorr(key, shape, eta, op, dtype):
    chol = lkj_corr_cholesky(key, shape, op.n, eta, dtype)
    corr = chol @ jnp.swapaxes(chol, -1, -2)
    # exact ones on the diagonal (rounding leaves 1 +- 1e-16)
    return corr * (1 - jnp.eye(op.n, dtype=dtype)) + jnp.eye(op.n, dtype=dtype)


_lkjcholeskycov.needs_op = _lkjcorr.needs_op = True
sampler(rv.LKJCholeskyCovRV)(_lkjcholeskycov)
sampler(rv.LKJCorrRV)(_lkjcorr)
