"""``pm.printing``: ``str_for_dist`` / ``str_for_model`` with PyMC's signatures."""

from __future__ import annotations

from rewrax.model import printing as _printing
from rewrax.model import modelcontext

__all__ = ["str_for_dist", "str_for_model", "str_for_potential_or_deterministic"]


def _named(model, var=None):
    if model is not None:
        return {id(v): v for v in model.named_vars.values()}
    # no model: every named variable in the graph counts as a model variable
    from rewrax.symbolic import ancestors

    return {id(v): v for v in ancestors([var]) if v.name and v is not var} if var is not None else {}


def _model_of(var, model):
    if model is not None:
        return model
    try:
        return modelcontext(None)
    except TypeError:
        return None


def str_for_dist(dist, formatting: str = "plain", include_params: bool = True, model=None) -> str:
    """``name ~ Dist(params)`` for one random variable (``formatting`` 'plain' or 'latex')."""
    named = _named(_model_of(dist, model), dist)
    return _printing.str_for_dist(dist, named, "latex" in formatting, include_params)


def str_for_model(model, formatting: str = "plain", include_params: bool = True) -> str:
    """One line per model variable, as ``print(model)`` shows them."""
    return _printing.str_for_model(model, formatting, include_params)


def str_for_potential_or_deterministic(var, formatting: str = "plain", include_params: bool = True,
                                       dist_name: str = "Deterministic", model=None) -> str:
    """``name ~ Deterministic(...)`` (or ``Potential``) for one model expression."""
    named = _named(_model_of(var, model), var)
    return _printing.str_for_expression(var, dist_name, named, "latex" in formatting, include_params)
