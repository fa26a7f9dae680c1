"""Property tests: random well-typed graphs have the same values before and after rewriting.

Hypothesis builds expressions over float64 vectors ``x, y`` and a scalar ``a`` (inputs in
[-2, 2]) from a grammar that keeps every operation inside its domain: ``log``, ``sqrt`` and
``log1p`` only see positive subexpressions (``exp``, ``softplus``, ``sigmoid``, squares plus
one, ...), ``exp`` only bounded ones. Templates plant the naive forms the rules look for
(``log(1 + e)``, ``b * (a / b)``, ``exp(e) / sum(exp(e))``, ...). Each database, and all
three together, must keep the values (NumPy references, float64 tolerance relative to the
largest intermediate value).
"""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st

import rewrax as rx
import rewrax.symbolic as pt
from rewrax.symbolic.graph import ancestors
from rewrax.symbolic.numpy_eval import evaluate_numpy
from rewrax.symbolic.variable import Constant

X, Y, A = pt.vector("x", shape=(3,)), pt.vector("y", shape=(3,)), pt.scalar("a")
LEAVES = (X, Y, A)
CONSTS = (0.0, 1.0, -1.0, 2.0, 0.5, 3.0)

# naive forms the rules look for: (name, kind of argument, builder)
POS_TEMPLATES = [
    lambda p, q: pt.exp(pt.log(p)),
    lambda p, q: p * (q / p),
    lambda p, q: pt.sqrt(p) ** 2,
    lambda p, q: pt.exp(pt.log(p) + pt.log(q)),
    lambda p, q: 1 + pt.exp(pt.log(q)),
    lambda p, q: (p ** 2) ** 0.5,
]
ANY_TEMPLATES = [
    lambda e, p: pt.log(1 + p),
    lambda e, p: pt.log(1 - pt.sigmoid(e)),
    lambda e, p: pt.log(pt.sigmoid(e)),
    lambda e, p: pt.exp(pt.tanh(e)) - 1,
    lambda e, p: 1 - pt.erf(e),
    lambda e, p: 1 + pt.erf(e),
    lambda e, p: pt.log(pt.exp(pt.tanh(e)) / p),
    lambda e, p: pt.log1p(pt.exp(pt.tanh(e))),
    lambda e, p: pt.sqrt(e ** 2),
    lambda e, p: e - e,
    lambda e, p: -(-e),
    lambda e, p: e * 1 + 0,
    lambda e, p: (e * p) / p,
    lambda e, p: e / 4.0,
    lambda e, p: e ** 3 + e ** 2 + e ** -2 * p,
    lambda e, p: pt.log(pt.sum(pt.exp(pt.tanh(e)))),
    lambda e, p: pt.exp(pt.tanh(e)) / pt.sum(pt.exp(pt.tanh(e))),
    lambda e, p: pt.log(pt.softmax(e + X)),
    lambda e, p: pt.sum(p * e),
    lambda e, p: pt.sum(e * e),
    lambda e, p: pt.log(p * pt.exp(pt.tanh(e))),
    lambda e, p: pt.log(pt.exp(pt.tanh(e)) + pt.exp(pt.tanh(-e))),
    lambda e, p: pt.log(p ** 3),
    lambda e, p: pt.log(pt.erfc(e)),
    lambda e, p: pt.exp(e * 0.1)[0] if e.type.ndim else e,
    lambda e, p: pt.switch(e > 0, e, -e),
    lambda e, p: pt.sum(-e),
    lambda e, p: pt.softplus(e) - e,
]


@st.composite
def positive(draw, depth):
    """An expression whose values are > 0 (and not astronomically large)."""
    if depth <= 0 or draw(st.integers(0, 3)) == 0:
        choice = draw(st.integers(0, 3))
        leaf = draw(st.sampled_from(LEAVES))
        return [pt.exp(leaf), pt.softplus(leaf), pt.sqr(leaf) + 1, pt.constant(draw(st.sampled_from((0.5, 2.0, 3.0))))][choice]
    kind = draw(st.integers(0, 8))
    if kind < 2:
        return draw(st.sampled_from(POS_TEMPLATES))(draw(positive(depth - 1)), draw(positive(depth - 1)))
    e = draw(anything(depth - 1))
    p, q = draw(positive(depth - 1)), draw(positive(depth - 1))
    return [pt.exp(pt.tanh(e)), pt.softplus(e), pt.sigmoid(e), p * q, p / q, pt.sqrt(p), p + q][kind - 2]


@st.composite
def anything(draw, depth):
    """A real-valued expression (finite on the input box)."""
    if depth <= 0 or draw(st.integers(0, 4)) == 0:
        if draw(st.booleans()):
            return draw(st.sampled_from(LEAVES))
        return pt.constant(draw(st.sampled_from(CONSTS)))
    kind = draw(st.integers(0, 13))
    if kind < 3:
        return draw(st.sampled_from(ANY_TEMPLATES))(draw(anything(depth - 1)), draw(positive(depth - 1)))
    e, f = draw(anything(depth - 1)), draw(anything(depth - 1))
    p = draw(positive(depth - 1))
    ops = [e + f, e - f, e * f, -e, pt.log(p), pt.log1p(p), e / p, pt.maximum(e, f),
           pt.switch(e > f, e, f), pt.erf(e), pt.abs(e)]
    return ops[kind - 3]


def _inputs(seed):
    rng = np.random.default_rng(seed)
    return {X: rng.uniform(-2, 2, 3), Y: rng.uniform(-2, 2, 3), A: rng.uniform(-2, 2)}


def _scale(expr, values):
    """The largest finite magnitude among the original graph's intermediate values."""
    inner = [v for v in ancestors([expr]) if v.owner is not None and not isinstance(v, Constant)]
    got = evaluate_numpy(inner, values) if inner else []
    mags = [np.max(np.abs(g)) for g in got if np.size(g) and np.all(np.isfinite(g))]
    return max([1.0] + mags)


def check_same_values(expr, include):
    values = _inputs(0)
    with np.errstate(all="ignore"):
        want = evaluate_numpy([expr], values)[0]
    assume(np.all(np.isfinite(want)))
    rewritten = rx.rewrite_graph(expr, include=include)
    got = evaluate_numpy([rewritten], values)[0]
    assert np.shape(got) == np.shape(want)
    np.testing.assert_allclose(got, want, rtol=1e-7, atol=1e-9 * _scale(expr, values))


DATABASES = [("canonicalize",), ("stabilize",), ("specialize",), ("canonicalize", "stabilize", "specialize")]


@pytest.mark.parametrize("include", DATABASES, ids=["+".join(d) for d in DATABASES])
@settings(max_examples=60, deadline=None)
@given(expr=anything(4))
def test_rewriting_keeps_values(include, expr):
    with np.errstate(all="ignore"):
        check_same_values(expr, include)
