"""Inverses of the regularized incomplete gamma and beta functions, in JAX (JAX has neither).

``gammaincinv(a, p)`` solves ``P(a, x) = p`` and ``betaincinv(a, b, p)`` solves
``I_x(a, b) = p``: a closed-form first guess (Numerical Recipes' ``invgammp`` / ``invbetai``,
after DiDonato & Morris) refined by a fixed number of Newton steps on ``log x`` against ``log P`` (or ``log Q``), so the
loop has a static length and runs on GPUs. The residual is taken in the tail that holds ``p`` (the upper one
through ``Q = 1 - P`` or the symmetry ``I_x(a, b) = 1 - I_{1-x}(b, a)``), so quantiles far in
either tail keep their relative accuracy. Derivatives come from the implicit-function theorem
(``dx/dp = 1 / density``); ``d/da`` of ``I_x(a, b)``, which JAX lacks, is a Richardson-extrapolated
central difference (about 1e-10 relative).

The model layer wraps these with ``wrap_jax`` for the icdf of Gamma, Beta, StudentT, ...
"""

from __future__ import annotations

import jax
import jax.numpy as jnp
import jax.scipy.special as jss

_STEPS = 40


def _normal_guess(p):
    """Abramowitz-Stegun 26.2.23: a rough standard-normal quantile of ``p``."""
    pp = jnp.where(p < 0.5, p, 1.0 - p)
    t = jnp.sqrt(-2.0 * jnp.log(pp))
    x = (2.30753 + t * 0.27061) / (1.0 + t * (0.99229 + t * 0.04481)) - t
    return jnp.where(p < 0.5, x, -x)


def _gamma_guess(a, p):
    big = a > 1.0
    x_n = _normal_guess(p)
    safe_a = jnp.where(big, a, 2.0)
    x_big = jnp.maximum(1e-3, safe_a * (1.0 - 1.0 / (9.0 * safe_a) + x_n / (3.0 * jnp.sqrt(safe_a))) ** 3)  # Wilson-Hilferty
    t = 1.0 - a * (0.253 + a * 0.12)
    x_small = jnp.where(p < t, jnp.exp(jnp.log(p / t) / a), 1.0 - jnp.log1p(-(p - t) / (1.0 - t)))
    return jnp.where(big, x_big, x_small)


def _newton(x0, log_f, log_pdf, target, lower, upper=None):
    """Newton steps for ``log F(x) = target``: on ``t = log x`` in the lower tail (``F = P``,
    increasing) and on ``x`` in the upper one (``F = Q``, decreasing).

    Far in the lower tail ``log P`` is nearly linear in ``log x``, and ``log Q`` is nearly linear
    in ``x`` in the upper one, so the steps converge from rough guesses even 1e-300 out.
    """
    def step(_, x):
        lf = log_f(x)
        ratio = (target - lf) * jnp.exp(lf - log_pdf(x))
        new_lower = x * jnp.exp(jnp.clip(ratio / x, -8.0, 8.0))
        new_upper = x - jnp.clip(ratio, -jnp.maximum(x, 1.0), 4.0 * jnp.maximum(x, 1.0))
        new = jnp.where(lower, new_lower, jnp.where(new_upper <= 0, 0.5 * x, new_upper))
        # F underflowed to 0: step out of the tail (towards larger P, or smaller Q)
        new = jnp.where(lf == -jnp.inf, jnp.where(lower, x * 8.0, 0.5 * x), new)
        if upper is not None:
            new = jnp.where(new >= upper, 0.5 * (x + upper), new)
        return jnp.where(jnp.isfinite(new) & (new > 0), new, x)

    return jax.lax.fori_loop(0, _STEPS, step, x0)


def _gammaincinv(a, p):
    a, p = jnp.broadcast_arrays(jnp.asarray(a, float), jnp.asarray(p, float))
    lower = p < 0.5
    lgam = jss.gammaln(a)
    # the lower-tail asymptote P(a, x) ~ x^a / Gamma(a + 1) is the better start far in that tail
    tail = jnp.exp((jnp.log(p) + jss.gammaln(a + 1.0)) / a)
    x0 = jnp.where(lower & (tail < 1.0), tail, _gamma_guess(a, p))

    def log_f(x):
        return jnp.where(lower, jnp.log(jss.gammainc(a, x)), jnp.log(jss.gammaincc(a, x)))

    def log_pdf(x):
        return (a - 1.0) * jnp.log(x) - x - lgam

    target = jnp.where(lower, jnp.log(p), jnp.log1p(-p))
    x = _newton(x0, log_f, log_pdf, target, lower)
    x = jnp.where(p == 0.0, 0.0, jnp.where(p == 1.0, jnp.inf, x))
    return jnp.where((p < 0) | (p > 1) | ~(a > 0), jnp.nan, x)


@jax.custom_jvp
def gammaincinv(a, p):
    """The ``x`` with ``gammainc(a, x) == p`` (SciPy's ``gammaincinv``), with derivatives in ``a`` and ``p``.

    Examples
    --------
    >>> import jax; jax.config.update("jax_enable_x64", True)
    >>> from rewrax.lower_jax.special_inverse import gammaincinv
    >>> round(float(gammaincinv(2.5, 0.3)), 10)
    1.4999540664
    """
    return _gammaincinv(a, p)


@gammaincinv.defjvp
def _gammaincinv_jvp(primals, tangents):
    a, p = primals
    da, dp = tangents
    x = gammaincinv(a, p)
    inv_pdf = jnp.exp(-((a - 1.0) * jnp.log(x) - x - jss.gammaln(a)))
    dP_da = jax.lax.igamma_grad_a(jnp.broadcast_to(a, jnp.shape(x)).astype(x.dtype), x)
    return x, inv_pdf * (dp - dP_da * da)


def _beta_guess(a, b, p):
    both_big = (a >= 1.0) & (b >= 1.0)
    x_n = -_normal_guess(p)  # NR's sign convention: large p, large x
    al = (x_n**2 - 3.0) / 6.0
    h = 2.0 / (1.0 / (2.0 * a - 1.0) + 1.0 / (2.0 * b - 1.0))
    w = x_n * jnp.sqrt(jnp.abs(al + h)) / h - (1.0 / (2.0 * b - 1.0) - 1.0 / (2.0 * a - 1.0)) * (al + 5.0 / 6.0 - 2.0 / (3.0 * h))
    x_big = a / (a + b * jnp.exp(2.0 * w))
    lna, lnb = jnp.log(a / (a + b)), jnp.log(b / (a + b))
    t, u = jnp.exp(a * lna) / a, jnp.exp(b * lnb) / b
    wt = t + u
    x_small = jnp.where(p < t / wt, jnp.exp(jnp.log(a * wt * p) / a), 1.0 - jnp.exp(jnp.log(b * wt * (1.0 - p)) / b))
    return jnp.clip(jnp.where(both_big, x_big, x_small), 1e-300, 1.0 - 1e-16)


def _betaincinv_lower(a, b, p):
    """Solve ``I_x(a, b) = p`` for a root ``x <= 1/2``."""
    log_norm = -jss.betaln(a, b)
    # the lower-tail asymptote I_x(a, b) ~ x^a / (a B(a, b)) is the better start far in that tail
    tail = jnp.exp((jnp.log(p) + jnp.log(a) - log_norm) / a)
    guess = _beta_guess(a, b, p)
    x0 = jnp.where(tail < 0.1, tail, guess)
    lower = p <= 0.5

    def log_f(x):  # the residual in the tail that holds p: log I_x(a, b), or log(1 - I_x(a, b))
        return jnp.where(lower, jnp.log(jss.betainc(a, b, x)), jnp.log(jss.betainc(b, a, 1.0 - x)))

    def log_pdf(x):
        return (a - 1.0) * jnp.log(x) + (b - 1.0) * jnp.log1p(-x) + log_norm

    return _newton(x0, log_f, log_pdf, jnp.where(lower, jnp.log(p), jnp.log1p(-p)), lower, upper=1.0)


def _betaincinv(a, b, p):
    a, b, p = jnp.broadcast_arrays(jnp.asarray(a, float), jnp.asarray(b, float), jnp.asarray(p, float))
    # where x > 1/2 solve for y = 1 - x with the parameters swapped, I_y(b, a) = 1 - p, so that
    # x near 1 keeps its precision (and x near 0 is never computed as 1 - y)
    upper = p > jss.betainc(a, b, 0.5)
    aa, bb, pp = jnp.where(upper, b, a), jnp.where(upper, a, b), jnp.where(upper, 1.0 - p, p)
    y = _betaincinv_lower(aa, bb, pp)
    x = jnp.where(upper, 1.0 - y, y)
    x = jnp.where(p == 0.0, 0.0, jnp.where(p == 1.0, 1.0, x))
    return jnp.where((p < 0) | (p > 1) | ~(a > 0) | ~(b > 0), jnp.nan, x)


def _d_betainc(a, b, x, which):
    """``d I_x(a, b) / d a`` (which=0) or ``/ d b`` (which=1): Richardson-extrapolated central differences."""
    def f(h):
        return (jss.betainc(a + h, b, x) - jss.betainc(a - h, b, x)) if which == 0 else \
            (jss.betainc(a, b + h, x) - jss.betainc(a, b - h, x))

    h = 1e-3 * jnp.minimum(jnp.maximum(a if which == 0 else b, 1e-2), 1.0)
    d1, d2 = f(h) / (2 * h), f(h / 2) / h
    return (4.0 * d2 - d1) / 3.0


@jax.custom_jvp
def betaincinv(a, b, p):
    """The ``x`` with ``betainc(a, b, x) == p`` (SciPy's ``betaincinv``), with derivatives in ``a``, ``b``, ``p``.

    Examples
    --------
    >>> import jax; jax.config.update("jax_enable_x64", True)
    >>> from rewrax.lower_jax.special_inverse import betaincinv
    >>> round(float(betaincinv(2.0, 3.5, 0.3)), 10)
    0.2421784659
    """
    return _betaincinv(a, b, p)


@betaincinv.defjvp
def _betaincinv_jvp(primals, tangents):
    a, b, p = primals
    da, db, dp = tangents
    x = betaincinv(a, b, p)
    a_, b_ = jnp.broadcast_to(a, jnp.shape(x)).astype(x.dtype), jnp.broadcast_to(b, jnp.shape(x)).astype(x.dtype)
    inv_pdf = jnp.exp(-((a_ - 1.0) * jnp.log(x) + (b_ - 1.0) * jnp.log1p(-x) - jss.betaln(a_, b_)))
    return x, inv_pdf * (dp - _d_betainc(a_, b_, x, 0) * da - _d_betainc(a_, b_, x, 1) * db)
