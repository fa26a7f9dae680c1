"""pt.linalg beyond the core: decompositions, solvers, norms, against NumPy/SciPy, with gradients."""

from __future__ import annotations

import numpy as np
import pytest
import scipy.linalg as sla
from test_grad_support import check_grad

import rewrax as rx
import rewrax.symbolic as pt
import rewrax.symbolic.linalg as la
from rewrax.symbolic import nlinalg, slinalg

RNG = np.random.default_rng(20261204)
A = RNG.normal(size=(4, 4))
SPD = A @ A.T + 4 * np.eye(4)
B = RNG.normal(size=(4, 2))
TALL = RNG.normal(size=(6, 3))


def ev(x):
    return [v.eval() for v in x] if isinstance(x, (list, tuple)) else x.eval()


VALUES = {
    "expm": (lambda: la.expm(A), lambda: sla.expm(A)),
    "expm batched": (lambda: la.expm(np.stack([A, SPD / 10])), lambda: np.stack([sla.expm(A), sla.expm(SPD / 10)])),
    "qr full": (lambda: la.qr(A), lambda: sla.qr(A)),
    "qr economic": (lambda: la.qr(TALL, mode="economic"), lambda: sla.qr(TALL, mode="economic")),
    "qr r": (lambda: la.qr(TALL, mode="r"), lambda: sla.qr(TALL, mode="r")),
    "lu_factor": (lambda: la.lu_factor(A), lambda: sla.lu_factor(A)),
    "lu": (lambda: la.lu(A), lambda: sla.lu(A)),
    "lu permute_l": (lambda: la.lu(A, permute_l=True), lambda: sla.lu(A, permute_l=True)),
    "lu p_indices": (lambda: la.lu(A, p_indices=True), lambda: sla.lu(A, p_indices=True)),
    "lu_solve": (lambda: la.lu_solve(la.lu_factor(A), B), lambda: sla.lu_solve(sla.lu_factor(A), B)),
    "lu_solve trans": (lambda: la.lu_solve(la.lu_factor(A), B[:, 0], trans=1),
                       lambda: sla.lu_solve(sla.lu_factor(A), B[:, 0], trans=1)),
    "eigvalsh": (lambda: la.eigvalsh(SPD), lambda: sla.eigvalsh(SPD)),
    "eigvalsh generalized": (lambda: la.eigvalsh(A + A.T, SPD), lambda: sla.eigvalsh(A + A.T, SPD)),
    "eigh": (lambda: la.eigh(SPD)[0], lambda: np.linalg.eigh(SPD)[0]),
    "eig values": (lambda: la.eig(A)[0], lambda: np.linalg.eig(A)[0]),
    "svd values": (lambda: la.svd(TALL, compute_uv=False), lambda: np.linalg.svd(TALL, compute_uv=False)),
    "pinv": (lambda: la.pinv(TALL), lambda: np.linalg.pinv(TALL)),
    "pinv hermitian": (lambda: la.pinv(SPD, hermitian=True), lambda: np.linalg.pinv(SPD, hermitian=True)),
    "lstsq": (lambda: la.lstsq(TALL, RNG.normal(size=(6, 2)) * 0 + TALL[:, :2] + 1),
              lambda: np.linalg.lstsq(TALL, TALL[:, :2] + 1, rcond=None)),
    "matrix_power 5": (lambda: la.matrix_power(A, 5), lambda: np.linalg.matrix_power(A, 5)),
    "matrix_power 0": (lambda: la.matrix_power(A, 0), lambda: np.linalg.matrix_power(A, 0)),
    "matrix_power -2": (lambda: la.matrix_power(A, -2), lambda: np.linalg.matrix_power(A, -2)),
    "kron": (lambda: la.kron(A, B), lambda: np.kron(A, B)),
    "kron vector-matrix": (lambda: la.kron(B[:, 0], A), lambda: np.kron(B[:, 0], A)),
    "block_diag": (lambda: la.block_diag(A, B, np.ones((1, 1))), lambda: sla.block_diag(A, B, np.ones((1, 1)))),
    "matrix_dot": (lambda: la.matrix_dot(A, SPD, B), lambda: A @ SPD @ B),
    "tensorinv": (lambda: la.tensorinv(RNG.normal(size=(2, 3, 6)) * 0 + np.eye(6).reshape(2, 3, 6) + 0.1),
                  lambda: np.linalg.tensorinv(np.eye(6).reshape(2, 3, 6) + 0.1)),
    "tensorsolve": (lambda: la.tensorsolve(np.eye(6).reshape(6, 2, 3) + 0.1, np.arange(6.0)),
                    lambda: np.linalg.tensorsolve(np.eye(6).reshape(6, 2, 3) + 0.1, np.arange(6.0))),
    "solve_sylvester": (lambda: la.solve_sylvester(A, SPD, B @ B.T), lambda: sla.solve_sylvester(A, SPD, B @ B.T)),
    "solve_continuous_lyapunov": (lambda: la.solve_continuous_lyapunov(A, SPD),
                                  lambda: sla.solve_continuous_lyapunov(A, SPD)),
    "solve_discrete_lyapunov": (lambda: la.solve_discrete_lyapunov(A / 4, SPD),
                                lambda: sla.solve_discrete_lyapunov(A / 4, SPD)),
    "solve transposed": (lambda: la.solve(A, B, transposed=True), lambda: np.linalg.solve(A.T, B)),
    "cho_solve": (lambda: la.cho_solve((la.cholesky(SPD), True), B),
                  lambda: sla.cho_solve((np.linalg.cholesky(SPD), True), B)),
}


@pytest.mark.parametrize("name", list(VALUES))
def test_values_match_numpy_scipy(name):
    build, ref = VALUES[name]
    got, want = ev(build()), ref()
    if isinstance(want, tuple):
        for g, w in zip(got, want):
            np.testing.assert_allclose(g, w, rtol=1e-9, atol=1e-10)
    else:
        np.testing.assert_allclose(got, want, rtol=1e-9, atol=1e-10)


NORMS = [(None, None), ("fro", None), ("nuc", None), (2, None), (-2, None), (1, None), (-1, None), (np.inf, None),
         (-np.inf, None), (None, 1), (3, 0), (0, 1), (np.inf, 1), (1, 0)]


@pytest.mark.parametrize("ord, axis", NORMS)
def test_norm_matches_numpy(ord, axis):
    x = A.copy()
    x[0, 0] = 0.0
    np.testing.assert_allclose(la.norm(x, ord, axis).eval(), np.linalg.norm(x, ord, axis), rtol=1e-12)


def test_norm_keepdims_and_vector():
    np.testing.assert_allclose(la.norm(A, axis=(0, 1), keepdims=True).eval(),
                               np.linalg.norm(A, axis=(0, 1), keepdims=True))
    np.testing.assert_allclose(la.norm(B[:, 0]).eval(), np.linalg.norm(B[:, 0]))


def _sym(x):
    return (x + x.T) / 2


GRADS = {
    "expm": (lambda x: la.expm(x), [A / 2]),
    "qr economic": (lambda x: la.qr(x, mode="economic"), [TALL]),
    "qr full square": (lambda x: la.qr(x), [A]),
    "qr r": (lambda x: la.qr(x, mode="r")[0], [TALL]),
    "lu_factor": (lambda x: la.lu_factor(x)[0], [A]),
    "lu_solve": (lambda x, b: la.lu_solve(la.lu_factor(x), b), [A, B]),
    "lu": (lambda x: la.lu(x)[1:], [A]),
    "eigh values": (lambda x: la.eigh(_sym(x))[0], [SPD]),
    "eigh vectors": (lambda x: la.eigh(_sym(x))[1] ** 2, [SPD]),  # squared: the sign of a vector is arbitrary
    "eigvalsh": (lambda x: la.eigvalsh(_sym(x)), [SPD]),
    "eigvalsh generalized": (lambda x, y: la.eigvalsh(_sym(x), _sym(y)), [A + A.T, SPD]),
    "svd values": (lambda x: la.svd(x, compute_uv=False), [TALL]),
    "pinv": (lambda x: la.pinv(x), [TALL]),
    "norm nuc": (lambda x: la.norm(x, "nuc"), [TALL]),
    "lstsq": (lambda x, b: la.lstsq(x, b)[0], [TALL, TALL[:, :2] + 1]),
    "matrix_power": (lambda x: la.matrix_power(x, 3), [A]),
    "kron": (lambda x, y: la.kron(x, y), [A, B]),
    "block_diag": (lambda x, y: la.block_diag(x, y), [A, B]),
    "solve_discrete_lyapunov": (lambda x, q: la.solve_discrete_lyapunov(x, q), [A / 4, SPD]),
    "solve_continuous_lyapunov": (lambda x, q: la.solve_continuous_lyapunov(x, q), [A, SPD]),
}


@pytest.mark.parametrize("name", list(GRADS))
def test_gradients_match_finite_differences_and_jax(name):
    build, values = GRADS[name]
    check_grad(build, values)


def test_vectorize_graph_batches_the_new_ops():
    x = pt.matrix("x", shape=(4, 4))
    xs = pt.tensor3("xs", shape=(2, 4, 4))
    batch = np.stack([A, A.T])
    for build, ref in [(la.expm, sla.expm), (lambda v: la.lu_factor(v)[0], lambda v: sla.lu_factor(v)[0]),
                       (lambda v: la.eigvalsh(_sym(v)), lambda v: sla.eigvalsh(_sym(v))),
                       (lambda v: la.qr(v)[1], lambda v: sla.qr(v)[1]), (la.pinv, np.linalg.pinv)]:
        out = rx.vectorize_graph(build(x), replace={x: xs})
        np.testing.assert_allclose(out.eval({xs: batch}), np.stack([ref(b) for b in batch]), rtol=1e-9, atol=1e-10)


def test_undefined_gradients_say_why():
    x = pt.matrix("x", shape=(4, 4))
    with pytest.raises(TypeError, match="eig of a general matrix has no gradient"):
        pt.grad(pt.real(la.eig(x)[0]).sum() if hasattr(pt, "real") else la.eig(x)[0].sum(), x)
    u, s, vh = la.svd(x)
    with pytest.raises(TypeError, match="singular vectors"):
        pt.grad(u.sum(), x)


BAD = [
    (lambda: la.expm(pt.matrix("m", shape=(2, 3))), ValueError, r"expm needs a square matrix, got shape \(2, 3\)"),
    (lambda: la.qr(pt.vector("v")), ValueError, "QR.*input 0 \\(v\\).*fewer than its 2 core dimensions"),
    (lambda: la.qr(pt.matrix("m"), mode="weird"), ValueError, "mode must be"),
    (lambda: la.eigh(pt.matrix("m"), UPLO="X"), ValueError, "UPLO must be 'L' or 'U'"),
    (lambda: la.norm(pt.matrix("m"), "bogus"), ValueError, "invalid ord"),
    (lambda: la.norm(pt.tensor3("t"), 2), ValueError, "give axis"),
    (lambda: la.block_diag(pt.vector("v")), ValueError, r"input 0 \(v\) must be a matrix"),
    (lambda: la.solve(pt.matrix("m"), pt.vector("v"), assume_a="nope"), ValueError, "assume_a must be one of"),
    (lambda: la.solve_discrete_lyapunov(np.eye(2), np.eye(2), method="x"), ValueError, "method must be"),
    (lambda: la.lstsq(pt.vector("v"), pt.vector("w")), ValueError, "lstsq: a must be a matrix"),
]


@pytest.mark.parametrize("build, exc, match", BAD)
def test_bad_input_is_named(build, exc, match):
    with pytest.raises(exc, match=match):
        build()


def test_namespaces_split_as_pytensor():
    for name in ["eig", "eigh", "svd", "pinv", "norm", "matrix_power", "kron", "lstsq", "tensorinv", "tensorsolve",
                 "matrix_dot", "inv", "det", "slogdet", "trace"]:
        assert getattr(pt.nlinalg, name) is getattr(la, name)
    for name in ["expm", "qr", "lu", "lu_factor", "lu_solve", "eigvalsh", "block_diag", "cholesky", "solve",
                 "solve_triangular", "cho_solve", "solve_sylvester", "solve_continuous_lyapunov",
                 "solve_discrete_lyapunov"]:
        assert getattr(pt.slinalg, name) is getattr(la, name)
    assert nlinalg.Eigh and slinalg.Expm
