"""``pm.util``: small helpers PyMC users call (``drop_warning_stat``, ``get_var_name``)."""

from __future__ import annotations

__all__ = ["drop_warning_stat", "get_var_name"]


def get_var_name(var) -> str:
    """The name of a variable (or the string itself)."""
    return var if isinstance(var, str) else str(var.name)


def drop_warning_stat(idata):
    """A copy of ``idata`` without the ``warning`` sampler statistic (it does not serialise to NetCDF)."""
    out = idata.copy()
    for group in out.groups():
        if group.startswith(("sample_stats", "warmup_sample_stats")):
            stats = out[group]
            if "warning" in stats:
                out[group] = stats.drop_vars("warning")
    return out
