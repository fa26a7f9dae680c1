"""``pm.blocking``: ``DictToArrayBijection``, between a point dict and one flat array (PyMC's API)."""

from __future__ import annotations

import functools
from typing import NamedTuple

import numpy as np

__all__ = ["DictToArrayBijection", "RaveledVars"]


class RaveledVars(NamedTuple):
    """A flat array and, per variable, ``(name, shape, size, dtype)`` to undo the ravel."""

    data: np.ndarray
    point_map_info: tuple


class Compose:
    """``fa(fb(x))``, picklable."""

    def __init__(self, fa, fb):
        self.fa, self.fb = fa, fb

    def __call__(self, x):
        return self.fa(self.fb(x))


class DictToArrayBijection:
    """Map a point ``{name: array}`` to one concatenated 1-D array and back.

    Examples
    --------
    >>> import numpy as np
    >>> r = DictToArrayBijection.map({"a": np.zeros(2), "b": np.ones((1, 2))})
    >>> r.data
    array([0., 0., 1., 1.])
    >>> DictToArrayBijection.rmap(r)["b"]
    array([[1., 1.]])
    """

    @staticmethod
    def map(var_dict) -> RaveledVars:
        """The variables of ``var_dict`` ravelled and concatenated, in the dict's order."""
        values = {k: np.asarray(v) for k, v in var_dict.items()}
        info = tuple((k, v.shape, v.size, v.dtype) for k, v in values.items())
        data = np.concatenate([v.ravel() for v in values.values()]) if values else np.array([])
        return RaveledVars(data, info)

    @staticmethod
    def rmap(array: RaveledVars, start_point=None) -> dict:
        """The point dict of a ``RaveledVars`` (entries of ``start_point`` kept where not overwritten)."""
        result = dict(start_point) if start_point else {}
        start = 0
        for name, shape, size, dtype in array.point_map_info:
            result[name] = np.asarray(array.data[start:start + size]).reshape(shape).astype(dtype)
            start += size
        return result

    @classmethod
    def mapf(cls, f, start_point=None):
        """``f`` of a point dict turned into a function of a ``RaveledVars``."""
        return Compose(f, functools.partial(cls.rmap, start_point=start_point))
