"""The twelve posteriordb posteriors build, and their densities are right at the reference means.

For each posterior: the model (tests/model/posteriordb_models.py) evaluates a finite logp and
gradient at the reference posterior means, and its density without Jacobian terms equals an
independent SciPy implementation of the model.md description at that point.
"""

import numpy as np
import pytest
import scipy.stats as st

import posteriordb_models as pdb


def _norm(y, mu, s):
    return st.norm.logpdf(y, mu, s).sum()


def _halfcauchy(x, beta):
    return st.halfcauchy.logpdf(x, scale=beta).sum()


def ref_eight_schools(p, d):
    theta = p["mu"] + p["tau"] * p["theta_trans"]
    return (_norm(p["mu"], 0, 5) + _halfcauchy(p["tau"], 5) + _norm(p["theta_trans"], 0, 1)
            + _norm(np.asarray(d["y"], float), theta, np.asarray(d["sigma"], float)))


def ref_kidiq(p, d):
    b = p["beta"]
    return _halfcauchy(p["sigma"], 2.5) + _norm(np.asarray(d["kid_score"], float),
                                                 b[0] + b[1] * np.asarray(d["mom_iq"], float), p["sigma"])


def ref_regression(X, y):
    return lambda p, d: _norm(y(d), X(d) @ p["beta"], p["sigma"])


def _mesquite_X(d):
    logs = [np.log(np.asarray(d[k], float)) for k in ("diam1", "diam2", "canopy_height", "total_height", "density")]
    return np.column_stack([np.ones(d["N"])] + logs + [np.asarray(d["group"], float)])


def _nes_X(d):
    age = np.asarray(d["age_discrete"])
    cols = [np.ones(d["N"]), d["real_ideo"], d["race_adj"], age == 2, age == 3, age == 4, d["educ1"], d["gender"],
            d["income"]]
    return np.column_stack([np.asarray(c, float) for c in cols])


def ref_ark(p, d):
    y, K, T = np.asarray(d["y"], float), d["K"], d["T"]
    mean = p["alpha"] + sum(p["beta"][k - 1] * y[K - k: T - k] for k in range(1, K + 1))
    return (_norm(p["alpha"], 0, 10) + _norm(p["beta"], 0, 10) + _halfcauchy(p["sigma"], 2.5)
            + _norm(y[K:], mean, p["sigma"]))


def ref_gp(p, d):
    x = np.asarray(d["x"], float)
    cov = p["alpha"] ** 2 * np.exp(-0.5 * (x[:, None] - x[None, :]) ** 2 / p["rho"] ** 2) + 1e-10 * np.eye(len(x))
    f = np.linalg.cholesky(cov) @ p["f_tilde"]
    return (st.gamma.logpdf(p["rho"], 25, scale=1 / 4) + st.halfnorm.logpdf(p["alpha"], scale=2)
            + _norm(p["f_tilde"], 0, 1) + st.poisson.logpmf(np.asarray(d["k"]), np.exp(f)).sum())


def ref_sblrc(p, d):
    X = np.asarray(d["X"], float)
    return (_norm(p["beta"], 0, 10) + st.halfnorm.logpdf(p["sigma"], scale=10)
            + _norm(np.asarray(d["y"], float), X @ p["beta"], p["sigma"]))


def ref_garch(p, d):
    y = np.asarray(d["y"], float)
    beta1 = (1 - p["alpha1"]) * p["u"]
    s2 = np.empty(len(y))
    s2[0] = d["sigma1"] ** 2
    for t in range(1, len(y)):
        s2[t] = p["alpha0"] + p["alpha1"] * (y[t - 1] - p["mu"]) ** 2 + beta1 * s2[t - 1]
    return st.beta.logpdf(p["alpha1"], 1, 2) + st.uniform.logpdf(p["u"]) + _norm(y, p["mu"], np.sqrt(s2))


def ref_diamonds(p, d):
    X = np.asarray(d["X"], float)
    Xc = X[:, 1:] - X[:, 1:].mean(axis=0)
    return (_norm(p["b"], 0, 1) + st.t.logpdf(p["Intercept"], 3, 8, 10) + np.log(2) + st.t.logpdf(p["sigma"], 3, 0, 10)
            + _norm(np.asarray(d["Y"], float), p["Intercept"] + Xc @ p["b"], p["sigma"]))


def ref_gauss_mix(p, d):
    y = np.asarray(d["y"], float)
    mu, s, th = p["mu"], p["sigma"], p["theta"]
    lik = np.logaddexp(np.log(th) + st.norm.logpdf(y, mu[0], s[0]), np.log1p(-th) + st.norm.logpdf(y, mu[1], s[1]))
    return _norm(mu, 0, 2) + st.halfnorm.logpdf(s, scale=2).sum() + st.beta.logpdf(th, 5, 5) + lik.sum()


def ref_kilpisjarvi(p, d):
    x = np.asarray(d["x"], float)
    return (_norm(p["alpha"], d["pmualpha"], d["psalpha"]) + _norm(p["beta"], d["pmubeta"], d["psbeta"])
            + _norm(np.asarray(d["y"], float), p["alpha"] + p["beta"] * x, p["sigma"]))


REFERENCES = {
    "eight_schools-eight_schools_noncentered": ref_eight_schools,
    "kidiq-kidscore_momiq": ref_kidiq,
    "mesquite-logmesquite": ref_regression(_mesquite_X, lambda d: np.log(np.asarray(d["weight"], float))),
    "earnings-log10earn_height": ref_regression(
        lambda d: np.column_stack([np.ones(d["N"]), np.asarray(d["height"], float)]),
        lambda d: np.log10(np.asarray(d["earn"], float))),
    "arK-arK": ref_ark,
    "gp_pois_regr-gp_pois_regr": ref_gp,
    "nes1972-nes": ref_regression(_nes_X, lambda d: np.asarray(d["partyid7"], float)),
    "sblrc-blr": ref_sblrc,
    "garch-garch11": ref_garch,
    "diamonds-diamonds": ref_diamonds,
    "low_dim_gauss_mix-low_dim_gauss_mix": ref_gauss_mix,
    "kilpisjarvi_mod-kilpisjarvi": ref_kilpisjarvi,
}


@pytest.mark.parametrize("name", sorted(pdb.POSTERIORS))
def test_posterior_builds_and_matches_its_description(name):
    model, data, reference = pdb.load(name)
    point = pdb.reference_point(name, model, data, reference)
    assert set(point) == {v.name for v in model.value_vars}
    func = model.logp_dlogp_function()
    logp, grad = func(func.dict_to_array(point))
    assert np.isfinite(logp) and np.all(np.isfinite(grad)) and grad.shape == (func.size,)
    # the density itself (constrained space, no Jacobian) against SciPy
    _, point_fn = pdb.POSTERIORS[name]
    constrained = {k: np.asarray(v, dtype=float) for k, v in point_fn(reference, data).items()}
    expected = REFERENCES[name](constrained, data)
    np.testing.assert_allclose(model.compile_logp(jacobian=False)(point), expected, rtol=1e-9)
    # the Jacobian terms make up the difference: one log-derivative per transformed entry
    assert np.isfinite(model.compile_logp()(point))


def test_reference_points_are_inside_the_supports():
    for name in sorted(pdb.POSTERIORS):
        model, data, reference = pdb.load(name)
        model.check_start_vals(pdb.reference_point(name, model, data, reference))

