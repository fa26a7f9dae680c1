"""The specialize database: cheaper forms of the same computation.

Powers become squares, roots and products, divisions by constants multiplications,
``x * -1`` a negation, and sums of products of vectors (and vector matmuls) dot products.
"""

from __future__ import annotations

import rewrax.symbolic as pt
from rewrax.rewrites.rulesets import rule, rules
from rewrax.symbolic.linalg import Dot

POWERS = [
    "pow_two:            pow(?x, 2) -> sqr(?x)",
    "pow_half:           pow(?x, 0.5) -> sqrt(?x)",
    "pow_minus_one:      pow(?x, -1) -> reciprocal(?x)",
    "pow_minus_half:     pow(?x, -0.5) -> reciprocal(sqrt(?x))",
    "pow_minus_two:      pow(?x, -2) -> reciprocal(sqr(?x))",
    "pow_three:          pow(?x, 3) -> mul(?x, sqr(?x))",
    "pow_four:           pow(?x, 4) -> sqr(sqr(?x))",
    "reciprocal_from_div: true_div(1, ?x) -> reciprocal(?x)",
    "div_by_constant:    true_div(?x, %c) -> mul(?x, reciprocal(?c)) if nonzero_const(?c), float(?c)",
    "neg_from_mul:       mul(-1, ?x...) -> neg(?x)",
    "sqr_from_mul:       mul(?x, ?x) -> sqr(?x)",
]


def _pow_integer(m):
    """``x ** k`` for a small integer ``k`` as products of squares (``x**5 = x * sqr(sqr(x))``)."""
    k = m.cls("k").uniform
    if k is None or k != int(k) or not 5 <= abs(k) <= 16:
        return None
    n, base, out = abs(int(k)), m.x, None
    while n:
        if n & 1:
            out = base if out is None else pt.mul(out, base)
        n >>= 1
        if n:
            base = pt.sqr(base)
    return pt.reciprocal(out) if k < 0 else out


def _vector(m, name):
    t = m.cls(name).type
    return getattr(t, "ndim", None) == 1 and t.shape[0] != 1


def _dot_from_sum_sqr(m):
    """``sum(sqr(x)) -> dot(x, x)`` for a vector ``x``."""
    if not _vector(m, "x"):
        return None
    return Dot()(m.x, m.x)


def _dot_from_sum_mul(m):
    """``sum(x * y) -> dot(x, y)`` for vectors of one length."""
    if not (_vector(m, "x") and _vector(m, "y")) or m.dims("x") != m.dims("y"):
        return None
    return Dot()(m.x, m.y)


def _dot_from_matmul(m):
    """``squeeze(matmul(u[None, :], v[:, None])) -> dot(u, v)`` and the matrix-vector forms."""
    q = m.op("q")
    a_cls, b_cls = m.input_classes("mm")
    a, b = m.inputs("mm")
    lhs, rhs = _as_vector(m, "mm", 0, ("x", 0)), _as_vector(m, "mm", 1, (0, "x"))
    if lhs is not None and rhs is not None and q.new_order == ():
        return Dot()(lhs, rhs)
    if a_cls.type.ndim == 2 and rhs is not None and q.new_order == (0,):
        return Dot()(a, rhs)
    if lhs is not None and b_cls.type.ndim == 2 and q.new_order == (1,):
        return Dot()(lhs, b)
    return None


def _as_vector(m, name, i, order):
    """The vector ``v`` when input ``i`` of the bound node is ``DimShuffle{order}(v)``."""
    eg = m.eg
    cid = m.subst[name][1 + i]
    for node in eg[cid].nodes:
        op = eg.ops[node[0]]
        if type(op).__name__ == "DimShuffle" and op.input_ndim == 1 and op.new_order == order:
            return eg.placeholder(node[1])
    return None


CODE = [
    rule("pow_integer", "pow(?x, ?k)", _pow_integer),
    rule("dot_from_sum_sqr", "Sum(sqr(?x))", _dot_from_sum_sqr),
    rule("dot_from_sum_mul", "Sum(mul(?x, ?y))", _dot_from_sum_mul),
    rule("dot_from_matmul", "DimShuffle:q(Matmul:mm)", _dot_from_matmul),
]

SPECIALIZE = rules("specialize", POWERS + CODE)
