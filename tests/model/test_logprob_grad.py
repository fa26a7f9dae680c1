"""Gradients of log-densities with respect to the value and every parameter: symbolic ``rx.grad``
against central finite differences and against ``jax.grad`` of the lowered function."""

import jax
import numpy as np
import pytest

import rewrax as rx
import rewrax.symbolic as pt
from dist_cases import CONTINUOUS

GRAD_CASES = [c for c in CONTINUOUS if c.grad_at is not None]
DISCRETE_GRAD = [
    ("Poisson", dict(mu=3.5), 2),
    ("Binomial", dict(n=10, p=0.3), 4),
    ("Binomial", dict(n=10, logit_p=-0.4), 4),
    ("NegativeBinomial", dict(mu=3.0, alpha=2.0), 5),
    ("Bernoulli", dict(logit_p=0.7), 1),
    ("Geometric", dict(p=0.3), 3),
    ("BetaBinomial", dict(alpha=2.0, beta=3.0, n=10), 4),
    ("ZeroInflatedPoisson", dict(psi=0.7, mu=3.0), 0),
]


def _symbolic_params(params, skip=("n",)):
    symbolic, values = {}, {}
    for k, v in params.items():
        if v is None or k in skip:
            symbolic[k] = v
        else:
            symbolic[k] = pt.scalar(k)
            values[k] = float(v)
    return symbolic, values


def _check_gradients(name, params, value, value_is_float=True, rtol=1e-5):
    symbolic, values = _symbolic_params(params)
    v = pt.scalar("value") if value_is_float else pt.scalar("value", dtype="int64")
    logp = rx.logp(getattr(rx, name).dist(**symbolic), v)
    wrt = [symbolic[k] for k in values] + ([v] if value_is_float else [])
    inputs = [v] + [symbolic[k] for k in values]
    f = rx.function(inputs, logp)
    grads = rx.function(inputs, rx.grad(logp, wrt, disconnected_inputs="ignore"))
    point = [value] + list(values.values())
    got = grads(*point)
    for k, g in enumerate(got):
        pos = k + 1 if k < len(values) else 0
        h = 1e-6 * max(1.0, abs(point[pos]))
        up, down = list(point), list(point)
        up[pos] += h
        down[pos] -= h
        fd = (f(*up) - f(*down)) / (2 * h)
        np.testing.assert_allclose(g, fd, rtol=rtol, atol=1e-7, err_msg=f"d logp / d {wrt[k]}")
    if value_is_float:
        with jax.enable_x64(True):
            jgrad = jax.grad(f.jax_fn, argnums=0)(*[np.float64(p) for p in point])
        np.testing.assert_allclose(got[-1], jgrad, rtol=1e-9, atol=1e-12)


@pytest.mark.parametrize("case", GRAD_CASES, ids=[c.id for c in GRAD_CASES])
def test_continuous_logp_gradients(case):
    _check_gradients(case.name, case.params, case.grad_at)


@pytest.mark.parametrize("name, params, value", DISCRETE_GRAD, ids=[d[0] + str(i) for i, d in enumerate(DISCRETE_GRAD)])
def test_discrete_logp_gradients_in_the_parameters(name, params, value):
    _check_gradients(name, params, value, value_is_float=False)


def test_logcdf_gradients():
    for name, params, value in [("Normal", dict(mu=0.5, sigma=2.0), -3.0), ("Gamma", dict(alpha=2.5, beta=3.0), 0.4),
                                ("Logistic", dict(mu=1.0, s=2.0), 0.3), ("Weibull", dict(alpha=1.5, beta=2.0), 1.1)]:
        symbolic, values = _symbolic_params(params)
        v = pt.scalar("value")
        lc = rx.logcdf(getattr(rx, name).dist(**symbolic), v)
        f = rx.function([v], lc, givens={symbolic[k]: pt.as_tensor_variable(x) for k, x in values.items()})
        g = rx.function([v], rx.grad(lc, v), givens={symbolic[k]: pt.as_tensor_variable(x) for k, x in values.items()})
        h = 1e-6
        np.testing.assert_allclose(g(value), (f(value + h) - f(value - h)) / (2 * h), rtol=1e-5)


def test_multivariate_normal_gradients():
    rng = np.random.default_rng(0)
    a = rng.normal(size=(3, 3))
    cov = a @ a.T + 3 * np.eye(3)
    mu = pt.vector("mu")
    x = pt.vector("x")
    logp = rx.logp(rx.MvNormal.dist(mu=mu, cov=cov), x)
    gmu, gx = rx.function([mu, x], rx.grad(logp, [mu, x]))(np.zeros(3), np.ones(3))
    prec = np.linalg.inv(cov)
    np.testing.assert_allclose(gx, -prec @ np.ones(3), rtol=1e-10)
    np.testing.assert_allclose(gmu, prec @ np.ones(3), rtol=1e-10)
    chol = pt.matrix("chol")
    lp = rx.logp(rx.MvNormal.dist(mu=np.zeros(3), chol=chol), np.ones(3))
    f = rx.function([chol], lp)
    g = rx.function([chol], rx.grad(lp, chol))
    L = np.linalg.cholesky(cov)
    num = np.zeros((3, 3))
    for i, j in zip(*np.tril_indices(3)):
        e = np.zeros((3, 3))
        e[i, j] = 1e-6
        num[i, j] = (f(L + e) - f(L - e)) / 2e-6
    np.testing.assert_allclose(np.tril(g(L)), num, rtol=1e-5, atol=1e-8)
