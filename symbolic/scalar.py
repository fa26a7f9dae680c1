"""Scalar operations: the element-level functions that ``Elemwise`` maps over arrays.

Each scalar op is data: a name, an arity, a NumPy/SciPy reference, and an output-dtype rule.
Derivatives live in ``scalar_grads.py``; JAX implementations in ``rewrax.lower_jax``.
"""

from __future__ import annotations

import functools

import numpy as np
import scipy.special as sps

from rewrax.symbolic.config import config
from rewrax.symbolic.type import COMPLEX_DTYPES, FLOAT_DTYPES


@functools.lru_cache(maxsize=1024)
def upcast(*dtypes) -> str:
    """NumPy's promotion of array dtypes (names in, name out; cached: graphs ask often)."""
    return np.result_type(*dtypes).name


def upgrade_to_float(dtype: str) -> str:
    """The float dtype a float-valued function of ``dtype`` returns.

    Integers become floatX (float64 by default, as in JAX with x64), not NumPy's float16
    for 8-bit integers, which would wreck the accuracy of log-densities of small counts.
    """
    if dtype in FLOAT_DTYPES or dtype in COMPLEX_DTYPES:
        return dtype
    if config.floatX == "float32" and dtype in ("bool", "int8", "uint8", "int16", "uint16"):
        return "float32"
    return "float64"


def _no_bool(dtypes) -> str:
    out = upcast(*dtypes)
    if out == "bool":
        raise TypeError("is not defined for booleans (as in NumPy); cast to an integer dtype or use the logical_* functions")
    return out


def _bool_to_int8(dtypes) -> str:
    out = upcast(*dtypes)
    return "int8" if out == "bool" else out  # NumPy's loop for booleans in // % **


def _bitwise(dtypes) -> str:
    inexact = [d for d in dtypes if d in FLOAT_DTYPES or d in COMPLEX_DTYPES]
    if inexact:
        raise TypeError(f"needs boolean or integer inputs, got {inexact[0]}")
    return upcast(*dtypes)


_OUT_RULES = {
    "upcast": lambda ds: upcast(*ds),
    "no_bool": _no_bool,
    "int8_for_bool": _bool_to_int8,
    "bitwise": _bitwise,
    "float": lambda ds: upgrade_to_float(upcast(*ds)),
    "bool": lambda ds: "bool",
    "second": lambda ds: ds[1],
    "switch": lambda ds: upcast(ds[1], ds[2]),
    "real": lambda ds: {"complex64": "float32", "complex128": "float64"}.get(upcast(*ds), upcast(*ds)),
}


class ScalarOp:
    """An element-wise function: ``name``, arity ``nin`` (-1 = any), NumPy reference.

    Parameters
    ----------
    out : {"upcast", "no_bool", "int8_for_bool", "bitwise", "float", "bool", "second", "switch", "real"}
        How the output dtype follows from the input dtypes (NumPy's promotion, see
        ``_OUT_RULES``); a rule raises TypeError for dtypes NumPy rejects too.
    commutative, associative : bool
        Algebraic facts the rewrite engine uses.
    """

    def __init__(self, name, nin, impl, out="upcast", commutative=False, associative=False, label=None):
        self.name = name
        self.nin = nin
        self.impl = impl
        self.out = out
        self.commutative = commutative
        self.associative = associative
        self.label = label or name.capitalize()

    def output_dtype(self, dtypes) -> str:
        dtypes = list(dtypes)
        try:
            return _OUT_RULES[self.out](dtypes)
        except TypeError as exc:
            raise TypeError(f"{self.label} {exc} (input dtypes: {', '.join(dtypes)})") from None

    def __call__(self, *values):
        return self.impl(*values)

    def __eq__(self, other):
        return type(other) is type(self) and other.name == self.name

    def __hash__(self):
        return hash((ScalarOp, self.name))

    def __str__(self):
        return self.name

    __repr__ = __str__


class Cast(ScalarOp):
    """Conversion to ``dtype``; prints as ``Cast{float32}``."""

    def __init__(self, dtype: str):
        super().__init__(f"cast_{dtype}", 1, lambda x: np.asarray(x).astype(dtype), label=f"Cast{{{dtype}}}")
        self.dtype = dtype

    def output_dtype(self, dtypes):
        return self.dtype


def _add(*xs):
    out = xs[0]
    for x in xs[1:]:
        out = np.add(out, x)
    return out


def _mul(*xs):
    out = xs[0]
    for x in xs[1:]:
        out = np.multiply(out, x)
    return out


def _log1mexp(x):
    x = np.asarray(x)
    with np.errstate(divide="ignore", invalid="ignore"):
        return np.where(x < -0.6931471805599453, np.log1p(-np.exp(x)), np.log(-np.expm1(x)))


def _softplus(x):
    return np.logaddexp(0.0, x)


def _second(a, b):
    return np.broadcast_arrays(a, b)[1].copy()


def _switch(c, a, b):
    return np.where(c, a, b)


def _int_div(a, b):
    return np.floor_divide(a, b)


def _round_half_even(x):
    return np.round(x)


def _sqr(x):
    return np.multiply(x, x)


def _reciprocal(x):
    return np.true_divide(1, x)


def _logaddexp(a, b):
    return np.logaddexp(a, b)


def _trigamma(x):
    return sps.polygamma(1, x)


def _polygamma(n, x):
    return sps.polygamma(np.asarray(n).astype("int64"), x)


def _make_table():
    s = ScalarOp
    ops = [
        # arithmetic
        s("add", -1, _add, commutative=True, associative=True),
        s("mul", -1, _mul, commutative=True, associative=True),
        s("sub", 2, np.subtract, out="no_bool"),
        s("true_div", 2, np.true_divide, out="float"),
        s("int_div", 2, _int_div, out="int8_for_bool"),
        s("mod", 2, np.mod, out="int8_for_bool"),
        s("pow", 2, np.power, out="int8_for_bool"),
        s("neg", 1, np.negative, out="no_bool"),
        s("abs", 1, np.abs, out="real"),
        s("sign", 1, np.sign, out="no_bool"),
        s("sqr", 1, _sqr),
        s("reciprocal", 1, _reciprocal, out="float"),
        s("maximum", 2, np.maximum, commutative=True, associative=True),
        s("minimum", 2, np.minimum, commutative=True, associative=True),
        s("second", 2, _second, out="second"),
        s("switch", 3, _switch, out="switch"),
        s("identity", 1, lambda x: np.array(x, copy=True)),
        s("clip", 3, np.clip, out="upcast"),
        # exponentials and logarithms
        s("exp", 1, np.exp, out="float"),
        s("exp2", 1, np.exp2, out="float"),
        s("expm1", 1, np.expm1, out="float"),
        s("log", 1, np.log, out="float"),
        s("log2", 1, np.log2, out="float"),
        s("log10", 1, np.log10, out="float"),
        s("log1p", 1, np.log1p, out="float"),
        s("log1mexp", 1, _log1mexp, out="float"),
        s("softplus", 1, _softplus, out="float"),
        s("sigmoid", 1, sps.expit, out="float"),
        s("logit", 1, sps.logit, out="float"),
        s("logaddexp", 2, _logaddexp, out="float", commutative=True),
        s("xlogy", 2, sps.xlogy, out="float"),
        s("xlog1py", 2, sps.xlog1py, out="float"),
        s("sqrt", 1, np.sqrt, out="float"),
        s("cbrt", 1, np.cbrt, out="float"),
        # trigonometric and hyperbolic
        s("sin", 1, np.sin, out="float"),
        s("cos", 1, np.cos, out="float"),
        s("tan", 1, np.tan, out="float"),
        s("arcsin", 1, np.arcsin, out="float"),
        s("arccos", 1, np.arccos, out="float"),
        s("arctan", 1, np.arctan, out="float"),
        s("arctan2", 2, np.arctan2, out="float"),
        s("sinh", 1, np.sinh, out="float"),
        s("cosh", 1, np.cosh, out="float"),
        s("tanh", 1, np.tanh, out="float"),
        s("arcsinh", 1, np.arcsinh, out="float"),
        s("arccosh", 1, np.arccosh, out="float"),
        s("arctanh", 1, np.arctanh, out="float"),
        # special functions
        s("erf", 1, sps.erf, out="float"),
        s("erfc", 1, sps.erfc, out="float"),
        s("erfcx", 1, sps.erfcx, out="float"),
        s("erfinv", 1, sps.erfinv, out="float"),
        s("erfcinv", 1, sps.erfcinv, out="float"),
        s("log_ndtr", 1, sps.log_ndtr, out="float"),
        s("ndtri", 1, sps.ndtri, out="float"),
        s("gammaln", 1, sps.gammaln, out="float"),
        s("digamma", 1, sps.digamma, out="float"),
        s("trigamma", 1, _trigamma, out="float"),
        s("polygamma", 2, _polygamma, out="float"),
        s("betaln", 2, sps.betaln, out="float", commutative=True),
        s("gammainc", 2, sps.gammainc, out="float"),
        s("gammaincc", 2, sps.gammaincc, out="float"),
        s("betainc", 3, sps.betainc, out="float"),
        s("i0e", 1, sps.i0e, out="float"),
        s("i1e", 1, sps.i1e, out="float"),
        # rounding
        s("floor", 1, np.floor),
        s("ceil", 1, np.ceil),
        s("trunc", 1, np.trunc),
        s("round_half_to_even", 1, _round_half_even),
        # predicates and logic
        s("isnan", 1, np.isnan, out="bool"),
        s("isinf", 1, np.isinf, out="bool"),
        s("isfinite", 1, np.isfinite, out="bool"),
        s("eq", 2, np.equal, out="bool", commutative=True),
        s("neq", 2, np.not_equal, out="bool", commutative=True),
        s("lt", 2, np.less, out="bool"),
        s("le", 2, np.less_equal, out="bool"),
        s("gt", 2, np.greater, out="bool"),
        s("ge", 2, np.greater_equal, out="bool"),
        s("and_", 2, np.bitwise_and, out="bitwise", commutative=True, associative=True, label="And"),
        s("or_", 2, np.bitwise_or, out="bitwise", commutative=True, associative=True, label="Or"),
        s("xor", 2, np.bitwise_xor, out="bitwise", commutative=True, associative=True),
        s("invert", 1, np.invert, out="bitwise"),
    ]
    return {op.name: op for op in ops}


SCALAR_OPS = _make_table()
globals().update({f"scalar_{k}": v for k, v in SCALAR_OPS.items()})
