"""``vectorize_graph``: the same graph applied to inputs with extra leading (batch) dimensions.

Each Op says how it vectorizes (``Op.vectorize``): element-wise ops broadcast, reductions and
shape ops shift their axes, and anything else becomes a ``Blockwise`` of itself (lowered with
``jax.vmap``). A variable keeps its original rank when it does not vary over the batch, so
unbatched parts of the graph are reused as they are. The original graph is never touched.
"""

from __future__ import annotations

from rewrax.symbolic.elemwise import shape_text
from rewrax.symbolic.graph import _as_list, _pairs, io_toposort


def vectorize_graph(outputs, replace):
    """``outputs`` rebuilt for the batched variables in ``replace``.

    Parameters
    ----------
    outputs : Variable or list of Variable
    replace : dict
        Maps variables of the graph to new variables with the same core shape and extra
        leading batch dimensions (batch dimensions of different replacements broadcast).
        A variable the outputs do not depend on changes nothing.

    Returns
    -------
    Variable or list of Variable
        ``out[b] == outputs evaluated at replace[v][b]`` for every batch index ``b``; an
        output that depends on no replaced variable is returned as it is.

    Examples
    --------
    >>> import numpy as np, rewrax as rx, rewrax.symbolic as pt
    >>> x = pt.vector("x", shape=(3,)); y = pt.log(1 + x)
    >>> X = pt.matrix("X", shape=(2, 3))
    >>> rx.vectorize_graph(y, {x: X}).type
    TensorType(float64, shape=(2, 3))
    """
    outs, single = _as_list(outputs)
    memo = {}
    for old, new in _pairs(replace):
        _check_batched(old, new)
        memo[old] = new
    result = vectorize_with(outs, memo)
    return result[0] if single else result


def vectorize_with(outs, memo):
    """Rebuild ``outs`` with ``memo`` (old variable -> batched variable, updated in place)."""
    for node in io_toposort(list(memo), outs):
        new_inputs = [memo.get(i, i) for i in node.inputs]
        if all(a is b for a, b in zip(new_inputs, node.inputs)):
            continue
        new_outputs = node.op.vectorize(node, new_inputs)
        if len(new_outputs) != len(node.outputs):
            raise ValueError(f"{node.op}.vectorize returned {len(new_outputs)} outputs for {len(node.outputs)}")
        for old, new in zip(node.outputs, new_outputs):
            if new is None:
                continue
            _check_result(node, old, new)
            if old.name is not None and new.name is None:
                new.name = old.name
            memo[old] = new
    return [memo.get(o, o) for o in outs]


def _check_batched(old, new):
    if getattr(old.type, "dtype", None) != getattr(new.type, "dtype", None):
        raise TypeError(f"vectorize_graph: cannot replace {old} ({old.type}) with {new} ({new.type}): dtypes differ")
    nd_old, nd_new = getattr(old.type, "ndim", 0), getattr(new.type, "ndim", 0)
    if nd_new < nd_old:
        raise ValueError(
            f"vectorize_graph: the replacement {new} ({new.type}) has fewer dimensions than {old} ({old.type}); "
            "batch dimensions are added on the left"
        )
    if nd_old:
        core = new.type.shape[nd_new - nd_old:]
        for axis, (a, b) in enumerate(zip(old.type.shape, core)):
            if a is not None and b is not None and a != b:
                raise ValueError(
                    f"vectorize_graph: {old} has shape {shape_text(old.type.shape)} but its replacement {new} has "
                    f"core shape {shape_text(core)} (dimension {axis} differs); batch dimensions go on the left"
                )


def _check_result(node, old, new):
    nd_old, nd_new = getattr(old.type, "ndim", 0), getattr(new.type, "ndim", 0)
    if nd_new < nd_old or getattr(old.type, "dtype", None) != getattr(new.type, "dtype", None):
        raise TypeError(f"{node.op}.vectorize turned {old} ({old.type}) into {new} ({new.type})")


def n_batch_dims(batched_inputs, node):
    """The largest number of batch dimensions among ``batched_inputs``."""
    return max((b.type.ndim - o.type.ndim for b, o in zip(batched_inputs, node.inputs)
                if hasattr(b.type, "ndim") and hasattr(o.type, "ndim")), default=0)


def blockwise_vectorize(op, node, batched_inputs):
    """Vectorize ``node`` by wrapping its Op in a ``Blockwise`` (lowered with ``jax.vmap``)."""
    from rewrax.symbolic.blockwise import Blockwise, make_signature

    if n_batch_dims(batched_inputs, node) == 0:
        return op.make_node(*batched_inputs).outputs
    for o in node.outputs:
        if not hasattr(o.type, "ndim"):
            raise NotImplementedError(f"vectorize_graph: {op} returns {o.type}, which cannot be batched")
    signature = None
    if op.gufunc_signature is None:
        signature = make_signature([i.type.ndim for i in node.inputs], [o.type.ndim for o in node.outputs])
    core_ndims = tuple(i.type.ndim for i in node.inputs)
    return Blockwise(op, core_ndims, signature=signature)(*batched_inputs, return_list=True)


default_vectorize = blockwise_vectorize
