"""Which model to sample, and where each chain starts.

Chains start at the model's initial point (PyMC's ``support_point`` start), with the
continuous coordinates jittered by U(-1, 1) in the unconstrained space (PyMC's
``jitter+adapt_diag``). Every start is checked (finite log density and gradient) before
the sampler is built; a bad one is re-jittered, and a start that cannot be fixed raises
:class:`SamplingError` naming the variables at fault, as ``model.debug()`` would.
"""

from __future__ import annotations

import inspect
import weakref

import numpy as np

import jax

from rewrax.model.debug import SamplingError



def is_jax_model(obj) -> bool:
    return all(hasattr(obj, a) for a in ("logdensity", "value_names", "initial_position", "constrain"))


def resolve_model(model):
    """``(model or None, JaxModel)`` from ``model=`` or the model context."""
    if model is not None and is_jax_model(model):
        jm = model
        model = None
    else:
        from rewrax.model import modelcontext

        model = modelcontext(model)
        jm = model.jax_model()
    if not list(jm.value_names):
        raise SamplingError("Cannot sample from the model, since the model does not contain any free variables "
                            "(everything is observed or deterministic). Use rx.sample_prior_predictive or rx.draw "
                            "for forward draws.")
    return model, jm


_EVALUATORS: "weakref.WeakKeyDictionary" = weakref.WeakKeyDictionary()


def _evaluator(jm):
    """Cached ``jit(vmap(point -> (logp, grad of the continuous variables)))``."""
    try:
        return _EVALUATORS[jm.logdensity]
    except (KeyError, TypeError):
        pass
    continuous = [n for n in jm.value_names if not jm.discrete.get(n, False)]

    def evaluate(position, data):
        def logp(cont):
            return jm.logdensity({**position, **cont}, data)

        value, grad = jax.value_and_grad(logp)({n: position[n] for n in continuous})
        return value, grad

    fn = jax.jit(jax.vmap(evaluate, in_axes=(0, None)))
    try:
        _EVALUATORS[jm.logdensity] = fn
    except TypeError:
        pass
    return fn


def initial_positions(jm, model, layout, chains, rng, initvals=None, jitter=True, max_retries=10):
    """Checked starts: ``(points, logps, grads)``, one ``{name: array}`` point per chain.

    ``logps`` (chains,) and ``grads`` (``{continuous name: (chains, *shape)}``) are the joint
    log density and its gradient at the starts; the kernels start from them.
    """
    base = {n: np.asarray(jm.initial_position[n], dtype=jm.dtypes[n]).reshape(jm.shapes[n]) for n in jm.value_names}
    if initvals:
        base.update(_unconstrained_initvals(jm, model, initvals))
    data = {k: np.asarray(v) for k, v in dict(jm.data).items()}
    evaluate = _evaluator(jm)
    continuous = [n for n in jm.value_names if not jm.discrete.get(n, False)]
    starts = [dict(base) for _ in range(chains)]
    todo = list(range(chains)) if jitter and continuous else []
    for _ in range(max_retries + 1):
        if not todo:
            break
        for c in todo:
            starts[c] = {**base, **{n: base[n] + rng.uniform(-1, 1, np.shape(base[n])).astype(base[n].dtype)
                                    for n in continuous}}
        ok = _finite(evaluate, starts, todo, data)
        todo = [c for c, good in zip(todo, ok) if not good]
    if todo or not jitter:
        # Chains whose jittered starts all failed fall back to the model's initial point,
        # which must itself be good.
        logp, grad = evaluate(_stack([base], jm), data)
        if not (np.isfinite(np.asarray(logp)[0]) and all(np.isfinite(np.asarray(g)[0]).all() for g in grad.values())):
            if model is not None:
                model.check_start_vals(base)  # PyMC's message, naming the variables (raises)
            raise SamplingError(_bad_start_message(jm, model, base, np.asarray(logp)[0],
                                                   {k: np.asarray(v)[0] for k, v in grad.items()}))
        for c in todo:
            starts[c] = dict(base)
    logp, grad = evaluate(_stack(starts, jm), data)
    return starts, np.asarray(logp), {k: np.asarray(v) for k, v in grad.items()}


def _stack(points, jm):
    return {n: np.stack([p[n] for p in points]) for n in jm.value_names}


def _finite(evaluate, starts, idx, data):
    points = [starts[c] for c in idx]
    logp, grad = evaluate({n: np.stack([p[n] for p in points]) for n in points[0]}, data)
    ok = np.isfinite(np.asarray(logp))
    for g in grad.values():
        ok &= np.isfinite(np.asarray(g)).reshape(len(points), -1).all(axis=1)
    return ok


def _bad_start_message(jm, model, point, logp, grad):
    lines = ["Initial evaluation of model at starting point failed!", "Starting values:"]
    lines += [f"  {n}: {np.array2string(np.asarray(v), threshold=8)}" for n, v in point.items()]
    per_var = _point_logps(model, point)
    if per_var:
        lines.append("Logp initial evaluation results:")
        lines += [f"  {n}: {v}" for n, v in per_var.items()]
        bad = [n for n, v in per_var.items() if not np.isfinite(v)]
    else:
        lines.append(f"Joint log density: {logp}")
        bad = []
    bad += [n for n, v in point.items() if not np.isfinite(np.asarray(v, float)).all() and n not in bad]
    bad += [f"{n} (gradient)" for n, g in grad.items() if not np.isfinite(g).all() and n not in bad]
    if bad:
        lines.append(f"Non-finite at: {', '.join(bad)}")
    lines.append("You can call `model.debug()` for more details.")
    return "\n".join(lines)


def _point_logps(model, point):
    """``{variable: logp}`` at ``point`` from the symbolic model, when it can say."""
    if model is None:
        return {}
    try:
        return {k: float(v) for k, v in model.point_logps(point).items()}
    except Exception:  # the message is best effort; the SamplingError itself must still be raised
        return {}


def _unconstrained_initvals(jm, model, initvals):
    """``{value name: unconstrained value}`` from constrained ``initvals`` keyed by RV or name."""
    if model is None:
        unknown = [k for k in initvals if k not in jm.value_names]
        if unknown:
            raise ValueError(f"initvals keys {unknown} are not value variables of the model ({list(jm.value_names)})")
        return {k: np.asarray(v, dtype=jm.dtypes[k]).reshape(jm.shapes[k]) for k, v in initvals.items()}
    if "overrides" in inspect.signature(model.initial_point).parameters:
        point = model.initial_point(overrides=initvals)
        return {k: np.asarray(point[k], dtype=jm.dtypes[k]) for k in jm.value_names}
    out = {}
    for key, value in initvals.items():
        rv = model[key] if isinstance(key, str) else key
        value_var = model.rvs_to_values.get(rv)
        if value_var is None:
            raise ValueError(f"initvals: {key!r} is not a free random variable of the model")
        transform = model.rvs_to_transforms.get(rv)
        if transform is None:
            y = np.asarray(value)
        else:
            import rewrax.symbolic as pt

            y = np.asarray(transform.forward(pt.as_tensor_variable(np.asarray(value, float)), *rv.owner.inputs).eval())
        name = value_var.name
        out[name] = np.asarray(y, dtype=jm.dtypes[name]).reshape(jm.shapes[name])
    return out

