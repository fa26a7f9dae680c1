"""PyMC's ``pymc.model.core`` functions that find the model on the context stack: ``Point``, ``compile_fn``."""

from __future__ import annotations

import numpy as np

from rewrax.model import modelcontext

__all__ = ["Point", "compile_fn"]


def _name(var):
    return var if isinstance(var, str) else var.name


def Point(*args, filter_model_vars=False, **kwargs) -> dict:
    """A point ``{name: array}`` from a dict and/or keywords (keys may be variables).

    With ``filter_model_vars=True`` only the model's value variables are kept (the model comes
    from ``model=`` or the context).

    Examples
    --------
    >>> Point({"mu": 1}, sigma=2.0)
    {'mu': array(1), 'sigma': array(2.)}
    """
    model = kwargs.pop("model", None)
    try:
        entries = dict(*args, **kwargs)
    except Exception as exc:
        raise TypeError(f"cannot make a Point from {args!r}, {kwargs!r}: {exc}") from None
    keep = None
    if filter_model_vars:
        keep = {v.name for v in modelcontext(model).value_vars}
    return {_name(k): np.array(v) for k, v in entries.items() if keep is None or _name(k) in keep}


def compile_fn(outs, *, inputs=None, mode=None, point_fn=True, model=None, random_seed=None, **kwargs):
    """A compiled function of the model's value variables (``model.compile_fn``, model from the context).

    ``random_seed`` is accepted for PyMC compatibility (random variables draw from their own keys).
    """
    return modelcontext(model).compile_fn(outs, inputs=inputs, point_fn=point_fn, mode=mode)
