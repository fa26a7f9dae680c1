"""``pm.vartypes``: the dtype families PyMC names (``continuous_types``, ``discrete_types``, ...)."""

import inspect

__all__ = ["bool_types", "complex_types", "continuous_types", "discrete_types", "float_types", "int_types",
           "isgenerator", "typefilter"]

bool_types = {"int8"}
int_types = {"int8", "int16", "int32", "int64", "uint8", "uint16", "uint32", "uint64"}
float_types = {"float32", "float64"}
complex_types = {"complex64", "complex128"}
continuous_types = float_types | complex_types
discrete_types = bool_types | int_types


def typefilter(vars, types):
    """The variables among ``vars`` whose dtype is in ``types``.

    Examples
    --------
    >>> import rewrax.symbolic as pt
    >>> [v.name for v in typefilter([pt.scalar("x"), pt.iscalar("n")], continuous_types)]
    ['x']
    """
    return [v for v in vars if v.dtype in types]


def isgenerator(obj):
    """Whether ``obj`` is a generator (or has a ``__next__``)."""
    return inspect.isgenerator(obj) or hasattr(obj, "__next__")
