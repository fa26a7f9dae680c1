"""OrderedLogistic / OrderedProbit / OrderedMultinomial against mpmath, in the tails too."""

import mpmath as mp
import numpy as np
import pytest

import rewrax as rx
import rewrax.symbolic as pt
from rewrax.symbolic.check import ParameterValueError

mp.mp.dps = 60
CUTS = np.array([-2.0, 0.5, 3.0])


def _ref_logistic(eta, cuts):
    s = [mp.mpf(0)] + [1 / (1 + mp.exp(-(mp.mpf(c) - eta))) for c in cuts] + [mp.mpf(1)]
    return [float(mp.log(s[k + 1] - s[k])) for k in range(len(cuts) + 1)]


def _ref_probit(eta, cuts, sigma):
    z = [-mp.inf] + [(mp.mpf(c) - eta) / sigma for c in cuts] + [mp.inf]
    out = []
    for a, b in zip(z[:-1], z[1:]):
        m = mp.ncdf(b) - mp.ncdf(a) if a + b <= 0 else mp.ncdf(-a) - mp.ncdf(-b)
        out.append(float(mp.log(m)))
    return out


@pytest.mark.parametrize("eta", [0.0, 1.7, -40.0, 45.0, 800.0])
def test_ordered_logistic_log_probabilities(eta):
    y = rx.OrderedLogistic.dist(eta=eta, cutpoints=CUTS)
    got = rx.logp(y, np.arange(4)).eval()
    # log_softmax reads log p back: log-probabilities near 0 are exact to ~1e-16 absolute
    np.testing.assert_allclose(got, _ref_logistic(mp.mpf(eta), CUTS), rtol=1e-12, atol=1e-15)


@pytest.mark.parametrize("eta,sigma", [(0.0, 1.0), (1.7, 2.0), (-40.0, 1.0), (45.0, 1.5)])
def test_ordered_probit_log_probabilities(eta, sigma):
    y = rx.OrderedProbit.dist(eta=eta, cutpoints=CUTS, sigma=sigma)
    got = rx.logp(y, np.arange(4)).eval()
    np.testing.assert_allclose(got, _ref_probit(mp.mpf(eta), CUTS, mp.mpf(sigma)), rtol=1e-12, atol=1e-15)


def test_gradient_matches_mpmath():
    eta, c = pt.scalar("eta"), pt.vector("c")
    lp = pt.sum(rx.logp(rx.OrderedProbit.dist(eta=eta, cutpoints=c), np.array([0, 1, 2, 3, 1])))
    f = rx.function([eta, c], rx.grad(lp, eta))
    ref = mp.diff(lambda e: sum(_ref_probit_mp(e, CUTS)[k] for k in (0, 1, 2, 3, 1)), mp.mpf(30.0))
    np.testing.assert_allclose(f(30.0, CUTS), float(ref), rtol=1e-9)


def _ref_probit_mp(eta, cuts):
    z = [-mp.inf] + [mp.mpf(c) - eta for c in cuts] + [mp.inf]
    return [mp.log(mp.ncdf(b) - mp.ncdf(a) if a + b <= 0 else mp.ncdf(-a) - mp.ncdf(-b)) for a, b in zip(z[:-1], z[1:])]


def test_unordered_cutpoints():
    with pytest.raises(ValueError, match="OrderedLogistic 'y'.*increasing"):
        with rx.Model():
            rx.OrderedLogistic("y", eta=0.0, cutpoints=[1.0, -1.0])
    c = pt.vector("c")
    lp = rx.logp(rx.OrderedProbit.dist(eta=0.0, cutpoints=c), 0)
    with pytest.raises(ParameterValueError, match="cutpoints must be increasing"):
        lp.eval({c: np.array([1.0, -1.0])})


@pytest.mark.slow
def test_model_probs_draws_and_density():
    obs = np.array([0, 1, 1, 2, 3, 3])
    with rx.Model() as m:
        cut = rx.Normal("cut", mu=[-1.0, 0.0, 1.0], sigma=5.0, transform=rx.transforms.ordered)
        rx.OrderedLogistic("y", eta=0.3, cutpoints=cut, observed=obs)
        rx.OrderedMultinomial("k", eta=-0.2, cutpoints=cut, n=50, observed=np.array([10, 15, 15, 10]))
    assert {"y_probs", "k_probs"} <= set(m.named_vars)
    point = m.initial_point()
    assert np.isfinite(m.compile_logp()(point)) and np.all(np.isfinite(m.compile_dlogp()(point)))
    bad = dict(point, cut_ordered__=np.array([0.0, 0.0, 0.0]))
    assert np.isfinite(m.compile_logp()(bad))
    draws = rx.draw(rx.OrderedLogistic.dist(eta=0.0, cutpoints=CUTS), draws=20000, random_seed=2)
    freq = np.bincount(draws, minlength=4) / 20000
    np.testing.assert_allclose(freq, np.exp(_ref_logistic(mp.mpf(0), CUTS)), atol=0.012)
