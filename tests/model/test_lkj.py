"""LKJ densities integrate to one (Lewandowski, Kurowicka & Joe 2009, their normalising constant).

rewrax's LKJCorr / LKJCholeskyCov log-densities are normalised. PyMC 5.28 adds ``+log c`` where
``-log c`` is due (``c`` the integral of ``det(C) ** (eta - 1)``), so its values differ from
these by ``2 log c``: ``2 log(4/3)`` at n = 2, eta = 2; ``2 log 2`` at n = 2, eta = 1. PyMC is
wrong there (its density integrates to ``c ** 2``), and these tests say so by integration.
"""

import mpmath as mp
import numpy as np
import pytest
from scipy import integrate

import rewrax as rx


def _corr_density(n, eta):
    return lambda c: float(np.exp(rx.logp(rx.LKJCorr.dist(n=n, eta=eta, return_matrix=True), c).eval()))


@pytest.mark.parametrize("eta", [1.0, 2.0, 0.7])
def test_lkjcorr_n2_integrates_to_one(eta):
    lp = rx.logp(rx.LKJCorr.dist(n=2, eta=eta, return_matrix=True), np.array([[1.0, 0.3], [0.3, 1.0]])).eval()
    # closed form of the integral of (1 - r^2)^(eta - 1) over (-1, 1), in mpmath
    c = mp.quad(lambda r: (1 - r * r) ** (eta - 1), [-1, 0, 1])
    np.testing.assert_allclose(lp, float((eta - 1) * mp.log(1 - mp.mpf(0.09)) - mp.log(c)), rtol=1e-12)


@pytest.mark.parametrize("eta", [1.0, 2.0])
def test_lkjcorr_n3_integrates_to_one(eta):
    dens = _corr_density(3, eta)
    c0 = dens(np.eye(3))  # density at the identity: 1 / integral of det ** (eta - 1)

    def inner(a, b):  # integral over c of det(C) ** (eta - 1), det = 1 - a^2 - b^2 - c^2 + 2abc
        half = np.sqrt((1 - a * a) * (1 - b * b))
        return integrate.quad(lambda c: (1 - a * a - b * b - c * c + 2 * a * b * c) ** (eta - 1), a * b - half,
                              a * b + half)[0]

    total = integrate.dblquad(lambda b, a: inner(a, b), -1, 1, -1, 1, epsabs=1e-10)[0]
    if eta == 1.0:
        np.testing.assert_allclose(total, np.pi**2 / 2, rtol=1e-8)  # volume of the 3 x 3 elliptope
    np.testing.assert_allclose(c0 * total, 1.0, rtol=1e-7)


def test_lkjcorr_n4_eta1_is_uniform_on_the_elliptope():
    lp = rx.logp(rx.LKJCorr.dist(n=4, eta=1.0, return_matrix=True), np.eye(4)).eval()
    np.testing.assert_allclose(lp, -np.log(32 * np.pi**2 / 27), rtol=1e-12)  # elliptope volume, n = 4


@pytest.mark.parametrize("eta", [1.0, 2.0])
def test_lkjcholeskycov_n2_is_the_change_of_variables(eta):
    # chol = [[s0, 0], [s1 r, s1 sqrt(1 - r^2)]]: Jacobian of (s0, s1, r) -> chol is s1 / sqrt(1 - r^2)
    s0, s1, r = 1.3, 0.8, -0.4
    packed = np.array([s0, s1 * r, s1 * np.sqrt(1 - r * r)])
    chol = rx.LKJCholeskyCov.dist(eta=eta, n=2, sd_dist=rx.Exponential.dist(1.0))
    c = mp.quad(lambda t: (1 - t * t) ** (eta - 1), [-1, 0, 1])
    ref = (-s0 - s1) + (eta - 1) * np.log(1 - r * r) - float(mp.log(c)) + 0.5 * np.log(1 - r * r) - np.log(s1)
    np.testing.assert_allclose(rx.logp(chol, packed).eval(), ref, rtol=1e-12)
