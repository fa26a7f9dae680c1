"""JAX lowerings of ``pt.extra_ops``' own Ops: ``SearchSorted`` and ``Unique``."""

from __future__ import annotations

import jax.numpy as jnp
import numpy as np

from rewrax.lower_jax.table import LoweringError, register
from rewrax.symbolic import extra_ops


@register(extra_ops.SearchSorted)
def _searchsorted(node):
    side = node.op.side
    return lambda x, v: [jnp.searchsorted(x, v, side=side).astype("int64")]


@register(extra_ops.Unique)
def _unique(node):
    op = node.op

    def fn(x):
        if not isinstance(x, (np.ndarray, np.generic)):
            raise LoweringError(
                f"{op}: the number of unique values of {node.inputs[0]} depends on its run-time values, "
                "which JAX cannot compile; pass the values as a constant or compute unique in NumPy first"
            )
        return op.perform(node, [np.asarray(x)])

    return fn
