"""Hurdle distributions: zero with probability ``1 - psi``, else a draw of a truncated distribution.

As in PyMC, each is a ``Mixture`` of ``DiracDelta(0)`` and the non-zero distribution truncated
to ``[1, inf)`` (counts) or ``[eps, inf)`` (continuous): the continuous ones put a point mass at
exactly 0, so their density mixes a mass at 0 with a density elsewhere.
"""

from __future__ import annotations

import numpy as np

import rewrax.symbolic as pt
from rewrax.model.distributions.continuous import Gamma, LogNormal
from rewrax.model.distributions.discrete import DiracDelta, NegativeBinomial, Poisson
from rewrax.model.distributions.wrappers import Mixture, Truncated
from rewrax.symbolic.random.discrete import DiracDeltaRV
from rewrax.symbolic.random.op import make_rv

_EPS = float(np.finfo("float64").eps)


def _hurdle(name, psi, nonzero_dist, discrete, **kwargs):
    psi = pt.as_tensor_variable(psi)
    weights = pt.stack([1 - psi, psi], axis=-1)
    # an integer point mass next to integer counts: the Mixture then stacks them without a cast
    zero = make_rv(DiracDeltaRV("int64"), 0) if discrete else DiracDelta.dist(0.0)
    comps = [zero, Truncated.dist(nonzero_dist, lower=1 if discrete else _EPS)]
    if name is None:
        return Mixture.dist(weights, comps, **kwargs)
    return Mixture(name, weights, comps, **kwargs)


class HurdlePoisson:
    """0 with probability ``1 - psi``, else Poisson(mu) conditioned on being positive.

    Examples
    --------
    >>> import numpy as np, rewrax as rx
    >>> y = rx.HurdlePoisson.dist(psi=0.3, mu=2.0)
    >>> round(float(np.exp(rx.logp(y, 0).eval())), 6)
    0.7
    """

    def __new__(cls, name, psi, mu, **kwargs):
        return _hurdle(name, psi, Poisson.dist(mu=mu), True, **kwargs)

    @classmethod
    def dist(cls, psi, mu, **kwargs):
        return _hurdle(None, psi, Poisson.dist(mu=mu), True, **kwargs)


class HurdleNegativeBinomial:
    """0 with probability ``1 - psi``, else NegativeBinomial (``mu, alpha`` or ``p, n``) above 0."""

    def __new__(cls, name, psi, mu=None, alpha=None, p=None, n=None, **kwargs):
        return _hurdle(name, psi, NegativeBinomial.dist(mu=mu, alpha=alpha, p=p, n=n), True, **kwargs)

    @classmethod
    def dist(cls, psi, mu=None, alpha=None, p=None, n=None, **kwargs):
        return _hurdle(None, psi, NegativeBinomial.dist(mu=mu, alpha=alpha, p=p, n=n), True, **kwargs)


class HurdleGamma:
    """0 with probability ``1 - psi``, else Gamma (``alpha, beta`` or ``mu, sigma``)."""

    def __new__(cls, name, psi, alpha=None, beta=None, mu=None, sigma=None, **kwargs):
        return _hurdle(name, psi, Gamma.dist(alpha=alpha, beta=beta, mu=mu, sigma=sigma), False, **kwargs)

    @classmethod
    def dist(cls, psi, alpha=None, beta=None, mu=None, sigma=None, **kwargs):
        return _hurdle(None, psi, Gamma.dist(alpha=alpha, beta=beta, mu=mu, sigma=sigma), False, **kwargs)


class HurdleLogNormal:
    """0 with probability ``1 - psi``, else LogNormal(mu, sigma)."""

    def __new__(cls, name, psi, mu=0, sigma=None, tau=None, **kwargs):
        return _hurdle(name, psi, LogNormal.dist(mu=mu, sigma=sigma, tau=tau), False, **kwargs)

    @classmethod
    def dist(cls, psi, mu=0, sigma=None, tau=None, **kwargs):
        return _hurdle(None, psi, LogNormal.dist(mu=mu, sigma=sigma, tau=tau), False, **kwargs)
