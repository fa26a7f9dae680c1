"""The inverse regularized incomplete gamma / beta functions (JAX) against SciPy, tails included."""

import jax
import numpy as np
import scipy.special as sps

from rewrax.lower_jax.special_inverse import betaincinv, gammaincinv
from rewrax.lower_jax.x64 import call_with_x64

PROBS = np.array([0.0, 1e-100, 1e-20, 1e-6, 0.01, 0.3, 0.5, 0.77, 0.99, 1 - 1e-6, 1 - 1e-12, 1.0])


def _x64(fn, *args):
    return np.asarray(call_with_x64(True, fn, *args))


def test_gammaincinv_matches_scipy_in_both_tails():
    a = np.array([0.05, 0.5, 1.0, 2.5, 10.0, 100.0, 1e4])[:, None]  # one call for the whole grid
    np.testing.assert_allclose(_x64(gammaincinv, a, PROBS), sps.gammaincinv(a, PROBS), rtol=1e-10, atol=0)


def test_betaincinv_matches_scipy_in_both_tails():
    a = np.array([0.5, 1.0, 2.0, 3.5, 10.0])[:, None, None]
    b = np.array([0.5, 1.0, 3.5, 10.0, 100.0])[None, :, None]
    np.testing.assert_allclose(_x64(betaincinv, a, b, PROBS), sps.betaincinv(a, b, PROBS), rtol=1e-9, atol=0)


def test_invalid_arguments_give_nan():
    assert np.isnan(_x64(gammaincinv, 2.0, np.array([-0.1, 1.5]))).all()
    assert np.isnan(_x64(gammaincinv, -1.0, 0.5))
    assert np.isnan(_x64(betaincinv, 2.0, 0.0, 0.5))


def _central(f, args, i, h=1e-6):
    up = list(args); dn = list(args)
    up[i] += h; dn[i] -= h
    return (f(*up) - f(*dn)) / (2 * h)


def test_gradients_match_finite_differences_of_scipy():
    g = _x64(lambda a, p: jax.numpy.stack(jax.grad(gammaincinv, (0, 1))(a, p)), 2.5, 0.3)
    np.testing.assert_allclose(g, [_central(sps.gammaincinv, (2.5, 0.3), i) for i in range(2)], rtol=1e-6)
    g = _x64(lambda a, b, p: jax.numpy.stack(jax.grad(betaincinv, (0, 1, 2))(a, b, p)), 2.0, 3.5, 0.3)
    np.testing.assert_allclose(g, [_central(sps.betaincinv, (2.0, 3.5, 0.3), i) for i in range(3)], rtol=1e-6)


def test_gamma_and_beta_icdf_match_scipy_ppf():
    import scipy.stats as st

    import rewrax as rx
    import rewrax.symbolic as pt

    q = pt.vector("q")
    probs = np.array([0.0, 1e-20, 0.01, 0.3, 0.5, 0.99, 1 - 1e-12, 1.0])
    got = rx.icdf(rx.Gamma.dist(alpha=2.5, beta=3.0), q).eval({q: probs})
    np.testing.assert_allclose(got, st.gamma(2.5, scale=1 / 3).ppf(probs), rtol=1e-10)
    got = rx.icdf(rx.Beta.dist(alpha=2.0, beta=3.5), q).eval({q: probs})
    np.testing.assert_allclose(got, st.beta(2.0, 3.5).ppf(probs), rtol=1e-9)
    assert np.isnan(rx.icdf(rx.Gamma.dist(alpha=2.5, beta=3.0), q).eval({q: np.array([-0.1, 1.5])})).all()


def test_studentt_icdf_matches_scipy_ppf_in_the_tails_and_centre():
    import scipy.stats as st

    import rewrax as rx
    import rewrax.symbolic as pt

    q = pt.vector("q")
    probs = np.array([0.0, 1e-20, 0.01, 0.3, 0.5, 0.5 + 1e-9, 0.77, 0.99, 1 - 1e-12, 1.0])
    got = rx.icdf(rx.StudentT.dist(nu=3.5, mu=1.0, sigma=2.0), q).eval({q: probs})
    np.testing.assert_allclose(got, st.t(3.5, 1.0, 2.0).ppf(probs), rtol=1e-9)
