"""Transforms: round trips, support, and log-Jacobians against numerical Jacobians (JAX)."""

import numpy as np
import pytest

import jax
import jax.numpy as jnp

import rewrax.symbolic as pt
from rewrax.lower_jax.interpret import graph_fn
from rewrax.model import constraints
from rewrax.model import transforms as tr


def _jax(fn_of_var, shape):
    """A JAX function y -> fn(y) from a symbolic transform method."""
    y = pt.tensor("y", shape=shape)
    f = graph_fn([y], [pt.as_tensor_variable(fn_of_var(y))])
    return lambda v: f(v)[0]


def _numeric_log_jac_det(transform, y):
    """log |det J| of backward at y, restricted to the free coordinates of the constrained value."""
    backward = _jax(transform.backward, y.shape)

    def free_coords(v):
        x = backward(v)
        if isinstance(transform, tr.Simplex):
            return x[:-1]
        if isinstance(transform, tr.CholeskyCorr):  # CorrMatrix too: the strictly lower entries
            r, c = np.tril_indices(transform.n, -1)
            return x[r, c]
        return x.reshape(-1)

    with jax.enable_x64(True):
        jac = jax.jacobian(free_coords)(jnp.asarray(y))
        return float(np.linalg.slogdet(np.asarray(jac).reshape(jac.shape[0], -1))[1])


CASES = [
    (tr.log, (3,)),
    (tr.log_exp_m1, (3,)),
    (tr.logodds, (3,)),
    (tr.Interval(-1.0, 2.5), (3,)),
    (tr.Interval(1.5, None), (3,)),
    (tr.Interval(None, -0.5), (3,)),
    (tr.simplex, (3,)),
    (tr.ordered, (4,)),
    (tr.CholeskyCovPacked(3), (6,)),
    (tr.CholeskyCorr(3), (3,)),
    (tr.CholeskyCorr(4), (6,)),
    (tr.CorrMatrix(3), (3,)),
    (tr.CorrMatrix(4), (6,)),
    (tr.Chain([tr.log, tr.ordered]), (3,)),
]


@pytest.mark.parametrize("transform,shape", CASES, ids=lambda c: repr(c) if not isinstance(c, tuple) else str(c))
def test_log_jac_det_matches_numerical_jacobian(transform, shape):
    rng = np.random.default_rng(0)
    for _ in range(3):
        y = rng.normal(size=shape)
        with jax.enable_x64(True):
            ljd = float(np.sum(np.asarray(_jax(transform.log_jac_det, shape)(y))))
        np.testing.assert_allclose(ljd, _numeric_log_jac_det(transform, y), rtol=1e-9, atol=1e-9)


@pytest.mark.parametrize("transform,shape", CASES, ids=lambda c: repr(c) if not isinstance(c, tuple) else str(c))
def test_forward_inverts_backward(transform, shape):
    y = np.random.default_rng(1).normal(size=shape)
    with jax.enable_x64(True):
        x = np.asarray(_jax(transform.backward, shape)(y))
        back = np.asarray(_jax(transform.forward, x.shape)(x))
    np.testing.assert_allclose(back, y, rtol=1e-9, atol=1e-9)


def test_backward_lands_in_the_support():
    y = np.linspace(-30, 30, 7)
    assert (tr.log.backward(y).eval() > 0).all()
    p = tr.logodds.backward(y).eval()
    assert ((p > 0) & (p < 1)).all() or np.allclose(p[[0, -1]], [0, 1])
    u = tr.Interval(-1.0, 2.5).backward(np.linspace(-5, 5, 7)).eval()
    assert ((u > -1) & (u < 2.5)).all()
    w = tr.simplex.backward(np.array([0.3, -2.0, 4.0])).eval()
    np.testing.assert_allclose(w.sum(), 1.0, rtol=1e-12)
    assert (w > 0).all()
    o = tr.ordered.backward(np.array([0.5, -3.0, 2.0, 0.1])).eval()
    assert (np.diff(o) > 0).all()
    L = tr.CholeskyCorr(4).backward(np.random.default_rng(2).normal(size=6)).eval()
    corr = L @ L.T
    np.testing.assert_allclose(np.diag(corr), 1.0, rtol=1e-12)
    assert np.all(np.linalg.eigvalsh(corr) > 0) and np.allclose(L, np.tril(L))


def test_simplex_zero_is_the_uniform_point_and_batches():
    np.testing.assert_allclose(tr.simplex.backward(np.zeros(3)).eval(), np.full(4, 0.25))
    y = np.random.default_rng(3).normal(size=(5, 2))
    out = tr.simplex.backward(y).eval()
    assert out.shape == (5, 3)
    ljd = tr.simplex.log_jac_det(y).eval()
    assert ljd.shape == (5,)
    np.testing.assert_allclose(ljd[1], tr.simplex.log_jac_det(y[1]).eval(), rtol=1e-12)


def test_logodds_log_jacobian_is_stable_far_out():
    # log(sigmoid(y) (1 - sigmoid(y))) ~ -|y| for large |y|: no -inf
    out = tr.logodds.log_jac_det(np.array([-800.0, 800.0])).eval()
    np.testing.assert_allclose(out, [-800.0, -800.0], rtol=1e-12)


def test_interval_needs_a_bound():
    with pytest.raises(ValueError, match="lower bound, an upper bound"):
        tr.Interval(None, None)


def test_chain_name_and_order():
    chain = tr.Chain([tr.log, tr.ordered])
    assert chain.name == "log_ordered" and chain.ndim_supp == 1
    y = np.array([0.0, 0.0, 0.0])
    # backward: ordered first (0, 1, 2), then exp
    np.testing.assert_allclose(chain.backward(y).eval(), np.exp([0.0, 1.0, 2.0]))


@pytest.mark.parametrize("constraint,name", [
    (constraints.positive, "log"), (constraints.nonnegative, "log"), (constraints.unit_interval, "logodds"),
    (constraints.interval(0.0, 3.0), "interval"), (constraints.greater_than(2.0), "interval"),
    (constraints.less_than(2.0), "interval"), (constraints.simplex, "simplex"), (constraints.ordered, "ordered"),
    (constraints.circular, "circular"), (constraints.cov_cholesky(3), "cholesky-cov-packed"),
])
def test_default_transform_registry(constraint, name):
    assert tr.default_transform(constraint).name == name


@pytest.mark.parametrize("constraint", [constraints.real, constraints.real_vector, constraints.integer,
                                        constraints.nonnegative_integer, constraints.boolean,
                                        constraints.positive_definite, None])
def test_unconstrained_and_discrete_supports_get_no_transform(constraint):
    assert tr.default_transform(constraint) is None


def test_corr_cholesky_default_needs_the_matrix_size():
    x = pt.tensor("L", shape=(3, 3))
    t = tr.default_transform(constraints.corr_cholesky, x)
    assert t.name == "cholesky_corr" and t.n == 3
    with pytest.raises(ValueError, match="static size"):
        tr.default_transform(constraints.corr_cholesky, pt.matrix("L"))
