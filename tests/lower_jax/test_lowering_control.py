"""scan (lax.scan), ifelse (lax.cond) and Check: JAX == NumPy reference == plain Python loops."""

import numpy as np
import pytest

import rewrax as rx
import rewrax.symbolic as pt
from lowering_checks import assert_lowering_matches, compile_fast

RNG = np.random.default_rng(5)


def test_scan_cumulative_sum_over_a_sequence():
    x = pt.vector("x")
    ys, updates = pt.scan(lambda xt, acc: acc + xt, sequences=[x], outputs_info=[np.float64(0)])
    assert updates == {}
    v = RNG.normal(size=6)
    assert_lowering_matches([x], ys, [v], numpy_ref=np.cumsum)


def test_scan_with_taps_non_sequences_and_n_steps():
    a = pt.scalar("a")
    init = pt.vector("init", shape=(2,))
    # x[t] = x[t-1] + a * x[t-2], a Fibonacci-like recursion with two taps
    xs, _ = pt.scan(lambda x2, x1, coef: x1 + coef * x2, outputs_info=[dict(initial=init, taps=[-2, -1])],
                    non_sequences=[a], n_steps=7)

    def reference(av, iv):
        hist = list(iv)
        for _ in range(7):
            hist.append(hist[-1] + av * hist[-2])
        return np.array(hist[2:])

    assert_lowering_matches([a, init], xs, [0.5, np.array([1.0, 1.0])], numpy_ref=reference)


def test_scan_with_several_outputs_and_free_variables():
    x = pt.matrix("x")
    w = pt.vector("w")  # used inside the step without being passed: a free variable

    def step(row, total):
        return total + row @ w, pt.exp(row).sum()

    (totals, sums), _ = pt.scan(step, sequences=[x], outputs_info=[np.float64(0), None])
    xv, wv = RNG.normal(size=(4, 3)), RNG.normal(size=3)
    assert_lowering_matches([x, w], [totals, sums], [xv, wv],
                            numpy_ref=lambda a, b: [np.cumsum(a @ b), np.exp(a).sum(axis=1)])


def test_scan_with_zero_steps():
    x = pt.vector("x")
    ys, _ = pt.scan(lambda xt, acc: acc * xt, sequences=[x], outputs_info=[np.float64(1)])
    assert_lowering_matches([x], ys, [np.zeros(0)], numpy_ref=lambda a: np.zeros(0))


def test_scan_of_a_vector_state_and_dprint_shows_the_inner_graph():
    x = pt.vector("x", shape=(3,))
    m = pt.matrix("m", shape=(3, 3))
    states, _ = pt.scan(lambda s, mat: pt.tanh(mat @ s), outputs_info=[x], non_sequences=[m], n_steps=4)

    def reference(xv, mv):
        out, s = [], xv
        for _ in range(4):
            s = np.tanh(mv @ s)
            out.append(s)
        return np.stack(out)

    assert_lowering_matches([x, m], states, [RNG.normal(size=3), RNG.normal(size=(3, 3))], numpy_ref=reference)
    text = rx.dprint(states, file="str")
    assert "Scan{" in text and "Inner graphs:" in text and "Tanh" in text


def test_ifelse_picks_one_branch():
    c = pt.scalar("c")
    x = pt.vector("x")
    out = pt.ifelse(c > 0, pt.log(x), pt.exp(x))
    f = compile_fast([c, x], out)
    v = np.array([1.0, 2.0])
    np.testing.assert_allclose(f(1.0, v), np.log(v))
    np.testing.assert_allclose(f(-1.0, v), np.exp(v))
    assert_lowering_matches([c, x], out, [1.0, v], numpy_ref=lambda cv, xv: np.log(xv))


def test_ifelse_with_several_outputs():
    c = pt.scalar("c", dtype="bool")
    a, b = pt.vector("a"), pt.vector("b")
    outs = pt.ifelse(c, [a, a.sum()], [b * 2, b.max()])
    av, bv = RNG.normal(size=3), RNG.normal(size=3)
    for cond in (True, False):
        want = [av, av.sum()] if cond else [bv * 2, bv.max()]
        assert_lowering_matches([c, a, b], outs, [cond, av, bv], numpy_ref=lambda *_: want)


def test_ifelse_branches_of_different_shapes():
    a = pt.vector("a", shape=(2,))
    b = pt.vector("b", shape=(3,))
    c = pt.scalar("c")
    out = pt.ifelse(c > 0, a, b)
    assert out.type.shape == (None,)
    # a condition known when compiling picks the branch, whatever its shape
    assert_lowering_matches([a, b], pt.ifelse(pt.constant(True), a, b), [np.ones(2), np.ones(3)],
                            numpy_ref=lambda x, y: x)
    # a run-time condition cannot: JAX needs one shape for both branches
    with pytest.raises(ValueError, match=r"output 0 has shape \(2,\) in the then-branch and \(3,\)"):
        compile_fast([c, a, b], out)(1.0, np.ones(2), np.ones(3))


def test_ifelse_inside_scan():
    x = pt.vector("x")
    ys, _ = pt.scan(lambda xt, acc: pt.ifelse(xt > 0, acc + xt, acc), sequences=[x], outputs_info=[np.float64(0)])
    v = np.array([1.0, -2.0, 3.0, -4.0])
    assert_lowering_matches([x], ys, [v], numpy_ref=lambda a: np.cumsum(np.where(a > 0, a, 0)))


def test_check_passes_values_and_raises_parameter_value_error():
    sigma = pt.scalar("sigma")
    out = pt.check(pt.log(sigma), sigma > 0, msg="sigma > 0")
    f = compile_fast([sigma], out)
    np.testing.assert_allclose(f(2.0), np.log(2.0))
    with pytest.raises(pt.ParameterValueError, match="sigma > 0"):
        f(-1.0)
    with pytest.raises(pt.ParameterValueError, match="sigma > 0"):
        out.eval({sigma: -1.0})
