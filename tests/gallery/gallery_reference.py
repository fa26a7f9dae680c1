"""Load and check reference.json, the numbers PyMC recorded for the gallery models.

The test suite does not import PyMC; the file written by ``make_reference.py`` is its
reference. It is read from disk, so every field is checked (keys, types, shapes, finiteness)
before a test uses it, and a malformed file fails with the model and field named.
"""

import json
import math
from pathlib import Path

import numpy as np

PATH = Path(__file__).with_name("reference.json")
_MODEL_KEYS = {"data", "value_vars", "free_rvs", "points", "logp", "dlogp", "posterior", "divergences"}


class ReferenceError(ValueError):
    """reference.json is missing a field or holds one of the wrong shape."""


def _fail(where, what):
    raise ReferenceError(f"reference.json: {where}: {what}")


def _array(where, value, shape):
    try:
        arr = np.asarray(value, dtype=float)
    except (TypeError, ValueError):
        _fail(where, "not an array of numbers")
    if shape is not None and list(arr.shape) != list(shape):
        _fail(where, f"shape {list(arr.shape)}, expected {list(shape)}")
    return arr


def _check_vars(name, entry):
    value_vars = entry["value_vars"]
    if not isinstance(value_vars, list) or not all(
        isinstance(v, list) and len(v) == 3 and isinstance(v[0], str) and isinstance(v[1], list) for v in value_vars
    ):
        _fail(f"{name}.value_vars", "expected a list of [name, shape, dtype]")
    return {v[0]: v[1] for v in value_vars}


def _check_density(name, entry, shapes):
    points, logps, grads = entry["points"], entry["logp"], entry["dlogp"]
    if not (isinstance(points, list) and len(points) == len(logps) == len(grads) >= 1):
        _fail(f"{name}.points", "points, logp and dlogp must be lists of the same, non-zero length")
    for k, (point, logp, grad) in enumerate(zip(points, logps, grads)):
        if set(point) != set(shapes) or not set(grad) <= set(shapes):
            _fail(f"{name}.points[{k}]", f"keys {sorted(point)} / {sorted(grad)}, expected {sorted(shapes)}")
        for var, shape in shapes.items():
            _array(f"{name}.points[{k}].{var}", point[var], shape)
            if var in grad and not np.all(np.isfinite(_array(f"{name}.dlogp[{k}].{var}", grad[var], shape))):
                _fail(f"{name}.dlogp[{k}].{var}", "not finite")
        if not (isinstance(logp, float) and math.isfinite(logp)):
            _fail(f"{name}.logp[{k}]", f"{logp!r} is not a finite float")


def _check_summary(where, summary, names):
    if set(summary) != set(names):
        _fail(where, f"variables {sorted(summary)}, expected {sorted(names)}")
    for var, stats in summary.items():
        if set(stats) != {"mean", "sd", "ess"}:
            _fail(f"{where}.{var}", f"keys {sorted(stats)}, expected ['ess', 'mean', 'sd']")
        mean = _array(f"{where}.{var}.mean", stats["mean"], None)
        for key in ("sd", "ess"):
            arr = _array(f"{where}.{var}.{key}", stats[key], mean.shape)
            if not np.all(np.isfinite(arr) & (arr >= 0)):
                _fail(f"{where}.{var}.{key}", "must be finite and non-negative")


def check_reference(ref):
    """Raise ReferenceError unless ``ref`` has the layout make_reference.py writes."""
    if not isinstance(ref, dict) or not {"meta", "models", "minibatch"} <= set(ref):
        _fail("top level", "expected keys meta, models, minibatch")
    if not isinstance(ref["meta"].get("pymc"), str):
        _fail("meta.pymc", "missing PyMC version")
    for name, entry in ref["models"].items():
        if not isinstance(entry, dict) or not _MODEL_KEYS <= set(entry):
            _fail(name, f"expected keys {sorted(_MODEL_KEYS)}")
        shapes = _check_vars(name, entry)
        _check_density(name, entry, shapes)
        _check_summary(f"{name}.posterior", entry["posterior"], entry["free_rvs"])
        if "predictions" in entry:
            mean = _array(f"{name}.predictions.mean", entry["predictions"]["mean"], None)
            _array(f"{name}.predictions.sd", entry["predictions"]["sd"], mean.shape)
    for name, entry in ref["minibatch"].items():
        if entry.get("twin") not in ref["models"]:
            _fail(f"minibatch.{name}.twin", f"{entry.get('twin')!r} is not a model in the file")
        _check_summary(f"minibatch.{name}.advi_posterior", entry["advi_posterior"], entry["free_rvs"])
    return ref


def load_reference(path=PATH):
    """The checked contents of reference.json."""
    return check_reference(json.loads(Path(path).read_text()))
