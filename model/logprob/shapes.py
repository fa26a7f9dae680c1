"""Shapes of random variables computed from their parameters, never from their draws.

``pt.shape(rv)`` would put the random variable itself into a log-density graph; these
helpers read the static shape where it is known and otherwise build the shape from the
node's ``size`` input and its parameters' shapes.
"""

from __future__ import annotations

import rewrax.symbolic as pt
from rewrax.symbolic.elemwise import DimShuffle, Elemwise
from rewrax.symbolic.random.op import RandomVariable
from rewrax.symbolic.shape_ops import Join, _shape_entries


def _max_dim(a, b):
    if isinstance(a, int) and a == 1:
        return b
    if isinstance(b, int) and b == 1:
        return a
    if isinstance(a, int):
        return a
    if isinstance(b, int):
        return b
    return pt.maximum(a, b)


def broadcast_entries(shapes):
    """Broadcast shapes given as tuples of ints / scalar variables (aligned on the right)."""
    nd = max((len(s) for s in shapes), default=0)
    out = [1] * nd
    for s in shapes:
        s = (1,) * (nd - len(s)) + tuple(s)
        out = [_max_dim(a, b) for a, b in zip(out, s)]
    return tuple(out)


def rv_shape(node) -> tuple:
    """Shape of the draw of the RandomVariable ``node`` (ints where static)."""
    op = node.op
    static = node.outputs[1].type.shape
    if None not in static:
        return tuple(static)
    size, params = node.inputs[1], op.dist_params(node)
    n = size.type.shape[0]
    if n:
        entries = list(_shape_entries(size, n))
        batch = tuple(e if e is not None else size[k] for k, e in enumerate(entries))
    else:
        batch = broadcast_entries([infer_shape(p)[: p.type.ndim - nd] for p, nd in zip(params, op.ndims_params)])
    supp = tuple(op.support_shape(params))
    nb = len(static) - len(supp)
    full = tuple(batch) + supp
    return tuple(s if s is not None else (full[k] if full[k] is not None else _core_dim(node, k - nb))
                 for k, s in enumerate(static))


def _core_dim(node, k):
    # a support dimension of unknown static size: the size of the matching parameter dimension
    from rewrax.symbolic.blockwise import parse_signature

    source = getattr(node.op, "support_dim_source", None)  # (param, axis, offset): time series' lengths
    if source is not None and source(k) is not None:
        param, axis, offset = source(k)
        return infer_shape(node.op.dist_params(node)[param])[axis] + offset
    ins, outs = parse_signature(node.op.signature)
    letter = outs[0][k]
    for p, letters in zip(node.op.dist_params(node), ins):
        if letter in letters:
            return infer_shape(p)[p.type.ndim - len(letters) + letters.index(letter)]
    raise ValueError(f"cannot infer the support size of {node.op}")


def infer_shape(var) -> tuple:
    """Shape of ``var`` as ints / scalar variables, avoiding ``Shape`` of random draws."""
    static = var.type.shape
    if None not in static:
        return tuple(static)
    owner = var.owner
    if owner is not None and isinstance(owner.op, RandomVariable) and var is owner.outputs[1]:
        return rv_shape(owner)
    if owner is not None and isinstance(owner.op, Elemwise):
        inferred = broadcast_entries([infer_shape(i) for i in owner.inputs])
        return tuple(s if s is not None else inferred[k] for k, s in enumerate(static))
    if owner is not None and isinstance(owner.op, DimShuffle):
        inner = infer_shape(owner.inputs[0])
        return tuple(1 if d == "x" else inner[d] for d in owner.op.new_order)
    if owner is not None and isinstance(owner.op, Join):
        parts = [infer_shape(i) for i in owner.inputs]
        axis = owner.op.axis
        total = parts[0][axis]
        for p in parts[1:]:
            total = total + p[axis]
        return tuple(total if k == axis else parts[0][k] for k in range(len(static)))
    sym = pt.shape(var)
    return tuple(s if s is not None else sym[k] for k, s in enumerate(static))


def broadcast_to_shape(x, shape):
    """``x`` broadcast to ``shape`` (no node when it already has it)."""
    x = pt.as_tensor_variable(x)
    if x.type.ndim == len(shape) and all(isinstance(s, int) and s == d for s, d in zip(shape, x.type.shape)):
        return x
    return pt.broadcast_to(x, tuple(shape))
