"""Helpers for rule tests: "start => goal" in the e-graph, and values before == after.

``assert_rewrites("log(1 + x)", "log1p(x)", "stabilize")`` builds both expressions over the
same variables, saturates an e-graph holding the first with the named databases, adds the
second, and asserts both are in one e-class (egg's ``check_goals``); the named rule must have
fired, and the extracted graph must evaluate to the original's values on random inputs.
"""

from __future__ import annotations

import numpy as np

import rewrax.symbolic as pt
from rewrax.rewrites.egraph import EGraph
from rewrax.rewrites.extract import build, extract
from rewrax.rewrites.pipeline import ingest, saturate
from rewrax.symbolic.elemwise import DimShuffle
from rewrax.symbolic.graph import graph_inputs
from rewrax.symbolic.numpy_eval import evaluate_numpy
from rewrax.symbolic.variable import Constant


def make_env():
    """Variables and functions the expressions of rule tests are written with."""
    env = {name: getattr(pt, name) for name in dir(pt) if not name.startswith("_")}
    env.update(
        np=np, DimShuffle=DimShuffle,
        x=pt.vector("x"), y=pt.vector("y"), z=pt.vector("z"),
        a=pt.scalar("a"), b=pt.scalar("b"), c=pt.scalar("c"),
        u=pt.vector("u", shape=(4,)), v=pt.vector("v", shape=(4,)),
        M=pt.matrix("M"), S=pt.matrix("S", shape=(2, 3)), P=pt.matrix("P", shape=(None, 3)),
        n=pt.scalar("n", dtype="int64"), iv=pt.vector("iv", dtype="int32"),
        bv=pt.vector("bv", dtype="bool"),
    )
    return env


DOMAINS = {"unit": (0.1, 0.9), "neg": (-3.0, -0.1), "wide": (-3.0, 3.0), "big": (1.0, 2.0)}
SIZES = {None: 4}


def random_value(var, domain, rng):
    shape = tuple(4 if s is None else s for s in var.type.shape)
    if var.type.ndim == 2 and var.type.shape == (None, None):
        shape = (3, 4)
    dtype = var.type.dtype
    if dtype == "bool":
        return rng.random(shape) < 0.5
    if dtype.startswith("int"):
        return rng.integers(1, 4, size=shape).astype(dtype)
    lo, hi = DOMAINS[domain] if isinstance(domain, str) else domain
    return rng.uniform(lo, hi, size=shape).astype(dtype)


def saturated(expr, include, exclude=()):
    eg = EGraph()
    (root,), _ = ingest(eg, [expr])
    report = saturate(eg, include, exclude, strict=True)
    return eg, root, report


def assert_rewrites(before, after, include=("canonicalize",), rule=None, domain="unit", env=None):
    """Assert that ``before`` rewrites to ``after`` (same e-class) with the databases ``include``."""
    env = make_env() if env is None else env
    include = (include,) if isinstance(include, str) else tuple(include)
    start = eval(before, env)  # noqa: S307 - test expressions written in this repository
    goal = eval(after, env)  # noqa: S307
    eg, root, report = saturated(start, include)
    gid = eg.add_expr(goal)
    eg.rebuild()
    assert eg.find(gid) == eg.find(root), (
        f"{before!r} did not reach {after!r} with {include}; fired: {dict(report.fired)}\n"
        f"class of start holds: {[str(eg.ops[n[0]]) for n in eg[root].nodes]}")
    if rule is not None:
        assert report.fired[rule] > 0, f"rule {rule} did not fire; fired: {dict(report.fired)}"
    eg.canonicalize_all()
    (result,) = build(eg, extract(eg), [root])
    assert_same_values(start, result, domain)
    return result


def assert_same_values(before, after, domain="unit", seed=0, rtol=1e-9, atol=1e-12):
    """Both graphs give the same values (NumPy references) on random inputs."""
    rng = np.random.default_rng(seed)
    roots = [r for r in graph_inputs([before, after]) if not isinstance(r, Constant) and r.owner is None]
    doms = domain if isinstance(domain, dict) else {}
    values = {r: random_value(r, doms.get(r.name, "unit") if doms else domain, rng) for r in roots}
    want = evaluate_numpy([before], {k: v for k, v in values.items()})[0]
    got = evaluate_numpy([after], {k: v for k, v in values.items()})[0]
    assert np.shape(got) == np.shape(want)
    np.testing.assert_allclose(got, want, rtol=rtol, atol=atol)


def structure(var):
    """A hashable description of a graph: ops, constants by value, roots by identity."""
    memo = {}

    def sig(v):
        if id(v) in memo:
            return memo[id(v)]
        if v.owner is None:
            out = ("const", str(v.type), np.asarray(v.data).tobytes()) if isinstance(v, Constant) else ("root", id(v))
        else:
            out = (v.owner.op, v.index, tuple(sig(i) for i in v.owner.inputs))
        memo[id(v)] = out
        return out

    return sig(var)


def count_ops(var, name):
    """How many Apply nodes of the graph print as ``name``."""
    return sum(1 for node in pt.graph.toposort([var]) if str(node.op) == name)
