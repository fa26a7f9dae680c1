"""Densities stay exact where models go: extreme logits, far tails, huge shape parameters, tiny rates.

References are computed with mpmath at 50 digits where SciPy itself would lose precision.
"""

import numpy as np
import pytest
import scipy.stats as st

import rewrax as rx
import rewrax.symbolic as pt

mpmath = pytest.importorskip("mpmath")
mpmath.mp.dps = 50


def _compiled(build, *values):
    """Compile with the default rewrites (what users and samplers run)."""
    inputs = [pt.as_tensor_variable(v).type.make_variable(name=f"in{k}") for k, v in enumerate(values)]
    return rx.function(inputs, build(*inputs))(*values)


def test_bernoulli_logit_800_is_exact_both_ways():
    logits = pt.vector("l")
    value = np.array([1, 0, 1, 0])
    lp_logit = rx.logp(rx.Bernoulli.dist(logit_p=logits), value)
    lp_p = rx.logp(rx.Bernoulli.dist(p=pt.sigmoid(logits)), value)
    vals = np.array([-800.0, -800.0, 800.0, 3.0])
    expected = [-800.0, 0.0, 0.0, -np.logaddexp(0.0, 3.0)]
    for graph in (lp_logit, lp_p):
        np.testing.assert_allclose(rx.function([logits], graph)(vals), expected, rtol=1e-12, atol=1e-300)
    assert rx.dprint(rx.function([logits], lp_logit), file="str") == rx.dprint(rx.function([logits], lp_p), file="str")


def test_binomial_logit_800():
    out = _compiled(lambda l: rx.logp(rx.Binomial.dist(n=10, logit_p=l), np.array([0, 10, 3])), np.array([-800.0, 800.0, -800.0]))
    np.testing.assert_allclose(out[:2], [0.0, 0.0], atol=1e-12)
    expected = float(mpmath.log(mpmath.binomial(10, 3)) - 3 * 800 - 7 * mpmath.log1p(mpmath.exp(-800)))
    np.testing.assert_allclose(out[2], expected, rtol=1e-12)


def test_normal_logcdf_far_left_tail():
    x = np.array([-40.0, -20.0, -5.0, 0.0, 5.0, 30.0])
    out = _compiled(lambda v: rx.logcdf(rx.Normal.dist(0.0, 1.0), v), x)
    expected = [float(mpmath.log(mpmath.ncdf(v)) if v < 0 else mpmath.log1p(-mpmath.ncdf(-v))) for v in x]
    np.testing.assert_allclose(out, expected, rtol=1e-12, atol=1e-300)
    assert np.isfinite(out[0]) and out[0] < -800


@pytest.mark.parametrize("alpha, beta, x", [(1e4, 1e4, 1.0), (1e4, 1e4, 0.98), (1e4, 1.0, 1e4 - 50), (0.01, 0.5, 1e-200)])
def test_gamma_with_extreme_parameters(alpha, beta, x):
    out = _compiled(lambda v: rx.logp(rx.Gamma.dist(alpha=alpha, beta=beta), v), np.array(x))
    a, b, v = mpmath.mpf(alpha), mpmath.mpf(beta), mpmath.mpf(x)
    expected = float(a * mpmath.log(b) - mpmath.loggamma(a) + (a - 1) * mpmath.log(v) - b * v)
    np.testing.assert_allclose(out, expected, rtol=1e-9)


@pytest.mark.parametrize("a, b, x", [(1e4, 1e4, 0.5), (1e4, 1e4, 0.49), (1e4, 10.0, 0.999), (0.5, 0.5, 1e-300)])
def test_beta_with_extreme_parameters(a, b, x):
    out = _compiled(lambda v: rx.logp(rx.Beta.dist(alpha=a, beta=b), v), np.array(x))
    A, B, X = mpmath.mpf(a), mpmath.mpf(b), mpmath.mpf(x)
    expected = float((A - 1) * mpmath.log(X) + (B - 1) * mpmath.log1p(-X) - mpmath.log(mpmath.beta(A, B)))
    np.testing.assert_allclose(out, expected, rtol=1e-9)


def test_poisson_with_tiny_rate():
    k = np.array([0, 1, 3])
    out = _compiled(lambda v: rx.logp(rx.Poisson.dist(1e-300), v), k)
    expected = [float(kk * mpmath.log(mpmath.mpf("1e-300")) - mpmath.loggamma(kk + 1) - mpmath.mpf("1e-300")) for kk in k]
    np.testing.assert_allclose(out, expected, rtol=1e-12)
    assert out[0] == 0.0 or abs(out[0]) <= 1e-299
    cdf = _compiled(lambda v: rx.logcdf(rx.Poisson.dist(1e-300), v), k)
    np.testing.assert_allclose(cdf, [-1e-300, 0.0, 0.0], atol=1e-299)


def test_truncated_normal_far_in_the_tail():
    x = np.array([30.0, 30.5, 32.0])
    out = _compiled(lambda v: rx.logp(rx.TruncatedNormal.dist(0.0, 1.0, lower=30.0), v), x)
    z = mpmath.ncdf(-30)
    expected = [float(mpmath.log(mpmath.npdf(v) / z)) for v in x]
    np.testing.assert_allclose(out, expected, rtol=1e-10)
    draws = rx.draw(rx.TruncatedNormal.dist(0.0, 1.0, lower=30.0), draws=2000, random_seed=1)
    assert draws.min() >= 30.0 and abs(draws.mean() - 30.033) < 0.01  # mean ~ 30 + 1/30


def test_student_t_with_huge_nu_is_normal():
    out = _compiled(lambda v: rx.logp(rx.StudentT.dist(nu=1e12, mu=0.0, sigma=1.0), v), np.array([0.0, 1.5, -3.0]))
    np.testing.assert_allclose(out, st.norm.logpdf([0.0, 1.5, -3.0]), rtol=1e-6)


def test_exponential_and_weibull_logcdf_near_zero():
    tiny = np.array([1e-300, 1e-20, 1e-5])
    out = _compiled(lambda v: rx.logcdf(rx.Exponential.dist(2.0), v), tiny)
    np.testing.assert_allclose(out, [float(mpmath.log(-mpmath.expm1(-2 * mpmath.mpf(t)))) for t in tiny], rtol=1e-12)
    out = _compiled(lambda v: rx.logcdf(rx.Weibull.dist(2.0, 1.0), v), tiny)
    np.testing.assert_allclose(out, [float(mpmath.log(-mpmath.expm1(-mpmath.mpf(t) ** 2))) for t in tiny], rtol=1e-12)


def test_violated_checks_raise_from_compiled_functions():
    s = pt.scalar("s")
    f = rx.function([s], rx.logp(rx.Normal.dist(0.0, s), 1.0))
    assert np.isfinite(f(1.0))
    with pytest.raises(pt.ParameterValueError, match="sigma > 0"):
        f(-1.0)
    p = pt.scalar("p")
    g = rx.function([p], rx.logp(rx.Binomial.dist(5, p), 2))
    with pytest.raises(pt.ParameterValueError, match="0 <= p <= 1"):
        g(1.5)
