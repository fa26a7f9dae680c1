"""JAX samplers of the time-series random variables (``rewrax.symbolic.random.timeseries``).

Every random number of a series is a parameter (the draws of the initial values and of the
innovations or noise), so these samplers are deterministic maps: a cumulative sum for random
walks, a ``lax.scan`` over the time axis for the recursions of AR and GARCH(1,1), and the
path itself for Euler-Maruyama (its scan is in the graph).
"""

from __future__ import annotations

import jax
import jax.numpy as jnp

from rewrax.lower_jax.random import sampler
from rewrax.symbolic.random import timeseries as rv


def _last(x, shape, n):
    """``x`` broadcast to ``(*shape, n)``."""
    return jnp.broadcast_to(x, tuple(shape) + (n,))


@sampler(rv.RandomWalkRV)
def _random_walk(key, shape, init, innov, *, op, dtype):
    axis = -1 - op.inner_ndim_supp
    core = innov.shape[innov.ndim + axis:]  # (steps,) or (steps, k)
    innov = jnp.broadcast_to(innov, tuple(shape) + core)
    init = jnp.broadcast_to(jnp.expand_dims(init, axis), tuple(shape) + (1,) + core[1:])
    return jnp.cumsum(jnp.concatenate([init, innov], axis=axis), axis=axis)


@sampler(rv.AutoRegressiveRV)
def _autoregressive(key, shape, rho, sigma, init, noise, *, op, dtype):
    p, c = op.ar_order, int(op.constant_term)
    rho = _last(rho, shape, p + c)
    const = rho[..., 0] if c else 0.0
    lags = rho[..., c:][..., ::-1]  # lags[..., -1] multiplies x[t-1], the newest value of the window
    sigma = jnp.broadcast_to(sigma, shape)
    init = _last(init, shape, p)
    noise = _last(noise, shape, noise.shape[-1])

    def step(window, eps):
        x = const + jnp.sum(lags * window, axis=-1) + sigma * eps
        return jnp.concatenate([window[..., 1:], x[..., None]], axis=-1), x

    _, xs = jax.lax.scan(step, init, jnp.moveaxis(noise, -1, 0))
    return jnp.concatenate([init, jnp.moveaxis(xs, 0, -1)], axis=-1)


@sampler(rv.GARCH11RV)
def _garch11(key, shape, omega, alpha_1, beta_1, initial_vol, init, noise, *, op, dtype):
    omega, alpha_1, beta_1 = (jnp.broadcast_to(a, shape) for a in (omega, alpha_1, beta_1))
    y0 = jnp.broadcast_to(init, shape)
    vol0 = jnp.broadcast_to(initial_vol, shape).astype(y0.dtype)
    noise = _last(noise, shape, noise.shape[-1])

    def step(carry, eps):
        y, vol = carry
        vol = jnp.sqrt(omega + alpha_1 * y**2 + beta_1 * vol**2)
        y = vol * eps
        return (y, vol), y

    _, ys = jax.lax.scan(step, (y0, vol0), jnp.moveaxis(noise, -1, 0))
    return jnp.concatenate([y0[..., None], jnp.moveaxis(ys, 0, -1)], axis=-1)


@sampler(rv.EulerMaruyamaRV)
def _euler_maruyama(key, shape, dt, init, *rest, op, dtype):
    path = rest[-1]
    return jnp.broadcast_to(path, tuple(shape) + path.shape[-1:])


for _fn in (_random_walk, _autoregressive, _garch11, _euler_maruyama):
    _fn.needs_op = True
