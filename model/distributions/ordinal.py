"""Ordinal regression: OrderedLogistic, OrderedProbit (Categorical) and OrderedMultinomial.

As in PyMC, each builds the category probabilities ``p`` from a predictor ``eta`` and the
``K - 1`` increasing ``cutpoints`` and returns a ``Categorical`` (``Multinomial``) variable;
``compute_p=True`` stores ``p`` as the deterministic ``<name>_probs``. The log-probabilities
are computed in log space (``log(sigmoid(x) - sigmoid(y))`` exactly, normal CDF differences
by ``log_ndtr_diff``) and ``p = softmax(log p)``, so the Categorical density reads them back
through ``log_softmax``: categories whose probability underflows keep an accurate log-density.
"""

from __future__ import annotations

import numpy as np

import rewrax.symbolic as pt
from rewrax.model.distributions.discrete import Categorical
from rewrax.model.distributions.multivariate import Multinomial
from rewrax.model.distributions.params import constant_data
from rewrax.model.logprob.math import log_ndtr_diff, log_sigmoid_diff, standardize
from rewrax.symbolic.check import Check


def _checked_cutpoints(cutpoints, what):
    cutpoints = pt.as_tensor_variable(cutpoints)
    if cutpoints.type.ndim == 0:
        raise ValueError(f"{what}: cutpoints must have a last axis of K - 1 cut points, got a scalar")
    data = constant_data(cutpoints)
    if data is not None and np.any(np.diff(data, axis=-1) < 0):
        raise ValueError(f"{what}: cutpoints must be increasing along the last axis, got {data.tolist()}")
    return cutpoints


def _guard(log_p, cutpoints, what):
    """``log_p`` behind a check that names the variable (a -inf density in compiled models)."""
    increasing = pt.all(cutpoints[..., 1:] >= cutpoints[..., :-1])
    return Check(f"{what}: cutpoints must be increasing")(log_p, increasing)


def ordered_logistic_log_p(eta, cutpoints):
    """``log p`` of the K categories: ``p_k = sigmoid(c_k - eta) - sigmoid(c_{k-1} - eta)``."""
    eta = pt.expand_dims(pt.as_tensor_variable(eta), -1)
    x = cutpoints - eta
    first = -pt.softplus(-x[..., :1])
    last = -pt.softplus(x[..., -1:])
    middle = log_sigmoid_diff(x[..., 1:], x[..., :-1])
    return pt.concatenate([first, middle, last], axis=-1)


def ordered_probit_log_p(eta, cutpoints, sigma=1.0):
    """``log p`` of the K categories: ``p_k = Phi((c_k - eta) / sigma) - Phi((c_{k-1} - eta) / sigma)``."""
    eta = pt.expand_dims(pt.as_tensor_variable(eta), -1)
    sigma = pt.expand_dims(pt.as_tensor_variable(sigma), -1)
    z = standardize(cutpoints, eta, sigma)
    lo = pt.concatenate([pt.full_like(z[..., :1], -np.inf), z], axis=-1)
    hi = pt.concatenate([z, pt.full_like(z[..., :1], np.inf)], axis=-1)
    return log_ndtr_diff(lo, hi)


class OrderedLogistic:
    """Ordered logistic regression: a Categorical over K categories from ``eta`` and K - 1 cutpoints.

    Examples
    --------
    >>> import numpy as np, rewrax as rx
    >>> y = rx.OrderedLogistic.dist(eta=0.0, cutpoints=[-1.0, 1.0])
    >>> np.round(np.exp(rx.logp(y, np.arange(3)).eval()), 4)
    array([0.2689, 0.4621, 0.2689])
    """

    def __new__(cls, name, eta, cutpoints, compute_p=True, **kwargs):
        from rewrax.model.core import Deterministic

        p = cls.compute_p(eta, cutpoints, what=f"OrderedLogistic {name!r}")
        if compute_p:
            p = Deterministic(f"{name}_probs", p)
        return Categorical(name, p=p, **kwargs)

    @classmethod
    def dist(cls, eta, cutpoints, **kwargs):
        return Categorical.dist(p=cls.compute_p(eta, cutpoints), **kwargs)

    @classmethod
    def compute_p(cls, eta, cutpoints, what="OrderedLogistic"):
        cutpoints = _checked_cutpoints(cutpoints, what)
        return pt.softmax(_guard(ordered_logistic_log_p(eta, cutpoints), cutpoints, what), axis=-1)


class OrderedProbit:
    """Ordered probit regression: a Categorical over K categories from ``eta``, cutpoints and ``sigma``.

    Examples
    --------
    >>> import numpy as np, rewrax as rx
    >>> y = rx.OrderedProbit.dist(eta=0.0, cutpoints=[0.0])
    >>> np.round(np.exp(rx.logp(y, np.arange(2)).eval()), 4)
    array([0.5, 0.5])
    """

    def __new__(cls, name, eta, cutpoints, sigma=1, compute_p=True, **kwargs):
        from rewrax.model.core import Deterministic

        p = cls.compute_p(eta, cutpoints, sigma, what=f"OrderedProbit {name!r}")
        if compute_p:
            p = Deterministic(f"{name}_probs", p)
        return Categorical(name, p=p, **kwargs)

    @classmethod
    def dist(cls, eta, cutpoints, sigma=1, **kwargs):
        return Categorical.dist(p=cls.compute_p(eta, cutpoints, sigma), **kwargs)

    @classmethod
    def compute_p(cls, eta, cutpoints, sigma=1, what="OrderedProbit"):
        cutpoints = _checked_cutpoints(cutpoints, what)
        return pt.softmax(_guard(ordered_probit_log_p(eta, cutpoints, sigma), cutpoints, what), axis=-1)


class OrderedMultinomial:
    """Counts of ``n`` ordinal outcomes with OrderedLogistic probabilities (a Multinomial).

    Examples
    --------
    >>> import numpy as np, rewrax as rx
    >>> y = rx.OrderedMultinomial.dist(eta=0.0, cutpoints=[-1.0, 1.0], n=10)
    >>> y.type.shape
    (3,)
    """

    def __new__(cls, name, eta, cutpoints, n, compute_p=True, **kwargs):
        from rewrax.model.core import Deterministic

        p = OrderedLogistic.compute_p(eta, cutpoints, what=f"OrderedMultinomial {name!r}")
        out = Multinomial(name, n=n, p=p, **kwargs)
        if compute_p:
            Deterministic(f"{name}_probs", p, dims=kwargs.get("dims"))
        return out

    @classmethod
    def dist(cls, eta, cutpoints, n, **kwargs):
        return Multinomial.dist(n=n, p=OrderedLogistic.compute_p(eta, cutpoints), **kwargs)
