"""``rx.draw``: forward samples of random variables and of graphs built from them.

A graph of random variables is a pure function of its PRNG keys. ``draw`` lowers it once
(cached per set of variables), jits it, and

- advances the keys held by the graph's shared rng variables on every call, so each call
  gives fresh draws (``.eval()`` does not, and so repeats its value);
- with ``random_seed``, derives the keys from the seed instead and leaves the shared keys
  alone, so the result is reproducible;
- with ``draws=N``, ``vmap``s the function over N keys per rng: one jitted call, no Python loop.

JAX samplers cannot raise, so the parameter checks of each random variable's density
(``sigma > 0``) are computed alongside the draws; a violated one raises
``ParameterValueError`` naming the variable and the condition, instead of returning garbage.
"""

from __future__ import annotations

from collections import OrderedDict

import jax
import jax.numpy as jnp
import numpy as np

from rewrax.lower_jax.interpret import graph_fn
from rewrax.lower_jax.mode import get_mode
from rewrax.lower_jax.x64 import call_with_x64, needs_x64
import rewrax.symbolic as pt
from rewrax.symbolic.basic import seed_to_key
from rewrax.symbolic.check import Check, ParameterValueError
from rewrax.symbolic.graph import ancestors, clone_replace
from rewrax.symbolic.random.op import RandomVariable
from rewrax.symbolic.type import RandomKeyType
from rewrax.symbolic.variable import Constant, SharedVariable, Variable

#: compiled drawers by (ids of the variables, mode), most recently used last. A drawer holds
#: its graph, so the cache is bounded instead of weak (a weak key would never die).
_CACHE: "OrderedDict" = OrderedDict()
CACHE_SIZE = 64


class _Drawer:
    """The compiled forward sampler of a list of output variables."""

    def __init__(self, outputs, givens=None, mode=None):
        if givens:
            outputs = clone_replace(list(outputs), dict(givens))
        self.rngs, self.next_rngs = _rng_updates(outputs)
        graph = ancestors(list(outputs) + self.next_rngs)
        self.shared = [v for v in graph if isinstance(v, SharedVariable) and not isinstance(v.type, RandomKeyType)]
        free = [v for v in graph if v.owner is None and not isinstance(v, (Constant, SharedVariable))]
        if free:
            raise ValueError(
                f"draw: the variables depend on {', '.join(str(v) for v in free)}, which has no value; "
                "give it one with givens={variable: value}")
        n_out, n_rng = len(outputs), len(self.rngs)
        checks = _parameter_checks(outputs)
        self.check_labels = [label for label, _ in checks]
        rewritten = get_mode(mode).rewrite(list(outputs) + self.next_rngs + [c for _, c in checks],
                                           self.rngs + self.shared)
        fn = graph_fn(self.rngs + self.shared, rewritten)
        self.dtypes = [o.type.dtype for o in outputs]
        self._x64 = needs_x64(list(outputs) + self.rngs)

        def once(keys, shared):
            results = fn(*keys, *shared)
            return results[:n_out], results[n_out:n_out + n_rng], results[n_out + n_rng:]

        def many(keys, shared):  # keys: one (draws, 2) array per rng
            outs, _, flags = jax.vmap(lambda ks: once(ks, shared))(keys)
            return outs, [jnp.all(f) for f in flags]

        self._once = jax.jit(once)
        self._many = jax.jit(many)

    def __call__(self, draws, random_seed):
        shared = [s.container[0] for s in self.shared]
        keys = self._keys(random_seed)
        if draws == 1:
            outs, new_keys, flags = call_with_x64(self._x64, self._once, keys, shared)
        else:
            split = [jax.random.split(jnp.asarray(k, dtype=jnp.uint32), draws + 1) for k in keys]
            new_keys = [s[0] for s in split]
            outs, flags = call_with_x64(self._x64, self._many, [s[1:] for s in split], shared)
        failed = [label for label, ok in zip(self.check_labels, flags) if not bool(ok)]
        if failed:
            raise ParameterValueError("; ".join(dict.fromkeys(failed)))
        if random_seed is None:  # fresh draws next time
            for rng, key in zip(self.rngs, new_keys):
                rng.container[0] = np.asarray(key, dtype=np.uint32)
        return [np.asarray(o, dtype=d) for o, d in zip(outs, self.dtypes)]

    def _keys(self, random_seed):
        if random_seed is None:
            return [np.asarray(r.container[0], dtype=np.uint32) for r in self.rngs]
        base = seed_to_key(_seed_int(random_seed))
        return [np.asarray(jax.random.fold_in(base, k), dtype=np.uint32) for k in range(len(self.rngs))]


def _seed_int(random_seed):
    if isinstance(random_seed, np.random.Generator):
        return int(random_seed.integers(2**63))
    if isinstance(random_seed, (int, np.integer)) and not isinstance(random_seed, bool):
        if random_seed < 0:
            raise ValueError(f"random_seed must be non-negative, got {random_seed}")
        return int(random_seed)
    if isinstance(random_seed, (list, tuple)):
        return int(np.random.SeedSequence(list(random_seed)).generate_state(1, dtype=np.uint64)[0])
    raise TypeError(f"random_seed must be an int, a sequence of ints or a numpy Generator, got {random_seed!r}")


def _parameter_checks(outputs):
    """``(label, condition)`` for the parameter checks of each random variable in the graph."""
    from rewrax.model.logprob.abstract import is_rv
    from rewrax.model.logprob.derive import derive

    checks = []
    for var in ancestors(list(outputs)):
        if not is_rv(var):
            continue
        try:
            density = derive("logp", var, var)  # checks read only the parameters
        except Exception:  # noqa: BLE001 - a variable without a density has no checks to run
            continue
        name = var.name or var.owner.op.print_name
        for v in ancestors([density]):
            if v.owner is not None and isinstance(v.owner.op, Check) and len(v.owner.inputs) > 1:
                conds = [pt.all(c) for c in v.owner.inputs[1:]]
                checks.append((f"{name}: {v.owner.op.msg}", conds[0] if len(conds) == 1 else pt.all(pt.stack(conds))))
    return checks


def _rng_updates(outputs):
    """The shared rng variables of the graph and their next values (one per rng)."""
    rngs, nexts = [], []
    for var in ancestors(list(outputs)):
        node = var.owner
        if node is not None and isinstance(node.op, RandomVariable) and var is node.outputs[1]:
            rng = node.inputs[0]
            if isinstance(rng, SharedVariable) and all(rng is not r for r in rngs):
                rngs.append(rng)
                nexts.append(node.outputs[0])
    return rngs, nexts


def draw(vars, draws: int = 1, random_seed=None, givens=None, mode=None):
    """Draws of random variables, or of any graph of them.

    Parameters
    ----------
    vars : Variable or list of Variable
        What to draw.
    draws : int
        Number of draws. ``1`` returns one draw with the variable's shape; more add a
        leading axis of that length (computed in one vectorized, jitted call).
    random_seed : int, sequence of ints or numpy Generator, optional
        Makes the result reproducible (the graph's shared rngs are left untouched). Without
        it, every call gives fresh draws.
    givens : dict, optional
        Values for other variables of the graph (e.g. data placeholders).

    Examples
    --------
    >>> import rewrax as rx
    >>> x = rx.Normal.dist(mu=0, sigma=1)
    >>> rx.draw(x, draws=1000, random_seed=1).shape
    (1000,)
    >>> bool((rx.draw(2 * x, draws=3, random_seed=7) == 2 * rx.draw(x, draws=3, random_seed=7)).all())
    True
    """
    single = isinstance(vars, Variable)
    outputs = [vars] if single else list(vars)
    for v in outputs:
        if not isinstance(v, Variable):
            raise TypeError(f"draw expects symbolic variables, got {v!r}")
    if not isinstance(draws, (int, np.integer)) or isinstance(draws, bool) or draws < 1:
        raise ValueError(f"draws must be a positive integer, got {draws!r}")
    drawer = _drawer(outputs, givens, mode)
    results = drawer(int(draws), random_seed)
    return results[0] if single else results


def _drawer(outputs, givens, mode):
    if givens:
        return _Drawer(outputs, givens, mode)
    key = (tuple(id(o) for o in outputs), mode)
    hit = _CACHE.get(key)
    if hit is not None and all(a is b for a, b in zip(hit[0], outputs)):
        _CACHE.move_to_end(key)
        return hit[1]
    drawer = _Drawer(outputs, None, mode)
    _CACHE[key] = (list(outputs), drawer)
    while len(_CACHE) > CACHE_SIZE:
        _CACHE.popitem(last=False)
    return drawer
