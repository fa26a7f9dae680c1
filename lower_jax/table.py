"""The lowering table: one JAX implementation per Op class.

An entry is ``impl(node) -> fn(*input_values) -> list of output values``: it may read the
node's static information (props, static shapes) once, and returns the function JAX traces.
Adding an Op = one IR class + one entry here + tests.
"""

from __future__ import annotations

LOWERINGS: dict = {}


def register(*op_classes):
    """Decorator: ``@register(Cholesky)`` over ``def _(node): return lambda a: [...]``."""

    def deco(impl):
        for cls in op_classes:
            LOWERINGS[cls] = impl
        return impl

    return deco


def lowering_for(op):
    for cls in type(op).__mro__:
        if cls in LOWERINGS:
            return LOWERINGS[cls]
    return None


class LoweringError(NotImplementedError):
    """An Op has no JAX implementation, or cannot be compiled with these inputs."""


def lower_node(node):
    impl = lowering_for(node.op)
    if impl is None:
        raise LoweringError(
            f"{node.op} ({type(node.op).__name__}) has no JAX lowering; register one with "
            "rewrax.lower_jax.register"
        )
    return impl(node)
