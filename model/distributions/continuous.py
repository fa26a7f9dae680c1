"""Continuous distributions on the real line and on half-lines, with PyMC's names and parameters.

Densities are the textbook formulas (a rewrite makes them stable where one can, e.g.
``log(1 + x)``); where no rewrite can help (CDF tails, gamma functions of large arguments)
the stable form is written directly. Parameter checks print as ``Check{sigma > 0}``.
"""

from __future__ import annotations

import numpy as np

import rewrax.symbolic as pt
from rewrax.model import constraints
from rewrax.model.distributions.distribution import Continuous
from rewrax.model.distributions.params import get_tau_sigma, icdf_bound, is_constant_value
from rewrax.model.logprob.checks import bound, check_parameters
from rewrax.model.logprob.math import (
    LOG_2, log_betainc, log_gammainc, log_gammaincc, logpow, normal_lcdf, normal_log_mass,
    truncated_normal_logcdf,
)
from rewrax.symbolic.random import basic as rv


def normal_logp(value, mu, sigma):
    """The textbook normal log-density (no checks)."""
    return -0.5 * pt.pow((value - mu) / sigma, 2) - pt.log(pt.sqrt(2.0 * np.pi)) - pt.log(sigma)


class Normal(Continuous):
    r"""Normal distribution, ``Normal(mu=0, sigma=1)`` or with precision ``tau``.

    Examples
    --------
    >>> import rewrax as rx
    >>> x = rx.Normal.dist(mu=0, sigma=2)
    >>> round(float(rx.logp(x, 0.0).eval()), 6)
    -1.612086
    """

    rv_type = rv.NormalRV

    @classmethod
    def dist(cls, mu=0.0, sigma=None, tau=None, **kwargs):
        _, sigma = get_tau_sigma(tau=tau, sigma=sigma)
        return super().dist([mu, sigma], **kwargs)

    @staticmethod
    def support_point(rv, shape, mu, sigma):
        return mu

    @staticmethod
    def logp(value, mu, sigma):
        return check_parameters(normal_logp(value, mu, sigma), sigma > 0, msg="sigma > 0")

    @staticmethod
    def logcdf(value, mu, sigma):
        return check_parameters(normal_lcdf(mu, sigma, value), sigma > 0, msg="sigma > 0")

    @staticmethod
    def icdf(value, mu, sigma):
        return check_parameters(icdf_bound(mu + sigma * pt.ndtri(value), value), sigma > 0, msg="sigma > 0")


class HalfNormal(Continuous):
    """Half-normal distribution on ``[0, inf)`` with scale ``sigma`` (or precision ``tau``)."""

    rv_type = rv.HalfNormalRV
    support = constraints.positive

    @classmethod
    def dist(cls, sigma=None, tau=None, **kwargs):
        _, sigma = get_tau_sigma(tau=tau, sigma=sigma)
        return super().dist([0.0, sigma], **kwargs)

    @classmethod
    def support_of(cls, loc, sigma):
        return constraints.positive if is_constant_value(loc, 0) else constraints.greater_than(loc)

    @staticmethod
    def support_point(rv, shape, loc, sigma):
        return loc + sigma

    @staticmethod
    def logp(value, loc, sigma):
        res = -0.5 * pt.pow((value - loc) / sigma, 2) + 0.5 * np.log(2.0 / np.pi) - pt.log(sigma)
        return check_parameters(bound(res, value >= loc), sigma > 0, msg="sigma > 0")

    @staticmethod
    def logcdf(value, loc, sigma):
        z = (value - loc) / (sigma * np.sqrt(2.0))
        # log(erf(z)): erf is accurate near 0, 1 - erfc near the upper tail
        res = pt.switch(z < 1.0, pt.log(pt.erf(z)), pt.log1p(-pt.erfc(z)))
        return check_parameters(bound(res, value >= loc), sigma > 0, msg="sigma > 0")

    @staticmethod
    def icdf(value, loc, sigma):
        res = loc + sigma * np.sqrt(2.0) * pt.erfinv(value)
        return check_parameters(icdf_bound(res, value), sigma > 0, msg="sigma > 0")


class TruncatedNormal(Continuous):
    """Normal(mu, sigma) restricted to ``[lower, upper]`` (``None``: unbounded on that side)."""

    rv_type = rv.TruncatedNormalRV

    @classmethod
    def dist(cls, mu=0.0, sigma=None, tau=None, lower=None, upper=None, **kwargs):
        _, sigma = get_tau_sigma(tau=tau, sigma=sigma)
        lower = -np.inf if lower is None else lower
        upper = np.inf if upper is None else upper
        return super().dist([mu, sigma, lower, upper], **kwargs)

    @classmethod
    def support_of(cls, mu, sigma, lower, upper):
        return constraints.interval(None if is_constant_value(lower, -np.inf) else lower,
                                    None if is_constant_value(upper, np.inf) else upper)

    @staticmethod
    def support_point(rv, shape, mu, sigma, lower, upper):
        lo_ok, hi_ok = pt.isfinite(lower), pt.isfinite(upper)
        return pt.switch(lo_ok & hi_ok, (lower + upper) / 2.0,
                         pt.switch(lo_ok, pt.maximum(mu, lower + sigma), pt.switch(hi_ok, pt.minimum(mu, upper - sigma), mu)))

    @staticmethod
    def _log_mass(mu, sigma, lower, upper):
        # log(Phi(b) - Phi(a)), accurate (and with finite gradients) in both tails and at +-inf
        return normal_log_mass(mu, sigma, lower, upper)

    @staticmethod
    def logp(value, mu, sigma, lower, upper):
        res = normal_logp(value, mu, sigma) - TruncatedNormal._log_mass(mu, sigma, lower, upper)
        res = bound(res, value >= lower, value <= upper)
        return check_parameters(res, sigma > 0, lower <= upper, msg="sigma > 0, lower <= upper")

    @staticmethod
    def logcdf(value, mu, sigma, lower, upper):
        res = truncated_normal_logcdf(value, mu, sigma, lower, upper)
        return check_parameters(res, sigma > 0, lower <= upper, msg="sigma > 0, lower <= upper")


class Uniform(Continuous):
    """Uniform distribution on ``[lower, upper]``."""

    rv_type = rv.UniformRV

    @classmethod
    def dist(cls, lower=0.0, upper=1.0, **kwargs):
        return super().dist([lower, upper], **kwargs)

    @classmethod
    def support_of(cls, lower, upper):
        return constraints.interval(lower, upper)

    @staticmethod
    def support_point(rv, shape, lower, upper):
        return (lower + upper) / 2.0

    @staticmethod
    def logp(value, lower, upper):
        res = bound(-pt.log(upper - lower) + pt.zeros_like(value), value >= lower, value <= upper)
        return check_parameters(res, lower < upper, msg="lower < upper")

    @staticmethod
    def logcdf(value, lower, upper):
        res = pt.switch(value < lower, -np.inf,
                        pt.switch(value < upper, pt.log(value - lower) - pt.log(upper - lower), 0.0))
        return check_parameters(res, lower < upper, msg="lower < upper")

    @staticmethod
    def icdf(value, lower, upper):
        res = icdf_bound(lower + (upper - lower) * value, value)
        return check_parameters(res, lower < upper, msg="lower < upper")


class Flat(Continuous):
    """The improper uniform density on the real line (log-density 0; no draws)."""

    rv_type = rv.FlatRV

    @classmethod
    def dist(cls, **kwargs):
        return super().dist([], **kwargs)

    @staticmethod
    def support_point(rv, shape):
        return pt.zeros(shape)

    @staticmethod
    def logp(value):
        return pt.zeros_like(value, dtype="float64" if value.type.dtype.startswith("int") else None)

    @staticmethod
    def logcdf(value):
        return pt.switch(pt.eq(value, -np.inf), -np.inf, pt.switch(pt.eq(value, np.inf), 0.0, -LOG_2))


class HalfFlat(Continuous):
    """The improper uniform density on ``[0, inf)`` (no draws)."""

    rv_type = rv.HalfFlatRV
    support = constraints.positive

    @classmethod
    def dist(cls, **kwargs):
        return super().dist([], **kwargs)

    @staticmethod
    def support_point(rv, shape):
        return pt.ones(shape)

    @staticmethod
    def logp(value):
        return pt.switch(value < 0, -np.inf, 0.0)

    @staticmethod
    def logcdf(value):
        return pt.switch(pt.eq(value, np.inf), 0.0, -np.inf)


class Exponential(Continuous):
    """Exponential distribution with rate ``lam`` (or ``scale = 1 / lam``)."""

    rv_type = rv.ExponentialRV
    support = constraints.positive

    @classmethod
    def dist(cls, lam=None, *, scale=None, **kwargs):
        if lam is not None and scale is not None:
            raise ValueError("Incompatible parametrization. Can't specify both lam and scale.")
        if lam is None and scale is None:
            lam = 1.0
        if scale is None:
            scale = pt.reciprocal(pt.as_tensor_variable(lam))
        return super().dist([scale], **kwargs)

    @staticmethod
    def support_point(rv, shape, scale):
        return scale

    @staticmethod
    def logp(value, scale):
        res = bound(-pt.log(scale) - value / scale, value >= 0)
        return check_parameters(res, scale > 0, msg="lam > 0")

    @staticmethod
    def logcdf(value, scale):
        res = bound(pt.log1mexp(-value / scale), value >= 0)
        return check_parameters(res, scale > 0, msg="lam > 0")

    @staticmethod
    def icdf(value, scale):
        return check_parameters(icdf_bound(-scale * pt.log1p(-value), value), scale > 0, msg="lam > 0")


class Gamma(Continuous):
    """Gamma distribution: shape ``alpha`` and rate ``beta``, or mean ``mu`` and std ``sigma``."""

    rv_type = rv.GammaRV
    support = constraints.positive

    @classmethod
    def dist(cls, alpha=None, beta=None, mu=None, sigma=None, **kwargs):
        alpha, beta = cls.get_alpha_beta(alpha, beta, mu, sigma)
        return super().dist([alpha, pt.reciprocal(pt.as_tensor_variable(beta))], **kwargs)

    @staticmethod
    def get_alpha_beta(alpha=None, beta=None, mu=None, sigma=None):
        if alpha is not None and beta is not None:
            return alpha, beta
        if mu is not None and sigma is not None:
            mu, sigma = pt.as_tensor_variable(mu), pt.as_tensor_variable(sigma)
            return mu**2 / sigma**2, mu / sigma**2
        raise ValueError("Incompatible parameterization. Either use alpha and beta, or mu and sigma to specify distribution.")

    @staticmethod
    def support_point(rv, shape, alpha, scale):
        return alpha * scale

    @staticmethod
    def logp(value, alpha, scale):
        beta = pt.reciprocal(scale)
        res = -pt.gammaln(alpha) + logpow(beta, alpha) - beta * value + logpow(value, alpha - 1)
        res = bound(res, value >= 0)
        return check_parameters(res, alpha > 0, scale > 0, msg="alpha > 0, beta > 0")

    @staticmethod
    def logcdf(value, alpha, scale):
        res = bound(log_gammainc(alpha, pt.maximum(value, 0) / scale), value >= 0)
        return check_parameters(res, alpha > 0, scale > 0, msg="alpha > 0, beta > 0")

    @staticmethod
    def icdf(value, alpha, scale):
        from rewrax.model.distributions.special_inverse import gammaincinv

        res = icdf_bound(scale * gammaincinv(alpha, value), value)
        return check_parameters(res, alpha > 0, scale > 0, msg="alpha > 0, beta > 0")


class InverseGamma(Continuous):
    """Inverse-gamma distribution: ``alpha`` and ``beta``, or ``mu`` and ``sigma``."""

    rv_type = rv.InvGammaRV
    support = constraints.positive

    @classmethod
    def dist(cls, alpha=None, beta=None, mu=None, sigma=None, **kwargs):
        if alpha is None or beta is None:
            if mu is None or sigma is None:
                raise ValueError("Incompatible parameterization. Either use alpha and (optionally) beta, "
                                 "or mu and sigma to specify distribution.")
            mu, sigma = pt.as_tensor_variable(mu), pt.as_tensor_variable(sigma)
            alpha = mu**2 / sigma**2 + 2
            beta = mu * (alpha - 1)
        return super().dist([alpha, beta], **kwargs)

    @staticmethod
    def support_point(rv, shape, alpha, beta):
        return pt.switch(alpha > 1, beta / (alpha - 1.0), beta / (alpha + 1.0))

    @staticmethod
    def logp(value, alpha, beta):
        res = logpow(beta, alpha) - pt.gammaln(alpha) - beta / value + logpow(value, -alpha - 1)
        res = bound(res, value > 0)
        return check_parameters(res, alpha > 0, beta > 0, msg="alpha > 0, beta > 0")

    @staticmethod
    def logcdf(value, alpha, beta):
        safe = pt.switch(value > 0, value, 1.0)
        res = bound(log_gammaincc(alpha, beta / safe), value > 0)
        return check_parameters(res, alpha > 0, beta > 0, msg="alpha > 0, beta > 0")


class Beta(Continuous):
    """Beta distribution: ``alpha`` and ``beta``, or mean ``mu`` and std ``sigma``, or ``mu`` and ``nu``."""

    rv_type = rv.BetaRV
    support = constraints.unit_interval

    @classmethod
    def dist(cls, alpha=None, beta=None, mu=None, sigma=None, nu=None, **kwargs):
        if alpha is None or beta is None:
            if mu is not None and sigma is not None:
                mu, sigma = pt.as_tensor_variable(mu), pt.as_tensor_variable(sigma)
                kappa = mu * (1 - mu) / sigma**2 - 1
            elif mu is not None and nu is not None:
                mu, kappa = pt.as_tensor_variable(mu), pt.as_tensor_variable(nu)
            else:
                raise ValueError("Incompatible parameterization. Either use alpha and beta, or mu and sigma "
                                 "(or mu and nu) to specify distribution.")
            alpha, beta = mu * kappa, (1 - mu) * kappa
        return super().dist([alpha, beta], **kwargs)

    @staticmethod
    def support_point(rv, shape, alpha, beta):
        return alpha / (alpha + beta)

    @staticmethod
    def logp(value, alpha, beta):
        res = logpow(value, alpha - 1) + pt.xlog1py(beta - 1, -value) - pt.betaln(alpha, beta)
        res = bound(res, value >= 0, value <= 1)
        return check_parameters(res, alpha > 0, beta > 0, msg="alpha > 0, beta > 0")

    @staticmethod
    def logcdf(value, alpha, beta):
        v = pt.clip(value, 0, 1)
        res = log_betainc(alpha, beta, v)
        res = pt.switch(value < 0, -np.inf, pt.switch(value >= 1, 0.0, res))
        return check_parameters(res, alpha > 0, beta > 0, msg="alpha > 0, beta > 0")

    @staticmethod
    def icdf(value, alpha, beta):
        from rewrax.model.distributions.special_inverse import betaincinv

        res = icdf_bound(betaincinv(alpha, beta, value), value)
        return check_parameters(res, alpha > 0, beta > 0, msg="alpha > 0, beta > 0")


class LogNormal(Continuous):
    """``exp(Normal(mu, sigma))`` (``sigma`` or precision ``tau``)."""

    rv_type = rv.LogNormalRV
    support = constraints.positive

    @classmethod
    def dist(cls, mu=0.0, sigma=None, tau=None, **kwargs):
        _, sigma = get_tau_sigma(tau=tau, sigma=sigma)
        return super().dist([mu, sigma], **kwargs)

    @staticmethod
    def support_point(rv, shape, mu, sigma):
        return pt.exp(mu + 0.5 * sigma**2)

    @staticmethod
    def logp(value, mu, sigma):
        safe = pt.switch(value > 0, value, 1.0)
        res = bound(normal_logp(pt.log(safe), mu, sigma) - pt.log(safe), value > 0)
        return check_parameters(res, sigma > 0, msg="sigma > 0")

    @staticmethod
    def logcdf(value, mu, sigma):
        safe = pt.switch(value > 0, value, 1.0)
        res = bound(normal_lcdf(mu, sigma, pt.log(safe)), value > 0)
        return check_parameters(res, sigma > 0, msg="sigma > 0")

    @staticmethod
    def icdf(value, mu, sigma):
        return check_parameters(icdf_bound(pt.exp(mu + sigma * pt.ndtri(value)), value), sigma > 0, msg="sigma > 0")


Lognormal = LogNormal
