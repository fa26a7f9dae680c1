"""``pm.logprob``: log-densities of random variables (``logp``, ``logcdf``, ``logccdf``, ``icdf``, ...)."""

import rewrax.symbolic as pt
from rewrax.model import logprob as _logprob
from rewrax.model.logprob import conditional_logp, icdf, logcdf, logp  # noqa: F401

__all__ = ["conditional_logp", "icdf", "logccdf", "logcdf", "logp"]


def logccdf(rv, value, **kwargs):
    """``log(1 - CDF(value))`` of ``rv``: ``log1mexp(logcdf)`` (PyMC's fallback), or the model layer's own.

    Examples
    --------
    >>> import numpy as np, rewrax as pm
    >>> print(f"{float(pm.logccdf(pm.Normal.dist(0, 1), 0.0).eval()):.6f}")
    -0.693147
    """
    own = getattr(_logprob, "logccdf", None)
    if own is not None:
        return own(rv, value, **kwargs)
    return pt.log1mexp(logcdf(rv, value, **kwargs))
