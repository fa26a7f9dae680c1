"""Constraints: where a random variable's values live, as data (NumPyro's idea).

A constraint says what a distribution's support is (``positive``, ``interval(lower, upper)``,
``simplex``, ...). The model picks a default transform from it (``default_transform``
registry, model layer), and logp code can ask it for a symbolic membership test
(``constraint.check(value)``). Bounds may be numbers, symbolic variables or ``None``.

Each constraint has ``is_discrete`` (integer-valued support) and ``event_dim`` (how many
trailing dimensions one point of the support has: 0 scalars, 1 simplex, 2 matrices).

Examples
--------
>>> from rewrax.model import constraints
>>> constraints.interval(0, 1)
interval(0, 1)
>>> constraints.positive.is_discrete, constraints.simplex.event_dim
(False, 1)
"""

from __future__ import annotations

import numpy as np

import rewrax.symbolic as pt
from rewrax.symbolic.variable import Variable


def _label(bound):
    if bound is None:
        return "None"
    if isinstance(bound, Variable):
        return str(bound)
    return repr(float(bound)) if isinstance(bound, float) else str(bound)


def _same(a, b):
    if isinstance(a, Variable) or isinstance(b, Variable):
        return a is b
    return np.array_equal(np.asarray(a), np.asarray(b))


class Constraint:
    """Base class: a set of values, with a symbolic membership test."""

    is_discrete = False
    event_dim = 0
    #: the attributes that define the constraint (compared by ``==``)
    params: tuple = ()

    def check(self, value):
        """A boolean graph: where ``value`` lies in the set (reduced over event dimensions)."""
        raise NotImplementedError(f"{self!r} has no membership test")

    def __eq__(self, other):
        return type(self) is type(other) and all(_same(getattr(self, p), getattr(other, p)) for p in self.params)

    def __hash__(self):
        return hash(type(self))

    def __repr__(self):
        name = getattr(self, "name", type(self).__name__.lstrip("_").lower())
        if not self.params:
            return name
        return f"{name}({', '.join(_label(getattr(self, p)) for p in self.params)})"


class _Real(Constraint):
    name = "real"

    def check(self, value):
        return pt.eq(value, value)  # False only for NaN


class _RealVector(_Real):
    name, event_dim = "real_vector", 1

    def check(self, value):
        return pt.all(pt.isfinite(value) | pt.isinf(value), axis=-1)


class _GreaterThan(Constraint):
    """``value > lower`` (``lower`` may be symbolic)."""

    name, params = "greater_than", ("lower",)

    def __init__(self, lower):
        self.lower = lower

    def check(self, value):
        return pt.gt(value, self.lower)


class _Positive(_GreaterThan):
    name, params = "positive", ()

    def __init__(self):
        super().__init__(0)


class _GreaterThanEq(_GreaterThan):
    name = "greater_than_eq"

    def check(self, value):
        return pt.ge(value, self.lower)


class _Nonnegative(_GreaterThanEq):
    name, params = "nonnegative", ()

    def __init__(self):
        super().__init__(0)


class _LessThan(Constraint):
    """``value < upper``."""

    name, params = "less_than", ("upper",)

    def __init__(self, upper):
        self.upper = upper

    def check(self, value):
        return pt.lt(value, self.upper)


class _Interval(Constraint):
    """``lower < value < upper`` (open interval; densities may also be defined at the ends)."""

    name, params = "interval", ("lower", "upper")

    def __init__(self, lower, upper):
        self.lower, self.upper = lower, upper

    def check(self, value):
        return pt.and_(pt.ge(value, self.lower), pt.le(value, self.upper))


class _UnitInterval(_Interval):
    name, params = "unit_interval", ()

    def __init__(self):
        super().__init__(0, 1)


class _Circular(_Interval):
    """Angles in ``[-pi, pi]`` (von Mises)."""

    name, params = "circular", ()

    def __init__(self):
        super().__init__(-np.pi, np.pi)


class _Censored(Constraint):
    """``[lower, upper]`` with point masses at the bounds: no bijection to the real line fits."""

    name, params = "censored", ("lower", "upper")

    def __init__(self, lower, upper):
        self.lower, self.upper = lower, upper

    def check(self, value):
        return pt.and_(pt.ge(value, self.lower), pt.le(value, self.upper))


class _Simplex(Constraint):
    name, event_dim = "simplex", 1

    def check(self, value):
        return pt.and_(pt.all(pt.ge(value, 0), axis=-1), pt.lt(pt.abs(pt.sum(value, axis=-1) - 1), 1e-6))


class _Ordered(Constraint):
    name, event_dim = "ordered", 1

    def check(self, value):
        return pt.all(pt.gt(value[..., 1:], value[..., :-1]), axis=-1)


class _CorrCholesky(Constraint):
    """Lower Cholesky factors of correlation matrices (rows of unit length)."""

    name, event_dim = "corr_cholesky", 2


class _CorrMatrix(Constraint):
    """Correlation matrices (symmetric, positive definite, unit diagonal)."""

    name, event_dim = "corr_matrix", 2


class _CovCholeskyPacked(Constraint):
    """Cholesky factors of ``n x n`` covariances, packed row by row (``LKJCholeskyCov``)."""

    name, params, event_dim = "cov_cholesky", ("n",), 1

    def __init__(self, n=None):
        self.n = n


class _PositiveDefinite(Constraint):
    name, event_dim = "positive_definite", 2


class _Integer(Constraint):
    name, is_discrete = "integer", True

    def check(self, value):
        return pt.eq(pt.floor(value), value)


class _IntegerGreaterThanEq(_Integer):
    name, params = "integer_greater_than_eq", ("lower",)

    def __init__(self, lower):
        self.lower = lower

    def check(self, value):
        return pt.and_(super().check(value), pt.ge(value, self.lower))


class _NonnegativeInteger(_IntegerGreaterThanEq):
    name, params = "nonnegative_integer", ()

    def __init__(self):
        super().__init__(0)


class _PositiveInteger(_IntegerGreaterThanEq):
    name, params = "positive_integer", ()

    def __init__(self):
        super().__init__(1)


class _IntegerInterval(_Integer):
    """Integers in ``[lower, upper]`` (both included)."""

    name, params = "integer_interval", ("lower", "upper")

    def __init__(self, lower, upper):
        self.lower, self.upper = lower, upper

    def check(self, value):
        return pt.and_(super().check(value), pt.and_(pt.ge(value, self.lower), pt.le(value, self.upper)))


class _Boolean(_IntegerInterval):
    name, params = "boolean", ()

    def __init__(self):
        super().__init__(0, 1)


class _MultinomialCounts(Constraint):
    """Non-negative integer vectors summing to ``n``."""

    name, params, is_discrete, event_dim = "multinomial", ("n",), True, 1

    def __init__(self, n):
        self.n = n

    def check(self, value):
        return pt.and_(pt.all(pt.ge(value, 0), axis=-1), pt.eq(pt.sum(value, axis=-1), self.n))


real = _Real()
real_vector = _RealVector()
positive = _Positive()
nonnegative = _Nonnegative()
unit_interval = _UnitInterval()
circular = _Circular()
simplex = _Simplex()
ordered = _Ordered()
corr_cholesky = _CorrCholesky()
corr_matrix = _CorrMatrix()
positive_definite = _PositiveDefinite()
integer = _Integer()
nonnegative_integer = _NonnegativeInteger()
positive_integer = _PositiveInteger()
boolean = _Boolean()
greater_than = _GreaterThan
greater_than_eq = _GreaterThanEq
less_than = _LessThan
integer_interval = _IntegerInterval
integer_greater_than_eq = _IntegerGreaterThanEq
cov_cholesky = _CovCholeskyPacked
censored = _Censored
multinomial = _MultinomialCounts


def interval(lower, upper):
    """``(lower, upper)``; a ``None`` bound is open: ``interval(0, None)`` is ``greater_than(0)``.

    Examples
    --------
    >>> from rewrax.model import constraints
    >>> constraints.interval(None, 3)
    less_than(3)
    """
    if lower is None and upper is None:
        return real
    if upper is None:
        return _GreaterThan(lower)
    if lower is None:
        return _LessThan(upper)
    return _Interval(lower, upper)


__all__ = [
    "Constraint", "real", "real_vector", "positive", "nonnegative", "unit_interval", "circular", "simplex",
    "ordered", "corr_cholesky", "corr_matrix", "positive_definite", "integer", "nonnegative_integer",
    "positive_integer", "boolean", "greater_than", "greater_than_eq", "less_than", "interval", "integer_interval",
    "integer_greater_than_eq", "cov_cholesky", "censored", "multinomial",
]
