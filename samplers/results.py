"""Sampling results as ArviZ ``InferenceData``, with PyMC's groups, dims, coords and attrs.

ArviZ is a dependency of rewrax, as it is of PyMC: ``rx.sample`` returns ``InferenceData``
with ``posterior``, ``sample_stats``, ``observed_data``, ``constant_data`` (the model's data
containers), ``log_likelihood`` when asked (``idata_kwargs={"log_likelihood": True}``) and
``warmup_*`` when warm-up draws are kept. ``return_inferencedata=False`` gives a
:class:`MultiTrace`, PyMC's other result type (``trace["mu"]``, ``trace.get_values``), which
``rx.to_inference_data`` converts.
"""

from __future__ import annotations

import numpy as np

from rewrax.model.inference_data import inference_data as make_inference_data  # noqa: F401  (re-exported)


class MultiTrace:
    """PyMC's ``MultiTrace``: what ``rx.sample(return_inferencedata=False)`` returns.

    ``trace["mu"]`` gives the draws of all chains one after another, shape
    ``(chains * draws, *shape)``; ``trace.get_values("mu", combine=False)`` a list per chain;
    ``trace.get_sampler_stats("diverging")`` the sampler statistics the same way.

    Examples
    --------
    >>> import numpy as np
    >>> trace = MultiTrace({"posterior": {"mu": np.zeros((2, 5))}, "sample_stats": {}})
    >>> trace["mu"].shape, trace.nchains, len(trace)
    ((10,), 2, 5)
    """

    def __init__(self, groups: dict, dims=None, coords=None, attrs=None):
        self._groups = {g: {k: np.asarray(v) for k, v in d.items()} for g, d in groups.items()}
        self._posterior = self._groups.get("posterior", {})
        self._stats = self._groups.get("sample_stats", {})
        self.dims, self.coords, self.attrs = dict(dims or {}), dict(coords or {}), dict(attrs or {})
        first = next(iter(self._posterior.values()), np.zeros((0, 0)))
        self.nchains, self._ndraws = int(first.shape[0]), int(first.shape[1])

    @property
    def varnames(self):
        return list(self._posterior)

    @property
    def stat_names(self):
        return set(self._stats)

    @property
    def chains(self):
        return list(range(self.nchains))

    def __len__(self):
        return self._ndraws

    def __getitem__(self, name):
        return self.get_values(name)

    def __contains__(self, name):
        return name in self._posterior

    def get_values(self, varname, burn=0, thin=1, combine=True, chains=None, squeeze=True):
        if varname not in self._posterior:
            raise KeyError(f"the trace has no variable {varname!r} (it has {self.varnames})")
        return self._select(self._posterior[varname], burn, thin, combine, chains, squeeze)

    def get_sampler_stats(self, stat_name, burn=0, thin=1, combine=True, chains=None, squeeze=True):
        if stat_name not in self._stats:
            raise KeyError(f"the trace has no sampler statistic {stat_name!r} (it has {sorted(self._stats)})")
        return self._select(self._stats[stat_name], burn, thin, combine, chains, squeeze)

    def _select(self, values, burn, thin, combine, chains, squeeze):
        chains = self.chains if chains is None else ([chains] if np.ndim(chains) == 0 else list(chains))
        per_chain = [values[c, burn::thin] for c in chains]
        if combine:
            return np.concatenate(per_chain, axis=0)
        return per_chain[0] if squeeze and len(per_chain) == 1 else per_chain

    def to_inference_data(self):
        return make_inference_data(self._groups, self.dims, self.coords, self.attrs)

    def __repr__(self):
        return f"<MultiTrace: {self.nchains} chains, {self._ndraws} draws, variables {self.varnames}>"


def to_inference_data(trace=None, *, prior=None, posterior_predictive=None, predictions=None, log_likelihood=None,
                      coords=None, dims=None, model=None, **kwargs):
    """A result as ArviZ ``InferenceData`` (PyMC's ``pm.to_inference_data``).

    ``trace`` is what ``rx.sample(return_inferencedata=False)`` returned (a
    :class:`MultiTrace`) or already an InferenceData; ``prior``, ``posterior_predictive``,
    ``predictions`` and ``log_likelihood`` are ``{name: array}`` dicts added as groups, with
    (chain, draw) leading, except ``prior``, whose arrays lead with draws only, as
    ``rx.sample_prior_predictive(return_inferencedata=False)`` gives them.

    Examples
    --------
    >>> import numpy as np, rewrax as rx
    >>> trace = rx.samplers.results.MultiTrace({"posterior": {"mu": np.zeros((2, 5))}})
    >>> rx.to_inference_data(trace).posterior["mu"].shape
    (2, 5)
    """
    import arviz as az

    if trace is None:
        idata = az.InferenceData()
    elif isinstance(trace, MultiTrace):
        idata = trace.to_inference_data()
    elif isinstance(trace, az.InferenceData):
        idata = trace
    else:
        raise TypeError(f"to_inference_data takes a MultiTrace or an InferenceData, got {type(trace).__name__}")
    model_dims = dict(getattr(model, "named_vars_to_dims", {}) or {})
    model_coords = dict(getattr(model, "coords", {}) or {})
    dims = {**{k: v for k, v in model_dims.items() if v}, **dict(dims or {})}
    coords = {**{k: v for k, v in model_coords.items() if v is not None}, **dict(coords or {})}
    extra = {"prior": prior, "posterior_predictive": posterior_predictive, "predictions": predictions,
             "log_likelihood": log_likelihood}
    groups = {g: {k: np.asarray(v)[None] if g == "prior" else np.asarray(v) for k, v in d.items()}
              for g, d in extra.items() if d}
    if groups:
        idata.extend(make_inference_data(groups, dims, coords))
    return idata


def make_light_result(groups: dict, dims_map=None, coords=None, attrs=None) -> MultiTrace:
    """A :class:`MultiTrace` from ``{group: {name: array}}`` (``return_inferencedata=False``)."""
    return MultiTrace(groups, dims_map, coords, attrs)


def arviz_available() -> bool:
    """Always true: ArviZ is a dependency (kept for callers that still ask)."""
    return True


def predictions_to_inference_data(predictions, posterior_trace=None, model=None, coords=None, dims=None,
                                  sample_dims=None, idata_orig=None, inplace=False):
    """Out-of-sample draws as PyMC's ``predictions`` and ``predictions_constant_data`` groups.

    ``predictions`` is ``{name: array (chain, draw, ...)}`` (what
    ``rx.sample_posterior_predictive(..., predictions=True, return_inferencedata=False)``
    gives); the model's data containers (their current values, after ``rx.set_data``) make
    ``predictions_constant_data``; dims and coords are the model's current ones. With
    ``idata_orig`` the groups are added to (a copy of, unless ``inplace``) that InferenceData.

    Examples
    --------
    >>> import numpy as np, rewrax as rx
    >>> with rx.Model(coords={"obs": [10, 11]}) as m:
    ...     x = rx.Data("x", np.zeros(2), dims="obs")
    ...     y = rx.Normal("y", x, 1.0, dims="obs")
    >>> idata = rx.predictions_to_inference_data({"y": np.zeros((1, 4, 2))}, model=m)
    >>> idata.groups(), idata.predictions.coords["obs"].values.tolist()
    (['predictions', 'predictions_constant_data'], [10, 11])
    """
    from rewrax.model.context import modelcontext
    from rewrax.model.inference_data import extend

    model = modelcontext(model)
    dims = {**{k: list(v) for k, v in model.named_vars_to_dims.items() if v}, **dict(dims or {})}
    coords = {**{k: v for k, v in model.coords.items() if v is not None}, **dict(coords or {})}
    groups = {"predictions": dict(predictions),
              "predictions_constant_data": {v.name: np.asarray(v.get_value()) for v in model.data_vars}}
    new = make_inference_data(groups, dims, coords)
    if idata_orig is None:
        return new
    target = idata_orig if inplace else idata_orig.copy()
    return extend(target, new, list(groups))
