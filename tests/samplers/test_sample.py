"""rx.sample on hand-written JaxModels: results, reproducibility, compile-once, errors."""

from __future__ import annotations

import sys
import warnings

import numpy as np
import pytest
import scipy.stats

import rewrax.samplers as rs
from rewrax.samplers import program as program_mod
from rewrax.samplers.results import MultiTrace

from jaxmodels import conjugate_model, make, normal_model

import jax.numpy as jnp
import jax.scipy.stats as jstats

POST_MEAN, POST_SD = 5 / 1.04, np.sqrt(1 / 1.04)


def counted_conjugate():
    """The conjugate model, counting how often JAX traces its density."""
    calls = {"n": 0}

    def logdensity(p, data):
        calls["n"] += 1
        return jstats.norm.logpdf(p["z"], 0.0, 5.0) + jnp.sum(jstats.norm.logpdf(data["x"], p["z"], 1.0))

    return make(logdensity, {"z": np.array(0.0)}, data={"x": np.array(5.0)}, observed={"x": np.array(5.0)}), calls


@pytest.fixture(scope="module")
def counted():
    return counted_conjugate()


def quick(jm, **kw):
    kw.setdefault("progressbar", False)
    kw.setdefault("compute_convergence_checks", False)
    return rs.sample(kw.pop("draws", 500), tune=kw.pop("tune", 500), chains=kw.pop("chains", 2), model=jm, **kw)


def test_conjugate_posterior_and_result_groups(counted):
    jm, _ = counted
    res = quick(jm, draws=1000, tune=1000, chains=4, random_seed=3)
    assert type(res).__name__ == "InferenceData"
    z = res.posterior["z"].values
    assert z.shape == (4, 1000) and res.posterior["z"].dims == ("chain", "draw")
    assert abs(z.mean() - POST_MEAN) < 0.1 and abs(z.std() / POST_SD - 1) < 0.1
    stats = res.sample_stats
    for name in ("diverging", "tree_depth", "energy", "step_size", "acceptance_rate", "n_steps", "lp"):
        assert stats[name].values.shape == (4, 1000), name
    assert stats["diverging"].values.dtype == bool
    assert 0.6 < stats["acceptance_rate"].values.mean() < 0.95
    # lp is the model's log density at the draws
    lp = scipy.stats.norm.logpdf(z, 0, 5) + scipy.stats.norm.logpdf(5.0, z, 1)
    np.testing.assert_allclose(stats["lp"].values, lp, rtol=1e-10)
    np.testing.assert_array_equal(res.observed_data["x"].values, [5.0])  # ArviZ/PyMC: scalars as (1,)
    assert res.posterior.attrs["tuning_steps"] == 1000 and res.posterior.attrs["draws"] == 1000


def test_seed_reproduces_and_differs(counted):
    jm, _ = counted
    a = quick(jm, random_seed=11).posterior["z"].values
    b = quick(jm, random_seed=11).posterior["z"].values
    c = quick(jm, random_seed=12).posterior["z"].values
    np.testing.assert_array_equal(a, b)
    assert not np.array_equal(a, c)


def test_second_call_and_new_data_do_not_retrace(counted):
    jm, calls = counted
    quick(jm, random_seed=1)
    before = calls["n"]
    quick(jm, random_seed=2, draws=300, tune=700)  # other lengths: same chunk program
    assert calls["n"] == before
    # new data of the same shape (what rx.set_data does): same program, new posterior
    moved = jm._replace(data={"x": np.array(-5.0)})
    z = quick(moved, random_seed=3, draws=1000).posterior["z"].values
    assert calls["n"] == before
    assert abs(z.mean() + POST_MEAN) < 0.15


def test_chunking_does_not_change_draws(counted):
    jm, _ = counted
    a = quick(jm, random_seed=5, chunk_size=50).posterior["z"].values
    b = quick(jm, random_seed=5, chunk_size=64).posterior["z"].values
    np.testing.assert_allclose(a, b, rtol=1e-12)


def test_warmup_kept_when_asked(counted):
    jm, _ = counted
    res = quick(jm, random_seed=1, tune=300, draws=200, discard_tuned_samples=False)
    assert res.warmup_posterior["z"].values.shape == (2, 300)
    assert res.posterior["z"].values.shape == (2, 200)
    # step size is adapted during warm-up and frozen afterwards
    assert np.ptp(res.warmup_sample_stats["step_size"].values[0]) > 0
    assert np.ptp(res.sample_stats["step_size"].values[0]) == 0


def test_interrupt_returns_partial_draws(counted):
    jm, _ = counted
    seen = []

    def callback(info):
        seen.append(info)
        if info.phase == "draw" and info.iteration >= 700:
            raise KeyboardInterrupt

    with pytest.warns(RuntimeWarning, match="interrupted"):
        res = quick(jm, random_seed=1, tune=500, draws=500, callback=callback, chunk_size=50)
    n = res.posterior["z"].values.shape[1]
    assert 0 < n < 500 and n % 50 == 0
    assert seen[0].phase == "tune" and seen[0].total == 1000


def test_interrupt_during_warmup_raises(counted):
    jm, _ = counted

    def callback(info):
        raise KeyboardInterrupt

    with pytest.warns(RuntimeWarning, match="interrupted"), pytest.raises(KeyboardInterrupt, match="no draws"):
        quick(jm, random_seed=1, callback=callback)


def test_progressbar_and_step_printout(counted, capsys):
    jm, _ = counted
    quick(jm, random_seed=1, progressbar=True, draws=100, tune=100)
    captured = capsys.readouterr()
    assert "NUTS: [z]" in captured.out
    assert "Sampling 2 chains" in captured.err


def test_vector_variable_and_var_names():
    jm = normal_model(mu=1.0, sigma=2.0, shape=(3,))
    res = quick(jm, random_seed=0, draws=1000, tune=500, chains=2)
    x = res.posterior["x"].values
    assert x.shape == (2, 1000, 3) and res.posterior["x"].dims == ("chain", "draw", "x_dim_0")
    assert np.all(np.abs(x.mean(axis=(0, 1)) - 1) < 0.35) and np.all(np.abs(x.std(axis=(0, 1)) / 2 - 1) < 0.15)


def test_inference_data_when_arviz_is_installed(counted):
    jm, _ = counted
    idata = rs.sample(200, tune=200, chains=2, model=jm, random_seed=1, progressbar=False,
                      compute_convergence_checks=False)
    assert type(idata).__name__ == "InferenceData"
    assert idata.posterior["z"].shape == (2, 200)
    assert bool(idata.sample_stats["diverging"].dtype == bool)
    np.testing.assert_array_equal(idata.observed_data["x"].values, [5.0])
    assert idata.posterior.attrs["tuning_steps"] == 200


# -- bad input: clear errors before anything is compiled ---------------------------------------------
@pytest.fixture
def no_compile(monkeypatch):
    def fail(*args, **kwargs):
        raise AssertionError("a sampler program was built")

    monkeypatch.setattr(program_mod, "Program", fail)
    # (``rewrax.samplers.sample`` is the function; the module is in sys.modules)
    monkeypatch.setattr(sys.modules["rewrax.samplers.sample"], "get_program", fail)


@pytest.mark.parametrize("kwargs, error, match", [
    ({"draws": 0}, ValueError, "draws must be a positive integer, got 0"),
    ({"chains": 0}, ValueError, "chains must be a positive integer, got 0"),
    ({"tune": -1}, ValueError, "tune must be a non-negative integer, got -1"),
    ({"draws": 10.5}, TypeError, "draws must be an integer"),
    ({"chunk_size": 0}, ValueError, "chunk_size must be a positive integer, got 0"),
    ({"target_accept": 1.5}, ValueError, "target_accept must be in"),
    ({"chain_method": "threads"}, ValueError, "chain_method must be one of"),
    ({"init": "magic"}, ValueError, "unknown init 'magic'"),
    ({"step": rs.NUTS(["nope"])}, ValueError, "step variable 'nope' is not a free variable"),
    ({"step": "NUTS"}, TypeError, "step must be a step method"),
])
def test_bad_arguments(counted, no_compile, kwargs, error, match):
    jm, _ = counted
    with pytest.raises(error, match=match):
        quick(jm, **kwargs)


def test_no_free_variables(no_compile):
    jm = make(lambda p, d: jnp.zeros(()), {})
    with pytest.raises(rs.SamplingError, match="does not contain any free variables"):
        quick(jm)


def test_non_finite_start_names_the_variable(no_compile):
    def logdensity(p, data):
        # sigma's value is log(sigma); a start at log(sigma) = 40 overflows exp(2 * 40)**... -> inf
        return jstats.norm.logpdf(p["mu"], 0, 1) + jnp.where(p["sigma_log__"] > 30, -jnp.inf, -p["sigma_log__"] ** 2)

    jm = make(logdensity, {"mu": np.array(0.0), "sigma_log__": np.array(50.0)})
    with pytest.raises(rs.SamplingError, match="Initial evaluation of model at starting point failed") as err:
        quick(jm, random_seed=1)
    assert "sigma_log__: 50" in str(err.value)


def test_nan_gradient_start_is_reported(no_compile):
    jm = make(lambda p, d: -jnp.sqrt(p["x"]) ** 2, {"x": np.array(-1.0)})
    with pytest.raises(rs.SamplingError, match="x"):
        quick(jm, random_seed=1, init="adapt_diag")


def test_two_steps_claiming_one_variable(counted, no_compile):
    jm, _ = counted
    with pytest.raises(ValueError, match="given to two step methods"):
        quick(jm, step=[rs.NUTS(["z"]), rs.Metropolis(["z"])])


def test_convergence_warnings_name_divergences():
    from jaxmodels import eight_schools

    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        rs.sample(300, tune=300, chains=2, model=eight_schools(centered=True), random_seed=2, progressbar=False,
                  return_inferencedata=False, target_accept=0.6)
    messages = [str(w.message) for w in caught if issubclass(w.category, rs.ConvergenceWarning)]
    assert any("divergences after tuning" in m for m in messages)


def test_model_resampled_after_set_data_compiles_nothing():
    import jax

    import rewrax as rx

    with rx.Model() as model:
        y = rx.Data("y", np.array([1.0, 2.0, 3.0]))
        mu = rx.Normal("mu", 0.0, 10.0)
        rx.Normal("obs", mu, 1.0, observed=y)
    kw = dict(draws=300, tune=300, chains=2, model=model, progressbar=False, compute_convergence_checks=False)
    first = rx.sample(random_seed=1, **kw).posterior["mu"].values
    compiles = []
    jax.monitoring.register_event_duration_secs_listener(
        lambda name, secs, **k: compiles.append(name) if name == "/jax/core/compile/jaxpr_trace_duration" else None)
    rx.set_data({"y": np.array([11.0, 12.0, 13.0])}, model=model)
    second = rx.sample(random_seed=1, **kw).posterior["mu"].values
    assert compiles == []  # nothing traced, so nothing compiled
    assert abs(first.mean() - 2.0) < 0.3 and abs(second.mean() - 12.0) < 0.3


def test_return_inferencedata_false_gives_pymc_multitrace(counted):
    import arviz as az

    jm, _ = counted
    trace = rs.sample(1000, tune=500, chains=4, model=jm, random_seed=4, progressbar=False,
                      return_inferencedata=False)
    assert isinstance(trace, MultiTrace) and trace.nchains == 4 and len(trace) == 1000
    z = trace.get_values("z", combine=False)
    assert len(z) == 4 and z[0].shape == (1000,)
    np.testing.assert_array_equal(trace["z"], np.concatenate(z))  # PyMC: chains one after another
    assert trace.get_sampler_stats("diverging").shape == (4000,) and "lp" in trace.stat_names
    idata = rs.to_inference_data(trace)
    np.testing.assert_array_equal(idata.posterior["z"].values, np.stack(z))
    table = rs.summary(idata)
    ref = az.summary(idata)
    assert list(table.columns) == list(ref.columns) and list(table.index) == list(ref.index)
    np.testing.assert_allclose(table.values, ref.values)
    with pytest.raises(KeyError, match="no variable 'nope'"):
        trace["nope"]


def test_model_initvals_and_var_names():
    import rewrax as rx

    with rx.Model() as model:
        mu = rx.Normal("mu", 0.0, 1.0)
        sigma = rx.HalfNormal("sigma", 1.0)
        rx.Deterministic("twice", 2 * mu)
        rx.Normal("y", mu, sigma, observed=np.array([0.5, -0.2, 0.1]))
    res = rx.sample(50, tune=0, chains=1, model=model, initvals={"sigma": 3.0, mu: 0.7}, init="adapt_diag",
                    random_seed=1, progressbar=False, compute_convergence_checks=False,
                    discard_tuned_samples=False, var_names=["mu", "twice"])
    assert set(res.posterior.data_vars) == {"mu", "twice"}
    np.testing.assert_allclose(res.posterior["twice"].values, 2 * res.posterior["mu"].values)
    # no warm-up and no jitter: the chain starts at the given values, so its first draw is near them
    assert abs(res.posterior["mu"].values[0, 0] - 0.7) < 1.5
    with pytest.raises(ValueError, match="var_names"):
        rx.sample(10, tune=10, chains=1, model=model, var_names=["nope"], progressbar=False)
