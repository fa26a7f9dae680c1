"""The workflow after sampling, as PyMC users run it: InferenceData groups, log-likelihood and model
comparison, predictions with new coords, do/observe, imputation warnings, nuts_sampler, diagnostics."""

from __future__ import annotations

import logging
import sys
import warnings

import arviz as az
import numpy as np
import pytest
from scipy import stats

import rewrax as rx

RNG = np.random.default_rng(0)
X = RNG.normal(size=20)
Y = 1.0 + 2.0 * X + RNG.normal(size=20)


def regression(x=X, y=Y, slope=True):
    with rx.Model(coords={"obs": np.arange(20), "g": ["a", "b"]}) as m:
        xd = rx.Data("xd", x, dims="obs")
        a = rx.Normal("a", 0, 1, dims="g")
        b = rx.Normal("b", 0, 1) if slope else 0.0
        s = rx.HalfNormal("s", 1)
        mu = rx.Deterministic("mu", a[0] + b * xd, dims="obs")
        rx.Normal("y", mu, s, observed=y, dims="obs")
    return m


@pytest.fixture(scope="module")
def fitted():
    m = regression()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", rx.ConvergenceWarning)
        idata = rx.sample(200, tune=200, chains=2, model=m, random_seed=1, progressbar=False,
                          idata_kwargs={"log_likelihood": True})
    return m, idata


def _loglik_scipy(idata, x=X, y=Y):
    post = idata.posterior
    a0, b, s = post["a"].values[..., 0], post["b"].values, post["s"].values
    return stats.norm.logpdf(y, a0[..., None] + b[..., None] * x, s[..., None])


# -- InferenceData as PyMC gives it ------------------------------------------------------------------
@pytest.mark.slow
def test_inference_data_groups_dims_coords_attrs(fitted):
    m, idata = fitted
    assert isinstance(idata, az.InferenceData)
    assert set(idata.groups()) == {"posterior", "log_likelihood", "sample_stats", "observed_data", "constant_data"}
    assert dict(idata.posterior.sizes) == {"chain": 2, "draw": 200, "g": 2, "obs": 20}
    assert list(idata.posterior["a"].coords["g"].values) == ["a", "b"]
    assert idata.posterior["mu"].dims == ("chain", "draw", "obs")
    assert idata.log_likelihood["y"].dims == ("chain", "draw", "obs")
    np.testing.assert_array_equal(idata.constant_data["xd"].values, X)
    np.testing.assert_array_equal(idata.observed_data["y"].values, Y)
    for name in ("diverging", "lp", "tree_depth", "step_size", "acceptance_rate", "energy", "n_steps"):
        assert name in idata.sample_stats, name
    for group in idata.groups():
        assert idata[group].attrs["inference_library"] == "rewrax"
        assert {"created_at", "arviz_version", "inference_library_version"} <= set(idata[group].attrs)
    assert idata.posterior.attrs["tuning_steps"] == 200 and idata.posterior.attrs["sampling_time"] > 0
    table = rx.summary(idata, var_names=["a", "b"])
    assert list(table.index) == ["a[a]", "a[b]", "b"]  # labels from coords, as ArviZ gives them


@pytest.mark.slow
def test_sampling_time_message_as_pymc(fitted, caplog):
    m, _ = fitted
    with caplog.at_level(logging.INFO, logger="rewrax"):
        rx.sample(30, tune=40, chains=2, model=m, random_seed=2, progressbar=False, compute_convergence_checks=False)
    assert any(r.getMessage().startswith("Sampling 2 chains for 40 tune and 30 draw iterations (80 + 60 draws total) "
                                         "took ") and r.getMessage().endswith(" seconds.") for r in caplog.records)
    with pytest.raises(ValueError, match="unknown idata_kwargs"):
        rx.sample(10, tune=10, chains=1, model=m, idata_kwargs={"log_likelihod": True}, progressbar=False)
    with pytest.raises(ValueError, match="unknown nuts_sampler"):
        rx.sample(10, tune=10, chains=1, model=m, nuts_sampler="stan", progressbar=False)


# -- log-likelihood, log-prior, LOO and model comparison ------------------------------------------------
@pytest.mark.slow
def test_log_likelihood_and_log_prior_equal_scipy(fitted):
    m, idata = fitted
    np.testing.assert_allclose(idata.log_likelihood["y"].values, _loglik_scipy(idata), rtol=1e-10)
    alone = rx.compute_log_likelihood(idata, model=m, extend_inferencedata=False)
    np.testing.assert_allclose(alone["y"].values, _loglik_scipy(idata), rtol=1e-10)
    prior = rx.compute_log_prior(idata, model=m, extend_inferencedata=False)
    post = idata.posterior
    np.testing.assert_allclose(prior["a"].values, stats.norm.logpdf(post["a"].values), rtol=1e-10)
    np.testing.assert_allclose(prior["s"].values, stats.halfnorm.logpdf(post["s"].values), rtol=1e-10)  # no Jacobian
    assert prior["a"].dims == ("chain", "draw", "g")


@pytest.mark.slow
def test_loo_waic_and_compare(fitted):
    m, idata = fitted
    # the reference: ArviZ on an InferenceData built by hand from SciPy's pointwise log densities
    by_hand = az.from_dict(posterior={"b": idata.posterior["b"].values}, log_likelihood={"y": _loglik_scipy(idata)})
    ours, ref = az.loo(idata, reff=1.0), az.loo(by_hand, reff=1.0)  # reff: ArviZ estimates it from the posterior
    assert ours.elpd_loo == pytest.approx(ref.elpd_loo, rel=1e-10) and ours.p_loo == pytest.approx(ref.p_loo, rel=1e-8)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", UserWarning)  # WAIC's own caution about its estimate
        assert az.waic(idata).elpd_waic == pytest.approx(az.waic(by_hand).elpd_waic, rel=1e-10)
    flat = regression(slope=False)  # the intercept-only model: far worse on data with a slope of 2
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        idata_flat = rx.sample(200, tune=200, chains=2, model=flat, random_seed=1, progressbar=False)
        rx.compute_log_likelihood(idata_flat, model=flat)
        table = az.compare({"slope": idata, "flat": idata_flat})
    assert list(table.index) == ["slope", "flat"] and table.loc["flat", "elpd_diff"] > 10


@pytest.mark.slow
def test_log_likelihood_of_another_models_trace_is_a_clear_error(fitted):
    _, idata = fitted
    with rx.Model() as other:
        theta = rx.Normal("theta", 0, 1)
        rx.Normal("y", theta, 1, observed=Y)
    with pytest.raises(ValueError, match=r"no draws of \['theta'\].*another model"):
        rx.compute_log_likelihood(idata, model=other)
    with rx.Model() as reshaped:
        a = rx.Normal("a", 0, 1, shape=3)
        rx.Normal("y", a.sum(), 1, observed=Y)
    with pytest.raises(ValueError, match="shape"):
        rx.compute_log_likelihood(idata, model=reshaped)
    with pytest.raises(ValueError, match="not observed variables"):
        rx.compute_log_likelihood(idata, model=regression(), var_names=["a"])


# -- predictions with new coords ---------------------------------------------------------------------
@pytest.mark.slow
def test_predictions_with_new_coords_extend_the_trace(fitted):
    _, fit = fitted
    m = regression()  # its own model: set_data here must not move the fixture's
    idata = fit.copy()
    with pytest.raises(ValueError, match="still hold the data"):
        rx.sample_posterior_predictive(idata, model=m, predictions=True)
    x_new = np.array([0.5, 1.5, 2.5])
    rx.set_data({"xd": x_new}, model=m, coords={"obs": [100, 101, 102]})
    out = rx.sample_posterior_predictive(idata, model=m, predictions=True, extend_inferencedata=True, random_seed=3)
    assert out is idata
    assert {"predictions", "predictions_constant_data", "posterior"} <= set(idata.groups())
    pred = idata.predictions["y"]
    assert pred.dims == ("chain", "draw", "obs") and list(pred.coords["obs"].values) == [100, 101, 102]
    np.testing.assert_array_equal(idata.predictions_constant_data["xd"].values, x_new)
    assert list(idata.posterior["mu"].coords["obs"].values) == list(range(20))  # the fit keeps its coords
    post = idata.posterior
    mean = post["a"].values[..., :1] + post["b"].values[..., None] * x_new
    z = (pred.values - mean) / post["s"].values[..., None]  # standard normal if drawn per posterior draw
    assert abs(z.mean()) < 0.1 and abs(z.std() - 1) < 0.1
    prior = rx.sample_prior_predictive(50, model=m, random_seed=1)  # no CoordinateValidationError
    assert prior.prior["mu"].shape == (1, 50, 3) and list(prior.prior["mu"].coords["obs"].values) == [100, 101, 102]
    pp = rx.sample_posterior_predictive(idata, model=m, var_names=["y"], extend_inferencedata=False, random_seed=3)
    assert pp.posterior_predictive["y"].shape == (2, 200, 3)


# -- do / observe ----------------------------------------------------------------------------------------
def test_observe_and_do_give_new_models_with_the_right_densities():
    with rx.Model(coords={"obs": range(3)}) as m:
        xd = rx.Data("xd", np.array([1.0, 2.0, 3.0]), dims="obs")
        a = rx.Normal("a", 0, 1)
        s = rx.HalfNormal("s", 1)
        mu = rx.Deterministic("mu", a * xd, dims="obs")
        rx.Normal("y", mu, s, dims="obs")
    y_obs = np.array([1.0, 2.0, 3.5])
    conditioned = rx.observe(m, {"y": y_obs})
    assert [v.name for v in conditioned.free_RVs] == ["a", "s"] and [v.name for v in conditioned.observed_RVs] == ["y"]
    assert [v.name for v in m.free_RVs] == ["a", "s", "y"]  # the original is untouched
    point = {"a": 0.3, "s_log__": np.log(0.7)}
    ref = (stats.norm.logpdf(0.3) + stats.halfnorm.logpdf(0.7) + np.log(0.7)
           + stats.norm.logpdf(y_obs, 0.3 * np.array([1.0, 2.0, 3.0]), 0.7).sum())
    assert float(conditioned.compile_logp()(point)) == pytest.approx(ref, rel=1e-12)
    intervened = rx.do(conditioned, {"a": 2.0})
    assert [v.name for v in intervened.free_RVs] == ["s"] and "a" in [v.name for v in intervened.data_vars]
    ref = stats.halfnorm.logpdf(0.7) + np.log(0.7) + stats.norm.logpdf(y_obs, 2 * np.array([1.0, 2.0, 3.0]), 0.7).sum()
    assert float(intervened.compile_logp()({"s_log__": np.log(0.7)})) == pytest.approx(ref, rel=1e-12)
    # an expression intervention: a deterministic, downstream variables read it
    shifted = rx.do(m, {"mu": conditioned["a"] * 0 + xd * 0 + 5.0})
    draws = rx.sample_prior_predictive(2000, model=shifted, var_names=["y"], random_seed=1, return_inferencedata=False)
    assert abs(draws["y"].mean() - 5.0) < 0.1
    with pytest.raises(KeyError, match="no variable named 'nope'"):
        rx.do(m, {"nope": 1.0})
    with pytest.raises(ValueError, match="shape"):
        rx.do(m, {"a": np.zeros(4)})
    with pytest.raises(ValueError, match="not a free random variable"):
        rx.observe(conditioned, {"y": y_obs})


# -- missing values ----------------------------------------------------------------------------------------
def test_missing_observed_values_emit_imputation_warning():
    with rx.Model():
        b = rx.Normal("b", 0, 1)
        with pytest.warns(rx.ImputationWarning, match="Data in y contains 2 missing values"):
            rx.Normal("y", b, 1, observed=np.array([1.0, np.nan, 2.0, np.nan]))
    assert issubclass(rx.ImputationWarning, UserWarning)


# -- nuts_sampler ------------------------------------------------------------------------------------------
@pytest.mark.slow
def test_nuts_sampler_names(fitted, monkeypatch):
    m, _ = fitted
    kw = dict(draws=50, tune=50, chains=1, model=m, random_seed=5, progressbar=False, compute_convergence_checks=False)
    a = rx.sample(nuts_sampler="pymc", **kw).posterior["b"].values
    b = rx.sample(nuts_sampler="blackjax", **kw).posterior["b"].values
    np.testing.assert_array_equal(a, b)  # both are rewrax's own NUTS
    monkeypatch.setitem(sys.modules, "numpyro", None)  # as if NumPyro were not installed
    with pytest.raises(ImportError, match="needs NumPyro.*pip install numpyro"):
        rx.sample(nuts_sampler="numpyro", **kw)


@pytest.mark.slow
def test_nuts_sampler_numpyro_runs_numpyros_nuts(fitted):
    pytest.importorskip("numpyro")
    m, ref = fitted
    idata = rx.sample(300, tune=300, chains=2, model=m, random_seed=5, progressbar=False, nuts_sampler="numpyro",
                      idata_kwargs={"log_likelihood": True})
    assert idata.posterior.attrs["sampler"] == "NUTS (NumPyro)"
    assert abs(float(idata.posterior["b"].mean()) - float(ref.posterior["b"].mean())) < 0.1
    np.testing.assert_allclose(idata.log_likelihood["y"].values, _loglik_scipy(idata), rtol=1e-10)


# -- diagnostics: ArviZ's numbers, vectorised, computed once -----------------------------------------------
def _ar(c, n, k, phi, rng):
    x = np.zeros((c, n, k))
    e = rng.normal(size=(c, n, k))
    for t in range(1, n):
        x[:, t] = phi * x[:, t - 1] + e[:, t]
    return x


def test_vectorised_diagnostics_equal_arviz():
    from arviz.stats.diagnostics import _multichain_statistics

    from rewrax.samplers.diagnostics import STAT_NAMES, multichain_statistics

    rng = np.random.default_rng(3)
    cases = [_ar(4, 200, 3, 0.9, rng), _ar(4, 201, 2, 0.5, rng), _ar(2, 7, 2, 0.3, rng), _ar(4, 300, 2, -0.7, rng),
             rng.normal(size=(1, 50, 2)), rng.poisson(2, size=(3, 100, 2)).astype(float),
             rng.binomial(1, 0.02, size=(2, 100, 2)).astype(float), np.ones((2, 50, 1)),
             np.concatenate([rng.normal(size=(2, 100, 1)), rng.normal(3, 1, size=(2, 100, 1))])]
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        for x in cases:
            ours = multichain_statistics(x)
            ref = np.array([_multichain_statistics(x[..., j]) for j in range(x.shape[2])])
            got = np.stack([ours[s] for s in STAT_NAMES], axis=1)
            np.testing.assert_allclose(got, ref, rtol=1e-9, equal_nan=True, err_msg=str(x.shape))


def test_summary_is_arvizs_table_and_reuses_the_convergence_statistics(monkeypatch):
    from rewrax.samplers import diagnostics

    rng = np.random.default_rng(4)
    idata = az.from_dict(posterior={"a": _ar(4, 300, 2, 0.6, rng), "b": rng.normal(size=(4, 300)),
                                    "c": rng.normal(size=(4, 300, 2, 3))},
                         coords={"g": ["x", "y"], "h": [10, 20, 30]}, dims={"a": ["g"], "c": ["g", "h"]})
    calls = []
    real = diagnostics.multichain_statistics
    monkeypatch.setattr(diagnostics, "multichain_statistics", lambda x: calls.append(x.shape) or real(x))
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", rx.ConvergenceWarning)
        diagnostics.check_convergence(idata, 0)
    for kwargs in ({}, {"var_names": ["c"]}, {"kind": "diagnostics"}, {"hdi_prob": 0.8, "round_to": 4},
                   {"round_to": "none"}, {"var_names": ["~a"]}):
        ours, ref = rx.summary(idata, **kwargs), az.summary(idata, **kwargs)
        assert list(ours.columns) == list(ref.columns) and list(ours.index) == list(ref.index), kwargs
        np.testing.assert_allclose(ours.values.astype(float), ref.values.astype(float), rtol=1e-9, err_msg=str(kwargs))
    assert calls == [(4, 300, 9)]  # once, for all 9 elements, at the convergence check
    assert rx.summary(idata, fmt="long").shape == az.summary(idata, fmt="long").shape  # passed to ArviZ
