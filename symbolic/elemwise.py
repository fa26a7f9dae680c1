"""Elemwise (a scalar op mapped over broadcast arrays) and DimShuffle (axis surgery).

Broadcasting is explicit: ``Elemwise.make_node`` aligns ranks by inserting
``ExpandDims`` on the left, and static shapes decide which dimensions broadcast. A dimension
broadcasts only where its static size is 1; a run-time size of 1 in a dimension declared
unknown (``None``) is an error, as in PyTensor, so that gradients can be built statically.
"""

from __future__ import annotations

import numpy as np

from rewrax.symbolic.op import Op
from rewrax.symbolic.scalar import ScalarOp
from rewrax.symbolic.type import TensorType
from rewrax.symbolic.variable import Apply


def shape_text(shape) -> str:
    return "(" + ", ".join("?" if s is None else str(s) for s in shape) + ("," if len(shape) == 1 else "") + ")"


def broadcast_static_shapes(shapes, what: str = "broadcast") -> tuple:
    """The static shape of broadcasting equal-rank ``shapes``; raises on a known mismatch."""
    out = []
    for axis, dims in enumerate(zip(*shapes)):
        known = {d for d in dims if d is not None and d != 1}
        if len(known) > 1:
            listed = " and ".join(shape_text(s) for s in shapes)
            raise ValueError(
                f"{what}: shapes {listed} cannot be broadcast together "
                f"(dimension {axis} has sizes {sorted(known)})"
            )
        if known:
            out.append(known.pop())
        elif any(d is None for d in dims):
            out.append(None)
        else:
            out.append(1)
    return tuple(out)


def check_runtime_broadcast(node, shapes) -> None:
    """Raise if an input of size 1 in a dimension declared unknown would broadcast."""
    ndim = node.outputs[0].type.ndim
    for axis in range(ndim):
        sizes = [s[axis] for s in shapes]
        target = max(sizes) if sizes else 1
        if len(set(sizes) - {1}) > 1:
            listed = " and ".join(shape_text(s) for s in shapes)
            names = ", ".join(str(i) for i in node.inputs)
            raise ValueError(
                f"{node.op}: shapes {listed} of ({names}) cannot be broadcast together at run time "
                f"(dimension {axis} has sizes {sorted(set(sizes))})"
            )
        for i, (inp, size) in enumerate(zip(node.inputs, sizes)):
            if size == 1 and target != 1 and inp.type.shape[axis] != 1:
                raise ValueError(
                    f"{node.op}: input {i} ({inp}) has size 1 in dimension {axis} at run time but "
                    f"static shape {shape_text(inp.type.shape)}, and the other inputs have size "
                    f"{target} there. Run-time broadcasting is not allowed: declare the dimension "
                    "as 1 (e.g. shape=(1, ...) or pt.specify_shape) so it broadcasts statically"
                )


class Elemwise(Op):
    """Apply ``scalar_op`` element by element over inputs broadcast to one shape.

    Examples
    --------
    >>> import rewrax.symbolic as pt
    >>> y = pt.log(pt.vector("y"))
    >>> y.owner.op
    Elemwise(scalar_op=log,nin=1)
    >>> print(y.owner.op)
    Log
    """

    __props__ = ("scalar_op",)

    def __init__(self, scalar_op: ScalarOp):
        self.scalar_op = scalar_op

    def __str__(self):
        return self.scalar_op.label

    def __repr__(self):
        return f"Elemwise(scalar_op={self.scalar_op.name},nin={self.scalar_op.nin})"

    def make_node(self, *inputs):
        from rewrax.symbolic.basic import as_tensor_variable

        inputs = [as_tensor_variable(i) for i in inputs]
        nin = self.scalar_op.nin
        if nin != -1 and len(inputs) != nin:
            raise TypeError(f"{self} takes {nin} input(s), got {len(inputs)}")
        if not inputs:
            raise TypeError(f"{self} needs at least one input")
        ndim = max(i.type.ndim for i in inputs)
        inputs = [expand_left(i, ndim) for i in inputs]
        shape = broadcast_static_shapes([i.type.shape for i in inputs], f"{self}")
        dtype = self.scalar_op.output_dtype([i.type.dtype for i in inputs])
        return Apply(self, inputs, [TensorType(dtype, shape).make_variable()])

    def perform(self, node, inputs):
        check_runtime_broadcast(node, [np.shape(x) for x in inputs])
        out_type = node.outputs[0].type
        if out_type.dtype[0] in "fc":
            # compute in the output dtype: NumPy would take exp(int8) in float16 and lose
            # digits that the float64 output then pretends to have (the JAX lowering does the same)
            inputs = [np.asarray(x, out_type.dtype) if np.asarray(x).dtype.kind in "biu" else x for x in inputs]
        with np.errstate(all="ignore"):
            out = self.scalar_op.impl(*inputs)
        out = np.asarray(out, dtype=out_type.dtype)
        if out.shape != tuple(np.broadcast_shapes(*[np.shape(x) for x in inputs])):
            out = np.broadcast_to(out, np.broadcast_shapes(*[np.shape(x) for x in inputs])).copy()
        return [out]

    def pullback(self, inputs, outputs, output_grads):
        from rewrax.symbolic.scalar_grads import elemwise_pullback

        return elemwise_pullback(self, inputs, outputs, output_grads)

    def vectorize(self, node, batched_inputs):
        return [self.make_node(*batched_inputs).outputs[0]]


def expand_left(var, ndim: int):
    """``var`` with leading broadcastable dimensions added up to rank ``ndim``."""
    missing = ndim - var.type.ndim
    if missing <= 0:
        return var
    order = ("x",) * missing + tuple(range(var.type.ndim))
    return DimShuffle(var.type.ndim, order)(var)


class DimShuffle(Op):
    """Reorder axes, add broadcastable axes (``'x'``) and drop axes of static size 1.

    Prints as ``ExpandDims{axis=0}``, ``Squeeze{axes=[0, 1]}``, ``Transpose{axes=[1, 0]}``
    or, for a mix, ``DimShuffle{order=[1, 'x', 0]}``.
    """

    __props__ = ("input_ndim", "new_order")

    def __init__(self, input_ndim: int, new_order):
        new_order = tuple(new_order)
        kept = [d for d in new_order if d != "x"]
        if len(set(kept)) != len(kept) or any(not (0 <= d < input_ndim) for d in kept):
            raise ValueError(f"DimShuffle: invalid order {list(new_order)} for an input of rank {input_ndim}")
        self.input_ndim = input_ndim
        self.new_order = new_order
        self.drop = tuple(d for d in range(input_ndim) if d not in kept)
        self.augment = tuple(i for i, d in enumerate(new_order) if d == "x")
        self.transposition = tuple(kept)

    def __str__(self):
        is_sorted = list(self.transposition) == sorted(self.transposition)
        if not self.drop and is_sorted and self.augment:
            return _axes_label("ExpandDims", self.augment)
        if not self.augment and is_sorted and self.drop:
            return _axes_label("Squeeze", self.drop)
        if not self.augment and not self.drop:
            if is_sorted:
                return "DimShuffle{identity}"
            return f"Transpose{{axes={list(self.transposition)}}}"
        order = ", ".join(repr(d) for d in self.new_order)
        return f"DimShuffle{{order=[{order}]}}"

    def make_node(self, x):
        from rewrax.symbolic.basic import as_tensor_variable

        x = as_tensor_variable(x)
        if x.type.ndim != self.input_ndim:
            raise TypeError(f"{self} expects an input of rank {self.input_ndim}, got {x.type} ({x})")
        for d in self.drop:
            if x.type.shape[d] != 1:
                raise ValueError(
                    f"{self}: cannot drop dimension {d} of {x} with static shape "
                    f"{shape_text(x.type.shape)}; only dimensions of static size 1 can be dropped"
                )
        shape = tuple(1 if d == "x" else x.type.shape[d] for d in self.new_order)
        return Apply(self, [x], [TensorType(x.type.dtype, shape).make_variable()])

    def perform(self, node, inputs):
        x = np.asarray(inputs[0])
        moved = np.transpose(x, self.transposition + self.drop)
        return [moved.reshape([1 if d == "x" else x.shape[d] for d in self.new_order])]

    def pullback(self, inputs, outputs, output_grads):
        (g,) = output_grads
        if self.augment:
            g = DimShuffle(len(self.new_order), [i for i, d in enumerate(self.new_order) if d != "x"])(g)
        order = ["x" if d in self.drop else self.transposition.index(d) for d in range(self.input_ndim)]
        if order == list(range(len(self.transposition))):
            return [g]
        return [DimShuffle(len(self.transposition), order)(g)]

    def vectorize(self, node, batched_inputs):
        (x,) = batched_inputs
        nb = x.type.ndim - self.input_ndim
        order = tuple(range(nb)) + tuple(d if d == "x" else d + nb for d in self.new_order)
        return [DimShuffle(x.type.ndim, order)(x)]


def _axes_label(kind: str, axes) -> str:
    if len(axes) == 1:
        return f"{kind}{{axis={axes[0]}}}"
    return f"{kind}{{axes={list(axes)}}}"
