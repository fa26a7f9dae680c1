"""64-bit types without touching JAX's global configuration.

rewrax computes in float64 by default (as PyMC). When JAX's ``jax_enable_x64`` flag is off,
compiled functions that need 64-bit types are traced and called inside
``jax.enable_x64(True)``; rewrax never flips the global flag itself.
"""

from __future__ import annotations

import jax

_WIDE = ("float64", "int64", "uint64", "complex128")


def needs_x64(variables) -> bool:
    """Whether any variable in the graphs of ``variables`` has a 64-bit dtype."""
    from rewrax.symbolic.graph import ancestors

    return any(getattr(v.type, "dtype", None) in _WIDE for v in ancestors(variables))


def call_with_x64(needed: bool, fn, *args):
    if needed and not jax.config.jax_enable_x64:
        with jax.enable_x64(True):
            return fn(*args)
    return fn(*args)
