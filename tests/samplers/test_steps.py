"""Step methods: compound steps, Metropolis kinds for discrete variables, HMC, mass matrices."""

from __future__ import annotations

import numpy as np
import pytest
import scipy.stats

import jax.numpy as jnp
import jax.scipy.stats as jstats

import rewrax.samplers as rs
from rewrax.samplers.adaptation import FAST, IDLE, LAST_TUNE, SAMPLE, SLOW, WINDOW_END, stage_schedule
from rewrax.samplers.assign import SamplingContext, assign_step_methods, describe
from rewrax.samplers.run import chunk_stages

from jaxmodels import make


def run(jm, **kw):
    kw.setdefault("progressbar", False)
    kw.setdefault("compute_convergence_checks", False)
    return rs.sample(kw.pop("draws", 1000), tune=kw.pop("tune", 500), chains=kw.pop("chains", 2), model=jm, **kw)


def chain_model():
    """a ~ N(0, 1), b ~ N(a, 1): b's marginal sd is sqrt(2)."""
    def logdensity(p, d):
        return jstats.norm.logpdf(p["a"], 0, 1) + jstats.norm.logpdf(p["b"], p["a"], 1)

    return make(logdensity, {"a": np.array(0.0), "b": np.array(0.0)})


def mixed_model():
    """a ~ N(0, 1); k ~ Bernoulli(0.3); c ~ Categorical([0.2, 0.5, 0.3]); n ~ Poisson(4)."""
    p_c = jnp.array([0.2, 0.5, 0.3])

    def logdensity(p, d):
        lp = jstats.norm.logpdf(p["a"], 0, 1)
        lp += jnp.where(p["k"] == 1, jnp.log(0.3), jnp.log(0.7))
        lp += jnp.log(p_c[jnp.clip(p["c"], 0, 2)]) + jnp.where((p["c"] < 0) | (p["c"] > 2), -jnp.inf, 0.0)
        lp += jnp.where(p["n"] < 0, -jnp.inf, jstats.poisson.logpmf(jnp.maximum(p["n"], 0), 4.0))
        return lp

    return make(logdensity, {"a": np.array(0.0), "k": np.array(0), "c": np.array(1), "n": np.array(3)},
                discrete=("k", "c", "n"), bounds={"k": (0, 1), "c": (0, 2)})


# -- assignment ------------------------------------------------------------------------------------
def test_automatic_assignment_follows_pymc():
    jm = mixed_model()
    ctx = SamplingContext(jm)
    plan = assign_step_methods(None, ctx)
    assert describe(plan) == ("CompoundStep\n>NUTS: [a]\n>BinaryGibbsMetropolis: [k]\n"
                              ">CategoricalGibbsMetropolis: [c]\n>Metropolis: [n]")
    assert describe(assign_step_methods(None, SamplingContext(chain_model()))) == "NUTS: [a, b]"


def test_user_steps_keep_their_order_and_the_rest_is_automatic():
    ctx = SamplingContext(mixed_model())
    plan = assign_step_methods([rs.Metropolis(["n", "a"])], ctx)
    assert describe(plan) == ("CompoundStep\n>Metropolis: [a, n]\n>BinaryGibbsMetropolis: [k]\n"
                              ">CategoricalGibbsMetropolis: [c]")


def test_step_errors_are_clear():
    ctx = SamplingContext(mixed_model())
    with pytest.raises(TypeError, match="NUTS cannot sample the discrete variable 'k'"):
        assign_step_methods([rs.NUTS(["k"])], ctx)
    with pytest.raises(TypeError, match="samples discrete variables only; 'a' is continuous"):
        assign_step_methods([rs.BinaryGibbsMetropolis(["a"])], ctx)
    with pytest.raises(TypeError, match="'n' is not one"):
        assign_step_methods([rs.BinaryGibbsMetropolis(["n"])], ctx)
    with pytest.raises(TypeError, match="needs variables with known finite integer bounds; 'n'"):
        assign_step_methods([rs.CategoricalGibbsMetropolis(["n"])], ctx)
    with pytest.raises(TypeError, match="unexpected keyword argument"):
        rs.NUTS(target_acept=0.9)


# -- schedules -------------------------------------------------------------------------------------
@pytest.mark.parametrize("schedule", ["rewrax", "stan"])
def test_stage_schedule(schedule):
    codes = stage_schedule(1000, 300, schedule)
    assert len(codes) == 1300 and np.all(codes[1000:] == SAMPLE) and codes[999] == LAST_TUNE
    tune = codes[:999]
    assert tune[0] == FAST and np.sum(tune == WINDOW_END) >= 3
    # windows are contiguous runs of SLOW closed by a WINDOW_END, and none ends in the final buffer
    last_end = np.flatnonzero(tune == WINDOW_END).max()
    assert np.all(tune[last_end + 1:] == FAST) and np.all(np.isin(tune[:last_end], [FAST, SLOW, WINDOW_END]))
    assert np.all(stage_schedule(10, 5, schedule)[:10] != SLOW)  # too short for a mass matrix
    padded = chunk_stages(codes, 64)
    assert padded.shape == (21, 64) and np.all(padded.ravel()[1300:] == IDLE)


# -- compound steps and discrete variables (statistical) --------------------------------------------
@pytest.mark.slow
def test_metropolis_and_nuts_compound():
    res = run(chain_model(), draws=2000, tune=1000, random_seed=3, step=[rs.Metropolis(["a"]), rs.NUTS(["b"])])
    a, b = res.posterior["a"].values.ravel(), res.posterior["b"].values.ravel()
    assert abs(a.mean()) < 0.2 and abs(a.std() - 1) < 0.15 and abs(b.std() - np.sqrt(2)) < 0.2
    stats = res.sample_stats
    assert {"accept", "accepted", "scaling", "diverging", "tree_depth"} <= set(stats)
    # Metropolis rejections repeat the draw; the scale was tuned away from its start
    assert np.mean(np.diff(res.posterior["a"].values, axis=1) == 0) > 0.05
    assert np.all(stats["scaling"].values != 1.0)


@pytest.mark.slow
def test_discrete_variables_get_their_metropolis_kinds():
    res = run(mixed_model(), draws=3000, tune=500, chains=2, random_seed=4)
    post = res.posterior
    k, c, n = (post[v].values.ravel() for v in ("k", "c", "n"))
    assert post["k"].values.dtype.kind == "i"
    assert abs(k.mean() - 0.3) < 0.05
    np.testing.assert_allclose(np.bincount(c, minlength=3) / c.size, [0.2, 0.5, 0.3], atol=0.04)
    assert abs(n.mean() - 4) < 0.35 and abs(n.var() / 4 - 1) < 0.2
    assert abs(post["a"].values.std() - 1) < 0.1


@pytest.mark.slow
def test_binary_metropolis_and_uniform_categorical_proposals():
    step = [rs.BinaryMetropolis(["k"]), rs.CategoricalGibbsMetropolis(["c"], proposal="uniform")]
    res = run(mixed_model(), draws=3000, tune=500, random_seed=5, step=step)
    k, c = res.posterior["k"].values.ravel(), res.posterior["c"].values.ravel()
    assert abs(k.mean() - 0.3) < 0.06
    np.testing.assert_allclose(np.bincount(c, minlength=3) / c.size, [0.2, 0.5, 0.3], atol=0.05)


@pytest.mark.slow
def test_hmc_step_method():
    res = run(chain_model(), draws=2000, tune=1000, random_seed=6, step=rs.HMC())
    b = res.posterior["b"].values.ravel()
    assert abs(b.std() - np.sqrt(2)) < 0.2 and "accepted" in res.sample_stats
    assert 0.45 < res.sample_stats["acceptance_rate"].values.mean() < 0.9


def correlated_model(rho=0.95, scales=(1.0, 10.0)):
    cov = np.array([[scales[0] ** 2, rho * scales[0] * scales[1]], [rho * scales[0] * scales[1], scales[1] ** 2]])
    prec = np.linalg.inv(cov)

    def logdensity(p, d):
        x = p["x"]
        return -0.5 * x @ jnp.asarray(prec) @ x

    return make(logdensity, {"x": np.zeros(2)}), cov


@pytest.mark.slow
@pytest.mark.parametrize("init", ["jitter+adapt_full", "jitter+adapt_diag_grad", "jitter+adapt_low_rank"])
def test_mass_matrix_estimators(init):
    jm, cov = correlated_model()
    res = run(jm, draws=1500, tune=1000, chains=2, random_seed=7, init=init)
    x = res.posterior["x"].values.reshape(-1, 2)
    np.testing.assert_allclose(np.cov(x.T), cov, rtol=0.2, atol=0.3)
    if init == "jitter+adapt_full":  # the dense metric makes the correlation disappear: short trees
        assert res.sample_stats["n_steps"].values.mean() < 6


def test_stan_schedule_runs():
    jm, cov = correlated_model(rho=0.0)
    res = run(jm, draws=500, tune=300, random_seed=8, adaptation="stan")
    x = res.posterior["x"].values.reshape(-1, 2)
    assert abs(x[:, 1].std() / 10 - 1) < 0.25


def test_low_rank_buffer_size_is_part_of_the_program_key():
    # the low-rank estimator's buffer follows the warm-up windows (so `tune`): a program
    # compiled for one buffer must not be reused for another
    from rewrax.samplers.kernels_hmc import HMCFamilyKernel
    from rewrax.samplers.layout import Block

    block = Block(("x",), ((3,),), ("float64",), (3,), "float64")
    small, large = (HMCFamilyKernel(block, mass_matrix="low_rank", buffer_size=b) for b in (5, 40))
    assert small.key() != large.key()
    # a diagonal mass matrix has no buffer: other warm-up lengths share one program
    small, large = (HMCFamilyKernel(block, mass_matrix="diag", buffer_size=b) for b in (5, 40))
    assert small.key() == large.key()
