"""Graph -> one Python function of JAX calls (an ``eval_jaxpr``-style loop over Apply nodes).

Integer results computed only from values known at trace time (shapes, constants) stay
concrete NumPy values, so ``reshape(x, x.shape[0] * 2)`` gets a static shape as JAX needs.
"""

from __future__ import annotations

import jax.numpy as jnp
import numpy as np

from rewrax.lower_jax.table import LoweringError, lower_node
from rewrax.symbolic.check import Check
from rewrax.symbolic.graph import io_toposort
from rewrax.symbolic.variable import Constant, SharedVariable


def _is_concrete(value) -> bool:
    return isinstance(value, (np.ndarray, np.generic))


def _fold_concrete(node, values) -> bool:
    if not node.op.has_perform or not all(_is_concrete(v) for v in values):
        return False
    return all(getattr(o.type, "dtype", "") in ("bool", "int8", "int16", "int32", "int64", "uint8", "uint32", "uint64")
               for o in node.outputs) and all(np.size(v) <= 4096 for v in values)


def _raised_by_rewrax(exc) -> bool:
    tb = exc.__traceback__
    while tb.tb_next is not None:
        tb = tb.tb_next
    return tb.tb_frame.f_globals.get("__name__", "").startswith("rewrax.")


def _apply(node, impl, args):
    """Run one lowering; a JAX error about shapes gets the node and input shapes added."""
    try:
        return impl(*args)
    except (TypeError, ValueError, IndexError) as exc:
        # JAX's own messages ("dot_general requires contracting dimensions ...") do not say
        # which node of the user's graph failed; rewrax's messages already do.
        if type(exc) not in (TypeError, ValueError, IndexError) or _raised_by_rewrax(exc):
            raise
        inputs = ", ".join(str(i) for i in node.inputs)
        shapes = ", ".join(str(tuple(np.shape(a))) for a in args)
        raise type(exc)(f"{node.op} applied to ({inputs}) with input shapes {shapes}: {exc}") from exc


def graph_fn(inputs, outputs, collect_checks=False, order=None):
    """A function ``fn(*input_values) -> list of output values`` running JAX on the graph.

    With ``collect_checks``, ``fn`` returns ``(outputs, flags)``: one boolean per ``Check``
    node (true when its conditions hold), and ``fn.check_messages`` names them. ``order`` is
    ``io_toposort(inputs, outputs)`` when the caller has it already.
    """
    order = io_toposort(inputs, outputs) if order is None else order
    steps = []
    for node in order:
        try:
            steps.append((node, lower_node(node)))
        except LoweringError:
            raise
        except Exception as exc:  # a bad node: say which
            raise LoweringError(f"cannot lower {node.op} applied to {node.inputs}: {exc}") from exc
    input_ids = [id(i) for i in inputs]

    def read(env, var):
        key = id(var)
        if key in env:
            return env[key]
        if isinstance(var, Constant):
            return var.data
        if isinstance(var, SharedVariable):
            raise LoweringError(f"the shared variable {var} must be an input of the lowered function")
        raise LoweringError(f"no value for {var}: it is not an input of the function")

    check_messages = [node.op.msg for node, _ in steps if isinstance(node.op, Check)]

    def fn(*values):
        env = dict(zip(input_ids, values))
        flags = []
        for node, impl in steps:
            args = [read(env, i) for i in node.inputs]
            if isinstance(node.op, Check):
                flags.append(jnp.all(jnp.stack([jnp.all(c) for c in args[1:]])) if len(args) > 1 else jnp.bool_(True))
            if _fold_concrete(node, args):
                results = node.op.perform(node, [np.asarray(a) for a in args])
                results = [np.asarray(r, dtype=o.type.dtype) for r, o in zip(results, node.outputs)]
            else:
                results = _apply(node, impl, args)
            for out, value in zip(node.outputs, results):
                env[id(out)] = value
        results = [read(env, o) for o in outputs]
        return (results, flags) if collect_checks else results

    fn.check_messages = check_messages
    return fn
