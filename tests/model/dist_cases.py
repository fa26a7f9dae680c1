"""Reference cases for the distribution tests: rewrax distribution <-> SciPy (or a formula).

Each case: a rewrax distribution name, its keyword parameters, a reference object with
``logpdf``/``logpmf``, ``logcdf`` and ``ppf`` (SciPy's frozen distributions or small
classes written from the textbook formula), points to evaluate (support edges and tails
included), and the parameter values that must raise ``ParameterValueError``.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import scipy.special as sps
import scipy.stats as st


@dataclass
class Case:
    name: str
    params: dict
    ref: object
    values: list
    invalid: dict = field(default_factory=dict)  # parameter overrides that violate a check
    logcdf: bool = True
    icdf: bool = False
    grad_at: float | None = None  # an interior point for gradient checks (None: skip)
    draws: bool = True

    @property
    def id(self):
        return f"{self.name}-" + "-".join(f"{k}={v}" for k, v in self.params.items())


class _Formula:
    """A reference built from log-density / log-cdf / quantile functions."""

    def __init__(self, logpdf, logcdf=None, ppf=None, cdf=None):
        self.logpdf, self._logcdf, self._ppf, self._cdf = logpdf, logcdf, ppf, cdf

    def logcdf(self, x):
        return self._logcdf(x)

    def cdf(self, x):
        return self._cdf(x) if self._cdf else np.exp(self._logcdf(x))

    def ppf(self, q):
        return self._ppf(q)

    def pmf(self, k):
        return np.exp(self.logpdf(k))


def _halfstudentt(nu, sigma):
    t = st.t(nu, 0, sigma)
    return _Formula(lambda x: np.where(x < 0, -np.inf, np.log(2) + t.logpdf(x)),
                    lambda x: np.where(x < 0, -np.inf, np.log(np.clip(2 * t.cdf(x) - 1, 0, 1))))


def _kumaraswamy(a, b):
    def logpdf(x):
        with np.errstate(all="ignore"):
            out = np.log(a) + np.log(b) + (a - 1) * np.log(x) + (b - 1) * np.log1p(-x**a)
        return np.where((x <= 0) | (x >= 1), -np.inf, out)

    def logcdf(x):
        with np.errstate(all="ignore"):
            out = np.log1p(-(1 - np.clip(x, 0, 1) ** a) ** b)
        return np.where(x <= 0, -np.inf, np.where(x >= 1, 0.0, out))

    return _Formula(logpdf, logcdf, lambda q: (1 - (1 - q) ** (1 / b)) ** (1 / a))


def _logitnormal(mu, sigma):
    n = st.norm(mu, sigma)

    def logpdf(x):
        with np.errstate(all="ignore"):
            out = n.logpdf(sps.logit(x)) - np.log(x) - np.log1p(-x)
        return np.where((x <= 0) | (x >= 1), -np.inf, out)

    return _Formula(logpdf, lambda x: n.logcdf(sps.logit(np.clip(x, 0, 1))), lambda q: sps.expit(n.ppf(q)))


def _flat():
    return _Formula(lambda x: np.zeros_like(x), lambda x: np.where(x == -np.inf, -np.inf, np.where(x == np.inf, 0.0, np.log(0.5))))


def _halfflat():
    return _Formula(lambda x: np.where(x < 0, -np.inf, 0.0), lambda x: np.where(x == np.inf, 0.0, -np.inf))


def _zip(psi, mu):
    p = st.poisson(mu)
    return _Formula(lambda k: np.log(np.where(k == 0, 1 - psi, 0) + psi * p.pmf(k)),
                    lambda k: np.where(k >= 0, np.log1p(-psi * p.sf(k)), -np.inf))


def _zib(psi, n, prob):
    b = st.binom(n, prob)
    return _Formula(lambda k: np.log(np.where(k == 0, 1 - psi, 0) + psi * b.pmf(k)),
                    lambda k: np.where(k >= 0, np.log1p(-psi * b.sf(k)), -np.inf))


def _zinb(psi, mu, alpha):
    b = st.nbinom(alpha, alpha / (mu + alpha))
    return _Formula(lambda k: np.log(np.where(k == 0, 1 - psi, 0) + psi * b.pmf(k)),
                    lambda k: np.where(k >= 0, np.log1p(-psi * b.sf(k)), -np.inf))


CONTINUOUS = [
    Case("Normal", dict(mu=1.0, sigma=2.0), st.norm(1, 2), [-40, -3, 0, 1.5, 10, 1e3], {"sigma": -1.0}, icdf=True, grad_at=0.3),
    Case("Normal", dict(mu=0.0, tau=4.0), st.norm(0, 0.5), [-2, 0, 1], icdf=True),
    Case("HalfNormal", dict(sigma=2.0), st.halfnorm(0, 2), [-1, 0, 1e-10, 0.5, 3, 40], {"sigma": 0.0}, icdf=True, grad_at=0.7),
    Case("TruncatedNormal", dict(mu=0.5, sigma=2.0, lower=-1.0, upper=3.0), st.truncnorm(-0.75, 1.25, 0.5, 2),
         [-2, -1, 0, 2.9, 3, 4], {"sigma": -2.0}, grad_at=0.4),
    Case("TruncatedNormal", dict(mu=0.0, sigma=1.0, lower=10.0, upper=None), st.truncnorm(10, np.inf), [9, 10, 10.5, 12],
         draws=True),
    Case("TruncatedNormal", dict(mu=0.0, sigma=1.0, lower=None, upper=-30.0), st.truncnorm(-np.inf, -30), [-31, -30.01, -29],
         logcdf=False),
    Case("Uniform", dict(lower=-1.0, upper=3.0), st.uniform(-1, 4), [-2, -1, 0, 3, 4], {"upper": -2.0}, icdf=True, grad_at=0.5),
    Case("Exponential", dict(lam=2.0), st.expon(scale=0.5), [-1, 0, 0.3, 5, 300], {"lam": -1.0}, icdf=True, grad_at=0.4),
    Case("Exponential", dict(scale=3.0), st.expon(scale=3.0), [0, 1, 10], icdf=True),
    Case("Gamma", dict(alpha=2.5, beta=3.0), st.gamma(2.5, scale=1 / 3), [-1, 0, 1e-5, 0.5, 5, 50], {"alpha": 0.0}, grad_at=0.8),
    Case("Gamma", dict(mu=2.0, sigma=0.5), st.gamma(16.0, scale=1 / 8), [0.5, 2, 4]),
    Case("Gamma", dict(alpha=1e4, beta=1e4), st.gamma(1e4, scale=1e-4), [0.9, 0.97, 1.0, 1.02, 1.1]),
    Case("InverseGamma", dict(alpha=3.0, beta=2.0), st.invgamma(3, scale=2), [-1, 0, 0.1, 1, 10], {"beta": -1.0}, grad_at=0.9),
    Case("Beta", dict(alpha=2.0, beta=3.5), st.beta(2, 3.5), [-0.1, 0, 1e-8, 0.3, 0.999, 1, 1.1], {"alpha": -1.0}, grad_at=0.3),
    Case("Beta", dict(alpha=1e4, beta=1e4), st.beta(1e4, 1e4), [0.49, 0.495, 0.5, 0.505, 0.51]),
    Case("Beta", dict(alpha=0.5, beta=0.5), st.beta(0.5, 0.5), [1e-10, 0.5, 1 - 1e-10]),
    Case("Beta", dict(mu=0.3, sigma=0.1), st.beta(0.3 * 20, 0.7 * 20), [0.1, 0.3, 0.6]),
    Case("LogNormal", dict(mu=0.3, sigma=0.8), st.lognorm(0.8, scale=np.exp(0.3)), [-1, 0, 0.1, 1, 20], {"sigma": -1.0},
         icdf=True, grad_at=1.3),
    Case("StudentT", dict(nu=3.5, mu=1.0, sigma=2.0), st.t(3.5, 1, 2), [-100, -2, 1, 3, 1e4], {"nu": 0.0}, grad_at=0.2),
    Case("HalfStudentT", dict(nu=3.5, sigma=2.0), _halfstudentt(3.5, 2.0), [-1, 0, 0.5, 3, 50], {"sigma": -1.0}, grad_at=0.6),
    Case("Cauchy", dict(alpha=1.0, beta=2.0), st.cauchy(1, 2), [-1e8, -3, 1, 5, 1e8], {"beta": -2.0}, icdf=True, grad_at=0.1),
    Case("HalfCauchy", dict(beta=2.0), st.halfcauchy(0, 2), [-1, 0, 1, 1e6], {"beta": 0.0}, icdf=True, grad_at=0.5),
    Case("Laplace", dict(mu=1.0, b=2.0), st.laplace(1, 2), [-50, 0, 1, 3, 60], {"b": -1.0}, icdf=True, grad_at=0.2),
    Case("AsymmetricLaplace", dict(kappa=2.0, mu=1.0, b=1.5), st.laplace_asymmetric(2.0, 1.0, 1 / 1.5), [-3, 0, 1, 2, 5],
         {"kappa": -1.0}, grad_at=0.3),
    Case("Logistic", dict(mu=1.0, s=2.0), st.logistic(1, 2), [-800, 0, 1, 3, 800], {"s": 0.0}, icdf=True, grad_at=0.5),
    Case("Weibull", dict(alpha=1.5, beta=2.0), st.weibull_min(1.5, scale=2), [-1, 0, 1e-6, 1, 5, 30], {"beta": -1.0},
         icdf=True, grad_at=1.1),
    Case("Pareto", dict(alpha=3.0, m=2.0), st.pareto(3, scale=2), [1, 2, 2.5, 100], {"alpha": -3.0}, icdf=True, grad_at=2.7),
    Case("ChiSquared", dict(nu=4.0), st.chi2(4), [-1, 0, 1, 5, 80], {"nu": -1.0}, grad_at=2.2),
    Case("Gumbel", dict(mu=1.0, beta=2.0), st.gumbel_r(1, 2), [-5, 0, 1, 10, 200], {"beta": -1.0}, icdf=True, grad_at=0.4),
    Case("VonMises", dict(mu=0.5, kappa=3.0), st.vonmises(3.0, loc=0.5), [-3, -1, 0.5, 2, 3.1], {"kappa": -1.0},
         logcdf=False, grad_at=0.9),
    Case("VonMises", dict(mu=0.5, kappa=500.0), st.vonmises(500.0, loc=0.5), [0.4, 0.5, 0.6], logcdf=False),
    Case("SkewNormal", dict(mu=1.0, sigma=2.0, alpha=3.0), st.skewnorm(3, 1, 2), [-5, 0, 1, 3, 10], {"sigma": -1.0},
         logcdf=False, grad_at=1.5),
    Case("Wald", dict(mu=1.5, lam=2.0), st.invgauss(0.75, scale=2.0), [-1, 0, 0.1, 1, 5, 30], {"lam": -1.0}, grad_at=1.2),
    Case("Wald", dict(mu=1.5, lam=2.0, alpha=1.0), st.invgauss(0.75, loc=1.0, scale=2.0), [1.5, 3, 10]),
    Case("Triangular", dict(lower=0.0, c=1.0, upper=3.0), st.triang(1 / 3, 0, 3), [-1, 0, 0.5, 1, 2, 3, 4], {"c": 5.0},
         icdf=True, grad_at=1.7),
    Case("ExGaussian", dict(mu=1.0, sigma=2.0, nu=3.0), st.exponnorm(1.5, 1, 2), [-10, 0, 1, 5, 50], {"nu": -1.0}, grad_at=0.5),
    Case("Kumaraswamy", dict(a=2.0, b=3.0), _kumaraswamy(2.0, 3.0), [-0.5, 0, 0.2, 0.7, 1, 1.5], {"a": -1.0}, icdf=True,
         grad_at=0.35),
    Case("Moyal", dict(mu=1.0, sigma=2.0), st.moyal(1, 2), [-5, 0, 1, 10, 50], {"sigma": -1.0}, icdf=True, grad_at=0.5),
    Case("LogitNormal", dict(mu=0.2, sigma=1.5), _logitnormal(0.2, 1.5), [-0.5, 0, 0.1, 0.5, 0.9, 1, 1.5], {"sigma": -1.0},
         icdf=True, grad_at=0.6),
    Case("Flat", dict(), _flat(), [-1e10, -1, 0, 3, -np.inf, np.inf], draws=False),
    Case("HalfFlat", dict(), _halfflat(), [-1, 0, 3, np.inf], draws=False),
]

DISCRETE = [
    Case("Bernoulli", dict(p=0.3), st.bernoulli(0.3), [-1, 0, 1, 2], {"p": 1.5}, icdf=True),
    Case("Bernoulli", dict(logit_p=-2.0), st.bernoulli(sps.expit(-2.0)), [0, 1]),
    Case("Binomial", dict(n=10, p=0.3), st.binom(10, 0.3), [-1, 0, 3, 10, 11], {"p": -0.1}),
    Case("Binomial", dict(n=10, logit_p=0.5), st.binom(10, sps.expit(0.5)), [0, 3, 10]),
    Case("Binomial", dict(n=10, p=0.0), st.binom(10, 0.0), [0, 3, 10], draws=False),
    Case("Binomial", dict(n=10, p=1.0), st.binom(10, 1.0), [0, 3, 10], draws=False),
    Case("Binomial", dict(n=100000, p=0.4), st.binom(100000, 0.4), [0, 39000, 40000, 41000, 100000], draws=False),
    Case("BetaBinomial", dict(alpha=2.0, beta=3.0, n=10), st.betabinom(10, 2, 3), [-1, 0, 3, 10, 11], {"alpha": -1.0}),
    Case("Poisson", dict(mu=3.5), st.poisson(3.5), [-1, 0, 2, 20, 200], {"mu": -1.0}),
    Case("Poisson", dict(mu=1e-300), st.poisson(1e-300), [0, 1, 5], draws=False),
    Case("Poisson", dict(mu=0.0), st.poisson(0.0), [0, 1], draws=False),
    Case("Poisson", dict(mu=1e4), st.poisson(1e4), [9000, 10000, 10100]),
    Case("NegativeBinomial", dict(mu=3.0, alpha=2.0), st.nbinom(2.0, 0.4), [-1, 0, 2, 30], {"alpha": -1.0}),
    Case("NegativeBinomial", dict(n=3.0, p=0.4), st.nbinom(3.0, 0.4), [0, 2, 30]),
    Case("Geometric", dict(p=0.3), st.geom(0.3), [0, 1, 2, 30], {"p": 0.0}, icdf=True),
    Case("DiscreteUniform", dict(lower=2, upper=7), st.randint(2, 8), [1, 2, 5, 7, 8], {"upper": 0}, icdf=True),
    Case("ZeroInflatedPoisson", dict(psi=0.7, mu=3.0), _zip(0.7, 3.0), [0, 1, 4, 20], {"psi": 1.5}),
    Case("ZeroInflatedBinomial", dict(psi=0.7, n=10, p=0.3), _zib(0.7, 10, 0.3), [0, 1, 4, 10], {"psi": -0.5}),
    Case("ZeroInflatedNegativeBinomial", dict(psi=0.7, mu=3.0, alpha=2.0), _zinb(0.7, 3.0, 2.0), [0, 1, 4, 30]),
]
