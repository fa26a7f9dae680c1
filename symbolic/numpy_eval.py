"""Evaluate a graph with the Ops' NumPy reference implementations (constant folding, tests)."""

from __future__ import annotations

import numpy as np

from rewrax.symbolic.graph import io_toposort
from rewrax.symbolic.variable import Constant, SharedVariable


def evaluate_numpy(outputs, givens=None):
    """Values of ``outputs`` computed with ``Op.perform``, given ``{variable: value}``."""
    env = {id(k): v for k, v in (givens or {}).items()}
    order = io_toposort([k for k in (givens or {})], outputs)

    def value(var):
        if id(var) in env:
            return env[id(var)]
        if isinstance(var, Constant):
            return var.data
        if isinstance(var, SharedVariable):
            return var.get_value(borrow=True)
        raise ValueError(f"evaluate_numpy: no value for the input {var}")

    for node in order:
        results = node.op.perform(node, [np.asarray(value(i)) if hasattr(i.type, "ndim") else value(i)
                                         for i in node.inputs])
        for out, r in zip(node.outputs, results):
            env[id(out)] = r
    return [value(o) for o in outputs]
