"""``vectorize_graph``: the same graph applied to inputs with extra leading (batch) dimensions.

Each Op says how it vectorizes (``Op.vectorize``): element-wise ops broadcast, reductions and
shape ops shift their axes, and anything else becomes a ``Blockwise`` of itself. The original
graph is never touched; nodes that no replaced variable reaches are reused as they are.
"""

from __future__ import annotations

from rewrax.symbolic.graph import _as_list, _pairs, io_toposort


def vectorize_graph(outputs, replace):
    """``outputs`` rebuilt for the batched variables in ``replace``.

    Parameters
    ----------
    outputs : Variable or list of Variable
    replace : dict
        Maps variables of the graph to new variables with the same core shape and extra
        leading batch dimensions.

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
    for node in io_toposort(list(memo), outs):
        new_inputs = [memo.get(i, i) for i in node.inputs]
        if all(a is b for a, b in zip(new_inputs, node.inputs)):
            continue
        new_outputs = node.op.vectorize(node, new_inputs)
        for old, new in zip(node.outputs, new_outputs):
            if new is not None and old.name is not None and new.name is None:
                new.name = old.name
            memo[old] = new
    result = [memo.get(o, o) for o in outs]
    return result[0] if single else result


def _check_batched(old, new):
    if getattr(old.type, "dtype", None) != getattr(new.type, "dtype", None):
        raise TypeError(f"vectorize_graph: cannot replace {old} ({old.type}) with {new} ({new.type}): dtypes differ")
    nd_old, nd_new = getattr(old.type, "ndim", 0), getattr(new.type, "ndim", 0)
    if nd_new < nd_old:
        raise ValueError(
            f"vectorize_graph: the replacement {new} ({new.type}) has fewer dimensions than {old} ({old.type}); "
            "batch dimensions are added on the left"
        )


def n_batch_dims(batched_inputs, node):
    return max((b.type.ndim - o.type.ndim for b, o in zip(batched_inputs, node.inputs)
                if hasattr(b.type, "ndim") and hasattr(o.type, "ndim")), default=0)


def blockwise_vectorize(op, node, batched_inputs):
    """Vectorize ``node`` by wrapping its Op in a ``Blockwise``."""
    from rewrax.symbolic.blockwise import Blockwise

    if n_batch_dims(batched_inputs, node) == 0:
        return op.make_node(*batched_inputs).outputs
    core_ndims = tuple(i.type.ndim for i in node.inputs)
    return Blockwise(op, core_ndims)(*batched_inputs, return_list=True)


default_vectorize = blockwise_vectorize
