"""Parameter helpers shared by the distributions (alternative parameterizations, icdf bounds)."""

from __future__ import annotations

import numpy as np

import rewrax.symbolic as pt
from rewrax.symbolic.variable import Constant, Variable


def get_tau_sigma(tau=None, sigma=None):
    """``(tau, sigma)`` from one of precision ``tau`` or scale ``sigma`` (default ``sigma = 1``).

    Examples
    --------
    >>> from rewrax.model.distributions.params import get_tau_sigma
    >>> get_tau_sigma(sigma=2.0)
    (0.25, 2.0)
    """
    if tau is not None and sigma is not None:
        raise ValueError("Can't pass both tau and sigma")
    if tau is None and sigma is None:
        return 1.0, 1.0
    if tau is None:
        tau = pt.pow(sigma, -2.0) if isinstance(sigma, Variable) else 1.0 / np.asarray(sigma, dtype=float) ** 2
        return _plain(tau), sigma
    sigma = pt.pow(tau, -0.5) if isinstance(tau, Variable) else np.asarray(tau, dtype=float) ** -0.5
    return tau, _plain(sigma)


def _plain(x):
    if isinstance(x, (np.ndarray, np.generic)) and np.ndim(x) == 0:
        return float(x)
    return x


def icdf_bound(expr, value):
    """``expr`` where the probability ``value`` lies in ``[0, 1]``, else NaN (PyMC's convention)."""
    return pt.switch(pt.or_(value < 0, value > 1), np.nan, expr)


def constant_data(var):
    """The value of ``var`` if it is a constant (or a number), else None."""
    if isinstance(var, Constant):
        return np.asarray(var.data)
    if isinstance(var, Variable):
        return None
    return np.asarray(var)


def is_constant_value(var, value) -> bool:
    """Whether ``var`` is a constant whose entries all equal ``value``."""
    data = constant_data(var)
    return data is not None and bool(np.all(data == value))
