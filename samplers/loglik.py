"""Pointwise log-densities for every posterior draw: ``compute_log_likelihood``, ``compute_log_prior``.

The log-density of each element of a random variable, given the (constrained) values of the
free variables, is built from the model's graphs (no transform, no Jacobian: the densities
PyMC stores), lowered to JAX and ``vmap``-ped over all draws: one compiled program, called
once, whatever the number of draws. ``az.loo``, ``az.waic`` and ``az.compare`` read the
``log_likelihood`` group it writes.
"""

from __future__ import annotations

import numpy as np

import jax

from rewrax.model.context import modelcontext
from rewrax.model.lowering import _Lowered, prepare
from rewrax.samplers.results import make_inference_data
from rewrax.symbolic.graph import graph_inputs


class _Pointwise:
    """``fn(draws of the free variables) -> elementwise logp of ``rvs```, vmapped over draws."""

    def __init__(self, model, rvs):
        from rewrax.model.logprob import conditional_logp

        self.placeholders = {rv: rv.type.make_variable(name=rv.name) for rv in model.free_RVs}
        rv_values = {**self.placeholders, **{rv: model.rvs_to_values[rv] for rv in model.observed_RVs}}
        raw = conditional_logp(rv_values, warn_rvs=False)
        terms = [raw[rv_values[rv]] for rv in rvs]
        used = {id(v) for v in graph_inputs(terms)}
        self.inputs = [(rv, ph) for rv, ph in self.placeholders.items() if id(ph) in used]
        self.lowered = _Lowered([ph for _, ph in self.inputs], terms, {},
                                prepare_fn=lambda outs: prepare(model, outs, checks="ninf"))
        n_in = len(self.inputs)
        lowered = self.lowered

        def one(*args):
            return lowered.fn(*args)

        if n_in:
            self.fn = jax.jit(jax.vmap(one, in_axes=(0,) * n_in + (None,) * len(lowered.data_names)))
        else:  # no density reads a free variable: one value, the same for every draw
            self.fn = jax.jit(lambda *data: [o[None] for o in one(*data)])

    def __call__(self, arrays, n):
        values = [arrays[rv.name].reshape((n,) + arrays[rv.name].shape[2:]).astype(rv.type.dtype)
                  for rv, _ in self.inputs]
        data = [np.asarray(v) for v in self.lowered.values().values()]
        if self.lowered.x64 and not jax.config.jax_enable_x64:
            with jax.enable_x64(True):
                return [np.asarray(o) for o in self.fn(*values, *data)]
        return [np.asarray(o) for o in self.fn(*values, *data)]


def _pointwise_fn(model, rvs):
    key = ("pointwise_logp", tuple(rv.name for rv in rvs))
    if key not in model._cache:
        model._cache[key] = _Pointwise(model, rvs)
    return model._cache[key]


def _select(model, var_names, pool, what):
    names = [rv.name for rv in pool]
    if var_names is None:
        return list(pool)
    var_names = [var_names] if isinstance(var_names, str) else list(var_names)
    unknown = [n for n in var_names if model.name_for(n) not in names]
    if unknown:
        raise ValueError(f"var_names {unknown} are not {what} of the model ({what}: {names})")
    return [rv for rv in pool if rv.name in {model.name_for(n) for n in var_names}]


def _posterior_arrays(idata, model, needed):
    """``{name: (chain, draw, *shape)}`` of the free variables the densities read, checked."""
    posterior = getattr(idata, "posterior", None)
    if posterior is None:
        raise TypeError(f"expected an InferenceData with a posterior group, got {type(idata).__name__}")
    missing = [rv.name for rv in needed if rv.name not in posterior]
    if missing:
        raise ValueError(
            f"the InferenceData's posterior has no draws of {missing}, which the model's densities need: was it "
            f"sampled from another model? (posterior variables: {sorted(posterior.data_vars)}; the model's free "
            f"variables: {[rv.name for rv in model.free_RVs]})")
    arrays = {}
    for rv in needed:
        arr = np.asarray(posterior[rv.name].transpose("chain", "draw", ...).values)
        static = rv.type.shape
        if arr.ndim - 2 != len(static) or any(s is not None and s != a for s, a in zip(static, arr.shape[2:])):
            raise ValueError(f"the posterior draws of {rv.name!r} have shape {arr.shape[2:]} per draw, but the model's "
                             f"{rv.name} has shape {tuple('?' if s is None else s for s in static)}: was the "
                             "InferenceData sampled from another model?")
        arrays[rv.name] = arr
    return arrays


def _group(idata, model, rvs, group, extend_inferencedata):
    fn = _pointwise_fn(model, rvs)
    arrays = _posterior_arrays(idata, model, [rv for rv, _ in fn.inputs])
    chains, draws = idata.posterior.sizes["chain"], idata.posterior.sizes["draw"]
    values = fn(arrays, chains * draws)
    out = {rv.name: np.broadcast_to(v, (chains * draws,) + v.shape[1:]).reshape((chains, draws) + v.shape[1:])
           for rv, v in zip(rvs, values)}
    dims = {}
    for rv, v in out.items():
        d = list(model.named_vars_to_dims.get(rv) or ())
        if d and len(d) >= v.ndim - 2:
            dims[rv] = d[: v.ndim - 2]
    coords = {k: v for k, v in model.coords.items() if v is not None}
    new = make_inference_data({group: out}, dims, coords)
    if not extend_inferencedata:
        return new[group]
    if group in idata.groups():
        del idata[group]
    idata.add_groups({group: new[group]})
    return idata


def compute_log_likelihood(idata, *, var_names=None, extend_inferencedata=True, model=None, sample_dims=None,
                           progressbar=True):
    """Pointwise log-likelihood of the observed variables for every posterior draw (PyMC's function).

    Parameters
    ----------
    idata : InferenceData
        With a ``posterior`` group from this model.
    var_names : list of str, optional
        Observed variables (default: all of them).
    extend_inferencedata : bool
        Add (or replace) the ``log_likelihood`` group of ``idata`` and return ``idata``;
        otherwise return the group as an ``xarray.Dataset``.
    model : Model, optional
        Default: the model on the context stack.
    sample_dims, progressbar
        Accepted for PyMC compatibility (draws are always (chain, draw); no progress bar is
        needed for one vectorised call).

    Examples
    --------
    >>> import numpy as np, arviz as az, rewrax as rx
    >>> with rx.Model() as m:
    ...     mu = rx.Normal("mu", 0, 1)
    ...     y = rx.Normal("y", mu, 1, observed=[0.5, -0.5])
    >>> idata = az.from_dict(posterior={"mu": np.zeros((1, 3))})
    >>> ll = rx.compute_log_likelihood(idata, model=m).log_likelihood["y"]
    >>> ll.shape, round(float(ll[0, 0, 0]), 4)
    ((1, 3, 2), -1.0439)
    """
    model = modelcontext(model)
    rvs = _select(model, var_names, model.observed_RVs, "observed variables")
    if not rvs:
        raise ValueError("the model has no observed variables, so there is no log-likelihood to compute")
    return _group(idata, model, rvs, "log_likelihood", extend_inferencedata)


def compute_log_prior(idata, *, var_names=None, extend_inferencedata=True, model=None, sample_dims=None,
                      progressbar=True):
    """Pointwise prior log-density of the free variables for every posterior draw (``log_prior`` group).

    Densities are in the constrained space, without the transforms' Jacobians, as PyMC's.

    Examples
    --------
    >>> import numpy as np, arviz as az, rewrax as rx
    >>> with rx.Model() as m:
    ...     mu = rx.Normal("mu", 0, 1)
    >>> idata = az.from_dict(posterior={"mu": np.zeros((1, 3))})
    >>> round(float(rx.compute_log_prior(idata, model=m).log_prior["mu"][0, 0]), 4)
    -0.9189
    """
    model = modelcontext(model)
    rvs = _select(model, var_names, model.free_RVs, "free variables")
    return _group(idata, model, rvs, "log_prior", extend_inferencedata)
