"""Location-scale families with heavy or skewed tails: StudentT, Cauchy, Laplace, Logistic, Gumbel, ..."""

from __future__ import annotations

import numpy as np

import rewrax.symbolic as pt
from rewrax.model import constraints
from rewrax.model.distributions.continuous import normal_logp
from rewrax.model.distributions.distribution import Continuous
from rewrax.model.distributions.params import get_tau_sigma, icdf_bound, is_constant_value
from rewrax.model.logprob.checks import bound, check_parameters
from rewrax.model.logprob.math import (
    LOG_2, LOG_PI, gammaln_half_ratio, log_betainc, log_diff_exp, normal_lcdf,
)
from rewrax.symbolic.random import basic as rv

EULER_GAMMA = 0.5772156649015329


def _studentt_logp(value, nu, mu, sigma):
    return (gammaln_half_ratio(nu / 2.0) - 0.5 * pt.log(nu * np.pi) - pt.log(sigma)
            - (nu + 1.0) / 2.0 * pt.log1p(pt.pow((value - mu) / sigma, 2) / nu))


class StudentT(Continuous):
    """Student's t with ``nu`` degrees of freedom, location ``mu`` and scale ``sigma`` (or ``lam``)."""

    rv_type = rv.StudentTRV

    @classmethod
    def dist(cls, nu, mu=0.0, *, sigma=None, lam=None, **kwargs):
        _, sigma = get_tau_sigma(tau=lam, sigma=sigma)
        return super().dist([nu, mu, sigma], **kwargs)

    @staticmethod
    def support_point(rv, shape, nu, mu, sigma):
        return mu

    @staticmethod
    def logp(value, nu, mu, sigma):
        return check_parameters(_studentt_logp(value, nu, mu, sigma), nu > 0, sigma > 0, msg="nu > 0, sigma > 0")

    @staticmethod
    def logcdf(value, nu, mu, sigma):
        t = (value - mu) / sigma
        half_tail = pt.betainc(nu / 2.0, 0.5, nu / (t**2 + nu))  # 2 * P(T > |t|)
        res = pt.switch(t < 0, pt.log(0.5 * half_tail), pt.log1p(-0.5 * half_tail))
        return check_parameters(res, nu > 0, sigma > 0, msg="nu > 0, sigma > 0")

    @staticmethod
    def icdf(value, nu, mu, sigma):
        from rewrax.model.distributions.special_inverse import betaincinv

        # 2 min(q, 1 - q) = I_x(nu/2, 1/2) with x = nu / (nu + t^2); t^2 / nu = (1 - x) / x, taken from
        # whichever of x and 1 - x is small so that the centre (x near 1) keeps its precision
        tail = 2.0 * pt.minimum(value, 1.0 - value)
        x = betaincinv(nu / 2.0, 0.5, tail)
        y = betaincinv(0.5, nu / 2.0, 1.0 - tail)
        ratio = pt.switch(x < 0.5, (1.0 - x) / x, y / (1.0 - y))
        t = pt.sqrt(nu * ratio) * pt.switch(value < 0.5, -1.0, 1.0)
        return check_parameters(icdf_bound(mu + sigma * t, value), nu > 0, sigma > 0, msg="nu > 0, sigma > 0")


class HalfStudentT(Continuous):
    """``|StudentT(nu, 0, sigma)|`` (``sigma`` or ``lam``)."""

    rv_type = rv.HalfStudentTRV
    support = constraints.positive

    @classmethod
    def dist(cls, nu=1.0, sigma=None, lam=None, **kwargs):
        _, sigma = get_tau_sigma(tau=lam, sigma=sigma)
        return super().dist([nu, sigma], **kwargs)

    @staticmethod
    def support_point(rv, shape, nu, sigma):
        return sigma

    @staticmethod
    def logp(value, nu, sigma):
        res = bound(LOG_2 + _studentt_logp(value, nu, 0.0, sigma), value >= 0)
        return check_parameters(res, nu > 0, sigma > 0, msg="nu > 0, sigma > 0")

    @staticmethod
    def logcdf(value, nu, sigma):
        t2 = (value / sigma) ** 2
        res = bound(log_betainc(0.5, nu / 2.0, t2 / (t2 + nu)), value >= 0)
        return check_parameters(res, nu > 0, sigma > 0, msg="nu > 0, sigma > 0")


class Cauchy(Continuous):
    """Cauchy distribution with location ``alpha`` and scale ``beta``."""

    rv_type = rv.CauchyRV

    @classmethod
    def dist(cls, alpha, beta, **kwargs):
        return super().dist([alpha, beta], **kwargs)

    @staticmethod
    def support_point(rv, shape, alpha, beta):
        return alpha

    @staticmethod
    def logp(value, alpha, beta):
        res = -LOG_PI - pt.log(beta) - pt.log1p(pt.pow((value - alpha) / beta, 2))
        return check_parameters(res, beta > 0, msg="beta > 0")

    @staticmethod
    def logcdf(value, alpha, beta):
        z = (value - alpha) / beta
        # 1/2 + atan(z)/pi cancels for z << 0; there it equals atan(-1/z)/pi
        safe = pt.switch(z < -1, z, -1.0)
        res = pt.switch(z < -1, pt.log(pt.arctan(-1.0 / safe) / np.pi), pt.log(0.5 + pt.arctan(z) / np.pi))
        return check_parameters(res, beta > 0, msg="beta > 0")

    @staticmethod
    def icdf(value, alpha, beta):
        res = alpha + beta * pt.tan(np.pi * (value - 0.5))
        res = icdf_bound(pt.switch(pt.eq(value, 0), -np.inf, pt.switch(pt.eq(value, 1), np.inf, res)), value)
        return check_parameters(res, beta > 0, msg="beta > 0")


class HalfCauchy(Continuous):
    """``|Cauchy(0, beta)|``."""

    rv_type = rv.HalfCauchyRV
    support = constraints.positive

    @classmethod
    def dist(cls, beta, **kwargs):
        return super().dist([0.0, beta], **kwargs)

    @classmethod
    def support_of(cls, loc, beta):
        return constraints.positive if is_constant_value(loc, 0) else constraints.greater_than(loc)

    @staticmethod
    def support_point(rv, shape, loc, beta):
        return loc + beta

    @staticmethod
    def logp(value, loc, beta):
        res = LOG_2 - LOG_PI - pt.log(beta) - pt.log1p(pt.pow((value - loc) / beta, 2))
        return check_parameters(bound(res, value >= loc), beta > 0, msg="beta > 0")

    @staticmethod
    def logcdf(value, loc, beta):
        res = bound(pt.log(2.0 / np.pi * pt.arctan((value - loc) / beta)), value >= loc)
        return check_parameters(res, beta > 0, msg="beta > 0")

    @staticmethod
    def icdf(value, loc, beta):
        res = pt.switch(pt.eq(value, 1), np.inf, loc + beta * pt.tan(np.pi / 2.0 * value))
        res = icdf_bound(res, value)
        return check_parameters(res, beta > 0, msg="beta > 0")


class Laplace(Continuous):
    """Laplace (double exponential) distribution with location ``mu`` and scale ``b``."""

    rv_type = rv.LaplaceRV

    @classmethod
    def dist(cls, mu, b, **kwargs):
        return super().dist([mu, b], **kwargs)

    @staticmethod
    def support_point(rv, shape, mu, b):
        return mu

    @staticmethod
    def logp(value, mu, b):
        return check_parameters(-pt.log(2 * b) - pt.abs(value - mu) / b, b > 0, msg="b > 0")

    @staticmethod
    def logcdf(value, mu, b):
        z = (value - mu) / b
        res = pt.switch(value < mu, -LOG_2 + z, pt.log1p(-0.5 * pt.exp(-z)))
        return check_parameters(res, b > 0, msg="b > 0")

    @staticmethod
    def icdf(value, mu, b):
        res = mu - b * pt.sign(value - 0.5) * pt.log1p(-2 * pt.abs(value - 0.5))
        return check_parameters(icdf_bound(res, value), b > 0, msg="b > 0")


class AsymmetricLaplace(Continuous):
    """Asymmetric Laplace with rate ``b``, asymmetry ``kappa`` (or quantile ``q``) and location ``mu``."""

    rv_type = rv.AsymmetricLaplaceRV

    @classmethod
    def dist(cls, kappa=None, mu=0.0, b=1.0, q=None, **kwargs):
        if (kappa is None) == (q is None):
            raise ValueError("Incompatible parametrization. Specify exactly one of kappa or q.")
        if q is not None:
            q = pt.as_tensor_variable(q)
            kappa = pt.sqrt(q / (1 - q))
        return super().dist([b, kappa, mu], **kwargs)

    @staticmethod
    def support_point(rv, shape, b, kappa, mu):
        return mu - (kappa - 1.0 / kappa) / b

    @staticmethod
    def logp(value, b, kappa, mu):
        x = value - mu
        res = pt.log(b / (kappa + 1.0 / kappa)) - x * b * pt.switch(x >= 0, kappa, -1.0 / kappa)
        return check_parameters(res, b > 0, kappa > 0, msg="b > 0, kappa > 0")

    @staticmethod
    def logcdf(value, b, kappa, mu):
        x = value - mu
        left = 2 * pt.log(kappa) - pt.log1p(kappa**2) + b * x / kappa
        right = pt.log1p(-pt.exp(-b * kappa * x) / (1 + kappa**2))
        return check_parameters(pt.switch(x < 0, left, right), b > 0, kappa > 0, msg="b > 0, kappa > 0")


class Logistic(Continuous):
    """Logistic distribution with location ``mu`` and scale ``s``."""

    rv_type = rv.LogisticRV

    @classmethod
    def dist(cls, mu=0.0, s=1.0, **kwargs):
        return super().dist([mu, s], **kwargs)

    @staticmethod
    def support_point(rv, shape, mu, s):
        return mu

    @staticmethod
    def logp(value, mu, s):
        z = (value - mu) / s
        return check_parameters(-z - pt.log(s) - 2.0 * pt.softplus(-z), s > 0, msg="s > 0")

    @staticmethod
    def logcdf(value, mu, s):
        return check_parameters(-pt.softplus(-(value - mu) / s), s > 0, msg="s > 0")

    @staticmethod
    def icdf(value, mu, s):
        return check_parameters(icdf_bound(mu + s * pt.logit(value), value), s > 0, msg="s > 0")


class Gumbel(Continuous):
    """Gumbel (maximum) distribution with location ``mu`` and scale ``beta``."""

    rv_type = rv.GumbelRV

    @classmethod
    def dist(cls, mu, beta, **kwargs):
        return super().dist([mu, beta], **kwargs)

    @staticmethod
    def support_point(rv, shape, mu, beta):
        return mu + beta * EULER_GAMMA

    @staticmethod
    def logp(value, mu, beta):
        z = (value - mu) / beta
        return check_parameters(-pt.log(beta) - z - pt.exp(-z), beta > 0, msg="beta > 0")

    @staticmethod
    def logcdf(value, mu, beta):
        return check_parameters(-pt.exp(-(value - mu) / beta), beta > 0, msg="beta > 0")

    @staticmethod
    def icdf(value, mu, beta):
        return check_parameters(icdf_bound(mu - beta * pt.log(-pt.log(value)), value), beta > 0, msg="beta > 0")


class Moyal(Continuous):
    """Moyal distribution with location ``mu`` and scale ``sigma``."""

    rv_type = rv.MoyalRV

    @classmethod
    def dist(cls, mu=0.0, sigma=1.0, **kwargs):
        return super().dist([mu, sigma], **kwargs)

    @staticmethod
    def support_point(rv, shape, mu, sigma):
        return mu + sigma * (EULER_GAMMA + LOG_2)

    @staticmethod
    def logp(value, mu, sigma):
        z = (value - mu) / sigma
        res = -0.5 * (z + pt.exp(-z)) - pt.log(sigma) - 0.5 * np.log(2 * np.pi)
        return check_parameters(res, sigma > 0, msg="sigma > 0")

    @staticmethod
    def logcdf(value, mu, sigma):
        z = (value - mu) / sigma
        return check_parameters(pt.log(pt.erfc(pt.exp(-0.5 * z) / np.sqrt(2.0))), sigma > 0, msg="sigma > 0")

    @staticmethod
    def icdf(value, mu, sigma):
        res = mu - sigma * pt.log(2.0 * pt.pow(pt.erfcinv(value), 2))
        return check_parameters(icdf_bound(res, value), sigma > 0, msg="sigma > 0")


class SkewNormal(Continuous):
    """Skew-normal distribution: location ``mu``, scale ``sigma`` (or ``tau``), skewness ``alpha``."""

    rv_type = rv.SkewNormalRV

    @classmethod
    def dist(cls, alpha=1.0, mu=0.0, sigma=None, tau=None, **kwargs):
        _, sigma = get_tau_sigma(tau=tau, sigma=sigma)
        return super().dist([mu, sigma, alpha], **kwargs)

    @staticmethod
    def support_point(rv, shape, mu, sigma, alpha):
        return mu + sigma * np.sqrt(2 / np.pi) * alpha / pt.sqrt(1 + alpha**2)

    @staticmethod
    def logp(value, mu, sigma, alpha):
        res = LOG_2 + normal_logp(value, mu, sigma) + pt.log_ndtr(alpha * (value - mu) / sigma)
        return check_parameters(res, sigma > 0, msg="sigma > 0")


class ExGaussian(Continuous):
    """Normal(mu, sigma) plus an independent Exponential of mean ``nu``."""

    rv_type = rv.ExGaussianRV

    @classmethod
    def dist(cls, mu=0.0, sigma=None, nu=None, **kwargs):
        if nu is None:
            raise ValueError("ExGaussian needs nu")
        return super().dist([mu, 1.0 if sigma is None else sigma, nu], **kwargs)

    @staticmethod
    def support_point(rv, shape, mu, sigma, nu):
        return mu + nu

    @staticmethod
    def logp(value, mu, sigma, nu):
        # for nu << sigma the exponential part is a negligible shift: use the normal density
        res = pt.switch(nu > 0.05 * sigma,
                        -pt.log(nu) + (mu - value) / nu + 0.5 * (sigma / nu) ** 2
                        + normal_lcdf(mu + sigma**2 / nu, sigma, value),
                        normal_logp(value, mu, sigma))
        return check_parameters(res, sigma > 0, nu > 0, msg="sigma > 0, nu > 0")

    @staticmethod
    def logcdf(value, mu, sigma, nu):
        res = pt.switch(nu > 0.05 * sigma,
                        log_diff_exp(normal_lcdf(mu, sigma, value),
                                     (mu - value) / nu + 0.5 * (sigma / nu) ** 2 + normal_lcdf(mu + sigma**2 / nu, sigma, value)),
                        normal_lcdf(mu, sigma, value))
        return check_parameters(res, sigma > 0, nu > 0, msg="sigma > 0, nu > 0")
