"""Shape families and bounded supports: Weibull, Pareto, ChiSquared, VonMises, Wald, Triangular, ..."""

from __future__ import annotations

import numpy as np

import rewrax.symbolic as pt
from rewrax.model import constraints
from rewrax.model.distributions.continuous import Gamma, normal_logp
from rewrax.model.distributions.distribution import Continuous
from rewrax.model.distributions.params import get_tau_sigma, icdf_bound, is_constant_value
from rewrax.model.logprob.checks import bound, check_parameters
from rewrax.model.logprob.math import log1mexp_of_power, log_gammainc, normal_lcdf
from rewrax.symbolic.random import basic as rv


class Weibull(Continuous):
    """Weibull distribution with shape ``alpha`` and scale ``beta``."""

    rv_type = rv.WeibullBetaRV
    support = constraints.positive

    @classmethod
    def dist(cls, alpha, beta, **kwargs):
        return super().dist([alpha, beta], **kwargs)

    @staticmethod
    def support_point(rv, shape, alpha, beta):
        return beta * pt.exp(pt.gammaln(1 + 1.0 / alpha))

    @staticmethod
    def logp(value, alpha, beta):
        z = value / beta
        res = pt.log(alpha) - pt.log(beta) + pt.xlogy(alpha - 1, z) - pt.pow(pt.maximum(z, 0), alpha)
        return check_parameters(bound(res, value >= 0), alpha > 0, beta > 0, msg="alpha > 0, beta > 0")

    @staticmethod
    def logcdf(value, alpha, beta):
        safe = pt.switch(value > 0, value, 1.0)
        res = bound(log1mexp_of_power(alpha * pt.log(safe / beta)), value > 0)
        return check_parameters(res, alpha > 0, beta > 0, msg="alpha > 0, beta > 0")

    @staticmethod
    def icdf(value, alpha, beta):
        res = icdf_bound(beta * pt.pow(-pt.log1p(-value), 1.0 / alpha), value)
        return check_parameters(res, alpha > 0, beta > 0, msg="alpha > 0, beta > 0")


class Pareto(Continuous):
    """Pareto distribution with shape ``alpha`` and minimum ``m``."""

    rv_type = rv.ParetoRV

    @classmethod
    def dist(cls, alpha, m, **kwargs):
        return super().dist([alpha, m], **kwargs)

    @classmethod
    def support_of(cls, alpha, m):
        return constraints.greater_than(m)

    @staticmethod
    def support_point(rv, shape, alpha, m):
        return m * pt.pow(2.0, 1.0 / alpha)

    @staticmethod
    def logp(value, alpha, m):
        safe = pt.maximum(value, m)
        res = pt.log(alpha) + pt.xlogy(alpha, m) - pt.xlogy(alpha + 1, safe)
        return check_parameters(bound(res, value >= m), alpha > 0, m > 0, msg="alpha > 0, m > 0")

    @staticmethod
    def logcdf(value, alpha, m):
        res = bound(pt.log1mexp(alpha * pt.log(m / pt.maximum(value, m))), value >= m)
        return check_parameters(res, alpha > 0, m > 0, msg="alpha > 0, m > 0")

    @staticmethod
    def icdf(value, alpha, m):
        res = icdf_bound(m * pt.exp(-pt.log1p(-value) / alpha), value)
        return check_parameters(res, alpha > 0, m > 0, msg="alpha > 0, m > 0")


class ChiSquared(Continuous):
    """Chi-squared distribution with ``nu`` degrees of freedom."""

    rv_type = rv.ChiSquareRV
    support = constraints.positive

    @classmethod
    def dist(cls, nu, **kwargs):
        return super().dist([nu], **kwargs)

    @staticmethod
    def support_point(rv, shape, nu):
        return nu

    @staticmethod
    def logp(value, nu):
        return Gamma.logp(value, nu / 2.0, 2.0)

    @staticmethod
    def logcdf(value, nu):
        res = bound(log_gammainc(nu / 2.0, pt.maximum(value, 0) / 2.0), value >= 0)
        return check_parameters(res, nu > 0, msg="nu > 0")


class VonMises(Continuous):
    """Von Mises (circular normal) distribution on ``[-pi, pi]``."""

    rv_type = rv.VonMisesRV
    support = constraints.circular

    @classmethod
    def dist(cls, mu=0.0, kappa=1.0, **kwargs):
        return super().dist([mu, kappa], **kwargs)

    @staticmethod
    def support_point(rv, shape, mu, kappa):
        return mu

    @staticmethod
    def logp(value, mu, kappa):
        # log(2 pi i0(kappa)) = log(2 pi) + log(i0e(kappa)) + kappa: no overflow for large kappa
        res = kappa * (pt.cos(mu - value) - 1) - np.log(2 * np.pi) - pt.log(pt.i0e(kappa))
        return check_parameters(bound(res, value >= -np.pi, value <= np.pi), kappa >= 0, msg="kappa >= 0")


class Wald(Continuous):
    """Wald (inverse Gaussian): mean ``mu`` and shape ``lam`` (or ``phi = lam / mu``), shifted by ``alpha``."""

    rv_type = rv.WaldRV

    @classmethod
    def dist(cls, mu=None, lam=None, phi=None, alpha=0.0, **kwargs):
        if mu is None:
            if lam is None or phi is None:
                raise ValueError("Wald needs mu and lam, mu and phi, or lam and phi")
            mu = pt.as_tensor_variable(lam) / phi
        elif lam is None:
            lam = 1.0 if phi is None else pt.as_tensor_variable(mu) * phi
        elif phi is not None:
            raise ValueError("Wald: give two of mu, lam and phi, not all three")
        return super().dist([mu, lam, alpha], **kwargs)

    @classmethod
    def support_of(cls, mu, lam, alpha):
        return constraints.positive if is_constant_value(alpha, 0) else constraints.greater_than(alpha)

    @staticmethod
    def support_point(rv, shape, mu, lam, alpha):
        return alpha + mu

    @staticmethod
    def logp(value, mu, lam, alpha):
        x = value - alpha
        safe = pt.switch(x > 0, x, 1.0)
        res = (0.5 * pt.log(lam / (2 * np.pi)) - 1.5 * pt.log(safe)
               - lam / (2 * safe) * pt.pow((safe - mu) / mu, 2))
        res = bound(res, x > 0)
        return check_parameters(res, mu > 0, lam > 0, alpha >= 0, msg="mu > 0, lam > 0, alpha >= 0")

    @staticmethod
    def logcdf(value, mu, lam, alpha):
        x = value - alpha
        safe = pt.switch(x > 0, x, 1.0)
        r = pt.sqrt(lam / safe)
        res = pt.logaddexp(pt.log_ndtr(r * (safe / mu - 1)), 2 * lam / mu + pt.log_ndtr(-r * (safe / mu + 1)))
        res = bound(res, x > 0)
        return check_parameters(res, mu > 0, lam > 0, alpha >= 0, msg="mu > 0, lam > 0, alpha >= 0")


class Triangular(Continuous):
    """Triangular distribution on ``[lower, upper]`` with mode ``c``."""

    rv_type = rv.TriangularRV

    @classmethod
    def dist(cls, lower=0.0, c=0.5, upper=1.0, **kwargs):
        return super().dist([lower, c, upper], **kwargs)

    @classmethod
    def support_of(cls, lower, c, upper):
        return constraints.interval(lower, upper)

    @staticmethod
    def support_point(rv, shape, lower, c, upper):
        return c

    @staticmethod
    def logp(value, lower, c, upper):
        width = upper - lower
        left = pt.log(2 * (value - lower)) - pt.log(width * (c - lower))
        right = pt.log(2 * (upper - value)) - pt.log(width * (upper - c))
        res = pt.switch(value < c, left, pt.switch(pt.eq(value, c), pt.log(2.0 / width), right))
        res = bound(res, value >= lower, value <= upper)
        return check_parameters(res, lower <= c, c <= upper, msg="lower <= c <= upper")

    @staticmethod
    def logcdf(value, lower, c, upper):
        width = upper - lower
        left = 2 * pt.log(value - lower) - pt.log(width * (c - lower))
        right = pt.log1p(-pt.pow(upper - value, 2) / (width * (upper - c)))
        res = pt.switch(value <= c, left, right)
        res = pt.switch(value < lower, -np.inf, pt.switch(value >= upper, 0.0, res))
        return check_parameters(res, lower <= c, c <= upper, msg="lower <= c <= upper")

    @staticmethod
    def icdf(value, lower, c, upper):
        width = upper - lower
        res = pt.switch(value < (c - lower) / width, lower + pt.sqrt(value * width * (c - lower)),
                        upper - pt.sqrt((1 - value) * width * (upper - c)))
        return check_parameters(icdf_bound(res, value), lower <= c, c <= upper, msg="lower <= c <= upper")


class Kumaraswamy(Continuous):
    """Kumaraswamy distribution on ``(0, 1)``."""

    rv_type = rv.KumaraswamyRV
    support = constraints.unit_interval

    @classmethod
    def dist(cls, a, b, **kwargs):
        return super().dist([a, b], **kwargs)

    @staticmethod
    def support_point(rv, shape, a, b):
        return pt.exp(pt.log(b) + pt.betaln(1 + 1.0 / a, b))

    @staticmethod
    def logp(value, a, b):
        res = pt.log(a) + pt.log(b) + pt.xlogy(a - 1, value) + pt.xlog1py(b - 1, -pt.pow(pt.clip(value, 0, 1), a))
        res = bound(res, value > 0, value < 1)
        return check_parameters(res, a > 0, b > 0, msg="a > 0, b > 0")

    @staticmethod
    def logcdf(value, a, b):
        res = pt.log1mexp(b * pt.log1p(-pt.pow(pt.clip(value, 0, 1), a)))
        res = pt.switch(value <= 0, -np.inf, pt.switch(value >= 1, 0.0, res))
        return check_parameters(res, a > 0, b > 0, msg="a > 0, b > 0")

    @staticmethod
    def icdf(value, a, b):
        res = pt.pow(-pt.expm1(pt.log1p(-value) / b), 1.0 / a)
        return check_parameters(icdf_bound(res, value), a > 0, b > 0, msg="a > 0, b > 0")


class LogitNormal(Continuous):
    """``sigmoid(Normal(mu, sigma))`` on ``(0, 1)`` (``sigma`` or ``tau``)."""

    rv_type = rv.LogitNormalRV
    support = constraints.unit_interval

    @classmethod
    def dist(cls, mu=0.0, sigma=None, tau=None, **kwargs):
        _, sigma = get_tau_sigma(tau=tau, sigma=sigma)
        return super().dist([mu, sigma], **kwargs)

    @staticmethod
    def support_point(rv, shape, mu, sigma):
        return pt.sigmoid(mu)

    @staticmethod
    def logp(value, mu, sigma):
        v = pt.clip(value, 1e-300, 1 - 1e-16)
        res = normal_logp(pt.logit(v), mu, sigma) - pt.log(v) - pt.log1p(-v)
        return check_parameters(bound(res, value > 0, value < 1), sigma > 0, msg="sigma > 0")

    @staticmethod
    def logcdf(value, mu, sigma):
        res = normal_lcdf(mu, sigma, pt.logit(pt.clip(value, 0, 1)))
        return check_parameters(res, sigma > 0, msg="sigma > 0")

    @staticmethod
    def icdf(value, mu, sigma):
        return check_parameters(icdf_bound(pt.sigmoid(mu + sigma * pt.ndtri(value)), value), sigma > 0, msg="sigma > 0")

