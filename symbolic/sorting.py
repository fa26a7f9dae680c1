"""Sorting along an axis: ``sort`` and ``argsort``."""

from __future__ import annotations

import numpy as np

from rewrax.symbolic.basic import as_tensor_variable
from rewrax.symbolic.op import Op
from rewrax.symbolic.reduce import normalize_axes
from rewrax.symbolic.type import TensorType
from rewrax.symbolic.variable import Apply


class Sort(Op):
    """Entries sorted in ascending order along ``axis``."""

    __props__ = ("axis",)

    def __init__(self, axis: int):
        self.axis = int(axis)

    def make_node(self, x):
        x = as_tensor_variable(x)
        return Apply(self, [x], [x.type.make_variable()])

    def perform(self, node, inputs):
        return [np.sort(inputs[0], axis=self.axis, kind="stable")]

    def pullback(self, inputs, outputs, output_grads):
        from rewrax.symbolic.subtensor import take_along_axis

        (x,), g = inputs, output_grads[0]
        # sorted[j] = x[perm[j]]  =>  grad_x[i] = g[inverse_perm[i]]
        inverse = Argsort(self.axis)(Argsort(self.axis)(x))
        return [take_along_axis(g, inverse, self.axis)]

    def vectorize(self, node, batched_inputs):
        (x,) = batched_inputs
        return [Sort(self.axis + x.type.ndim - node.inputs[0].type.ndim)(x)]


class Argsort(Sort):
    """Indices that sort ``x`` along ``axis`` (stable)."""

    def make_node(self, x):
        x = as_tensor_variable(x)
        return Apply(self, [x], [TensorType("int64", x.type.shape).make_variable()])

    def perform(self, node, inputs):
        return [np.argsort(inputs[0], axis=self.axis, kind="stable").astype("int64")]

    def pullback(self, inputs, outputs, output_grads):
        return [None]

    def vectorize(self, node, batched_inputs):
        (x,) = batched_inputs
        return [Argsort(self.axis + x.type.ndim - node.inputs[0].type.ndim)(x)]


def _prepare(x, axis):
    from rewrax.symbolic.shape_api import flatten

    x = as_tensor_variable(x)
    if axis is None:
        return flatten(x), 0
    (ax,) = normalize_axes(axis, x.type.ndim)
    return x, ax


def sort(x, axis=-1):
    """``x`` sorted along ``axis`` (flattened if ``None``)."""
    x, ax = _prepare(x, axis)
    return Sort(ax)(x)


def argsort(x, axis=-1):
    """Indices that sort ``x`` along ``axis`` (flattened if ``None``)."""
    x, ax = _prepare(x, axis)
    return Argsort(ax)(x)
