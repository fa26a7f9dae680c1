"""Cross-chain samplers (ChEES-HMC, MAMS) behind rx.sample: known posteriors, shared parameters."""

from __future__ import annotations

import numpy as np
import pytest

import rewrax as rx

SCALES = np.array([0.1, 1.0, 3.0, 10.0])


@pytest.fixture(scope="module")
def gaussian():
    """Independent normals of very different scales: the mass matrix must find them."""
    with rx.Model() as m:
        rx.Normal("x", 1.0, SCALES, shape=len(SCALES))
    return m


def _run(model, step):
    return rx.sample(150, tune=300, chains=32, step=step, model=model, random_seed=3, progressbar=False,
                     compute_convergence_checks=False)


@pytest.fixture(scope="module")
def chees_result(gaussian):
    return _run(gaussian, rx.ChEES())


@pytest.fixture(scope="module")
def mams_result(gaussian):
    return _run(gaussian, rx.MAMS())


def _check_moments(result):
    x = result.posterior["x"].values.reshape(-1, len(SCALES))
    n = x.shape[0]
    # draws are correlated: allow 4 standard errors of an ESS of a tenth of the draws
    assert np.all(np.abs(x.mean(0) - 1.0) < 4 * SCALES / np.sqrt(n / 10))
    np.testing.assert_allclose(x.std(0), SCALES, rtol=0.15)


@pytest.mark.slow
@pytest.mark.parametrize("which", ["chees_result", "mams_result"])
def test_cross_chain_samplers_recover_a_scaled_gaussian(which, request):
    result = request.getfixturevalue(which)
    _check_moments(result)
    stats = result.sample_stats
    assert not stats["diverging"].values.any()
    # one step size and one trajectory length for all chains, frozen after warm-up
    for name in ("step_size", "trajectory_length", "n_steps"):
        values = stats[name].values
        assert np.all(values == values[:1]), name
    assert np.unique(stats["step_size"].values).size == 1


@pytest.mark.slow
def test_chees_adapts_trajectory_length_and_mass_matrix(chees_result):
    stats = chees_result.sample_stats
    # the pooled mass matrix whitens the scales (without it the 0.1 scale caps the step size
    # near 0.1); ChEES then settles near a quarter period of the whitened oscillation, pi / 2
    assert stats["step_size"].values[0, 0] > 0.3
    assert 1.0 < stats["trajectory_length"].values[0, 0] < 3.0
    assert stats["trajectory_length"].values[0, 0] > 1.2 * stats["step_size"].values[0, 0]
    assert 0.5 < stats["acceptance_rate"].values.mean() < 0.95


@pytest.mark.slow
def test_mams_targets_its_acceptance(mams_result):
    assert 0.75 < mams_result.sample_stats["acceptance_rate"].values.mean() < 0.99


def test_step_method_arguments_are_checked():
    with pytest.raises(ValueError, match="target_accept"):
        rx.ChEES(target_accept=1.5)
    with pytest.raises(ValueError, match="jitter"):
        rx.ChEES(jitter=2)
    with pytest.raises(ValueError, match="length_factor"):
        rx.MAMS(length_factor=0)
    with pytest.raises(TypeError, match="unexpected keyword"):
        rx.MAMS(step_size=0.1)
    assert rx.AdjustedMCLMC is rx.MAMS
    assert repr(rx.ChEES()) == "ChEES([all])"


def test_cross_chain_samplers_refuse_discrete_variables():
    with rx.Model() as m:
        k = rx.Poisson("k", 3.0)
        rx.Normal("y", 0, 1)
    with pytest.raises(TypeError, match="ChEES cannot sample the discrete variable 'k'"):
        rx.sample(10, tune=10, step=rx.ChEES([k]), model=m, progressbar=False)
