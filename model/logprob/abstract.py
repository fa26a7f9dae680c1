"""``logp``, ``logcdf`` and ``icdf``: registries per RandomVariable class, and the public entry points.

Each distribution registers its density functions for its RandomVariable class
(``register_logprob(NormalRV, fn)``, done by ``Distribution`` subclasses); a function gets
``(op, value, *params)`` and returns a symbolic graph. Graphs that are not a single random
variable (``exp(x)``, ``a + b * x``, ``clip(x, l, u)``, ``x[idx]``, ``concatenate``) are
handled by the derivation rules of :mod:`rewrax.model.logprob.derive`.
"""

from __future__ import annotations

import rewrax.symbolic as pt
from rewrax.symbolic.random.op import RandomVariable
from rewrax.symbolic.variable import Variable

LOGPROB: dict = {}
LOGCDF: dict = {}
ICDF: dict = {}
_TABLES = {"logp": LOGPROB, "logcdf": LOGCDF, "icdf": ICDF}


class NotMeasurableError(NotImplementedError):
    """The density (or CDF) of a graph cannot be derived."""


def _register(table, op_class, fn):
    table[op_class] = fn
    return fn


def register_logprob(op_class, fn):
    """Register ``fn(op, value, *params) -> graph`` as the log-density of ``op_class``."""
    return _register(LOGPROB, op_class, fn)


def register_logcdf(op_class, fn):
    return _register(LOGCDF, op_class, fn)


def register_icdf(op_class, fn):
    return _register(ICDF, op_class, fn)


def lookup(kind, op):
    """The registered ``kind`` function ("logp", "logcdf", "icdf") of ``op``, or None."""
    table = _TABLES[kind]
    for cls in type(op).__mro__:
        if cls in table:
            return table[cls]
    return None


def rv_function(kind, node, value):
    """Apply the registered ``kind`` function of the RandomVariable ``node`` at ``value``."""
    op = node.op
    fn = lookup(kind, op)
    if fn is None:
        raise NotMeasurableError(f"{op.print_name} ({type(op).__name__}) has no {kind} implementation")
    return fn(op, value, *op.dist_params(node))


def is_rv(var) -> bool:
    """Whether ``var`` is the draw of a RandomVariable node."""
    owner = getattr(var, "owner", None)
    return owner is not None and isinstance(owner.op, RandomVariable) and var is owner.outputs[1]


def _as_value(rv, value):
    value = pt.as_tensor_variable(value) if isinstance(value, Variable) else pt.as_tensor_variable(
        value, dtype=rv.type.dtype)
    return value


def _apply(kind, rv, value, name_suffix):
    from rewrax.model.logprob.derive import derive

    if not isinstance(rv, Variable):
        raise TypeError(f"{kind} needs a random variable (a symbolic variable), got {rv!r}")
    out = derive(kind, rv, _as_value(rv, value))
    if rv.name:
        out.name = f"{rv.name}{name_suffix}"
    return out


def logp(rv, value, warn_rvs=True, **kwargs):
    """The log-density (or log-mass) of ``rv`` at ``value``, as a graph named ``<rv>_logprob``.

    ``rv`` is a random variable, or a graph of one (``exp(x)``, ``a + b * x``, ``clip(x, l, u)``,
    ``x[idx]``, ``concatenate([x, y])``). Parameter checks print as ``Check{sigma > 0}``;
    values outside the support give ``-inf``.

    Examples
    --------
    >>> import rewrax as rx
    >>> round(float(rx.logp(rx.Normal.dist(0, 1), 1.25).eval()), 6)
    -1.700189
    """
    return _apply("logp", rv, value, "_logprob")


def logcdf(rv, value, warn_rvs=True, **kwargs):
    """``log P(rv <= value)`` as a graph named ``<rv>_logcdf``.

    Examples
    --------
    >>> import rewrax as rx
    >>> round(float(rx.logcdf(rx.Normal.dist(0, 1), 0.0).eval()), 6)
    -0.693147
    """
    return _apply("logcdf", rv, value, "_logcdf")


def icdf(rv, value, warn_rvs=True, **kwargs):
    """The inverse CDF (quantile function) of ``rv`` at probability ``value``.

    Examples
    --------
    >>> import rewrax as rx
    >>> round(float(rx.icdf(rx.Normal.dist(0, 1), 0.975).eval()), 4)
    1.96
    """
    if not isinstance(value, Variable):
        value = pt.as_tensor_variable(value, dtype="float64" if rv.type.dtype.startswith("int") else rv.type.dtype)
    from rewrax.model.logprob.derive import derive

    out = derive("icdf", rv, value)
    if rv.name:
        out.name = f"{rv.name}_icdf"
    return out
