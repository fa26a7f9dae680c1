"""Gallery models, part B: time series, ordinal, censored/truncated, LKJ, custom densities.

The same conventions as :mod:`gallery_models_a`: ``build(pm, pt, data)`` written as a PyMC user
writes it, and a ``*_data()`` function with a fixed seed.
"""

import numpy as np


# -- stochastic volatility with a Gaussian random walk -------------------------------------------
def stochastic_volatility_data():
    rng = np.random.default_rng(41)
    vol = np.cumsum(0.15 * rng.normal(size=100)) - 4.0
    return {"returns": np.exp(vol) * rng.standard_t(8.0, size=100)}


def stochastic_volatility(pm, pt, data):
    with pm.Model(coords={"time": np.arange(100)}) as model:
        step_size = pm.Exponential("step_size", 10.0)
        volatility = pm.GaussianRandomWalk(
            "volatility", sigma=step_size, init_dist=pm.Normal.dist(0.0, 10.0), dims="time",
        )
        nu = pm.Exponential("nu", 0.1)
        pm.StudentT("returns", nu=nu, lam=pm.math.exp(-2.0 * volatility), observed=data["returns"], dims="time")
    return model


# -- AR(2) with a constant ----------------------------------------------------------------------
def ar2_data():
    rng = np.random.default_rng(43)
    y = np.zeros(150)
    for t in range(2, 150):
        y[t] = 0.5 + 0.6 * y[t - 1] - 0.3 * y[t - 2] + 0.5 * rng.normal()
    return {"y": y}


def ar2(pm, pt, data):
    with pm.Model() as model:
        rho = pm.Normal("rho", mu=0.0, sigma=1.0, shape=3)
        sigma = pm.HalfNormal("sigma", sigma=1.0)
        pm.AR(
            "y", rho=rho, sigma=sigma, constant=True, ar_order=2,
            init_dist=pm.Normal.dist(0.0, 2.0), observed=data["y"],
        )
    return model


# -- GARCH(1, 1) --------------------------------------------------------------------------------
def garch11_data():
    rng = np.random.default_rng(47)
    r, var = np.zeros(200), 0.5
    for t in range(200):
        r[t] = np.sqrt(var) * rng.normal()
        var = 0.1 + 0.2 * r[t] ** 2 + 0.7 * var
    return {"r": r}


def garch11(pm, pt, data):
    with pm.Model() as model:
        omega = pm.HalfNormal("omega", sigma=0.5)
        alpha_1 = pm.Uniform("alpha_1", lower=0.0, upper=1.0)
        beta_1 = pm.Uniform("beta_1", lower=0.0, upper=1.0 - alpha_1)
        initial_vol = pm.HalfNormal("initial_vol", sigma=1.0)
        pm.GARCH11(
            "r", omega=omega, alpha_1=alpha_1, beta_1=beta_1, initial_vol=initial_vol, observed=data["r"],
        )
    return model


# -- ordinal regression ------------------------------------------------------------------------
def ordinal_data():
    rng = np.random.default_rng(53)
    x = rng.normal(size=200)
    latent = 1.2 * x + rng.logistic(size=200)
    return {"x": x, "y": np.searchsorted(np.array([-2.0, -0.5, 0.7, 2.0]), latent)}


def ordinal(pm, pt, data):
    with pm.Model() as model:
        cutpoints = pm.Normal(
            "cutpoints", mu=0.0, sigma=5.0, shape=4,
            transform=pm.distributions.transforms.ordered, initval=np.array([-1.5, -0.5, 0.5, 1.5]),
        )
        beta = pm.Normal("beta", mu=0.0, sigma=2.0)
        pm.OrderedLogistic("y", eta=beta * data["x"], cutpoints=cutpoints, observed=data["y"])
    return model


# -- censored and truncated regressions ---------------------------------------------------------
def censored_data():
    rng = np.random.default_rng(59)
    x = rng.uniform(-2.0, 2.0, size=150)
    y = 1.0 + 1.5 * x + 0.8 * rng.normal(size=150)
    return {"x": x, "y": np.clip(y, -0.5, 3.0)}


def censored(pm, pt, data):
    with pm.Model() as model:
        a = pm.Normal("a", mu=0.0, sigma=5.0)
        b = pm.Normal("b", mu=0.0, sigma=5.0)
        sigma = pm.HalfNormal("sigma", sigma=2.0)
        latent = pm.Normal.dist(mu=a + b * data["x"], sigma=sigma)
        pm.Censored("y", latent, lower=-0.5, upper=3.0, observed=data["y"])
    return model


def truncated_data():
    rng = np.random.default_rng(61)
    x = rng.uniform(-2.0, 2.0, size=400)
    y = 0.5 + 1.0 * x + 1.0 * rng.normal(size=400)
    keep = y > 0.0
    return {"x": x[keep], "y": y[keep]}


def truncated(pm, pt, data):
    with pm.Model() as model:
        a = pm.Normal("a", mu=0.0, sigma=5.0)
        b = pm.Normal("b", mu=0.0, sigma=5.0)
        sigma = pm.HalfNormal("sigma", sigma=2.0)
        latent = pm.Normal.dist(mu=a + b * data["x"], sigma=sigma)
        pm.Truncated("y", latent, lower=0.0, observed=data["y"])
    return model


# -- correlated random effects with an LKJ prior -------------------------------------------------
def lkj_data():
    rng = np.random.default_rng(67)
    group = np.repeat(np.arange(10), 15)
    cov = np.array([[0.5, 0.2], [0.2, 0.3]])
    effects = rng.multivariate_normal([1.0, -0.5], cov, size=10)
    x = rng.normal(size=150)
    return {"group": group, "x": x, "y": effects[group, 0] + effects[group, 1] * x + 0.4 * rng.normal(size=150)}


def lkj(pm, pt, data):
    with pm.Model(coords={"group": np.arange(10), "effect": ["intercept", "slope"]}) as model:
        chol, corr, stds = pm.LKJCholeskyCov(
            "chol", n=2, eta=2.0, sd_dist=pm.Exponential.dist(1.0, shape=2), compute_corr=True,
        )
        mu_ab = pm.Normal("mu_ab", mu=0.0, sigma=5.0, dims="effect")
        ab = pm.MvNormal("ab", mu=mu_ab, chol=chol, dims=("group", "effect"))
        sigma = pm.Exponential("sigma", 1.0)
        theta = ab[data["group"], 0] + ab[data["group"], 1] * data["x"]
        pm.Normal("y", mu=theta, sigma=sigma, observed=data["y"])
    return model


# -- CustomDist: a logp= form (Gumbel) and a dist= form (shifted exponential) -------------------
def custom_dist_data():
    rng = np.random.default_rng(71)
    return {"g": rng.gumbel(2.0, 1.5, size=100), "s": 1.0 + rng.exponential(1.0 / 0.7, size=100)}


def custom_dist(pm, pt, data):
    def gumbel_logp(value, mu, beta):
        z = (value - mu) / beta
        return -z - pt.exp(-z) - pt.log(beta)

    def gumbel_random(mu, beta, rng=None, size=None):
        return rng.gumbel(mu, beta, size=size)

    def shifted_exponential(lam, shift, size):
        return pm.Exponential.dist(lam, size=size) + shift

    with pm.Model() as model:
        mu = pm.Normal("mu", mu=0.0, sigma=5.0)
        beta = pm.HalfNormal("beta", sigma=2.0)
        pm.CustomDist("g", mu, beta, logp=gumbel_logp, random=gumbel_random, observed=data["g"])
        lam = pm.HalfNormal("lam", sigma=2.0)
        pm.CustomDist("s", lam, 1.0, dist=shifted_exponential, observed=data["s"])
    return model


# -- ANOVA with zero-sum group effects ----------------------------------------------------------
def zerosum_anova_data():
    rng = np.random.default_rng(73)
    g = np.repeat(np.arange(4), 20)
    return {"g": g, "y": 2.0 + np.array([-0.8, 0.1, 0.3, 0.4])[g] + 0.6 * rng.normal(size=80)}


def zerosum_anova(pm, pt, data):
    with pm.Model(coords={"group": ["A", "B", "C", "D"]}) as model:
        intercept = pm.Normal("intercept", mu=0.0, sigma=5.0)
        sigma_group = pm.HalfNormal("sigma_group", sigma=1.0)
        effect = pm.ZeroSumNormal("group_effect", sigma=sigma_group, dims="group")
        sigma = pm.HalfNormal("sigma", sigma=2.0)
        pm.Normal("y", mu=intercept + effect[data["g"]], sigma=sigma, observed=data["y"])
    return model


# -- change point (coal-mining style) with pm.math.switch ---------------------------------------
def changepoint_data():
    rng = np.random.default_rng(79)
    years = np.arange(1900, 1960)
    return {"years": years, "disasters": rng.poisson(np.where(years <= 1931, 3.0, 1.0))}


def changepoint(pm, pt, data):
    years = data["years"]
    with pm.Model() as model:
        switchpoint = pm.DiscreteUniform("switchpoint", lower=years.min(), upper=years.max())
        early_rate = pm.Exponential("early_rate", 1.0)
        late_rate = pm.Exponential("late_rate", 1.0)
        rate = pm.math.switch(switchpoint >= years, early_rate, late_rate)
        pm.Poisson("disasters", mu=rate, observed=data["disasters"])
    return model


# -- linear regression, full data and minibatch (ADVI) ------------------------------------------
def linreg_data():
    rng = np.random.default_rng(83)
    x = rng.normal(size=1000)
    return {"x": x, "y": 1.0 - 2.0 * x + 0.5 * rng.normal(size=1000)}


def linreg(pm, pt, data):
    with pm.Model() as model:
        b0 = pm.Normal("b0", mu=0.0, sigma=5.0)
        b1 = pm.Normal("b1", mu=0.0, sigma=5.0)
        sigma = pm.HalfNormal("sigma", sigma=2.0)
        pm.Normal("y", mu=b0 + b1 * data["x"], sigma=sigma, observed=data["y"])
    return model


def minibatch_advi(pm, pt, data):
    x_mb, y_mb = pm.Minibatch(data["x"], data["y"], batch_size=100)
    with pm.Model() as model:
        b0 = pm.Normal("b0", mu=0.0, sigma=5.0)
        b1 = pm.Normal("b1", mu=0.0, sigma=5.0)
        sigma = pm.HalfNormal("sigma", sigma=2.0)
        pm.Normal("y", mu=b0 + b1 * x_mb, sigma=sigma, observed=y_mb, total_size=len(data["y"]))
    return model


# -- a trend through pt.extra_ops.cumsum and an outlier mixture through pm.math.logsumexp -------
def logsumexp_trend_data():
    rng = np.random.default_rng(89)
    trend = np.cumsum(0.2 * rng.normal(size=60))
    y = trend + 0.3 * rng.normal(size=60)
    y[[5, 21, 44]] += np.array([6.0, -5.0, 7.0])
    return {"y": y}


def logsumexp_trend(pm, pt, data):
    y = data["y"]
    with pm.Model() as model:
        sigma_step = pm.HalfNormal("sigma_step", sigma=0.5)
        steps = pm.Normal("steps", mu=0.0, sigma=1.0, shape=len(y))
        trend = pm.Deterministic("trend", pt.extra_ops.cumsum(steps * sigma_step))
        sigma = pm.HalfNormal("sigma", sigma=1.0)
        p_outlier = pm.Beta("p_outlier", alpha=1.0, beta=9.0)
        inlier = pt.log1p(-p_outlier) + pm.logp(pm.Normal.dist(mu=trend, sigma=sigma), y)
        outlier = pt.log(p_outlier) + pm.logp(pm.Normal.dist(mu=0.0, sigma=10.0), y)
        pm.Potential("likelihood", pm.math.logsumexp(pt.stack([inlier, outlier]), axis=0).sum())
    return model
