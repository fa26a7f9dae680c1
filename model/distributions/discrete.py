"""Discrete distributions (int64 draws) with PyMC's names and parameterisations.

``p`` parameters can be given as ``logit_p``; the densities then use ``softplus`` of the
logit, exact for any logit (``logit_p = +-800`` included), and give the very same graph
whether a user passes ``logit_p=l`` or ``p=sigmoid(l)``.
"""

from __future__ import annotations

import warnings

import numpy as np

import rewrax.symbolic as pt
from rewrax.model import constraints
from rewrax.model.distributions.distribution import Discrete
from rewrax.model.distributions.params import constant_data, icdf_bound
from rewrax.model.logprob.checks import bound, check_parameters
from rewrax.model.logprob.math import binomln, log_betainc, log_gammaincc, log_p_and_log1m_p, logpow, sigmoid_input
from rewrax.symbolic.random import discrete as rv


def _p_from(p, logit_p, what="p"):
    if p is not None and logit_p is not None:
        raise ValueError(f"Incompatible parametrization. Can't specify both {what} and logit_{what}.")
    if p is None and logit_p is None:
        raise ValueError(f"Incompatible parametrization. Must specify either {what} or logit_{what}.")
    return pt.sigmoid(logit_p) if logit_p is not None else p


def _p_checks(res, p):
    return check_parameters(res, 0 <= p, p <= 1, msg="0 <= p <= 1")


class Bernoulli(Discrete):
    """1 with probability ``p`` (or ``sigmoid(logit_p)``), else 0.

    Examples
    --------
    >>> import rewrax as rx
    >>> round(float(rx.logp(rx.Bernoulli.dist(logit_p=-800.0), 1).eval()), 3)
    -800.0
    """

    rv_type = rv.BernoulliRV
    support = constraints.boolean

    @classmethod
    def dist(cls, p=None, logit_p=None, **kwargs):
        return super().dist([_p_from(p, logit_p)], **kwargs)

    @staticmethod
    def support_point(rv, shape, p):
        return pt.switch(p < 0.5, 0, 1)

    @staticmethod
    def logp(value, p):
        logit = sigmoid_input(p)
        if logit is not None:
            # -softplus(-l) for 1, -softplus(l) for 0: one softplus per value, exact for any
            # logit (y * l - softplus(l) would lose log(p) near 0 to cancellation)
            res = -pt.softplus((1 - 2 * value) * logit)
        else:
            res = pt.switch(pt.eq(value, 1), pt.log(p), pt.log1p(-p))
        return _p_checks(bound(res, value >= 0, value <= 1), p)

    @staticmethod
    def logcdf(value, p):
        _, log_1mp = log_p_and_log1m_p(p)
        res = pt.switch(value < 0, -np.inf, pt.switch(value < 1, log_1mp, 0.0))
        return _p_checks(res, p)

    @staticmethod
    def icdf(value, p):
        # SciPy's convention for the quantile at 0 of a discrete law: one below the support
        return _p_checks(icdf_bound(pt.switch(pt.eq(value, 0), -1, pt.switch(value <= 1 - p, 0, 1)), value), p)


class Binomial(Discrete):
    """Successes in ``n`` trials of probability ``p`` (or ``sigmoid(logit_p)``)."""

    rv_type = rv.BinomialRV

    @classmethod
    def dist(cls, n, p=None, logit_p=None, **kwargs):
        return super().dist([n, _p_from(p, logit_p)], **kwargs)

    @classmethod
    def support_of(cls, n, p):
        return constraints.integer_interval(0, n)

    @staticmethod
    def support_point(rv, shape, n, p):
        return pt.floor(n * p)

    @staticmethod
    def logp(value, n, p):
        logit = sigmoid_input(p)
        if logit is not None:  # exact for any logit: log(p) = -softplus(-l), log(1 - p) = -softplus(l)
            res = -value * pt.softplus(-logit) - (n - value) * pt.softplus(logit)
        else:
            res = logpow(p, value) + pt.xlog1py(n - value, -p)
        res = bound(binomln(n, value) + res, value >= 0, value <= n)
        return check_parameters(res, n >= 0, 0 <= p, p <= 1, msg="n >= 0, 0 <= p <= 1")

    @staticmethod
    def logcdf(value, n, p):
        k = pt.floor(value)
        safe_k = pt.clip(k, 0, pt.maximum(n - 1, 0))
        q = pt.sigmoid(-sigmoid_input(p)) if sigmoid_input(p) is not None else 1 - p
        res = log_betainc(n - safe_k, safe_k + 1, q)
        res = pt.switch(value < 0, -np.inf, pt.switch(k >= n, 0.0, res))
        return check_parameters(res, n >= 0, 0 <= p, p <= 1, msg="n >= 0, 0 <= p <= 1")


class BetaBinomial(Discrete):
    """Binomial(n, p) with ``p ~ Beta(alpha, beta)``."""

    rv_type = rv.BetaBinomialRV

    @classmethod
    def dist(cls, alpha, beta, n, **kwargs):
        return super().dist([n, alpha, beta], **kwargs)

    @classmethod
    def support_of(cls, n, alpha, beta):
        return constraints.integer_interval(0, n)

    @staticmethod
    def support_point(rv, shape, n, alpha, beta):
        return pt.floor(n * alpha / (alpha + beta))

    @staticmethod
    def logp(value, n, alpha, beta):
        res = binomln(n, value) + pt.betaln(value + alpha, n - value + beta) - pt.betaln(alpha, beta)
        res = bound(res, value >= 0, value <= n)
        return check_parameters(res, n >= 0, alpha > 0, beta > 0, msg="n >= 0, alpha > 0, beta > 0")

    @staticmethod
    def logcdf(value, n, alpha, beta):
        n_max = constant_data(n)
        if n_max is None:
            raise NotImplementedError("BetaBinomial logcdf needs a constant n (it sums the mass function)")
        ks = pt.arange(int(np.max(n_max)) + 1).astype("float64")
        v = pt.expand_dims(pt.floor(value), -1)
        terms = BetaBinomial.logp(ks, pt.expand_dims(n, -1), pt.expand_dims(alpha, -1), pt.expand_dims(beta, -1))
        res = pt.logsumexp(pt.switch(ks <= v, terms, -np.inf), axis=-1)
        return pt.switch(value < 0, -np.inf, pt.switch(value >= n, 0.0, res))


class Poisson(Discrete):
    """Poisson distribution with rate ``mu``."""

    rv_type = rv.PoissonRV
    support = constraints.nonnegative_integer

    @classmethod
    def dist(cls, mu, **kwargs):
        return super().dist([mu], **kwargs)

    @staticmethod
    def support_point(rv, shape, mu):
        return pt.floor(mu)

    @staticmethod
    def logp(value, mu):
        res = bound(logpow(mu, value) - pt.gammaln(value + 1) - mu, value >= 0)
        return check_parameters(res, mu >= 0, msg="mu >= 0")

    @staticmethod
    def logcdf(value, mu):
        k = pt.floor(pt.maximum(value, 0))
        res = bound(log_gammaincc(k + 1, mu), value >= 0)
        return check_parameters(res, mu >= 0, msg="mu >= 0")


class NegativeBinomial(Discrete):
    """Negative binomial: mean ``mu`` and dispersion ``alpha``, or ``n`` successes of probability ``p``."""

    rv_type = rv.NegBinomialRV
    support = constraints.nonnegative_integer

    @classmethod
    def dist(cls, mu=None, alpha=None, p=None, n=None, **kwargs):
        n, p = cls.get_n_p(mu=mu, alpha=alpha, p=p, n=n)
        return super().dist([n, p], **kwargs)

    @staticmethod
    def get_n_p(mu=None, alpha=None, p=None, n=None):
        if n is None and p is None and mu is not None and alpha is not None:
            alpha = pt.as_tensor_variable(alpha)
            return alpha, alpha / (mu + alpha)
        if n is not None and p is not None and mu is None and alpha is None:
            return n, p
        raise ValueError("Incompatible parametrization. Must specify either mu and alpha, or n and p.")

    @staticmethod
    def support_point(rv, shape, n, p):
        return pt.floor(n * (1 - p) / p)

    @staticmethod
    def logp(value, n, p):
        res = -pt.betaln(n, value + 1) - pt.log(n + value) + logpow(p, n) + pt.xlog1py(value, -p)
        res = bound(res, value >= 0)
        return check_parameters(res, n > 0, 0 < p, p <= 1, msg="n > 0, 0 < p <= 1")

    @staticmethod
    def logcdf(value, n, p):
        k = pt.floor(pt.maximum(value, 0))
        res = bound(log_betainc(n, k + 1, p), value >= 0)
        return check_parameters(res, n > 0, 0 < p, p <= 1, msg="n > 0, 0 < p <= 1")


class Geometric(Discrete):
    """Number of trials up to and including the first success of probability ``p``."""

    rv_type = rv.GeometricRV
    support = constraints.positive_integer

    @classmethod
    def dist(cls, p, **kwargs):
        return super().dist([p], **kwargs)

    @staticmethod
    def support_point(rv, shape, p):
        return pt.round(1.0 / p)

    @staticmethod
    def logp(value, p):
        res = bound(pt.log(p) + pt.xlog1py(value - 1, -p), value >= 1)
        return check_parameters(res, 0 < p, p <= 1, msg="0 < p <= 1")

    @staticmethod
    def logcdf(value, p):
        res = bound(pt.log1mexp(pt.floor(pt.maximum(value, 1)) * pt.log1p(-p)), value >= 1)
        return check_parameters(res, 0 < p, p <= 1, msg="0 < p <= 1")

    @staticmethod
    def icdf(value, p):
        res = icdf_bound(pt.ceil(pt.log1p(-value) / pt.log1p(-p)), value)
        return check_parameters(res, 0 < p, p <= 1, msg="0 < p <= 1")


class DiscreteUniform(Discrete):
    """Integers uniform on ``[lower, upper]`` (both included)."""

    rv_type = rv.DiscreteUniformRV

    @classmethod
    def dist(cls, lower, upper, **kwargs):
        return super().dist([lower, upper], **kwargs)

    @classmethod
    def support_of(cls, lower, upper):
        return constraints.integer_interval(lower, upper)

    @staticmethod
    def support_point(rv, shape, lower, upper):
        return pt.floor((lower + upper) / 2.0)

    @staticmethod
    def logp(value, lower, upper):
        res = bound(-pt.log(upper - lower + 1.0) + pt.zeros_like(value, dtype="float64"), value >= lower, value <= upper)
        return check_parameters(res, lower <= upper, msg="lower <= upper")

    @staticmethod
    def logcdf(value, lower, upper):
        res = pt.log((pt.floor(value) - lower + 1.0) / (upper - lower + 1.0))
        res = pt.switch(value < lower, -np.inf, pt.switch(value >= upper, 0.0, res))
        return check_parameters(res, lower <= upper, msg="lower <= upper")

    @staticmethod
    def icdf(value, lower, upper):
        res = icdf_bound(lower + pt.ceil(value * (upper - lower + 1.0)) - 1, value)
        return check_parameters(res, lower <= upper, msg="lower <= upper")


class Categorical(Discrete):
    """An index drawn with probabilities ``p`` (last axis) or ``softmax(logit_p)``."""

    rv_type = rv.CategoricalRV

    @classmethod
    def dist(cls, p=None, logit_p=None, **kwargs):
        if p is not None and logit_p is not None:
            raise ValueError("Incompatible parametrization. Can't specify both p and logit_p.")
        if logit_p is not None:
            p = pt.softmax(logit_p, axis=-1)
        elif p is None:
            raise ValueError("Incompatible parametrization. Must specify either p or logit_p.")
        else:
            p = _normalized(p)
        return super().dist([p], **kwargs)

    @classmethod
    def support_of(cls, p):
        return constraints.integer_interval(0, pt.shape(p)[-1] - 1)

    @staticmethod
    def support_point(rv, shape, p):
        return pt.argmax(p, axis=-1)

    @staticmethod
    def logp(value, p):
        log_p = _log_probs(p)
        k = pt.arange(p.type.shape[-1] if p.type.shape[-1] is not None else pt.shape(p)[-1])
        picked = pt.sum(pt.switch(pt.eq(pt.expand_dims(value, -1), k), log_p, 0.0), axis=-1)
        res = bound(picked, value >= 0, value < pt.shape(p)[-1])
        ok = pt.lt(pt.abs(pt.sum(p, axis=-1) - 1), 1e-6)
        return check_parameters(res, 0 <= p, p <= 1, ok, msg="0 <= p <= 1, sum(p) = 1")


def _log_probs(p):
    owner = p.owner
    if owner is not None and type(owner.op).__name__ == "Softmax":
        return pt.log_softmax(owner.inputs[0], axis=-1)
    return pt.log(p)


def _normalized(p):
    data = constant_data(p)
    if data is not None:
        total = data.sum(axis=-1)
        if not np.allclose(total, 1):
            warnings.warn(f"Categorical: p sums to {total} along its last axis, not 1; it is rescaled to sum to 1",
                          UserWarning, stacklevel=4)
            return data / total[..., None]
    return p


class _ZeroInflated(Discrete):
    """Base of the zero-inflated families: the base draw with probability ``psi``, else 0."""

    support = constraints.nonnegative_integer
    base = None

    @classmethod
    def logp(cls, value, psi, *params):
        base = cls.base.logp(value, *params)
        res = pt.switch(pt.eq(value, 0), pt.logaddexp(pt.log1p(-psi), pt.log(psi) + base), pt.log(psi) + base)
        return check_parameters(bound(res, value >= 0), 0 <= psi, psi <= 1, msg="0 <= psi <= 1")

    @classmethod
    def logcdf(cls, value, psi, *params):
        # 1 - psi + psi * F = 1 + psi * (F - 1): exact both where F ~ 1 and where F ~ 0
        res = pt.log1p(psi * pt.expm1(cls.base.logcdf(value, *params)))
        return check_parameters(bound(res, value >= 0), 0 <= psi, psi <= 1, msg="0 <= psi <= 1")


class ZeroInflatedPoisson(_ZeroInflated):
    """Poisson(mu) with probability ``psi``, else 0."""

    rv_type, base = rv.ZeroInflatedPoissonRV, Poisson

    @classmethod
    def dist(cls, psi, mu, **kwargs):
        return super().dist([psi, mu], **kwargs)

    @staticmethod
    def support_point(rv, shape, psi, mu):
        return pt.floor(psi * mu)


class ZeroInflatedBinomial(_ZeroInflated):
    """Binomial(n, p) with probability ``psi``, else 0."""

    rv_type, base = rv.ZeroInflatedBinomialRV, Binomial

    @classmethod
    def dist(cls, psi, n, p, **kwargs):
        return super().dist([psi, n, p], **kwargs)

    @staticmethod
    def support_point(rv, shape, psi, n, p):
        return pt.floor(psi * n * p)


class ZeroInflatedNegativeBinomial(_ZeroInflated):
    """NegativeBinomial (mu/alpha or n/p) with probability ``psi``, else 0."""

    rv_type, base = rv.ZeroInflatedNegBinomialRV, NegativeBinomial

    @classmethod
    def dist(cls, psi, mu=None, alpha=None, p=None, n=None, **kwargs):
        n, p = NegativeBinomial.get_n_p(mu=mu, alpha=alpha, p=p, n=n)
        return super().dist([psi, n, p], **kwargs)

    @staticmethod
    def support_point(rv, shape, psi, n, p):
        return pt.floor(psi * n * (1 - p) / p)


class DiracDelta(Discrete):
    """A point mass at ``c``."""

    rv_type = rv.DiracDeltaRV
    support = constraints.real

    @classmethod
    def dist(cls, c, **kwargs):
        return super().dist([c], **kwargs)

    @staticmethod
    def support_point(rv, shape, c):
        return c

    @staticmethod
    def logp(value, c):
        return pt.switch(pt.eq(value, c), 0.0, -np.inf)

    @staticmethod
    def logcdf(value, c):
        return pt.switch(value < c, -np.inf, 0.0)
