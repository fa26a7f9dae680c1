"""``Simulator``: a likelihood known only through a simulator (approximate Bayesian computation).

As PyMC's ``pm.Simulator``: ``fn(rng, *params, size)`` simulates data with a NumPy random
generator; the model compares simulated and observed data through a summary statistic
(``sum_stat``) and a distance (``distance``) scaled by ``epsilon``. Only ``rx.sample_smc``
uses it as a likelihood (ABC-SMC); it has no log-density, so NUTS and ``rx.sample`` raise
an error that says so. Prior and posterior predictive draws run ``fn``.
"""

from __future__ import annotations

import contextlib
import threading

import numpy as np

from rewrax.model.distributions.custom import _CustomDist

#: PyMC's distances: ``distance(epsilon, observed summary, simulated summary) -> log-kernel``
DISTANCES = ("gaussian", "laplace")
#: PyMC's summary statistics
SUM_STATS = ("identity", "sort", "mean", "median", "var", "std")


class _Flag(threading.local):
    active = False


_BUILDING_SMC = _Flag()


@contextlib.contextmanager
def building_smc_density():
    """Within: a Simulator's ``logp`` is a placeholder (sample_smc replaces it by its ABC kernel)."""
    before, _BUILDING_SMC.active = _BUILDING_SMC.active, True
    try:
        yield
    finally:
        _BUILDING_SMC.active = before


class SimulatorSpec:
    """What makes a Simulator's pseudo-likelihood: the simulator, summary, distance and scale.

    Carried as the variable's ``logp`` function, which raises: a Simulator has no density.
    """

    def __init__(self, name, fn, distance, sum_stat, epsilon):
        self.name, self.fn, self.distance, self.sum_stat, self.epsilon = name, fn, distance, sum_stat, float(epsilon)

    def __call__(self, value, *params):
        if _BUILDING_SMC.active:
            # sample_smc builds the other terms of the density; this one is never used there
            import rewrax.symbolic as pt

            return pt.zeros_like(value, dtype=value.type.dtype).sum()
        raise NotImplementedError(
            f"Simulator {self.name!r} has no logp; use sample_smc (rx.sample_smc) to sample a model with a "
            "Simulator, or rx.sample_prior_predictive / rx.sample_posterior_predictive to draw from it")


class Simulator:
    """A simulator-based likelihood for approximate Bayesian computation (PyMC's ``pm.Simulator``).

    Parameters
    ----------
    name : str
    fn : callable
        ``fn(rng, *params, size)`` returning simulated data (NumPy) of the observed shape;
        ``rng`` is a ``numpy.random.Generator``.
    *params
        The simulator's parameters (model variables or constants).
    distance : {"gaussian", "laplace"} or callable
        ``"gaussian"``: ``-0.5 * ((obs - sim) / epsilon)**2``; ``"laplace"``:
        ``-|obs - sim| / epsilon``; a callable ``distance(epsilon, obs, sim)`` (JAX-traceable)
        returning the log-kernel, summed over its entries.
    sum_stat : {"identity", "sort", "mean", "median", "var", "std"} or callable
        Summary applied to observed and simulated data before the distance (a callable must
        be JAX-traceable).
    epsilon : float
        Scale of the distance (smaller: closer to the exact posterior, harder to sample).
    observed : array
        The observed data.

    Examples
    --------
    >>> import numpy as np, rewrax as rx
    >>> def sim(rng, mu, size=None):
    ...     return rng.normal(mu, 1.0, size=size)
    >>> with rx.Model() as m:
    ...     mu = rx.Normal("mu", 0, 5)
    ...     s = rx.Simulator("s", sim, mu, sum_stat="mean", epsilon=0.1, observed=np.full(20, 2.0))
    >>> m.observed_RVs[0].name
    's'
    """

    def __new__(cls, name, fn, *params, distance="gaussian", sum_stat="identity", epsilon=1, observed=None,
                **kwargs):
        from rewrax.model.distributions.custom import CustomDist

        params = _params(name, params, kwargs.pop("params", None))
        spec = _spec(name, fn, distance, sum_stat, epsilon)
        if observed is None:
            raise ValueError(f"Simulator {name!r}: observed= is required (the data the simulator is compared to)")
        observed = np.asarray(observed)
        kwargs.setdefault("shape", observed.shape)
        return CustomDist(name, *params, random=_random(fn), logp=spec, observed=observed, class_name="Simulator",
                          **kwargs)

    @classmethod
    def dist(cls, fn, *params, distance="gaussian", sum_stat="identity", epsilon=1, **kwargs):
        params = _params("Simulator", params, kwargs.pop("params", None))
        spec = _spec("Simulator", fn, distance, sum_stat, epsilon)
        return _CustomDist.dist(*params, random=_random(fn), logp=spec, class_name="Simulator", **kwargs)


def _params(name, unnamed, named):
    if named is not None and unnamed:
        raise ValueError(f"Simulator {name!r}: give the parameters positionally or as params=, not both")
    return tuple(named) if named is not None else tuple(unnamed)


def _spec(name, fn, distance, sum_stat, epsilon):
    if not callable(fn):
        raise TypeError(f"Simulator {name!r}: fn must be a callable fn(rng, *params, size), got {fn!r}")
    if not callable(distance) and distance not in DISTANCES:
        raise ValueError(f"Simulator {name!r}: distance must be one of {DISTANCES} or a callable, got {distance!r}"
                         + (" (kullback_leibler is not supported yet)" if distance == "kullback_leibler" else ""))
    if not callable(sum_stat) and sum_stat not in SUM_STATS:
        raise ValueError(f"Simulator {name!r}: sum_stat must be one of {SUM_STATS} or a callable, got {sum_stat!r}")
    if not np.ndim(epsilon) == 0 or not float(epsilon) > 0:
        raise ValueError(f"Simulator {name!r}: epsilon must be a positive number, got {epsilon!r}")
    return SimulatorSpec(name, fn, distance, sum_stat, epsilon)


def _random(fn):
    def random(*params, rng=None, size=None):
        return fn(rng, *params, size=size)

    return random


def simulator_spec(rv):
    """The :class:`SimulatorSpec` of a Simulator variable, or None for any other variable."""
    op = getattr(getattr(rv, "owner", None), "op", None)
    spec = getattr(op, "logp_fn", None)
    return spec if isinstance(spec, SimulatorSpec) else None
