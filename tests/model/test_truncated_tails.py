"""Truncated normals far in the tails: logp, logcdf and gradients against mpmath.

``log(Phi(b) - Phi(a))`` is computed by ``rewrax.model.logprob.math.log_ndtr_diff``; the
reference here is mpmath at 60 digits (derivatives by ``mp.diff`` at that precision), so the
tolerances are those of double precision, not of another floating-point implementation.
"""

import mpmath as mp
import numpy as np
import pytest

import rewrax as rx
import rewrax.symbolic as pt
from rewrax.model.logprob.math import log_ndtr_diff

mp.mp.dps = 60


def _log_mass(a, b):
    a, b = mp.mpf(a), mp.mpf(b)
    # the reflection is an exact identity; at 60 digits either side would do except far tails
    return mp.log(mp.ncdf(b) - mp.ncdf(a) if a + b <= 0 else mp.ncdf(-a) - mp.ncdf(-b))


def _ref_logp(v, mu, sigma, lo, hi):
    v, mu, sigma = mp.mpf(v), mp.mpf(mu), mp.mpf(sigma)
    z = (v - mu) / sigma
    return -z * z / 2 - mp.log(mp.sqrt(2 * mp.pi) * sigma) - _log_mass((lo - mu) / sigma, (hi - mu) / sigma)


def _ref_logcdf(v, mu, sigma, lo, hi):
    return _log_mass((lo - mu) / sigma, (v - mu) / sigma) - _log_mass((lo - mu) / sigma, (hi - mu) / sigma)


def _ref_grad(fn, args):
    """d fn / d args[i] by mpmath differentiation (infinite arguments: 0)."""
    out = []
    for i, x in enumerate(args):
        if not np.isfinite(x):
            out.append(0.0)
            continue
        out.append(float(mp.diff(lambda t: fn(*args[:i], t, *args[i + 1:]), mp.mpf(x))))
    return np.array(out)


CUTS = [(-1.0, 1.0), (1.5, np.inf), (-np.inf, -40.0), (40.0, np.inf), (-np.inf, np.inf), (30.0, 31.0), (-31.0, -30.0),
        (-1e-9, 1e-9), (-1.0, -1.0 + 1e-9), (5.0, 5.0 + 1e-7), (-40.0, -39.99), (0.3, 2.0), (-np.inf, 0.5),
        (8.0, 9.0), (-9.0, 8.0), (37.5, 37.6), (1e-3, 2e-3)]


@pytest.fixture(scope="module")
def mass_fn():
    a, b = pt.scalar("a"), pt.scalar("b")
    out = log_ndtr_diff(a, b)
    return rx.function([a, b], [out] + rx.grad(out, [a, b]))


@pytest.mark.parametrize("a,b", CUTS)
def test_log_ndtr_diff_matches_mpmath(mass_fn, a, b):
    got = np.array([float(v) for v in mass_fn(a, b)])
    ref = float(_log_mass(a, b))
    np.testing.assert_allclose(got[0], ref, rtol=1e-13, atol=1e-300)
    grads = _ref_grad(lambda x, y: _log_mass(x, y), [a, b])
    np.testing.assert_allclose(got[1:], grads, rtol=1e-12, atol=1e-300)


# (value, mu, sigma, lower, upper): one-sided bound at 1.5 sd, bounds 30 sd from mu on either
# side, values in far tails, a narrow window
POINTS = [
    (2.0, 0.0, 1.0, 1.5, np.inf),
    (40.0, 0.0, 1.0, 38.0, np.inf),
    (-45.0, 0.0, 2.0, -np.inf, -80.0 + 0.0 * 1),
    (0.5, 30.0, 1.0, 0.0, 1.0),
    (0.5, -30.0, 1.0, 0.0, 1.0),
    (0.7, -300.0, 10.0, 0.0, 1.0),
    (3.0, 0.0, 0.5, 2.9, 3.1),
    (0.1, 0.0, 1.0, -0.2, 0.3),
    (1e3, 0.0, 1.0, 999.0, np.inf),
]
POINTS[2] = (-85.0, 0.0, 2.0, -np.inf, -80.0)


def _compiled(kind, make):
    v, mu, sigma, lo, hi = (pt.scalar(n) for n in ("v", "mu", "sigma", "lo", "hi"))
    dist = make(mu, sigma, lo, hi)
    out = getattr(rx, kind)(dist, v)
    return rx.function([v, mu, sigma, lo, hi], [out] + rx.grad(out, [v, mu, sigma, lo, hi]))


MAKERS = {
    "TruncatedNormal": lambda mu, sigma, lo, hi: rx.TruncatedNormal.dist(mu, sigma, lower=lo, upper=hi),
    "Truncated(Normal)": lambda mu, sigma, lo, hi: rx.Truncated.dist(rx.Normal.dist(mu, sigma), lower=lo, upper=hi),
}


@pytest.fixture(scope="module", params=sorted(MAKERS))
def compiled(request):
    make = MAKERS[request.param]
    return _compiled("logp", make), _compiled("logcdf", make)


@pytest.mark.parametrize("point", POINTS)
def test_logp_and_gradient_far_in_the_tails(compiled, point):
    got = np.array([float(x) for x in compiled[0](*point)])
    assert np.all(np.isfinite(got)), got
    np.testing.assert_allclose(got[0], float(_ref_logp(*point)), rtol=1e-12)
    np.testing.assert_allclose(got[1:], _ref_grad(_ref_logp, list(point)), rtol=1e-9, atol=1e-12)


@pytest.mark.parametrize("point", [p for p in POINTS if p[0] < p[4]])
def test_logcdf_and_gradient_far_in_the_tails(compiled, point):
    got = np.array([float(x) for x in compiled[1](*point)])
    assert np.all(np.isfinite(got)), got
    # a difference of two log-masses of size |m|: absolute error |m| * eps
    np.testing.assert_allclose(got[0], float(_ref_logcdf(*point)), rtol=1e-11, atol=1e-12)
    np.testing.assert_allclose(got[1:], _ref_grad(_ref_logcdf, list(point)), rtol=1e-8, atol=1e-10)


def test_outside_the_bounds_is_minus_inf_with_finite_gradient(compiled):
    out = [float(x) for x in compiled[0](0.5, 0.0, 1.0, 1.5, np.inf)]
    assert out[0] == -np.inf and np.all(np.isfinite(out[1:]))


def test_model_density_and_gradient_are_finite_in_the_tails():
    with rx.Model() as m:
        mu = rx.Normal("mu", 0.0, 1.0)
        rx.TruncatedNormal("y", mu, 1.0, lower=30.0, upper=31.0, observed=[30.2, 30.9])
        rx.Truncated("z", rx.Normal.dist(mu, 1.0), lower=1.5, observed=[1.6, 4.0])
    point = {"mu": -30.0}
    logp, dlogp = m.compile_logp()(point), m.compile_dlogp()(point)
    assert np.isfinite(logp) and np.all(np.isfinite(dlogp))
    ref = sum(float(_ref_logp(v, -30.0, 1.0, 30.0, 31.0)) for v in (30.2, 30.9)) + sum(
        float(_ref_logp(v, -30.0, 1.0, 1.5, np.inf)) for v in (1.6, 4.0)) + float(-900 / 2 - mp.log(mp.sqrt(2 * mp.pi)))
    np.testing.assert_allclose(logp, ref, rtol=1e-12)


def test_truncated_gamma_one_sided_gradients_match_finite_differences():
    x, b = pt.scalar("x"), pt.scalar("b")
    for lower, upper in ((2.0, None), (None, 3.0), (2.0, 3.0)):
        lp = rx.logp(rx.Truncated.dist(rx.Gamma.dist(3.0, b), lower=lower, upper=upper), x)
        f = rx.function([x, b], [lp] + rx.grad(lp, [x, b]))
        val, gx, gb = (float(v) for v in f(2.5, 1.5))
        assert np.isfinite([val, gx, gb]).all()
        h = 1e-6
        for k, g in ((0, gx), (1, gb)):
            step = np.array([h, 0.0]) if k == 0 else np.array([0.0, h])
            fd = (float(f(*(np.array([2.5, 1.5]) + step))[0]) - float(f(*(np.array([2.5, 1.5]) - step))[0])) / (2 * h)
            np.testing.assert_allclose(g, fd, rtol=1e-6)
