"""Reductions (sum, prod, max, min, all, any, argmax, logsumexp), softmax and cumulative ops.

A reduction drops the reduced axes; ``keepdims=True`` adds them back with ``ExpandDims``.
``axes=None`` (printed ``Sum{axes=None}``) reduces over every axis.
"""

from __future__ import annotations

import numpy as np
import scipy.special as sps

from rewrax.symbolic.basic import as_tensor_variable
from rewrax.symbolic.elemwise import DimShuffle
from rewrax.symbolic.op import Op
from rewrax.symbolic.type import TensorType, normalize_dtype
from rewrax.symbolic.variable import Apply


def normalize_axes(axis, ndim: int, what: str = "axis"):
    """Sorted tuple of non-negative axes, or ``None`` for all axes; raises on bad axes."""
    if axis is None:
        return None
    axes = (axis,) if isinstance(axis, (int, np.integer)) else tuple(axis)
    out = []
    for a in axes:
        if not isinstance(a, (int, np.integer)):
            raise TypeError(f"{what} must be ints, got {a!r}")
        if not -ndim <= a < ndim:
            raise ValueError(f"{what} {a} is out of bounds for a tensor of rank {ndim}")
        out.append(int(a) % ndim if ndim else 0)
    if len(set(out)) != len(out):
        raise ValueError(f"repeated {what} in {axes}")
    return tuple(sorted(out))


def _axes_label(name, axes):
    if axes is None:
        return f"{name}{{axes=None}}"
    if len(axes) == 1:
        return f"{name}{{axis={axes[0]}}}"
    return f"{name}{{axes={list(axes)}}}"


class Reduce(Op):
    """Base of reductions over ``axes`` (``None``: all axes)."""

    __props__ = ("axes",)
    numpy_fn = None
    abstract = True  # never applied itself (see tests/symbolic/test_op_exhaustive.py)

    def __init__(self, axes=None):
        self.axes = None if axes is None else tuple(axes)

    def __str__(self):
        return _axes_label(type(self).__name__, self.axes)

    def reduced(self, ndim):
        return tuple(range(ndim)) if self.axes is None else self.axes

    def output_dtype(self, dtype):
        return dtype

    def make_node(self, x):
        x = as_tensor_variable(x)
        if self.axes is not None:
            normalize_axes(self.axes, x.type.ndim)
        red = self.reduced(x.type.ndim)
        shape = tuple(s for i, s in enumerate(x.type.shape) if i not in red)
        return Apply(self, [x], [TensorType(self.output_dtype(x.type.dtype), shape).make_variable()])

    def perform(self, node, inputs):
        out = type(self).numpy_fn(inputs[0], axis=self.reduced(np.ndim(inputs[0])))
        return [np.asarray(out, dtype=node.outputs[0].type.dtype)]

    def vectorize(self, node, batched_inputs):
        (x,) = batched_inputs
        nb = x.type.ndim - node.inputs[0].type.ndim
        axes = tuple(a + nb for a in self.reduced(node.inputs[0].type.ndim))
        return [type(self)(axes)(x)]

    def expand_back(self, g, x):
        """``g`` with the reduced axes re-inserted (as size-1 axes)."""
        red = self.reduced(x.type.ndim)
        order, k = [], 0
        for i in range(x.type.ndim):
            if i in red:
                order.append("x")
            else:
                order.append(k)
                k += 1
        return g if not red else DimShuffle(g.type.ndim, order)(g)


def _acc_dtype(dtype):
    """NumPy's accumulator dtype for sums and products (int8 -> int64, bool -> int64)."""
    return np.sum(np.zeros(1, dtype=dtype)).dtype.name


class Sum(Reduce):
    numpy_fn = staticmethod(np.sum)

    def output_dtype(self, dtype):
        return _acc_dtype(dtype)

    def pullback(self, inputs, outputs, output_grads):
        from rewrax.symbolic.math import second

        (x,), (g,) = inputs, output_grads
        return [second(x, self.expand_back(g, x))]


class Prod(Reduce):
    numpy_fn = staticmethod(np.prod)

    def output_dtype(self, dtype):
        return _acc_dtype(dtype)

    def pullback(self, inputs, outputs, output_grads):
        from rewrax.symbolic.math import mul

        (x,), (g,) = inputs, output_grads
        return [mul(self.expand_back(g, x), _product_of_others(x, self.reduced(x.type.ndim)))]


def _product_of_others(x, red):
    """For each entry, the product of the other entries of its reduced slice.

    Computed as (product before it) * (product after it) with exclusive cumulative products:
    a polynomial in ``x``, exact at zeros and differentiable again (no division by ``x``).
    """
    from rewrax.symbolic.math import mul, ones_like
    from rewrax.symbolic.shape_api import concatenate, reshape, shape, transpose
    from rewrax.symbolic.subtensor import flip

    if not red:
        return ones_like(x)
    keep = [i for i in range(x.type.ndim) if i not in red]
    perm = keep + list(red)
    xt = transpose(x, perm) if perm != list(range(x.type.ndim)) else x
    dims = [d if d is not None else shape(xt)[i] for i, d in enumerate(xt.type.shape)]
    flat = reshape(xt, dims[: len(keep)] + [-1]) if len(red) != 1 else xt
    axis = len(keep)

    def exclusive_cumprod(v):
        lead = (slice(None),) * axis
        return concatenate([ones_like(v[lead + (slice(0, 1),)]), CumProd(axis)(v)[lead + (slice(None, -1),)]], axis=axis)

    others = mul(exclusive_cumprod(flat), flip(exclusive_cumprod(flip(flat, axis)), axis))
    others = reshape(others, dims) if len(red) != 1 else others
    inverse = [perm.index(i) for i in range(x.type.ndim)]
    return transpose(others, inverse) if perm != list(range(x.type.ndim)) else others


class Max(Reduce):
    numpy_fn = staticmethod(np.max)

    def pullback(self, inputs, outputs, output_grads):
        from rewrax.symbolic import math as m

        (x,), (g,) = inputs, output_grads
        mask = m.eq(x, self.expand_back(outputs[0], x))
        return [m.mul(self.expand_back(g, x), mask)]


class Min(Max):
    numpy_fn = staticmethod(np.min)


class All(Reduce):
    numpy_fn = staticmethod(np.all)

    def output_dtype(self, dtype):
        return "bool"

    def pullback(self, inputs, outputs, output_grads):
        return [None]


class Any(All):
    numpy_fn = staticmethod(np.any)


class Argmax(Op):
    """Index of the maximum along ``axis`` (``None``: of the flattened array)."""

    __props__ = ("axis",)
    numpy_fn = staticmethod(np.argmax)

    def __init__(self, axis=None):
        self.axis = axis

    def make_node(self, x):
        x = as_tensor_variable(x)
        shape = () if self.axis is None else tuple(s for i, s in enumerate(x.type.shape) if i != self.axis)
        return Apply(self, [x], [TensorType("int64", shape).make_variable()])

    def perform(self, node, inputs):
        return [np.asarray(type(self).numpy_fn(inputs[0], axis=self.axis), dtype="int64")]

    def pullback(self, inputs, outputs, output_grads):
        return [None]

    def vectorize(self, node, batched_inputs):
        (x,) = batched_inputs
        nb = x.type.ndim - node.inputs[0].type.ndim
        if self.axis is None and nb:
            from rewrax.symbolic.shape_ops import reshape

            core = node.inputs[0].type.ndim
            flat = reshape(x, [x.shape[i] for i in range(nb)] + [-1]) if core != 1 else x
            return [type(self)(nb)(flat)]
        return [type(self)(None if self.axis is None else self.axis + nb)(x)]


class Argmin(Argmax):
    numpy_fn = staticmethod(np.argmin)


class LogSumExp(Reduce):
    """``log(sum(exp(x)))`` over ``axes``, shifted by the maximum so it never overflows."""

    def output_dtype(self, dtype):
        from rewrax.symbolic.scalar import upgrade_to_float

        return upgrade_to_float(dtype)

    def perform(self, node, inputs):
        axes = self.reduced(np.ndim(inputs[0]))
        # SciPy turns a 0-d input into shape (1,) when no axis is reduced
        out = sps.logsumexp(inputs[0], axis=axes) if axes else inputs[0]
        return [np.asarray(out, dtype=node.outputs[0].type.dtype)]

    def pullback(self, inputs, outputs, output_grads):
        from rewrax.symbolic import math as m

        (x,), (g,) = inputs, output_grads
        weights = m.exp(m.sub(x, self.expand_back(outputs[0], x)))
        return [m.mul(self.expand_back(g, x), weights)]


class _AxisOp(Op):
    """An op acting along one ``axis`` and keeping the shape."""

    __props__ = ("axis",)

    def __init__(self, axis: int):
        self.axis = int(axis)

    def __str__(self):
        return f"{type(self).__name__}{{axis={self.axis}}}"

    def output_dtype(self, dtype):
        from rewrax.symbolic.scalar import upgrade_to_float

        return upgrade_to_float(dtype)

    def make_node(self, x):
        x = as_tensor_variable(x)
        normalize_axes(self.axis, x.type.ndim)
        if self.axis < 0:
            raise ValueError(f"{self}: use a non-negative axis")
        return Apply(self, [x], [TensorType(self.output_dtype(x.type.dtype), x.type.shape).make_variable()])

    def vectorize(self, node, batched_inputs):
        (x,) = batched_inputs
        return [type(self)(self.axis + x.type.ndim - node.inputs[0].type.ndim)(x)]


class Softmax(_AxisOp):
    def perform(self, node, inputs):
        return [np.asarray(sps.softmax(inputs[0], axis=self.axis), dtype=node.outputs[0].type.dtype)]

    def pullback(self, inputs, outputs, output_grads):
        from rewrax.symbolic import math as m

        s, g = outputs[0], output_grads[0]
        return [m.mul(s, m.sub(g, sum(m.mul(g, s), axis=self.axis, keepdims=True)))]


class LogSoftmax(_AxisOp):
    def perform(self, node, inputs):
        return [np.asarray(sps.log_softmax(inputs[0], axis=self.axis), dtype=node.outputs[0].type.dtype)]

    def pullback(self, inputs, outputs, output_grads):
        from rewrax.symbolic import math as m

        ls, g = outputs[0], output_grads[0]
        return [m.sub(g, m.mul(m.exp(ls), sum(g, axis=self.axis, keepdims=True)))]


class CumSum(_AxisOp):
    def output_dtype(self, dtype):
        return _acc_dtype(dtype)

    def perform(self, node, inputs):
        return [np.cumsum(inputs[0], axis=self.axis).astype(node.outputs[0].type.dtype)]

    def pullback(self, inputs, outputs, output_grads):
        from rewrax.symbolic.subtensor import flip

        g = output_grads[0]
        return [flip(CumSum(self.axis)(flip(g, self.axis)), self.axis)]


class CumProd(CumSum):
    def perform(self, node, inputs):
        return [np.cumprod(inputs[0], axis=self.axis).astype(node.outputs[0].type.dtype)]

    def pullback(self, inputs, outputs, output_grads):
        from rewrax.symbolic import math as m
        from rewrax.symbolic.subtensor import flip

        (x,), g = inputs, output_grads[0]

        def rev_cumsum(v):
            return flip(CumSum(self.axis)(flip(v, self.axis)), self.axis)

        # d/dx_j sum_i g_i y_i = sum_{i>=j} g_i y_i / x_j, exact where x_j != 0. At the first
        # zero along the axis, the product of the other entries is the cumprod with that zero
        # replaced by 1; after it every gradient is 0 (each product holds the zero).
        is_zero = m.eq(x, 0)
        first_zero = m.and_(is_zero, m.eq(CumSum(self.axis)(m.cast(is_zero, "int64")), 1))
        safe_x = m.switch(is_zero, m.ones_like(x), x)
        regular = m.true_div(rev_cumsum(m.mul(g, outputs[0])), safe_x)
        at_first_zero = rev_cumsum(m.mul(g, CumProd(self.axis)(m.switch(first_zero, m.ones_like(x), x))))
        return [m.switch(first_zero, at_first_zero, m.switch(is_zero, m.zeros_like(x), regular))]


# --------------------------------------------------------------------------------------------
# API
# --------------------------------------------------------------------------------------------
def _keep(out, x, axes, keepdims):
    if not keepdims:
        return out
    red = range(x.type.ndim) if axes is None else axes
    order, k = [], 0
    for i in range(x.type.ndim):
        if i in red:
            order.append("x")
        else:
            order.append(k)
            k += 1
    return DimShuffle(out.type.ndim, order)(out)


def _reduce(cls, x, axis, keepdims, dtype=None):
    from rewrax.symbolic.math import cast

    x = as_tensor_variable(x)
    axes = normalize_axes(axis, x.type.ndim)
    if x.type.ndim == 0:
        axes = None
    out = cls(axes)(x)
    if dtype is not None:
        out = cast(out, normalize_dtype(dtype))
    return _keep(out, x, axes, keepdims)


def sum(x, axis=None, dtype=None, keepdims=False):
    """Sum over ``axis`` (all axes by default).

    Examples
    --------
    >>> import rewrax.symbolic as pt
    >>> print(pt.vector("x").sum().owner.op)
    Sum{axes=None}
    """
    return _reduce(Sum, x, axis, keepdims, dtype)


def prod(x, axis=None, dtype=None, keepdims=False):
    """Product over ``axis`` (all axes by default)."""
    return _reduce(Prod, x, axis, keepdims, dtype)


def max(x, axis=None, keepdims=False):
    """Maximum over ``axis``."""
    return _reduce(Max, x, axis, keepdims)


def min(x, axis=None, keepdims=False):
    """Minimum over ``axis``."""
    return _reduce(Min, x, axis, keepdims)


def all(x, axis=None, keepdims=False):
    """Whether all entries are true (non-zero) over ``axis``."""
    return _reduce(All, x, axis, keepdims)


def any(x, axis=None, keepdims=False):
    """Whether any entry is true (non-zero) over ``axis``."""
    return _reduce(Any, x, axis, keepdims)


def logsumexp(x, axis=None, keepdims=False):
    """``log(sum(exp(x)))`` over ``axis``, without overflow."""
    return _reduce(LogSumExp, x, axis, keepdims)


def _count(x, axes):
    from rewrax.symbolic.math import cast, mul
    from rewrax.symbolic.shape_ops import shape

    red = range(x.type.ndim) if axes is None else axes
    dims = [x.type.shape[i] for i in red]
    if None not in dims:
        return float(np.prod(dims)) if dims else 1.0
    sizes = shape(x)
    out = None
    for i in red:
        d = sizes[i]
        out = d if out is None else mul(out, d)
    return cast(out, "float64")


def mean(x, axis=None, dtype=None, keepdims=False):
    """Arithmetic mean over ``axis``."""
    from rewrax.symbolic.math import cast, true_div

    x = as_tensor_variable(x)
    axes = normalize_axes(axis, x.type.ndim)
    total = Sum(axes if x.type.ndim else None)(x)
    n = _count(x, axes)
    if not isinstance(n, float):
        n = cast(n, total.type.dtype if total.type.dtype.startswith("float") else "float64")
    out = true_div(total, n)
    if dtype is not None:
        out = cast(out, dtype)
    return _keep(out, x, axes, keepdims)


def var(x, axis=None, ddof=0, keepdims=False):
    """Variance over ``axis`` with ``ddof`` delta degrees of freedom."""
    from rewrax.symbolic.math import mul, sqr, sub, true_div

    x = as_tensor_variable(x)
    axes = normalize_axes(axis, x.type.ndim)
    centred = sub(x, mean(x, axis=axes, keepdims=True))
    out = mean(sqr(centred), axis=axes, keepdims=keepdims)
    if ddof:
        n = _count(x, axes)
        out = mul(out, n / (n - ddof) if isinstance(n, float) else true_div(n, sub(n, ddof)))
    return out


def std(x, axis=None, ddof=0, keepdims=False):
    """Standard deviation over ``axis``."""
    from rewrax.symbolic.math import sqrt

    return sqrt(var(x, axis=axis, ddof=ddof, keepdims=keepdims))


def _arg(cls, x, axis, keepdims):
    x = as_tensor_variable(x)
    if axis is None:
        out = cls(None)(x)
        return _keep(out, x, None, keepdims)
    (ax,) = normalize_axes(axis, x.type.ndim)
    return _keep(cls(ax)(x), x, (ax,), keepdims)


def argmax(x, axis=None, keepdims=False):
    """Index of the maximum along ``axis`` (of the flattened array if ``None``)."""
    return _arg(Argmax, x, axis, keepdims)


def argmin(x, axis=None, keepdims=False):
    """Index of the minimum along ``axis`` (of the flattened array if ``None``)."""
    return _arg(Argmin, x, axis, keepdims)


def _along(cls, x, axis):
    x = as_tensor_variable(x)
    if axis is None:
        from rewrax.symbolic.shape_ops import flatten

        x, axis = flatten(x), 0
    (ax,) = normalize_axes(axis, x.type.ndim)
    return cls(ax)(x)


def softmax(x, axis=-1):
    """``exp(x) / sum(exp(x))`` along ``axis``, without overflow."""
    return _along(Softmax, x, axis)


def log_softmax(x, axis=-1):
    """``x - logsumexp(x)`` along ``axis``."""
    return _along(LogSoftmax, x, axis)


def cumsum(x, axis=None):
    """Cumulative sum along ``axis`` (of the flattened array if ``None``)."""
    return _along(CumSum, x, axis)


def cumprod(x, axis=None):
    """Cumulative product along ``axis`` (of the flattened array if ``None``)."""
    return _along(CumProd, x, axis)
