"""rx.sample_smc and rx.Simulator: marginal likelihood, multimodality, ABC."""

from __future__ import annotations

import numpy as np
import pytest
from scipy import stats

import rewrax as rx
import rewrax.symbolic as pt

Y = np.array([0.5, 1.2, -0.3, 2.0, 0.8])


@pytest.mark.slow
def test_log_marginal_likelihood_of_a_conjugate_normal():
    with rx.Model() as m:
        mu = rx.Normal("mu", 0, 2)
        rx.Normal("y", mu, 1, observed=Y)
    idata = rx.sample_smc(1000, chains=2, random_seed=1, progressbar=False, model=m)
    n = len(Y)
    exact = stats.multivariate_normal(np.zeros(n), np.eye(n) + 4.0 * np.ones((n, n))).logpdf(Y)
    lml = idata.sample_stats["log_marginal_likelihood"].values
    final = lml[:, -1] if np.isfinite(lml[:, -1]).all() else np.array([row[np.isfinite(row)][-1] for row in lml])
    assert np.all(np.abs(final - exact) < 0.15)
    assert np.isnan(lml[:, 0]).all()  # as PyMC: only the last stage carries the estimate
    post_var = 1 / (1 / 4.0 + n)
    draws = idata.posterior["mu"].values
    assert abs(draws.mean() - post_var * Y.sum()) < 0.06
    assert abs(draws.std() - np.sqrt(post_var)) < 0.05


@pytest.mark.slow
def test_smc_finds_both_modes_nuts_from_one_start_does_not():
    with rx.Model() as m:
        x = rx.Normal("x", 0, 5)
        rx.Potential("two_modes", pt.logaddexp(-0.5 * ((x - 4) / 0.5) ** 2, -0.5 * ((x + 4) / 0.5) ** 2))
    smc = rx.sample_smc(1000, chains=1, random_seed=2, progressbar=False, model=m).posterior["x"].values
    assert 0.3 < np.mean(smc < 0) < 0.7
    nuts = rx.sample(200, tune=200, chains=1, initvals={"x": 4.0}, random_seed=2, progressbar=False, model=m,
                     compute_convergence_checks=False).posterior["x"].values
    assert np.mean(nuts < 0) in (0.0, 1.0)


def _simulate(rng, mu, size=None):
    return rng.normal(mu, 1.0, size=size)


@pytest.mark.slow
def test_simulator_recovers_its_parameter():
    data = np.random.default_rng(0).normal(2.0, 1.0, 50)
    with rx.Model() as m:
        mu = rx.Normal("mu", 0, 5)
        rx.Simulator("s", _simulate, mu, sum_stat="mean", epsilon=0.1, observed=data)
    draws = rx.sample_smc(300, chains=1, random_seed=1, progressbar=False, model=m).posterior["mu"].values
    # ABC posterior: N(mean(data), 1/50 + epsilon^2) under the flat-ish prior
    assert abs(draws.mean() - data.mean()) < 0.1
    assert 0.1 < draws.std() < 0.3
    with pytest.raises(NotImplementedError, match="Simulator 's' has no logp; use sample_smc"):
        rx.sample(10, tune=10, model=m, progressbar=False)


def test_sample_smc_arguments_are_checked():
    with rx.Model() as m:
        rx.Normal("mu", 0, 1)
    with pytest.raises(ValueError, match="kernel"):
        rx.sample_smc(100, kernel="HMC", model=m)
    with pytest.raises(ValueError, match="threshold"):
        rx.sample_smc(100, threshold=1.5, model=m)
    with pytest.raises(ValueError, match="epsilon"):
        with rx.Model():
            rx.Simulator("s", _simulate, 0.0, epsilon=-1, observed=np.zeros(3))
