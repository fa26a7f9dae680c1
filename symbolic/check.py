"""``Check``: pass a value through when conditions hold, else fail with a clear message.

``Check{sigma > 0}(logp, sigma > 0)`` is how log-densities guard their parameters. A
compiled function raises ``ParameterValueError("sigma > 0")`` when a check fails; the
densities that samplers use replace checks by ``switch(cond, value, -inf)`` instead (the
model layer does that rewrite), so a sampler rejects the point rather than stopping.
"""

from __future__ import annotations

import numpy as np

from rewrax.symbolic.basic import as_tensor_variable
from rewrax.symbolic.op import Op
from rewrax.symbolic.variable import Apply


class ParameterValueError(ValueError):
    """A parameter check (``Check{...}``) failed when a graph was evaluated."""


class Check(Op):
    """Output ``value`` if every condition input is true; prints as ``Check{msg}``."""

    __props__ = ("msg",)

    def __init__(self, msg: str):
        self.msg = str(msg)

    def __str__(self):
        return f"Check{{{self.msg}}}"

    def make_node(self, value, *conds):
        value = as_tensor_variable(value)
        conds = [as_tensor_variable(c) for c in conds]
        for c in conds:
            if c.type.dtype != "bool":
                raise TypeError(f"{self}: conditions must be boolean, got {c} of type {c.type}")
        return Apply(self, [value, *conds], [value.type.make_variable()])

    def perform(self, node, inputs):
        value, *conds = inputs
        if not all(np.all(c) for c in conds):
            raise ParameterValueError(self.msg)
        return [np.asarray(value)]

    def pullback(self, inputs, outputs, output_grads):
        return [output_grads[0]] + [None] * (len(inputs) - 1)

    def vectorize(self, node, batched_inputs):
        return [self(*batched_inputs)]


def check(value, *conds, msg: str):
    """``value``, guarded by boolean ``conds`` (reduced with ``all``)."""
    from rewrax.symbolic.reduce import all as all_

    reduced = [all_(as_tensor_variable(c)) if as_tensor_variable(c).type.ndim else as_tensor_variable(c) for c in conds]
    return Check(msg)(value, *reduced)
