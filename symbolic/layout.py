"""Ops that rearrange entries: tile, repeat, diagonals, triangular parts."""

from __future__ import annotations

import numpy as np

from rewrax.symbolic.basic import as_tensor_variable
from rewrax.symbolic.op import Op
from rewrax.symbolic.type import TensorType, is_int_dtype
from rewrax.symbolic.variable import Apply


class Tile(Op):
    """``np.tile(x, reps)`` with ``reps`` known when the graph is built."""

    __props__ = ("reps",)

    def __init__(self, reps):
        self.reps = tuple(int(r) for r in reps)

    def make_node(self, x):
        x = as_tensor_variable(x)
        if len(self.reps) < x.type.ndim:
            reps = (1,) * (x.type.ndim - len(self.reps)) + self.reps
        else:
            reps = self.reps
        shape = (1,) * (len(reps) - x.type.ndim) + x.type.shape
        out = tuple(None if s is None else s * r for s, r in zip(shape, reps))
        return Apply(self, [x], [TensorType(x.type.dtype, out).make_variable()])

    def perform(self, node, inputs):
        return [np.tile(inputs[0], self.reps)]

    def pullback(self, inputs, outputs, output_grads):
        from rewrax.symbolic.reduce import sum as sum_
        from rewrax.symbolic.shape_ops import reshape, shape

        (x,), g = inputs, output_grads[0]
        nd = g.type.ndim
        reps = (1,) * (nd - len(self.reps)) + self.reps
        xs = shape(x)
        core = [xs[i - (nd - x.type.ndim)] if i >= nd - x.type.ndim else 1 for i in range(nd)]
        split = []
        for r, c in zip(reps, core):
            split += [r, c]
        g = reshape(g, split)
        g = sum_(g, axis=tuple(range(0, 2 * nd, 2)))
        return [reshape(g, xs) if x.type.ndim != nd else g]

    def vectorize(self, node, batched_inputs):
        from rewrax.symbolic.shape_api import expand_dims

        (x,) = batched_inputs
        core = node.inputs[0].type.ndim
        nb = x.type.ndim - core
        if len(self.reps) > core:  # np.tile first promotes x to len(reps) dimensions
            x = expand_dims(x, list(range(nb, nb + len(self.reps) - core)))
        return [Tile((1,) * nb + self.reps)(x)]


class Repeat(Op):
    """``np.repeat(x, repeats, axis)`` with ``repeats`` an integer scalar or vector input."""

    __props__ = ("axis",)

    def __init__(self, axis: int):
        self.axis = int(axis)

    def make_node(self, x, repeats):
        from rewrax.symbolic.shape_ops import constant_value

        x, repeats = as_tensor_variable(x), as_tensor_variable(repeats)
        if not is_int_dtype(repeats.type.dtype) or repeats.type.ndim > 1:
            raise TypeError(f"repeat: repeats must be an integer scalar or vector, got {repeats.type}")
        value = constant_value(repeats)
        size = x.type.shape[self.axis]
        if value is None:
            new = None
        elif np.ndim(value) == 0:
            new = None if size is None else size * int(value)
        else:
            if size is not None and len(value) != size:
                raise ValueError(f"repeat: {len(value)} repeats for an axis of size {size}")
            new = int(np.sum(value))
        shape = list(x.type.shape)
        shape[self.axis] = new
        return Apply(self, [x, repeats], [TensorType(x.type.dtype, shape).make_variable()])

    def perform(self, node, inputs):
        return [np.repeat(inputs[0], inputs[1], axis=self.axis)]

    def pullback(self, inputs, outputs, output_grads):
        # each output entry came from input entry ids[j]: scatter-add the gradient back
        from rewrax.symbolic.math import zeros_like
        from rewrax.symbolic.shape_ops import arange, shape
        from rewrax.symbolic.subtensor import inc_subtensor

        x, repeats = inputs
        ids = Repeat(0)(arange(shape(x)[self.axis]), repeats)
        target = zeros_like(x)[(slice(None),) * self.axis + (ids,)]
        return [inc_subtensor(target, output_grads[0]), None]

    def vectorize(self, node, batched_inputs):
        from rewrax.symbolic.vectorize import blockwise_vectorize

        x, repeats = batched_inputs
        if repeats.type.ndim != node.inputs[1].type.ndim:
            return blockwise_vectorize(self, node, batched_inputs)
        return [Repeat(self.axis + x.type.ndim - node.inputs[0].type.ndim)(x, repeats)]


class ExtractDiag(Op):
    """The diagonal ``offset`` of the plane ``(axis1, axis2)``, moved to the last axis."""

    __props__ = ("offset", "axis1", "axis2")

    def __init__(self, offset=0, axis1=0, axis2=1):
        self.offset, self.axis1, self.axis2 = int(offset), int(axis1), int(axis2)

    def make_node(self, x):
        x = as_tensor_variable(x)
        if x.type.ndim < 2:
            raise ValueError(f"diagonal needs a tensor of rank >= 2, got {x.type}")
        n, m = x.type.shape[self.axis1], x.type.shape[self.axis2]
        if n is None or m is None:
            length = None
        else:
            length = max(0, min(n, m - self.offset) if self.offset >= 0 else min(n + self.offset, m))
        rest = [s for i, s in enumerate(x.type.shape) if i not in (self.axis1, self.axis2)]
        return Apply(self, [x], [TensorType(x.type.dtype, (*rest, length)).make_variable()])

    def perform(self, node, inputs):
        return [np.diagonal(inputs[0], self.offset, self.axis1, self.axis2).copy()]

    def pullback(self, inputs, outputs, output_grads):
        from rewrax.symbolic.math import zeros_like
        from rewrax.symbolic.subtensor import set_diagonal

        (x,), g = inputs, output_grads[0]
        return [set_diagonal(zeros_like(x), g, self.offset, self.axis1, self.axis2)]

    def vectorize(self, node, batched_inputs):
        (x,) = batched_inputs
        nb = x.type.ndim - node.inputs[0].type.ndim
        return [ExtractDiag(self.offset, self.axis1 + nb, self.axis2 + nb)(x)]


class AllocDiag(Op):
    """A square matrix with the vector ``v`` on diagonal ``offset`` (``np.diag(v)``)."""

    __props__ = ("offset",)

    def __init__(self, offset=0):
        self.offset = int(offset)

    def make_node(self, v):
        v = as_tensor_variable(v)
        if v.type.ndim != 1:
            raise ValueError(f"diag of a vector: got {v.type}")
        n = v.type.shape[0]
        size = None if n is None else n + abs(self.offset)
        return Apply(self, [v], [TensorType(v.type.dtype, (size, size)).make_variable()])

    def perform(self, node, inputs):
        return [np.diag(inputs[0], self.offset)]

    def pullback(self, inputs, outputs, output_grads):
        return [ExtractDiag(self.offset)(output_grads[0])]

    gufunc_signature = "(n)->(m,m)"


class TriangularPart(Op):
    """The lower (``np.tril``) or upper (``np.triu``) triangle of the last two axes."""

    __props__ = ("lower", "k")

    def __init__(self, lower: bool, k: int = 0):
        self.lower, self.k = bool(lower), int(k)

    def __str__(self):
        return f"{'Tril' if self.lower else 'Triu'}{{k={self.k}}}"

    def make_node(self, x):
        x = as_tensor_variable(x)
        if x.type.ndim < 2:
            raise ValueError(f"{self} needs a tensor of rank >= 2, got {x.type}")
        return Apply(self, [x], [TensorType(x.type.dtype, x.type.shape).make_variable()])

    def perform(self, node, inputs):
        return [(np.tril if self.lower else np.triu)(inputs[0], self.k)]

    def pullback(self, inputs, outputs, output_grads):
        return [self(output_grads[0])]

    def vectorize(self, node, batched_inputs):
        return [self(batched_inputs[0])]
