"""Wrapping a user's JAX function as an Op: ``rx.wrap_jax(fn)(x, y)`` builds a graph node.

The output types come from ``jax.eval_shape``; dimensions unknown in the inputs are probed
with two different sizes, and output dimensions that change with them are unknown too. The
pullback is ``jax.vjp`` of the function (a ``VJP`` node), and vectorization is ``jax.vmap``.
"""

from __future__ import annotations

import functools

import jax
import jax.numpy as jnp
import numpy as np

from rewrax.lower_jax.table import register
from rewrax.lower_jax.x64 import call_with_x64
from rewrax.symbolic.basic import as_tensor_variable
from rewrax.symbolic.op import Op
from rewrax.symbolic.type import TensorType
from rewrax.symbolic.variable import Apply
from rewrax.symbolic.vjp import vjp_pullback


def _flat_outputs(result):
    if isinstance(result, (tuple, list)):
        return list(result), True
    return [result], False


class JaxOp(Op):
    """An Op computed by a user's JAX function ``fn``."""

    __props__ = ("fn",)

    def __init__(self, fn, name=None):
        self.fn = fn
        self.name = name or getattr(fn, "__name__", "jax_fn")

    def __str__(self):
        return f"JaxOp{{{self.name}}}"

    def _eval_shapes(self, inputs, probe):
        specs = [jax.ShapeDtypeStruct(tuple(probe if s is None else s for s in i.type.shape), i.type.dtype)
                 for i in inputs]
        out = call_with_x64(True, jax.eval_shape, self.fn, *specs)
        return _flat_outputs(out)[0]

    def make_node(self, *inputs):
        inputs = [as_tensor_variable(i) for i in inputs]
        try:
            first = self._eval_shapes(inputs, 2)
            second = self._eval_shapes(inputs, 3) if any(None in i.type.shape for i in inputs) else first
        except Exception as exc:
            types = ", ".join(str(i.type) for i in inputs)
            raise TypeError(f"{self}: cannot infer the output types for inputs ({types}): {exc}") from exc
        outs = []
        for a, b in zip(first, second):
            shape = tuple(x if x == y else None for x, y in zip(a.shape, b.shape))
            outs.append(TensorType(np.dtype(a.dtype).name, shape).make_variable())
        return Apply(self, inputs, outs)

    def perform(self, node, inputs):
        # convert inside the x64 context: outside it jnp.asarray truncates float64 to float32
        result = call_with_x64(True, lambda *xs: self.fn(*[jnp.asarray(x) for x in xs]), *inputs)
        return [np.asarray(r, dtype=o.type.dtype) for r, o in zip(_flat_outputs(result)[0], node.outputs)]

    def pullback(self, inputs, outputs, output_grads):
        return vjp_pullback(self, inputs, outputs, output_grads)


@register(JaxOp)
def _jax_op(node):
    fn = node.op.fn
    return lambda *xs: _flat_outputs(fn(*xs))[0]


def wrap_jax(fn=None, *, name=None):
    """Wrap a JAX function so that it can be applied to symbolic variables.

    Examples
    --------
    >>> import jax.numpy as jnp, numpy as np, rewrax as rx, rewrax.symbolic as pt
    >>> @rx.wrap_jax
    ... def sinc(x):
    ...     return jnp.sinc(x)
    >>> x = pt.vector("x")
    >>> np.round(sinc(x).eval({x: np.array([0.0, 0.5])}), 4)
    array([1.    , 0.6366])
    """
    if fn is None:
        return functools.partial(wrap_jax, name=name)
    op = JaxOp(fn, name=name)

    @functools.wraps(fn)
    def apply(*inputs):
        return op(*inputs)

    apply.op = op
    return apply
