"""PyTensor's ``pt.extra_ops``: NumPy helpers beyond element-wise math and reductions.

Most are graphs of existing Ops (``diff``, ``linspace``, ``ravel_multi_index``, ``bincount``,
...). Two need Ops of their own: ``SearchSorted`` and ``Unique``. ``unique`` (and
``bincount``/``compress`` on inputs known only at run time) has an output shape that depends
on the data: it folds when its input is a constant, and a compiled function that needs it on
run-time data fails with a clear error, as JAX cannot compile a data-dependent shape.
"""

from __future__ import annotations

import numpy as np

from rewrax.symbolic import math as m
from rewrax.symbolic.basic import as_tensor_variable, constant
from rewrax.symbolic.op import Op
from rewrax.symbolic.reduce import cumprod, cumsum, max as max_, sum as sum_  # noqa: F401
from rewrax.symbolic.shape_api import (  # noqa: F401
    arange, broadcast_arrays, broadcast_to, concatenate, moveaxis, repeat, shape, squeeze, zeros,
)
from rewrax.symbolic.shape_ops import constant_value
from rewrax.symbolic.subtensor import getitem, inc_subtensor, set_diagonal, take
from rewrax.symbolic.type import TensorType, is_int_dtype
from rewrax.symbolic.variable import Apply

__all__ = [
    "bartlett", "bincount", "broadcast_arrays", "broadcast_shape", "broadcast_to", "compress",
    "concat_with_broadcast", "cumprod", "cumsum", "diff", "fill_diagonal", "fill_diagonal_offset", "geomspace",
    "linspace", "logspace", "ravel_multi_index", "repeat", "searchsorted", "squeeze", "unique", "unravel_index",
    "SearchSorted", "Unique",
]


# -- Ops -------------------------------------------------------------------------------------
class SearchSorted(Op):
    """``np.searchsorted(x, v, side)``: insertion indices of ``v`` into the sorted vector ``x``."""

    __props__ = ("side",)

    def __init__(self, side="left"):
        if side not in ("left", "right"):
            raise ValueError(f"searchsorted: side must be 'left' or 'right', got {side!r}")
        self.side = side

    def make_node(self, x, v):
        x, v = as_tensor_variable(x), as_tensor_variable(v)
        if x.type.ndim != 1:
            raise ValueError(f"searchsorted: x must be a sorted vector, got {x} of type {x.type}")
        return Apply(self, [x, v], [TensorType("int64", v.type.shape).make_variable()])

    def perform(self, node, inputs):
        return [np.asarray(np.searchsorted(inputs[0], inputs[1], side=self.side), dtype="int64")]

    def pullback(self, inputs, outputs, output_grads):
        return [None, None]  # an integer result: no gradient flows through it

    def vectorize(self, node, batched_inputs):
        from rewrax.symbolic.vectorize import blockwise_vectorize

        x, v = batched_inputs
        if x.type.ndim == 1:  # only the query gained dimensions: the same Op handles them
            return [self(x, v)]
        return blockwise_vectorize(self, node, batched_inputs)


class Unique(Op):
    """``np.unique`` of the flattened input (or along ``axis``): a data-dependent length.

    Outputs are the unique values, then (as requested) ``index``, ``inverse`` and ``counts``.
    """

    __props__ = ("return_index", "return_inverse", "return_counts", "axis")

    def __init__(self, return_index=False, return_inverse=False, return_counts=False, axis=None):
        self.return_index, self.return_inverse = bool(return_index), bool(return_inverse)
        self.return_counts = bool(return_counts)
        self.axis = None if axis is None else int(axis)

    def make_node(self, x):
        x = as_tensor_variable(x)
        if self.axis is None:
            values = TensorType(x.type.dtype, (None,))
            inverse_shape = x.type.shape if x.type.ndim else (1,)
        else:
            if not -x.type.ndim <= self.axis < x.type.ndim:
                raise ValueError(f"unique: axis {self.axis} is out of range for {x} of type {x.type}")
            axis = self.axis % x.type.ndim
            values = TensorType(x.type.dtype, tuple(None if d == axis else s for d, s in enumerate(x.type.shape)))
            inverse_shape = (x.type.shape[axis],)
        outs = [values.make_variable()]
        if self.return_index:
            outs.append(TensorType("int64", (None,)).make_variable())
        if self.return_inverse:
            outs.append(TensorType("int64", inverse_shape).make_variable())
        if self.return_counts:
            outs.append(TensorType("int64", (None,)).make_variable())
        return Apply(self, [x], outs)

    def perform(self, node, inputs):
        out = np.unique(inputs[0], return_index=self.return_index, return_inverse=self.return_inverse,
                        return_counts=self.return_counts, axis=self.axis)
        out = out if isinstance(out, tuple) else (out,)
        return [np.asarray(o, dtype=v.type.dtype).reshape([s if s is not None else -1 for s in v.type.shape] or ())
                if v.type.ndim <= 1 else np.asarray(o, dtype=v.type.dtype) for o, v in zip(out, node.outputs)]

    def pullback(self, inputs, outputs, output_grads):
        from rewrax.symbolic.op import UndefinedGrad

        return [UndefinedGrad(self, 0, "unique has no gradient (a set of values, as in PyTensor)")]

    def vectorize(self, node, batched_inputs):
        if batched_inputs[0].type.ndim == node.inputs[0].type.ndim:
            return self(*batched_inputs, return_list=True)
        raise NotImplementedError("vectorize_graph: unique of a batch has a ragged result; apply it per batch entry")


# -- API -------------------------------------------------------------------------------------
def searchsorted(x, v, side="left", sorter=None):
    """Indices where the entries of ``v`` would be inserted into sorted ``x`` (``np.searchsorted``).

    Examples
    --------
    >>> import rewrax.symbolic as pt
    >>> pt.extra_ops.searchsorted([1.0, 2.0, 3.0], [2.5, 0.0]).eval()
    array([2, 0])
    """
    x = as_tensor_variable(x)
    if sorter is not None:
        x = take(x, sorter)
    return SearchSorted(side)(x, v)


def unique(ar, return_index=False, return_inverse=False, return_counts=False, axis=None):
    """The sorted unique values of ``ar`` (``np.unique``), with optional index/inverse/counts.

    The length of the result depends on the values, so it compiles only where ``ar`` is known
    when compiling (a constant or data); otherwise the compiled function says so.

    Examples
    --------
    >>> import rewrax.symbolic as pt
    >>> pt.extra_ops.unique([3, 1, 3, 2]).eval()
    array([1, 2, 3])
    """
    return Unique(return_index, return_inverse, return_counts, axis)(as_tensor_variable(ar))


def diff(x, n=1, axis=-1):
    """The ``n``-th discrete difference along ``axis`` (``np.diff``)."""
    x = as_tensor_variable(x)
    if x.type.ndim == 0:
        raise ValueError("diff requires input that is at least one dimensional")
    axis = axis % x.type.ndim
    head = (slice(None),) * axis
    for _ in range(int(n)):
        x = getitem(x, head + (slice(1, None),)) - getitem(x, head + (slice(None, -1),))
    return x


def bartlett(M):
    """The Bartlett (triangular) window of ``M`` points (``np.bartlett``)."""
    M = as_tensor_variable(M)
    n = m.cast(arange(M), "float64")
    mf = m.cast(M, "float64")
    tri = 1.0 - m.abs(2.0 * n / m.maximum(mf - 1.0, 1.0) - 1.0)
    return m.switch(m.gt(mf, 1.0), tri, m.ones_like(n))


def bincount(x, weights=None, minlength=None, assert_nonneg=False):
    """How often each value ``0..max(x)`` occurs in the integer vector ``x`` (``np.bincount``)."""
    from rewrax.symbolic.check import check

    x = as_tensor_variable(x)
    if not is_int_dtype(x.type.dtype) or x.type.ndim != 1:
        raise TypeError(f"bincount: x must be an integer vector, got {x} of type {x.type}")
    if assert_nonneg:
        x = check(x, m.ge(x, 0), msg="bincount: x must be non-negative")
    size = max_(x) + 1
    if minlength is not None:
        size = m.maximum(size, minlength)
    dtype = "int64" if weights is None else as_tensor_variable(weights).type.dtype
    values = m.ones_like(x, dtype="int64") if weights is None else as_tensor_variable(weights)
    return inc_subtensor(getitem(zeros((size,), dtype=dtype), x), values)


def compress(condition, x, axis=None):
    """The slices of ``x`` along ``axis`` where ``condition`` is true (``np.compress``)."""
    x = as_tensor_variable(x)
    if axis is None:
        x, axis = x.flatten(), 0
    value = constant_value(as_tensor_variable(condition))
    if value is not None:
        return take(x, np.flatnonzero(value).astype("int64"), axis=axis)
    mask = as_tensor_variable(condition)
    if mask.type.dtype != "bool":
        mask = m.neq(mask, 0)
    return getitem(x, (slice(None),) * (axis % x.type.ndim) + (mask,))


def broadcast_shape(*arrays, arrays_are_shapes=False):
    """The broadcast shape of ``arrays`` (or of shape tuples), as a tuple of scalar variables."""
    if arrays_are_shapes:
        arrays = [zeros(s, dtype="int8") for s in arrays]
    ref = broadcast_arrays(*[as_tensor_variable(a) for a in arrays])[0]
    static = ref.type.shape
    return tuple(constant(np.int64(s)) if s is not None else shape(ref)[d] for d, s in enumerate(static))


def concat_with_broadcast(tensor_list, axis=0):
    """Concatenate along ``axis`` after broadcasting every other dimension."""
    tensors = [as_tensor_variable(t) for t in tensor_list]
    ndim = max(t.type.ndim for t in tensors)
    tensors = [t if t.type.ndim == ndim else m.second(zeros((1,) * ndim, dtype="int8"), t) for t in tensors]
    axis = axis % ndim
    probes = [getitem(t, (slice(None),) * axis + (slice(0, 1),)) for t in tensors]
    ref = broadcast_arrays(*probes)[0] if len(probes) > 1 else probes[0]
    outs = []
    for t in tensors:
        target = [shape(t)[axis] if d == axis else shape(ref)[d] for d in range(ndim)]
        outs.append(broadcast_to(t, target))
    return concatenate(outs, axis=axis)


def fill_diagonal(a, val):
    """A copy of matrix ``a`` with ``val`` on its main diagonal (``np.fill_diagonal``)."""
    return fill_diagonal_offset(a, val, 0)


def fill_diagonal_offset(a, val, offset):
    """A copy of matrix ``a`` with ``val`` on the diagonal ``offset`` (> 0 above the main one)."""
    a = as_tensor_variable(a)
    if a.type.ndim != 2:
        raise ValueError(f"fill_diagonal_offset: a must be a matrix, got {a} of type {a.type}")
    offset = int(offset)
    n, k = a.type.shape
    rows = None if n is None else n - max(0, -offset)
    cols = None if k is None else k - max(0, offset)
    if rows is None or cols is None:
        length = m.minimum(shape(a)[0] - max(0, -offset), shape(a)[1] - max(0, offset))
    else:
        length = max(0, min(rows, cols))
    values = broadcast_to(m.cast(as_tensor_variable(val), a.type.dtype), (length,))
    return set_diagonal(a, values, offset)


def _along(values, axis, ndim):
    return moveaxis(values, 0, axis) if ndim else values


def linspace(start, stop, num=50, endpoint=True, retstep=False, dtype=None, axis=0, end=None, steps=None):
    """``num`` evenly spaced values from ``start`` to ``stop`` (``np.linspace``; ``end``/``steps`` alias)."""
    stop = end if end is not None else stop
    num = steps if steps is not None else num
    start, stop = m.cast(as_tensor_variable(start), "float64"), m.cast(as_tensor_variable(stop), "float64")
    start, stop = broadcast_arrays(start, stop)
    num = int(num)
    if num < 0:
        raise ValueError(f"linspace: num must be non-negative, got {num}")
    div = (num - 1) if endpoint else num
    step = (stop - start) / max(div, 1)
    idx = m.cast(arange(num), "float64")
    idx = idx.dimshuffle(0, *["x"] * start.type.ndim) if start.type.ndim else idx
    out = start + idx * step
    if endpoint and num > 1:
        out = inc_subtensor(out[-1], stop - out[-1])  # the last point is exactly stop, as NumPy
    out = _along(out, axis, start.type.ndim)
    out = m.cast(out, dtype) if dtype is not None else out
    return (out, step) if retstep else out


def logspace(start, stop, num=50, base=10.0, endpoint=True, dtype=None, axis=0, end=None, steps=None):
    """``base ** linspace(start, stop, num)`` (``np.logspace``)."""
    out = m.pow(base, linspace(start, stop, num, endpoint, axis=axis, end=end, steps=steps))
    return m.cast(out, dtype) if dtype is not None else out


def geomspace(start, stop, num=50, base=10.0, endpoint=True, dtype=None, axis=0, end=None, steps=None):
    """Values spaced evenly on a log scale from ``start`` to ``stop`` (``np.geomspace``)."""
    stop = end if end is not None else stop
    start, stop = m.cast(as_tensor_variable(start), "float64"), m.cast(as_tensor_variable(stop), "float64")
    out = m.exp(linspace(m.log(start), m.log(stop), num, endpoint, axis=0, steps=steps))
    first = getitem(out, 0)
    out = inc_subtensor(getitem(out, 0), start - first)  # exact end points, as NumPy
    if endpoint and int(steps if steps is not None else num) > 1:
        out = inc_subtensor(getitem(out, -1), stop - getitem(out, -1))
    out = _along(out, axis, start.type.ndim)
    return m.cast(out, dtype) if dtype is not None else out


def _strides(dims, order):
    dims = [int(d) for d in dims]
    if order not in ("C", "F"):
        raise ValueError(f"order must be 'C' or 'F', got {order!r}")
    seq = dims if order == "C" else dims[::-1]
    strides = np.cumprod([1] + seq[::-1][:-1])[::-1].tolist()
    return dims, (strides if order == "C" else strides[::-1])


def _static_dims(dims, what):
    value = dims if isinstance(dims, (tuple, list)) and all(isinstance(d, (int, np.integer)) for d in dims) \
        else constant_value(as_tensor_variable(dims))
    if value is None:
        raise ValueError(f"{what}: dims must be known when the graph is built, got {dims}")
    return [int(d) for d in np.atleast_1d(value)]


def ravel_multi_index(multi_index, dims, mode="raise", order="C"):
    """Flat indices of a tuple of index arrays into an array of shape ``dims`` (``np.ravel_multi_index``)."""
    from rewrax.symbolic.check import check

    dims, strides = _strides(_static_dims(dims, "ravel_multi_index"), order)
    if len(multi_index) != len(dims):
        raise ValueError(f"ravel_multi_index: {len(multi_index)} index arrays for {len(dims)} dimensions")
    flat = None
    for idx, d, s in zip(multi_index, dims, strides):
        idx = as_tensor_variable(idx)
        if mode == "wrap":
            idx = m.mod(idx, d)
        elif mode == "clip":
            idx = m.clip(idx, 0, d - 1)
        elif mode == "raise":
            ok = m.and_(m.ge(idx, 0), m.lt(idx, d))
            idx = check(idx, ok, msg=f"ravel_multi_index: invalid entry for dims {dims}")
        else:
            raise ValueError(f"mode must be 'raise', 'wrap' or 'clip', got {mode!r}")
        term = idx * s
        flat = term if flat is None else flat + term
    return m.cast(flat, "int64")


def unravel_index(indices, dims, order="C"):
    """The tuple of index arrays for flat ``indices`` into shape ``dims`` (``np.unravel_index``)."""
    dims, strides = _strides(_static_dims(dims, "unravel_index"), order)
    indices = m.cast(as_tensor_variable(indices), "int64")
    return tuple(m.mod(m.int_div(indices, s), d) for d, s in zip(dims, strides))
