"""Extreme inputs: naive graphs fail, compiled (rewritten) graphs give the mpmath value.

Each case is a naive expression, an input where it overflows, underflows or cancels, and the
exact function written with mpmath (60 digits). ``rx.function`` without rewrites
(``mode="FAST_COMPILE"``) must get it wrong (inf, nan, 0 or a cancelled value), the default
compiled function must get it right, and ``rx.grad`` of the naive expression (which
stabilizes the cost first) must be finite and match the mpmath derivative.
"""

from __future__ import annotations

import mpmath as mp
import numpy as np
import pytest

import rewrax as rx
import rewrax.symbolic as pt
from rewrax.symbolic.numpy_eval import evaluate_numpy

mp.mp.dps = 60


def _sigmoid(t):
    return 1 / (1 + mp.exp(-t))


# (name, naive expression of the scalar x, x, exact f(t) in mpmath)
CASES = [
    ("log1p", lambda x: pt.log(1 + x), 1e-20, lambda t: mp.log(1 + t)),
    ("log1p_neg", lambda x: pt.log(1 - x), 1e-20, lambda t: mp.log(1 - t)),
    ("expm1", lambda x: pt.exp(x) - 1, 1e-20, lambda t: mp.expm1(t)),
    ("softplus_big", lambda x: pt.log(1 + pt.exp(x)), 800.0, lambda t: mp.log(1 + mp.exp(t))),
    ("softplus_tail", lambda x: pt.log(1 + pt.exp(x)), -30.0, lambda t: mp.log(1 + mp.exp(t))),
    ("log1mexp", lambda x: pt.log(1 - pt.exp(x)), -1e-20, lambda t: mp.log(1 - mp.exp(t))),
    ("log1mexp_expm1", lambda x: pt.log(-pt.expm1(x)), -40.0, lambda t: mp.log(-mp.expm1(t))),
    ("log_sigmoid", lambda x: pt.log(pt.sigmoid(x)), -800.0, lambda t: mp.log(_sigmoid(t))),
    ("log1m_sigmoid", lambda x: pt.log(1 - pt.sigmoid(x)), 800.0, lambda t: mp.log(_sigmoid(-t))),
    ("sigmoid_ratio", lambda x: pt.exp(x) / (1 + pt.exp(x)), 800.0, _sigmoid),
    ("one_minus_sigmoid", lambda x: 1 - pt.sigmoid(x), 40.0, lambda t: _sigmoid(-t)),
    ("erfc", lambda x: 1 - pt.erf(x), 10.0, lambda t: mp.erfc(t)),
    ("erfc_neg", lambda x: 1 + pt.erf(x), -10.0, lambda t: mp.erfc(-t)),
    ("log_erfc", lambda x: pt.log(pt.erfc(x)), 30.0, lambda t: mp.log(mp.erfc(t))),
    ("log_expm1", lambda x: pt.log(pt.expm1(x)), 800.0, lambda t: mp.log(mp.expm1(t))),
    ("softplus_minus_x", lambda x: pt.log1p(pt.exp(x)) - x, 40.0, lambda t: mp.log(1 + mp.exp(t)) - t),
    ("normal_density", lambda x: pt.log(pt.exp(-0.5 * x**2) / np.sqrt(2 * np.pi)), 40.0,
     lambda t: -t**2 / 2 - mp.log(mp.sqrt(2 * mp.pi))),
    ("log_exp", lambda x: pt.log(pt.exp(x)), 1000.0, lambda t: t),
    ("sqrt_square", lambda x: pt.sqrt(x**2), 1e200, lambda t: abs(t)),
    ("log_power", lambda x: pt.log(pt.softplus(x) ** 300), 1000.0, lambda t: 300 * mp.log(mp.log(1 + mp.exp(t)))),
    ("log_reciprocal", lambda x: pt.log(1 / pt.exp(x)), 800.0, lambda t: -t),
]


def _naive_and_compiled(expr, x):
    """The graph as written (NumPy references: XLA simplifies some of these by itself) and compiled."""
    def naive(*values):
        return evaluate_numpy([expr], dict(zip([x], values)))[0]

    return naive, rx.function([x], expr)


def _is_wrong(got, want):
    return not np.isfinite(got) or not np.isclose(got, want, rtol=1e-6, atol=0)


@pytest.mark.parametrize("case", CASES, ids=[c[0] for c in CASES])
def test_extreme_value(case):
    name, build, value, exact = case
    x = pt.scalar("x")
    expr = build(x)
    naive, stable = _naive_and_compiled(expr, x)
    want = float(exact(mp.mpf(value)))
    assert _is_wrong(float(naive(value)), want), f"{name}: the naive graph was already right"
    np.testing.assert_allclose(float(stable(value)), want, rtol=1e-12, atol=1e-300)


@pytest.mark.parametrize("case", CASES, ids=[c[0] for c in CASES])
def test_extreme_gradient(case):
    name, build, value, exact = case
    x = pt.scalar("x")
    g = rx.grad(build(x), x)
    got = float(rx.function([x], g)(value))
    t = mp.mpf(value)
    want = float(mp.diff(exact, t, h=abs(t) * mp.mpf("1e-15")))
    assert np.isfinite(got), f"{name}: gradient {got}"
    np.testing.assert_allclose(got, want, rtol=1e-9, atol=1e-300)


def _mp_logsumexp(vals):
    return mp.log(sum(mp.exp(mp.mpf(v)) for v in vals))


def test_logsumexp_of_large_values():
    x = pt.vector("x")
    expr = pt.log(pt.sum(pt.exp(x)))
    vals = np.array([1000.0, 1000.0, 999.0])
    naive, stable = _naive_and_compiled(expr, x)
    want = float(_mp_logsumexp(vals))
    assert not np.isfinite(naive(vals))
    np.testing.assert_allclose(stable(vals), want, rtol=1e-14)
    g = rx.function([x], rx.grad(expr, x))(vals)
    np.testing.assert_allclose(g, [float(mp.exp(mp.mpf(v) - _mp_logsumexp(vals))) for v in vals], rtol=1e-12)


def test_logaddexp_and_logdiffexp_of_large_values():
    a, b = pt.scalar("a"), pt.scalar("b")
    add = pt.log(pt.exp(a) + pt.exp(b))
    diff = pt.log(pt.exp(a) - pt.exp(b))
    f = rx.function([a, b], [add, diff])
    want_add = float(mp.log(mp.exp(1000) + mp.exp(999)))
    want_diff = float(mp.log(mp.exp(1000) - mp.exp(999)))
    assert not any(np.isfinite(v) for v in evaluate_numpy([add, diff], {a: 1000.0, b: 999.0}))
    got_add, got_diff = f(1000.0, 999.0)
    np.testing.assert_allclose([got_add, got_diff], [want_add, want_diff], rtol=1e-14)
    ga, gb = rx.function([a, b], rx.grad(diff, [a, b]))(1000.0, 999.0)
    e = float(mp.e)
    np.testing.assert_allclose([ga, gb], [e / (e - 1), -1 / (e - 1)], rtol=1e-12)


def test_softmax_and_log_softmax_of_large_values():
    x = pt.vector("x")
    sm = pt.exp(x) / pt.sum(pt.exp(x))
    lsm = pt.log(pt.softmax(x))
    vals = np.array([0.0, 1000.0])
    naive = evaluate_numpy([sm, lsm], {x: vals})
    assert np.isnan(naive[0]).any() and np.isinf(naive[1]).any()
    got_sm, got_lsm = rx.function([x], [sm, lsm])(vals)
    np.testing.assert_allclose(got_sm, [0.0, 1.0], atol=1e-300)
    np.testing.assert_allclose(got_lsm, [-1000.0, 0.0], rtol=1e-14)
    g = rx.function([x], rx.grad(pt.sum(lsm), x))(vals)
    np.testing.assert_allclose(g, [1.0, -1.0], rtol=1e-12)


def test_bernoulli_written_naively_is_stable():
    l, y = pt.vector("l"), pt.vector("y")
    p = pt.sigmoid(l)
    logp = pt.sum(y * pt.log(p) + (1 - y) * pt.log(1 - p))
    vals, obs = np.array([-800.0, 800.0, 3.0]), np.array([0.0, 1.0, 1.0])
    want = float(-mp.log(1 + mp.exp(-3)))
    assert not np.isfinite(evaluate_numpy([logp], {l: vals, y: obs})[0])
    np.testing.assert_allclose(rx.function([l, y], logp)(vals, obs), want, rtol=1e-12)
    g = rx.function([l, y], rx.grad(logp, l))(vals, obs)
    np.testing.assert_allclose(g, [0.0, 0.0, float(1 - _sigmoid(mp.mpf(3)))], atol=1e-300, rtol=1e-12)


def test_cancellation_in_quotients_is_exact():
    a, b = pt.scalar("a"), pt.scalar("b")
    f = rx.function([a, b], b * (a / b))
    assert f(3.0, 0.0) == 3.0 and f(3.0, np.inf) == 3.0
    assert np.isnan(evaluate_numpy([b * (a / b)], {a: 3.0, b: 0.0})[0])
