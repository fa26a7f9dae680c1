"""JAX lowering of RandomVariable nodes; the samplers are one entry per RandomVariable class.

A sampler is ``sampler(key, batch_shape, *params, dtype=...) -> draw`` where ``batch_shape`` is
the output shape without the support dimensions; parameters broadcast to it. The samplers
live in ``random_continuous.py``, ``random_discrete.py`` and ``random_multivariate.py``.
"""

from __future__ import annotations

import functools

import jax
import jax.numpy as jnp
import numpy as np

from rewrax.lower_jax.ops import concrete_int
from rewrax.lower_jax.table import register
from rewrax.symbolic.random.op import RandomVariable

SAMPLERS: dict = {}


def sampler(*rv_classes):
    def deco(fn):
        for cls in rv_classes:
            SAMPLERS[cls] = fn
        return fn

    return deco


def sampler_for(op):
    """The JAX sampler registered for ``op``'s class (or a base class), or None."""
    for cls in type(op).__mro__:
        if cls in SAMPLERS:
            return SAMPLERS[cls]
    return None


def _vector_entries(vec, node):
    if isinstance(vec, (np.ndarray, np.generic)):
        return list(np.asarray(vec).reshape(-1))
    n = node.inputs[1].type.shape[0]
    if n == 0:
        return []
    return [vec[i] for i in range(jnp.shape(vec)[0])]


def _float_param(p, dtype):
    p = jnp.asarray(p)
    return p.astype(dtype) if jnp.issubdtype(dtype, jnp.floating) and p.dtype != dtype else p


@register(RandomVariable)
def _random_variable(node):
    op = node.op
    fn = sampler_for(op)
    if fn is None:
        from rewrax.lower_jax.table import LoweringError

        raise LoweringError(f"{op} has no JAX sampler; add one to rewrax.lower_jax.random.SAMPLERS")
    if getattr(fn, "needs_op", False):  # samplers that read op properties (TruncatedRV's base op)
        fn = functools.partial(fn, op=op)
    out_type = node.outputs[1].type
    dtype = out_type.dtype
    float_dtype = dtype if dtype.startswith("float") else "float64"

    def run(key, size, *params):
        key = jnp.asarray(key, dtype=jnp.uint32)
        next_key, sub = jax.random.split(key)
        params = [_float_param(p, float_dtype) for p in params]
        sizes = [concrete_int(s, "size", node) for s in _vector_entries(size, node)]
        if not sizes:
            batch = jnp.broadcast_shapes(*[jnp.shape(p)[: jnp.ndim(p) - n] for p, n in zip(params, op.ndims_params)]) if params else ()
        else:
            batch = tuple(sizes)
        draw = fn(sub, tuple(batch), *params, dtype=jnp.dtype(float_dtype))
        return [next_key, jnp.asarray(draw).astype(dtype)]

    return run


# the samplers register themselves on import
from rewrax.lower_jax import random_continuous, random_discrete, random_multivariate  # noqa: E402,F401
