"""Named expressions of a model: ``rx.Deterministic`` (recorded) and ``rx.Potential`` (added to the density)."""

from __future__ import annotations

import rewrax.symbolic as pt
from rewrax.model.context import modelcontext
from rewrax.symbolic.variable import Variable


def Deterministic(name, var, model=None, dims=None):
    """A named function of other variables, recorded in the trace (adds nothing to the density).

    Examples
    --------
    >>> import rewrax as rx
    >>> with rx.Model() as m:
    ...     z = rx.Normal("z", 0, 1)
    ...     d = rx.Deterministic("d", 2 * z)
    >>> m.deterministics == [d]
    True
    """
    model = modelcontext(model)
    var = _as_model_graph(var, "Deterministic", name)
    var = var.copy(name=model.name_for(name))
    model.add_named_variable(var, dims)
    model._record("deterministics", var)
    return var


def Potential(name, var, model=None, dims=None):
    """An extra term added to the model's log-density (a soft constraint, a custom likelihood).

    Examples
    --------
    >>> import rewrax as rx
    >>> with rx.Model() as m:
    ...     z = rx.Normal("z", 0, 1)
    ...     p = rx.Potential("p", -z ** 2)
    >>> m.potentials == [p]
    True
    """
    model = modelcontext(model)
    var = _as_model_graph(var, "Potential", name)
    if not var.type.dtype.startswith("float"):
        var = pt.cast(var, pt.config.floatX)
    var = var.copy(name=model.name_for(name))
    model.add_named_variable(var, dims)
    model._record("potentials", var)
    return var


def _as_model_graph(var, what, name):
    try:
        var = pt.as_tensor_variable(var)
    except TypeError as exc:
        raise TypeError(f"{what} {name!r}: cannot turn {var!r} into a tensor ({exc})") from None
    if not isinstance(var, Variable):
        raise TypeError(f"{what} {name!r} needs a symbolic expression, got {var!r}")
    return var
