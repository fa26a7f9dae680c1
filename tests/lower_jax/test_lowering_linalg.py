"""Linear algebra, sorting and Blockwise: JAX == NumPy reference == NumPy/SciPy."""

import numpy as np
import pytest
import scipy.linalg as sla
from hypothesis import given, settings
from hypothesis import strategies as st

import rewrax.symbolic as pt
from rewrax.symbolic.blockwise import Blockwise
from rewrax.symbolic.linalg import Cholesky
from lowering_checks import assert_lowering_matches

RNG = np.random.default_rng(11)


def spd(n, batch=()):
    a = RNG.normal(size=(*batch, n, n))
    return a @ np.swapaxes(a, -1, -2) + n * np.eye(n)


def test_dot_and_matmul_every_rank_combination():
    v, w = pt.vector("v"), pt.vector("w")
    m, k = pt.matrix("m"), pt.matrix("k")
    t = pt.tensor3("t")
    vv, ww, mm, kk, tt = RNG.normal(size=3), RNG.normal(size=4), RNG.normal(size=(4, 3)), RNG.normal(size=(3, 4)), \
        RNG.normal(size=(2, 4, 3))
    outs = [pt.dot(v, v), pt.dot(m, v), pt.dot(w, m), pt.dot(m, k), v.dot(v), m @ v, w @ m, m @ k, t @ v, t @ k,
            k @ t, pt.matmul(t, pt.swapaxes(t, 1, 2)), pt.outer(v, w), pt.dot(2.0, v), mm @ v, k @ mm]
    ref = [vv @ vv, mm @ vv, ww @ mm, mm @ kk, vv @ vv, mm @ vv, ww @ mm, mm @ kk, tt @ vv, tt @ kk, kk @ tt,
           tt @ np.swapaxes(tt, 1, 2), np.outer(vv, ww), 2 * vv, mm @ vv, kk @ mm]
    assert_lowering_matches([v, w, m, k, t], outs, [vv, ww, mm, kk, tt], numpy_ref=lambda *_: ref)


def test_matmul_broadcasts_batch_dimensions():
    a = pt.tensor("a", shape=(2, 1, None, None))
    b = pt.tensor("b", shape=(3, None, None))
    av, bv = RNG.normal(size=(2, 1, 4, 5)), RNG.normal(size=(3, 5, 2))
    out = a @ b
    assert out.type.shape == (2, 3, None, None)
    assert_lowering_matches([a, b], out, [av, bv], numpy_ref=np.matmul)


def test_integer_matmul_stays_integer():
    a = pt.imatrix("a")
    av = RNG.integers(-5, 5, (3, 3)).astype("int32")
    out = a @ a
    assert out.type.dtype == (av @ av).dtype.name
    assert_lowering_matches([a], out, [av], numpy_ref=lambda x: x @ x)


def test_factorizations_and_solves():
    a, b, bm = pt.matrix("a"), pt.vector("b"), pt.matrix("bm")
    av, bv, bmv = spd(4), RNG.normal(size=4), RNG.normal(size=(4, 2))
    low, up = np.tril(av), np.triu(av)
    L = pt.cholesky(a)
    outs = [L, pt.cholesky(a, lower=False), pt.solve(a, b), pt.solve(a, bm), pt.solve(a, b, assume_a="pos"),
            pt.solve(a, bm, assume_a="sym"), pt.solve_triangular(pt.tril(a), b, lower=True),
            pt.solve_triangular(pt.triu(a), bm), pt.solve_triangular(pt.tril(a), b, lower=True, trans=1),
            pt.solve_triangular(pt.tril(a), bm, lower=True, unit_diagonal=True),
            pt.cho_solve((L, True), b), pt.inv(a), pt.det(a), *pt.slogdet(a), pt.logdet(a)]
    ref = [np.linalg.cholesky(av), np.linalg.cholesky(av).T, np.linalg.solve(av, bv), np.linalg.solve(av, bmv),
           np.linalg.solve(av, bv), np.linalg.solve(av, bmv), sla.solve_triangular(low, bv, lower=True),
           sla.solve_triangular(up, bmv), sla.solve_triangular(low, bv, lower=True, trans=1),
           sla.solve_triangular(low, bmv, lower=True, unit_diagonal=True), np.linalg.solve(av, bv),
           np.linalg.inv(av), np.linalg.det(av), *np.linalg.slogdet(av), np.linalg.slogdet(av)[1]]
    assert_lowering_matches([a, b, bm], outs, [av, bv, bmv], numpy_ref=lambda *_: ref, rtol=1e-9, atol=1e-10)


def test_slogdet_of_a_matrix_with_negative_determinant():
    a = pt.matrix("a")
    av = np.array([[0.0, 2.0], [3.0, 1.0]])
    assert_lowering_matches([a], [*pt.slogdet(a), pt.det(a)], [av],
                            numpy_ref=lambda x: [*np.linalg.slogdet(x), np.linalg.det(x)])


def test_cholesky_of_a_non_positive_definite_matrix_is_nan_in_both():
    a = pt.matrix("a")
    got = assert_lowering_matches([a], pt.cholesky(a), [-np.eye(3)])
    assert np.isnan(got[0]).all()


def test_batched_linear_algebra_is_blockwise():
    a = pt.tensor3("a")
    b = pt.matrix("b")
    av, bv = spd(3, (2,)), RNG.normal(size=(2, 3))
    outs = [pt.cholesky(a), pt.inv(a), pt.det(a), pt.solve(a, b, b_ndim=1), *pt.slogdet(a)]
    assert all(isinstance(o.owner.op, Blockwise) for o in outs)
    ref = [np.linalg.cholesky(av), np.linalg.inv(av), np.linalg.det(av), np.linalg.solve(av, bv[..., None])[..., 0],
           *np.linalg.slogdet(av)]
    assert_lowering_matches([a, b], outs, [av, bv], numpy_ref=lambda *_: ref, rtol=1e-9)


def test_blockwise_broadcasts_batch_dimensions_of_size_one():
    a = pt.tensor("a", shape=(2, 1, 3, 3))
    b = pt.tensor("b", shape=(1, 4, 3))
    av, bv = spd(3, (2, 1)), RNG.normal(size=(1, 4, 3))
    out = pt.solve(a, b, b_ndim=1)
    assert out.type.shape == (2, 4, 3)
    assert_lowering_matches([a, b], out, [av, bv],
                            numpy_ref=lambda x, y: np.linalg.solve(x, y[..., None])[..., 0], rtol=1e-9)


def test_blockwise_with_explicit_core_ndims():
    op = Blockwise(Cholesky(lower=False))
    a = pt.tensor("a", shape=(None, None, 3, 3))
    av = spd(3, (2, 2))
    assert_lowering_matches([a], op(a), [av], numpy_ref=lambda x: np.swapaxes(np.linalg.cholesky(x), -1, -2))


@pytest.mark.parametrize("fn", ["sort", "argsort"])
def test_sort_and_argsort_every_axis_stable_with_ties(fn):
    x = pt.tensor3("x", dtype="int64")
    v = RNG.integers(0, 3, (3, 4, 5))
    axes = [0, 1, 2, -1, None]
    outs = [getattr(pt, fn)(x, axis=a) for a in axes] + [getattr(x, fn)()]
    ref = [getattr(np, fn)(v, axis=a, kind="stable") for a in axes] + [getattr(np, fn)(v, kind="stable")]
    assert_lowering_matches([x], outs, [v], numpy_ref=lambda _: ref)


def test_sort_puts_nan_last_like_numpy():
    x = pt.vector("x")
    v = np.array([3.0, np.nan, -1.0, np.inf, 0.0])
    assert_lowering_matches([x], [pt.sort(x), pt.argsort(x)], [v],
                            numpy_ref=lambda a: [np.sort(a), np.argsort(a, kind="stable")])


@settings(max_examples=5)
@given(n=st.integers(1, 5), batch=st.sampled_from([(), (2,), (1, 3)]), seed=st.integers(0, 2**31))
def test_random_spd_matrices(n, batch, seed):
    rng = np.random.default_rng(seed)
    m = rng.normal(size=(*batch, n, n))
    av = m @ np.swapaxes(m, -1, -2) + n * np.eye(n)
    bv = rng.normal(size=(*batch, n))
    a = pt.tensor("a", shape=(None,) * (len(batch) + 2))
    b = pt.tensor("b", shape=(None,) * (len(batch) + 1))
    outs = [pt.cholesky(a), pt.solve(a, b, b_ndim=1), pt.det(a), pt.inv(a)]
    assert_lowering_matches([a, b], outs, [av, bv], rtol=1e-8, atol=1e-10,
                            numpy_ref=lambda x, y: [np.linalg.cholesky(x), np.linalg.solve(x, y[..., None])[..., 0],
                                                    np.linalg.det(x), np.linalg.inv(x)])
