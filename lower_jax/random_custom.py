"""JAX lowering of user-defined random variables (``rx.CustomDist``).

``CustomDistRV`` draws with the user's NumPy function ``random(*params, rng=, size=)``. A JAX
program cannot run NumPy code, so the draw is a ``jax.pure_callback``: JAX knows the result's
shape and dtype in advance (from the node's size, the parameters' shapes and the signature),
and the host function gets a ``numpy.random.Generator`` seeded with bits drawn from the node's
JAX key. Draws therefore follow the program's keys: the same ``random_seed`` gives the same
draws, and a new key gives new ones, as for every built-in sampler. Under ``vmap`` (many draws
at once) the callback runs once per draw ("sequential"), so ``random`` sees the same
arguments it would see in a loop. Without ``random`` the lowering raises PyMC's
``NotImplementedError`` naming the variable.

``SymbolicRandomVariable``'s draw is its last parameter (a graph of other random variables,
lowered as usual), so its lowering passes that draw through.
"""

from __future__ import annotations

import jax
import jax.numpy as jnp
import numpy as np

from rewrax.lower_jax.ops import concrete_int
from rewrax.lower_jax.random import _vector_entries
from rewrax.lower_jax.table import register
from rewrax.symbolic.blockwise import parse_signature
from rewrax.symbolic.random.custom import CustomDistRV, SymbolicRandomVariable


def _missing_random(node):
    op = node.op
    name = node.outputs[1].name or op.class_name
    return NotImplementedError(
        f"Attempted to run random on the CustomDist '{name}' ({op.class_name}), but this method had not been "
        f"provided when the distribution was constructed. Please re-build your model and provide a callable to "
        f"'{name}'s random keyword argument (or build it with dist=, a graph of .dist() variables).")


def _support_shape(op, params, node):
    """The concrete core shape of one draw: output letters sized by the parameters' core dims."""
    ins, outs = parse_signature(op.signature)
    sizes = {}
    for p, letters in zip(params, ins):
        core = jnp.shape(p)[jnp.ndim(p) - len(letters):] if letters else ()
        for letter, size in zip(letters, core):
            sizes[letter] = max(sizes.get(letter, 1), int(size))
    static = node.outputs[1].type.shape[node.outputs[1].type.ndim - len(outs[0]):] if outs[0] else ()
    out = []
    for k, letter in enumerate(outs[0]):
        size = static[k] if static[k] is not None else sizes.get(letter)
        if size is None and op.core_shape is not None:
            size = op.core_shape[k]
        if size is None:
            raise ValueError(
                f"{op.class_name}: the size of support dimension {k} ({letter!r} in the signature "
                f"{op.signature!r}) is unknown; name it after a parameter dimension in the signature "
                "(e.g. '(n)->(n)') or give the variable a shape=")
        out.append(int(size))
    return tuple(out)


# The host's result travels as 32-bit words: the callback runs on a thread where a caller's
# ``jax.enable_x64(True)`` context is not active, and JAX would cast a float64 result to float32.
def _to_words(out):
    return np.ascontiguousarray(out).view(np.uint32).reshape(out.shape + (-1,)) if out.dtype.itemsize == 8 else out


def _words_struct(shape, dtype):
    return jax.ShapeDtypeStruct(tuple(shape) + (2,), np.uint32) if dtype.itemsize == 8 else \
        jax.ShapeDtypeStruct(shape, dtype)


def _from_words(words, dtype):
    return jax.lax.bitcast_convert_type(words, dtype) if dtype.itemsize == 8 else words


@register(CustomDistRV)
def _custom_dist(node):
    op = node.op
    if op.random_fn is None:
        raise _missing_random(node)
    dtype = np.dtype(node.outputs[1].type.dtype)
    name = node.outputs[1].name or op.class_name

    def run(key, size, *params):
        key = jnp.asarray(key, dtype=jnp.uint32)
        next_key, sub = jax.random.split(key)
        sizes = [concrete_int(s, "size", node) for s in _vector_entries(size, node)]
        if sizes:
            batch = tuple(sizes)
        else:
            batch = jnp.broadcast_shapes(*[jnp.shape(p)[: jnp.ndim(p) - n] for p, n in zip(params, op.ndims_params)]) \
                if params else ()
        shape = tuple(batch) + _support_shape(op, params, node)
        size_arg = tuple(sizes) if sizes else None

        def host(seed, *values):
            rng = np.random.default_rng(np.asarray(seed, dtype=np.uint32))
            out = np.asarray(op.random_fn(*values, rng=rng, size=size_arg))
            if out.shape != shape:
                raise ValueError(f"the random function of {name} returned shape {out.shape}, expected {shape} "
                                 f"(size={size_arg}, parameters of shapes {[np.shape(v) for v in values]})")
            return _to_words(out.astype(dtype, copy=False))

        seed = jax.random.bits(sub, (4,), jnp.uint32)
        words = jax.pure_callback(host, _words_struct(shape, dtype), seed, *params, vmap_method="sequential")
        return [next_key, _from_words(words, dtype)]

    return run


@register(SymbolicRandomVariable)
def _symbolic_rv(node):
    op = node.op
    n_supp = op.ndim_supp

    def run(key, size, *params):
        draw = jnp.asarray(params[-1])
        sizes = [concrete_int(s, "size", node) for s in _vector_entries(size, node)]
        if sizes:
            draw = jnp.broadcast_to(draw, tuple(sizes) + jnp.shape(draw)[jnp.ndim(draw) - n_supp:])
        return [key, draw.astype(node.outputs[1].type.dtype)]

    return run
