"""``pm.tuning``: Hessians and scalings at a point (``find_hessian``, ``guess_scaling``), ``trace_cov``."""

from __future__ import annotations

import numpy as np

from rewrax.model import modelcontext
from rewrax.model_core import Point
from rewrax.samplers import find_MAP  # noqa: F401

__all__ = ["find_MAP", "find_hessian", "find_hessian_diag", "guess_scaling", "trace_cov"]


def find_hessian(point, vars=None, model=None, negate_output=True):
    """The Hessian of the model's log-density at ``point`` (negated by default: the precision, as PyMC)."""
    model = modelcontext(model)
    return np.asarray(model.compile_d2logp(vars=vars, negate_output=negate_output)(
        Point(point, filter_model_vars=True, model=model)))


def find_hessian_diag(point, vars=None, model=None, negate_output=True):
    """The diagonal of :func:`find_hessian`."""
    return np.diag(find_hessian(point, vars, model, negate_output)).copy()


def guess_scaling(point, vars=None, model=None, scaling_bound=1e-8):
    """A diagonal precision for a step method: ``-diag(Hessian)`` with magnitudes clipped to the bounds."""
    h = -find_hessian_diag(point, vars, model=model, negate_output=False)
    mag = np.sqrt(np.abs(h))
    bounded = np.clip(np.log(mag), np.log(scaling_bound), np.log(1.0 / scaling_bound))
    return np.exp(bounded) ** 2


def trace_cov(trace, vars=None, model=None):
    """The covariance of the posterior draws of ``vars`` (free variables by default), flattened and joined.

    ``trace`` is InferenceData (its posterior, chains stacked), a dict of draw arrays, or a MultiTrace.
    """
    model = modelcontext(model) if model is not None or vars is None else None
    names = [v if isinstance(v, str) else v.name for v in (vars or model.free_RVs)]
    posterior = trace.posterior if hasattr(trace, "posterior") else trace

    def flat(name):
        x = np.asarray(posterior[name])
        if hasattr(trace, "posterior"):
            x = x.reshape((-1,) + x.shape[2:])
        return x.reshape((x.shape[0], -1))

    return np.cov(np.concatenate([flat(n) for n in names], axis=1).T)
