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
    >>> list(idata.posterior["a"].coords["g"].values), idata.posterior.attrs["inference_library"]
    (['x', 'y', 'z'], 'rewrax')
    """
    import arviz as az

    dims = {k: list(v) for k, v in (dims or {}).items() if v}
    kwargs = {g: {k: np.asarray(v) for k, v in variables.items()} for g, variables in groups.items() if variables}
    coords = _matching_coords(kwargs, dims, coords)
    if "warmup_posterior" in kwargs or "warmup_sample_stats" in kwargs:
        kwargs["save_warmup"] = True
    idata = az.from_dict(coords=coords, dims=dims, **kwargs)
    for group in idata.groups():
        idata[group].attrs.update(library_attrs())
        if group in ("posterior", "sample_stats"):
            idata[group].attrs.update(dict(attrs or {}))
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
