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
from rewrax.symbolic.op import Op, UndefinedGrad
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


def make_signature(ranks_in, ranks_out) -> str:
    """A gufunc signature with distinct dimension names: ``(i00,i01),()->(o00)``."""

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
    signature : str, optional
        The gufunc signature shown when printing (derived from ``core_op`` or the ranks).

    Examples
    --------
    >>> import rewrax.symbolic as pt
    >>> from rewrax.symbolic.linalg import Cholesky
    >>> L = Blockwise(Cholesky())(pt.tensor3("A", shape=(5, 3, 3)))
    >>> print(L.owner.op, L.type)
    Blockwise{Cholesky{lower=True}, (m,m)->(m,m)} Tensor3(float64, shape=(5, 3, 3))
    """

    __props__ = ("core_op", "core_ndims")

    def __init__(self, core_op, core_ndims=None, signature=None):
        if isinstance(core_op, Blockwise):
            core_ndims, core_op = core_op.core_ndims, core_op.core_op
        if core_ndims is None:
            if core_op.gufunc_signature is None:
                raise TypeError(f"Blockwise({core_op}) needs core_ndims: the op has no gufunc signature")
            core_ndims = tuple(len(g) for g in parse_signature(core_op.gufunc_signature)[0])
        self.core_op = core_op
        self.core_ndims = tuple(int(n) for n in core_ndims)
        self._signature = signature

    @property
    def signature(self):
        if self.core_op.gufunc_signature is not None:
            return self.core_op.gufunc_signature
        if self._signature is not None:
            return self._signature
        ins = make_signature(self.core_ndims, []).split("->")[0]
        return f"{ins}->..."

    def __str__(self):
        return f"Blockwise{{{self.core_op}, {self.signature}}}"

    def core_node(self, inputs):
        """The core Apply node for inputs of these (batched) types.

        Inputs without batch dimensions are used as they are, so the core node keeps what
        is known about them statically (a constant number of scan steps, a constant index).
        """
        core_inputs = [i if i.type.ndim == n else TensorType(i.type.dtype, i.type.shape[i.type.ndim - n:]).make_variable()
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
        for k, (i, n) in enumerate(zip(inputs, self.core_ndims)):
            if i.type.ndim < n:
                raise ValueError(f"{self}: input {k} ({i}) of type {i.type} has fewer than its {n} core dimensions")
        core = self.core_node(inputs)
        for o in core.outputs:
            if not isinstance(o.type, TensorType):
                raise TypeError(f"{self}: the core op returns {o.type}, which cannot be batched")
        if self._signature is None and self.core_op.gufunc_signature is None:
            self._signature = make_signature(self.core_ndims, [o.type.ndim for o in core.outputs])
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
        return blockwise_pullback(self, inputs, outputs, output_grads)

    def vectorize(self, node, batched_inputs):
        return self(*batched_inputs, return_list=True)


def _batch_index(index, nb_x, nb, shape):
    offset = nb - nb_x
    return tuple(0 if shape[k] == 1 else index[offset + k] for k in range(nb_x))


def blockwise_pullback(op, inputs, outputs, output_grads):
    """The core pullback, vectorized over the batch; batch-broadcast inputs get summed grads."""
    from rewrax.symbolic.graph import ancestors
    from rewrax.symbolic.math import zeros_like
    from rewrax.symbolic.vectorize import vectorize_graph

    core = op.core_node(inputs)
    core_gout = [o.type.make_variable() if g is not None else None for o, g in zip(core.outputs, output_grads)]
    filled = [g if g is not None else zeros_like(o) for g, o in zip(core_gout, core.outputs)]
    core_grads = op.core_op.pullback(core.inputs, core.outputs, filled)
    replace = {c: b for c, b in zip(core.inputs, inputs) if c is not b}
    replace.update(zip(core.outputs, outputs))
    replace.update({c: g for c, g in zip(core_gout, output_grads) if c is not None})
    result = []
    for inp, cg in zip(inputs, core_grads):
        if cg is None or isinstance(cg, UndefinedGrad):
            result.append(UndefinedGrad(op, cg.index, cg.reason) if isinstance(cg, UndefinedGrad) else None)
            continue
        used = {id(v) for v in ancestors([cg])}
        g = vectorize_graph(cg, {k: v for k, v in replace.items() if id(k) in used})
        result.append(sum_to_batch(g, inp))
    return result


def sum_to_batch(g, inp):
    """Sum the gradient ``g`` over the batch dimensions along which ``inp`` was broadcast."""
    from rewrax.symbolic.math import second
    from rewrax.symbolic.reduce import sum as sum_

    if g.type.ndim < inp.type.ndim:  # a gradient that does not vary over the batch
        g = second(inp, g)
    extra = g.type.ndim - inp.type.ndim
    if extra > 0:
        g = sum_(g, axis=tuple(range(extra)))
    axes = [i for i in range(inp.type.ndim) if inp.type.shape[i] == 1 and g.type.shape[i] != 1]
    return sum_(g, axis=axes, keepdims=True) if axes else g
