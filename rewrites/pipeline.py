"""``rewrite_graph``: graphs in, an e-graph saturated phase by phase, the best graphs out.

The pipeline order is declared once, here: ``PIPELINE``. Running databases ``include``
means running one phase per database in that order; each phase keeps the rules of the
phases before it (so canonical forms made by a later phase are simplified again). Databases
not in ``PIPELINE`` (a user's own) run after the built-in ones, in the order given.
"""

from __future__ import annotations

import gc
import time

from rewrax.rewrites.canonicalize import CANONICALIZE
from rewrax.rewrites.egraph import EGraph
from rewrax.rewrites.extract import build, default_cost, extract
from rewrax.rewrites.runner import Limits, Report, Runner
from rewrax.rewrites.rulesets import RuleSet
from rewrax.rewrites.specialize import SPECIALIZE
from rewrax.rewrites.stabilize import STABILIZE
from rewrax.symbolic.graph import _as_list, io_toposort

#: The order in which databases run.
PIPELINE = ("canonicalize", "stabilize", "specialize")
#: Every rule rewrax ships with, tagged by database.
DEFAULT_RULES = CANONICALIZE + STABILIZE + SPECIALIZE
_registered: list = []


def register(ruleset):
    """Add a RuleSet (or Rule) to the rules every ``rewrite_graph`` and ``rx.function`` sees.

    The rules run when one of their tags is included (``rx.function`` includes
    canonicalize, stabilize and specialize). Prefer passing ``rules=`` explicitly; this is
    for rules that must reach graphs compiled inside other code (model densities).

    Examples
    --------
    >>> from rewrax.rewrites import register, rules, unregister
    >>> mine = rules("stabilize", ["my_log_exp_exp: log(exp(exp(?x))) -> exp(?x)"])
    >>> register(mine)
    >>> unregister(mine)
    """
    _registered.append(RuleSet([ruleset]) if not isinstance(ruleset, RuleSet) else ruleset)


def unregister(ruleset):
    """Remove a RuleSet added with :func:`register`."""
    _registered[:] = [r for r in _registered if r is not ruleset]


def all_rules() -> RuleSet:
    """The shipped rules plus the registered ones."""
    out = DEFAULT_RULES
    for extra in _registered:
        out = out + extra
    return out


def _phases(include):
    known = [db for db in PIPELINE if db in include]
    extra = [t for t in include if t not in PIPELINE]
    return known + extra


def rewrite_graph(graph, include=("canonicalize",), exclude=(), explain=False, rules=None,
                  cut=(), cost=default_cost, return_report=False, **limits):
    """Rewrite ``graph`` with the rule databases ``include`` (minus ``exclude``).

    Parameters
    ----------
    graph : Variable or list of Variable
        A variable in gives a variable out, a list gives a list. The input graph is never
        modified; unchanged parts of it are reused in the result.
    include : tuple of str
        Databases (``"canonicalize"``, ``"stabilize"``, ``"specialize"``, a user's own) or
        rule names to run, in the order of ``PIPELINE``.
    exclude : tuple of str
        Databases or rule names to leave out.
    explain : bool
        Print which rules fired, how often, and why each phase stopped.
    rules : RuleSet, optional
        The rules to select from (default: the shipped rules and the registered ones).
    cut : list of Variable
        Variables treated as inputs: their own graphs are not looked into.
    cost : callable
        ``cost(egraph, op, enode, eclass) -> (instability, work)`` for extraction.
    return_report : bool
        Return ``(graph, report)``.
    **limits
        ``node_limit``, ``iter_limit``, ``time_limit``, ``match_limit``, ``ban_length``,
        ``strict`` (see :class:`rewrax.rewrites.runner.Limits`).

    Examples
    --------
    >>> import rewrax as rx, rewrax.symbolic as pt
    >>> x = pt.vector("x")
    >>> print(rx.rewrite_graph(pt.log(1 + x), include=("stabilize",)).owner.op)
    Log1p
    """
    outputs, single = _as_list(graph)
    if isinstance(include, str) or isinstance(exclude, str):
        raise TypeError("include and exclude are tuples of names, e.g. include=('stabilize',)")
    t0 = time.perf_counter()
    pool = all_rules() if rules is None else rules
    unknown = [t for t in include if t not in pool.tags and t not in pool]
    if unknown:
        raise ValueError(f"rewrite_graph: unknown database or rule {unknown}; known databases: {pool.tags}")
    # the e-graph allocates many small objects and frees none until the end: the cyclic
    # garbage collector would only rescan them (a third of the time), so it waits
    gc_was_enabled = gc.isenabled()
    gc.disable()
    try:
        result, report = _run(outputs, include, exclude, pool, cut, cost, limits)
    finally:
        if gc_was_enabled:
            gc.enable()
    report.seconds = time.perf_counter() - t0
    if explain:
        print(report)
    result = result[0] if single else result
    return (result, report) if return_report else result


def _run(outputs, include, exclude, pool, cut, cost, limits):
    eg = EGraph()
    roots, n_input = ingest(eg, outputs, cut)
    report = saturate(eg, include, exclude, pool, **limits)
    report.input_nodes = n_input
    eg.canonicalize_all()
    chosen = extract(eg, cost, roots)
    result = build(eg, chosen, roots)
    report.output_nodes = len(io_toposort(list(cut), result))
    return result, report


def saturate(eg, include, exclude=(), rules=None, **limits) -> Report:
    """Run the phases of ``include`` (in ``PIPELINE`` order) on the e-graph ``eg``."""
    pool = all_rules() if rules is None else rules
    try:
        runner = Runner(eg, Limits(**limits))
    except TypeError:
        known = ", ".join(Limits.__dataclass_fields__)
        raise TypeError(f"rewrite_graph: unknown option among {sorted(limits)}; limits are {known}") from None
    report = Report()
    active = RuleSet()
    for phase in _phases(include):
        new = pool.select((phase,), exclude)
        new = RuleSet(r for r in new if r.name not in active)
        active = active + new
        report.phases.append(runner.run(phase, active, fresh=new))
    return report


def ingest(eg, outputs, cut=()):
    """Add the graph of ``outputs`` to ``eg``; returns (output classes, number of Apply nodes)."""
    cut_ids = {id(v) for v in cut}
    for v in cut:
        eg.add_leaf(_as_root(v))
        eg.var_class[id(v)] = eg.var_class[id(_as_root(v))]
    order = io_toposort(list(cut), outputs)
    classes = eg.var_class
    for node in order:
        children = []
        for inp in node.inputs:
            c = classes.get(id(inp))
            if c is None:
                c = eg.add_leaf(inp) if inp.owner is None or id(inp) in cut_ids else None
            children.append(c)
        for out, cid in zip(node.outputs, eg.add_apply_outputs(node, children)):
            classes[id(out)] = cid
            eg._keep.append(out)
    roots = []
    for o in outputs:
        c = classes.get(id(o))
        roots.append(c if c is not None else eg.add_leaf(o))
    return roots, len(order)


def _as_root(v):
    return v
