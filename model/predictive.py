"""Forward sampling of a model: ``sample_prior_predictive`` and ``sample_posterior_predictive``.

Prior predictive: the model's random variables drawn forward (parents first), ``draws``
times, in one jitted call: each random variable with no random parent draws ``draws``
values at once (through its ``size``), and ``vectorize_graph`` batches the rest.
Posterior predictive: the graph of the requested variables is vectorized over all
posterior draws at once with ``vectorize_graph`` (each free random variable replaced by
the batch of its posterior draws), compiled once and called once; no Python loop over draws.

Results are ArviZ ``InferenceData`` with PyMC's groups (``prior``, ``prior_predictive``,
``posterior_predictive`` or ``predictions`` + ``predictions_constant_data``, with
``observed_data`` and ``constant_data``), or plain dicts of arrays with
``return_inferencedata=False``. Groups follow the model's current coords, so predictions
after ``rx.set_data(..., coords=...)`` carry the new coordinate values.
"""

from __future__ import annotations

import warnings

import numpy as np

import jax

import rewrax.symbolic as pt
from rewrax.lower_jax.function import HOIST_CONSTANT_SIZE
from rewrax.lower_jax.interpret import graph_fn
from rewrax.lower_jax.x64 import needs_x64
from rewrax.model.compile import _observed_data
from rewrax.model.context import modelcontext
from rewrax.model.coords import current_length
from rewrax.model.inference_data import extend, inference_data
from rewrax.symbolic.graph import ancestors, graph_inputs, io_toposort
from rewrax.symbolic.random.op import RandomVariable
from rewrax.symbolic.type import RandomKeyType
from rewrax.symbolic.variable import Constant, SharedVariable
from rewrax.symbolic.vectorize import vectorize_graph


def _keys(random_seed, *shape):
    """Raw ``uint32`` PRNG key data of the given leading ``shape`` (what random variables take)."""
    seed = int(np.random.SeedSequence(random_seed).generate_state(1)[0])
    n = int(np.prod(shape)) if shape else 1
    keys = jax.random.split(jax.random.PRNGKey(seed), max(n, 1))
    return np.asarray(keys, dtype=np.uint32)[:n].reshape(tuple(shape) + (2,))


class _Forward:
    """``outputs`` lowered to ``fn(keys, *batched, *data)``, every random key an explicit input."""

    def __init__(self, outputs, batched=()):
        roots = graph_inputs(outputs)
        self.rngs = [r for r in roots if isinstance(r.type, RandomKeyType)]
        batched_ids = {id(b) for b in batched}
        self.data = [r for r in roots if isinstance(r, SharedVariable) and not isinstance(r.type, RandomKeyType)]
        self.data += [r for r in roots if isinstance(r, Constant) and np.size(r.data) > HOIST_CONSTANT_SIZE]
        free = [r for r in roots if r.owner is None and id(r) not in batched_ids
                and not isinstance(r, (Constant, SharedVariable))]
        if free:
            raise ValueError(f"cannot sample {outputs}: they depend on {free}, which have no value")
        self.fn = graph_fn(self.rngs + list(batched) + self.data, outputs)
        self.x64 = needs_x64(list(outputs))

    def data_values(self):
        return [np.asarray(d.get_value(borrow=True) if isinstance(d, SharedVariable) else d.data) for d in self.data]

    def run(self, compiled, *args):
        if self.x64 and not jax.config.jax_enable_x64:
            with jax.enable_x64(True):
                return [np.asarray(o) for o in compiled(*args)]
        return [np.asarray(o) for o in compiled(*args)]


def _names(model, var_names, default):
    if var_names is None:
        return default
    out = []
    for name in var_names:
        if name not in model:
            raise KeyError(f"the model has no variable named {name!r}")
        out.append(model[name])
    return out


def sample_prior_predictive(draws=500, model=None, var_names=None, random_seed=None, return_inferencedata=True,
                            idata_kwargs=None, samples=None):
    """Draws from the prior of every random variable and deterministic (observed ones included).

    Parameters
    ----------
    draws : int
        Number of draws; each variable's result has shape ``(draws, *shape)``.
    var_names : list of str, optional
        Variables to return (default: free and observed random variables and deterministics).
    random_seed : int, optional
    return_inferencedata : bool
        ArviZ InferenceData (groups ``prior``, ``prior_predictive``, ``observed_data``,
        ``constant_data``); when ``False``, a dict ``{name: array}``.

    Examples
    --------
    >>> import rewrax as rx
    >>> with rx.Model() as m:
    ...     mu = rx.Normal("mu", 0, 1, shape=3)
    ...     prior = rx.sample_prior_predictive(100, random_seed=1, return_inferencedata=False)
    >>> prior["mu"].shape
    (100, 3)
    """
    if samples is not None:
        draws = samples
    draws = int(draws)
    if draws < 1:
        raise ValueError(f"draws must be a positive number, got {draws}")
    model = modelcontext(model)
    if model.potentials:
        warnings.warn("the model has potentials; prior predictive sampling ignores them", UserWarning, stacklevel=2)
    variables = _names(model, var_names, model.free_RVs + model.observed_RVs + model.deterministics)
    values = _batched_forward(variables, {}, [], draws, random_seed)
    result = {v.name: val for v, val in zip(variables, values)}
    if not return_inferencedata:
        return result
    observed = {rv.name for rv in model.observed_RVs}
    groups = {"prior": {k: v[None] for k, v in result.items() if k not in observed},
              "prior_predictive": {k: v[None] for k, v in result.items() if k in observed},
              "observed_data": _observed_data(model), "constant_data": _constant_data(model)}
    return _inference_data(model, groups, idata_kwargs)


def _constant_data(model):
    """The data containers' current values (PyMC's ``constant_data`` group)."""
    return {v.name: np.asarray(v.get_value()) for v in model.data_vars}


def _inference_data(model, groups, idata_kwargs=None):
    kwargs = dict(idata_kwargs or {})
    dims = {k: list(v) for k, v in model.named_vars_to_dims.items() if v}
    coords = {k: (np.asarray(v) if v is not None else np.arange(_length(model, k)))
              for k, v in model.coords.items()}
    dims.update(kwargs.pop("dims", None) or {})
    coords.update(kwargs.pop("coords", None) or {})
    if kwargs:
        raise ValueError(f"unknown idata_kwargs {sorted(kwargs)}; forward sampling understands 'dims' and 'coords'")
    return inference_data(groups, dims, coords)


def _length(model, dim):
    length = current_length(model, dim)
    return length if length is not None else int(np.asarray(model.dim_lengths[dim].eval()))


# -- posterior predictive -----------------------------------------------------------------------
def _posterior_arrays(trace):
    """``{name: array (chain, draw, *shape)}`` from InferenceData, a sampling result or a dict."""
    posterior = getattr(trace, "posterior", trace)
    if posterior is None:
        raise TypeError("the trace has no posterior group")
    out = {}
    for name in list(posterior.keys()) if hasattr(posterior, "keys") else list(posterior):
        value = posterior[name]
        out[name] = np.asarray(getattr(value, "values", value))
    return out


def _batched_draws(model, rv, arrays, n_chains_draws):
    name = rv.name
    arr = arrays[name]
    core = arr.ndim - 2
    if core != rv.type.ndim:
        raise ValueError(f"the trace's draws of {name!r} have shape {arr.shape}; expected (chain, draw) followed by "
                         f"{rv.type.ndim} dimension(s) of the variable")
    return arr.reshape((n_chains_draws,) + arr.shape[2:]).astype(rv.type.dtype)


def _leading(arrays):
    shapes = {arr.shape[:2] for arr in arrays.values() if arr.ndim >= 2}
    if len(shapes) != 1:
        raise ValueError(f"the trace's variables disagree on (chain, draw): {sorted(shapes)}")
    return shapes.pop()


def sample_posterior_predictive(trace, model=None, var_names=None, random_seed=None, return_inferencedata=True,
                                extend_inferencedata=False, predictions=False, idata_kwargs=None, progressbar=False):
    """Draws of ``var_names`` (default: the observed variables) for every posterior draw in ``trace``.

    Free random variables are set to their posterior draws; everything downstream of them
    is recomputed (deterministics) or drawn anew (observed variables), vectorized over all
    draws in one compiled call. Data containers are read at their current values, so
    ``rx.set_data`` before this call gives out-of-sample predictions.

    Parameters
    ----------
    trace : InferenceData, a sampling result, or dict
        Posterior draws with leading (chain, draw) dimensions.
    var_names : list of str, optional
    extend_inferencedata : bool
        Add the new groups to ``trace`` (an InferenceData; groups of the same name are
        replaced) and return ``trace``.
    predictions : bool
        Out-of-sample predictions after ``rx.set_data``: the groups are ``predictions`` and
        ``predictions_constant_data`` (the new data), with the model's current coords,
        as in PyMC. Raises when the model has no data containers, or when they still hold
        the data of ``trace``'s ``constant_data`` (``rx.set_data`` was not called).

    Examples
    --------
    >>> import numpy as np, rewrax as rx
    >>> with rx.Model() as m:
    ...     mu = rx.Normal("mu", 0, 1)
    ...     y = rx.Normal("y", mu, 1, observed=np.zeros(3))
    >>> trace = {"mu": np.zeros((2, 50))}
    >>> pp = rx.sample_posterior_predictive(trace, model=m, random_seed=1, return_inferencedata=False)
    >>> pp["y"].shape
    (2, 50, 3)
    """
    model = modelcontext(model)
    if predictions:
        _check_new_data(model, trace)
    arrays = _posterior_arrays(trace)
    default = model.observed_RVs if model.observed_RVs else model.deterministics
    variables = _names(model, var_names, default)
    chains, draws = _leading(arrays)
    n = chains * draws
    copied = {v.name: arrays[v.name] for v in variables if v in model.free_RVs}
    computed = [v for v in variables if v not in model.free_RVs]
    result = dict(copied)
    if computed:
        result.update(_vectorized_draws(model, computed, arrays, n, random_seed, (chains, draws)))
    result = {v.name: result[v.name] for v in variables}
    if not return_inferencedata:
        return result
    if predictions:
        groups = {"predictions": result, "predictions_constant_data": _constant_data(model)}
    else:
        groups = {"posterior_predictive": result, "observed_data": _observed_data(model),
                  "constant_data": _constant_data(model)}
    if extend_inferencedata and not hasattr(trace, "add_groups"):
        raise TypeError(f"extend_inferencedata=True needs an InferenceData trace, got {type(trace).__name__}")
    idata = _inference_data(model, groups, idata_kwargs)
    if extend_inferencedata:
        new = [g for g in groups if g not in ("observed_data", "constant_data") or g not in trace.groups()]
        return extend(trace, idata, new)
    return idata


def _check_new_data(model, trace):
    """``predictions=True`` is for new data: say so when there is none to predict at."""
    if not model.data_vars:
        raise ValueError("predictions=True draws out-of-sample predictions at data set with rx.set_data, but the "
                         "model has no data containers (rx.Data); use predictions=False for posterior predictive "
                         "draws at the observed data")
    fitted = getattr(trace, "constant_data", None)
    if fitted is None:
        return
    current = _constant_data(model)
    same = [name for name, value in current.items() if name in fitted
            and np.shape(fitted[name]) == np.shape(value) and np.array_equal(np.asarray(fitted[name].values), value)]
    if len(same) == len(current):
        raise ValueError(f"predictions=True, but the data containers {same} still hold the data the trace was "
                         "sampled with (its constant_data): call rx.set_data({...}, coords={...}) with the new data "
                         "first, or use predictions=False for in-sample posterior predictive draws")


def _vectorized_draws(model, outputs, arrays, n, random_seed, lead):
    needed = {id(v) for v in ancestors(outputs)}
    replace, batched = {}, []
    for rv in model.free_RVs:
        if id(rv) not in needed:
            continue
        if rv.name not in arrays:
            raise KeyError(f"the trace has no draws of {rv.name!r}, which {[o.name for o in outputs]} depend(s) on")
        placeholder = pt.tensor(f"{rv.name}_draws", shape=(n,) + tuple(rv.type.shape), dtype=rv.type.dtype)
        replace[rv] = placeholder
        batched.append((placeholder, _batched_draws(model, rv, arrays, n)))
    key = ("posterior_predictive", tuple(id(o) for o in outputs), n)
    values = _batched_forward(outputs, replace, batched, n, random_seed, cache=model._cache, key=key)
    return {o.name: v.reshape(lead + v.shape[1:]) for o, v in zip(outputs, values)}


def _batched_forward(outputs, replace, batched, n, random_seed, cache=None, key=None):
    """Values of ``outputs`` with a leading batch dimension of ``n``, from one compiled call.

    ``replace`` maps variables to batched placeholders (``batched``: (placeholder, values)
    pairs); every random variable not downstream of them is drawn ``n`` times through its
    ``size``, and the rest of the graph is vectorized (``vectorize_graph``). Drawing through
    ``size`` rather than ``jax.vmap`` over keys keeps one sampler call per random variable,
    which XLA compiles several times faster. With ``cache`` (the model's, cleared when the
    model changes) the compiled program is kept under ``key``: a second call with as many
    draws reuses it (data containers are arguments, so ``rx.set_data`` needs no rebuild).
    """
    entry = cache.get(key) if cache is not None else None
    if entry is None:
        replace = dict(replace)
        replace.update(_batch_unreached_rvs(outputs, replace, n))
        outs = [new if new is not old else _broadcast_batch(old, n)
                for old, new in zip(outputs, vectorize_graph(outputs, replace))]
        forward = _Forward(outs, [p for p, _ in batched])
        entry = (forward, jax.jit(forward.fn))
        if cache is not None:
            cache[key] = entry
    forward, compiled = entry
    keys = _keys(random_seed, max(len(forward.rngs), 1))
    return forward.run(compiled, *[keys[i] for i in range(len(forward.rngs))], *[a for _, a in batched],
                       *forward.data_values())


def _batch_unreached_rvs(outputs, replace, n):
    """Random variables no posterior draw reaches (``y ~ Normal(0, 1)``) drawn ``n`` times instead."""
    reached = {id(k) for k in replace}
    extra = {}
    for node in io_toposort(list(replace), outputs):  # nothing above the replaced variables
        if any(id(i) in reached for i in node.inputs):
            reached.update(id(o) for o in node.outputs)
        elif isinstance(node.op, RandomVariable):
            rng, size, *params = node.inputs
            draw = node.outputs[1]
            batch_ndim = draw.type.ndim - node.op.ndim_supp
            if size.type.shape[0] == 0:
                size = pt.as_tensor_variable([n, *[draw.shape[i] for i in range(batch_ndim)]])
            else:
                size = pt.concatenate([pt.as_tensor_variable(np.array([n], dtype=size.type.dtype)), size])
            extra[draw] = node.op(rng, size, *params, return_list=True)[1]
            reached.update(id(o) for o in node.outputs)
    return extra


def _broadcast_batch(out, n):
    """Outputs that no draw reaches (functions of constants) get the batch dimension by broadcasting."""
    return pt.broadcast_to(out, (n,) + tuple(out.shape[i] for i in range(out.type.ndim)))
