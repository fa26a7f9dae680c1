"""Statistics pooled across chains, for samplers that adapt on the whole ensemble (ChEES, MAMS).

The chunk program (program.py) maps each chain's transition over the chain axis with
``jax.vmap(..., axis_name=CHAIN_AXIS)``. A kernel written for one chain reduces over all of
them with ``jax.lax.psum`` / ``pmean`` on that axis: every chain then holds the same copy of
the shared parameters (step size, trajectory length, mass matrix), computed from the same
pooled numbers. With chains sharded over devices (``chain_method="parallel"``) the same
reductions become XLA all-reduces, so nothing here depends on where the chains live.
"""

from __future__ import annotations

from typing import Any, NamedTuple

import jax
import jax.numpy as jnp
from blackjax.mcmc.dynamic_hmc import halton_sequence

#: the name of the chain axis in the chunk program's vmap
CHAIN_AXIS = "chain"


def psum(x):
    return jax.lax.psum(x, CHAIN_AXIS)


def pooled_mean(x, weight):
    """``sum(weight * x) / sum(weight)`` over chains (``weight`` zero where ``x`` is unusable)."""
    x = jnp.where(weight > 0, x, jnp.zeros_like(x))
    total = psum(weight)
    return psum(weight * x) / jnp.where(total > 0, total, 1.0)


def jitter_fraction(iteration, max_bits=20):
    """A number in (0, 1] shared by all chains: the Halton sequence at ``iteration``.

    The same for every chain, so all chains integrate the same number of steps and finish
    together (lockstep without waiting for the longest trajectory).
    """
    u = halton_sequence(jnp.asarray(iteration, jnp.int32), max_bits)
    return jnp.maximum(u, 1.0 / 2**max_bits)


class PooledMoments(NamedTuple):
    """Running pooled count, mean and sum of squared deviations per coordinate (Chan et al.)."""

    count: Any
    mean: Any
    m2: Any


def moments_init(n_dims, dtype) -> PooledMoments:
    return PooledMoments(jnp.zeros((), dtype), jnp.zeros((n_dims,), dtype), jnp.zeros((n_dims,), dtype))


def moments_update(moments: PooledMoments, x, ok) -> PooledMoments:
    """Fold the positions ``x`` of all chains (those with ``ok``) into the running moments."""
    w = ok.astype(x.dtype)
    n_b = psum(w)
    mean_b = pooled_mean(x, w * jnp.ones_like(x))
    dev = jnp.where(ok, x - mean_b, 0.0)
    m2_b = psum(dev * dev)
    n = moments.count + n_b
    safe_n = jnp.where(n > 0, n, 1.0)
    delta = mean_b - moments.mean
    mean = moments.mean + delta * n_b / safe_n
    m2 = moments.m2 + m2_b + delta**2 * moments.count * n_b / safe_n
    return PooledMoments(n, mean, m2)


def moments_variance(moments: PooledMoments, fallback):
    """Regularised variance per coordinate (Stan's shrinkage towards 1e-3), or ``fallback``."""
    n = moments.count
    var = moments.m2 / jnp.maximum(n - 1, 1.0)
    var = (n / (n + 5.0)) * var + 1e-3 * (5.0 / (n + 5.0))
    good = (n > 2) & jnp.all(jnp.isfinite(var)) & jnp.all(var > 0)
    return jnp.where(good, var, fallback)


def ensemble_variance(x, ok):
    """The variance of the current positions across chains, per coordinate."""
    w = ok.astype(x.dtype) * jnp.ones_like(x)
    mean = pooled_mean(x, w)
    return pooled_mean((x - mean) ** 2, w)
