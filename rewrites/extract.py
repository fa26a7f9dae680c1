"""Extraction: the best e-node of every class by a pluggable cost, back into rewrax graphs.

Costs are pairs ``(instability, work)`` compared in that order, so a numerically stable
form wins over a cheaper unstable one. ``instability`` counts e-nodes that stabilize rules
marked as worse than their replacement; ``work`` adds per-node op costs scaled by the size
of the result. A node's cost adds each distinct child class once (``x * x`` pays for ``x``
once). Classes are finalised cheapest first (Knuth's generalisation of Dijkstra), so cycles
are harmless and the result is deterministic: ties go to the e-node created first, which is
the input graph's own node where it survives. A second pass then counts shared subgraphs
once: a class may switch to an e-node whose children the chosen graph computes anyway.
"""

from __future__ import annotations

import heapq
import math

from rewrax.rewrites.egraph import ConstLeaf, Leaf, OutputOf
from rewrax.symbolic.elemwise import DimShuffle, Elemwise
from rewrax.symbolic.reduce import Reduce
from rewrax.symbolic.shape_ops import SpecifyShape
from rewrax.symbolic.type import TensorType

#: Work of one entry of an element-wise op, by scalar op name (default 4).
SCALAR_COSTS = {
    "add": 1.0, "sub": 1.0, "mul": 1.0, "neg": 0.8, "abs": 0.8, "sign": 0.8, "sqr": 0.9,
    "true_div": 2.0, "reciprocal": 1.5, "int_div": 2.0, "mod": 2.0, "pow": 6.0,
    "maximum": 1.0, "minimum": 1.0, "second": 0.5, "switch": 1.2, "identity": 0.5, "clip": 1.5,
    "exp": 3.0, "exp2": 3.0, "expm1": 3.2, "log": 3.0, "log2": 3.0, "log10": 3.0, "log1p": 3.2,
    "sqrt": 2.0, "cbrt": 3.0, "softplus": 3.5, "sigmoid": 3.5, "log1mexp": 4.0, "logit": 4.0,
    "logaddexp": 5.0, "eq": 0.8, "neq": 0.8, "lt": 0.8, "le": 0.8, "gt": 0.8, "ge": 0.8,
    "and_": 0.6, "or_": 0.6, "xor": 0.6, "invert": 0.6, "isnan": 0.6, "isinf": 0.6, "isfinite": 0.6,
    "floor": 1.0, "ceil": 1.0, "trunc": 1.0, "round_half_to_even": 1.0,
    "erf": 6.0, "erfc": 6.0, "erfcx": 7.0, "gammaln": 10.0, "digamma": 10.0,
}
#: Extra work of an Elemwise input whose dtype differs from the output (an implicit cast),
#: so that a constant of the computation's dtype is preferred.
MIXED_DTYPE_COST = 0.01
#: Work of one entry for other Ops (by class name; default 3), and for opaque Ops.
OP_COSTS = {"DimShuffle": 0.05, "SpecifyShape": 0.05, "Reshape": 0.2, "Shape": 0.05, "Subtensor": 0.3,
            "MakeVector": 0.2, "Alloc": 0.5, "Sum": 1.2, "Prod": 1.5, "Max": 1.3, "Min": 1.3,
            "Dot": 1.0, "Matmul": 1.3, "LogSumExp": 5.0, "Softmax": 5.0, "LogSoftmax": 5.0, "Check": 0.0}


def size_factor(eg, cls) -> float:
    """How much an op producing this class's value costs relative to a scalar."""
    n = 1.0
    for d in cls.dims:
        d = eg.dim(d)
        n *= d if d >= 0 else 32.0
    return 1.0 + math.log2(1.0 + n)


def default_cost(eg, op, node, cls):
    """The own cost ``(instability, work)`` of the e-node ``node`` of class ``cls``."""
    kind = type(op)
    if kind is ConstLeaf or kind is Leaf:
        return 0.0, 0.0
    pen = eg.penalty.get(node, 0.0)
    if kind is OutputOf:
        op = op.op
        kind = type(op)
    if kind is Elemwise:
        work = SCALAR_COSTS.get(op.scalar_op.name, 4.0)
        if op.scalar_op.name.startswith("cast"):
            work = 0.5
        dtype = getattr(cls.type, "dtype", None)
        mixed = sum(1 for c in node[1:] if getattr(eg.classes[eg.find(c)].type, "dtype", dtype) != dtype)
        if op.scalar_op.name not in ("switch", "second") and op.scalar_op.out != "bool":
            work += MIXED_DTYPE_COST * mixed
        # inputs of size 1 broadcast for free; the result's size sets the work
        return pen, work * size_factor(eg, cls)
    if kind is DimShuffle or kind is SpecifyShape:
        return pen, OP_COSTS["DimShuffle"]
    name = kind.__name__
    work = OP_COSTS.get(name, 3.0)
    if isinstance(op, Reduce) or name in ("Dot", "Matmul"):
        # reductions pay for what they read
        biggest = max((size_factor(eg, eg.classes[eg.find(c)]) for c in node[1:]), default=1.0)
        return pen, work * biggest
    if name in ("Subtensor", "Shape", "Reshape", "MakeVector"):
        return pen, work
    return pen, work * size_factor(eg, cls)


def extract(eg, cost=default_cost, roots=None):
    """The chosen e-node of every reachable class: ``{class id: node}``.

    ``cost(eg, op, node, cls)`` gives the own cost ``(instability, work)`` of an e-node.
    With ``roots``, a second pass lets classes pick e-nodes whose children the chosen graph
    computes anyway (a shared subgraph is paid for once).
    """
    find = eg.find
    waiting, users, heap, own = {}, {}, [], {}
    classes = eg.classes
    for cid, cls in classes.items():
        for node in cls.nodes:
            kids = {find(c) for c in node[1:]}
            if not kids:
                own[node] = pen, work = cost(eg, eg.ops[node[0]], node, cls)
                heapq.heappush(heap, (pen, work, eg.order.get(node, 1 << 60), cid, node))
                continue
            waiting[node] = [len(kids), kids, cid]
            for k in kids:
                users.setdefault(k, []).append(node)
    best, chosen, rank = {}, {}, {}
    while heap:
        pen, work, _, cid, node = heapq.heappop(heap)
        if cid in chosen:
            continue
        chosen[cid] = node
        best[cid] = (pen, work)
        rank[cid] = len(rank)
        for user in users.get(cid, ()):
            entry = waiting[user]
            entry[0] -= 1
            if entry[0] == 0 and entry[2] not in chosen:
                ucls = entry[2]
                own[user] = own_pen, own_work = cost(eg, eg.ops[user[0]], user, classes[ucls])
                kids = entry[1]
                heapq.heappush(heap, (own_pen + sum(best[k][0] for k in kids),
                                      own_work + sum(best[k][1] for k in kids),
                                      eg.order.get(user, 1 << 60), ucls, user))
    if roots is not None:
        _share(eg, chosen, best, rank, own, [find(r) for r in roots])
    return chosen


def _share(eg, chosen, best, rank, own, roots, rounds=3):
    """Let each needed class pick the e-node of least *marginal* cost: children that other
    chosen nodes use already are free. Only e-nodes whose children rank below the class
    (were finalised before it) are candidates, so the choice stays acyclic."""
    find, order = eg.find, eg.order
    for _ in range(rounds):
        needed, refs = _uses(eg, chosen, roots)
        changed = False
        for cid in sorted(needed, key=rank.__getitem__):
            current = chosen[cid]
            current_kids = {find(k) for k in current[1:]}

            def marginal(node):
                pen, work = own[node]
                for k in {find(c) for c in node[1:]}:
                    if refs.get(k, 0) - (k in current_kids) <= 0:
                        pen, work = pen + best[k][0], work + best[k][1]
                return pen, work

            top = rank[cid]
            options = [n for n in eg.classes[cid].nodes
                       if n in own and all(rank.get(find(k), top) < top for k in n[1:])]
            pick = min(options, key=lambda n: (marginal(n), order.get(n, 1 << 60)))
            if pick != current and marginal(pick) < marginal(current):
                chosen[cid] = pick
                for k in current_kids:
                    refs[k] -= 1
                for k in {find(c) for c in pick[1:]}:
                    refs[k] = refs.get(k, 0) + 1
                changed = True
        if not changed:
            return


def _uses(eg, chosen, roots):
    """Classes the chosen graph needs, and how many chosen e-nodes (or roots) use each."""
    find = eg.find
    refs = {}
    for r in roots:
        refs[r] = refs.get(r, 0) + 1
    needed, stack = set(), list(roots)
    while stack:
        c = stack.pop()
        if c in needed:
            continue
        needed.add(c)
        for k in {find(x) for x in chosen[c][1:]}:
            refs[k] = refs.get(k, 0) + 1
            stack.append(k)
    return needed, refs


def build(eg, chosen, roots):
    """Rewrax variables for the classes ``roots`` from the chosen e-nodes.

    Input-graph nodes whose chosen inputs are their original inputs are reused as they are;
    other nodes are rebuilt with ``make_node``. A rebuilt node keeps the name of the input
    variable it came from, or else the name of a named input variable of its class.
    """
    find = eg.find
    made, applies = {}, {}
    class_names = _class_names(eg)
    for root in roots:
        stack = [find(root)]
        while stack:
            cid = stack[-1]
            if cid in made:
                stack.pop()
                continue
            node = chosen[cid]
            kids = [find(c) for c in node[1:]]
            todo = [k for k in kids if k not in made]
            if todo:
                stack.extend(todo)
                continue
            stack.pop()
            made[cid] = _make(eg, cid, node, [made[k] for k in kids], applies, class_names)
    return [made[find(r)] for r in roots]


def _make(eg, cid, node, inputs, applies, class_names):
    op = eg.ops[node[0]]
    kind = type(op)
    if kind is Leaf or kind is ConstLeaf:
        return op.var
    origin = eg.origin.get(node)
    if origin is not None:
        apply, index = origin
        if all(a is b for a, b in zip(inputs, apply.inputs)):
            return apply.outputs[index]
    core, index = (op.op, op.index) if kind is OutputOf else (op, 0)
    key = (id(core), tuple(id(i) for i in inputs))
    apply = applies.get(key)
    if apply is None:
        inputs = [_refine(eg, c, v) for c, v in zip(node[1:], inputs)]
        apply = core.make_node(*inputs)
        applies[key] = apply
    out = apply.outputs[index]
    name = eg.names.get(node) or class_names.get(cid)
    if name is not None and out.name is None:
        out.name = name
    return out


def _refine(eg, cid, var):
    """``var`` with the static shape its class is known to have (rules may rely on it)."""
    want = eg[cid].type
    if isinstance(want, TensorType) and isinstance(var.type, TensorType) and var.type != want:
        if var.type.is_super(want):
            return SpecifyShape(want.shape)(var)
    return var


def _class_names(eg):
    """For each class, the name of the output-most named input variable it holds."""
    names, rank = {}, {}
    for node, name in eg.names.items():
        cid = eg.find(eg.memo[node]) if node in eg.memo else None
        if cid is None:
            continue
        order = eg.order.get(node, 0)
        if cid not in rank or order > rank[cid]:
            names[cid], rank[cid] = name, order
    return names
