"""JAX lowerings of element-wise ops: one line per scalar op."""

from __future__ import annotations

import functools

import jax
import jax.numpy as jnp
import jax.scipy.special as jss
import numpy as np

from rewrax.lower_jax.table import LoweringError, register
from rewrax.symbolic.elemwise import DimShuffle, Elemwise, check_runtime_broadcast


def _log1mexp(x):
    return jnp.where(x < -0.6931471805599453, jnp.log1p(-jnp.exp(x)), jnp.log(-jnp.expm1(x)))


def _second(a, b):
    return jnp.broadcast_to(b, jnp.broadcast_shapes(jnp.shape(a), jnp.shape(b)))


def _xlogy(x, y):
    return jss.xlogy(x, y)


def _betaln(a, b):
    # XLA's betaln is off by up to 5e-5 (relative) for arguments below ~100; the gammaln
    # difference is accurate to ~1e-13 there and only cancels badly for huge arguments.
    small = jnp.maximum(a, b) < 1e6
    return jnp.where(small, jss.gammaln(a) + jss.gammaln(b) - jss.gammaln(a + b), jss.betaln(a, b))


def _erfcx(x):
    # XLA's erfcx returns 0 on [26.54, 26.64] in float64 and on [9.19, 9.42] in float32;
    # beyond 26 (float64) or 9 (float32) the asymptotic series
    # (1 - 1/(2x^2) + 3/(4x^4) - ...) / (x sqrt(pi)) is exact to the dtype's precision.
    cut = 9.0 if jnp.result_type(x) == jnp.float32 else 26.0
    big = jnp.maximum(x, cut)
    u = 1.0 / (2.0 * big * big)
    series = 1.0 + u * (-1.0 + u * (3.0 + u * (-15.0 + u * (105.0 + u * (-945.0 + u * 10395.0)))))
    return jnp.where(x > cut, series / (big * 1.7724538509055159), jss.erfcx(x))


def _log_ndtr(x):
    # XLA's log_ndtr is off by 1e-11 near x = -20 and by 7% at x = 8 (relative); through
    # erfcx in the left tail and log1p(-erfc / 2) elsewhere it is accurate to ~1e-15.
    left = jnp.log(_erfcx(-x * 0.7071067811865476) / 2) - x * x / 2
    right = jnp.log1p(-jss.erfc(jnp.maximum(x, -1.0) * 0.7071067811865476) / 2)
    return jnp.where(x < -1.0, left, right)


def _reduce_binary(fn):
    return lambda *xs: functools.reduce(fn, xs)


SCALAR_IMPLS = {
    "add": _reduce_binary(jnp.add),
    "mul": _reduce_binary(jnp.multiply),
    "sub": jnp.subtract,
    "true_div": jnp.true_divide,
    "int_div": jnp.floor_divide,
    "mod": jnp.mod,
    "pow": jnp.power,
    "neg": jnp.negative,
    "abs": jnp.abs,
    "sign": jnp.sign,
    "sqr": jnp.square,
    "reciprocal": jnp.reciprocal,
    "maximum": jnp.maximum,
    "minimum": jnp.minimum,
    "second": _second,
    "switch": jnp.where,
    "identity": lambda x: x,
    "clip": jnp.clip,
    "exp": jnp.exp,
    "exp2": jnp.exp2,
    "expm1": jnp.expm1,
    "log": jnp.log,
    "log2": jnp.log2,
    "log10": jnp.log10,
    "log1p": jnp.log1p,
    "log1mexp": _log1mexp,
    "softplus": jax.nn.softplus,
    "sigmoid": jax.nn.sigmoid,
    "logit": jss.logit,
    "logaddexp": jnp.logaddexp,
    "xlogy": _xlogy,
    "xlog1py": jss.xlog1py,
    "sqrt": jnp.sqrt,
    "cbrt": jnp.cbrt,
    "sin": jnp.sin,
    "cos": jnp.cos,
    "tan": jnp.tan,
    "arcsin": jnp.arcsin,
    "arccos": jnp.arccos,
    "arctan": jnp.arctan,
    "arctan2": jnp.arctan2,
    "sinh": jnp.sinh,
    "cosh": jnp.cosh,
    "tanh": jnp.tanh,
    "arcsinh": jnp.arcsinh,
    "arccosh": jnp.arccosh,
    "arctanh": jnp.arctanh,
    "erf": jss.erf,
    "erfc": jss.erfc,
    "erfcx": _erfcx,
    "erfinv": jss.erfinv,
    "erfcinv": lambda x: -jss.ndtri(x / 2) * 0.7071067811865476,
    "log_ndtr": _log_ndtr,
    "ndtri": jss.ndtri,
    "gammaln": jss.gammaln,
    "digamma": jss.digamma,
    "trigamma": lambda x: jss.polygamma(1, x),
    "polygamma": lambda n, x: jss.polygamma(jnp.asarray(n).astype(jnp.int32), x),
    "betaln": _betaln,
    "gammainc": jss.gammainc,
    "gammaincc": jss.gammaincc,
    "betainc": jss.betainc,
    "i0e": jss.i0e,
    "i1e": jss.i1e,
    "floor": jnp.floor,
    "ceil": jnp.ceil,
    "trunc": jnp.trunc,
    "round_half_to_even": jnp.round,
    "isnan": jnp.isnan,
    "isinf": jnp.isinf,
    "isfinite": jnp.isfinite,
    "eq": jnp.equal,
    "neq": jnp.not_equal,
    "lt": jnp.less,
    "le": jnp.less_equal,
    "gt": jnp.greater,
    "ge": jnp.greater_equal,
    "and_": jnp.bitwise_and,
    "or_": jnp.bitwise_or,
    "xor": jnp.bitwise_xor,
    "invert": jnp.invert,
}


@register(Elemwise)
def _elemwise(node):
    scalar = node.op.scalar_op
    dtype = node.outputs[0].type.dtype
    if hasattr(scalar, "dtype"):  # Cast
        return lambda x: [jnp.asarray(x).astype(dtype)]
    impl = SCALAR_IMPLS.get(scalar.name)
    if impl is None:
        raise LoweringError(f"no JAX implementation of the scalar op {scalar.name}")
    out_float = dtype.startswith(("float", "complex"))

    def fn(*xs):
        # every value here is a NumPy or JAX array: read .dtype/.shape directly (jnp.asarray
        # per input and output doubled the tracing time of large graphs)
        check_runtime_broadcast(node, [np.shape(x) for x in xs])
        if out_float:
            # compute in the output dtype (NumPy's promotion, not JAX's weak typing)
            xs = [x.astype(dtype) if x.dtype.kind in "biu" else x for x in xs]
        out = impl(*xs)
        return [out if out.dtype == dtype else out.astype(dtype)]

    return fn


@register(DimShuffle)
def _dimshuffle(node):
    op = node.op
    perm = op.transposition + op.drop
    identity = perm == tuple(range(len(perm)))
    kept = []
    for d in op.new_order:
        kept.append("x" if d == "x" else len([k for k in kept if k != "x"]))

    def fn(x):
        x = x if identity else jnp.transpose(x, perm)
        return [jnp.reshape(x, [1 if d == "x" else x.shape[d] for d in kept])]

    return fn
