"""Patterns: the left-hand sides of rules, parsed from one line and matched against e-classes.

Syntax (one term)::

    log(add(1, ?x...))         an Elemwise by scalar-op name, a literal, a rest variable
    Sum:s(exp(?x))             an Op class (capitalised), its e-node bound to ``s``
    mul(?b, true_div(?a, ?b))  a variable used twice matches one class

- ``?x`` matches any e-class; a second ``?x`` must be the same class; ``%c`` matches a
  constant class only.
- ``1``, ``-1``, ``0.5`` match constant classes whose every entry equals that number.
- a head without arguments (``Elemwise:e``) matches any children; a final ``...`` argument
  (``Subtensor(Elemwise:e, ...)``) leaves the remaining children unmatched.
- lowercase heads are Elemwise scalar ops (``add``, ``log1p``, ``cast`` for any cast);
  capitalised heads are Op classes (``Sum``, ``DimShuffle``, ``Subtensor``, ...).
- commutative ops (``add``, ``mul``, ...) match their children in either order; ``?x...``
  takes the remaining children of an associative op (one, or several as a new ``add``/``mul``),
  so ``add(1, ?x...)`` matches ``1 + a + b`` without enumerating regroupings.
"""

from __future__ import annotations

import itertools
import re

from rewrax.symbolic.check import Check
from rewrax.symbolic.elemwise import DimShuffle, Elemwise
from rewrax.symbolic.linalg import Dot, Matmul
from rewrax.symbolic.reduce import LogSoftmax, LogSumExp, Max, Min, Prod, Reduce, Softmax, Sum
from rewrax.symbolic.scalar import SCALAR_OPS, Cast
from rewrax.symbolic.shape_ops import Alloc, Join, MakeVector, Reshape, Shape, SpecifyShape
from rewrax.symbolic.subtensor import Subtensor

_TOKEN = re.compile(r"\s*(?:([?%][A-Za-z_]\w*(?:\.\.\.)?)|([A-Za-z_]\w*(?::[A-Za-z_]\w*)?)|"
                    r"(-?\d+(?:\.\d*)?(?:e-?\d+)?|-?inf)|([(),])|(\.\.\.))")

#: Op classes a capitalised pattern head may name (rules add their own with ``op_class``).
OP_CLASSES: dict = {cls.__name__: cls for cls in (
    DimShuffle, Elemwise, Check, Dot, Matmul, LogSoftmax, LogSumExp, Max, Min, Prod, Reduce, Softmax, Sum,
    Alloc, Join, MakeVector, Reshape, Shape, SpecifyShape, Subtensor)}


def op_class(cls, name=None):
    """Make the Op class ``cls`` nameable in patterns (as ``name`` or its class name)."""
    OP_CLASSES[name or cls.__name__] = cls
    return cls


class PatternError(ValueError):
    """A rule's pattern or right-hand side does not parse."""


class PVar:
    __slots__ = ("name",)

    def __init__(self, name):
        self.name = name

    def __repr__(self):
        return f"?{self.name}"


class PRest(PVar):
    def __repr__(self):
        return f"?{self.name}..."


class PConst(PVar):
    """``%c``: a variable that only matches constant classes."""

    def __repr__(self):
        return f"%{self.name}"


class PLit:
    __slots__ = ("value",)

    def __init__(self, value):
        self.value = value

    def __repr__(self):
        return repr(self.value)


class PNode:
    """An e-node pattern: a head (what op), children patterns, an optional binding name."""

    __slots__ = ("head", "children", "bind", "rest", "accepts", "commutative", "variadic", "open")

    def __init__(self, head, children, bind=None):
        self.head, self.bind = head, bind
        #: None: any children; else how many leading children are matched (the rest ignored)
        self.open = None if children is None else (len(children) - 1 if children and children[-1] is ELLIPSIS else -1)
        children = [] if children is None else [c for c in children if c is not ELLIPSIS]
        self.rest = next((c for c in children if isinstance(c, PRest)), None)
        self.children = [c for c in children if not isinstance(c, PRest)]
        self.accepts, self.commutative, self.variadic = _head_matcher(head)
        if self.rest is not None and not self.variadic:
            raise PatternError(f"{head}: a rest variable ?{self.rest.name}... needs an associative op")

    def __repr__(self):
        kids = [repr(c) for c in self.children] + ([repr(self.rest)] if self.rest else [])
        if self.open is not None and self.open >= 0:
            kids.append("...")
        args = "" if self.open is None else f"({', '.join(kids)})"
        return f"{self.head}{':' + self.bind if self.bind else ''}{args}"


ELLIPSIS = object()


def _head_matcher(head):
    if head == "cast":
        return (lambda op: type(op) is Elemwise and type(op.scalar_op) is Cast), False, False
    if head[0].islower():
        if head not in SCALAR_OPS:
            raise PatternError(f"unknown element-wise op {head!r} in a pattern")
        sop = SCALAR_OPS[head]
        return ((lambda op: type(op) is Elemwise and op.scalar_op.name == head),
                sop.commutative, sop.associative)
    cls = OP_CLASSES.get(head)
    if cls is None:
        raise PatternError(f"unknown Op class {head!r} in a pattern; register it with rewrites.pattern.op_class")
    return (lambda op: isinstance(op, cls)), False, False


# --------------------------------------------------------------------------------------------
# parsing
# --------------------------------------------------------------------------------------------
def tokenize(text):
    pos, out = 0, []
    text = text.strip()
    while pos < len(text):
        m = _TOKEN.match(text, pos)
        if not m or m.end() == pos:
            raise PatternError(f"cannot parse {text[pos:]!r} in {text!r}")
        out.append(next(g for g in m.groups() if g is not None))
        pos = m.end()
    return out


def parse_term(text, pattern=True):
    """Parse one term: a pattern (``pattern=True``) or a right-hand side expression tree."""
    tokens = tokenize(text)
    term, rest = _parse(tokens, 0, pattern, text)
    if rest != len(tokens):
        raise PatternError(f"unexpected {tokens[rest]!r} in {text!r}")
    return term


def _parse(tokens, i, pattern, text):
    if i >= len(tokens):
        raise PatternError(f"unexpected end of {text!r}")
    tok = tokens[i]
    if tok.startswith("%"):
        return PConst(tok[1:]), i + 1
    if tok.startswith("?"):
        return (PRest(tok[1:-3]) if tok.endswith("...") else PVar(tok[1:])), i + 1
    if tok[0].isdigit() or tok[0] == "-" or tok in ("inf",):
        value = float(tok)
        return PLit(int(value) if value.is_integer() and "." not in tok and "e" not in tok else value), i + 1
    if tok == "...":
        return ELLIPSIS, i + 1
    if tok in "(),":
        raise PatternError(f"unexpected {tok!r} in {text!r}")
    head, _, bind = tok.partition(":")
    if i + 1 >= len(tokens) or tokens[i + 1] != "(":
        if not pattern:
            raise PatternError(f"{head} needs arguments in {text!r}")
        return PNode(head, None, bind or None), i + 1
    i += 2
    children = []
    while i < len(tokens) and tokens[i] != ")":
        child, i = _parse(tokens, i, pattern, text)
        children.append(child)
        if i < len(tokens) and tokens[i] == ",":
            i += 1
    if i >= len(tokens):
        raise PatternError(f"unbalanced parentheses in {text!r}")
    i += 1
    if pattern:
        return PNode(head, children, bind or None), i
    return ("call", head, children), i


def variables(term, out=None):
    """Names of the variables in a pattern (in order of first appearance)."""
    out = [] if out is None else out
    if isinstance(term, PVar):
        if term.name not in out:
            out.append(term.name)
    elif isinstance(term, PNode):
        for c in term.children:
            variables(c, out)
        if term.rest is not None:
            variables(term.rest, out)
    elif isinstance(term, tuple):
        for c in term[2]:
            variables(c, out)
    return out


def depth(term) -> int:
    """How many levels of classes below the root a match reads: a literal or constant
    leaf reads its class's analysis data, so it counts as a level."""
    if isinstance(term, PNode):
        return 1 + max([depth(c) for c in term.children] + [0])
    return 1 if isinstance(term, (PLit, PConst)) else 0


# --------------------------------------------------------------------------------------------
# matching
# --------------------------------------------------------------------------------------------
def match_class(eg, pat, cid, s):
    """Substitutions extending ``s`` under which ``pat`` matches class ``cid``."""
    kind = type(pat)
    if kind is PConst and eg[cid].const is None:
        return
    if kind is PVar or kind is PConst:
        bound = s.get(pat.name)
        if bound is None:
            s2 = dict(s)
            s2[pat.name] = cid
            yield s2
        elif eg.find(bound) == eg.find(cid):
            yield s
        return
    if kind is PLit:
        value = eg[cid].uniform
        if value is not None and value == pat.value:
            yield s
        return
    ops = eg.ops
    for node in eg[cid].nodes:
        op = ops[node[0]]
        if pat.accepts(op):
            yield from match_node(eg, pat, node, s)


def match_node(eg, pat, node, s):
    """Substitutions under which the e-node ``node`` (whose op ``pat`` accepts) matches."""
    if pat.bind is not None:
        s = dict(s)
        s[pat.bind] = node
    kids = node[1:]
    pats = pat.children
    if pat.open is not None and pat.open >= 0:
        if len(kids) < pat.open:
            return
        kids = kids[:pat.open]
    elif pat.open is None:
        yield s
        return
    if pat.rest is not None:
        yield from _match_variadic(eg, pat, node[0], kids, s)
        return
    if len(kids) != len(pats):
        return
    if pat.commutative and len(kids) > 1:
        seen = set()
        for perm in itertools.permutations(range(len(kids))) if len(kids) <= 3 else [tuple(range(len(kids)))]:
            order = tuple(kids[i] for i in perm)
            if order in seen:
                continue
            seen.add(order)
            yield from _match_seq(eg, pats, order, 0, s)
        return
    yield from _match_seq(eg, pats, kids, 0, s)


def _match_seq(eg, pats, kids, i, s):
    if i == len(pats):
        yield s
        return
    for s2 in match_class(eg, pats[i], kids[i], s):
        yield from _match_seq(eg, pats, kids, i + 1, s2)


def _match_variadic(eg, pat, op_id, kids, s):
    k = len(pat.children)
    if len(kids) <= k:
        return
    for chosen in itertools.permutations(range(len(kids)), k):
        picked = [kids[i] for i in chosen]
        rest = tuple(kids[i] for i in range(len(kids)) if i not in chosen)
        for s2 in _match_seq(eg, pat.children, picked, 0, s):
            s3 = dict(s2)
            s3[pat.rest.name] = ("rest", op_id, rest)
            yield s3
