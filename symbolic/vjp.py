"""``VJP``: the vector-Jacobian product of another Op, computed by JAX autodiff of its lowering.

Ops whose derivative is a whole program (``scan``, wrapped JAX functions) use it as their
pullback. Its own pullback is again a ``VJP``, so any order of derivatives works.
"""

from __future__ import annotations

from rewrax.symbolic.basic import as_tensor_variable
from rewrax.symbolic.op import Op
from rewrax.symbolic.variable import Apply


def _differentiable(var) -> bool:
    dtype = getattr(var.type, "dtype", "")
    return dtype.startswith(("float", "complex"))


class VJP(Op):
    """Inputs ``(*fwd_inputs, *output_cotangents)``; outputs: the cotangent of each float input."""

    __props__ = ("fwd_op", "n_in")
    has_perform = False

    def __init__(self, fwd_op, n_in: int):
        self.fwd_op = fwd_op
        self.n_in = int(n_in)

    def __str__(self):
        return f"VJP{{{self.fwd_op}}}"

    def fwd_node(self, inputs):
        return self.fwd_op.make_node(*inputs[: self.n_in])

    def make_node(self, *inputs):
        fwd_inputs = list(inputs[: self.n_in])
        fwd = self.fwd_op.make_node(*fwd_inputs)
        cots = [as_tensor_variable(c) for c in inputs[self.n_in:]]
        if len(cots) != len(fwd.outputs):
            raise TypeError(f"{self} takes {len(fwd.outputs)} cotangents, got {len(cots)}")
        outs = [i.type.make_variable() for i in fwd.inputs if _differentiable(i)]
        return Apply(self, [*fwd.inputs, *cots], outs)

    def perform(self, node, inputs):
        raise NotImplementedError(f"{self} has no NumPy reference: it is JAX autodiff of {self.fwd_op}'s lowering")

    def pullback(self, inputs, outputs, output_grads):
        return vjp_pullback(self, inputs, outputs, output_grads)


def vjp_pullback(op, inputs, outputs, output_grads):
    """Pullback of any Op through ``VJP``: one node whose outputs are the input cotangents."""
    from rewrax.symbolic.math import zeros_like

    cots = [g if g is not None else zeros_like(o) for g, o in zip(output_grads, outputs)]
    if not any(_differentiable(i) for i in inputs):
        return [None] * len(inputs)
    grads = iter(VJP(op, len(inputs))(*inputs, *cots, return_list=True))
    return [next(grads) if _differentiable(i) else None for i in inputs]
