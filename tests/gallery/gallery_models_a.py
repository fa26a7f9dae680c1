"""Gallery models, part A: hierarchical models, GLMs, mixtures, count and categorical data.

Each model is a function ``build(pm, pt, data)`` written exactly as a PyMC user writes it, so
the same source runs with ``pm = pymc, pt = pytensor.tensor`` (to record the reference numbers)
and with ``pm = rewrax, pt = rewrax.symbolic`` (in the tests). Each has a ``*_data()`` function
that draws synthetic data from a fixed seed. The models follow well-known examples of PyMC's
example gallery, written anew.
"""

import numpy as np


# -- eight schools, non-centred ------------------------------------------------------------------
def eight_schools_data():
    rng = np.random.default_rng(8)
    sigma = np.array([15.0, 10.0, 16.0, 11.0, 9.0, 11.0, 10.0, 18.0])
    theta = 4.0 + 5.0 * rng.normal(size=8)
    return {"schools": [f"school_{k}" for k in range(8)], "sigma": sigma, "y": np.round(theta + sigma * rng.normal(size=8), 1)}


def eight_schools(pm, pt, data):
    with pm.Model(coords={"school": data["schools"]}) as model:
        mu = pm.Normal("mu", mu=0.0, sigma=5.0)
        tau = pm.HalfCauchy("tau", beta=5.0)
        theta_tilde = pm.Normal("theta_tilde", mu=0.0, sigma=1.0, dims="school")
        theta = pm.Deterministic("theta", mu + tau * theta_tilde, dims="school")
        pm.Normal("obs", mu=theta, sigma=data["sigma"], observed=data["y"], dims="school")
    return model


# -- radon: varying intercepts with coords/dims, data containers and predictions -----------------
def radon_data():
    rng = np.random.default_rng(85)
    n_county, n = 12, 150
    county = rng.integers(0, n_county, size=n)
    floor = rng.integers(0, 2, size=n).astype(float)
    a = 1.5 + 0.4 * rng.normal(size=n_county)
    y = a[county] - 0.6 * floor + 0.7 * rng.normal(size=n)
    return {
        "counties": [f"county_{k}" for k in range(n_county)], "county": county, "floor": floor, "log_radon": y,
        "new_county": np.array([0, 3, 7, 11]), "new_floor": np.array([0.0, 1.0, 0.0, 1.0]),
    }


def radon(pm, pt, data):
    coords = {"county": data["counties"], "obs_id": np.arange(len(data["floor"]))}
    with pm.Model(coords=coords) as model:
        floor_idx = pm.Data("floor_idx", data["floor"], dims="obs_id")
        county_idx = pm.Data("county_idx", data["county"], dims="obs_id")
        mu_a = pm.Normal("mu_a", mu=0.0, sigma=10.0)
        sigma_a = pm.HalfNormal("sigma_a", 5.0)
        a = pm.Normal("a", mu=mu_a, sigma=sigma_a, dims="county")
        b = pm.Normal("b", mu=0.0, sigma=10.0)
        sigma_y = pm.Exponential("sigma_y", 1.0)
        theta = a[county_idx] + b * floor_idx
        pm.Normal("y", mu=theta, sigma=sigma_y, observed=data["log_radon"], dims="obs_id")
    return model


def radon_predict(pm, model, idata, data, random_seed):
    """Predictions for new houses: ``set_data`` with new coords, then posterior predictive."""
    with model:
        pm.set_data(
            {"floor_idx": data["new_floor"], "county_idx": data["new_county"]},
            coords={"obs_id": np.arange(100, 100 + len(data["new_floor"]))},
        )
        preds = pm.sample_posterior_predictive(idata, predictions=True, random_seed=random_seed)
    return preds.predictions["y"]


# -- logistic regression with pm.math.invlogit ---------------------------------------------------
def logistic_data():
    rng = np.random.default_rng(3)
    X = rng.normal(size=(200, 3))
    p = 1.0 / (1.0 + np.exp(-(-0.5 + X @ np.array([1.0, -0.7, 0.3]))))
    return {"X": X, "y": (rng.uniform(size=200) < p).astype(int)}


def logistic(pm, pt, data):
    with pm.Model(coords={"coef": ["x1", "x2", "x3"]}) as model:
        X = pm.Data("X", data["X"])
        alpha = pm.Normal("alpha", mu=0.0, sigma=2.5)
        beta = pm.Normal("beta", mu=0.0, sigma=1.0, dims="coef")
        p = pm.math.invlogit(alpha + pm.math.dot(X, beta))
        pm.Bernoulli("y", p=p, observed=data["y"])
    return model


# -- negative-binomial GLM with an exp link and a boolean data container -------------------------
def negbin_data():
    rng = np.random.default_rng(11)
    treated = rng.uniform(size=180) < 0.5
    x = rng.normal(size=180)
    mu = np.exp(1.2 + 0.8 * treated - 0.4 * x)
    return {"treated": treated, "x": x, "y": rng.negative_binomial(3.0, 3.0 / (3.0 + mu))}


def negbin(pm, pt, data):
    with pm.Model() as model:
        treated = pm.Data("treated", data["treated"])
        x = pm.Data("x", data["x"])
        intercept = pm.Normal("intercept", mu=0.0, sigma=5.0)
        b_treated = pm.Normal("b_treated", mu=0.0, sigma=1.0)
        b_x = pm.Normal("b_x", mu=0.0, sigma=1.0)
        alpha = pm.Exponential("alpha", 0.5)
        mu = pm.math.exp(intercept + b_treated * treated + b_x * x)
        pm.NegativeBinomial("y", mu=mu, alpha=alpha, observed=data["y"])
    return model


# -- Poisson regression with an exposure offset --------------------------------------------------
def poisson_offset_data():
    rng = np.random.default_rng(21)
    exposure = rng.uniform(0.5, 5.0, size=150)
    age = rng.normal(size=150)
    return {"exposure": exposure, "age": age, "claims": rng.poisson(exposure * np.exp(-1.0 + 0.3 * age))}


def poisson_offset(pm, pt, data):
    with pm.Model() as model:
        log_exposure = pm.Data("log_exposure", np.log(data["exposure"]))
        age = pm.Data("age", data["age"])
        b0 = pm.Normal("b0", mu=0.0, sigma=3.0)
        b_age = pm.Normal("b_age", mu=0.0, sigma=1.0)
        rate = pm.math.exp(log_exposure + b0 + b_age * age)
        pm.Poisson("claims", mu=rate, observed=data["claims"])
    return model


# -- Gaussian mixtures with ordered means --------------------------------------------------------
def mixture_data():
    rng = np.random.default_rng(5)
    comp = rng.choice(3, size=240, p=[0.3, 0.45, 0.25])
    return {"x": np.array([-3.0, 0.5, 4.0])[comp] + np.array([0.8, 1.0, 0.7])[comp] * rng.normal(size=240)}


def normal_mixture(pm, pt, data):
    with pm.Model(coords={"cluster": ["a", "b", "c"]}) as model:
        w = pm.Dirichlet("w", a=np.ones(3), dims="cluster")
        mu = pm.Normal(
            "mu", mu=0.0, sigma=5.0, dims="cluster",
            transform=pm.distributions.transforms.ordered, initval=np.array([-2.0, 0.0, 2.0]),
        )
        sigma = pm.HalfNormal("sigma", sigma=2.0, dims="cluster")
        pm.NormalMixture("x", w=w, mu=mu, sigma=sigma, observed=data["x"])
    return model


def mixture_ordered(pm, pt, data):
    with pm.Model() as model:
        w = pm.Dirichlet("w", a=np.ones(3))
        mu = pm.Normal(
            "mu", mu=0.0, sigma=5.0, shape=3,
            transform=pm.distributions.transforms.ordered, initval=np.array([-2.0, 0.0, 2.0]),
        )
        sigma = pm.HalfNormal("sigma", sigma=2.0)
        components = pm.Normal.dist(mu=mu, sigma=sigma, shape=3)
        pm.Mixture("x", w=w, comp_dists=components, observed=data["x"])
    return model


# -- zero-inflated Poisson and hurdle Poisson ---------------------------------------------------
def zip_data():
    rng = np.random.default_rng(13)
    x = rng.normal(size=200)
    y = rng.poisson(np.exp(0.8 + 0.5 * x)) * (rng.uniform(size=200) < 0.7)
    return {"x": x, "y": y}


def zero_inflated_poisson(pm, pt, data):
    with pm.Model() as model:
        psi = pm.Beta("psi", alpha=1.0, beta=1.0)
        b0 = pm.Normal("b0", mu=0.0, sigma=2.0)
        b1 = pm.Normal("b1", mu=0.0, sigma=1.0)
        mu = pm.math.exp(b0 + b1 * data["x"])
        pm.ZeroInflatedPoisson("y", psi=psi, mu=mu, observed=data["y"])
    return model


def hurdle_data():
    rng = np.random.default_rng(17)
    y = rng.poisson(3.0, size=300)
    while np.any(y == 0):  # zero-truncated Poisson draws for the non-zero part
        y[y == 0] = rng.poisson(3.0, size=int(np.sum(y == 0)))
    return {"y": np.where(rng.uniform(size=300) < 0.6, y, 0)}


def hurdle(pm, pt, data):
    with pm.Model() as model:
        psi = pm.Beta("psi", alpha=2.0, beta=2.0)
        mu = pm.Gamma("mu", alpha=2.0, beta=0.5)
        pm.HurdlePoisson("y", psi=psi, mu=mu, observed=data["y"])
    return model


# -- categorical and Dirichlet-multinomial ------------------------------------------------------
def categorical_data():
    rng = np.random.default_rng(23)
    return {"y": rng.choice(4, size=120, p=[0.1, 0.2, 0.3, 0.4])}


def categorical(pm, pt, data):
    with pm.Model(coords={"category": ["a", "b", "c", "d"]}) as model:
        p = pm.Dirichlet("p", a=np.ones(4), dims="category")
        pm.Categorical("y", p=p, observed=data["y"])
    return model


def dirichlet_multinomial_data():
    rng = np.random.default_rng(29)
    frac = rng.dirichlet(20.0 * np.array([0.5, 0.3, 0.2]), size=25)
    total = rng.integers(20, 60, size=25)
    return {"total": total, "counts": np.array([rng.multinomial(n, p) for n, p in zip(total, frac)])}


def dirichlet_multinomial(pm, pt, data):
    with pm.Model(coords={"species": ["s1", "s2", "s3"], "site": np.arange(25)}) as model:
        frac = pm.Dirichlet("frac", a=np.ones(3), dims="species")
        conc = pm.Lognormal("conc", mu=1.0, sigma=1.0)
        pm.DirichletMultinomial(
            "counts", n=data["total"], a=frac * conc, observed=data["counts"], dims=("site", "species"),
        )
    return model


# -- missing-value imputation in a covariate ----------------------------------------------------
def missing_data():
    rng = np.random.default_rng(31)
    x = 2.0 + rng.normal(size=80)
    y = 1.0 + 0.5 * x + 0.3 * rng.normal(size=80)
    x_obs = x.copy()
    x_obs[[3, 10, 17, 40, 66]] = np.nan
    return {"x": x_obs, "y": y}


def missing(pm, pt, data):
    with pm.Model() as model:
        mu_x = pm.Normal("mu_x", mu=0.0, sigma=5.0)
        sigma_x = pm.HalfNormal("sigma_x", sigma=2.0)
        x = pm.Normal("x", mu=mu_x, sigma=sigma_x, observed=data["x"])
        a = pm.Normal("a", mu=0.0, sigma=5.0)
        b = pm.Normal("b", mu=0.0, sigma=2.0)
        sigma = pm.HalfNormal("sigma", sigma=1.0)
        pm.Normal("y", mu=a + b * x, sigma=sigma, observed=data["y"])
    return model
