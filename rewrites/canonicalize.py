"""The canonicalize database: algebraic simplification of element-wise arithmetic.

Constant folding is an e-class analysis (``analysis.fold``), so it happens in every
database. The rules below simplify: neutral and absorbing elements, cancellations of
products and quotients, neg/sub normal forms, powers, exp/log pairs, flattening and
constant merging of add/mul chains, and constants taking the computation's dtype. Shape
and indexing rules live in ``canonicalize_shape.py``.
"""

from __future__ import annotations

import numpy as np

import rewrax.symbolic as pt
from rewrax.rewrites.analysis import TINY
from rewrax.rewrites.canonicalize_shape import SHAPE_RULES
from rewrax.rewrites.rulesets import rule, rules
from rewrax.symbolic.elemwise import Elemwise
from rewrax.symbolic.math import ELEMWISE

ARITHMETIC = [
    # neutral elements (the engine refuses a result whose type or broadcasting differs)
    "add_zero:            add(0, ?x...) -> ?x",
    "mul_one:             mul(1, ?x...) -> ?x",
    "sub_zero:            sub(?x, 0) -> ?x",
    "zero_sub:            sub(0, ?x) -> neg(?x)",
    "div_one:             true_div(?x, 1) -> ?x",
    "pow_one:             pow(?x, 1) -> ?x",
    "pow_zero:            pow(?x, 0) -> ones_like(?x)",
    "maximum_self:        maximum(?x, ?x) -> ?x",
    "minimum_self:        minimum(?x, ?x) -> ?x",
    # cancellations
    "sub_self:            sub(?x, ?x) -> zeros_like(?x)",
    "add_neg_self:        add(?x, neg(?x)) -> zeros_like(?x)",
    "div_self:            true_div(?x, ?x) -> second(?x, 1.0)",
    "neg_neg:             neg(neg(?x)) -> ?x",
    "mul_div_cancel:      mul(?b, true_div(?a, ?b)) -> ?a",
    "div_mul_cancel:      true_div(mul(?a, ?b), ?b) -> ?a",
    "div_div_cancel:      true_div(?a, true_div(?a, ?b)) -> ?b",
    "sub_add_cancel:      sub(add(?a, ?b), ?b) -> ?a",
    "add_sub_cancel:      add(sub(?a, ?b), ?b) -> ?a",
    "sub_sub_cancel:      sub(?a, sub(?a, ?b)) -> ?b",
    "reciprocal_twice:    reciprocal(reciprocal(?x)) -> ?x",
    "mul_reciprocal_self: mul(?x, reciprocal(?x)) -> second(?x, 1.0)",
    # neg / sub / reciprocal normal forms
    "neg_sub:             neg(sub(?a, ?b)) -> sub(?b, ?a)",
    "sub_neg:             sub(?a, neg(?b)) -> add(?a, ?b)",
    "add_neg:             add(?a, neg(?b)) -> sub(?a, ?b)",
    "neg_sub_neg:         sub(neg(?a), ?b) -> neg(add(?a, ?b))",
    "mul_neg_neg:         mul(neg(?a), neg(?b)) -> mul(?a, ?b)",
    "mul_neg:             mul(neg(?a), ?b...) -> neg(mul(?a, ?b))",
    "div_neg_num:         true_div(neg(?a), ?b) -> neg(true_div(?a, ?b))",
    "div_neg_den:         true_div(?a, neg(?b)) -> neg(true_div(?a, ?b))",
    "mul_reciprocal:      mul(?a, reciprocal(?b)) -> true_div(?a, ?b)",
    "div_reciprocal:      true_div(?a, reciprocal(?b)) -> mul(?a, ?b)",
    "div_div_num:         true_div(true_div(?a, ?b), ?c) -> true_div(?a, mul(?b, ?c))",
    "add_self:            add(?x, ?x) -> mul(2, ?x)",
    "mul_constants:       mul(%c, mul(%d, ?x)) -> mul(mul(?c, ?d), ?x)",
    "add_constants:       add(%c, add(%d, ?x)) -> add(add(?c, ?d), ?x)",
    # powers and roots
    "pow_pow_nonneg:      pow(pow(?x, ?a), ?b) -> pow(?x, mul(?a, ?b)) if nonneg(?x)",
    "pow_pow_integer:     pow(pow(?x, %a), %b) -> pow(?x, mul(?a, ?b)) if integer_const(?a), integer_const(?b)",
    "sqrt_sqr:            sqrt(sqr(?x)) -> abs(?x)",
    "sqrt_pow_two:        sqrt(pow(?x, 2)) -> abs(?x)",
    "sqr_sqrt:            sqr(sqrt(?x)) -> ?x if nonneg(?x)",
    "pow_two_sqrt:        pow(sqrt(?x), 2) -> ?x if nonneg(?x)",
    "sqr_neg:             sqr(neg(?x)) -> sqr(?x)",
    "sqr_abs:             sqr(abs(?x)) -> sqr(?x)",
    "abs_abs:             abs(abs(?x)) -> abs(?x)",
    "abs_neg:             abs(neg(?x)) -> abs(?x)",
    "abs_nonneg:          abs(?x) -> ?x if nonneg(?x)",
    # exponentials and logarithms
    "log_exp:             log(exp(?x)) -> ?x",
    "exp_log:             exp(log(?x)) -> ?x if nonneg(?x)",
    "exp_mul:             mul(exp(?a), exp(?b)) -> exp(add(?a, ?b))",
    "exp_div:             true_div(exp(?a), exp(?b)) -> exp(sub(?a, ?b))",
    "exp_reciprocal:      reciprocal(exp(?x)) -> exp(neg(?x))",
    "pow_exp:             pow(exp(?x), ?k) -> exp(mul(?k, ?x))",
    "log1p_expm1:         log1p(expm1(?x)) -> ?x",
    "expm1_log1p:         expm1(log1p(?x)) -> ?x",
    "logit_sigmoid:       logit(sigmoid(?x)) -> ?x",
    "sigmoid_logit:       sigmoid(logit(?x)) -> ?x",
    # selection and logic
    "switch_same:         switch(?c, ?x, ?x) -> ?x",
    "switch_true:         switch(1, ?a, ?b) -> ?a",
    "switch_false:        switch(0, ?a, ?b) -> ?b",
    "switch_invert:       switch(invert(?c), ?a, ?b) -> switch(?c, ?b, ?a)",
    "invert_invert:       invert(invert(?x)) -> ?x",
    "and_true:            and_(1, ?x) -> ?x",
    "or_false:            or_(0, ?x) -> ?x",
    "and_self:            and_(?x, ?x) -> ?x",
    "or_self:             or_(?x, ?x) -> ?x",
    "second_value:        second(?a, ?b) -> ?b",
]


# --------------------------------------------------------------------------------------------
# rules that need code
# --------------------------------------------------------------------------------------------
def _adopt_constant_dtype(m):
    """``add([1] int8, x float64) -> add([1.] float64, x)``: constants take the result's dtype."""
    classes = m.input_classes()
    out_dtype = getattr(m.type, "dtype", None)
    if not any(c.const is not None and c.type.dtype != out_dtype for c in classes):
        return None
    op = m.op()
    if op.scalar_op.out not in ("upcast", "float") or np.dtype(out_dtype).kind not in "fc":
        return None
    inputs, changed = [], False
    for cls in classes:
        var = m.eg.placeholder(cls.id)
        c = cls.const
        if c is not None and cls.type.dtype != out_dtype:
            cast = c.astype(out_dtype)
            with np.errstate(invalid="ignore"):
                lossless = np.array_equal(cast.astype(c.dtype), c, equal_nan=c.dtype.kind == "f")
            if lossless:
                var, changed = pt.constant(cast), True
        inputs.append(var)
    if not changed:
        return None
    out = op(*inputs)
    return out if out.type.dtype == out_dtype else None


def _first_node(eg, cid, op_id):
    """The oldest e-node of class ``cid`` if it applies ``op_id`` (the input graph's own), or None."""
    order = eg.order
    best = min(eg.classes[eg.find(cid)].nodes, key=lambda n: order.get(n, 1 << 60))
    return best if best[0] == op_id else None


def _flatten_chain(m):
    """``add(add(a, b), c) -> add(a, b, c)``, done once at the top of a chain."""
    eg, node = m.eg, m.node
    op_id = node[0]
    root = eg.find(m.cid)
    if node != _first_node(eg, root, op_id):
        return None  # flatten from the input graph's own node only, once
    for pnode, _ in m.cls().parents:
        if pnode[0] == op_id:
            return None  # not the top of the chain: the top one flattens everything
    dtype = m.type.dtype
    leaves, stack, expanded = [], list(reversed(node[1:])), {root}
    while stack and len(leaves) < 10_000:
        c = eg.find(stack.pop())
        inner = None if c in expanded else _first_node(eg, c, op_id)
        if inner is not None and eg[c].type.dtype == dtype:
            expanded.add(c)
            stack.extend(reversed(inner[1:]))
        else:
            leaves.append(c)
    if len(expanded) == 1 or stack:
        return None
    return m.op()(*[eg.placeholder(c) for c in leaves])


def _merge_constants(m):
    """``add(x, 1, 2) -> add(x, 3)``: constants of a flat add/mul chain folded into one."""
    consts = [c for c in m.input_classes() if c.const is not None]
    if len(consts) < 2 or len(consts) == len(m.node) - 1:
        return None
    fold = np.add if m.op().scalar_op.name == "add" else np.multiply
    value = consts[0].const
    for c in consts[1:]:
        value = fold(value, c.const)
    others = [m.eg.placeholder(c.id) for c in m.input_classes() if c.const is None]
    dtype = np.result_type(*[c.const.dtype for c in consts])
    return m.op()(*others, pt.constant(np.asarray(value, dtype=dtype)))


def _sink_second(m):
    """``f(second(a, b), c) -> f(b, c)`` where ``c`` already gives the result its shape."""
    eg = m.eg
    if m.op().scalar_op.name == "second":
        return None
    for i, c in enumerate(m.node[1:]):
        for node in eg[c].nodes:
            op = eg.ops[node[0]]
            if type(op) is Elemwise and op.scalar_op.name == "second" and not eg[node[1]].check:
                # (a parameter check in ``a`` must stay: the runner cannot see this rule drop it)
                inputs = m.inputs()
                inputs[i] = eg.placeholder(node[2])
                return m.op()(*inputs)
    return None


def _float_bounds(cls):
    """Bounds that hold for computed floats too: ``exp(x) > 0`` in real arithmetic, but
    ``exp(-800) == 0`` in float64, so a strict-sign fact only says ``>= 0`` here."""
    lo = 0.0 if cls.lo == TINY else cls.lo
    hi = 0.0 if cls.hi == -TINY else cls.hi
    return lo, hi


_DECIDE = {
    "ge": lambda a, b: True if a[0] >= b[1] else (False if a[1] < b[0] else None),
    "gt": lambda a, b: True if a[0] > b[1] else (False if a[1] <= b[0] else None),
    "le": lambda a, b: True if a[1] <= b[0] else (False if a[0] > b[1] else None),
    "lt": lambda a, b: True if a[1] < b[0] else (False if a[0] >= b[1] else None),
}


def _comparison_by_range(m):
    """``sigmoid(x) >= 0 -> True``: a comparison the value ranges decide (NaN aside)."""
    decide = _DECIDE[m.op().scalar_op.name]
    a, b = m.input_classes()
    answer = decide(_float_bounds(a), _float_bounds(b))
    if answer is None:
        return None
    x, y = m.inputs()
    return pt.second(x, pt.second(y, pt.constant(np.bool_(answer))))


def _all_true(m):
    """``all(second(a, True)) -> True`` (and ``any(second(a, False)) -> False``): whatever a is."""
    op = m.op()
    value = m.cls("b").uniform
    if value is None or bool(value) != (type(op).__name__ == "All") or m.type.ndim != 0:
        return None
    return pt.constant(np.bool_(value))


# cheap tests of a root e-node, so broad patterns do not build matches they would decline
# (they run on the rebuilt e-graph: class ids are canonical, ``eg.classes[c]`` is direct)
def _mixed_constant(eg, cid, node):
    classes = eg.classes
    dtype = getattr(classes[cid].type, "dtype", None)
    for c in node[1:]:
        k = classes[c]
        if k.const is not None and k.type.dtype != dtype:
            return True
    return False


def _chain_top(eg, cid, node):
    op_id = node[0]
    if _first_node(eg, cid, op_id) != node:
        return False
    return any(_first_node(eg, c, op_id) is not None for c in node[1:])


def _two_constants(eg, cid, node):
    classes = eg.classes
    return sum(1 for c in node[1:] if classes[c].const is not None) >= 2


def _has_second(eg, cid, node):
    sid = eg.intern(ELEMWISE["second"])
    classes = eg.classes
    return any(n[0] == sid for c in node[1:] for n in classes[c].nodes)


CODE = [
    rule("constant_dtype", "Elemwise", _adopt_constant_dtype, when=_mixed_constant),
    rule("flatten_add", "add(?x...)", _flatten_chain, when=_chain_top),
    rule("flatten_mul", "mul(?x...)", _flatten_chain, when=_chain_top),
    rule("merge_add_constants", "add(?x...)", _merge_constants, when=_two_constants),
    rule("merge_mul_constants", "mul(?x...)", _merge_constants, when=_two_constants),
    rule("sink_second", "Elemwise", _sink_second, when=_has_second),
    rule("comparison_by_range", "Elemwise", _comparison_by_range,
         when=lambda eg, cid, node: getattr(eg.ops[node[0]].scalar_op, "name", None) in _DECIDE),
    rule("reduce_of_constant_fill", "Reduce(second(?a, ?b))", _all_true),
]

CANONICALIZE = rules("canonicalize", ARITHMETIC + CODE) + SHAPE_RULES
