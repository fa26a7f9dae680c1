"""A Simulator's pseudo-likelihood inside the SMC program (approximate Bayesian computation).

For each particle: the simulator's parameters (a graph of the value variables, lowered to
JAX over the flat vector), one simulation by the user's NumPy ``fn`` (a host callback, as
PyMC calls it: one ``numpy.random.Generator`` per particle, seeded from the JAX key), then
``distance(epsilon, sum_stat(observed), sum_stat(simulated))`` summed: the log-kernel that
stands in for the log-likelihood.
"""

from __future__ import annotations

import numpy as np

import jax
import jax.numpy as jnp

from rewrax.model.density import replace_present, replace_rvs_by_values
from rewrax.model.distributions.simulator import simulator_spec
from rewrax.model.lowering import _Lowered, prepare
import rewrax.symbolic as pt

SUM_STATS = {
    "identity": lambda x: x,
    "sort": jnp.sort,
    "mean": jnp.mean,
    "median": jnp.median,
    "var": jnp.var,
    "std": jnp.std,
}


def _distance(name):
    if callable(name):
        return name
    if name == "gaussian":
        return lambda epsilon, obs, sim: -0.5 * ((obs - sim) / epsilon) ** 2
    return lambda epsilon, obs, sim: -jnp.abs((obs - sim) / epsilon)


class SimulatedLikelihood:
    """The ABC log-kernel of one Simulator variable, over particles ``x`` of shape ``(n, d)``."""

    def __init__(self, model, rv, layout, data_names):
        spec = simulator_spec(rv)
        self.spec = spec
        self.observed = np.asarray(model.rvs_to_values[rv].data if hasattr(model.rvs_to_values[rv], "data")
                                   else model.rvs_to_values[rv].get_value())
        self.lowered = lower_over_flat(model, layout, list(rv.owner.inputs[2:]), data_names)
        self.x64 = self.lowered.x64
        self.sum_stat = spec.sum_stat if callable(spec.sum_stat) else SUM_STATS[spec.sum_stat]
        self.distance = _distance(spec.distance)

    def parameters(self, x, data):
        fn, names = self.lowered.fn, self.lowered.data_names
        return jax.vmap(lambda one: list(fn(one, *[data[n] for n in names])))(x)

    def loglike(self, x, data, key):
        n = x.shape[0]
        params = self.parameters(x, data)
        keys = jax.random.key_data(jax.random.split(key, n)).astype(jnp.uint32)
        shape = self.observed.shape
        # float64 travels as pairs of 32-bit words: the callback's thread does not see the
        # caller's jax.enable_x64(True), and JAX would cast a float64 result to float32 there
        dtype = np.dtype(x.dtype)
        wide = dtype.itemsize == 8
        out = jax.ShapeDtypeStruct((n,) + shape + ((2,) if wide else ()), np.uint32 if wide else dtype)
        simulated = jax.pure_callback(_host_simulator(self.spec.fn, shape, dtype), out, keys, *params,
                                      vmap_method="expand_dims")
        if wide:
            simulated = jax.lax.bitcast_convert_type(simulated, dtype)
        obs = jnp.asarray(self.observed, x.dtype)
        stat = jax.vmap(self.sum_stat)
        kernel = self.distance(self.spec.epsilon, self.sum_stat(obs)[None], stat(simulated))
        kernel = jnp.reshape(kernel, (n, -1)).sum(axis=1)
        return jnp.nan_to_num(kernel, nan=-jnp.inf)


def lower_over_flat(model, layout, graphs, data_names, checks="ninf"):
    """``graphs`` of the model's variables lowered to ``fn(flat, *data)`` over ``layout``'s vector."""
    flat = pt.tensor("flat", shape=(layout.size,), dtype=layout.dtype)
    graphs = replace_present(replace_rvs_by_values(model, graphs), layout.slices(flat)) if graphs else []
    return _Lowered([flat], prepare(model, graphs, checks=checks), data_names)


def _host_simulator(fn, shape, dtype):
    """The host side: one simulation per particle (any leading batch dimensions).

    First one call for all particles (``size`` = particles x observed shape, parameters
    given a trailing axis per observed dimension), which NumPy simulators that broadcast
    their parameters accept; where that fails or gives another shape, one call per particle
    with its own generator, as PyMC does.
    """
    state = {"vectorized": True}

    def simulate(keys, *params):
        lead = keys.shape[:-1]
        keys = np.asarray(keys).reshape(-1, 2)
        n = keys.shape[0]
        params = [np.broadcast_to(np.asarray(p), lead + np.shape(p)[len(lead):]).reshape((n,) + np.shape(p)[len(lead):])
                  for p in params]
        out = _all_at_once(fn, keys, params, shape) if state["vectorized"] else None
        if out is None:
            state["vectorized"] = False
            out = np.empty((n,) + shape, dtype)
            for i in range(n):
                rng = np.random.default_rng([int(keys[i, 0]), int(keys[i, 1])])
                out[i] = np.reshape(fn(rng, *[p[i] for p in params], size=shape), shape)
        out = np.asarray(out, dtype).reshape(lead + shape)
        return np.ascontiguousarray(out).view(np.uint32).reshape(out.shape + (2,)) if out.dtype.itemsize == 8 else out

    return simulate


def _all_at_once(fn, keys, params, shape):
    n = keys.shape[0]
    rng = np.random.default_rng([int(k) for k in keys[0]] + [n])
    expanded = [p.reshape(p.shape + (1,) * len(shape)) if p.ndim == 1 else None for p in params]
    if any(e is None for e in expanded):  # non-scalar parameters: no safe broadcasting rule
        return None
    try:
        out = np.asarray(fn(rng, *expanded, size=(n,) + shape))
    except Exception:  # noqa: BLE001 - the simulator does not broadcast: one call per particle
        return None
    return out if out.shape == (n,) + shape else None
