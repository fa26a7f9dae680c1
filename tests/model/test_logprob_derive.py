"""Densities of graphs of random variables, derived by rules: transforms, censoring, indexing, joins."""

import numpy as np
import pytest
import scipy.special as sps
import scipy.stats as st

import rewrax as rx
import rewrax.symbolic as pt
from rewrax.model.logprob import NotMeasurableError

V = np.array([-3.0, -1.0, 0.0, 0.5, 2.0, 5.0])


def _eval(kind, var, values):
    x = pt.vector("x")
    return getattr(rx, kind)(var, x).eval({x: np.asarray(values, dtype="float64")})


def test_exp_of_normal_is_lognormal():
    ref = st.lognorm(0.8, scale=np.exp(0.3))
    var = pt.exp(rx.Normal.dist(0.3, 0.8))
    lognormal = rx.LogNormal.dist(0.3, 0.8)
    np.testing.assert_allclose(_eval("logp", var, V), ref.logpdf(V), rtol=1e-12)
    np.testing.assert_allclose(_eval("logp", var, V), _eval("logp", lognormal, V), rtol=1e-12)
    np.testing.assert_allclose(_eval("logcdf", var, V), ref.logcdf(V), rtol=1e-12)
    np.testing.assert_allclose(_eval("icdf", var, [0.1, 0.5, 0.9]), ref.ppf([0.1, 0.5, 0.9]), rtol=1e-12)


@pytest.mark.parametrize("build, ref", [
    (lambda x: 2.0 + 3.0 * x, st.norm(2, 3)),
    (lambda x: x * 3.0 + 2.0, st.norm(2, 3)),
    (lambda x: (x - 1.0) / 0.5, st.norm(-2, 2)),
    (lambda x: -x, st.norm(0, 1)),
    (lambda x: 1.0 - x, st.norm(1, 1)),
    (lambda x: -2.0 * x + 1.0, st.norm(1, 2)),
])
def test_affine_maps_of_a_normal(build, ref):
    var = build(rx.Normal.dist(0.0, 1.0))
    np.testing.assert_allclose(_eval("logp", var, V), ref.logpdf(V), rtol=1e-12)
    np.testing.assert_allclose(_eval("logcdf", var, V), ref.logcdf(V), rtol=1e-10)
    np.testing.assert_allclose(_eval("icdf", var, [0.2, 0.7]), ref.ppf([0.2, 0.7]), rtol=1e-12)


def test_decreasing_map_of_an_asymmetric_variable():
    var = 2.0 - 3.0 * rx.Exponential.dist(1.0)
    ref = st.expon(scale=3.0)
    np.testing.assert_allclose(_eval("logp", var, V), ref.logpdf(2.0 - V), rtol=1e-12)
    np.testing.assert_allclose(_eval("logcdf", var, V), ref.logsf(2.0 - V), rtol=1e-10)
    np.testing.assert_allclose(_eval("icdf", var, [0.1, 0.5]), 2.0 - 3.0 * st.expon.ppf([0.9, 0.5]), rtol=1e-12)


def test_scale_with_symbolic_sign():
    c = pt.scalar("c")
    var = c * rx.Exponential.dist(1.0)
    x = pt.vector("x")
    f = rx.function([x, c], rx.logp(var, x))
    np.testing.assert_allclose(f(V, 2.0), st.expon(scale=2.0).logpdf(V), rtol=1e-12)
    np.testing.assert_allclose(f(V, -2.0), st.expon(scale=2.0).logpdf(-V), rtol=1e-12)
    g = rx.function([x, c], rx.logcdf(var, x))
    np.testing.assert_allclose(g(V, -2.0), st.expon(scale=2.0).logsf(-V), rtol=1e-10)


@pytest.mark.parametrize("build, logpdf", [
    (lambda x: pt.log(x), lambda v: st.gamma(2.0, scale=1 / 3).logpdf(np.exp(v)) + v),
    (lambda x: pt.sqrt(x), lambda v: np.where(v > 0, st.gamma(2.0, scale=1 / 3).logpdf(v**2) + np.log(2 * np.abs(v)), -np.inf)),
    (lambda x: x ** 2.0, lambda v: np.where(v > 0, st.gamma(2.0, scale=1 / 3).logpdf(np.sqrt(np.abs(v))) - np.log(2 * np.sqrt(np.abs(v))), -np.inf)),
    (lambda x: 1.0 / x, lambda v: np.where(v > 0, st.gamma(2.0, scale=1 / 3).logpdf(1 / np.abs(v)) - 2 * np.log(np.abs(v)), -np.inf)),
    (lambda x: pt.log1p(x), lambda v: st.gamma(2.0, scale=1 / 3).logpdf(np.expm1(v)) + v),
])
def test_transforms_of_a_positive_variable(build, logpdf):
    var = build(rx.Gamma.dist(2.0, 3.0))
    with np.errstate(all="ignore"):
        expected = logpdf(V)
    np.testing.assert_allclose(_eval("logp", var, V), expected, rtol=1e-10)


def test_sigmoid_logit_and_tanh():
    u = np.array([-0.1, 0.05, 0.3, 0.9, 1.2])
    var = pt.sigmoid(rx.Normal.dist(0.2, 1.5))
    with np.errstate(all="ignore"):
        expected = np.where((u > 0) & (u < 1), st.norm(0.2, 1.5).logpdf(sps.logit(u)) - np.log(u) - np.log1p(-u), -np.inf)
    np.testing.assert_allclose(_eval("logp", var, u), expected, rtol=1e-10)
    np.testing.assert_allclose(_eval("logp", var, u), _eval("logp", rx.LogitNormal.dist(0.2, 1.5), u), rtol=1e-10)
    logit_of_beta = pt.logit(rx.Beta.dist(2.0, 3.0))
    v = np.array([-2.0, 0.0, 1.5])
    expected = st.beta(2, 3).logpdf(sps.expit(v)) + np.log(sps.expit(v)) + np.log(sps.expit(-v))
    np.testing.assert_allclose(_eval("logp", logit_of_beta, v), expected, rtol=1e-10)
    th = pt.tanh(rx.Normal.dist(0.0, 1.0))
    w = np.array([-0.5, 0.2, 0.9])
    np.testing.assert_allclose(_eval("logp", th, w), st.norm.logpdf(np.arctanh(w)) - np.log1p(-w**2), rtol=1e-10)


def test_power_of_a_real_variable_is_refused():
    with pytest.raises(NotMeasurableError, match="positive"):
        rx.logp(rx.Normal.dist() ** 2.0, 1.0)


def test_abs_folds_the_density():
    var = pt.abs(rx.Normal.dist(0.5, 1.0))
    expected = np.where(V < 0, -np.inf, np.logaddexp(st.norm(0.5).logpdf(V), st.norm(0.5).logpdf(-V)))
    np.testing.assert_allclose(_eval("logp", var, V), expected, rtol=1e-12)
    cdf = np.where(V < 0, 0, st.norm(0.5).cdf(V) - st.norm(0.5).cdf(-V))
    with np.errstate(divide="ignore"):
        np.testing.assert_allclose(_eval("logcdf", var, V), np.log(cdf), rtol=1e-10)


def test_transform_of_a_discrete_variable_has_no_jacobian():
    var = rx.Poisson.dist(3.0) + 2
    k = pt.vector("k", dtype="int64")
    got = rx.logp(var, k).eval({k: np.array([1, 2, 5])})
    np.testing.assert_allclose(got, st.poisson(3.0).logpmf(np.array([1, 2, 5]) - 2), rtol=1e-12)
    np.testing.assert_allclose(rx.logcdf(var, k).eval({k: np.array([1, 2, 5])}),
                               st.poisson(3.0).logcdf(np.array([1, 2, 5]) - 2), rtol=1e-10)


def _censored_normal_reference(v, lo, hi):
    out = st.norm.logpdf(v)
    out = np.where(v == lo, st.norm.logcdf(lo), out)
    out = np.where(v == hi, st.norm.logsf(hi), out)
    return np.where((v < lo) | (v > hi), -np.inf, out)


def test_clip_is_censoring_and_matches_censored():
    expected = _censored_normal_reference(V, -1.0, 2.0)
    np.testing.assert_allclose(_eval("logp", pt.clip(rx.Normal.dist(0, 1), -1.0, 2.0), V), expected, rtol=1e-12)
    censored = rx.Censored.dist(rx.Normal.dist(0, 1), lower=-1.0, upper=2.0)
    np.testing.assert_allclose(_eval("logp", censored, V), expected, rtol=1e-12)
    np.testing.assert_allclose(_eval("logp", pt.maximum(rx.Normal.dist(0, 1), -1.0), V),
                               _censored_normal_reference(V, -1.0, np.inf), rtol=1e-12)
    np.testing.assert_allclose(_eval("logp", pt.minimum(rx.Normal.dist(0, 1), 2.0), V),
                               _censored_normal_reference(V, -np.inf, 2.0), rtol=1e-12)
    cdf = np.where(V < -1, -np.inf, np.where(V >= 2, 0.0, st.norm.logcdf(V)))
    np.testing.assert_allclose(_eval("logcdf", censored, V), cdf, rtol=1e-12)


def test_censored_discrete_upper_bound_carries_the_tail():
    c = rx.Censored.dist(rx.Poisson.dist(3.0), lower=None, upper=5)
    k = np.array([0, 4, 5, 6])
    ref = st.poisson(3.0)
    expected = np.array([ref.logpmf(0), ref.logpmf(4), ref.logsf(4), -np.inf])
    np.testing.assert_allclose(rx.logp(c, k).eval(), expected, rtol=1e-10)


def test_indexing_and_reshaping_univariate_variables():
    x = rx.Normal.dist(mu=np.arange(5.0), sigma=np.arange(1.0, 6.0))
    np.testing.assert_allclose(_eval("logp", x[1:3], [0.0, 1.0]), st.norm([1, 2], [2, 3]).logpdf([0, 1]), rtol=1e-12)
    np.testing.assert_allclose(_eval("logp", x[[4, 0]], [0.0, 1.0]), st.norm([4, 0], [5, 1]).logpdf([0, 1]), rtol=1e-12)
    y = rx.Normal.dist(mu=np.arange(6.0).reshape(2, 3), sigma=1.0)
    m = pt.matrix("m")
    vals = np.ones((3, 2))
    got = rx.logp(y.T, m).eval({m: vals})
    np.testing.assert_allclose(got, st.norm(np.arange(6.0).reshape(2, 3).T).logpdf(vals), rtol=1e-12)
    scalar = rx.logp(y[1, 2], 4.0).eval()
    np.testing.assert_allclose(scalar, st.norm(5.0).logpdf(4.0), rtol=1e-12)
    shifted = pt.exp(x)[2:]
    np.testing.assert_allclose(_eval("logp", shifted, [1.0, 2.0, 3.0]),
                               st.lognorm([3, 4, 5], scale=np.exp([2, 3, 4])).logpdf([1, 2, 3]), rtol=1e-12)


def test_concatenate_and_stack_join_the_pieces():
    a, b = rx.Normal.dist(0, 1, size=2), rx.Exponential.dist(1.0, size=3)
    w = np.array([0.1, -0.2, 0.5, 1.0, 2.0])
    expected = np.r_[st.norm.logpdf(w[:2]), st.expon.logpdf(w[2:])]
    np.testing.assert_allclose(_eval("logp", pt.concatenate([a, b]), w), expected, rtol=1e-12)
    s = pt.stack([rx.Normal.dist(0, 1), rx.Normal.dist(5, 2)])
    np.testing.assert_allclose(_eval("logp", s, [0.3, 4.0]), [st.norm.logpdf(0.3), st.norm(5, 2).logpdf(4.0)], rtol=1e-12)
    mv = pt.concatenate([rx.MvNormal.dist(np.zeros(2), np.eye(2)), rx.MvNormal.dist(np.ones(3), np.eye(3))])
    val = np.array([0.1, 0.2, 1.0, 1.5, 0.5])
    expected = st.multivariate_normal(np.zeros(2)).logpdf(val[:2]) + st.multivariate_normal(np.ones(3)).logpdf(val[2:])
    np.testing.assert_allclose(rx.logp(mv, val).eval(), expected, rtol=1e-12)
    rows = pt.stack([rx.MvNormal.dist(np.zeros(2), np.eye(2)), rx.MvNormal.dist(np.ones(2), np.eye(2))])
    vals = np.array([[0.1, 0.2], [1.0, 0.5]])
    np.testing.assert_allclose(rx.logp(rows, vals).eval(),
                               [st.multivariate_normal(np.zeros(2)).logpdf(vals[0]), st.multivariate_normal(np.ones(2)).logpdf(vals[1])],
                               rtol=1e-12)


@pytest.mark.parametrize("build, match", [
    (lambda: rx.Normal.dist() + rx.Normal.dist(), "several inputs"),
    (lambda: pt.cos(rx.Normal.dist()), "Cos"),
    (lambda: pt.scalar("x") * 2.0, "not random"),
    (lambda: rx.Normal.dist(size=3)[pt.as_tensor_variable(rx.Poisson.dist(1.0))], "random"),
    (lambda: pt.concatenate([rx.Normal.dist(size=2), pt.ones(2)]), "not random"),
    (lambda: rx.Normal.dist() + pt.zeros(3), "broadcast"),
])
def test_graphs_without_a_density_raise_a_clear_error(build, match):
    with pytest.raises(NotMeasurableError, match=match):
        rx.logp(build(), np.zeros(3) if "3" in match else 0.0)


def test_conditional_logp_uses_parent_values_and_names_terms():
    mu = rx.Normal.dist(0.0, 2.0)
    x = rx.Normal.dist(mu, 1.0)
    y = pt.exp(rx.Normal.dist(x, 0.5))
    mu_v, x_v, y_v = pt.scalar("mu"), pt.scalar("x"), pt.scalar("y")
    terms = rx.conditional_logp({mu: mu_v, x: x_v, y: y_v})
    assert list(terms) == [mu_v, x_v, y_v]
    assert [t.name for t in terms.values()] == ["mu_logprob", "x_logprob", "y_logprob"]
    roots = {v.name for v in rx.graph_inputs(list(terms.values())) if v.name}
    assert roots == {"mu", "x", "y"}
    total = pt.add(*terms.values())
    f = rx.function([mu_v, x_v, y_v], total)
    expected = st.norm(0, 2).logpdf(0.3) + st.norm(0.3, 1).logpdf(-0.4) + st.lognorm(0.5, scale=np.exp(-0.4)).logpdf(1.7)
    np.testing.assert_allclose(f(0.3, -0.4, 1.7), expected, rtol=1e-12)


def test_conditional_logp_warns_about_random_variables_left_in_a_term():
    mu = rx.Normal.dist(0.0, 2.0)
    x = rx.Normal.dist(mu, 1.0)
    with pytest.warns(UserWarning, match="remain"):
        rx.conditional_logp({x: pt.scalar("x")})
