"""``Variable.eval``: compile once per set of given variables, then reuse."""

from __future__ import annotations

import weakref

from rewrax.lower_jax.function import function
from rewrax.symbolic.basic import as_tensor_variable
from rewrax.symbolic.variable import SERVICES, SharedVariable

_CACHE: "weakref.WeakKeyDictionary" = weakref.WeakKeyDictionary()


def _resolve_names(outputs, givens):
    """Replace string keys by the variable of the graph with that name (PyTensor allows both)."""
    if not any(isinstance(k, str) for k in givens):
        return givens
    from rewrax.symbolic.graph import ancestors

    by_name = {}
    for var in ancestors(outputs):
        if var.name is not None:
            by_name.setdefault(var.name, []).append(var)
    out = {}
    for key, value in givens.items():
        if isinstance(key, str):
            found = by_name.get(key, [])
            if len(found) != 1:
                problem = "no variable" if not found else f"{len(found)} variables"
                raise ValueError(f"eval: {problem} named {key!r} in the graph; pass the variable itself as the key")
            key = found[0]
        out[key] = value
    return out


def evaluate(outputs, givens, mode=None):
    """Values of ``outputs`` given ``{variable: value}``; intermediate variables may be given."""
    givens = _resolve_names(outputs, givens)
    keys = [k for k in givens if not isinstance(k, SharedVariable)]
    shared_givens = {k: as_tensor_variable(v) for k, v in givens.items() if isinstance(k, SharedVariable)}
    cache_key = (tuple(id(o) for o in outputs[1:]), tuple(id(k) for k in keys),
                 tuple((id(k), id(v)) for k, v in shared_givens.items()), mode)
    per_output = _CACHE.setdefault(outputs[0], {})
    fn = None if shared_givens else per_output.get(cache_key)
    if fn is None:
        fn = function(keys, list(outputs), givens=shared_givens or None, on_unused_input="ignore", mode=mode)
        if not shared_givens:
            per_output[cache_key] = (fn, keys)
    else:
        fn = fn[0]
    return fn(*[givens[k] for k in keys])


SERVICES["evaluate"] = evaluate
