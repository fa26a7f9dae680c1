"""The inverse incomplete gamma / beta functions as graph operations (their JAX code is in lower_jax)."""

from rewrax.lower_jax import special_inverse as _jax
from rewrax.lower_jax.wrap import wrap_jax

#: ``x`` with ``gammainc(a, x) == p``, elementwise on symbolic variables
gammaincinv = wrap_jax(_jax.gammaincinv, name="gammaincinv")
#: ``x`` with ``betainc(a, b, x) == p``, elementwise on symbolic variables
betaincinv = wrap_jax(_jax.betaincinv, name="betaincinv")
