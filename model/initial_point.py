"""Initial points: where samplers and optimizers start, in value (unconstrained) space.

Each free variable starts at its ``initval``: by default its distribution's support point
(a mean- or mode-like value inside the support), or ``"prior"`` (a draw), or a given value.
A default start that a transform cannot map (ties under ``ordered``: ``log(0)``) starts at 0
in value space for those entries.
Parents are replaced by their own start values, in creation order, so ``x ~ Normal(mu, 1)``
starts at ``mu``'s start. The result is moved to value space through the variable's
transform. Graphs without random draws are evaluated with the NumPy references (no
compilation); a jitter in value space, when asked for, is added afterwards.
"""

from __future__ import annotations

import numpy as np

import rewrax.symbolic as pt
from rewrax.lower_jax.function import function
from rewrax.model.density import replace_present
from rewrax.symbolic.graph import ancestors, toposort
from rewrax.symbolic.numpy_eval import evaluate_numpy
from rewrax.symbolic.random.op import RandomVariable
from rewrax.symbolic.variable import Variable


def _start_graph(model, rv, strategy):
    from rewrax.model.distributions import support_point

    if strategy is None or (isinstance(strategy, str) and strategy in ("support_point", "moment")):
        return support_point(rv)
    if isinstance(strategy, str) and strategy == "prior":
        return rv
    if isinstance(strategy, Variable):
        start = strategy
    else:
        start = pt.constant(np.asarray(strategy, dtype=rv.type.dtype))
    shape = tuple(s if s is not None else rv.shape[i] for i, s in enumerate(rv.type.shape))
    return pt.broadcast_to(pt.cast(start, rv.type.dtype), shape)


def initial_point_graphs(model, overrides=None):
    """Value-space start graphs, one per free variable (model order)."""
    overrides = {model.rv_of(k): v for k, v in (overrides or {}).items()}
    values = {rv: model.rvs_to_values[rv] for rv in model.observed_RVs}
    outs = []
    for rv in model.free_RVs:
        strategy = overrides.get(rv, model.rvs_to_initial_values.get(rv))
        start = replace_present(pt.as_tensor_variable(_start_graph(model, rv, strategy)), values)
        if start.type.dtype != rv.type.dtype:
            start = pt.cast(start, rv.type.dtype)
        values[rv] = start
        transform = model.rvs_to_transforms[rv]
        value = start if transform is None else replace_present(transform.forward(start), values)
        value_var = model.rvs_to_values[rv]
        if value.type.dtype != value_var.type.dtype:
            value = pt.cast(value, value_var.type.dtype)
        outs.append(value)
    return outs


def _has_draws(outs):
    return any(isinstance(v.owner.op, RandomVariable) for v in ancestors(outs) if v.owner is not None)


def _evaluator(model, overrides):
    key = ("initial_point", id(overrides) if overrides else None)
    cached = model._cache.get(key)
    if cached is not None:
        return cached
    outs = initial_point_graphs(model, overrides)
    if not outs:
        evaluator = lambda seed: []  # noqa: E731
    elif not _has_draws(outs) and all(node.op.has_perform for node in toposort(outs)):
        evaluator = lambda seed: evaluate_numpy(outs)  # noqa: E731
    else:
        rngs = [v for v in pt.graph_inputs(outs) if isinstance(v.type, pt.RandomKeyType)]
        own = [pt.shared_rng(0) for _ in rngs]
        # a one-off evaluation of simple graphs: compile without the rewrite passes
        f = function([], outs, givens=list(zip(rngs, own)), mode="FAST_COMPILE")

        def evaluator(seed):
            for k, (r, state) in enumerate(zip(own, np.random.SeedSequence(seed).generate_state(max(len(own), 1)))):
                r.set_value(pt.shared_rng(int(state) + k).get_value())
            return f()

    if not overrides:
        model._cache[key] = evaluator
    return evaluator


def initial_point(model, random_seed=None, jitter_rvs=None, overrides=None) -> dict:
    """``{value variable name: start value}`` for every free variable, in model order.

    Parameters
    ----------
    random_seed : int, optional
        Seeds prior draws (``initval="prior"``) and the jitter.
    jitter_rvs : iterable, optional
        Random variables (or names) whose start gets ``uniform(-1, 1)`` added in value space.
    overrides : dict, optional
        Start strategies or values replacing the variables' ``initval`` for this call.
    """
    seeds = np.random.SeedSequence(random_seed).spawn(2) if random_seed is not None else (None, None)
    prior_seed = None if seeds[0] is None else int(seeds[0].generate_state(1)[0])
    values = _evaluator(model, overrides)(prior_seed)
    jitter = {model.rv_of(j) for j in (jitter_rvs or ())}
    rng = np.random.default_rng(seeds[1])
    point = {}
    overrides = {model.rv_of(k): v for k, v in (overrides or {}).items()}
    for rv, val in zip(model.free_RVs, values):
        value_var = model.rvs_to_values[rv]
        val = np.array(val, dtype=value_var.type.dtype)
        if _default_strategy(overrides.get(rv, model.rvs_to_initial_values.get(rv))) and val.dtype.kind == "f":
            # A support point can sit on the edge of a transform's domain (ties under an ordered
            # transform give log(0)); start such entries at 0 in value space instead. Values the
            # user gave are left alone (check_start_vals reports them).
            val = np.where(np.isfinite(val), val, 0.0).astype(val.dtype)
        if rv in jitter:
            val = (val + rng.uniform(-1.0, 1.0, size=val.shape)).astype(val.dtype)
        _check_shape(value_var, val)
        point[value_var.name] = val
    return point


def _default_strategy(strategy):
    return strategy is None or (isinstance(strategy, str) and strategy in ("support_point", "moment"))


def _check_shape(value_var, val):
    want = value_var.type.shape
    if val.ndim != len(want) or any(w is not None and w != s for w, s in zip(want, val.shape)):
        raise ValueError(f"the initial value of {value_var.name} has shape {val.shape}, but the value variable has "
                         f"static shape {want}")
