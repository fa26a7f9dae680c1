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

    def fn(*xs):
        xs = [jnp.asarray(x) for x in xs]
        padded, axes = [], []
        for x, n in zip(xs, op.core_ndims):
            x = jnp.reshape(x, (1,) * (nb - (x.ndim - n)) + x.shape)
            axes.append([0 if x.shape[k] != 1 else None for k in range(nb)])
            padded.append(x)
        squeezed = [jnp.reshape(x, tuple(d for k, d in enumerate(x.shape) if k >= nb or ax[k] is not None))
                    for x, ax in zip(padded, axes)]
        f = lambda *args: tuple(core_fn(*args))  # noqa: E731
        for level in reversed(range(nb)):
            f = jax.vmap(f, in_axes=tuple(ax[level] for ax in axes))
        outs = f(*squeezed)
        batch = jnp.broadcast_shapes(*[x.shape[:nb] for x in padded])
        return [jnp.broadcast_to(o, batch + o.shape[o.ndim - c.type.ndim:]) if o.shape[:nb] != batch else o
                for o, c in zip(outs, core.outputs)]

    return fn


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
        return list(jax.lax.cond(cond, lambda v: run(then_fn, v), lambda v: run(else_fn, v), tuple(vals)))

    return fn


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
            return [jnp.zeros((0, *o.type.shape), dtype=o.type.dtype) for o in op.inner_outputs]
        _, ys = jax.lax.scan(step, windows, tuple(seqs), length=length)
        return list(ys)

    return fn
