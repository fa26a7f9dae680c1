"""rx.find_MAP and rx.fit (ADVI, Pathfinder) on models with closed-form answers."""

from __future__ import annotations

import numpy as np
import pytest

import rewrax as rx

Y = np.array([4.0, 5.5, 6.5, 3.0, 6.0])


@pytest.fixture(scope="module")
def normal_model():
    """mu ~ N(0, 10), sigma ~ HalfNormal(5), y ~ N(mu, sigma)."""
    with rx.Model() as m:
        mu = rx.Normal("mu", 0.0, 10.0)
        sigma = rx.HalfNormal("sigma", 5.0)
        rx.Normal("y", mu, sigma, observed=Y)
        rx.Deterministic("mu2", 2 * mu)
    return m


def test_find_map_is_the_mode_of_the_density_without_jacobian(normal_model):
    import scipy.optimize
    import scipy.stats as st

    def neg(theta):
        mu, sigma = theta
        if sigma <= 0:
            return np.inf
        return -(st.norm.logpdf(mu, 0, 10) + st.halfnorm.logpdf(sigma, scale=5) + st.norm.logpdf(Y, mu, sigma).sum())

    expected = scipy.optimize.minimize(neg, [5.0, 1.0], method="Nelder-Mead", options={"xatol": 1e-10, "fatol": 1e-12}).x
    point = rx.find_MAP(model=normal_model, progressbar=False)
    np.testing.assert_allclose([point["mu"], point["sigma"]], expected, rtol=1e-5)
    np.testing.assert_allclose(point["sigma_log__"], np.log(point["sigma"]))
    np.testing.assert_allclose(point["mu2"], 2 * point["mu"])
    assert "sigma_log__" not in rx.find_MAP(model=normal_model, progressbar=False, include_transformed=False)


def test_find_map_vars_start_and_raw(normal_model):
    point, raw = rx.find_MAP(model=normal_model, vars=["mu"], start={"sigma": 2.0}, progressbar=False,
                             return_raw=True)
    assert raw.success and point["sigma"] == pytest.approx(2.0)
    # with sigma fixed, the mode of mu is the precision-weighted mean
    prec_prior, prec_data = 1 / 100, len(Y) / 4.0
    assert point["mu"] == pytest.approx(prec_data * Y.mean() / (prec_prior + prec_data), rel=1e-6)
    with pytest.raises(ValueError, match="not a free variable"):
        rx.find_MAP(model=normal_model, vars=["nope"], progressbar=False)


def test_find_map_maxeval_keeps_the_best_point(normal_model):
    point = rx.find_MAP(model=normal_model, maxeval=3, progressbar=False)
    assert np.isfinite(point["mu"]) and point["sigma"] > 0


def conjugate():
    with rx.Model() as m:
        z = rx.Normal("z", 0.0, 5.0)
        rx.Normal("x", z, 1.0, observed=np.array([5.0, 4.0]))
    return m


POST_MEAN, POST_SD = 9.0 / (2 + 1 / 25), np.sqrt(1 / (2 + 1 / 25))


@pytest.mark.slow
def test_advi_recovers_a_gaussian_posterior():
    approx = rx.fit(20_000, model=conjugate(), random_seed=1, progressbar=False, learning_rate=0.02)
    assert approx.mean["z"] == pytest.approx(POST_MEAN, abs=0.05)
    assert approx.std["z"] == pytest.approx(POST_SD, rel=0.1)
    assert approx.hist.shape == (20_000,) and approx.hist[-1000:].mean() < approx.hist[:100].mean()
    draws = approx.sample(4000, random_seed=2).posterior["z"].values
    assert draws.shape == (1, 4000) and abs(draws.std() / POST_SD - 1) < 0.1


@pytest.mark.slow
def test_pathfinder_recovers_a_gaussian_posterior():
    approx = rx.fit(100, method="pathfinder", model=conjugate(), random_seed=1, progressbar=False)
    assert approx.mean["z"] == pytest.approx(POST_MEAN, abs=0.01)
    draws = approx.sample(4000, random_seed=2).posterior["z"].values.ravel()
    assert abs(draws.mean() - POST_MEAN) < 0.05 and abs(draws.std() / POST_SD - 1) < 0.1


def test_fit_errors():
    with pytest.raises(ValueError, match="unknown fit method 'svgd'"):
        rx.fit(method="svgd", model=conjugate())
    with pytest.raises(ValueError, match="n must be a positive integer"):
        rx.fit(0, model=conjugate())
    with rx.Model() as m:
        rx.Bernoulli("k", 0.5)
    with pytest.raises(ValueError, match="discrete"):
        rx.fit(model=m)
