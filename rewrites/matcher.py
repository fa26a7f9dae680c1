"""Compiled e-matching: each pattern becomes a small Python function of nested loops.

``compile_pattern(pat)`` generates the source of ``match(eg, node, out)``, which appends
one substitution dict per match of ``pat`` rooted at the e-node ``node`` (whose op the
pattern's head already accepts). Element-wise heads compare interned op ids, variables
bind or compare class ids, literals read the class's constant, commutative binary ops try
both orders and rest variables (``?x...``) take the children not picked. The reference
semantics are ``pattern.match_node``; tests check that both agree. Matchers run on a
rebuilt e-graph, where every e-node's children are canonical class ids (no ``find``).
"""

from __future__ import annotations

import itertools

from rewrax.rewrites.pattern import PConst, PLit, PNode, PVar
from rewrax.symbolic.math import ELEMWISE


class _Gen:
    def __init__(self):
        self.lines = []
        self.n = 0
        self.env = {"permutations": itertools.permutations}
        self.heads = []  # Elemwise ops whose ids the matcher compares

    def fresh(self, prefix):
        self.n += 1
        return f"{prefix}{self.n}"

    def emit(self, indent, text):
        self.lines.append("    " * indent + text)

    def const(self, value, prefix="k"):
        name = self.fresh(prefix)
        self.env[name] = value
        return name

    def accept(self, pat, node_var):
        """A condition saying that the op of ``node_var`` is the head of ``pat``."""
        head = pat.head
        if head[0].islower() and head != "cast":
            self.heads.append(ELEMWISE[head])
            return f"{node_var}[0] == H[{len(self.heads) - 1}]"
        fn = self.const(pat.accepts, "acc")
        return f"{fn}(ops[{node_var}[0]])"


def compile_pattern(pat: PNode):
    """A fast ``match(eg, node, out, H)`` for the pattern ``pat`` (see the module docstring).

    ``H`` holds the e-graph's ids of the element-wise ops the pattern names, in the order of
    ``match.heads`` (``EGraph.head_ids`` computes it).
    """
    g = _Gen()
    g.emit(1, "classes = eg.classes; ops = eg.ops")
    _emit(g, [("node", pat, "node")], {}, 1)
    body = "\n".join(g.lines)
    src = f"def match(eg, node, out, H):\n{body}\n"
    namespace = dict(g.env)
    exec(compile(src, f"<pattern {pat!r}>", "exec"), namespace)  # noqa: S102 - our own generated code
    fn = namespace["match"]
    fn.source = src
    fn.heads = tuple(g.heads)  # resolve with egraph.head_ids(fn.heads) into H
    return fn


def _emit(g, pending, bound, ind):
    if not pending:
        items = ", ".join(f"{name!r}: {var}" for name, var in bound.items())
        g.emit(ind, f"out.append({{{items}}})")
        return
    (kind, pat, src), rest = pending[0], pending[1:]
    if kind == "class":
        _emit_class(g, pat, src, rest, bound, ind)
    else:
        _emit_node(g, pat, src, rest, bound, ind)


def _emit_class(g, pat, src, rest, bound, ind):
    if type(pat) is PConst:
        g.emit(ind, f"if classes[{src}].const is not None:")
        _emit_class(g, PVar(pat.name), src, rest, bound, ind + 1)
        return
    if type(pat) is PVar:
        if pat.name in bound:
            g.emit(ind, f"if {bound[pat.name]} == {src}:")
            _emit(g, rest, bound, ind + 1)
        else:
            var = g.fresh("v")
            g.emit(ind, f"{var} = {src}")
            _emit(g, rest, {**bound, pat.name: var}, ind)
        return
    if type(pat) is PLit:
        lit = g.const(pat.value, "lit")
        g.emit(ind, f"if classes[{src}].uniform == {lit}:")
        _emit(g, rest, bound, ind + 1)
        return
    node = g.fresh("n")
    g.emit(ind, f"for {node} in classes[{src}].nodes:")
    g.emit(ind + 1, f"if {g.accept(pat, node)}:")
    _emit(g, [("node", pat, node)] + rest, bound, ind + 2)


def _emit_node(g, pat, node, rest, bound, ind):
    if pat.bind is not None:
        bound = {**bound, pat.bind: node}
    kids = pat.children
    if pat.open is None:
        _emit(g, rest, bound, ind)
        return
    if pat.open >= 0:
        g.emit(ind, f"if len({node}) > {pat.open}:")
        items = [("class", k, f"{node}[{i + 1}]") for i, k in enumerate(kids)]
        _emit(g, items + rest, bound, ind + 1)
        return
    if pat.rest is not None:
        _emit_variadic(g, pat, node, rest, bound, ind)
        return
    g.emit(ind, f"if len({node}) == {len(kids) + 1}:")
    ind += 1
    if pat.commutative and len(kids) == 2:
        a, b = g.fresh("a"), g.fresh("b")
        g.emit(ind, f"for {a}, {b} in (({node}[1], {node}[2]), ({node}[2], {node}[1])) "
                    f"if {node}[1] != {node}[2] else (({node}[1], {node}[2]),):")
        _emit(g, [("class", kids[0], a), ("class", kids[1], b)] + rest, bound, ind + 1)
        return
    if pat.commutative and len(kids) > 2:
        perm = g.fresh("p")
        g.emit(ind, f"for {perm} in set(permutations({node}[1:])):")
        items = [("class", k, f"{perm}[{i}]") for i, k in enumerate(kids)]
        _emit(g, items + rest, bound, ind + 1)
        return
    items = [("class", k, f"{node}[{i + 1}]") for i, k in enumerate(kids)]
    _emit(g, items + rest, bound, ind)


def _emit_variadic(g, pat, node, rest, bound, ind):
    kids = pat.children
    k = len(kids)
    kv = g.fresh("kids")
    g.emit(ind, f"{kv} = {node}[1:]")
    g.emit(ind, f"if len({kv}) > {k}:")
    ind += 1
    # the rest tuple is only built for a complete match: it is an expression in the output
    if k == 1:
        i = g.fresh("i")
        g.emit(ind, f"for {i} in range(len({kv})):")
        value = f"('rest', {node}[0], {kv}[:{i}] + {kv}[{i} + 1:])"
        items = [("class", kids[0], f"{kv}[{i}]")]
    else:
        ch = g.fresh("ch")
        g.emit(ind, f"for {ch} in permutations(range(len({kv})), {k}):")
        value = f"('rest', {node}[0], tuple(c for j, c in enumerate({kv}) if j not in {ch}))"
        items = [("class", kid, f"{kv}[{ch}[{j}]]") for j, kid in enumerate(kids)]
    _emit(g, items + rest, {**bound, pat.rest.name: value}, ind + 1)

