"""Finding out why a model's density is not finite: ``point_logps``, ``check_start_vals``, ``debug``.

These evaluate single points with the Ops' NumPy references where they can (no
compilation, so they are cheap to call before sampling), and with a compiled function
otherwise.
"""

from __future__ import annotations

import numpy as np

from rewrax.lower_jax.function import function
from rewrax.model.lowering import checks_to_ninf, remove_checks
from rewrax.symbolic.check import ParameterValueError
from rewrax.symbolic.graph import graph_inputs, toposort
from rewrax.symbolic.numpy_eval import evaluate_numpy


class SamplingError(RuntimeError):
    """Sampling cannot start or go on (e.g. the density is not finite at the start point)."""


def evaluate_at(model, outs, point, checks="ninf"):
    """Values of the graphs ``outs`` at ``point`` (value variable names -> values)."""
    if checks == "ninf":
        outs = checks_to_ninf(outs)
    elif checks == "remove":
        outs = remove_checks(outs)
    ids = {id(r) for r in graph_inputs(outs)}
    inputs = [v for v in model.value_vars if id(v) in ids]
    missing = [v.name for v in inputs if v.name not in point]
    if missing:
        raise KeyError(f"the point has no value for {missing}")
    values = [v.type.filter(point[v.name], v.name, allow_downcast=True) for v in inputs]
    if all(node.op.has_perform for node in toposort(outs)):
        return [np.asarray(r) for r in evaluate_numpy(outs, dict(zip(inputs, values)))]
    return function(inputs, outs, on_unused_input="ignore")(*values)


def point_logps(model, point=None, round_vals=2) -> dict:
    point = model.initial_point() if point is None else point
    factors = model.basic_RVs + model.potentials
    terms = model.logp(vars=factors, sum=False)
    sums = [t.sum() if t.type.ndim else t for t in terms]
    values = evaluate_at(model, sums, point)
    return {var.name: np.round(np.asarray(val), round_vals) for var, val in zip(factors, values)}


def check_start_vals(model, start):
    """Raise :class:`SamplingError` if ``start`` lacks a value, has non-finite values, or a non-finite density."""
    for value_var in model.value_vars:
        name = value_var.name
        if name not in start:
            raise KeyError(f"the start point has no value for {name!r} (value variables: "
                           f"{[v.name for v in model.value_vars]})")
        arr = np.asarray(start[name])
        if not np.all(np.isfinite(arr)):
            raise SamplingError(f"Initial values of {name!r} are not finite: {arr}")
    logps = point_logps(model, start)
    bad = {k: v for k, v in logps.items() if not np.all(np.isfinite(v))}
    if bad:
        raise SamplingError(
            "Initial evaluation of model at starting point failed!\n"
            f"Starting values:\n{_fmt_point(start)}\n\n"
            f"Logp initial evaluation results:\n{logps}\n"
            f"The variables with a non-finite log-density: {list(bad)}.\n"
            "You can call `model.debug()` for more details."
        )


def _fmt_point(point):
    return "{" + ", ".join(f"'{k}': {np.asarray(v)}" for k, v in point.items()) + "}"


def _param_report(model, rv, point):
    lines = []
    op = rv.owner.op
    if hasattr(op, "dist_params"):
        params = list(op.dist_params(rv.owner))
        names = list(getattr(op, "param_names", ())) or [str(k) for k in range(len(params))]
        values = evaluate_at(model, model.replace_rvs_by_values(params), point, checks="remove")
        lines.append(f"The variable {rv.name} has the following parameters:")
        for k, (pname, val) in enumerate(zip(names, values)):
            lines.append(f"{k}: {pname} = {np.asarray(val)}")
    return lines


def _diagnose_term(model, rv, term, point):
    """Why ``term`` is not finite at ``point``: a failed parameter check, or a value outside the support."""
    lines = _param_report(model, rv, point)
    try:
        evaluate_at(model, [term], point, checks="keep")
    except ParameterValueError as err:
        lines.append(f"This does not respect one of the following constraints: {err}")
        return lines
    if rv in model.free_RVs:
        value = evaluate_at(model, model.replace_rvs_by_values([rv]), point, checks="remove")[0]
        lines.append(f"The parameters are valid; the value of {rv.name} ({np.asarray(value)}) gives a "
                     "non-finite log-density: it is outside the support, or at a point where the density "
                     "is not defined")
    else:
        lines.append(f"The parameters are valid; the observed data of {rv.name} gives a non-finite "
                     "log-density: some entries are outside the support")
    return lines


def debug(model, point=None, fn="logp", verbose=False):
    """Print, for each variable with a non-finite ``fn`` (``"logp"`` or ``"dlogp"``) at ``point``, why."""
    if fn not in ("logp", "dlogp"):
        raise ValueError(f"debug: fn must be 'logp' or 'dlogp', got {fn!r}")
    point = model.initial_point() if point is None else point
    print(f"point={_fmt_point(point)}\n")
    factors = model.basic_RVs + model.potentials
    problems = 0
    if fn == "logp":
        terms = model.logp(vars=factors, sum=False)
        values = evaluate_at(model, terms, point)
        for var, term, val in zip(factors, terms, values):
            if np.all(np.isfinite(val)):
                continue
            problems += 1
            print(f"The variable {var.name} has a non-finite logp: {np.asarray(val)}")
            lines = _diagnose_term(model, var, term, point) if var in model.basic_RVs else \
                [f"The potential {var.name} is not finite at this point."]
            print("\n".join(lines) + "\n")
    else:
        grads = evaluate_at(model, [model.dlogp()], point)[0]
        offset = 0
        for value_var in model.continuous_value_vars:
            size = int(np.size(point[value_var.name]))
            block = grads[offset:offset + size]
            offset += size
            if not np.all(np.isfinite(block)):
                problems += 1
                print(f"The gradient with respect to {value_var.name} is not finite: {block}\n")
    if not problems:
        print(f"No problems found: every {fn} term is finite at this point")
    if verbose:
        print(model.point_logps(point))
