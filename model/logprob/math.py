"""Numerically stable building blocks of log-densities (where rewriting cannot help).

A textbook formula that a rewrite can make stable (``log(1 + x)`` -> ``log1p(x)``) is
written as the textbook says. These helpers are for the cases a rewrite cannot reach:
tails of CDFs, binomial coefficients of large counts, differences of CDFs.
"""

from __future__ import annotations

import numpy as np

import rewrax.symbolic as pt

LOG_2 = float(np.log(2.0))
LOG_PI = float(np.log(np.pi))
LOG_2PI = float(np.log(2 * np.pi))


def normal_lcdf(mu, sigma, x):
    """``log Phi((x - mu) / sigma)``, accurate far in the left tail (``log_ndtr``)."""
    return pt.log_ndtr((x - mu) / sigma)


def normal_lccdf(mu, sigma, x):
    """``log(1 - Phi((x - mu) / sigma))``, accurate far in the right tail."""
    return pt.log_ndtr((mu - x) / sigma)


def log_diff_exp(a, b):
    """``log(exp(a) - exp(b))`` for ``a >= b``, without cancellation.

    ``b - a`` is clipped at 0: two roundings of the same number (``a == b`` in exact
    arithmetic) give ``-inf``, not NaN.
    """
    return a + pt.log1mexp(pt.minimum(b - a, 0.0))


def log1mexp(x):
    """``log(1 - exp(x))`` for ``x <= 0``."""
    return pt.log1mexp(x)


def binomln(n, k):
    """``log(n choose k)`` through ``betaln``: exact for large counts (no gammaln cancellation).

    The ends ``k = 0`` and ``k = n`` are exactly 0 (``betaln`` would leave a rounding error).
    """
    inner = -pt.betaln(1 + n - k, 1 + k) - pt.log1p(n)
    return pt.switch(pt.or_(pt.eq(k, 0), pt.eq(k, n)), 0.0, inner)


def logpow(x, m):
    """``m * log(x)`` with ``0 * log(0) = 0``."""
    return pt.xlogy(m, x)


def sigmoid_input(p):
    """``l`` when ``p`` is the graph ``sigmoid(l)``, else ``None``.

    Densities written with ``log(p)`` / ``log1p(-p)`` use ``-softplus(-l)`` /
    ``-softplus(l)`` instead, which are exact for any ``l`` (the same graph whether a user
    passes ``logit_p=l`` or ``p=sigmoid(l)``).
    """
    owner = getattr(p, "owner", None)
    if owner is None or not hasattr(owner.op, "scalar_op"):
        return None
    return owner.inputs[0] if getattr(owner.op.scalar_op, "name", None) == "sigmoid" else None


def log_p_and_log1m_p(p):
    """``(log(p), log(1 - p))``, exact in the logit when ``p = sigmoid(l)``."""
    logit = sigmoid_input(p)
    if logit is not None:
        return -pt.softplus(-logit), -pt.softplus(logit)
    return pt.log(p), pt.log1p(-p)


def log_betainc(a, b, x):
    """``log I_x(a, b)`` (regularized incomplete beta), accurate in both tails.

    Above the mean the complement ``1 - I_{1-x}(b, a)`` is the accurate form.
    """
    return pt.switch(x < a / (a + b), pt.log(pt.betainc(a, b, x)), pt.log1p(-pt.betainc(b, a, 1 - x)))


def log_gammainc(a, x):
    """``log P(a, x)`` (regularized lower incomplete gamma), accurate in both tails."""
    return pt.switch(x < a, pt.log(pt.gammainc(a, x)), pt.log1p(-pt.gammaincc(a, x)))


def log_gammaincc(a, x):
    """``log Q(a, x)`` (regularized upper incomplete gamma), accurate in both tails."""
    return pt.switch(x > a, pt.log(pt.gammaincc(a, x)), pt.log1p(-pt.gammainc(a, x)))


def gammaln_half_ratio(x):
    """``gammaln(x + 1/2) - gammaln(x)`` without cancellation for large ``x``.

    Beyond x = 100 the asymptotic series ``log(x)/2 - 1/(8x) + 1/(192x^3) - 1/(640x^5)`` is
    exact to double precision; the plain difference loses ``|gammaln(x)| * eps``.
    """
    safe = pt.maximum(x, 100.0)
    series = 0.5 * pt.log(safe) - 1.0 / (8 * safe) + 1.0 / (192 * safe**3) - 1.0 / (640 * safe**5)
    return pt.switch(x > 100.0, series, pt.gammaln(x + 0.5) - pt.gammaln(x))


def log1mexp_of_power(log_t):
    """``log(1 - exp(-t))`` given ``log t``: exact where ``t = exp(log_t)`` underflows."""
    t = pt.exp(log_t)
    return pt.switch(log_t < -20.0, log_t - t / 2, pt.log1mexp(-t))
