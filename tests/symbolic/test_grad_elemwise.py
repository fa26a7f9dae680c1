"""Gradients of every element-wise scalar op, for each input, with broadcasting.

Hypothesis draws broadcast-compatible shapes (static size-1 dimensions broadcast) and values
inside each op's domain, away from kinks where finite differences are meaningless.
"""

from __future__ import annotations

import numpy as np
import pytest
import scipy.special as sps
from hypothesis import assume, given, settings
from hypothesis import strategies as st
from test_grad_support import check_grad, check_hessian

import rewrax as rx
import rewrax.symbolic as pt
from rewrax.symbolic.math import ELEMWISE
from rewrax.symbolic.op import NotDifferentiableError
from rewrax.symbolic.scalar import SCALAR_OPS

# op -> (domain of each input), for ops whose gradient exists for every input
DOMAINS = {
    "add": [(-3, 3)] * 3, "mul": [(-3, 3)] * 3, "sub": [(-3, 3)] * 2, "true_div": [(-3, 3), (0.5, 3)],
    "pow": [(0.5, 3), (-2, 2)], "neg": [(-3, 3)], "sqr": [(-3, 3)], "identity": [(-3, 3)],
    "reciprocal": [(0.5, 3)], "exp": [(-3, 3)], "exp2": [(-3, 3)], "expm1": [(-3, 3)], "log": [(0.2, 5)],
    "log2": [(0.2, 5)], "log10": [(0.2, 5)], "log1p": [(-0.8, 5)], "log1mexp": [(-5, -0.05)],
    "softplus": [(-5, 5)], "sigmoid": [(-5, 5)], "logit": [(0.05, 0.95)], "logaddexp": [(-3, 3)] * 2,
    "xlogy": [(-3, 3), (0.2, 5)], "xlog1py": [(-3, 3), (-0.8, 5)], "sqrt": [(0.2, 5)], "cbrt": [(0.2, 5)],
    "sin": [(-3, 3)], "cos": [(-3, 3)], "tan": [(-1.2, 1.2)], "arcsin": [(-0.9, 0.9)], "arccos": [(-0.9, 0.9)],
    "arctan": [(-3, 3)], "sinh": [(-3, 3)], "cosh": [(-3, 3)], "tanh": [(-3, 3)], "arcsinh": [(-3, 3)],
    "arccosh": [(1.2, 5)], "arctanh": [(-0.9, 0.9)], "erf": [(-2.5, 2.5)], "erfc": [(-2.5, 2.5)],
    "erfcx": [(-2, 5)], "erfinv": [(-0.9, 0.9)], "erfcinv": [(0.1, 1.9)], "log_ndtr": [(-5, 5)],
    "ndtri": [(0.05, 0.95)], "gammaln": [(0.3, 6)], "digamma": [(0.3, 6)], "trigamma": [(0.3, 6)],
    "betaln": [(0.3, 5)] * 2,
}
# ops with a kink or a jump: values are kept away from it (guard(*values) must hold)
GUARDED = {
    "abs": ([(-3, 3)], lambda x: np.all(np.abs(x) > 0.05)),
    "sign": ([(-3, 3)], lambda x: np.all(np.abs(x) > 0.05)),
    "maximum": ([(-3, 3)] * 2, lambda a, b: np.all(np.abs(a - b) > 0.05)),
    "minimum": ([(-3, 3)] * 2, lambda a, b: np.all(np.abs(a - b) > 0.05)),
    "arctan2": ([(-3, 3)] * 2, lambda a, b: np.all(a ** 2 + b ** 2 > 0.1)),
    "mod": ([(-3, 3), (0.5, 2)], lambda a, b: np.all(np.abs((a / b) % 1 - 0.5) < 0.4)),
    "int_div": ([(-3, 3), (0.5, 2)], lambda a, b: np.all(np.abs((a / b) % 1 - 0.5) < 0.4)),
    "i0e": ([(-4, 4)], lambda x: np.all(np.abs(x) > 0.05)),
    "i1e": ([(-4, 4)], lambda x: np.all(np.abs(x) > 0.05)),
    "floor": ([(-3, 3)], lambda x: np.all(np.abs(x % 1 - 0.5) < 0.4)),
    "ceil": ([(-3, 3)], lambda x: np.all(np.abs(x % 1 - 0.5) < 0.4)),
    "trunc": ([(-3, 3)], lambda x: np.all(np.abs(x % 1 - 0.5) < 0.4)),
    "round_half_to_even": ([(-3, 3)], lambda x: np.all(np.abs(x % 1 - 0.5) > 0.1) and np.all(np.abs(x % 1) > 0.1)
                           and np.all(np.abs(x % 1) < 0.9)),
    "clip": ([(-3, 3), (-1, -0.5), (0.5, 1)], lambda x, lo, hi: np.all(np.abs(x - lo) > 0.05) and np.all(np.abs(x - hi) > 0.05)),
}
NOT_DIFFERENTIABLE_OUTPUT = ("isnan", "isinf", "isfinite", "eq", "neq", "lt", "le", "gt", "ge", "and_", "or_", "xor", "invert")
SPECIAL = ("second", "switch", "gammainc", "gammaincc", "betainc", "polygamma")


def test_every_scalar_op_is_covered():
    covered = set(DOMAINS) | set(GUARDED) | set(NOT_DIFFERENTIABLE_OUTPUT) | set(SPECIAL)
    missing = sorted(set(SCALAR_OPS) - covered)
    assert not missing, f"scalar ops without a gradient test: {missing}"


@st.composite
def broadcast_shapes(draw, n):
    """``n`` shapes that broadcast together (static size-1 dims and missing leading dims)."""
    full = draw(st.lists(st.integers(1, 3), min_size=0, max_size=2))
    shapes = []
    for _ in range(n):
        rank = draw(st.integers(0, len(full)))
        suffix = full[len(full) - rank:]
        shapes.append(tuple(1 if draw(st.booleans()) and d > 1 and draw(st.booleans()) else d for d in suffix))
    return shapes


def _values(draw, domains, shapes):
    out = []
    for (lo, hi), shape in zip(domains, shapes):
        seed = draw(st.integers(0, 2 ** 31 - 1))
        out.append(np.random.default_rng(seed).uniform(lo, hi, size=shape))
    return out


def _apply(name):
    op = ELEMWISE[name]
    return lambda *xs: op(*xs)


# special functions whose JAX kernels compile slowly for every new shape: fewer examples
SLOW_TO_COMPILE = ("betaln", "erfcinv", "ndtri", "erfinv", "digamma", "trigamma", "gammaln")


def _check_elemwise(name, data):
    domains = DOMAINS[name]
    if SCALAR_OPS[name].nin == -1:
        domains = domains[: data.draw(st.integers(2, len(domains)))]
    shapes = data.draw(broadcast_shapes(len(domains)))
    values = _values(data.draw, domains, shapes)
    check_grad(_apply(name), values, fd_rtol=2e-5, fd_atol=2e-6)


@pytest.mark.parametrize("name", sorted(set(DOMAINS) - set(SLOW_TO_COMPILE)))
@settings(max_examples=6)
@given(data=st.data())
def test_elemwise_gradient(name, data):
    _check_elemwise(name, data)


@pytest.mark.parametrize("name", SLOW_TO_COMPILE)
@settings(max_examples=3)
@given(data=st.data())
def test_special_function_gradient(name, data):
    _check_elemwise(name, data)


@pytest.mark.parametrize("name", sorted(GUARDED))
@settings(max_examples=6)
@given(data=st.data())
def test_elemwise_gradient_away_from_kinks(name, data):
    domains, guard = GUARDED[name]
    shapes = data.draw(broadcast_shapes(len(domains)))
    values = _values(data.draw, domains, shapes)
    assume(guard(*np.broadcast_arrays(*values)))
    check_grad(_apply(name), values)


@pytest.mark.parametrize("static", [True, False])
def test_gradient_with_unknown_shapes(static):
    # no static shapes: the pullback sums nothing away, the values still agree
    check_grad(lambda x, y: pt.log1p(x * y) + pt.exp(y), [np.array([0.5, 1.5]), np.array([0.3, 0.9])], static=static)


def test_broadcast_input_gradient_is_summed_over_the_broadcast_dims():
    x = pt.tensor("x", shape=(1, 3))
    y = pt.tensor("y", shape=(4, 1))
    g = rx.grad((x * y).sum(), x)
    assert g.type.shape == (1, 3)
    xv, yv = np.ones((1, 3)), np.arange(4.0).reshape(4, 1)
    np.testing.assert_allclose(g.eval({x: xv, y: yv}), np.full((1, 3), 6.0))


def test_switch_gradient_goes_to_the_selected_branch():
    c = np.array([True, False, True])
    check_grad(lambda c, a, b: pt.switch(c, a * b, b ** 2), [c, np.array([0.5, -1.0, 2.0]), np.array([1.5, 0.2, -0.7])])


def test_second_is_disconnected_from_its_shape_argument():
    x, y = pt.vector("x", shape=(3,)), pt.scalar("y")
    cost = pt.second(x, y).sum()
    with pytest.raises(rx.symbolic.DisconnectedInputError, match="does not depend on x"):
        rx.grad(cost, x)
    gx, gy = rx.grad(cost, [x, y], disconnected_inputs="ignore")
    np.testing.assert_allclose(gx.eval({x: np.ones(3)}), np.zeros(3))
    assert float(gy.eval({x: np.ones(3), y: 2.0})) == 3.0


@pytest.mark.parametrize("name", ["gammainc", "gammaincc"])
def test_incomplete_gamma_gradient_in_x_and_clear_error_in_a(name):
    fn = getattr(pt, name)
    a = np.array([0.7, 2.0, 3.5])
    check_grad(lambda x: fn(a, x), [np.array([0.4, 1.3, 2.9])])
    av, xv = pt.vector("a", shape=(3,)), pt.vector("x", shape=(3,))
    with pytest.raises(NotDifferentiableError, match=rf"respect to a: .*input 0 of {name}.*shape parameter"):
        rx.grad(fn(av, xv).sum(), av)
    # the shape parameter may be a (non-differentiated) variable
    g = rx.grad(fn(av, xv).sum(), xv)
    expected = np.exp((a - 1) * np.log([0.4, 1.3, 2.9]) - [0.4, 1.3, 2.9] - sps.gammaln(a))
    np.testing.assert_allclose(g.eval({av: a, xv: np.array([0.4, 1.3, 2.9])}), expected * (1 if name == "gammainc" else -1))


def test_betainc_gradient_in_x_only():
    a, b = np.array([0.8, 2.0]), np.array([1.5, 3.0])
    check_grad(lambda x: pt.betainc(a, b, x), [np.array([0.3, 0.6])])
    av = pt.vector("a", shape=(2,))
    with pytest.raises(NotDifferentiableError, match="input 0 of betainc"):
        rx.grad(pt.betainc(av, b, np.array([0.3, 0.6])).sum(), av)


def test_null_gradients_return_gives_the_marker():
    a, x = pt.scalar("a"), pt.scalar("x")
    ga, gx = rx.grad(pt.gammainc(a, x), [a, x], null_gradients="return")
    assert isinstance(ga, rx.symbolic.UndefinedGrad)
    assert "shape parameter" in ga.reason
    assert float(gx.eval({a: 2.0, x: 1.0})) == pytest.approx(np.exp(-1.0))


def test_polygamma_gradient_in_x():
    check_grad(lambda n, x: pt.polygamma(n, x), [np.array([0, 1, 2]), np.array([0.7, 1.5, 3.0])])
    x = pt.vector("x")
    np.testing.assert_allclose(rx.grad(pt.trigamma(x).sum(), x).eval({x: np.array([0.5, 2.0])}),
                               sps.polygamma(2, [0.5, 2.0]))


@pytest.mark.parametrize("name", NOT_DIFFERENTIABLE_OUTPUT)
def test_boolean_outputs_are_disconnected(name):
    x = pt.vector("x", shape=(3,))
    op = ELEMWISE[name]
    args = [x > 0] * op.scalar_op.nin if name in ("and_", "or_", "xor", "invert") else [x] * op.scalar_op.nin
    cost = pt.cast(op(*args), "float64").sum() + 0 * x[0]
    g = rx.grad(cost, x, disconnected_inputs="ignore")
    np.testing.assert_allclose(g.eval({x: np.array([1.0, -2.0, 3.0])}), 0.0)
    with pytest.raises(rx.symbolic.DisconnectedInputError):
        rx.grad(pt.cast(op(*args), "float64").sum(), x)


def test_cast_gradient_comes_back_in_the_input_dtype():
    x = pt.vector("x", dtype="float32")
    y = pt.cast(x, "float64") ** 2
    g = rx.grad(y.sum(), x)
    assert g.type.dtype == "float32"
    np.testing.assert_allclose(g.eval({x: np.array([1.0, 2.0], dtype="float32")}), [2.0, 4.0])


def test_gradient_through_an_integer_cast_is_disconnected():
    x = pt.vector("x")
    y = pt.cast(pt.cast(x, "int64"), "float64")
    with pytest.raises(rx.symbolic.DisconnectedInputError):
        rx.grad(y.sum(), x)


# second derivatives of the functions that log-densities use
HESSIAN_OPS = ["exp", "log", "log1p", "expm1", "sigmoid", "softplus", "log1mexp", "logit", "sqrt", "tanh",
               "erf", "erfc", "erfcx", "log_ndtr", "gammaln", "digamma", "trigamma", "betaln", "xlogy",
               "xlog1py", "logaddexp", "pow", "true_div", "sqr", "reciprocal", "arctan", "ndtri", "erfinv"]


@pytest.mark.parametrize("name", HESSIAN_OPS)
def test_elemwise_hessian(name):
    domains = (DOMAINS[name] * 2)[: max(SCALAR_OPS[name].nin, 1)]
    rng = np.random.default_rng(1)
    base = rng.uniform(*domains[-1], size=3)
    if len(domains) == 1:
        build = _apply(name)
    else:  # differentiate every argument at once: they are functions of the same x
        others = [rng.uniform(lo, hi, size=3) for lo, hi in domains[:-1]]
        lo, hi = domains[-1]
        build = (lambda x: ELEMWISE[name](*[pt.constant(o) + 0.1 * x for o in others], x))
    check_hessian(build, base, rtol=1e-6, atol=1e-8)


def test_hessian_of_abs_is_zero_not_an_error():
    x = pt.vector("x", shape=(3,))
    H = rx.hessian(abs(x).sum(), x)
    np.testing.assert_allclose(H.eval({x: np.array([1.0, -2.0, 3.0])}), np.zeros((3, 3)))
