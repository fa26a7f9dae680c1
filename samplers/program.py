"""The compiled sampler: one JAX program per model structure and step plan, reused across calls.

``Program.run_chunk(carry, data, stages)`` advances every chain by ``len(stages)`` iterations
in one ``lax.scan`` (chains ``vmap``-ed inside), warm-up and sampling alike: the stage code of
each iteration says what the adaptation does (adaptation.py). The model's data are arguments,
so ``rx.set_data`` with the same shapes reuses the compiled program, and programs are cached
on the model's ``logdensity`` function object, so a second ``rx.sample`` compiles nothing.
"""

from __future__ import annotations

import concurrent.futures
import contextlib
import threading
import weakref
from typing import NamedTuple

import numpy as np

import jax
import jax.numpy as jnp

from rewrax.samplers import stored
from rewrax.samplers.adaptation import IDLE
from rewrax.samplers.pooled import CHAIN_AXIS

#: one background thread compiles the chunk program (and the constrain map) while the main
#: thread checks the starting points: XLA releases the GIL while it compiles
_COMPILER = concurrent.futures.ThreadPoolExecutor(max_workers=1, thread_name_prefix="rewrax-compile")


class Carry(NamedTuple):
    """What one chunk hands to the next: per-chain PRNG keys, kernel states, adaptation states."""

    keys: object
    states: tuple
    adapt_states: tuple


class Program:
    """The jitted pieces of a sampler for one model and one list of kernels.

    Parameters
    ----------
    jax_model : JaxModel
        Supplies ``logdensity(position, data)`` and ``constrain(position, data)``.
    kernels : list
        One kernel per block of ``layout``, run in order each iteration.
    layout : Layout
        How the kernels' flat vectors make up the position dict.
    """

    def __init__(self, jax_model, kernels, layout):
        self.jm = jax_model
        self.kernels = tuple(kernels)
        self.layout = layout
        self.stat_names = _stat_names(self.kernels)
        self.init = jax.jit(self._init)
        self._chunk_jit = jax.jit(self._run_chunk, donate_argnums=0)
        self._constrain_jit = jax.jit(jax.vmap(jax_model.constrain, in_axes=(0, None)))
        self._compiled = {}  # (which, signature) -> executable, or the Future of one
        self._lock = threading.Lock()

    # -- compiled executables --------------------------------------------------------------------
    def _executable(self, which, args, context=None, background=False):
        """The compiled ``which`` ("chunk" or "constrain") for ``args`` (arrays or shapes)."""
        key = (which, _signature(args))
        with self._lock:
            entry = self._compiled.get(key)
            if entry is None:
                compile_ = lambda: self._compile(which, args, context)  # noqa: E731
                entry = self._compiled[key] = _COMPILER.submit(compile_) if background else compile_()
        if background:
            return None
        if isinstance(entry, concurrent.futures.Future):
            entry = entry.result()
            with self._lock:
                self._compiled[key] = entry
        return entry

    def _compile(self, which, args, context):
        jitted = self._chunk_jit if which == "chunk" else self._constrain_jit
        with context() if context is not None else contextlib.nullcontext():
            if which == "chunk":
                stored_program = self._stored_chunk(args)
                if stored_program is not None:
                    return stored_program
            lowered = jitted.lower(*args)
            options = compile_options(lowered) if which == "chunk" else {}
            return lowered.compile(compiler_options=options)

    def _stored_chunk(self, args):
        """The chunk program through the on-disk store (stored.py), or None to trace as usual."""
        try:
            found = stored.exported_chunk(self, args)
        except Exception:  # the store only saves time: any doubt, and the program is traced
            return None
        if found is None:
            return None
        exported, out_tree = found
        leaves = jax.tree.leaves(args)
        n_carry = len(jax.tree.leaves(args[0]))
        call = jax.jit(exported.call, donate_argnums=tuple(range(n_carry)))
        lowered = call.lower(*[stored.arg_spec(x) for x in leaves])
        return stored.FlatExecutable(lowered.compile(compiler_options=compile_options(lowered)), out_tree)

    def precompile(self, carry, data, stages, positions, context):
        """Start compiling the chunk program and the constrain map in the background.

        Arguments may be ``jax.ShapeDtypeStruct`` s; ``context`` re-creates the caller's
        thread-local JAX settings (64-bit mode, cache options) in the compiling thread.
        """
        self._executable("chunk", (carry, data, stages), context, background=True)
        self._executable("constrain", (positions, data), context, background=True)

    def compiled_chunk(self, carry, data, stages):
        """The executable of the chunk program for these arguments (compiled once per signature)."""
        return self._executable("chunk", (carry, data, stages))

    def run_chunk(self, carry, data, stages):
        """Advance every chain by ``len(stages)`` iterations."""
        return self.compiled_chunk(carry, data, stages)(carry, data, stages)

    def constrain(self, positions, data):
        """Constrained values and deterministics of a batch of unconstrained positions."""
        return self._executable("constrain", (positions, data))(positions, data)

    # -- the per-chain functions ---------------------------------------------------------------
    def _transition(self, key, states, adapt_states, data, stage):
        keys = jax.random.split(key, len(self.kernels))
        flats = [s.position for s in states]
        states, adapt_states, stats = list(states), list(adapt_states), {}
        refresh = len(self.kernels) > 1  # other blocks moved: cached densities are stale
        for k, kernel in enumerate(self.kernels):
            logdensity = self.layout.conditional(self.jm.logdensity, k, flats, data)
            state = kernel.refresh(states[k], logdensity) if refresh else states[k]
            state, adapt_states[k], kstats = kernel.step(keys[k], state, adapt_states[k], logdensity, stage)
            states[k], flats[k] = state, state.position
            for name, value in kstats.items():
                out_name, dtype = self.stat_names[(k, name)]
                stats[out_name] = jnp.asarray(value).astype(dtype)
        return tuple(states), tuple(adapt_states), stats

    # -- the jitted entry points ---------------------------------------------------------------
    def _init(self, keys, flats, logps, grads):
        """Carry of every chain from its start: flat blocks, joint log density, gradients.

        The density and gradient come from the initial-point check, so this program holds
        no copy of the model's code and compiles in a fraction of a second.
        """
        def one(flats, logp, grads):
            pairs = [k.init(x, logp, g) for k, x, g in zip(self.kernels, flats, grads)]
            return tuple(p[0] for p in pairs), tuple(p[1] for p in pairs)

        states, adapt_states = jax.vmap(one)(flats, logps, grads)
        return _strong(Carry(keys, states, adapt_states))

    def _run_chunk(self, carry, data, stages):
        # the chain axis is named, so cross-chain kernels (ChEES, MAMS) can pool with psum
        transition = jax.vmap(self._transition, in_axes=(0, 0, 0, None, None), axis_name=CHAIN_AXIS)

        def active(carry, stage):
            split = jax.vmap(jax.random.split)(carry.keys)
            states, adapt_states, stats = transition(split[:, 1], carry.states, carry.adapt_states, data, stage)
            positions = tuple(s.position for s in states)
            return Carry(split[:, 0], states, adapt_states), (positions, stats)

        def idle(carry, stage):
            n_chains = carry.keys.shape[0]
            positions = tuple(s.position for s in carry.states)
            stats = {name: jnp.zeros((n_chains,), dtype) for name, dtype in self.stat_names.values()}
            return carry, (positions, stats)

        def body(carry, stage):
            return jax.lax.cond(stage == IDLE, idle, active, carry, stage)

        carry, outputs = jax.lax.scan(body, carry, stages)
        return _strong(carry), outputs


#: below this many flops per chunk iteration (XLA's estimate, while-loop bodies counted once),
#: a program's compile time outweighs its run time on CPU (see compile_options)
SMALL_PROGRAM_FLOPS = 1e6


def compile_options(lowered) -> dict:
    """XLA options for a chunk program on CPU: less optimisation where it does not pay.

    Measured on the benchmark models (CPU seconds, compile | 1,000 iterations):

    - LLVM at ``-O1`` instead of XLA's default: eight schools 2.2 -> 1.6 | 0.10 -> 0.10,
      hierarchical regression 2.7 -> 2.2 | 1.1 -> 1.2 (per leapfrog step the same),
      logistic regression 3.1 -> 2.6 | 8.7 -> 8.6;
    - without XLA's CPU fusion emitters: hierarchical 3.5 -> 2.7 and eight schools
      2.7 -> 1.9 for a run time within 3 %, but the logistic regression (5e6 flops per
      iteration) samples 36 % slower, so only programs below ``SMALL_PROGRAM_FLOPS`` skip them.
    """
    if jax.default_backend() != "cpu":
        return {}
    options = {"xla_backend_optimization_level": 1}
    try:
        flops = float((lowered.cost_analysis() or {}).get("flops", np.inf))
    except Exception:  # no estimate: keep the fusion emitters
        return options
    if flops < SMALL_PROGRAM_FLOPS:
        options["xla_cpu_use_fusion_emitters"] = False
    return options


def _signature(tree):
    """Hashable shapes, dtypes and placements of ``tree``'s leaves (a compiled program's key).

    Arrays on the default single device and shapes without a placement share a key, so a
    program compiled ahead from shapes serves the arrays that come later.
    """
    leaves, structure = jax.tree.flatten(tree)
    return structure, tuple((tuple(np.shape(x)), str(x.dtype) if hasattr(x, "dtype") else str(np.asarray(x).dtype),
                             _placement(x)) for x in leaves)


def _placement(x):
    sharding = getattr(x, "sharding", None)
    if sharding is None or isinstance(sharding, jax.sharding.SingleDeviceSharding):
        return None
    return sharding


def _strong(tree):
    """Drop weak types, so chunk after chunk sees one signature (one compilation)."""
    return jax.tree.map(lambda x: jax.lax.convert_element_type(x, jnp.asarray(x).dtype), tree)


def _stat_names(kernels):
    """``(kernel index, stat) -> (output name, dtype)``; a name used twice gets ``_1``, ``_2``."""
    seen, names = {}, {}
    for k, kernel in enumerate(kernels):
        for name, dtype in kernel.stats.items():
            count = seen.get(name, 0)
            seen[name] = count + 1
            names[(k, name)] = (name if count == 0 else f"{name}_{count}", jax.dtypes.canonicalize_dtype(dtype))
    return names


_PROGRAMS: "weakref.WeakKeyDictionary" = weakref.WeakKeyDictionary()


def get_program(jax_model, kernels, layout) -> Program:
    """The cached :class:`Program` of this model's density and these kernels (built once)."""
    key = (layout.blocks, tuple(k.key() for k in kernels), jax.config.jax_enable_x64)
    try:
        by_model = _PROGRAMS.setdefault(jax_model.logdensity, {})
    except TypeError:  # not weak-referenceable: no caching
        return Program(jax_model, kernels, layout)
    cached = by_model.get(key)
    if cached is None or cached.jm.constrain is not jax_model.constrain:
        cached = by_model[key] = Program(jax_model, kernels, layout)
    return cached


def stack_positions(layout, chunks) -> dict:
    """``{name: (chains, draws, *shape)}`` from the chunks' per-block ``(steps, chains, n)``."""
    out = {}
    for k, block in enumerate(layout.blocks):
        flat = np.concatenate([c[k] for c in chunks], axis=0) if chunks else np.zeros((0, 0, block.size))
        flat = np.swapaxes(flat, 0, 1)
        start = 0
        for name, shape, dtype, size in zip(block.names, block.shapes, block.dtypes, block.sizes):
            out[name] = flat[..., start:start + size].reshape(flat.shape[:2] + shape).astype(dtype)
            start += size
    return out
