"""Hurdle distributions against SciPy: mass 1 - psi at 0, psi times the truncated density elsewhere."""

import numpy as np
import pytest
import scipy.stats as st

import rewrax as rx
import rewrax.symbolic as pt

V = np.arange(8)
X = np.array([0.0, 1e-3, 0.5, 3.0, 40.0])


def _hurdle_ref(psi, ref, v, discrete):
    positive = ref.logsf(0) if discrete else 0.0  # P(X >= 1) for counts
    return np.where(v == 0, np.log1p(-psi), np.log(psi) + ref.logpmf(v) - positive if discrete else 0.0)


CASES = {
    "HurdlePoisson": (lambda: rx.HurdlePoisson.dist(psi=0.3, mu=2.5), st.poisson(2.5), True),
    "HurdleNegativeBinomial": (lambda: rx.HurdleNegativeBinomial.dist(psi=0.6, mu=3.0, alpha=2.0),
                               st.nbinom(2.0, 2.0 / 5.0), True),
    "HurdleGamma": (lambda: rx.HurdleGamma.dist(psi=0.4, alpha=2.0, beta=1.5), st.gamma(2.0, scale=1 / 1.5), False),
    "HurdleLogNormal": (lambda: rx.HurdleLogNormal.dist(psi=0.7, mu=0.2, sigma=0.8), st.lognorm(0.8, scale=np.exp(0.2)),
                        False),
}


@pytest.mark.parametrize("name", sorted(CASES))
def test_logp_matches_scipy(name):
    make, ref, discrete = CASES[name]
    dist = make()
    psi = float(dist.owner.inputs[2].eval()[..., 1])
    if discrete:
        expected = np.where(V == 0, np.log1p(-psi), np.log(psi) + ref.logpmf(V) - ref.logsf(0))
        np.testing.assert_allclose(rx.logp(dist, V).eval(), expected, rtol=1e-10)
        np.testing.assert_array_equal(rx.logp(dist, np.array([-1])).eval(), [-np.inf])
    else:
        expected = np.where(X == 0, np.log1p(-psi), np.log(psi) + ref.logpdf(X))
        np.testing.assert_allclose(rx.logp(dist, X).eval(), expected, rtol=1e-10)
        assert rx.logp(dist, -1.0).eval() == -np.inf


@pytest.mark.parametrize("name", sorted(CASES))
def test_draws_zero_share_and_positive_part(name):
    make, ref, discrete = CASES[name]
    dist = make()
    psi = float(dist.owner.inputs[2].eval()[..., 1])
    d = rx.draw(dist, draws=4000, random_seed=5)
    zero = d == 0
    assert abs(zero.mean() - (1 - psi)) < 4 * np.sqrt(psi * (1 - psi) / 4000)
    pos = d[~zero]
    assert np.all(pos > 0)
    if discrete:
        assert pos.min() >= 1
    else:  # continuous positive part: KS against the untruncated distribution (eps truncation is nothing)
        assert st.kstest(pos, ref.cdf).pvalue > 1e-3


def test_model_variable_and_gradient():
    with rx.Model() as m:
        psi = rx.Beta("psi", 2.0, 2.0)
        mu = rx.Exponential("mu", 1.0)
        rx.HurdlePoisson("y", psi=psi, mu=mu, observed=np.array([0, 0, 1, 3, 2]))
        # beta, not alpha: the incomplete gamma has no derivative in its shape parameter in rewrax yet
        rx.HurdleGamma("g", psi=psi, alpha=2.0, beta=mu, observed=np.array([0.0, 1.2, 2.5]))
    point = m.initial_point()
    assert np.isfinite(m.compile_logp()(point)) and np.all(np.isfinite(m.compile_dlogp()(point)))


def test_gradient_in_psi_matches_finite_differences():
    psi = pt.scalar("psi")
    lp = pt.sum(rx.logp(rx.HurdlePoisson.dist(psi=psi, mu=2.0), V))
    f = rx.function([psi], [lp, rx.grad(lp, psi)])
    h = 1e-6
    np.testing.assert_allclose(f(0.3)[1], (f(0.3 + h)[0] - f(0.3 - h)[0]) / (2 * h), rtol=1e-6)
