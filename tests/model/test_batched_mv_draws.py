"""Prior predictive draws of batched multivariate variables whose parameters are themselves random.

Vectorizing such a graph over draws gives parameters with different old batch ranks (mu
(draws, T, 2) next to cov (draws, 2, 2)); they must be aligned from the right as NumPy does.
"""

import numpy as np
import pytest

import rewrax as rx

T, N = 4, 4000
COV = np.array([[1.0, 0.5], [0.5, 2.0]])


@pytest.fixture(scope="module")
def prior():
    with rx.Model():
        s = rx.HalfNormal("s", 1.0)
        mu = rx.Normal("mu", np.arange(T * 2.0).reshape(T, 2), 1e-6, shape=(T, 2))
        rx.Normal("x", mu[:, 0], s)  # mu (draws, T) next to sigma (draws,)
        rx.MvNormal("mv", mu=mu, cov=COV * s**2)
        rx.MvStudentT("t", nu=6.0, mu=mu, scale=COV * s**2)
        rx.Dirichlet("d", a=(1.0 + 0 * s) * np.array([[1.0, 2.0, 3.0]] * T))
        p = rx.Dirichlet("p", a=np.array([2.0, 3.0, 5.0]) * 50)
        rx.Multinomial("k", n=np.arange(1, T + 1) * 10, p=p, shape=(T, 3))
        return rx.sample_prior_predictive(N, random_seed=3).prior


def test_shapes_follow_numpy_broadcasting(prior):
    shapes = {name: prior[name].shape[2:] for name in ("x", "mv", "t", "d", "k")}
    assert shapes == {"x": (T,), "mv": (T, 2), "t": (T, 2), "d": (T, 3), "k": (T, 3)}


def test_mvnormal_moments_with_a_random_scale(prior):
    s = prior["s"].values.reshape(N)
    z = (prior["mv"].values.reshape(N, T, 2) - np.arange(T * 2.0).reshape(T, 2)) / s[:, None, None]
    np.testing.assert_allclose(z.mean(axis=0), 0.0, atol=0.08)
    for t in range(T):
        np.testing.assert_allclose(np.cov(z[:, t].T), COV, atol=0.12)


def test_mvstudentt_scale_and_dirichlet_multinomial_means(prior):
    s = prior["s"].values.reshape(N)
    z = (prior["t"].values.reshape(N, T, 2) - np.arange(T * 2.0).reshape(T, 2)) / s[:, None, None]
    np.testing.assert_allclose(np.cov(z[:, 0].T), COV * 6 / 4, rtol=0.2)
    d = prior["d"].values.reshape(N, T, 3)
    np.testing.assert_allclose(d.sum(-1), 1.0)
    np.testing.assert_allclose(d.mean(axis=0), np.tile([1 / 6, 2 / 6, 3 / 6], (T, 1)), atol=0.015)
    k = prior["k"].values.reshape(N, T, 3)
    np.testing.assert_array_equal(k.sum(-1), np.tile(np.arange(1, T + 1) * 10, (N, 1)))
    np.testing.assert_allclose(k.mean(axis=0) / (np.arange(1, T + 1) * 10)[:, None], np.tile([0.2, 0.3, 0.5], (T, 1)),
                               atol=0.01)
