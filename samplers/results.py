"""Sampling results: ArviZ ``InferenceData`` when ArviZ is installed, else a light look-alike.

The light :class:`SamplingResult` has the same groups (``posterior``, ``sample_stats``,
``observed_data``, and ``warmup_*`` when warm-up is kept); each group maps a name to a
:class:`Draws` with ``.values`` (chain, draw, *shape), ``.dims`` and ``.coords``, so code
written for ``idata.posterior["x"].values`` runs on both.
"""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np


class Draws:
    """An array with named dimensions (the part of ``xarray.DataArray`` results need).

    Examples
    --------
    >>> import numpy as np
    >>> d = Draws("mu", np.zeros((2, 5)), ("chain", "draw"))
    >>> d.values.shape, d.dims
    ((2, 5), ('chain', 'draw'))
    """

    def __init__(self, name, values, dims, coords=None):
        self.name = name
        self.values = np.asarray(values)
        self.dims = tuple(dims)
        self.coords = dict(coords or {})

    @property
    def shape(self):
        return self.values.shape

    def __array__(self, dtype=None, copy=None):
        return self.values if dtype is None else self.values.astype(dtype)

    def __repr__(self):
        dims = ", ".join(f"{d}: {n}" for d, n in zip(self.dims, self.values.shape))
        return f"<Draws {self.name!r} ({dims}) {self.values.dtype}>"


class Group(Mapping):
    """One group of a result: ``{name: Draws}`` plus ``attrs``."""

    def __init__(self, name, variables, attrs=None):
        self.name = name
        self._vars = dict(variables)
        self.attrs = dict(attrs or {})

    def __getitem__(self, key):
        return self._vars[key]

    def __iter__(self):
        return iter(self._vars)

    def __len__(self):
        return len(self._vars)

    @property
    def data_vars(self):
        return self._vars

    def __repr__(self):
        lines = [f"<Group {self.name!r}>"] + [f"  {v!r}" for v in self._vars.values()]
        return "\n".join(lines)


class SamplingResult:
    """What ``rx.sample`` returns when ArviZ is not installed (or ``return_inferencedata=False``).

    Attributes
    ----------
    posterior, sample_stats, observed_data : Group
        As in ArviZ's InferenceData; ``warmup_posterior`` / ``warmup_sample_stats`` when
        warm-up draws were kept.
    """

    def __init__(self, groups: dict, attrs=None):
        self._groups = dict(groups)
        self.attrs = dict(attrs or {})
        for name, group in self._groups.items():
            setattr(self, name, group)

    def groups(self):
        return list(self._groups)

    def __contains__(self, name):
        return name in self._groups

    def __repr__(self):
        parts = ", ".join(f"{g} ({len(v)} variables)" for g, v in self._groups.items())
        return f"<SamplingResult: {parts}>"


def _dims_for(name, values, n_lead, dims_map, coords):
    """Dimension names: ``chain``, ``draw``, then model dims or ``<name>_dim_<i>``."""
    lead = ("chain", "draw")[:n_lead]
    extra = tuple(dims_map.get(name) or ())
    n_rest = values.ndim - n_lead
    if len(extra) != n_rest:
        extra = tuple(f"{name}_dim_{i}" for i in range(n_rest))
    shape = values.shape[n_lead:]
    cs = {d: coords.get(d, np.arange(n)) for d, n in zip(extra, shape)}
    return lead + extra, cs


def make_light_result(groups: dict, dims_map=None, coords=None, attrs=None) -> SamplingResult:
    """A :class:`SamplingResult` from ``{group: {name: array}}``."""
    dims_map, coords = dict(dims_map or {}), dict(coords or {})
    out = {}
    for gname, variables in groups.items():
        n_lead = 0 if gname in ("observed_data", "constant_data") else 2
        items = {}
        for name, values in variables.items():
            # ArviZ (and so PyMC) stores an observed scalar as shape (1,): do the same
            values = np.atleast_1d(values) if n_lead == 0 else np.asarray(values)
            dims, cs = _dims_for(name, values, n_lead, dims_map, coords)
            items[name] = Draws(name, values, dims, cs)
        out[gname] = Group(gname, items, attrs)
    return SamplingResult(out, attrs)


def make_inference_data(groups: dict, dims_map=None, coords=None, attrs=None):
    """ArviZ InferenceData from ``{group: {name: array}}`` (chain, draw leading)."""
    import arviz as az

    dims_map = {k: list(v) for k, v in (dims_map or {}).items() if v}
    coords = {k: np.asarray(v) for k, v in (coords or {}).items()}
    kwargs = {g: v for g, v in groups.items() if v}
    if "warmup_posterior" in kwargs or "warmup_sample_stats" in kwargs:
        kwargs["save_warmup"] = True
    idata = az.from_dict(coords=coords, dims=dims_map, **kwargs)
    for group in ("posterior", "sample_stats"):  # where PyMC puts sampling_time, tuning_steps
        if hasattr(idata, group):
            getattr(idata, group).attrs.update(dict(attrs or {}))
    return idata


def arviz_available() -> bool:
    try:
        import arviz  # noqa: F401
    except Exception:  # ImportError, or an ArviZ broken by its own dependencies
        return False
    return True
