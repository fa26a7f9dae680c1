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

#: groups whose variables have no (chain, draw) dimensions
DATA_GROUPS = ("observed_data", "constant_data", "predictions_constant_data")


def library_attrs() -> dict:
    """The attrs PyMC puts on every group (ArviZ adds ``created_at`` and ``arviz_version``)."""
    from rewrax import __version__

    return {"inference_library": "rewrax", "inference_library_version": __version__}


def make_inference_data(groups: dict, dims_map=None, coords=None, attrs=None):
    """ArviZ InferenceData from ``{group: {name: array}}`` ((chain, draw) leading, except data groups).

    ``attrs`` (``sampling_time``, ``tuning_steps``, ...) go on ``posterior`` and
    ``sample_stats``, as in PyMC; every group gets the library attrs.
    """
    import arviz as az

    dims_map = {k: list(v) for k, v in (dims_map or {}).items() if v}
    kwargs = {g: {k: np.asarray(v) for k, v in variables.items()} for g, variables in groups.items() if variables}
    coords = _coords_for(kwargs, dims_map, coords)
    if "warmup_posterior" in kwargs or "warmup_sample_stats" in kwargs:
        kwargs["save_warmup"] = True
    idata = az.from_dict(coords=coords, dims=dims_map, **kwargs)
    for group in idata.groups():
        idata[group].attrs.update(library_attrs())
        if group in ("posterior", "sample_stats"):  # where PyMC puts sampling_time, tuning_steps
            idata[group].attrs.update(dict(attrs or {}))
    return idata


def _coords_for(groups, dims_map, coords):
    """The model's coords, minus those no array here matches (a dim resized by ``set_data`` that
    only some groups follow keeps ArviZ from raising ``CoordinateValidationError``)."""
    coords = {k: np.asarray(v) for k, v in (coords or {}).items() if v is not None}
    lengths = {}
    for gname, variables in groups.items():
        lead = 0 if gname in DATA_GROUPS else 2
        for name, values in variables.items():
            shape = np.shape(np.atleast_1d(values) if lead == 0 else values)[lead:]
            for dim, n in zip(dims_map.get(name, ()), shape):
                lengths.setdefault(dim, set()).add(n)
    return {k: v for k, v in coords.items() if lengths.get(k, {len(v)}) == {len(v)}}


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
