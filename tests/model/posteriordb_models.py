"""The twelve posteriordb posteriors of tests/data/posteriordb, written as rewrax models.

Each builder takes the posterior's ``data.json`` contents and returns the model; each
``*_reference_point`` maps the reference posterior means (constrained space) to a point of
the model's free variables, for the checks in test_posteriordb.py and the samplers' tests.
``load(name)`` returns ``(model, data, reference)``.
"""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np

import rewrax as rx
import rewrax.symbolic as pt

DATA_DIR = Path(__file__).resolve().parent.parent / "data" / "posteriordb"


def _read(name):
    folder = DATA_DIR / name
    data = json.loads((folder / "data.json").read_text())
    reference = json.loads((folder / "reference.json").read_text())["parameters"]
    return data, reference


def _means(reference, prefix):
    """Reference means of ``prefix`` (a scalar) or ``prefix[1..n]`` (a vector), as an array."""
    if prefix in reference:
        return np.asarray(reference[prefix]["mean"])
    values, k = [], 1
    while f"{prefix}[{k}]" in reference:
        values.append(reference[f"{prefix}[{k}]"]["mean"])
        k += 1
    if not values:
        raise KeyError(prefix)
    return np.asarray(values)


# -- the models ---------------------------------------------------------------------------------
def eight_schools_noncentered(data):
    """mu ~ N(0, 5); tau ~ HalfCauchy(5); theta_trans ~ N(0, 1)^J; y ~ N(mu + tau theta_trans, sigma)."""
    with rx.Model(coords={"school": np.arange(data["J"])}) as m:
        mu = rx.Normal("mu", 0.0, 5.0)
        tau = rx.HalfCauchy("tau", beta=5.0)
        theta_trans = rx.Normal("theta_trans", 0.0, 1.0, dims="school")
        theta = rx.Deterministic("theta", mu + tau * theta_trans, dims="school")
        rx.Normal("y", theta, np.asarray(data["sigma"], dtype=float), observed=np.asarray(data["y"], dtype=float),
                  dims="school")
    return m


def eight_schools_reference_point(reference):
    mu, tau, theta = _means(reference, "mu"), _means(reference, "tau"), _means(reference, "theta")
    return {"mu": mu, "tau": tau, "theta_trans": (theta - mu) / tau}


def kidiq(data):
    """beta ~ Flat(2); sigma ~ HalfCauchy(2.5); kid_score ~ N(beta0 + beta1 mom_iq, sigma)."""
    mom_iq = np.asarray(data["mom_iq"], dtype=float)
    with rx.Model() as m:
        beta = rx.Flat("beta", shape=2)
        sigma = rx.HalfCauchy("sigma", beta=2.5)
        rx.Normal("kid_score", beta[0] + beta[1] * mom_iq, sigma, observed=np.asarray(data["kid_score"], dtype=float))
    return m


def _regression(y, X, flat_sigma=True):
    with rx.Model() as m:
        beta = rx.Flat("beta", shape=X.shape[1])
        sigma = rx.HalfFlat("sigma")
        rx.Normal("y", pt.dot(X, beta), sigma, observed=y)
    return m


def mesquite(data):
    """log weight ~ N(X beta, sigma), X = [1, log diam1, log diam2, log canopy_height, log total_height,
    log density, group]; flat priors on beta and sigma > 0."""
    cols = [np.ones(data["N"])] + [np.log(np.asarray(data[k], dtype=float)) for k in
                                   ("diam1", "diam2", "canopy_height", "total_height", "density")]
    X = np.column_stack(cols + [np.asarray(data["group"], dtype=float)])
    return _regression(np.log(np.asarray(data["weight"], dtype=float)), X)


def earnings(data):
    """log10 earn ~ N(beta0 + beta1 height, sigma); flat priors."""
    X = np.column_stack([np.ones(data["N"]), np.asarray(data["height"], dtype=float)])
    return _regression(np.log10(np.asarray(data["earn"], dtype=float)), X)


def nes(data):
    """partyid7 ~ N(X beta, sigma), age dummies (category 1 the baseline); flat priors."""
    age = np.asarray(data["age_discrete"])
    cols = [np.ones(data["N"]), data["real_ideo"], data["race_adj"], age == 2, age == 3, age == 4,
            data["educ1"], data["gender"], data["income"]]
    X = np.column_stack([np.asarray(c, dtype=float) for c in cols])
    return _regression(np.asarray(data["partyid7"], dtype=float), X)


def regression_reference_point(reference):
    return {"beta": _means(reference, "beta"), "sigma": _means(reference, "sigma")}


def ark(data):
    """alpha, beta_k ~ N(0, 10); sigma ~ HalfCauchy(2.5); y_t ~ N(alpha + sum_k beta_k y_{t-k}, sigma)."""
    y, K, T = np.asarray(data["y"], dtype=float), data["K"], data["T"]
    lags = np.column_stack([y[K - k: T - k] for k in range(1, K + 1)])
    with rx.Model() as m:
        alpha = rx.Normal("alpha", 0.0, 10.0)
        beta = rx.Normal("beta", 0.0, 10.0, shape=K)
        sigma = rx.HalfCauchy("sigma", beta=2.5)
        rx.Normal("y", alpha + pt.dot(lags, beta), sigma, observed=y[K:])
    return m


def ark_reference_point(reference):
    return {k: _means(reference, k) for k in ("alpha", "beta", "sigma")}


def gp_pois_regr(data):
    """rho ~ Gamma(25, rate 4); alpha ~ HalfNormal(2); f_tilde ~ N(0, 1); f = chol(C) f_tilde; k ~ Poisson(exp f)."""
    x = np.asarray(data["x"], dtype=float)
    sq = (x[:, None] - x[None, :]) ** 2
    with rx.Model() as m:
        rho = rx.Gamma("rho", alpha=25.0, beta=4.0)
        alpha = rx.HalfNormal("alpha", sigma=2.0)
        f_tilde = rx.Normal("f_tilde", 0.0, 1.0, shape=data["N"])
        cov = alpha ** 2 * pt.exp(-0.5 * sq / rho ** 2) + 1e-10 * np.eye(data["N"])
        f = rx.Deterministic("f", pt.dot(pt.cholesky(cov), f_tilde))
        rx.Poisson("k", pt.exp(f), observed=np.asarray(data["k"]))
    return m


def gp_pois_regr_reference_point(reference, data):
    rho, alpha, f = _means(reference, "rho"), _means(reference, "alpha"), _means(reference, "f")
    x = np.asarray(data["x"], dtype=float)
    cov = alpha ** 2 * np.exp(-0.5 * (x[:, None] - x[None, :]) ** 2 / rho ** 2) + 1e-10 * np.eye(len(x))
    return {"rho": rho, "alpha": alpha, "f_tilde": np.linalg.solve(np.linalg.cholesky(cov), f)}


def sblrc(data):
    """beta ~ N(0, 10)^D; sigma ~ HalfNormal(10); y ~ N(X beta, sigma) (no intercept)."""
    X = np.asarray(data["X"], dtype=float)
    with rx.Model() as m:
        beta = rx.Normal("beta", 0.0, 10.0, shape=data["D"])
        sigma = rx.HalfNormal("sigma", 10.0)
        rx.Normal("y", pt.dot(X, beta), sigma, observed=np.asarray(data["y"], dtype=float))
    return m


def garch(data):
    """GARCH(1,1): flat mu, alpha0 > 0, (alpha1, beta1) uniform on the triangle alpha1 + beta1 < 1
    (alpha1 ~ Beta(1, 2), beta1 = (1 - alpha1) u, u ~ U(0, 1)); s_t^2 = alpha0 + alpha1 (y_{t-1} - mu)^2
    + beta1 s_{t-1}^2 with s_1 = sigma1; y_t ~ N(mu, s_t)."""
    y = np.asarray(data["y"], dtype=float)
    with rx.Model() as m:
        mu = rx.Flat("mu")
        alpha0 = rx.HalfFlat("alpha0")
        alpha1 = rx.Beta("alpha1", 1.0, 2.0)
        u = rx.Uniform("u", 0.0, 1.0)
        beta1 = rx.Deterministic("beta1", (1.0 - alpha1) * u)
        s2_rest, _ = pt.scan(lambda y_prev, s2_prev, a0, a1, b1, m_: a0 + a1 * (y_prev - m_) ** 2 + b1 * s2_prev,
                             sequences=[pt.constant(y[:-1])], outputs_info=[np.float64(data["sigma1"] ** 2)],
                             non_sequences=[alpha0, alpha1, beta1, mu])
        s2 = pt.concatenate([pt.as_tensor_variable(np.array([data["sigma1"] ** 2])), s2_rest])
        rx.Normal("y", mu, pt.sqrt(s2), observed=y)
    return m


def garch_reference_point(reference):
    alpha1, beta1 = _means(reference, "alpha1"), _means(reference, "beta1")
    return {"mu": _means(reference, "mu"), "alpha0": _means(reference, "alpha0"), "alpha1": alpha1,
            "u": beta1 / (1.0 - alpha1)}


def diamonds(data):
    """b ~ N(0, 1)^24; Intercept ~ StudentT(3, 8, 10); sigma ~ HalfStudentT(3, 10);
    Y ~ N(Intercept + Xc b, sigma) with Xc the centred columns 2..K of X."""
    X = np.asarray(data["X"], dtype=float)
    Xc = X[:, 1:] - X[:, 1:].mean(axis=0)
    with rx.Model() as m:
        b = rx.Normal("b", 0.0, 1.0, shape=Xc.shape[1])
        intercept = rx.StudentT("Intercept", nu=3.0, mu=8.0, sigma=10.0)
        sigma = rx.HalfStudentT("sigma", nu=3.0, sigma=10.0)
        rx.Normal("Y", intercept + pt.dot(Xc, b), sigma, observed=np.asarray(data["Y"], dtype=float))
    return m


def diamonds_reference_point(reference):
    return {"b": _means(reference, "b"), "Intercept": _means(reference, "Intercept"),
            "sigma": _means(reference, "sigma")}


def low_dim_gauss_mix(data):
    """mu ~ N(0, 2)^2 ordered; sigma ~ HalfNormal(2)^2; theta ~ Beta(5, 5);
    y ~ theta N(mu_1, sigma_1) + (1 - theta) N(mu_2, sigma_2)."""
    y = np.asarray(data["y"], dtype=float)
    with rx.Model() as m:
        mu = rx.Normal("mu", 0.0, 2.0, shape=2, transform=rx.transforms.ordered, initval=np.array([-1.0, 1.0]))
        sigma = rx.HalfNormal("sigma", 2.0, shape=2)
        theta = rx.Beta("theta", 5.0, 5.0)
        rx.NormalMixture("y", w=pt.stack([theta, 1.0 - theta]), mu=mu, sigma=sigma, observed=y)
    return m


def gauss_mix_reference_point(reference):
    return {k: _means(reference, k) for k in ("mu", "sigma", "theta")}


def kilpisjarvi(data):
    """alpha ~ N(pmualpha, psalpha); beta ~ N(pmubeta, psbeta); sigma flat > 0; y ~ N(alpha + beta x, sigma)."""
    x = np.asarray(data["x"], dtype=float)
    with rx.Model() as m:
        alpha = rx.Normal("alpha", data["pmualpha"], data["psalpha"])
        beta = rx.Normal("beta", data["pmubeta"], data["psbeta"])
        sigma = rx.HalfFlat("sigma")
        rx.Normal("y", alpha + beta * x, sigma, observed=np.asarray(data["y"], dtype=float))
    return m


def kilpisjarvi_reference_point(reference):
    return {k: _means(reference, k) for k in ("alpha", "beta", "sigma")}


#: name -> (builder, reference point function(reference, data))
POSTERIORS = {
    "eight_schools-eight_schools_noncentered": (eight_schools_noncentered, lambda r, d: eight_schools_reference_point(r)),
    "kidiq-kidscore_momiq": (kidiq, lambda r, d: regression_reference_point(r)),
    "mesquite-logmesquite": (mesquite, lambda r, d: regression_reference_point(r)),
    "earnings-log10earn_height": (earnings, lambda r, d: regression_reference_point(r)),
    "arK-arK": (ark, lambda r, d: ark_reference_point(r)),
    "gp_pois_regr-gp_pois_regr": (gp_pois_regr, gp_pois_regr_reference_point),
    "nes1972-nes": (nes, lambda r, d: regression_reference_point(r)),
    "sblrc-blr": (sblrc, lambda r, d: regression_reference_point(r)),
    "garch-garch11": (garch, lambda r, d: garch_reference_point(r)),
    "diamonds-diamonds": (diamonds, lambda r, d: diamonds_reference_point(r)),
    "low_dim_gauss_mix-low_dim_gauss_mix": (low_dim_gauss_mix, lambda r, d: gauss_mix_reference_point(r)),
    "kilpisjarvi_mod-kilpisjarvi": (kilpisjarvi, lambda r, d: kilpisjarvi_reference_point(r)),
}


def load(name):
    """``(model, data, reference)`` for the posterior ``name``."""
    builder, _ = POSTERIORS[name]
    data, reference = _read(name)
    return builder(data), data, reference


def reference_point(name, model, data, reference):
    """The reference posterior means as a point in the model's value (unconstrained) space."""
    _, point_fn = POSTERIORS[name]
    constrained = point_fn(reference, data)
    return model.initial_point(overrides=constrained)
