"""Rules and rule sets: ``name: pattern -> replacement if guard(?x)``, one line each.

A rule is data: a name, tags (the databases it belongs to), a pattern, a right-hand side and
named guards. A declarative rule writes its right-hand side with the tensor API's names
(``log1p(?x)``, ``neg(softplus(?x))``); a rule that needs code gives a small function of the
match returning a replacement (built with ``rewrax.symbolic`` over the match's variables)
or ``None``. Rule sets are values combined with ``+``.

Examples
--------
>>> from rewrax.rewrites.rulesets import rules
>>> mine = rules("mydb", ["log_exp_twice: log(exp(exp(?x))) -> exp(?x)"])
>>> [r.name for r in mine]
['log_exp_twice']
"""

from __future__ import annotations

import numpy as np

from rewrax.rewrites import pattern as P
from rewrax.rewrites.matcher import compile_pattern
from rewrax.symbolic import math as m_
from rewrax.symbolic.basic import weak_dtype
from rewrax.symbolic.elemwise import broadcast_static_shapes
from rewrax.symbolic.math import ELEMWISE
from rewrax.symbolic.scalar import upcast
from rewrax.symbolic.type import TensorType

#: Functions a declarative right-hand side may call: the element-wise tensor API.
RHS_FUNCS = {name: getattr(m_, name) for name in m_.__all__}


# --------------------------------------------------------------------------------------------
# guards
# --------------------------------------------------------------------------------------------
def _scalar_like(eg, a):
    return all(eg.dim(d) == 1 for d in eg[a].dims)


def _int_const(eg, a):
    c = eg[a].const
    return c is not None and c.dtype.kind in "biuf" and bool(np.all(np.mod(c, 1) == 0))


#: Named guards: ``guard(egraph, *arguments)`` where arguments are class ids or numbers.
GUARDS = {
    "positive": lambda eg, a: eg[a].lo > 0,
    "nonneg": lambda eg, a: eg[a].lo >= 0,
    "negative": lambda eg, a: eg[a].hi < 0,
    "nonpos": lambda eg, a: eg[a].hi <= 0,
    "const": lambda eg, a: eg[a].const is not None,
    "nonzero_const": lambda eg, a: eg[a].const is not None and bool(np.all(eg[a].const != 0)),
    "scalar_like": _scalar_like,
    "rank0": lambda eg, a: getattr(eg[a].type, "ndim", None) == 0,
    "float": lambda eg, a: getattr(eg[a].type, "dtype", "").startswith("float"),
    "integer_const": _int_const,
    "same_shape": lambda eg, a, b: eg.dims(a) == eg.dims(b),
    # the matched class itself is passed last
    "same_shape_as_root": lambda eg, a, root: eg.dims(a) == eg.dims(root),
    "same_dtype": lambda eg, a, b: eg[a].type.dtype == eg[b].type.dtype,
}


def guard(name):
    """Decorator registering a named guard ``fn(egraph, *class_ids) -> bool``."""

    def deco(fn):
        GUARDS[name] = fn
        return fn

    return deco


def _parse_guards(text, where):
    out = []
    for part in _split_calls(text):
        term = P.parse_term(part, pattern=False)
        if not isinstance(term, tuple):
            raise P.PatternError(f"{where}: a guard must be a call such as positive(?x), got {part!r}")
        _, name, args = term
        if name not in GUARDS:
            raise P.PatternError(f"{where}: unknown guard {name!r}; known: {sorted(GUARDS)}")
        out.append((name, args))
    return out


def _split_calls(text):
    parts, depth, cur = [], 0, ""
    for ch in text:
        if ch == "," and depth == 0:
            parts.append(cur)
            cur = ""
            continue
        depth += ch == "("
        depth -= ch == ")"
        cur += ch
    if cur.strip():
        parts.append(cur)
    return [p.strip() for p in parts if p.strip()]


# --------------------------------------------------------------------------------------------
# matches
# --------------------------------------------------------------------------------------------
class Match:
    """One match of a rule: ``m.x`` is a variable standing for the class bound to ``?x``."""

    __slots__ = ("eg", "subst", "cid", "node", "rule", "_vars", "used")

    def __init__(self, eg, subst, cid, node, rule):
        self.eg, self.subst, self.cid, self.node, self.rule = eg, subst, cid, node, rule
        self._vars = {}
        self.used = set()  # classes a directly built replacement uses

    def __getattr__(self, name):
        if name.startswith("_"):
            raise AttributeError(name)
        try:
            return self.var(name)
        except KeyError:
            raise AttributeError(f"rule {self.rule.name}: the pattern binds no ?{name}") from None

    def var(self, name):
        """A variable standing for the class bound to ``?name`` (rest variables: their op applied)."""
        if name in self._vars:
            return self._vars[name]
        b = self.subst[name]
        if isinstance(b, tuple) and b and b[0] == "rest":
            _, op_id, kids = b
            vs = [self.eg.placeholder(k) for k in kids]
            v = vs[0] if len(vs) == 1 else self.eg.ops[op_id](*vs)
        elif isinstance(b, tuple):
            raise KeyError(name)
        else:
            v = self.eg.placeholder(b)
        self._vars[name] = v
        return v

    def class_id(self, name):
        """The class bound to ``?name`` (rest variables: the class of their op applied)."""
        b = self.subst[name]
        if type(b) is int:
            self.used.add(b)
            return b
        if b[0] != "rest":
            raise KeyError(name)
        _, op_id, kids = b
        if len(kids) == 1:
            self.used.add(kids[0])
            return kids[0]
        eg = self.eg
        op = eg.ops[op_id]
        types = [eg[c].type for c in kids]
        if len({t.ndim for t in types}) != 1:
            raise _Slow
        self.used.update(kids)
        t = TensorType(op.scalar_op.output_dtype([t.dtype for t in types]),
                       broadcast_static_shapes([t.shape for t in types], str(op)))
        return eg.add(op, kids, t)

    def cls(self, name=None):
        """The e-class bound to ``?name`` (the matched class when ``name`` is None)."""
        return self.eg[self.cid if name is None else self.subst[name]]

    def const(self, name):
        """The constant value of ``?name``'s class, or None."""
        return self.cls(name).const

    def dims(self, name=None):
        return self.eg.dims(self.cid if name is None else self.subst[name])

    def op(self, name=None):
        """The Op of the e-node bound to ``Head:name`` (the matched root node when None)."""
        node = self.node if name is None else self.subst[name]
        return self.eg.ops[node[0]]

    def inputs(self, name=None):
        """Variables standing for the children of the bound (or root) e-node."""
        node = self.node if name is None else self.subst[name]
        return [self.eg.placeholder(c) for c in node[1:]]

    def input_classes(self, name=None):
        node = self.node if name is None else self.subst[name]
        return [self.eg[c] for c in node[1:]]

    @property
    def type(self):
        return self.eg[self.cid].type

    def bound_classes(self):
        out = []
        for b in self.subst.values():
            if isinstance(b, int):
                out.append(b)
            elif isinstance(b, tuple) and b and b[0] == "rest":
                out.extend(b[2])
            elif isinstance(b, tuple):
                out.extend(b[1:])
        return out


# --------------------------------------------------------------------------------------------
# rules
# --------------------------------------------------------------------------------------------
class Rule:
    """A named rewrite: ``pattern`` -> ``build(match)`` where the ``guards`` hold.

    Parameters
    ----------
    penalize : bool
        The matched form is numerically worse than the replacement (stabilize rules): the
        extractor avoids it even where it is cheaper.
    """

    __slots__ = ("name", "tags", "pattern", "build", "guards", "penalize", "depth", "text", "vars", "coded",
                 "matcher", "when", "_kinds")

    def __init__(self, name, tags, pattern, build, guards=(), penalize=False, text=None, when=None):
        if not name.replace("_", "").isalnum() or not name[0].isalpha() or name.lower() != name:
            raise ValueError(f"rule names are snake_case identifiers, got {name!r}")
        self.name = name
        self.tags = frozenset(tags)
        self.pattern = P.parse_term(pattern) if isinstance(pattern, str) else pattern
        if not isinstance(self.pattern, P.PNode):
            raise P.PatternError(f"rule {name}: the pattern must start with an op, got {pattern!r}")
        self.build = build
        self.guards = tuple(guards)
        self.penalize = penalize
        self.text = text or f"{name}: {pattern}"
        self.vars = P.variables(self.pattern)
        #: the replacement is computed by a function (which may look into the classes)
        self.coded = text is None or "<" in self.text
        #: levels below the root a match reads; guards and rule functions also read the data
        #: (constant, range, shape) of the classes the variables bind
        self.depth = P.depth(self.pattern) + bool(self.guards or self.coded)
        self.matcher = compile_pattern(self.pattern)
        #: optional cheap test ``when(egraph, class_id, enode)`` run before matching
        self.when = when
        self._kinds = {}

    def __repr__(self):
        return f"Rule({self.text!r}, tags={sorted(self.tags)})"

    def accepts(self, op) -> bool:
        """Whether the pattern's head accepts ``op`` (cached per kind of op)."""
        sop = getattr(op, "scalar_op", None)
        kind = (type(op), type(sop), getattr(sop, "name", None)) if sop is not None else type(op)
        hit = self._kinds.get(kind)
        if hit is None:
            hit = self._kinds[kind] = bool(self.pattern.accepts(op))
        return hit

    def search(self, eg, node):
        """Substitutions of the matches rooted at ``node`` (a list of dicts)."""
        out = []
        if self.when is None or self.when(eg, eg.find(eg.memo[node]), node):
            self.matcher(eg, node, out, eg.head_ids(self.matcher.heads))
        return out

    def check_guards(self, eg, subst, cid=None) -> bool:
        for name, args in self.guards:
            vals = [subst[a.name] if isinstance(a, P.PVar) else a.value for a in args]
            if name == "same_shape_as_root":
                vals.append(cid)
            if not GUARDS[name](eg, *vals):
                return False
        return True


def _rhs_builder(term, where):
    """``build(match)`` for a declarative right-hand side.

    Element-wise calls on classes of one rank become e-nodes directly (their type computed
    from the children's, no graph built); anything else is built with the tensor API over
    the match's variables and then added to the e-graph.
    """
    slow = _rhs_graph(term, where)
    fast = _rhs_direct(term)

    def build(m):
        try:
            return fast(m)
        except _Slow:
            return slow(m)

    return build


def _rhs_graph(term, where):
    if isinstance(term, P.PVar):
        return lambda m: m.var(term.name)
    if isinstance(term, P.PLit):
        return lambda m: term.value
    _, head, args = term
    fn = RHS_FUNCS.get(head)
    if fn is None:
        raise P.PatternError(f"{where}: unknown function {head!r} in the right-hand side")
    kids = [_rhs_graph(a, where) for a in args]
    return lambda m: fn(*[k(m) for k in kids])


def _literal(eg, value, other):
    """The class of a Python number next to operands of dtype ``other`` (weakly typed)."""
    dtype = weak_dtype(value, other)
    return eg.add_const(np.asarray(value, dtype=dtype), TensorType(dtype, ()))


class _Slow(Exception):
    """The right-hand side needs the tensor API (literals to broadcast, non-element-wise calls)."""


def _rhs_direct(term):
    if isinstance(term, P.PVar):
        return lambda m: m.class_id(term.name)
    if isinstance(term, P.PLit):
        return lambda m: term
    _, head, args = term
    op = ELEMWISE.get(head)
    kids = [_rhs_direct(a) for a in args]
    if op is None:
        def refuse(m):
            raise _Slow
        return refuse
    sop = op.scalar_op

    def build(m):
        eg = m.eg
        children = [k(m) for k in kids]
        types = [eg[c].type for c in children if type(c) is int]
        if not types or len({t.ndim for t in types}) != 1 or (len(types) != len(children) and types[0].ndim):
            raise _Slow
        if len(types) != len(children):
            other = upcast(*[t.dtype for t in types])
            children = [c if type(c) is int else _literal(eg, c.value, other) for c in children]
            types = [eg[c].type for c in children]
        m.used.update(children)
        dtype = sop.output_dtype([t.dtype for t in types])
        shape = broadcast_static_shapes([t.shape for t in types], str(op))
        return eg.add(op, children, TensorType(dtype, shape))

    return build


def parse_rule(line, tags, penalize=False) -> Rule:
    """``"name: pattern -> replacement [if guard(?x), ...]"`` as a Rule."""
    name, sep, body = line.partition(":")
    if not sep or "->" not in body:
        raise P.PatternError(f"a rule reads 'name: pattern -> replacement', got {line!r}")
    name = name.strip()
    lhs, _, rhs = body.partition("->")
    rhs, _, guard_text = rhs.partition(" if ")
    lhs_term = P.parse_term(lhs)
    rhs_term = P.parse_term(rhs, pattern=False)
    missing = set(P.variables(rhs_term)) - set(P.variables(lhs_term))
    if missing:
        raise P.PatternError(f"rule {name}: the replacement uses unbound {sorted(missing)}")
    guards = _parse_guards(guard_text, f"rule {name}") if guard_text else ()
    return Rule(name, tags, lhs_term, _rhs_builder(rhs_term, f"rule {name}"), guards, penalize,
                text=" ".join(line.split()))


def rule(name, pattern, fn, *, tags=(), guard=None, penalize=False, when=None) -> Rule:
    """A rule whose replacement is computed by ``fn(match)`` (a variable, or None for no match).

    ``when(egraph, class_id, enode) -> bool`` is an optional cheap test of a root e-node that
    spares the rule's function the e-nodes it would decline anyway.
    """
    guards = _parse_guards(guard, f"rule {name}") if guard else ()
    return Rule(name, tags, pattern, fn, guards, penalize, text=f"{name}: {pattern} -> <{fn.__name__}>", when=when)


class RuleSet:
    """An ordered, immutable collection of rules; ``a + b`` concatenates.

    Examples
    --------
    >>> from rewrax.rewrites import CANONICALIZE, STABILIZE
    >>> both = CANONICALIZE + STABILIZE
    >>> len(both) == len(CANONICALIZE) + len(STABILIZE)
    True
    """

    def __init__(self, rules=()):
        self.rules = tuple(rules)
        names = [r.name for r in self.rules]
        dup = {n for n in names if names.count(n) > 1}
        if dup:
            raise ValueError(f"rule names must be unique, repeated: {sorted(dup)}")

    def __add__(self, other):
        if isinstance(other, Rule):
            other = RuleSet([other])
        return RuleSet(self.rules + tuple(other))

    def __iter__(self):
        return iter(self.rules)

    def __len__(self):
        return len(self.rules)

    def __getitem__(self, name):
        for r in self.rules:
            if r.name == name:
                return r
        raise KeyError(name)

    def __contains__(self, name):
        return any(r.name == name for r in self.rules)

    @property
    def tags(self):
        return sorted({t for r in self.rules for t in r.tags})

    def select(self, include, exclude=()):
        """The rules having a tag (or name) in ``include`` and none in ``exclude``."""
        inc, exc = set(include), set(exclude)
        return RuleSet(r for r in self.rules
                       if (r.tags & inc or r.name in inc) and not (r.tags & exc or r.name in exc))

    def __repr__(self):
        return f"RuleSet({len(self.rules)} rules, tags={self.tags})"


def rules(tag, items, penalize=False) -> RuleSet:
    """A RuleSet tagged ``tag`` from rule lines (strings) and Rule objects."""
    out = []
    for item in items:
        if isinstance(item, str):
            out.append(parse_rule(item, {tag}, penalize))
        else:
            item.tags = item.tags | {tag}
            if penalize:
                item.penalize = True
            out.append(item)
    return RuleSet(out)

