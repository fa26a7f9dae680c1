"""Gradients of linear algebra: dot, matmul (batch broadcasting), cholesky, solve, inv, det."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from test_grad_support import check_grad, check_hessian

import rewrax.symbolic as pt
import rewrax.symbolic.linalg as la


def spd(n, seed=0, batch=()):
    rng = np.random.default_rng(seed)
    a = rng.normal(size=batch + (n, n))
    return a @ np.swapaxes(a, -1, -2) + n * np.eye(n)


def well_conditioned(n, seed=0, batch=()):
    return np.random.default_rng(seed).normal(size=batch + (n, n)) * 0.3 + 2 * np.eye(n)


def lower_triangular(n, seed=0):
    return np.linalg.cholesky(spd(n, seed))


@st.composite
def matmul_shapes(draw):
    """Operand shapes for matmul: vectors or stacks of matrices with broadcasting batches."""
    m, k, n = (draw(st.integers(1, 3)) for _ in range(3))
    batch = draw(st.lists(st.integers(1, 3), max_size=2))
    def operand(core):
        rank = draw(st.integers(0, len(batch)))
        b = [1 if draw(st.booleans()) and draw(st.booleans()) else d for d in batch[len(batch) - rank:]]
        return tuple(b) + core
    a = (k,) if draw(st.integers(0, 4)) == 0 else operand((m, k))
    b = (k,) if draw(st.integers(0, 4)) == 0 else operand((k, n))
    return a, b


@settings(max_examples=12)
@given(shapes=matmul_shapes(), seed=st.integers(0, 1000))
def test_matmul_gradient_with_batch_broadcasting(shapes, seed):
    rng = np.random.default_rng(seed)
    a, b = (rng.normal(size=s) for s in shapes)
    check_grad(lambda x, y: pt.matmul(x, y), [a, b])


@pytest.mark.parametrize("shapes", [((3,), (3,)), ((2, 3), (3,)), ((3,), (3, 4)), ((2, 3), (3, 4))])
def test_dot_gradient(shapes):
    rng = np.random.default_rng(0)
    check_grad(lambda x, y: pt.dot(x, y), [rng.normal(size=s) for s in shapes])


def test_outer_and_trace_gradients():
    rng = np.random.default_rng(1)
    check_grad(lambda x, y: la.outer(x, y), [rng.normal(size=3), rng.normal(size=4)])
    check_grad(lambda x: la.trace(x), [rng.normal(size=(3, 3))])


@pytest.mark.parametrize("lower", [True, False])
@pytest.mark.parametrize("n", [1, 3])
def test_cholesky_gradient(lower, n):
    # the factorization reads a symmetric matrix: compare on symmetric perturbations
    check_grad(lambda a: la.cholesky((a + a.T) / 2, lower=lower), [spd(n, n)])


def test_batched_cholesky_gradient():
    check_grad(lambda a: la.cholesky((a + pt.swapaxes(a, -1, -2)) / 2), [spd(3, 2, batch=(2,))])


@pytest.mark.parametrize("assume_a", ["gen", "sym", "pos"])
@pytest.mark.parametrize("b_shape", [(3,), (3, 2)])
def test_solve_gradient(assume_a, b_shape):
    a = well_conditioned(3, 3) if assume_a == "gen" else spd(3, 3)
    b = np.random.default_rng(4).normal(size=b_shape)
    sym = (lambda m: (m + m.T) / 2) if assume_a != "gen" else (lambda m: m)
    check_grad(lambda m, v: la.solve(sym(m), v, assume_a=assume_a), [a, b])


def test_batched_solve_gradient_with_broadcast_matrix():
    a = well_conditioned(3, 5)
    b = np.random.default_rng(6).normal(size=(4, 3, 2))
    check_grad(lambda m, v: la.solve(m, v), [a[None], b])


@pytest.mark.parametrize("lower", [True, False])
@pytest.mark.parametrize("trans", [0, 1])
@pytest.mark.parametrize("unit_diagonal", [False, True])
@pytest.mark.parametrize("b_shape", [(3,), (3, 2)])
def test_solve_triangular_gradient(lower, trans, unit_diagonal, b_shape):
    L = lower_triangular(3, 7)
    a = L if lower else L.T
    b = np.random.default_rng(8).normal(size=b_shape)
    # only the referenced triangle enters: the other one has a zero gradient, as in JAX
    check_grad(lambda m, v: la.solve_triangular(m, v, lower=lower, trans=trans, unit_diagonal=unit_diagonal), [a, b])


def test_cho_solve_gradient():
    L = lower_triangular(3, 9)
    check_grad(lambda c, v: la.cho_solve((c, True), v), [L, np.arange(3.0)])


@pytest.mark.parametrize("fn", ["inv", "det", "logdet"])
def test_square_matrix_function_gradient(fn):
    a = well_conditioned(3, 11)
    build = {"inv": la.inv, "det": la.det, "logdet": lambda m: la.slogdet(m)[1]}[fn]
    check_grad(build, [a])


def test_slogdet_sign_has_no_gradient_and_logdet_of_negative_det():
    a = well_conditioned(3, 12) * np.array([[-1.0], [1.0], [1.0]])  # negative determinant
    assert np.linalg.det(a) < 0
    check_grad(lambda m: la.slogdet(m)[1] + la.slogdet(m)[0], [a])


def test_batched_det_and_inv_gradients():
    a = well_conditioned(3, 13, batch=(2,))
    check_grad(la.det, [a])
    check_grad(la.inv, [a])


LINALG_HESSIANS = {
    "dot": (lambda x: pt.dot(x, x.T), (2, 3)),
    "matmul batch": (lambda x: pt.matmul(x[None], pt.exp(x).T[None]), (2, 3)),
    "cholesky": (lambda x: la.cholesky((x + x.T) / 2), spd(3, 20)),
    "solve": (lambda x: la.solve(x, x[0]), well_conditioned(3, 21)),
    "solve pos": (lambda x: la.solve((x + x.T) / 2, x[:, :2], assume_a="pos"), spd(3, 22)),
    "solve_triangular": (lambda x: la.solve_triangular(pt.tril(x), x[0], lower=True), spd(3, 23)),
    "inv": (la.inv, well_conditioned(3, 24)),
    "det": (la.det, well_conditioned(3, 25)),
    "logdet": (lambda x: la.slogdet(x)[1], well_conditioned(3, 26)),
    "mvnormal logp": (lambda x: -0.5 * (la.solve_triangular(la.cholesky((x + x.T) / 2), np.ones(3), lower=True) ** 2).sum()
                      - pt.log(pt.diagonal(la.cholesky((x + x.T) / 2))).sum(), spd(3, 27)),
}


@pytest.mark.parametrize("name", sorted(LINALG_HESSIANS))
def test_linalg_hessian(name):
    build, value = LINALG_HESSIANS[name]
    if isinstance(value, tuple):
        value = np.random.default_rng(28).normal(size=value)
    check_hessian(build, value, rtol=1e-6, atol=1e-8)
