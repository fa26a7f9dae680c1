"""Element-wise math of the tensor API: ``pt.exp``, ``pt.log1p``, ``pt.switch``, ...

Each function builds an ``Elemwise`` node. Python scalars next to tensors are weakly typed
(``x_float32 * 2.0`` stays float32); NumPy arrays keep their dtype.
"""

from __future__ import annotations

import numpy as np

from rewrax.symbolic.basic import as_tensor_operands, as_tensor_variable
from rewrax.symbolic.elemwise import Elemwise
from rewrax.symbolic.scalar import SCALAR_OPS, Cast
from rewrax.symbolic.type import normalize_dtype

ELEMWISE = {name: Elemwise(op) for name, op in SCALAR_OPS.items()}


def _named(out, name):
    if name is not None:
        out.name = name
    return out


def _elemwise(scalar_name: str, doc: str):
    op = ELEMWISE[scalar_name]

    def apply(*args, name=None):
        return _named(op(*as_tensor_operands(*args)), name)

    apply.__name__ = scalar_name.rstrip("_")
    apply.__doc__ = doc
    return apply


_DOCS = {
    "add": "Element-wise sum of any number of inputs.",
    "mul": "Element-wise product of any number of inputs.",
    "sub": "Element-wise difference ``a - b``.",
    "true_div": "Element-wise true division ``a / b`` (integers give floats).",
    "int_div": "Element-wise floor division ``a // b``.",
    "mod": "Element-wise remainder ``a % b`` (sign of ``b``, as NumPy).",
    "pow": "Element-wise power ``a ** b``.",
    "neg": "Element-wise negation.",
    "abs": "Element-wise absolute value.",
    "sign": "Element-wise sign (-1, 0 or 1).",
    "sqr": "Element-wise square ``x * x``.",
    "reciprocal": "Element-wise ``1 / x``.",
    "maximum": "Element-wise maximum of two inputs.",
    "minimum": "Element-wise minimum of two inputs.",
    "second": "``b`` broadcast to the shape of ``broadcast(a, b)`` (PyTensor's ``fill``).",
    "identity": "A copy of ``x`` (a separate node with the same value).",
    "clip": "``x`` limited to ``[a_min, a_max]``.",
    "exp": "Element-wise exponential.",
    "exp2": "Element-wise ``2 ** x``.",
    "expm1": "``exp(x) - 1``, accurate for small ``x``.",
    "log": "Element-wise natural logarithm.",
    "log2": "Element-wise base-2 logarithm.",
    "log10": "Element-wise base-10 logarithm.",
    "log1p": "``log(1 + x)``, accurate for small ``x``.",
    "log1mexp": "``log(1 - exp(x))`` for ``x <= 0``, accurate everywhere.",
    "softplus": "``log(1 + exp(x))``, without overflow.",
    "sigmoid": "The logistic function ``1 / (1 + exp(-x))``.",
    "logit": "``log(x / (1 - x))``, the inverse of ``sigmoid``.",
    "logaddexp": "``log(exp(a) + exp(b))``, without overflow.",
    "xlogy": "``x * log(y)``, 0 where ``x == 0``.",
    "xlog1py": "``x * log1p(y)``, 0 where ``x == 0``.",
    "sqrt": "Element-wise square root.",
    "cbrt": "Element-wise cube root.",
    "erf": "The error function.",
    "erfc": "The complementary error function ``1 - erf(x)``, accurate for large ``x``.",
    "erfcx": "The scaled complementary error function ``exp(x**2) * erfc(x)``.",
    "erfinv": "The inverse error function.",
    "erfcinv": "The inverse complementary error function.",
    "log_ndtr": "The log of the standard normal CDF, accurate far in the left tail.",
    "ndtri": "The inverse of the standard normal CDF.",
    "gammaln": "``log(abs(gamma(x)))``.",
    "digamma": "The digamma function, derivative of ``gammaln``.",
    "trigamma": "The trigamma function, derivative of ``digamma``.",
    "polygamma": "The polygamma function ``polygamma(n, x)``, the n-th derivative of ``digamma``.",
    "betaln": "``log(abs(beta(a, b)))``.",
    "gammainc": "The regularized lower incomplete gamma function P(a, x).",
    "gammaincc": "The regularized upper incomplete gamma function Q(a, x).",
    "betainc": "The regularized incomplete beta function I_x(a, b).",
    "i0e": "The exponentially scaled modified Bessel function of order 0.",
    "i1e": "The exponentially scaled modified Bessel function of order 1.",
    "floor": "Element-wise floor.",
    "ceil": "Element-wise ceiling.",
    "trunc": "Element-wise truncation toward zero.",
    "round_half_to_even": "Round to the nearest integer, ties to even (NumPy's ``round``).",
    "isnan": "Element-wise test for NaN.",
    "isinf": "Element-wise test for infinity.",
    "isfinite": "Element-wise test for finite values.",
    "eq": "Element-wise ``a == b``.",
    "neq": "Element-wise ``a != b``.",
    "lt": "Element-wise ``a < b``.",
    "le": "Element-wise ``a <= b``.",
    "gt": "Element-wise ``a > b``.",
    "ge": "Element-wise ``a >= b``.",
    "and_": "Element-wise logical/bitwise and.",
    "or_": "Element-wise logical/bitwise or.",
    "xor": "Element-wise logical/bitwise exclusive or.",
    "invert": "Element-wise logical/bitwise not.",
}

_skip = {"switch", "cast"}
for _name in SCALAR_OPS:
    if _name not in _skip:
        globals()[_name] = _elemwise(_name, _DOCS.get(_name, ""))

# NumPy / PyTensor / PyMC spellings
true_divide = divide = true_div
floor_divide = int_div
power = pow
negative = neg
square = sqr
arctan2 = globals()["arctan2"]
bitwise_and = logical_and = and_
bitwise_or = logical_or = or_
bitwise_xor = logical_xor = xor
bitwise_not = logical_not = invert
expit = invlogit = sigmoid
log1pexp = softplus
psi = digamma
fill = second
equal, not_equal, less, less_equal, greater, greater_equal = eq, neq, lt, le, gt, ge
arcsin, arccos, arctan = globals()["arcsin"], globals()["arccos"], globals()["arctan"]
asin, acos, atan, asinh, acosh, atanh = arcsin, arccos, arctan, globals()["arcsinh"], globals()["arccosh"], globals()["arctanh"]
round = round_half_to_even


def switch(cond, ift, iff, name=None):
    """``ift`` where ``cond`` is true, else ``iff`` (NumPy's ``where``), element-wise.

    Examples
    --------
    >>> import rewrax.symbolic as pt
    >>> x = pt.vector("x")
    >>> pt.switch(x > 0, x, 0.0).eval({x: [-1.0, 2.0]})
    array([0., 2.])
    """
    cond = as_tensor_variable(cond)
    if cond.type.dtype != "bool":
        cond = neq(cond, 0)
    ift, iff = as_tensor_operands(ift, iff)
    return _named(ELEMWISE["switch"](cond, ift, iff), name)


def where(cond, x=None, y=None, name=None):
    """NumPy's ``where`` with three arguments (the one-argument form has a data-dependent shape)."""
    if x is None or y is None:
        raise TypeError("pt.where(cond) without x and y has a data-dependent shape, which JAX cannot compile")
    return switch(cond, x, y, name=name)


_CASTS: dict = {}


def cast(x, dtype, name=None):
    """``x`` converted to ``dtype`` (no node if it already has it)."""
    x = as_tensor_variable(x)
    dtype = normalize_dtype(dtype)
    if x.type.dtype == dtype:
        return x
    op = _CASTS.setdefault(dtype, Elemwise(Cast(dtype)))
    return _named(op(x), name)


def zeros_like(x, dtype=None):
    """Zeros with the shape (and dtype, unless given) of ``x``."""
    x = as_tensor_variable(x)
    return second(x, as_tensor_variable(np.zeros((), dtype=normalize_dtype(dtype or x.type.dtype))))


def ones_like(x, dtype=None):
    """Ones with the shape (and dtype, unless given) of ``x``."""
    x = as_tensor_variable(x)
    return second(x, as_tensor_variable(np.ones((), dtype=normalize_dtype(dtype or x.type.dtype))))


def full_like(x, fill_value, dtype=None):
    x = as_tensor_variable(x)
    return second(x, as_tensor_variable(np.asarray(fill_value, dtype=normalize_dtype(dtype or x.type.dtype))))


def logdiffexp(a, b):
    """``log(exp(a) - exp(b))`` for ``a >= b``, computed as ``a + log1mexp(b - a)``."""
    a, b = as_tensor_operands(a, b)
    return add(a, log1mexp(sub(b, a)))


def i0(x):
    """The modified Bessel function of order 0."""
    return mul(i0e(x), exp(abs(x)))


def i1(x):
    """The modified Bessel function of order 1."""
    return mul(i1e(x), exp(abs(x)))


def log_i0(x):
    """``log(i0(x))`` without overflow for large ``|x|``."""
    return add(log(i0e(x)), abs(x))


def normcdf(x):
    """The standard normal CDF."""
    return mul(0.5, erfc(mul(-0.7071067811865476, x)))


invprobit = normcdf


def probit(p):
    """The inverse of the standard normal CDF (``ndtri``)."""
    return ndtri(p)


def gamma(x):
    """The gamma function (real arguments)."""
    x = as_tensor_variable(x)
    return mul(exp(gammaln(x)), switch(lt(x, 0), pow(-1.0, floor(x)), 1.0))


def deg2rad(x):
    return mul(x, np.pi / 180.0)


def rad2deg(x):
    return mul(x, 180.0 / np.pi)


def isclose(a, b, rtol=1e-5, atol=1e-8):
    a, b = as_tensor_operands(a, b)
    return le(abs(sub(a, b)), add(atol, mul(rtol, abs(b))))


def allclose(a, b, rtol=1e-5, atol=1e-8):
    from rewrax.symbolic.reduce import all as all_

    return all_(isclose(a, b, rtol=rtol, atol=atol))


def real(x):
    return x


def conj(x):
    return x


from rewrax.symbolic.reduce import (  # noqa: E402  (reductions are part of the math API)
    all, any, argmax, argmin, cumprod, cumsum, log_softmax, logsumexp, max, mean, min, prod,
    softmax, std, sum, var,
)

__all__ = [
    _n for _n, _v in dict(globals()).items()
    if not _n.startswith("_") and callable(_v) and not isinstance(_v, type)
    and getattr(_v, "__module__", "").startswith("rewrax.symbolic")
]
