"""The user-facing differentiation API: grad options, Lop/Rop, jacobian/hessian, errors."""

from __future__ import annotations

import warnings

import jax
import jax.numpy as jnp
import numpy as np
import pytest
from test_grad_support import run_jax

import rewrax as rx
import rewrax.symbolic as pt
from rewrax.symbolic.gradient import DisconnectedInputError
from rewrax.symbolic.op import NotDifferentiableError, UndefinedGrad

rng = np.random.default_rng(0)


def jax_fn(inputs, output):
    return rx.function(inputs, output, mode="FAST_COMPILE").jax_fn


# -- the seed's example ----------------------------------------------------------------------------
def test_gradient_of_log1p_sum_has_the_seed_structure():
    x = pt.tensor(shape=(3,), dtype="float64")
    g = rx.grad(pt.log1p(x).sum(), wrt=x)
    assert str(g.owner.op) == "True_div"
    second, add = g.owner.inputs
    assert str(second.owner.op) == "Second" and str(add.owner.op) == "Add"
    log1p = second.owner.inputs[0]
    assert str(log1p.owner.op) == "Log1p"
    expand = second.owner.inputs[1]
    assert str(expand.owner.op) == "ExpandDims{axis=0}"
    inner_second = expand.owner.inputs[0]
    assert str(inner_second.owner.op) == "Second"
    total, one = inner_second.owner.inputs
    assert str(total.owner.op) == "Sum{axes=None}" and total.owner.inputs[0] is log1p  # shared: printed ···
    assert float(one.data) == 1.0
    assert add.owner.inputs[1] is x
    text = rx.dprint(g, file="str")
    assert text.count("Log1p [id C]") == 2 and "···" in text
    np.testing.assert_allclose(g.eval({x: np.array([0, 1, np.e])}), 1 / (1 + np.array([0, 1, np.e])), rtol=1e-15)


def test_grad_leaves_the_cost_graph_untouched():
    x = pt.vector("x")
    y = pt.exp(x) * x
    before = rx.dprint(y, file="str")
    rx.grad(y.sum(), x)
    rx.hessian(y.sum(), x)
    assert rx.dprint(y, file="str") == before


# -- wrt structure and intermediate variables ------------------------------------------------------
def test_wrt_structure_and_total_derivative_through_an_intermediate():
    x = pt.scalar("x")
    y = pt.exp(x)
    cost = y * x
    gy, gx = rx.grad(cost, [y, x])  # x's gradient includes the path through y
    vals = run_jax([x], [gy, gx], [np.array(1.0)])
    np.testing.assert_allclose(vals, [1.0, 2 * np.e])
    assert isinstance(rx.grad(cost, (x,)), list)
    assert not isinstance(rx.grad(cost, x), list)


def test_grad_with_respect_to_the_cost_itself_and_a_shared_variable():
    w = rx.shared(np.array([1.0, 2.0]), name="w")
    cost = (w ** 2).sum()
    assert float(rx.grad(cost, cost).eval()) == 1.0
    np.testing.assert_allclose(rx.grad(cost, w).eval(), [2.0, 4.0])


def test_add_names():
    x = pt.vector("x")
    cost = pt.sum(x ** 2)
    cost.name = "cost"
    assert rx.grad(cost, x).name == "(dcost/dx)"
    assert rx.grad(cost, x, add_names=False).name is None


# -- disconnected inputs -------------------------------------------------------------------------
def test_disconnected_inputs_raise_warn_ignore():
    x, y = pt.vector("x"), pt.vector("y")
    cost = (x ** 2).sum()
    with pytest.raises(DisconnectedInputError, match="does not depend on y"):
        rx.grad(cost, [x, y])
    with pytest.warns(UserWarning, match="does not depend on y"):
        gx, gy = rx.grad(cost, [x, y], disconnected_inputs="warn")
    np.testing.assert_allclose(gy.eval({y: np.ones(2)}), [0.0, 0.0])
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        gx, gy = rx.grad(cost, [x, y], disconnected_inputs="ignore")
    assert gy.type.shape == y.type.shape
    with pytest.raises(ValueError, match="disconnected_inputs must be one of"):
        rx.grad(cost, x, disconnected_inputs="zero")


@pytest.mark.parametrize("choice", ["none", "None", "disconnected", "Disconnected"])
def test_return_disconnected_none(choice):
    x, y = pt.vector("x"), pt.vector("y")
    gx, gy = rx.grad((x ** 2).sum(), [x, y], disconnected_inputs="ignore", return_disconnected=choice)
    assert gy is None and gx is not None


def test_disconnected_grad_and_zero_grad():
    x = pt.scalar("x")
    # disconnected_grad: the factor is a constant; the cost does not depend on x through it
    g = rx.grad(x * rx.disconnected_grad(pt.exp(x)), x)
    assert float(g.eval({x: 1.0})) == pytest.approx(np.e)
    with pytest.raises(DisconnectedInputError):
        rx.grad(rx.disconnected_grad(x) ** 2, x)
    # zero_grad: still connected, the gradient through it is zero
    assert float(rx.grad(pt.zero_grad(x) ** 2, x).eval({x: 3.0})) == 0.0
    # in value both are the identity, and JAX agrees with the gradients
    f = jax_fn([x], x * rx.disconnected_grad(pt.exp(x)) + pt.zero_grad(x) ** 2)
    with jax.enable_x64(True):
        assert float(jax.grad(f)(1.0)) == pytest.approx(np.e)


def test_consider_constant():
    x = pt.scalar("x")
    y = pt.exp(x)
    cost = y * x
    g = rx.grad(cost, x, consider_constant=[y])
    assert float(g.eval({x: 1.0})) == pytest.approx(np.e)
    with pytest.raises(DisconnectedInputError):
        rx.grad(y, x, consider_constant=[y])
    with pytest.raises(TypeError, match="consider_constant must be symbolic variables"):
        rx.grad(cost, x, consider_constant=[1.0])


def test_known_grads():
    x = pt.vector("x", shape=(2,))
    y = pt.exp(x)
    g = rx.grad(None, x, known_grads={y: np.array([1.0, 2.0])})
    np.testing.assert_allclose(g.eval({x: np.zeros(2)}), [1.0, 2.0])
    # added to the cost's own gradient
    g = rx.grad(y.sum(), x, known_grads={y: np.array([1.0, 2.0])})
    np.testing.assert_allclose(g.eval({x: np.zeros(2)}), [2.0, 3.0])
    with pytest.raises(ValueError, match="has rank 0"):
        rx.grad(None, x, known_grads={y: 1.0})
    with pytest.raises(ValueError, match="size 3 in dimension 0"):
        rx.grad(None, x, known_grads={y: np.ones(3)})
    with pytest.raises(ValueError, match="give a cost, or known_grads"):
        rx.grad(None, x)


# -- errors ---------------------------------------------------------------------------------------
def test_non_scalar_and_integer_costs_are_errors():
    x = pt.vector("x")
    with pytest.raises(TypeError, match="the cost must be a scalar, got .* Vector"):
        rx.grad(pt.exp(x), x)
    n = pt.lvector("n")
    with pytest.raises(NotDifferentiableError, match="integer-valued"):
        rx.grad(n.sum(), n)
    with pytest.raises(NotDifferentiableError, match="the cost .* is integer-valued"):
        rx.grad(pt.argmax(x), x)


def test_integer_wrt_and_non_variable_wrt_are_errors():
    x, n = pt.vector("x"), pt.lscalar("n")
    with pytest.raises(NotDifferentiableError, match="with respect to n of type .*int64.*integer-valued"):
        rx.grad((x * n).sum(), n)
    with pytest.raises(TypeError, match="wrt must be symbolic variables, got 1.0"):
        rx.grad(x.sum(), [x, 1.0])
    with pytest.raises(TypeError, match="wrt must be a symbolic variable or a list"):
        rx.grad(x.sum(), "x")


def test_random_draws_are_not_differentiable_in_their_parameters():
    mu = pt.scalar("mu")
    draw = pt.random.normal(mu, 1.0)
    with pytest.raises(NotDifferentiableError, match=r"respect to mu: .*input 2 of normal_rv.*random draws"):
        rx.grad(draw ** 2, mu)


def test_undefined_gradient_names_the_wrt_it_reaches():
    a, b, x = pt.scalar("a"), pt.scalar("b"), pt.scalar("x")
    cost = pt.gammainc(a, x) + b ** 2
    np.testing.assert_allclose(rx.grad(cost, b).eval({a: 1.0, b: 3.0, x: 1.0}), 6.0)  # b's gradient is fine
    with pytest.raises(NotDifferentiableError, match="with respect to a: the gradient flows through input 0 of gammainc"):
        rx.grad(cost, [b, a])
    # an undefined gradient through an intermediate reaches everything upstream
    with pytest.raises(NotDifferentiableError, match="respect to x"):
        rx.grad(pt.gammainc(pt.exp(x), 2.0), x)
    ga = rx.grad(cost, a, null_gradients="return")
    assert isinstance(ga, UndefinedGrad)
    with pytest.raises(ValueError, match="null_gradients must be one of"):
        rx.grad(cost, a, null_gradients="ignore")


# -- Lop / Rop -------------------------------------------------------------------------------------
def _vjp_jvp_case():
    A = pt.matrix("A", shape=(3, 2))
    x = pt.vector("x", shape=(2,))
    f = pt.tanh(pt.dot(A, x)) * pt.exp(x).sum()
    Av, xv = rng.normal(size=(3, 2)), rng.normal(size=2)
    return A, x, f, Av, xv


def test_lop_matches_jax_vjp():
    A, x, f, Av, xv = _vjp_jvp_case()
    u = pt.vector("u", shape=(3,))
    gA, gx = rx.Lop(f, [A, x], u)
    uv = rng.normal(size=3)
    got = run_jax([A, x, u], [gA, gx], [Av, xv, uv])
    fn = jax_fn([A, x], f)
    with jax.enable_x64(True):
        _, pull = jax.vjp(fn, jnp.asarray(Av), jnp.asarray(xv))
        want = pull(jnp.asarray(uv))
    for a, b in zip(got, want):
        np.testing.assert_allclose(a, np.asarray(b), rtol=1e-12)
    assert not isinstance(rx.Lop(f, x, u), list)


def test_rop_matches_jax_jvp():
    A, x, f, Av, xv = _vjp_jvp_case()
    vA, vx = pt.matrix("vA", shape=(3, 2)), pt.vector("vx", shape=(2,))
    jv = rx.Rop(f, [A, x], [vA, vx])
    vAv, vxv = rng.normal(size=(3, 2)), rng.normal(size=2)
    (got,) = run_jax([A, x, vA, vx], [jv], [Av, xv, vAv, vxv])
    fn = jax_fn([A, x], f)
    with jax.enable_x64(True):
        _, want = jax.jvp(fn, (jnp.asarray(Av), jnp.asarray(xv)), (jnp.asarray(vAv), jnp.asarray(vxv)))
    np.testing.assert_allclose(got, np.asarray(want), rtol=1e-12)
    assert "rop_seed" not in rx.dprint(jv, file="str")


def test_rop_of_several_outputs_and_disconnected_outputs():
    x, v = pt.vector("x", shape=(2,)), pt.vector("v", shape=(2,))
    y = pt.vector("y", shape=(2,))
    r1, r2 = rx.Rop([x ** 2, pt.sin(x).sum()], x, v)
    got = run_jax([x, v], [r1, r2], [np.array([1.0, 2.0]), np.array([0.5, -1.0])])
    np.testing.assert_allclose(got[0], [1.0, -4.0])
    np.testing.assert_allclose(got[1], 0.5 * np.cos(1.0) - np.cos(2.0))
    with pytest.raises(DisconnectedInputError, match="Rop: the expression .* does not depend on x"):
        rx.Rop(y * 2, x, v)
    zero = rx.Rop(y * 2, x, v, disconnected_outputs="ignore")
    np.testing.assert_allclose(zero.eval({y: np.ones(2)}), [0.0, 0.0])
    with pytest.raises(ValueError, match="eval point for x .* rank 0"):
        rx.Rop(x ** 2, x, 1.0)


def test_second_order_via_rop_of_a_gradient_is_a_hessian_vector_product():
    x, v = pt.vector("x", shape=(3,)), pt.vector("v", shape=(3,))
    cost = (pt.exp(x) * x).sum() + pt.prod(x)
    hv = rx.Rop(rx.grad(cost, x), x, v)
    xv, vv = rng.normal(size=3), rng.normal(size=3)
    (got,) = run_jax([x, v], [hv], [xv, vv])
    with jax.enable_x64(True):
        H = jax.hessian(jax_fn([x], cost))(jnp.asarray(xv))
    np.testing.assert_allclose(got, np.asarray(H) @ vv, rtol=1e-10)


# -- jacobian / hessian ---------------------------------------------------------------------------
@pytest.mark.parametrize("vectorize", [True, False])
def test_jacobian_matches_jax_jacobians(vectorize):
    x = pt.matrix("x", shape=(2, 3))
    w = pt.vector("w", shape=(3,))
    out = pt.exp(x) @ w * pt.sum(x ** 2)
    Jx, Jw = rx.jacobian(out, [x, w], vectorize=vectorize)
    assert Jx.type.shape == (2, 2, 3) and Jw.type.shape == (2, 3)
    xv, wv = rng.normal(size=(2, 3)), rng.normal(size=3)
    got = run_jax([x, w], [Jx, Jw], [xv, wv])
    fn = jax_fn([x, w], out)
    with jax.enable_x64(True):
        fwd = jax.jacfwd(fn, argnums=(0, 1))(jnp.asarray(xv), jnp.asarray(wv))
        rev = jax.jacrev(fn, argnums=(0, 1))(jnp.asarray(xv), jnp.asarray(wv))
    for a, b, c in zip(got, fwd, rev):
        np.testing.assert_allclose(a, np.asarray(b), rtol=1e-10)
        np.testing.assert_allclose(a, np.asarray(c), rtol=1e-10)


def test_jacobian_of_a_matrix_expression_and_unknown_sizes():
    x = pt.vector("x")  # size unknown until run time
    J = rx.jacobian(pt.outer(x, x), x)
    xv = np.array([1.0, 2.0, 3.0])
    expected = np.einsum("ik,j->ijk", np.eye(3), xv) + np.einsum("i,jk->ijk", xv, np.eye(3))
    np.testing.assert_allclose(J.eval({x: xv}), expected)


def test_jacobian_of_a_scalar_is_the_gradient_and_disconnected_parts_are_zero():
    x, y = pt.vector("x", shape=(2,)), pt.vector("y", shape=(2,))
    np.testing.assert_allclose(rx.jacobian((x ** 2).sum(), x).eval({x: np.ones(2)}), [2.0, 2.0])
    with pytest.raises(DisconnectedInputError):
        rx.jacobian(x ** 2, y)
    J = rx.jacobian(x ** 2, [x, y], disconnected_inputs="ignore")
    assert J[1].type.shape == (2, 2)
    np.testing.assert_allclose(J[1].eval({y: np.ones(2)}), np.zeros((2, 2)))
    # a pullback that does not depend on the seed (sign) still gets the full jacobian shape
    np.testing.assert_allclose(rx.jacobian(pt.sign(x), x).eval({x: np.ones(2)}), np.zeros((2, 2)))


@pytest.mark.parametrize("vectorize", [True, False])
def test_hessian_of_a_matrix_variable(vectorize):
    x = pt.matrix("x", shape=(2, 2))
    cost = pt.log(pt.exp(x).sum()) * pt.det(x)
    H = rx.hessian(cost, x, vectorize=vectorize)
    assert H.type.shape == (2, 2, 2, 2)
    xv = rng.normal(size=(2, 2))
    (got,) = run_jax([x], [H], [xv])
    with jax.enable_x64(True):
        want = jax.hessian(jax_fn([x], cost))(jnp.asarray(xv))
    np.testing.assert_allclose(got, np.asarray(want), rtol=1e-9, atol=1e-12)


def test_hessian_of_several_wrt_and_a_linear_cost():
    x, y = pt.vector("x", shape=(2,)), pt.vector("y", shape=(2,))
    Hx, Hy = rx.hessian((x * y).sum() + (y ** 3).sum(), [x, y])
    vals = run_jax([x, y], [Hx, Hy], [np.ones(2), np.array([1.0, 2.0])])
    np.testing.assert_allclose(vals[0], np.zeros((2, 2)))  # linear in x
    np.testing.assert_allclose(vals[1], np.diag([6.0, 12.0]))


def test_gradient_graphs_compile_with_rewrites_and_vectorize_again():
    x = pt.vector("x", shape=(3,))
    g = rx.grad(pt.log1p(pt.exp(x)).sum(), x)
    f = rx.function([x], g)  # default mode: the rewrite pipeline runs on the gradient
    np.testing.assert_allclose(f(np.array([0.0, 1.0, -1.0])), 1 / (1 + np.exp(-np.array([0.0, 1.0, -1.0]))))
    X = pt.matrix("X", shape=(4, 3))
    G = rx.vectorize_graph(g, {x: X})
    Xv = rng.normal(size=(4, 3))
    np.testing.assert_allclose(G.eval({X: Xv}), 1 / (1 + np.exp(-Xv)), rtol=1e-12)
