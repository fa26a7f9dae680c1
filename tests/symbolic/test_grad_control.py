"""Gradients through scan, ifelse, Blockwise and wrapped JAX functions."""

from __future__ import annotations

import jax.numpy as jnp
import numpy as np
import pytest
from test_grad_support import check_grad, check_hessian, run_jax

import rewrax as rx
import rewrax.symbolic as pt
import rewrax.symbolic.linalg as la
from rewrax.symbolic.blockwise import Blockwise

rng = np.random.default_rng(0)


# -- scan ----------------------------------------------------------------------------------------
def test_scan_one_state_and_a_sequence():
    def build(x, h0):
        ys, _ = pt.scan(lambda xt, h: pt.tanh(h * 0.8 + xt), sequences=[x], outputs_info=[h0])
        return ys

    check_grad(build, [rng.normal(size=(5, 2)), rng.normal(size=2)])


def test_scan_several_states_and_per_step_outputs():
    def build(x, a0, b0):
        def step(xt, a, b):
            return a + pt.sin(b) * xt, b * 0.9 + xt ** 2, a * b  # two states, one per-step output
        (a, b, ab), _ = pt.scan(step, sequences=[x], outputs_info=[a0, b0, None])
        return [a, b, ab]

    check_grad(build, [rng.normal(size=(4, 3)), rng.normal(size=3), rng.normal(size=3)])


def test_scan_with_taps():
    def build(x, init):
        ys, _ = pt.scan(lambda xt, ym2, ym1: 0.5 * ym1 - 0.3 * ym2 + pt.exp(xt),
                        sequences=[x], outputs_info=[dict(initial=init, taps=[-2, -1])])
        return ys

    check_grad(build, [rng.normal(size=(5,)), rng.normal(size=(2,))])


def test_scan_non_sequences_and_closure_variables():
    def build(x, w, c):
        ys, _ = pt.scan(lambda xt, h, w: pt.tanh(pt.dot(w, h) + xt + c),  # c is a closure variable
                        sequences=[x], outputs_info=[pt.zeros(2)], non_sequences=[w])
        return ys

    check_grad(build, [rng.normal(size=(4, 2)), rng.normal(size=(2, 2)) * 0.5, rng.normal(size=2)])


def test_scan_with_n_steps_and_no_sequence():
    def build(a):
        ys, _ = pt.scan(lambda h, a: h * a + 1.0, outputs_info=[pt.ones(2)], non_sequences=[a], n_steps=4)
        return ys[-1]

    check_grad(build, [np.array([0.7, -1.1])])


def test_scan_gradient_of_the_last_state_only():
    x = pt.vector("x", shape=(6,))
    ys, _ = pt.scan(lambda xt, acc: acc * xt, sequences=[x], outputs_info=[np.float64(1.0)])
    g = rx.grad(ys[-1], x)
    v = np.arange(1.0, 7.0)
    np.testing.assert_allclose(g.eval({x: v}), np.prod(v) / v)


def test_scan_hessian():
    def build(x):
        ys, _ = pt.scan(lambda xt, h: h * pt.sin(xt) + xt ** 2, sequences=[x], outputs_info=[np.float64(0.5)])
        return ys

    check_hessian(build, rng.normal(size=4), rtol=1e-6, atol=1e-8)


# -- ifelse --------------------------------------------------------------------------------------
@pytest.mark.parametrize("cond_value", [True, False])
def test_ifelse_gradient_follows_the_taken_branch(cond_value):
    def build(c, x, y):
        return pt.ifelse(c, pt.exp(x) * y, y ** 2 - x)

    check_grad(build, [np.array(cond_value), rng.normal(size=3), rng.normal(size=3)])


def test_ifelse_several_outputs_and_a_variable_used_in_one_branch():
    def build(x, y):
        a, b = pt.ifelse(x.sum() > 0, [x * 2, y * x], [x, y])
        return [a, b]

    check_grad(build, [np.array([1.0, 2.0]), np.array([0.5, 0.5])])
    check_grad(build, [np.array([-1.0, -2.0]), np.array([0.5, 0.5])])


def test_ifelse_condition_gets_no_gradient():
    c, x = pt.scalar("c"), pt.scalar("x")
    out = pt.ifelse(c > 0, x * c, x)
    gc = rx.grad(out, c)  # flows only through x * c, not through the condition
    assert float(gc.eval({c: 2.0, x: 3.0})) == 3.0
    assert float(gc.eval({c: -2.0, x: 3.0})) == 0.0


def test_ifelse_hessian():
    check_hessian(lambda x: pt.ifelse(x.sum() > 0, x ** 3, pt.exp(x)), np.array([0.3, 0.4]))


# -- Blockwise -----------------------------------------------------------------------------------
def test_blockwise_of_an_op_without_signature():
    # a core op on vectors, batched with Blockwise from vectorize_graph's fallback
    x = pt.vector("x", shape=(3,))
    core = pt.sort(x) * pt.arange(3)
    X = pt.matrix("X", shape=(2, 3))
    batched = rx.vectorize_graph(core, {x: X})
    Xv = rng.normal(size=(2, 3))
    g = rx.grad(batched.sum(), X)
    expected = np.stack([np.arange(3.0)[np.argsort(np.argsort(r))] for r in Xv])
    np.testing.assert_allclose(g.eval({X: Xv}), expected)


def test_blockwise_gradient_sums_over_broadcast_batch_dims():
    check_grad(lambda a, b: Blockwise(la.Solve("gen", 1))(a, b), [well := 2 * np.eye(3)[None] + 0.2, rng.normal(size=(4, 3))])
    assert well.shape == (1, 3, 3)


def test_blockwise_gradient_for_an_unbatched_input():
    a = 2 * np.eye(3) + 0.1
    check_grad(lambda a, b: Blockwise(la.Solve("gen", 1))(a, b), [a, rng.normal(size=(2, 4, 3))])


# -- wrapped JAX functions --------------------------------------------------------------------------
def test_wrapped_jax_function_gradient_uses_jax_vjp():
    @rx.wrap_jax
    def f(x, y):
        return jnp.sin(x) * jnp.sum(y ** 2), jnp.cumsum(x)

    check_grad(lambda x, y: list(f(x, y)), [rng.normal(size=3), rng.normal(size=2)])


def test_wrapped_jax_function_second_derivative():
    @rx.wrap_jax
    def f(x):
        return jnp.exp(x) * jnp.sum(x)

    check_hessian(lambda x: f(x), rng.normal(size=3))


def test_wrapped_jax_function_inside_a_larger_graph_and_integer_input():
    @rx.wrap_jax
    def pick(x, i):
        return x[i] ** 2

    x = pt.vector("x", shape=(3,))
    i = pt.lscalar("i")
    g = rx.grad(pt.log1p(pick(x, i)), x)
    (gv,) = run_jax([x, i], [g], [np.array([1.0, 2.0, 3.0]), np.array(1)])
    np.testing.assert_allclose(gv, [0.0, 4.0 / 5.0, 0.0])


# -- the reverse scan is an ordinary graph ----------------------------------------------------------
def _simple_rnn():
    x = pt.matrix("x", shape=(5, 2))
    W = pt.matrix("W", shape=(2, 2))
    h0 = pt.vector("h0", shape=(2,))
    hs, _ = pt.scan(lambda xt, h, W: pt.tanh(pt.dot(W, h) + xt), sequences=[x], outputs_info=[h0], non_sequences=[W])
    return x, W, h0, hs


def test_scan_gradient_is_a_reverse_scan_with_a_numpy_reference():
    from rewrax.symbolic.control import Scan
    from rewrax.symbolic.numpy_eval import evaluate_numpy

    x, W, h0, hs = _simple_rnn()
    grads = rx.grad((hs ** 2).sum(), [x, W, h0])
    ops = [n.op for n in pt.toposort(grads)]
    assert not any("VJP" in str(op) for op in ops)
    reverse = [op for op in ops if isinstance(op, Scan) and any(op.final_only)]
    assert len(reverse) == 1
    assert "final_only" in rx.dprint(grads, file="str")
    vals = {x: rng.normal(size=(5, 2)), W: rng.normal(size=(2, 2)) * 0.5, h0: rng.normal(size=2)}
    by_numpy = evaluate_numpy(grads, vals)
    by_jax = run_jax([x, W, h0], grads, [vals[x], vals[W], vals[h0]])
    for a, b_ in zip(by_numpy, by_jax):
        np.testing.assert_allclose(a, b_, rtol=1e-12)


def test_scan_gradient_vectorizes_into_a_jacobian():
    x, W, h0, hs = _simple_rnn()
    J = rx.jacobian(hs[-1], h0)
    vals = [rng.normal(size=(5, 2)), rng.normal(size=(2, 2)) * 0.5, rng.normal(size=2)]
    (got,) = run_jax([x, W, h0], [J], vals)
    import jax

    f = rx.function([x, W, h0], hs[-1], mode="FAST_COMPILE").jax_fn
    with jax.enable_x64(True):
        want = jax.jacfwd(f, argnums=2)(*[jnp.asarray(v) for v in vals])
    np.testing.assert_allclose(got, np.asarray(want), rtol=1e-10)


def test_scan_gradient_with_a_longer_sequence_and_extra_initial_rows():
    def build(x, init):
        ys, _ = pt.scan(lambda xt, ym3, ym1: ym1 * 0.5 + ym3 * xt, sequences=[x],
                        outputs_info=[dict(initial=init, taps=[-3, -1])], n_steps=4)
        return ys

    # x has 6 entries but only 4 steps run; init has 4 rows but only the last 3 are read
    sym = check_grad(build, [rng.normal(size=6), rng.normal(size=4)])
    assert np.all(sym[0][4:] == 0) and sym[1][0] == 0


def test_scan_gradient_with_integer_sequences_and_outputs():
    def build(x, k):
        def step(xt, kt, h):
            return h * 0.9 + xt * pt.cast(kt, "float64"), kt * 2
        (hs, ks), _ = pt.scan(step, sequences=[x, k], outputs_info=[np.float64(0.0), None])
        return [hs, pt.cast(ks, "float64")]

    check_grad(build, [rng.normal(size=4), np.array([1, 2, 0, 3])])


def test_nested_scan_gradient():
    def build(x):
        def outer(xt, acc):
            inner, _ = pt.scan(lambda a, h: h * pt.sin(a) + 1.0, sequences=[xt], outputs_info=[acc])
            return inner[-1]
        ys, _ = pt.scan(outer, sequences=[x], outputs_info=[np.float64(0.3)])
        return ys

    check_grad(build, [rng.normal(size=(3, 2))])


def test_scan_with_zero_steps_passes_gradients_to_the_initial_state():
    h0 = pt.vector("h0", shape=(2,))
    x = pt.matrix("x", shape=(0, 2))
    hs, _ = pt.scan(lambda xt, h: h * 2 + xt, sequences=[x], outputs_info=[h0])
    g = rx.grad(hs.sum() + h0.sum(), h0)
    np.testing.assert_allclose(g.eval({h0: np.ones(2), x: np.zeros((0, 2))}), [1.0, 1.0])
