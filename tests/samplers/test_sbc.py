"""Simulation-based calibration (Talts et al. 2018) of rx.sample on two small models.

For each simulation a parameter is drawn from the prior and a data set from the model given
it; the posterior is sampled and the rank of the true parameter among (thinned) posterior
draws is recorded. If the sampler is calibrated, ranks are uniform: a chi-square test on the
rank histogram must not reject. The data go in through ``rx.Data``/``rx.set_data``, so every
simulation reuses the compiled sampler (a compile per simulation would not fit in CI).
"""

from __future__ import annotations

import numpy as np
import pytest
import scipy.stats

import rewrax as rx

N_SIMS, N_DRAWS, THIN, BINS = 160, 400, 4, 10


def sbc_ranks(model, simulate, params, seed):
    """Ranks of the true ``params`` among ``N_DRAWS / THIN * chains`` posterior draws."""
    rng = np.random.default_rng(seed)
    ranks = {p: [] for p in params}
    for i in range(N_SIMS):
        truth, data = simulate(rng)
        rx.set_data(data, model=model)
        res = rx.sample(N_DRAWS, tune=300, chains=2, model=model, random_seed=int(rng.integers(2**31)),
                        progressbar=False, compute_convergence_checks=False)
        for p in params:
            draws = res.posterior[p].values[:, ::THIN].ravel()
            ranks[p].append(int(np.sum(draws < truth[p])))
    return {p: np.asarray(r) for p, r in ranks.items()}


def assert_uniform(ranks, n_max):
    """Chi-square test of the rank histogram over ``BINS`` equal bins of 0..n_max."""
    counts, _ = np.histogram(ranks, bins=BINS, range=(0, n_max + 1))
    chi2 = scipy.stats.chisquare(counts)
    assert chi2.pvalue > 0.001, f"rank histogram not uniform: {counts} (p = {chi2.pvalue:.2g})"


@pytest.mark.slow
def test_sbc_normal_mean():
    """mu ~ N(0, 1); y_i ~ N(mu, 1), i = 1..5."""
    with rx.Model() as model:
        y = rx.Data("y", np.zeros(5))
        mu = rx.Normal("mu", 0.0, 1.0)
        rx.Normal("obs", mu, 1.0, observed=y)

    def simulate(rng):
        mu = rng.normal()
        return {"mu": mu}, {"y": rng.normal(mu, 1.0, 5)}

    ranks = sbc_ranks(model, simulate, ["mu"], seed=1)
    assert_uniform(ranks["mu"], 2 * N_DRAWS // THIN)


@pytest.mark.slow
def test_sbc_normal_mean_and_scale():
    """mu ~ N(0, 1); sigma ~ HalfNormal(1) (sampled as log sigma); y_i ~ N(mu, sigma), i = 1..8."""
    with rx.Model() as model:
        y = rx.Data("y", np.zeros(8))
        mu = rx.Normal("mu", 0.0, 1.0)
        sigma = rx.HalfNormal("sigma", 1.0)
        rx.Normal("obs", mu, sigma, observed=y)

    def simulate(rng):
        mu, sigma = rng.normal(), abs(rng.normal())
        return {"mu": mu, "sigma": sigma}, {"y": rng.normal(mu, sigma, 8)}

    ranks = sbc_ranks(model, simulate, ["mu", "sigma"], seed=2)
    for p in ("mu", "sigma"):
        assert_uniform(ranks[p], 2 * N_DRAWS // THIN)
