"""PyMC's model transformations: ``rx.do`` (interventions) and ``rx.observe`` (conditioning).

Both return a *new* model and leave the given one untouched. The new model is rebuilt
variable by variable in the original's creation order: every random variable is a fresh
node over its rebuilt parameters, every deterministic and potential is its graph with the
variables replaced by their new counterparts, and data containers are new containers
holding the current values (so ``rx.set_data`` on one model does not move the other).
``do`` replaces a variable by a value (a data container) or by an expression of other
variables (a deterministic): what is downstream now reads the intervention, what is
upstream is unchanged. ``observe`` turns free random variables into observed ones.
"""

from __future__ import annotations

import numpy as np

import rewrax.symbolic as pt
from rewrax.model.core import Model
from rewrax.model.data import Data
from rewrax.model.density import replace_present
from rewrax.model.named import Deterministic, Potential
from rewrax.symbolic.graph import ancestors
from rewrax.symbolic.variable import Variable


def _lookup(model, key, what):
    """The model variable named (or being) ``key``; a clear error for anything else."""
    if isinstance(key, str):
        name = model.name_for(key)
        if name not in model.named_vars:
            raise KeyError(f"{what}: the model has no variable named {key!r} (variables: {sorted(model.named_vars)})")
        return model.named_vars[name]
    if isinstance(key, Variable) and any(v is key for v in model.named_vars.values()):
        return key
    raise KeyError(f"{what}: {key!r} is not a variable of the model (variables: {sorted(model.named_vars)})")


def _copy_coords(model, new):
    for dim, length in model.dim_lengths.items():
        values = model.coords.get(dim)
        if values is not None:
            new.add_coord(dim, values)
        elif not isinstance(length, Variable):
            new.add_coord(dim, length=int(length))
        # a dimension only a data container defines is declared again by that container


class _Rebuilder:
    """Copies ``model`` into a new one, variable by variable, through a memo old -> new."""

    def __init__(self, model):
        self.model = model
        self.new = Model(name=model.name, check_bounds=model.check_bounds, model=None)
        _copy_coords(model, self.new)
        self.memo: dict = {}

    def graph(self, var):
        return replace_present(var, self.memo) if self.memo else var

    def dims(self, var):
        return self.model.named_vars_to_dims.get(var.name)

    def short(self, var):
        return self.model.name_of(var.name)

    def data(self, var, value=None):
        value = var.get_value() if value is None else value
        self.memo[var] = Data(self.short(var), value, dims=self.dims(var), model=self.new)

    def free(self, rv, observed=None):
        node = rv.owner
        new_rv = node.clone_with_new_inputs(self.graph(list(node.inputs))).outputs[rv.index]
        if observed is not None:
            self.memo[rv] = self.new.register_rv(new_rv, self.short(rv), observed=observed, dims=self.dims(rv))
            return
        self.memo[rv] = self.new.register_rv(
            new_rv, self.short(rv), dims=self.dims(rv), default_transform=None,
            transform=self.model.rvs_to_transforms.get(rv), initval=self.model.rvs_to_initial_values.get(rv))

    def observed(self, rv):
        value = self.model.rvs_to_values[rv]
        node = rv.owner
        new_rv = node.clone_with_new_inputs(self.graph(list(node.inputs))).outputs[rv.index]
        total = self.model.rvs_to_total_sizes.get(rv)
        self.memo[rv] = self.new.register_rv(new_rv, self.short(rv), observed=self.graph(value), dims=self.dims(rv),
                                             total_size=total)

    def named(self, var, kind):
        build = Deterministic if kind == "deterministic" else Potential
        self.memo[var] = build(self.short(var), self.graph(var), model=self.new, dims=self.dims(var))


def _kind(model, var):
    if var in model.free_RVs:
        return "free"
    if var in model.observed_RVs:
        return "observed"
    if var in model.deterministics:
        return "deterministic"
    if var in model.potentials:
        return "potential"
    if var in model.data_vars:
        return "data"
    return "other"


def _rebuild(model, visit, keep=None):
    """A new model from ``model``; ``visit(rebuilder, var, kind)`` returns True when it handled ``var``."""
    rb = _Rebuilder(model)
    for var in list(model.named_vars.values()):
        if keep is not None and not any(var is k for k in keep):
            continue
        kind = _kind(model, var)
        if visit(rb, var, kind):
            continue
        if kind == "free":
            rb.free(var)
        elif kind == "observed":
            rb.observed(var)
        elif kind in ("deterministic", "potential"):
            rb.named(var, kind)
        elif kind == "data":
            rb.data(var)
    return rb.new


def observe(model, vars_to_observations):
    """A new model in which the given free random variables are observed at the given data.

    Parameters
    ----------
    model : Model
    vars_to_observations : dict
        Free random variable (or its name) -> observed data (array-like, NaN for missing).

    Examples
    --------
    >>> import numpy as np, rewrax as rx
    >>> with rx.Model() as m:
    ...     mu = rx.Normal("mu", 0, 1)
    ...     y = rx.Normal("y", mu, 1, shape=3)
    >>> conditioned = rx.observe(m, {"y": np.array([0.5, 1.0, 1.5])})
    >>> [v.name for v in conditioned.free_RVs], [v.name for v in conditioned.observed_RVs]
    (['mu'], ['y'])
    """
    observations = {}
    for key, data in dict(vars_to_observations).items():
        var = _lookup(model, key, "observe")
        if var not in model.free_RVs:
            raise ValueError(f"observe: {var.name} is not a free random variable of the model (free: "
                             f"{[v.name for v in model.free_RVs]}); only free random variables can be observed")
        observations[var] = data

    def visit(rb, var, kind):
        if var in observations:
            rb.free(var, observed=observations[var])
            return True
        return False

    return _rebuild(model, visit)


def do(model, vars_to_interventions, prune_vars=False):
    """A new model with variables replaced by interventions (Pearl's do-operator, PyMC's ``pm.do``).

    Parameters
    ----------
    model : Model
    vars_to_interventions : dict
        Random variable or deterministic (or its name) -> its new value: a number or array
        (it becomes a data container of the same name, so ``rx.set_data`` can change it), or
        an expression of the model's variables (it becomes a deterministic).
    prune_vars : bool
        Drop the variables that no longer influence any observed variable or potential.

    Examples
    --------
    >>> import rewrax as rx
    >>> with rx.Model() as m:
    ...     x = rx.Normal("x", 0, 1)
    ...     y = rx.Normal("y", 2 * x, 0.1)
    >>> m_do = rx.do(m, {"x": 3.0})
    >>> [v.name for v in m_do.free_RVs], [v.name for v in m_do.data_vars]
    (['y'], ['x'])
    """
    interventions = {}
    for key, value in dict(vars_to_interventions).items():
        var = _lookup(model, key, "do")
        if _kind(model, var) not in ("free", "observed", "deterministic"):
            raise ValueError(f"do: {var.name} is not a random variable or deterministic of the model")
        interventions[var] = _check_value(var, value)

    def visit(rb, var, kind):
        if var not in interventions:
            return False
        value = interventions[var]
        if isinstance(value, Variable):
            rb.memo[var] = Deterministic(rb.short(var), rb.graph(value), model=rb.new, dims=rb.dims(var))
        else:
            rb.data(var, value)
        return True

    keep = _kept(model, interventions) if prune_vars else None
    return _rebuild(model, visit, keep)


def _check_value(var, value):
    if isinstance(value, Variable):
        if value.type.ndim != var.type.ndim:
            raise ValueError(f"do: the intervention on {var.name} has {value.type.ndim} dimension(s), but "
                             f"{var.name} has {var.type.ndim}")
        return value
    arr = np.asarray(value, dtype=var.type.dtype)
    static = var.type.shape
    if arr.ndim != len(static) or any(s is not None and s != a for s, a in zip(static, arr.shape)):
        raise ValueError(f"do: the intervention on {var.name} has shape {arr.shape}, but {var.name} has shape "
                         f"{tuple('?' if s is None else s for s in static)}")
    return arr


def _kept(model, interventions):
    """Variables that still influence an observed variable or potential once the interventions cut
    their parents (the interventions themselves among them), and every data container."""
    kept_ids = {id(v) for v in ancestors(model.observed_RVs + model.potentials, blockers=list(interventions))}
    return [v for v in model.named_vars.values() if id(v) in kept_ids or v in model.data_vars]


__all__ = ["do", "observe"]
