"""The sampling benchmark's models, written four ways over the same data and parameterisation.

- ``rewrax_model(name)``: the rx.Model (what users write),
- ``hand_density(name)``: a hand-written JAX log density on the unconstrained space (what a
  plain BlackJAX user writes), with ``init`` and ``constrain``,
- ``pymc_model(name)`` and ``numpyro_model(name)``: the references.

eight_schools: the non-centred eight schools (Rubin 1981 data).
hierarchical: 1,000 observations in 85 groups (radon-like), group intercepts centred,
    ``y ~ N(alpha[g] + beta * x, sigma)``, ``alpha ~ N(mu_a, sigma_a)``.
logistic: 10,000 x 20 design, ``y ~ Bernoulli(logit = alpha + X @ beta)``.
"""

from __future__ import annotations

import numpy as np

MODELS = ("eight_schools", "hierarchical", "logistic")


def data(name):
    if name == "eight_schools":
        return {"y": np.array([28.0, 8.0, -3.0, 7.0, -1.0, 1.0, 18.0, 12.0]),
                "sigma": np.array([15.0, 10.0, 16.0, 11.0, 9.0, 11.0, 10.0, 18.0])}
    if name == "hierarchical":
        rng = np.random.default_rng(85)
        n, j = 1000, 85
        group = np.sort(rng.integers(0, j, n))
        group[:j] = np.arange(j)  # every group has data
        x = rng.binomial(1, 0.3, n).astype(float)
        alpha = rng.normal(1.5, 0.4, j)
        y = alpha[group] - 0.6 * x + rng.normal(0, 0.75, n)
        return {"y": y, "x": x, "group": group}
    if name == "logistic":
        rng = np.random.default_rng(20)
        n, d = 10_000, 20
        X = rng.normal(size=(n, d))
        beta = rng.normal(0, 0.5, d)
        y = rng.binomial(1, 1 / (1 + np.exp(-(0.3 + X @ beta)))).astype(float)
        return {"X": X, "y": y}
    raise ValueError(name)


# -- hand-written JAX densities (unconstrained parameters; log-Jacobians by hand) ----------------
def hand_density(name):
    """``(logdensity(params, data), init params, constrain(params) -> dict)``."""
    import jax.numpy as jnp
    from jax.scipy import stats

    d = data(name)
    if name == "eight_schools":
        def logdensity(p, d):
            tau = jnp.exp(p["tau_log__"])
            lp = stats.norm.logpdf(p["mu"], 0, 5) + stats.cauchy.logpdf(tau, 0, 5) + jnp.log(2.0) + p["tau_log__"]
            lp += jnp.sum(stats.norm.logpdf(p["theta_t"], 0, 1))
            theta = p["mu"] + tau * p["theta_t"]
            return lp + jnp.sum(stats.norm.logpdf(d["y"], theta, d["sigma"]))

        init = {"mu": np.array(0.0), "tau_log__": np.array(0.0), "theta_t": np.zeros(8)}

        def constrain(p, d):
            tau = jnp.exp(p["tau_log__"])
            return {"mu": p["mu"], "tau": tau, "theta_t": p["theta_t"], "theta": p["mu"] + tau * p["theta_t"]}
    elif name == "hierarchical":
        def logdensity(p, d):
            sigma_a, sigma = jnp.exp(p["sigma_a_log__"]), jnp.exp(p["sigma_log__"])
            lp = stats.norm.logpdf(p["mu_a"], 0, 10) + stats.norm.logpdf(p["beta"], 0, 10)
            lp += stats.norm.logpdf(sigma_a, 0, 1) + jnp.log(2.0) + p["sigma_a_log__"]
            lp += stats.norm.logpdf(sigma, 0, 1) + jnp.log(2.0) + p["sigma_log__"]
            lp += jnp.sum(stats.norm.logpdf(p["alpha"], p["mu_a"], sigma_a))
            mean = p["alpha"][d["group"]] + p["beta"] * d["x"]
            return lp + jnp.sum(stats.norm.logpdf(d["y"], mean, sigma))

        init = {"mu_a": np.array(0.0), "sigma_a_log__": np.array(0.0), "alpha": np.zeros(85),
                "beta": np.array(0.0), "sigma_log__": np.array(0.0)}

        def constrain(p, d):
            return {"mu_a": p["mu_a"], "sigma_a": jnp.exp(p["sigma_a_log__"]), "alpha": p["alpha"],
                    "beta": p["beta"], "sigma": jnp.exp(p["sigma_log__"])}
    elif name == "logistic":
        def logdensity(p, d):
            lp = stats.norm.logpdf(p["alpha"], 0, 2.5) + jnp.sum(stats.norm.logpdf(p["beta"], 0, 1))
            logit = p["alpha"] + d["X"] @ p["beta"]
            return lp + jnp.sum(d["y"] * logit - jnp.logaddexp(0.0, logit))

        init = {"alpha": np.array(0.0), "beta": np.zeros(20)}

        def constrain(p, d):
            return dict(p)
    else:
        raise ValueError(name)
    return logdensity, init, constrain, d


def hand_jax_model(name):
    """The hand-written density as a JaxModel (the samplers' input contract)."""
    from types import SimpleNamespace

    logdensity, init, constrain, d = hand_density(name)
    names = list(init)
    return SimpleNamespace(
        logdensity=logdensity, initial_position=init, data=d, value_names=names,
        shapes={k: np.shape(v) for k, v in init.items()}, dtypes={k: "float64" for k in names},
        discrete={k: False for k in names}, constrain=constrain, observed_data={})


def free_names(name):
    return {"eight_schools": ["mu", "tau", "theta_t"], "hierarchical": ["mu_a", "sigma_a", "alpha", "beta", "sigma"],
            "logistic": ["alpha", "beta"]}[name]


# -- the rewrax model ------------------------------------------------------------------------------
def rewrax_model(name):
    import rewrax as rx
    import rewrax.symbolic as pt

    d = data(name)
    with rx.Model() as m:
        if name == "eight_schools":
            mu = rx.Normal("mu", 0, 5)
            tau = rx.HalfCauchy("tau", 5)
            theta_t = rx.Normal("theta_t", 0, 1, shape=8)
            theta = rx.Deterministic("theta", mu + tau * theta_t)
            rx.Normal("y", theta, d["sigma"], observed=d["y"])
        elif name == "hierarchical":
            mu_a = rx.Normal("mu_a", 0, 10)
            sigma_a = rx.HalfNormal("sigma_a", 1)
            alpha = rx.Normal("alpha", mu_a, sigma_a, shape=85)
            beta = rx.Normal("beta", 0, 10)
            sigma = rx.HalfNormal("sigma", 1)
            rx.Normal("y", alpha[d["group"]] + beta * d["x"], sigma, observed=d["y"])
        else:
            alpha = rx.Normal("alpha", 0, 2.5)
            beta = rx.Normal("beta", 0, 1, shape=20)
            rx.Bernoulli("y", logit_p=alpha + pt.dot(d["X"], beta), observed=d["y"])
    return m


# -- references ------------------------------------------------------------------------------------
def pymc_model(name):
    import pymc as pm

    d = data(name)
    with pm.Model() as m:
        if name == "eight_schools":
            mu = pm.Normal("mu", 0, 5)
            tau = pm.HalfCauchy("tau", 5)
            theta_t = pm.Normal("theta_t", 0, 1, shape=8)
            pm.Normal("y", mu + tau * theta_t, d["sigma"], observed=d["y"])
        elif name == "hierarchical":
            mu_a = pm.Normal("mu_a", 0, 10)
            sigma_a = pm.HalfNormal("sigma_a", 1)
            alpha = pm.Normal("alpha", mu_a, sigma_a, shape=85)
            beta = pm.Normal("beta", 0, 10)
            sigma = pm.HalfNormal("sigma", 1)
            pm.Normal("y", alpha[d["group"]] + beta * d["x"], sigma, observed=d["y"])
        else:
            alpha = pm.Normal("alpha", 0, 2.5)
            beta = pm.Normal("beta", 0, 1, shape=20)
            pm.Bernoulli("y", logit_p=alpha + pm.math.dot(d["X"], beta), observed=d["y"])
    return m


def numpyro_model(name):
    """``(model_fn, kwargs)`` for numpyro.infer.MCMC.run."""
    import jax.numpy as jnp
    import numpyro
    import numpyro.distributions as dist

    d = data(name)
    if name == "eight_schools":
        def model(y, sigma):
            mu = numpyro.sample("mu", dist.Normal(0, 5))
            tau = numpyro.sample("tau", dist.HalfCauchy(5))
            theta_t = numpyro.sample("theta_t", dist.Normal(0, 1).expand([8]))
            numpyro.sample("y", dist.Normal(mu + tau * theta_t, sigma), obs=y)

        return model, {"y": d["y"], "sigma": d["sigma"]}
    if name == "hierarchical":
        def model(y, x, group):
            mu_a = numpyro.sample("mu_a", dist.Normal(0, 10))
            sigma_a = numpyro.sample("sigma_a", dist.HalfNormal(1))
            alpha = numpyro.sample("alpha", dist.Normal(mu_a, sigma_a).expand([85]))
            beta = numpyro.sample("beta", dist.Normal(0, 10))
            sigma = numpyro.sample("sigma", dist.HalfNormal(1))
            numpyro.sample("y", dist.Normal(alpha[group] + beta * x, sigma), obs=y)

        return model, {"y": d["y"], "x": d["x"], "group": d["group"]}

    def model(X, y):
        alpha = numpyro.sample("alpha", dist.Normal(0, 2.5))
        beta = numpyro.sample("beta", dist.Normal(0, 1).expand([20]))
        numpyro.sample("y", dist.Bernoulli(logits=alpha + jnp.dot(X, beta)), obs=y)

    return model, {"X": d["X"], "y": d["y"]}
