"""PyTensor's ``pt.special``: softmax, log_softmax, logit and Gamma-function helpers."""

from __future__ import annotations

from rewrax.symbolic import math as _math
from rewrax.symbolic.basic import as_tensor_variable
from rewrax.symbolic.math import betaln, logit  # noqa: F401
from rewrax.symbolic.reduce import log_softmax as _log_softmax, softmax as _softmax

__all__ = ["beta", "betaln", "factorial", "log_softmax", "logit", "poch", "softmax"]


def softmax(c, axis=None):
    """``exp(c) / sum(exp(c))`` over ``axis`` (all axes when ``None``, as PyTensor), without overflow.

    Examples
    --------
    >>> import rewrax.symbolic as pt
    >>> pt.special.softmax([0.0, 0.0]).eval()
    array([0.5, 0.5])
    """
    c = as_tensor_variable(c)
    if axis is None and c.type.ndim > 1:
        return _softmax(c.flatten(), axis=-1).reshape(c.shape)
    return _softmax(c, axis=-1 if axis is None else axis)


def log_softmax(c, axis=None):
    """``c - logsumexp(c)`` over ``axis`` (all axes when ``None``, as PyTensor)."""
    c = as_tensor_variable(c)
    if axis is None and c.type.ndim > 1:
        return _log_softmax(c.flatten(), axis=-1).reshape(c.shape)
    return _log_softmax(c, axis=-1 if axis is None else axis)


def beta(a, b):
    """The Beta function ``gamma(a) gamma(b) / gamma(a + b)``, computed as ``exp(betaln(a, b))``."""
    return _math.exp(betaln(a, b))


def factorial(n):
    """``n!`` as ``gamma(n + 1)`` (defined for real ``n``, as ``scipy.special.factorial(exact=False)``)."""
    return _math.gamma(_math.add(n, 1))


def poch(z, m):
    """The Pochhammer symbol (rising factorial) ``gamma(z + m) / gamma(z)``."""
    zm = _math.add(z, m)
    magnitude = _math.exp(_math.gammaln(zm) - _math.gammaln(z))  # no overflow for large z
    return magnitude * _math.sign(_math.gamma(zm) * _math.gamma(z))
