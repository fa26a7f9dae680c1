"""Building ArviZ ``InferenceData`` the way PyMC does: groups, dims, coords and attrs.

Shared by forward sampling (model/predictive.py) and the samplers (samplers/results.py).
Every group carries PyMC's attrs (``created_at`` and ``arviz_version`` from ArviZ, then
``inference_library`` and ``inference_library_version``). Coordinates that no array of the
call matches are left out (a dimension resized by ``rx.set_data`` that the observed data
do not follow), so ArviZ never raises ``CoordinateValidationError``: those arrays get
ArviZ's default integer coordinates instead.
"""

from __future__ import annotations

import numpy as np

#: groups whose variables have no (chain, draw) dimensions
DATA_GROUPS = ("observed_data", "constant_data", "predictions_constant_data")
#: the groups ``arviz.from_dict`` takes by name; others (``log_prior``) are added as datasets
_FROM_DICT_GROUPS = ("posterior", "posterior_predictive", "predictions", "sample_stats", "log_likelihood", "prior",
                     "sample_stats_prior", "prior_predictive", "observed_data", "constant_data",
                     "predictions_constant_data", "warmup_posterior", "warmup_posterior_predictive",
                     "warmup_predictions", "warmup_sample_stats", "warmup_log_likelihood", "save_warmup")


def library_attrs() -> dict:
    """The attrs PyMC puts on every group, naming rewrax and its version."""
    from importlib.metadata import PackageNotFoundError, version

    try:
        lib_version = version("rewrax")
    except PackageNotFoundError:  # a source tree that is not installed
        lib_version = "unknown"
    return {"inference_library": "rewrax", "inference_library_version": lib_version}


def inference_data(groups: dict, dims=None, coords=None, attrs=None):
    """ArviZ InferenceData from ``{group: {name: array}}`` ((chain, draw) leading, except data groups).

    ``attrs`` (``sampling_time``, ``tuning_steps``, ...) go on ``posterior`` and
    ``sample_stats``, as in PyMC.

    Examples
    --------
    >>> import numpy as np
    >>> idata = inference_data({"posterior": {"a": np.zeros((2, 10, 3))}}, dims={"a": ["g"]},
    ...                        coords={"g": ["x", "y", "z"]})
    >>> idata.posterior["a"].coords["g"].values.tolist(), idata.posterior.attrs["inference_library"]
    (['x', 'y', 'z'], 'rewrax')
    """
    import arviz as az

    dims = {k: list(v) for k, v in (dims or {}).items() if v}
    kwargs = {g: {k: np.asarray(v) for k, v in variables.items()} for g, variables in groups.items() if variables}
    # groups whose arrays follow different lengths of a dim (after rx.set_data) are built apart,
    # each with the coords its own arrays match
    batches: dict = {}
    for group, variables in kwargs.items():
        matching = _matching_coords({group: variables}, dims, coords)
        key = tuple((k, len(v)) for k, v in sorted(matching.items()))
        batches.setdefault(key, ({}, matching))[0][group] = variables
    idata = None
    for batch, matching in batches.values():
        part = _from_dict(az, batch, dims, matching)
        idata = part if idata is None else extend(idata, part, part.groups())
    idata = az.InferenceData() if idata is None else idata
    for group in idata.groups():
        idata[group].attrs.update(library_attrs())
        if group in ("posterior", "sample_stats"):
            idata[group].attrs.update(dict(attrs or {}))
    return idata


def _from_dict(az, groups, dims, coords):
    groups = dict(groups)
    extra = {g: groups.pop(g) for g in list(groups) if g not in _FROM_DICT_GROUPS}  # log_prior, ...
    if "warmup_posterior" in groups or "warmup_sample_stats" in groups:
        groups["save_warmup"] = True
    idata = az.from_dict(coords=coords, dims=dims, **groups)
    for group, variables in extra.items():
        ds = az.dict_to_dataset(variables, coords=coords, dims=dims, index_origin=0)
        idata.add_groups({group: ds})
    return idata


def _matching_coords(groups, dims, coords):
    coords = {k: np.asarray(v) for k, v in (coords or {}).items() if v is not None}
    lengths: dict = {}
    for gname, variables in groups.items():
        lead = 0 if gname in DATA_GROUPS else 2
        for name, values in variables.items():
            shape = np.shape(np.atleast_1d(values) if lead == 0 else values)[lead:]
            for dim, n in zip(dims.get(name, ()), shape):
                lengths.setdefault(dim, set()).add(n)
    return {k: v for k, v in coords.items() if lengths.get(k, {len(v)}) == {len(v)}}


def extend(idata, new, groups):
    """Put ``groups`` of ``new`` into ``idata`` (replacing groups of the same name); return ``idata``."""
    for group in groups:
        if group not in new.groups():
            continue
        if group in idata.groups():
            del idata[group]
        idata.add_groups({group: new[group]})
    return idata
