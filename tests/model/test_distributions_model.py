"""Every distribution as a model variable: start point inside the support, finite density and gradient,
observed forms, and the printed model."""

import numpy as np
import pytest

import rewrax as rx

FREE = {
    "Normal": dict(mu=1.0, sigma=2.0), "HalfNormal": dict(sigma=2.0),
    "TruncatedNormal": dict(mu=0.0, sigma=1.0, lower=-1.0, upper=2.0), "Uniform": dict(lower=-1.0, upper=3.0),
    "Flat": dict(), "HalfFlat": dict(), "Exponential": dict(lam=2.0), "Gamma": dict(alpha=2.0, beta=1.0),
    "InverseGamma": dict(alpha=3.0, beta=2.0), "Beta": dict(alpha=2.0, beta=3.0), "LogNormal": dict(mu=0.0, sigma=1.0),
    "StudentT": dict(nu=3.0, mu=0.0, sigma=1.0), "HalfStudentT": dict(nu=3.0, sigma=1.0),
    "Cauchy": dict(alpha=0.0, beta=1.0), "HalfCauchy": dict(beta=1.0), "Laplace": dict(mu=0.0, b=1.0),
    "AsymmetricLaplace": dict(kappa=2.0, mu=0.0, b=1.0), "Logistic": dict(mu=0.0, s=1.0),
    "Weibull": dict(alpha=1.5, beta=2.0), "Pareto": dict(alpha=3.0, m=1.0), "ChiSquared": dict(nu=3.0),
    "Gumbel": dict(mu=0.0, beta=1.0), "VonMises": dict(mu=0.5, kappa=2.0), "SkewNormal": dict(alpha=2.0),
    "Wald": dict(mu=1.0, lam=2.0), "Triangular": dict(lower=0.0, c=1.0, upper=2.0),
    "ExGaussian": dict(mu=0.0, sigma=1.0, nu=1.0), "Kumaraswamy": dict(a=2.0, b=3.0), "Moyal": dict(),
    "LogitNormal": dict(mu=0.0, sigma=1.0),
    "MvNormal": dict(mu=np.zeros(3), cov=np.eye(3)), "MvStudentT": dict(nu=4.0, mu=np.zeros(2), scale=np.eye(2)),
    "Dirichlet": dict(a=np.ones(3)),
}


def test_every_continuous_distribution_is_a_usable_free_variable():
    with rx.Model() as m:
        for name, params in FREE.items():
            getattr(rx, name)(name.lower(), **params)
        rx.LKJCholeskyCov("chol", eta=2.0, n=3, sd_dist=rx.Exponential.dist(1.0))
        rx.Mixture("mix", w=[0.3, 0.7], comp_dists=[rx.Normal.dist(-1.0), rx.Normal.dist(2.0)])
        rx.Truncated("trunc", rx.Gamma.dist(2.0, 1.0), lower=0.5, upper=3.0)
        rx.Censored("cens", rx.Normal.dist(0.0, 1.0), lower=-1.0, upper=1.0)
    point = m.initial_point()
    terms = m.compile_logp(sum=False)(point)
    bad = [rv.name for rv, t in zip(m.basic_RVs, terms) if not np.all(np.isfinite(t))]
    assert not bad, f"non-finite logp at the initial point for {bad}"
    grad = m.compile_dlogp()(point)
    assert np.all(np.isfinite(grad))
    # transformed values map back inside the support
    draws = rx.draw([m["halfnormal"], m["beta"], m["trunc"], m["dirichlet"]], draws=200, random_seed=1)
    assert (draws[0] > 0).all() and ((draws[1] > 0) & (draws[1] < 1)).all()
    assert ((draws[2] >= 0.5) & (draws[2] <= 3.0)).all() and np.allclose(draws[3].sum(-1), 1)


def test_discrete_variables_observed_and_free():
    counts = np.array([0, 3, 1, 7])
    with rx.Model() as m:
        mu = rx.Gamma("mu", alpha=2.0, beta=1.0)
        rx.Poisson("y", mu=mu, observed=counts)
        k = rx.Bernoulli("k", p=0.3)
        rx.Categorical("c", p=np.array([0.2, 0.8]))
    assert m.observed_RVs[0].type.shape == (4,) and k.type.dtype == "int64"
    lp = m.compile_logp()(m.initial_point())
    assert np.isfinite(lp)


def test_model_prints_distribution_lines():
    with rx.Model() as m:
        mu = rx.Normal("mu", 0, 2)
        sigma = rx.HalfNormal("sigma", 3)
        rx.Normal("x", mu=mu, sigma=sigma)
    text = m.str_repr()
    assert "mu ~ Normal(0, 2)" in text and "sigma ~ HalfNormal(0, 3)" in text and "x ~ Normal(mu, sigma)" in text


def test_observed_shape_and_dims_from_data():
    data = np.random.default_rng(0).normal(size=(2, 5, 10))
    with rx.Model():
        mu = rx.Normal("mu", 0.0, 1.0, shape=(5, 1))
        sigma = rx.HalfNormal("sigma", 5.0, shape=(1, 10))
        x = rx.Normal("x", mu=mu, sigma=sigma, observed=data)
    assert x.type.shape == (2, 5, 10)
    assert rx.draw(x).shape == (2, 5, 10)
    with pytest.raises(ValueError):
        with rx.Model():
            rx.Normal("z", 0, 1, dims="unknown")
