"""``pm.sampling``: ``sample`` and the predictive samplers; ``pm.sampling.jax`` has PyMC's JAX entry points."""

from rewrax.model import sample_posterior_predictive, sample_prior_predictive  # noqa: F401
from rewrax.samplers import sample  # noqa: F401
from rewrax.sampling import jax  # noqa: F401

__all__ = ["sample", "sample_posterior_predictive", "sample_prior_predictive", "jax"]
