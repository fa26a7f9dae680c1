"""E-class analyses: type and symbolic shape, constant value (folding), value range, checks.

Every class knows:

- ``type``: its TensorType (dtype, rank, static shape); two classes of different dtype or
  rank are never united (``RewriteTypeError``), static shapes are met.
- ``dims``: a symbolic shape, one entry per axis: an int >= 0 when known, else a negative
  symbol. Element-wise ops unify the symbols of their inputs' axes, because rewrax never
  broadcasts at run time a dimension that is not statically 1.
- ``const``: the value, when the class is constant (its e-nodes are folded with the Ops'
  NumPy references, and a constant e-node joins the class).
- ``lo``/``hi``: bounds on every entry, in real arithmetic (``exp(x) > 0`` even though
  floating point underflows), which domain-dependent rules use as guards.
- ``check``: some e-node of the class depends on a ``Check``; rules may not drop it.
"""

from __future__ import annotations

import math
import types

import numpy as np

from rewrax.symbolic.check import Check
from rewrax.symbolic.elemwise import DimShuffle, Elemwise
from rewrax.symbolic.reduce import Argmax, CumSum, LogSoftmax, LogSumExp, Max, Prod, Reduce, Softmax, Sum
from rewrax.symbolic.shape_ops import Alloc, Shape, SpecifyShape
from rewrax.symbolic.type import TensorType

#: the smallest positive number: ``lo = TINY`` says "strictly positive"
TINY = 5e-324
INF = math.inf
#: Ops never evaluated at rewrite time (side effects, randomness, inner graphs).
NEVER_FOLD: list = [Check]


def _never_fold(op) -> bool:
    from rewrax.symbolic.control import _InnerGraphOp
    from rewrax.symbolic.random.op import RandomVariable

    return isinstance(op, (RandomVariable, _InnerGraphOp, *NEVER_FOLD)) or not getattr(op, "has_perform", True)


# --------------------------------------------------------------------------------------------
# class initialisation, merging, propagation
# --------------------------------------------------------------------------------------------
def init_class(eg, cls, op, node):
    """Fill the analysis data of a class created for the e-node ``node``."""
    from rewrax.rewrites.egraph import ConstLeaf, Leaf

    children = [eg.classes[c] for c in node[1:]]
    kind = type(op)
    if kind is ConstLeaf:
        data = np.asarray(op.var.data)
        cls.const = data
        cls.dims = tuple(int(s) for s in data.shape)
        cls.lo, cls.hi = _value_range(data)
        return
    cls.dims = _dims(eg, op, children, cls.type)
    if kind is Leaf:
        cls.lo, cls.hi = _dtype_range(cls.type)
        return
    cls.check = kind is Check or any(c.check for c in children)
    cls.lo, cls.hi = node_range(eg, op, children, cls.type)
    value = fold(eg, op, children, cls)
    if value is not None:
        cls.const = value
        eg.union(cls.id, eg.add_const(value, cls.type))


def merge_data(eg, A, B):
    """Merge B's data into A; returns (A learnt something, B learnt something)."""
    ta, tb = A.type, B.type
    if isinstance(ta, TensorType):
        if not isinstance(tb, TensorType) or ta.dtype != tb.dtype or ta.ndim != tb.ndim:
            raise _type_error(A, B)
        if ta != tb:
            if not ta.is_compatible(tb):
                raise _type_error(A, B)
            A.type = TensorType(ta.dtype, [a if a is not None else b for a, b in zip(ta.shape, tb.shape)])
        for da, db in zip(A.dims, B.dims):
            if not eg.unify_dims(da, db):
                raise _type_error(A, B)
    elif ta != tb:
        raise _type_error(A, B)
    changed_a = changed_b = False
    if A.const is None and B.const is not None:
        A.const, changed_a = B.const, True
    elif B.const is None and A.const is not None:
        changed_b = True
    lo, hi = _meet(A.lo, A.hi, B.lo, B.hi)
    if lo > A.lo or hi < A.hi:
        changed_a = True
    if lo > B.lo or hi < B.hi:
        changed_b = True
    A.lo, A.hi = lo, hi
    if A.check != B.check:
        changed_a = changed_a or not A.check
        changed_b = changed_b or not B.check
        A.check = True
    return changed_a, changed_b


def _meet(lo1, hi1, lo2, hi2):
    """Both bounds hold: their intersection. Real-arithmetic facts (``exp(x) > 0``) can
    contradict folded floating-point constants (``exp(-800) == 0``); then neither is kept."""
    lo, hi = max(lo1, lo2), min(hi1, hi2)
    if lo > hi:
        return min(lo1, lo2), max(hi1, hi2)
    return lo, hi


def _type_error(A, B):
    from rewrax.rewrites.egraph import RewriteTypeError

    return RewriteTypeError(f"cannot unite e-class {A.id} of type {A.type} with e-class {B.id} of type {B.type}")


def propagate(eg, cls):
    """Re-analyse the parents of ``cls`` after its data changed."""
    for pnode, pcid in list(cls.parents):
        P = eg.classes.get(eg.find(pcid))
        if P is None:
            continue
        op = eg.ops[pnode[0]]
        children = [eg[c] for c in pnode[1:]]
        changed = False
        if not P.check and any(c.check for c in children):
            P.check = changed = True
        lo, hi = _meet(*node_range(eg, op, children, P.type), P.lo, P.hi)
        if lo > P.lo or hi < P.hi:
            P.lo, P.hi = lo, hi
            changed = True
        if P.const is None:
            value = fold(eg, op, children, P)
            if value is not None:
                P.const = value
                eg.union(P.id, eg.add_const(value, P.type))
                changed = True
        if changed:
            P.version += 1  # coded rules that declined on P's old facts answer again
            eg.analysis_pending.append(P.id)


# --------------------------------------------------------------------------------------------
# symbolic shapes
# --------------------------------------------------------------------------------------------
def _dims(eg, op, children, out_type):
    if not isinstance(out_type, TensorType):
        return ()
    kind = type(op)
    dims = None
    if kind is Elemwise:
        dims = _broadcast_dims(eg, [c.dims for c in children], out_type.ndim)
    elif kind is DimShuffle:
        src = children[0].dims
        dims = tuple(1 if d == "x" else src[d] for d in op.new_order)
    elif isinstance(op, Reduce) or kind is Argmax:
        src = children[0].dims
        axes = op.reduced(len(src)) if isinstance(op, Reduce) else (range(len(src)) if op.axis is None else (op.axis,))
        dims = tuple(d for i, d in enumerate(src) if i not in axes)
    elif kind in (Softmax, LogSoftmax, SpecifyShape) or isinstance(op, CumSum):
        dims = children[0].dims
    elif kind is Alloc:
        dims = tuple(_scalar_dim(eg, c) for c in children[1:])
    out = []
    for i, static in enumerate(out_type.shape):
        d = dims[i] if dims is not None and len(dims) == out_type.ndim else None
        if static is not None:
            if d is not None:
                eg.unify_dims(d, static)
            out.append(static)
        elif d is not None:
            out.append(eg.dim(d))
        else:
            out.append(eg.new_dim())
    return tuple(out)


def _broadcast_dims(eg, shapes, ndim):
    out = []
    for axis in range(ndim):
        found = None
        for dims in shapes:
            d = eg.dim(dims[axis])
            if d == 1:
                continue
            if found is None:
                found = d
            elif d != found:
                # both are the run-time size of this axis: no run-time broadcasting
                if not eg.unify_dims(found, d):
                    return None
                found = eg.dim(found)
        out.append(1 if found is None else found)
    return tuple(out)


def _scalar_dim(eg, cls):
    if cls.const is not None and np.ndim(cls.const) == 0:
        return int(cls.const)
    table = eg.__dict__.setdefault("_scalar_dims", {})
    key = cls.id
    if key not in table:
        table[key] = eg.new_dim()
    return table[key]


# --------------------------------------------------------------------------------------------
# constant folding
# --------------------------------------------------------------------------------------------
def fold(eg, op, children, cls):
    """The value of ``op`` on constant children, or None (not all constant, or not foldable)."""
    if type(op) is Shape:
        dims = tuple(eg.dim(d) for d in children[0].dims)
        if all(d >= 0 for d in dims):
            return np.array(dims, dtype="int64")
        return None
    if not children or any(c.const is None for c in children):
        return None
    if _never_fold(op) or not isinstance(cls.type, TensorType) or type(op).__name__ in ("Leaf", "ConstLeaf", "OutputOf"):
        return None
    static = cls.type.shape
    biggest = max(np.size(c.const) for c in children)
    if None not in static and int(np.prod(static)) > max(eg.fold_limit, biggest):
        return None
    from rewrax.symbolic.basic import TensorConstant

    fake = types.SimpleNamespace(
        inputs=[TensorConstant(c.type, c.const) if isinstance(c.type, TensorType) else c.type.make_variable() for c in children],
        outputs=[cls.type.make_variable()],
    )
    try:
        with np.errstate(all="ignore"):
            value = op.perform(fake, [c.const for c in children])[0]
    except Exception:  # an Op whose reference refuses these values: leave it to run time
        return None
    value = np.asarray(value, dtype=cls.type.dtype)
    if value.ndim != cls.type.ndim or any(s is not None and s != v for s, v in zip(static, value.shape)):
        return None
    if value.size > max(eg.fold_limit, biggest):
        return None
    return value


# --------------------------------------------------------------------------------------------
# value ranges
# --------------------------------------------------------------------------------------------
def _value_range(data):
    if data.size == 0 or data.dtype.kind not in "biuf":
        return -INF, INF
    with np.errstate(invalid="ignore"):
        if data.dtype.kind == "f" and np.isnan(data).any():
            return -INF, INF
        return float(np.min(data)), float(np.max(data))


def _dtype_range(t):
    dtype = getattr(t, "dtype", None)
    if dtype == "bool":
        return 0.0, 1.0
    if dtype is not None and dtype.startswith("uint"):
        return 0.0, INF
    return -INF, INF


def _merge_hull(ranges):
    return min(r[0] for r in ranges), max(r[1] for r in ranges)


def _add(rs):
    return sum(r[0] for r in rs), sum(r[1] for r in rs)


def _mul2(a, b):
    products = []
    for x in a:
        for y in b:
            if (x == 0 and math.isinf(y)) or (y == 0 and math.isinf(x)):
                products.append(0.0)
            else:
                products.append(x * y)
    lo, hi = min(products), max(products)
    # the product of two numbers of one strict sign is > 0 even where it underflows
    if (a[0] > 0 and b[0] > 0) or (a[1] < 0 and b[1] < 0):
        lo = _positive_lo(lo)
    return lo, hi


def _mul(rs):
    out = rs[0]
    for r in rs[1:]:
        out = _mul2(out, r)
    return out


def _positive_lo(lo):
    return TINY if lo <= 0 else lo


def _exp_range(r):
    lo = math.exp(r[0]) if r[0] < 700 else INF
    hi = math.exp(r[1]) if r[1] < 700 else INF
    return _positive_lo(lo), hi


def _log_range(r):
    if r[1] <= 0:
        return -INF, INF
    if r[0] <= 0:
        return -INF, (math.log(r[1]) if 0 < r[1] < INF else INF)
    return math.log(r[0]), (math.log(r[1]) if r[1] < INF else INF)


def _sqrt_range(r):
    if r[0] > 0:
        return _positive_lo(math.sqrt(r[0])), (math.sqrt(r[1]) if r[1] < INF else INF)
    return 0.0, (math.sqrt(r[1]) if 0 <= r[1] < INF else INF)


def _sqr_range(r):
    lo, hi = r
    if lo >= 0:
        return (_positive_lo(lo * lo) if lo > 0 else 0.0), hi * hi
    if hi <= 0:
        return (_positive_lo(hi * hi) if hi < 0 else 0.0), lo * lo
    return 0.0, max(lo * lo, hi * hi)


def _abs_range(r):
    lo, hi = r
    if lo >= 0:
        return lo, hi
    if hi <= 0:
        return -hi, -lo
    return 0.0, max(-lo, hi)


def _div_range(a, b):
    if b[0] > 0 or b[1] < 0:
        inv = (1.0 / b[1] if b[1] not in (0.0,) and not math.isinf(b[1]) else 0.0,
               1.0 / b[0] if b[0] not in (0.0,) and not math.isinf(b[0]) else 0.0)
        inv = (min(inv), max(inv))
        if b[0] > 0:
            inv = (_positive_lo(inv[0]), inv[1] if inv[1] > 0 else INF)
        else:
            inv = (inv[0] if inv[0] < 0 else -INF, -TINY if inv[1] >= 0 else inv[1])
        return _mul2(a, inv)
    return -INF, INF


def _pow_range(a, b, b_const):
    if a[0] > 0:
        return TINY, INF
    if b_const is not None and np.size(b_const) and np.all(np.mod(b_const, 2) == 0):
        return 0.0, INF
    if a[0] >= 0:
        return 0.0, INF
    return -INF, INF


_UNARY = {
    "neg": lambda r: (-r[1], -r[0]),
    "exp": _exp_range,
    "exp2": lambda r: (TINY, INF),
    "expm1": lambda r: (max(-1.0, r[0]) if r[0] > -INF else -1.0, INF if r[1] > 700 else math.expm1(r[1])),
    "log": _log_range,
    "log1p": lambda r: (-INF, INF) if r[1] <= -1 else (-INF if r[0] <= -1 else math.log1p(r[0]),
                                                       INF if r[1] == INF else math.log1p(r[1])),
    "sqrt": _sqrt_range,
    "sqr": _sqr_range,
    "abs": _abs_range,
    "softplus": lambda r: (TINY, INF),
    "sigmoid": lambda r: (TINY, 1.0),
    "erf": lambda r: (-1.0, 1.0),
    "erfc": lambda r: (0.0 if r[1] == INF else TINY, 2.0),
    "erfcx": lambda r: (TINY, INF),
    "cosh": lambda r: (1.0, INF),
    "tanh": lambda r: (-1.0, 1.0),
    "sin": lambda r: (-1.0, 1.0),
    "cos": lambda r: (-1.0, 1.0),
    "arctan": lambda r: (-math.pi / 2, math.pi / 2),
    "i0e": lambda r: (TINY, 1.0),
    "log1mexp": lambda r: (-INF, 0.0),
    "log_ndtr": lambda r: (-INF, 0.0),
    "gammainc": lambda r: (0.0, 1.0),
    "gammaincc": lambda r: (0.0, 1.0),
    "betainc": lambda r: (0.0, 1.0),
    "reciprocal": lambda r: _div_range((1.0, 1.0), r),
    "floor": lambda r: (math.floor(r[0]) if r[0] > -INF else -INF, math.floor(r[1]) if r[1] < INF else INF),
    "ceil": lambda r: (math.ceil(r[0]) if r[0] > -INF else -INF, math.ceil(r[1]) if r[1] < INF else INF),
    "identity": lambda r: r,
}


def _elemwise_range(eg, op, children):
    name = op.scalar_op.name
    rs = [(c.lo, c.hi) for c in children]
    if name in _UNARY:
        return _UNARY[name](rs[0])
    if name.startswith("cast_"):
        return rs[0] if op.scalar_op.dtype.startswith("float") else (-INF, INF)
    if name == "add":
        return _add(rs)
    if name == "sub":
        return rs[0][0] - rs[1][1], rs[0][1] - rs[1][0]
    if name == "mul":
        return _mul(rs)
    if name == "true_div":
        return _div_range(rs[0], rs[1])
    if name == "pow":
        return _pow_range(rs[0], rs[1], children[1].const)
    if name in ("maximum", "minimum"):
        f = max if name == "maximum" else min
        return f(r[0] for r in rs), f(r[1] for r in rs)
    if name == "second":
        return rs[1]
    if name == "switch":
        return _merge_hull(rs[1:])
    if name == "clip":
        return max(rs[0][0], rs[1][0]), min(rs[0][1], rs[2][1])
    if name in ("eq", "neq", "lt", "le", "gt", "ge", "isnan", "isinf", "isfinite"):
        return 0.0, 1.0
    return -INF, INF


def node_range(eg, op, children, out_type):
    """Bounds on the entries of ``op(children)``."""
    lo, hi = _dtype_range(out_type)
    kind = type(op)
    if kind is Elemwise:
        try:
            r = _elemwise_range(eg, op, children)
        except (ValueError, OverflowError, ZeroDivisionError):  # outside the function's domain
            r = (-INF, INF)
    elif kind in (DimShuffle, SpecifyShape, Max) or kind.__name__ in ("Min", "Subtensor", "Reshape", "Sort"):
        r = (children[0].lo, children[0].hi)
    elif kind is Alloc or kind.__name__ == "Join":
        r = _merge_hull([(c.lo, c.hi) for c in (children[:1] if kind is Alloc else children)])
    elif kind is Sum:
        r = (0.0, INF) if children[0].lo >= 0 else ((-INF, 0.0) if children[0].hi <= 0 else (-INF, INF))
    elif kind is Prod:
        r = (TINY, INF) if children[0].lo > 0 else ((0.0, INF) if children[0].lo >= 0 else (-INF, INF))
    elif kind is LogSumExp:
        r = (children[0].lo, INF)
    elif kind is Softmax:
        r = (0.0, 1.0)
    elif kind is LogSoftmax:
        r = (-INF, 0.0)
    elif kind is Shape:
        r = (0.0, INF)
    else:
        r = (-INF, INF)
    return max(lo, r[0]), min(hi, r[1])
