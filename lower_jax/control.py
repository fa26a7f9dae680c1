"""Lowerings of Ops built from other Ops: Blockwise (vmap), VJP (jax.vjp), IfElse (lax.cond)
and Scan (lax.scan)."""

from __future__ import annotations

import jax
import jax.numpy as jnp
import numpy as np

from rewrax.lower_jax.interpret import graph_fn
from rewrax.lower_jax.ops import concrete_int
from rewrax.lower_jax.table import register, lower_node
from rewrax.symbolic.blockwise import Blockwise
from rewrax.symbolic.control import IfElse, Scan
from rewrax.symbolic.vjp import VJP, _differentiable


@register(Blockwise)
def _blockwise(node):
    op = node.op
    core = op.core_node(node.inputs)
    core_fn = lower_node(core)
    nb = node.outputs[0].type.ndim - core.outputs[0].type.ndim
    core_ranks = [o.type.ndim for o in core.outputs]

    def fn(*xs):
        args, axes, batch_shapes = [], [], []
        for x, n in zip(xs, op.core_ndims):
            if np.ndim(x) == n:  # not batched: passed as it is (static values stay static)
                args.append(x)
                axes.append([None] * nb)
                continue
            x = jnp.asarray(x)
            x = jnp.reshape(x, (1,) * (nb - (x.ndim - n)) + x.shape)
            batch_shapes.append(x.shape[:nb])
            ax = [0 if x.shape[k] != 1 else None for k in range(nb)]
            args.append(jnp.reshape(x, tuple(d for k, d in enumerate(x.shape) if k >= nb or ax[k] is not None)))
            axes.append(ax)
        f = lambda *a: tuple(core_fn(*a))  # noqa: E731
        for level in reversed(range(nb)):
            f = _map_level(f, tuple(ax[level] for ax in axes))
        batch = jnp.broadcast_shapes(*batch_shapes) if batch_shapes else (1,) * nb
        return [jnp.broadcast_to(o, batch + o.shape[o.ndim - r:]) for o, r in zip(f(*args), core_ranks)]

    return fn


def _map_level(f, in_axes):
    """``vmap`` over one batch level; a level where every input broadcasts gets a size-1 axis."""
    if all(a is None for a in in_axes):
        return lambda *a: tuple(jnp.expand_dims(jnp.asarray(o), 0) for o in f(*a))
    return jax.vmap(f, in_axes=in_axes)


@register(VJP)
def _vjp(node):
    op = node.op
    fwd = op.fwd_node(node.inputs)
    fwd_fn = lower_node(fwd)
    diff = [i for i, inp in enumerate(fwd.inputs) if _differentiable(inp)]
    float_outs = [k for k, o in enumerate(fwd.outputs) if _differentiable(o)]

    def fn(*args):
        ins, cots = list(args[: op.n_in]), args[op.n_in:]

        def f(*diff_vals):
            full = list(ins)
            for i, v in zip(diff, diff_vals):
                full[i] = v
            outs = fwd_fn(*full)
            return [outs[k] for k in float_outs]

        primals = [jnp.asarray(ins[i], dtype=fwd.inputs[i].type.dtype) for i in diff]
        outs, pull = jax.vjp(f, *primals)
        cot = [jnp.asarray(cots[k], dtype=o.dtype) for k, o in zip(float_outs, outs)]
        return list(pull(cot))

    return fn


@register(IfElse)
def _ifelse(node):
    op = node.op
    then_fn = graph_fn(op.inner_inputs, op.then_outputs)
    else_fn = graph_fn(op.inner_inputs, op.else_outputs)
    dtypes = [o.type.dtype for o in node.outputs]

    def run(branch, vals):
        return tuple(jnp.asarray(v, dtype=d) for v, d in zip(branch(*vals), dtypes))

    def fn(cond, *vals):
        if isinstance(cond, (np.ndarray, np.generic)):
            return list(run(then_fn if bool(cond) else else_fn, vals))
        _check_same_shapes(node, jax.eval_shape(lambda v: run(then_fn, v), tuple(vals)),
                           jax.eval_shape(lambda v: run(else_fn, v), tuple(vals)))
        return list(jax.lax.cond(cond, lambda v: run(then_fn, v), lambda v: run(else_fn, v), tuple(vals)))

    return fn


def _check_same_shapes(node, then_shapes, else_shapes):
    for k, (t, e) in enumerate(zip(then_shapes, else_shapes)):
        if t.shape != e.shape:
            raise ValueError(
                f"{node.op}: output {k} has shape {t.shape} in the then-branch and {e.shape} in the else-branch; "
                "with a condition known only at run time JAX (lax.cond) needs both branches to have one shape "
                "(use pt.switch on equal shapes, or pad)"
            )


@register(Scan)
def _scan(node):
    op = node.op
    inner = graph_fn(op.inner_inputs, op.inner_outputs)
    n_states = len(op.taps)
    dtypes = [o.type.dtype for o in op.inner_outputs]

    def fn(n_steps, *rest):
        length = concrete_int(n_steps, "the number of scan steps", node)
        seqs, inits, nonseqs = op.split(list(rest))
        seqs = [jnp.asarray(s)[:length] for s in seqs]
        windows = tuple(jnp.asarray(i)[None] if t == (-1,) else jnp.asarray(i) for i, t in zip(inits, op.taps))

        def step(carry, xs):
            past = [w[w.shape[0] + tap] for w, taps in zip(carry, op.taps) for tap in taps]
            outs = inner(*xs, *past, *nonseqs)
            outs = [jnp.asarray(o, dtype=d) for o, d in zip(outs, dtypes)]
            new = tuple(jnp.concatenate([w[1:], o[None]], axis=0) for w, o in zip(carry, outs[:n_states]))
            return new, tuple(outs)

        if length == 0:
            final, ys = windows, [jnp.zeros((0, *o.type.shape), dtype=o.type.dtype) for o in op.inner_outputs]
        else:
            final, ys = jax.lax.scan(step, windows, tuple(seqs), length=length)
        return [jnp.asarray(final[k][-1], dtype=dtypes[k]) if k < n_states and op.final_only[k] else y
                for k, y in enumerate(ys)]

    return fn
