"""Prior and posterior predictive sampling: shapes, statistics, seeds, vectorization, result types."""

import numpy as np
import pytest

import rewrax as rx
import rewrax.symbolic as pt
from rewrax.model import predictive



def _has_arviz():
    return True  # ArviZ is a dependency


@pytest.fixture
def no_arviz(monkeypatch):
    """These tests read plain dicts: ``return_inferencedata=False`` unless they say otherwise."""
    import functools

    for name in ("sample_prior_predictive", "sample_posterior_predictive"):
        monkeypatch.setattr(rx, name, functools.partial(getattr(predictive, name), return_inferencedata=False))


def test_prior_predictive_shapes_broadcast_like_the_guide(no_arviz):
    data = np.random.default_rng(0).normal(size=(2, 5, 10))
    with rx.Model():
        mu = rx.Normal("mu", 0.0, 1.0, shape=(5, 1))
        sigma = rx.HalfNormal("sigma", 5.0, shape=(1, 10))
        rx.Normal("x", mu=mu, sigma=sigma, observed=data)
        rx.Deterministic("scale", 2 * sigma)
        prior = rx.sample_prior_predictive(50, random_seed=1)
    assert isinstance(prior, dict)
    assert {k: v.shape for k, v in prior.items()} == {"mu": (50, 5, 1), "sigma": (50, 1, 10), "x": (50, 2, 5, 10),
                                                      "scale": (50, 1, 10)}
    np.testing.assert_allclose(prior["scale"], 2 * prior["sigma"])
    assert np.unique(prior["x"][:, 0, 0, 0]).size == 50 and (prior["sigma"] > 0).all()


def test_prior_predictive_statistics_and_seeds(no_arviz):
    with rx.Model() as m:
        mu = rx.Normal("mu", 1.0, 2.0)
        rx.Normal("x", mu, 1.0, shape=3)
    a = rx.sample_prior_predictive(4000, model=m, random_seed=7)
    b = rx.sample_prior_predictive(4000, model=m, random_seed=7)
    c = rx.sample_prior_predictive(4000, model=m, random_seed=8)
    np.testing.assert_array_equal(a["x"], b["x"])
    assert not np.array_equal(a["x"], c["x"])
    assert abs(a["mu"].mean() - 1.0) < 0.1 and abs(a["mu"].std() - 2.0) < 0.1
    # x | mu ~ N(mu, 1): marginal variance 4 + 1, and each draw's x is centred on that draw's mu
    assert abs(a["x"].var() - 5.0) < 0.4
    assert abs(np.corrcoef(a["mu"], a["x"][:, 0])[0, 1] - 2 / np.sqrt(5)) < 0.05
    assert rx.sample_prior_predictive(3, model=m, var_names=["mu"])["mu"].shape == (3,)


def test_prior_predictive_inference_data():
    if not _has_arviz():
        pytest.skip("ArviZ is not installed")
    with rx.Model(coords={"obs": ["a", "b", "c"]}):
        mu = rx.Normal("mu", 0.0, 1.0)
        rx.Normal("y", mu, 1.0, observed=np.zeros(3), dims="obs")
        idata = rx.sample_prior_predictive(20, random_seed=2)
    assert idata.prior["mu"].shape == (1, 20)
    assert idata.prior_predictive["y"].shape == (1, 20, 3)
    assert list(idata.prior_predictive["y"].coords["obs"].values) == ["a", "b", "c"]
    np.testing.assert_array_equal(idata.observed_data["y"].values, np.zeros(3))


def test_prior_predictive_is_one_compiled_call(monkeypatch, no_arviz):
    calls = []
    original = predictive._Forward.run
    monkeypatch.setattr(predictive._Forward, "run", lambda self, *a: calls.append(1) or original(self, *a))
    with rx.Model() as m:
        rx.Normal("a", 0.0, 1.0, shape=2)
        rx.HalfNormal("b", 1.0)
    rx.sample_prior_predictive(100, model=m)
    assert len(calls) == 1


def test_potentials_are_ignored_with_a_warning(no_arviz):
    with rx.Model() as m:
        a = rx.Normal("a", 0.0, 1.0)
        rx.Potential("p", -a ** 2)
    with pytest.warns(UserWarning, match="potentials"):
        rx.sample_prior_predictive(5, model=m)


def _posterior(n_chains=2, n_draws=30, seed=0):
    rng = np.random.default_rng(seed)
    return {"mu": rng.normal(size=(n_chains, n_draws)), "sigma": np.exp(rng.normal(size=(n_chains, n_draws)) - 6)}


def test_posterior_predictive_uses_each_draw(no_arviz):
    with rx.Model() as m:
        mu = rx.Normal("mu", 0.0, 1.0)
        sigma = rx.HalfNormal("sigma", 1.0)
        rx.Normal("y", mu, sigma, observed=np.zeros(4))
        rx.Deterministic("shift", mu + 10)
    trace = _posterior()
    pp = rx.sample_posterior_predictive(trace, model=m, random_seed=3)
    assert list(pp) == ["y"] and pp["y"].shape == (2, 30, 4)
    # sigma is tiny: every predicted y sits on its own draw of mu
    np.testing.assert_allclose(pp["y"], np.broadcast_to(trace["mu"][..., None], (2, 30, 4)), atol=0.05)
    assert np.unique(pp["y"]).size == pp["y"].size
    both = rx.sample_posterior_predictive(trace, model=m, var_names=["shift", "mu"])
    np.testing.assert_allclose(both["shift"], trace["mu"] + 10)
    np.testing.assert_array_equal(both["mu"], trace["mu"])


def test_posterior_predictive_of_a_variable_no_draw_reaches(no_arviz):
    with rx.Model() as m:
        rx.Normal("mu", 0.0, 1.0)
        rx.Normal("y", 0.0, 1.0, observed=np.zeros(3))
    pp = rx.sample_posterior_predictive(_posterior(), model=m, random_seed=1)
    assert pp["y"].shape == (2, 30, 3) and np.unique(pp["y"]).size == 180


def test_posterior_predictive_vectorizes_once(monkeypatch, no_arviz):
    calls = []
    original = predictive._Forward.run
    monkeypatch.setattr(predictive._Forward, "run", lambda self, *a: calls.append(1) or original(self, *a))
    with rx.Model() as m:
        mu = rx.Normal("mu", 0.0, 1.0, shape=2)
        rx.Normal("y", mu[0] + mu[1], 1.0, observed=np.zeros(5))
    rx.sample_posterior_predictive({"mu": np.zeros((3, 40, 2))}, model=m)
    assert len(calls) == 1


def test_posterior_predictive_follows_set_data(no_arviz):
    with rx.Model() as m:
        x = rx.Data("x", np.array([1.0, 2.0, 3.0]))
        beta = rx.Normal("beta", 0.0, 1.0)
        rx.Normal("y", beta * x, 1e-3, observed=np.zeros(3), shape=x.shape)
    trace = {"beta": np.full((1, 10), 2.0)}
    rx.set_data({"x": np.array([5.0, 6.0])}, model=m)
    pp = rx.sample_posterior_predictive(trace, model=m)
    assert pp["y"].shape == (1, 10, 2)
    np.testing.assert_allclose(pp["y"], np.broadcast_to([10.0, 12.0], (1, 10, 2)), atol=0.01)


def test_posterior_predictive_errors(no_arviz):
    with rx.Model() as m:
        mu = rx.Normal("mu", 0.0, 1.0)
        rx.Normal("y", mu, 1.0, observed=np.zeros(2))
    with pytest.raises(KeyError, match="no draws of 'mu'"):
        rx.sample_posterior_predictive({"other": np.zeros((1, 5))}, model=m)
    with pytest.raises(ValueError, match=r"\(chain, draw\)"):
        rx.sample_posterior_predictive({"mu": np.zeros((5,))}, model=m)
    with pytest.raises(KeyError, match="no variable named 'nope'"):
        rx.sample_posterior_predictive({"mu": np.zeros((1, 5))}, model=m, var_names=["nope"])


def test_posterior_predictive_inference_data_in_and_out():
    if not _has_arviz():
        pytest.skip("ArviZ is not installed")
    import arviz

    with rx.Model() as m:
        mu = rx.Normal("mu", 0.0, 1.0)
        rx.Normal("y", mu, 1.0, observed=np.zeros(3))
    idata = arviz.from_dict(posterior={"mu": np.zeros((2, 25))})
    pp = rx.sample_posterior_predictive(idata, model=m, random_seed=1)
    assert pp.posterior_predictive["y"].shape == (2, 25, 3)
    out = rx.sample_posterior_predictive(idata, model=m, extend_inferencedata=True)
    assert out is idata and "posterior_predictive" in idata.groups()
    with pytest.raises(ValueError, match="no data containers"):  # predictions are for data set with rx.set_data
        rx.sample_posterior_predictive(idata, model=m, predictions=True)


def test_vectorized_random_variable_with_explicit_size_broadcasts_parameters():
    # RandomVariable.vectorize: batched loc (100, 5, 1) against size (2, 5, 10)
    loc = pt.tensor("loc", shape=(5, 1))
    x = pt.random.normal(loc, 1.0, size=(2, 5, 10))
    batched = rx.vectorize_graph(x, {loc: pt.tensor("L", shape=(100, 5, 1))})
    assert batched.type.shape == (100, 2, 5, 10)
