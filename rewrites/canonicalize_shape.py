"""Canonicalize rules on shapes, indexing and reductions.

Useless reshapes, transposes, expand_dims/squeeze, casts, allocs and shape specifications
go away; indexing moves below element-wise ops, ``ExpandDims`` and ``Alloc``
("scalarization": ``log(1 + X)[0, 1] -> log(1 + X[0, 1])``); reductions absorb constant
factors (``sum(c * x) -> c * sum(x)``) and each other (``sum(sum(x, 0)) -> sum(x)``).
"""

from __future__ import annotations

import numpy as np

import rewrax.symbolic as pt
from rewrax.rewrites.rulesets import rule, rules
from rewrax.symbolic.elemwise import DimShuffle
from rewrax.symbolic.math import ELEMWISE
from rewrax.symbolic.shape_ops import Reshape
from rewrax.symbolic.subtensor import Subtensor, _is_slice, split_index_inputs
from rewrax.symbolic.type import TensorType

_FULL = ("s", False, False, False)
DECLARATIVE = [
    # alloc broadcasts at run time (a dimension of unknown size may be 1): same shape only
    "alloc_useless:       Alloc(?x, ...) -> ?x if same_shape_as_root(?x)",
    "reduce_rank_zero:    Reduce(?x) -> ?x if rank0(?x)",
]


# --------------------------------------------------------------------------------------------
# dimshuffle, reshape, cast, specify_shape
# --------------------------------------------------------------------------------------------
def _dimshuffle_identity(m):
    """``DimShuffle{identity}(x) -> x``."""
    op = m.op()
    if list(op.new_order) == list(range(op.input_ndim)):
        return m.x
    return None


def _dimshuffle_merge(m):
    """``DimShuffle(DimShuffle(x))`` -> one DimShuffle (or ``x``)."""
    inner, outer = m.op("inner"), m.op()
    order = tuple("x" if d == "x" else inner.new_order[d] for d in outer.new_order)
    if list(order) == list(range(inner.input_ndim)):
        return m.x
    return DimShuffle(inner.input_ndim, order)(m.x)


def _reshape_useless(m):
    """``reshape(x, s) -> x`` where the new shape is ``x``'s (symbolically)."""
    if m.dims() == m.dims("x") and all(d >= 0 for d in m.dims()):
        return m.x
    return None


def _reshape_reshape(m):
    """``reshape(reshape(x, s1), s2) -> reshape(x, s2)``."""
    return Reshape(m.op().ndim)(m.x, m.s)


def _specify_shape_useless(m):
    """``specify_shape(x, s) -> x`` where ``x``'s static type already says ``s``."""
    if m.cls("x").type == m.type:
        return m.x
    return None


def _cast_cast(m):
    """``cast(cast(x, a), b) -> cast(x, b)`` when the inner cast loses nothing."""
    src = m.cls("x").type.dtype
    mid = m.op("inner").scalar_op.dtype
    if not np.can_cast(src, mid, "safe"):
        return None
    target = m.op().scalar_op.dtype
    return m.x if src == target else pt.cast(m.x, target)


# --------------------------------------------------------------------------------------------
# indexing ("scalarization")
# --------------------------------------------------------------------------------------------
def _basic_entries(m):
    """(pattern padded to full rank, index-input groups) of a basic Subtensor root, or None."""
    op = m.op()
    if type(op) is not Subtensor:
        return None
    x_ndim = m.eg[m.node[1]].type.ndim
    pattern = list(op.pattern) + [_FULL] * (x_ndim - len(op.pattern))
    groups = split_index_inputs(op.pattern, m.inputs()[1:]) + [(None, None, None)] * (x_ndim - len(op.pattern))
    return pattern, groups


def _index(x, pattern, groups):
    """``x`` indexed by (pattern, groups); ``x`` itself when every entry is a full slice."""
    while pattern and pattern[-1] == _FULL:
        pattern, groups = pattern[:-1], groups[:-1]
    if not pattern:
        return x
    flat = []
    for entry, g in zip(pattern, groups):
        flat.extend([p for p in g if p is not None] if _is_slice(entry) else [g])
    return Subtensor(tuple(pattern))(x, *flat)


def _zero():
    return pt.constant(np.int64(0))


def _lift_elemwise(m):
    """``f(a, b)[idx] -> f(a[idx], b[idx])``; broadcast axes of an input are indexed at 0."""
    parsed = _basic_entries(m)
    if parsed is None:
        return None
    pattern, groups = parsed
    out_shape = m.eg[m.node[1]].type.shape
    new_inputs = []
    for inp in m.inputs("e"):
        pat, grp = [], []
        for axis, (entry, g) in enumerate(zip(pattern, groups)):
            broadcast = inp.type.shape[axis] == 1 and out_shape[axis] != 1
            if broadcast and entry == "i":
                pat.append("i"), grp.append(_zero())
            elif broadcast:
                pat.append(_FULL), grp.append((None, None, None))
            else:
                pat.append(entry), grp.append(g)
        new_inputs.append(_index(inp, pat, grp))
    return m.op("e")(*new_inputs)


def _lift_expand_dims(m):
    """``expand_dims(x)[idx] -> expand_dims(x[idx'])`` for int or full-slice entries on new axes."""
    parsed = _basic_entries(m)
    ds = m.op("d")
    if parsed is None or ds.drop or list(ds.transposition) != sorted(ds.transposition):
        return None
    pattern, groups = parsed
    x_pat, x_grp, order, k = [], [], [], 0
    for d, entry, g in zip(ds.new_order, pattern, groups):
        if d == "x":
            if entry == "i":
                continue
            if entry != _FULL:
                return None
            order.append("x")
            continue
        x_pat.append(entry)
        x_grp.append(g)
        if entry != "i":
            order.append(k)
            k += 1
    inner = _index(m.y, x_pat, x_grp)
    if order == list(range(inner.type.ndim)):
        return inner
    return DimShuffle(inner.type.ndim, order)(inner)


def _lift_alloc(m):
    """``alloc(v, *shape)[i, j, ...] -> v[...]`` when every axis is indexed by an integer."""
    parsed = _basic_entries(m)
    if parsed is None or any(e != "i" for e in parsed[0]):
        return None
    pattern, groups = parsed
    v = m.inputs("a")[0]
    lead = len(pattern) - v.type.ndim
    pat, grp = [], []
    for axis in range(v.type.ndim):
        if v.type.shape[axis] == 1:
            pat.append("i"), grp.append(_zero())
        else:
            pat.append("i"), grp.append(groups[lead + axis])
    return _index(v, pat, grp)


def _subtensor_full(m):
    """``x[:] -> x`` (kept in user graphs so that ``set_subtensor(x[:], y)`` works)."""
    return m.x


def _index_make_vector(m):
    """``make_vector(a, b, c)[1] -> b`` for a constant index."""
    op = m.op()
    if type(op) is not Subtensor or op.pattern != ("i",):
        return None
    i = m.const("i")
    n = len(m.subst["v"]) - 1
    if i is None or not -n <= int(i) < n:
        return None
    return m.inputs("v")[int(i)]


def _shape_entry(m):
    """``shape(x)[i] -> n`` where axis ``i`` of ``x`` is known."""
    op = m.op()
    i = m.const("i")
    if type(op) is not Subtensor or op.pattern != ("i",) or i is None:
        return None
    dims = m.eg.dims(m.subst["s"][1])
    d = dims[int(i)]
    return pt.constant(np.int64(d)) if d >= 0 else None


# --------------------------------------------------------------------------------------------
# reductions
# --------------------------------------------------------------------------------------------
def _reduced(op, ndim):
    return tuple(range(ndim)) if op.axes is None else op.axes


def _drop_axes(var, axes):
    """``var`` without its (static size 1) ``axes``; None if some of them is not size 1."""
    if any(var.type.shape[a] != 1 for a in axes):
        return None
    if not axes:
        return var
    return DimShuffle(var.type.ndim, [i for i in range(var.type.ndim) if i not in axes])(var)


def _sum_mul(m):
    """``sum(c * x) -> c * sum(x)`` for all factors ``c`` constant along the summed axes."""
    factors = m.inputs("f")
    axes = _reduced(m.op(), factors[0].type.ndim)
    pulled, kept = [], []
    for f in factors:
        c = _drop_axes(f, axes) if isinstance(f.type, TensorType) else None
        (kept if c is None else pulled).append(f if c is None else c)
    if not pulled or not kept:
        return None
    inner = kept[0] if len(kept) == 1 else pt.mul(*kept)
    return pt.mul(*pulled, type(m.op())(m.op().axes)(inner))


def _sum_div(m):
    """``sum(x / c) -> sum(x) / c`` where ``c`` is constant along the summed axes."""
    axes = _reduced(m.op(), m.eg[m.node[1]].type.ndim)
    c = _drop_axes(m.c, axes)
    return None if c is None else pt.true_div(type(m.op())(m.op().axes)(m.x), c)


def _sum_neg(m):
    """``sum(-x) -> -sum(x)``."""
    return pt.neg(type(m.op())(m.op().axes)(m.x))


def _reduce_reduce(m):
    """``sum(sum(x, axis=1), axis=0) -> sum(x, axis=(0, 1))`` (same for prod, max, min)."""
    outer, inner = m.op(), m.op("inner")
    if type(outer) is not type(inner):
        return None
    ndim = m.cls("x").type.ndim
    first = _reduced(inner, ndim)
    kept = [a for a in range(ndim) if a not in first]
    second = [kept[a] for a in _reduced(outer, len(kept))]
    axes = tuple(sorted(set(first) | set(second)))
    return type(outer)(None if len(axes) == ndim else axes)(m.x)


def _sum_of_fill(m):
    """``sum(second(a, b)) -> b * n`` where ``b`` is constant along the summed axes."""
    op = m.op()
    fill_cls = m.eg[m.node[1]]
    axes = _reduced(op, fill_cls.type.ndim)
    dims = [m.eg.dim(fill_cls.dims[a]) for a in axes]
    if any(d < 0 for d in dims):
        return None
    b = _drop_axes(m.b, axes)
    if b is None:
        return None
    count = int(np.prod(dims)) if dims else 1
    dtype = m.type.dtype
    return pt.mul(pt.cast(b, dtype), pt.constant(np.asarray(count, dtype=dtype)))


def _sum_expand_dims(m):
    """``sum(expand_dims(x, 0), axis=0) -> x``: summing over new axes of size 1."""
    op, ds = m.op(), m.op("d")
    if ds.drop or list(ds.transposition) != sorted(ds.transposition):
        return None
    axes = _reduced(op, len(ds.new_order))
    new_axes = [a for a in axes if ds.new_order[a] == "x"]
    if not new_axes:
        return None
    keep_order = [d for i, d in enumerate(ds.new_order) if i not in new_axes]
    rest = [a for a in axes if a not in new_axes]
    remap = {old: new for new, old in enumerate(i for i in range(len(ds.new_order)) if i not in new_axes)}
    inner = m.x if keep_order == list(range(ds.input_ndim)) else DimShuffle(ds.input_ndim, keep_order)(m.x)
    if not rest:
        return pt.cast(inner, m.type.dtype) if inner.type.dtype != m.type.dtype else inner
    return type(op)(tuple(remap[a] for a in rest))(inner)


def _has_constant_factor(eg, cid, node):
    """Some factor of a summed product is constant along the summed axes (and some is not)."""
    op, child = eg.ops[node[0]], eg.classes[node[1]]
    axes = _reduced(op, child.type.ndim)
    mul_id = eg.intern(ELEMWISE["mul"])
    for n in child.nodes:
        if n[0] == mul_id:
            flags = [all(eg.classes[f].type.shape[a] == 1 for a in axes) for f in n[1:]]
            if any(flags) and not all(flags):
                return True
    return False


CODE = [
    rule("dimshuffle_identity", "DimShuffle(?x)", _dimshuffle_identity,
         when=lambda eg, cid, node: eg.ops[node[0]].new_order == tuple(range(eg.ops[node[0]].input_ndim))),
    rule("dimshuffle_merge", "DimShuffle(DimShuffle:inner(?x))", _dimshuffle_merge),
    rule("reshape_useless", "Reshape(?x, ?s)", _reshape_useless),
    rule("reshape_reshape", "Reshape(Reshape(?x, ?s0), ?s)", _reshape_reshape),
    rule("specify_shape_useless", "SpecifyShape(?x)", _specify_shape_useless),
    rule("cast_cast", "cast(cast:inner(?x))", _cast_cast),
    rule("subtensor_full", "Subtensor(?x)", _subtensor_full,
         when=lambda eg, cid, node: all(e == _FULL for e in eg.ops[node[0]].pattern)),
    rule("subtensor_lift_elemwise", "Subtensor(Elemwise:e, ...)", _lift_elemwise),
    rule("subtensor_lift_expand_dims", "Subtensor(DimShuffle:d(?y), ...)", _lift_expand_dims),
    rule("subtensor_lift_alloc", "Subtensor(Alloc:a, ...)", _lift_alloc),
    rule("subtensor_make_vector", "Subtensor(MakeVector:v, ?i)", _index_make_vector),
    rule("subtensor_shape", "Subtensor(Shape:s, ?i)", _shape_entry),
    rule("sum_mul", "Sum(mul:f)", _sum_mul, when=_has_constant_factor),
    rule("sum_div", "Sum(true_div(?x, ?c))", _sum_div),
    rule("sum_neg", "Sum(neg(?x))", _sum_neg),
    rule("sum_of_fill", "Sum(second(?a, ?b))", _sum_of_fill),
    rule("sum_expand_dims", "Sum(DimShuffle:d(?x))", _sum_expand_dims),
    rule("reduce_reduce", "Reduce(Reduce:inner(?x))", _reduce_reduce),
]

SHAPE_RULES = rules("canonicalize", DECLARATIVE + CODE)
