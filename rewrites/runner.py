"""The runner: equality saturation with a backoff scheduler, limits and a report.

Each iteration searches the rules over the e-classes that changed since the last one (and
the classes above them, as deep as the deepest pattern), applies every match, then
rebuilds the e-graph. It stops when nothing changes (saturated) or at a limit on
iterations, e-nodes or time; hitting a limit warns (``RewriteLimitWarning``) and the best
graph found so far is still extracted. A rule whose matches explode is banned for a few
iterations (egg's ``BackoffScheduler``).
"""

from __future__ import annotations

import os
import time
import warnings
from collections import Counter
from dataclasses import dataclass, field

from rewrax.rewrites.egraph import ConstLeaf, Leaf, RewriteTypeError
from rewrax.rewrites.rulesets import Match


class RewriteLimitWarning(UserWarning):
    """The rewriter stopped at a limit (nodes, iterations or time) before saturating."""


@dataclass
class Limits:
    """Bounds on one rewrite run.

    Parameters
    ----------
    node_limit : int or None
        Stop once the e-graph holds this many e-nodes (None: 10 per input node + 10,000).
    iter_limit : int
        Stop after this many iterations per phase.
    time_limit : float or None
        Stop after this many seconds in total (None: 2 ms per input node, at least 10 s).
    match_limit, ban_length : int
        Backoff scheduler: a rule with more matches than ``match_limit`` in one iteration is
        banned for ``ban_length`` iterations (both doubling with each ban).
    class_limit : int
        No rule adds to an e-class holding this many e-nodes (cycles through constant
        arithmetic, such as ``c + (d + x)`` around a loop, would grow one without end).
    strict : bool
        Re-raise errors raised by rule functions (for testing rules) instead of skipping
        them; the environment variable ``REWRAX_STRICT_RULES=1`` makes it the default.
    """

    node_limit: int | None = None
    iter_limit: int = 40
    time_limit: float | None = None
    match_limit: int = 2000
    ban_length: int = 3
    class_limit: int = 24
    strict: bool = field(default_factory=lambda: os.environ.get("REWRAX_STRICT_RULES", "") not in ("", "0"))


@dataclass
class PhaseReport:
    name: str
    rules: int
    iterations: int = 0
    stop_reason: str = "saturated"
    fired: Counter = field(default_factory=Counter)
    rejected: Counter = field(default_factory=Counter)
    errors: dict = field(default_factory=dict)
    banned: Counter = field(default_factory=Counter)
    seconds: float = 0.0
    nodes: int = 0
    classes: int = 0


@dataclass
class Report:
    """What a rewrite run did: per phase, the rules that fired and why it stopped."""

    phases: list = field(default_factory=list)
    input_nodes: int = 0
    output_nodes: int = 0
    seconds: float = 0.0

    @property
    def fired(self) -> Counter:
        total = Counter()
        for p in self.phases:
            total.update(p.fired)
        return total

    @property
    def stop_reason(self) -> str:
        reasons = [p.stop_reason for p in self.phases if p.stop_reason != "saturated"]
        return reasons[0] if reasons else "saturated"

    def __str__(self):
        lines = [f"rewrite: {self.input_nodes} -> {self.output_nodes} nodes in {self.seconds * 1e3:.1f} ms"]
        for p in self.phases:
            lines.append(f"phase {p.name}: {p.rules} rules, {p.iterations} iterations, stopped: {p.stop_reason} "
                         f"({p.nodes} e-nodes, {p.classes} e-classes, {p.seconds * 1e3:.1f} ms)")
            for name, n in sorted(p.fired.items(), key=lambda kv: (-kv[1], kv[0])):
                lines.append(f"  {name} x{n}")
            for name, n in sorted(p.banned.items()):
                lines.append(f"  (banned {n}x: {name})")
            for name, msg in sorted(p.errors.items()):
                lines.append(f"  (errors in {name}: {msg})")
        return "\n".join(lines)

    __repr__ = __str__


class Runner:
    """Runs rule phases on one e-graph under shared limits."""

    def __init__(self, egraph, limits: Limits | None = None):
        self.eg = egraph
        self.limits = limits or Limits()
        self.start = time.perf_counter()
        self.node_limit = self.limits.node_limit or (10 * egraph.n_nodes + 10_000)
        given = self.limits.time_limit
        self.time_limit = given if given is not None else max(10.0, 0.002 * egraph.n_nodes)
        self.stopped = None
        self.done = set()  # matches already applied (or refused for good)

    def run(self, name, rules, fresh=None) -> PhaseReport:
        """Saturate with ``rules``; those in ``fresh`` first search every class."""
        eg = self.eg
        rules = list(rules)
        report = PhaseReport(name, len(rules))
        t0 = time.perf_counter()
        if self.stopped:
            report.stop_reason = self.stopped
            return report
        index = {}
        fresh_ids = {id(r) for r in (rules if fresh is None else fresh)}
        full = {k for k, r in enumerate(rules) if id(r) in fresh_ids}
        depth = max([r.depth for r in rules] + [1])
        banned_until, times_banned = {}, Counter()
        it = 0
        while True:
            reason = self._limit_reason(it)
            if reason:
                report.stop_reason = self.stopped = reason
                break
            it += 1
            region = eg.ancestor_levels(eg.take_touched(), depth - 1)
            matches = self._search(rules, index, region, full, it, banned_until, times_banned, report)
            full = set()
            n_before, u_before = eg.n_nodes, eg.n_unions
            self._apply(matches, report)
            eg.rebuild()
            if eg.n_nodes == n_before and eg.n_unions == u_before:
                if not any(b > it for b in banned_until.values()):
                    break
                full = {k for k, b in banned_until.items() if b > it}
                banned_until.clear()
        report.iterations = it
        report.seconds = time.perf_counter() - t0
        report.nodes, report.classes = eg.n_nodes, len(eg.classes)
        if report.stop_reason != "saturated":
            warnings.warn(f"rewriting stopped early ({report.stop_reason}) in phase {name}; the graph is "
                          "only partly rewritten. Raise the limit (rewrite_graph(..., node_limit=, "
                          "iter_limit=, time_limit=)) if this graph needs it", RewriteLimitWarning, stacklevel=5)
        return report

    def _limit_reason(self, it):
        lim = self.limits
        if it >= lim.iter_limit:
            return f"iteration limit ({lim.iter_limit})"
        if self.eg.n_nodes >= self.node_limit:
            return f"node limit ({self.node_limit})"
        if time.perf_counter() - self.start > self.time_limit:
            return f"time limit ({self.time_limit:g} s)"
        return None

    def _rules_for(self, index, rules, op_id):
        """(number, rule, op ids for its matcher, depth, when, matcher) of the rules rooted at ``op_id``."""
        found = index.get(op_id)
        if found is None:
            op, eg = self.eg.ops[op_id], self.eg
            if type(op) in (Leaf, ConstLeaf):
                found = index[op_id] = ()  # patterns start with an op: leaves never match
                return found
            kind = _op_kind(op)
            found = index.get(kind)
            if found is None:
                found = index[kind] = tuple((k, r, eg.head_ids(r.matcher.heads), r.depth, r.when, r.matcher)
                                            for k, r in enumerate(rules) if r.accepts(op))
            index[op_id] = found
        return found

    def _search(self, rules, index, region, full, it, banned_until, times_banned, report):
        """Matches of the rules over ``region`` ({class: distance to a changed class}).

        A rule looks at a class only if a change lies within its pattern's depth; rules in
        ``full`` (new in this phase, or just unbanned) look at every class.
        """
        eg, lim = self.eg, self.limits
        found = {}
        classes = eg.classes
        far = 1 << 30
        banned = {k for k, b in banned_until.items() if b > it}
        out = []
        for cid in (list(classes) if full else region):
            cls = classes.get(cid)
            if cls is None or cls.const is not None:
                continue  # a constant class is best as the constant: nothing to rewrite
            dist = region.get(cid, far)
            for node in cls.nodes:
                entries = index.get(node[0])
                if entries is None:
                    entries = self._rules_for(index, rules, node[0])
                for k, r, heads, depth, when, matcher in entries:
                    if (dist >= depth and k not in full) or k in banned:
                        continue
                    if when is not None and not when(eg, cid, node):
                        continue
                    matcher(eg, node, out, heads)
                    if out:
                        bucket = found.get(k)
                        if bucket is None:
                            bucket = found[k] = []
                        bucket.extend((cid, node, s) for s in out)
                        out = []
        matches = []
        for k in sorted(found):
            r, hits = rules[k], found[k]
            threshold = lim.match_limit << times_banned[k]
            if len(hits) > threshold:
                times_banned[k] += 1
                banned_until[k] = it + (lim.ban_length << times_banned[k])
                report.banned[r.name] += 1
                continue
            matches.extend((r, *h) for h in hits)
        return matches

    def _apply(self, matches, report):
        eg, done = self.eg, self.done
        class_limit = self.limits.class_limit
        for k, (r, cid, node, s) in enumerate(matches):
            if k % 512 == 511 and (time.perf_counter() - self.start > self.time_limit
                                   or eg.n_nodes >= self.node_limit):
                break
            if r.guards and not r.check_guards(eg, s, cid):
                continue
            key = _match_key(eg, r, node, s)
            if key in done:
                continue
            if r.coded:
                # a rule function may look into the classes: it answers anew when they change
                versions = tuple(eg[c].version for c in node[1:])
                vkey = (key, versions, eg[cid].version)
                if vkey in done:
                    continue
            if len(eg[cid].nodes) >= class_limit:
                report.rejected[r.name] += 1
                continue
            outcome = apply_match(eg, r, cid, node, s, self.limits.strict)
            if outcome is None and r.coded:
                done.add(vkey)
            if outcome is True:
                report.fired[r.name] += 1
            elif isinstance(outcome, str):
                report.rejected[r.name] += 1
                if outcome.startswith("error"):
                    report.errors.setdefault(r.name, outcome)
            if outcome is not None:
                # applied, or refused for good: the same match gives the same answer again
                done.add(key)


def _op_kind(op):
    """What a pattern head can tell apart: the Op class and, for Elemwise, the scalar op."""
    sop = getattr(op, "scalar_op", None)
    return (type(op), type(sop), getattr(sop, "name", None))


def _match_key(eg, rule, node, subst):
    # ids are canonical when matched; a merge since only makes the key miss (harmless)
    return (id(rule), node, *subst.values())


def apply_match(eg, rule, cid, node, subst, strict=False):
    """Apply one match.

    Returns True (united two classes), False (the replacement is already there), a string
    saying why it was refused ("type", "check", "error: ..."), or None (a guard or the rule's
    function declined; the same match may succeed once the e-graph knows more).
    """
    if rule.guards and not rule.check_guards(eg, subst, cid):
        return None  # facts may improve later: try again then
    m = Match(eg, subst, cid, node, rule)
    try:
        out = rule.build(m)
        if out is None:
            return None
        new = out if isinstance(out, int) else eg.add_expr(out)
    except RewriteTypeError:
        raise
    except Exception as exc:  # a rule that cannot build its replacement here: skip it, say so
        if strict:
            raise
        return f"error: {type(exc).__name__}: {exc}"
    cid, new = eg.find(cid), eg.find(new)
    if cid == new:
        return False
    if not compatible(eg, cid, new):
        return "type"  # e.g. x * 1 -> x where the 1 broadcasts x or changes its dtype
    if _drops_check(eg, m, out):
        return "check"
    eg.union(cid, new)
    if rule.penalize:
        eg.penalty[eg.canon(node)] = max(1.0, eg.penalty.get(eg.canon(node), 0.0))
    return True


def compatible(eg, a, b) -> bool:
    """Whether classes ``a`` and ``b`` may be united: same type, no broadcasting changed."""
    A, B = eg[a], eg[b]
    ta, tb = A.type, B.type
    if not hasattr(ta, "dtype") or not hasattr(tb, "dtype") or type(ta) is not type(tb):
        return ta == tb
    if ta.dtype != tb.dtype or ta.ndim != tb.ndim or not ta.is_compatible(tb):
        return False
    for da, db in zip(A.dims, B.dims):
        da, db = eg.dim(da), eg.dim(db)
        if da == db:
            continue
        if (da >= 0 and db >= 0) or da == 1 or db == 1:
            return False
    return True


def _drops_check(eg, m, out) -> bool:
    """Whether the replacement drops a bound class that depends on a Check."""
    bound = [c for c in m.bound_classes() if eg[c].check]
    if not bound:
        return False
    if isinstance(out, int):
        kept = {eg.find(c) for c in m.used} | {eg.find(out)}
    else:
        from rewrax.symbolic.graph import ancestors

        kept = {eg.find(eg.var_class[id(v)]) for v in ancestors([out]) if id(v) in eg.var_class}
    return any(eg.find(c) not in kept for c in bound)
