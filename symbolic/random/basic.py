"""Random variables with NumPy's names and parameterisations: ``pt.random.normal(loc, scale)``.

Each RandomVariable is a small class (name, signature, dtype); each has a function that
builds it. Its JAX sampler lives in ``rewrax.lower_jax.random``.
"""

from __future__ import annotations

from rewrax.symbolic.random.op import RandomVariable, make_rv


class NormalRV(RandomVariable):
    name, signature = "normal", "(),()->()"


class UniformRV(RandomVariable):
    name, signature = "uniform", "(),()->()"


def normal(loc=0.0, scale=1.0, size=None, rng=None, name=None, dtype=None):
    """Draws from a normal distribution with mean ``loc`` and standard deviation ``scale``.

    Examples
    --------
    >>> import rewrax.symbolic as pt
    >>> y = pt.random.normal(0, 1, name="y")
    >>> y.type
    TensorType(float64, shape=())
    """
    return make_rv(NormalRV(dtype), loc, scale, size=size, rng=rng, name=name)


def uniform(low=0.0, high=1.0, size=None, rng=None, name=None, dtype=None):
    """Draws from a uniform distribution on ``[low, high)``."""
    return make_rv(UniformRV(dtype), low, high, size=size, rng=rng, name=name)
