"""Blockwise: an Op on core dimensions applied over broadcast leading (batch) dimensions.

``Blockwise(Cholesky())`` takes a stack of matrices; its signature ``(m,m)->(m,m)`` says which
trailing dimensions are the core ones. Any Op can be batched this way: the JAX lowering
``vmap``s the core Op's lowering, the NumPy reference loops, and the pullback is the core
pullback vectorized.
"""

from __future__ import annotations

import itertools

import numpy as np

from rewrax.symbolic.basic import as_tensor_variable
from rewrax.symbolic.elemwise import broadcast_static_shapes
from rewrax.symbolic.op import Op
from rewrax.symbolic.type import TensorType
from rewrax.symbolic.variable import Apply


def parse_signature(signature: str):
    """``"(m,k),(k,n)->(m,n)"`` -> ([("m","k"), ("k","n")], [("m","n")])."""
    ins, outs = signature.replace(" ", "").split("->")

    def parts(text):
        if not text:
            return []
        groups = text[1:-1].split("),(")
        return [tuple(d for d in g.split(",") if d) for g in groups]

    return parts(ins), parts(outs)


def _signature_for(ranks_in, ranks_out):
    def group(prefix, k, r):
        return "(" + ",".join(f"{prefix}{k}{j}" for j in range(r)) + ")"

    ins = ",".join(group("i", k, r) for k, r in enumerate(ranks_in))
    outs = ",".join(group("o", k, r) for k, r in enumerate(ranks_out))
    return f"{ins}->{outs}"


class Blockwise(Op):
    """Apply ``core_op`` to the trailing core dimensions of inputs with batch dimensions.

    Parameters
    ----------
    core_op : Op
        The Op on core dimensions.
    core_ndims : tuple of int, optional
        Core rank of each input; taken from ``core_op.gufunc_signature`` when it has one.
    """

    __props__ = ("core_op", "core_ndims")

    def __init__(self, core_op, core_ndims=None):
        if isinstance(core_op, Blockwise):
            core_ndims, core_op = core_op.core_ndims, core_op.core_op
        if core_ndims is None:
            if core_op.gufunc_signature is None:
                raise TypeError(f"Blockwise({core_op}) needs core_ndims: the op has no gufunc signature")
            core_ndims = tuple(len(g) for g in parse_signature(core_op.gufunc_signature)[0])
        self.core_op = core_op
        self.core_ndims = tuple(int(n) for n in core_ndims)

    @property
    def signature(self):
        if self.core_op.gufunc_signature is not None:
            return self.core_op.gufunc_signature
        return _signature_for(self.core_ndims, ["?"])

    def __str__(self):
        return f"Blockwise{{{self.core_op}, {self.signature}}}"

    def core_node(self, inputs):
        """The core Apply node for inputs of these (batched) types."""
        core_inputs = [TensorType(i.type.dtype, i.type.shape[i.type.ndim - n:]).make_variable() if n or i.type.ndim else
                       TensorType(i.type.dtype, ()).make_variable()
                       for i, n in zip(inputs, self.core_ndims)]
        return self.core_op.make_node(*core_inputs)

    def batch_shape(self, inputs):
        shapes = [i.type.shape[: i.type.ndim - n] for i, n in zip(inputs, self.core_ndims)]
        nb = max(len(s) for s in shapes)
        padded = [(1,) * (nb - len(s)) + tuple(s) for s in shapes]
        return broadcast_static_shapes(padded, str(self)) if nb else ()

    def make_node(self, *inputs):
        inputs = [as_tensor_variable(i) for i in inputs]
        if len(inputs) != len(self.core_ndims):
            raise TypeError(f"{self} takes {len(self.core_ndims)} inputs, got {len(inputs)}")
        for i, n in zip(inputs, self.core_ndims):
            if i.type.ndim < n:
                raise ValueError(f"{self}: input {i} of type {i.type} has fewer than its {n} core dimensions")
        core = self.core_node(inputs)
        batch = self.batch_shape(inputs)
        outs = [TensorType(o.type.dtype, batch + o.type.shape).make_variable() for o in core.outputs]
        return Apply(self, inputs, outs)

    @property
    def has_perform(self):
        return self.core_op.has_perform

    def perform(self, node, inputs):
        core = self.core_node(node.inputs)
        batch = np.broadcast_shapes(*[np.shape(x)[: np.ndim(x) - n] for x, n in zip(inputs, self.core_ndims)])
        per_out = [[] for _ in core.outputs]
        for index in itertools.product(*[range(b) for b in batch]):
            args = [np.asarray(x)[_batch_index(index, np.ndim(x) - n, len(batch), np.shape(x))]
                    for x, n in zip(inputs, self.core_ndims)]
            for collected, r in zip(per_out, self.core_op.perform(core, args)):
                collected.append(np.asarray(r))
        outs = []
        for o, collected in zip(core.outputs, per_out):
            if collected:
                arr = np.stack(collected).reshape(tuple(batch) + collected[0].shape)
            else:
                arr = np.empty(tuple(batch) + tuple(0 if s is None else s for s in o.type.shape))
            outs.append(arr.astype(o.type.dtype))
        return outs

    def pullback(self, inputs, outputs, output_grads):
        from rewrax.symbolic.gradient import pullback_through_core

        return pullback_through_core(self, inputs, outputs, output_grads)

    def vectorize(self, node, batched_inputs):
        return self(*batched_inputs, return_list=True)


def _batch_index(index, nb_x, nb, shape):
    offset = nb - nb_x
    return tuple(0 if shape[k] == 1 else index[offset + k] for k in range(nb_x))
