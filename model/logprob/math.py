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
    # each branch reads x only on its side of a, so the other one keeps a finite gradient
    below = x < a
    x_lo, x_hi = pt.switch(below, x, a), pt.switch(below, a, x)
    return pt.switch(below, pt.log(pt.gammainc(a, x_lo)), pt.log1p(-pt.gammaincc(a, x_hi)))


def log_gammaincc(a, x):
    """``log Q(a, x)`` (regularized upper incomplete gamma), accurate in both tails."""
    above = x > a
    x_hi, x_lo = pt.switch(above, x, a), pt.switch(above, a, x)
    return pt.switch(above, pt.log(pt.gammaincc(a, x_hi)), pt.log1p(-pt.gammainc(a, x_lo)))


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


# -- differences of CDFs -------------------------------------------------------------------------
_GL_NODES, _GL_WEIGHTS = np.polynomial.legendre.leggauss(12)
_LOG_GL_WEIGHTS = np.log(_GL_WEIGHTS)
LOG_SQRT_2PI = 0.5 * LOG_2PI


def _log_normal_mass_narrow(lo, hi):
    """``log(Phi(hi) - Phi(lo))`` by 12-point Gauss-Legendre quadrature of the log-density.

    Exact to ~1e-15 (relative) when ``(hi - lo) / 2 * (|hi + lo| / 2 + 1) <= 1``: there a
    difference of CDFs cancels and the integral does not.
    """
    half, mid = (hi - lo) / 2.0, (hi + lo) / 2.0
    t = pt.expand_dims(mid, -1) + pt.expand_dims(half, -1) * _GL_NODES
    return pt.log(half) - LOG_SQRT_2PI + pt.logsumexp(_LOG_GL_WEIGHTS - 0.5 * t * t, axis=-1)


def log_ndtr_diff(a, b):
    """``log(Phi(b) - Phi(a))`` for ``a <= b`` (standard normal CDF), accurate everywhere.

    The interval is reflected (``Phi(b) - Phi(a) = Phi(-a) - Phi(-b)``) so that its larger
    end-point mass is not close to 1, then computed as ``log Phi(hi) + log1mexp(log Phi(lo) -
    log Phi(hi))``; narrow intervals, where that difference cancels, are integrated by
    quadrature instead. Infinite ends are allowed and keep the gradient finite: the branches
    that would see them get finite stand-ins (a NaN in an unselected branch of a ``switch``
    still poisons its gradient).

    Examples
    --------
    >>> import numpy as np
    >>> from rewrax.model.logprob.math import log_ndtr_diff
    >>> round(float(log_ndtr_diff(np.float64(40.0), np.float64(np.inf)).eval()), 6)
    -804.608442
    """
    a, b = pt.as_tensor_variable(a), pt.as_tensor_variable(b)
    flip = pt.gt(a + b, 0.0)  # (-inf, inf) gives NaN > 0: False, as it should
    lo, hi = pt.switch(flip, -b, a), pt.switch(flip, -a, b)
    lo_inf, hi_inf = pt.isinf(lo), pt.isinf(hi)
    hi = pt.switch(hi_inf, 0.0, hi)
    lo = pt.switch(lo_inf, hi - 1.0, lo)
    log_hi = pt.log_ndtr(hi)
    wide = log_hi + pt.log1mexp(pt.minimum(pt.log_ndtr(lo) - log_hi, 0.0))
    narrow = (hi - lo) * (pt.abs(hi + lo) / 2.0 + 1.0) <= 2.0
    quad = _log_normal_mass_narrow(pt.switch(narrow, lo, -1.0), pt.switch(narrow, hi, 0.0))
    finite = pt.switch(narrow, quad, wide)
    return pt.switch(lo_inf, pt.switch(hi_inf, 0.0, log_hi), finite)


def standardize(x, mu, sigma):
    """``(x - mu) / sigma``, with infinite ``x`` passed through (and a finite gradient there)."""
    x = pt.as_tensor_variable(x)
    x_inf = pt.isinf(x)
    return pt.switch(x_inf, x, (pt.switch(x_inf, 0.0, x) - mu) / sigma)


def normal_log_mass(mu, sigma, lower, upper):
    """``log P(lower <= X <= upper)`` for ``X ~ Normal(mu, sigma)``: see ``log_ndtr_diff``."""
    return log_ndtr_diff(standardize(lower, mu, sigma), standardize(upper, mu, sigma))


def log_sigmoid_diff(x, y):
    """``log(sigmoid(x) - sigmoid(y))`` for ``x >= y``, exact for any ``x, y``.

    ``sigmoid(x) - sigmoid(y) = sigmoid(x) * sigmoid(-y) * (1 - exp(y - x))``.
    """
    return -pt.softplus(-x) - pt.softplus(y) + pt.log1mexp(y - x)


def truncated_normal_logcdf(value, mu, sigma, lower, upper):
    """``log P(X <= value)`` for ``X ~ Normal(mu, sigma)`` truncated to ``[lower, upper]``.

    Below the median the mass of ``[lower, value]`` is the accurate number, above it the
    mass of ``[value, upper]`` (``log1mexp`` of its share). Values outside ``(lower, upper)``
    read a point inside instead, so the unselected branches keep finite gradients.
    """
    lo_ok, hi_ok = pt.isfinite(lower), pt.isfinite(upper)
    lo_f, hi_f = pt.switch(lo_ok, lower, 0.0), pt.switch(hi_ok, upper, 0.0)
    mid = pt.switch(lo_ok & hi_ok, (lo_f + hi_f) / 2.0,
                    pt.switch(lo_ok, lo_f + sigma, pt.switch(hi_ok, hi_f - sigma, mu)))
    v = pt.switch(pt.and_(value > lower, value < upper), value, mid)
    total = normal_log_mass(mu, sigma, lower, upper)
    left = normal_log_mass(mu, sigma, lower, v) - total
    # selected only where that share is below 1/2; the clip keeps log1mexp off 0 elsewhere
    right = pt.log1mexp(pt.minimum(normal_log_mass(mu, sigma, v, upper) - total, -LOG_2))
    res = pt.switch(left > -LOG_2, right, left)
    return pt.switch(value <= lower, -np.inf, pt.switch(value >= upper, 0.0, res))
