"""``pm.func_utils``: ``find_constrained_prior``, parameters that put a given mass between two bounds."""

from __future__ import annotations

import warnings

import numpy as np
import scipy.optimize

__all__ = ["find_constrained_prior"]


def find_constrained_prior(distribution, lower, upper, init_guess, mass=0.95, fixed_params=None,
                           mass_below_lower=None, **kwargs):
    """The parameters of ``distribution`` for which ``mass`` of it lies in ``[lower, upper]``.

    The free parameters are those in ``init_guess`` (``{name: start}``); ``fixed_params`` are
    held; ``mass_below_lower`` also pins the mass below ``lower`` (so three conditions can
    determine three parameters). As in PyMC, SciPy's SLSQP
    minimises the squared error of the mass from the guess.

    Examples
    --------
    >>> import rewrax as pm
    >>> p = pm.find_constrained_prior(pm.Gamma, lower=0.1, upper=0.4, mass=0.75,
    ...                               init_guess={"alpha": 1.0, "beta": 10.0})
    >>> sorted(p)
    ['alpha', 'beta']
    """
    from rewrax.lower_jax import function
    from rewrax.model import logcdf
    import rewrax.symbolic as pt

    if not 0.01 <= mass <= 0.99:
        raise AssertionError("This function optimizes the mass of the given distribution +/- 1%, so `mass` "
                             "has to be between 0.01 and 0.99.")
    fixed_params = dict(fixed_params or {})
    names = list(init_guess)
    params = [pt.scalar(n) for n in names]
    dist = distribution.dist(**dict(zip(names, params)), **fixed_params)
    cdf_lower = pt.exp(logcdf(dist, lower))
    cdf_upper = pt.exp(logcdf(dist, upper))
    error = (cdf_upper - cdf_lower - mass) ** 2
    if mass_below_lower is not None:
        error = error + (cdf_lower - mass_below_lower) ** 2
    from rewrax.symbolic.op import NotDifferentiableError

    try:  # the exact gradient where the CDF has one in its parameters, else SciPy's finite differences
        f = function(params, [error, *pt.grad(error, params)])
        fun, jac = (lambda x: (lambda e, *g: (float(e), np.asarray(g, dtype=float)))(*f(*x))), True
    except NotDifferentiableError:
        f = function(params, error)
        fun, jac = (lambda x: float(f(*x))), None
    opt = scipy.optimize.minimize(fun, x0=np.array(list(init_guess.values()), dtype=float), jac=jac,
                                  method="SLSQP", **kwargs)
    if not opt.success or opt.fun > 1e-4:
        raise ValueError(f"Optimization of parameters failed.\nOptimization termination details:\n{opt}")
    found = dict(zip(names, opt.x))
    check = float(np.exp(function([], logcdf(distribution.dist(**found, **fixed_params), upper))()) -
                  np.exp(function([], logcdf(distribution.dist(**found, **fixed_params), lower))()))
    if abs(check - mass) >= 0.01:
        warnings.warn(f"Final optimization has {check * 100:.0f}% of probability mass between {lower} and {upper} "
                      f"instead of the requested {mass * 100:.0f}%.\nYou may need to use a more flexible "
                      "distribution, change the fixed parameters in the `fixed_params` dictionary, or provide "
                      "better initial guesses.", stacklevel=2)
    return found | fixed_params
