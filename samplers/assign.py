"""Which step method updates which variable: the user's ``step=``, then automatic assignment.

As PyMC: continuous free variables go to one NUTS, 0/1 variables to BinaryGibbsMetropolis,
categorical ones to CategoricalGibbsMetropolis, other integer variables to Metropolis.
Everything is checked here, before anything is compiled.
"""

from __future__ import annotations

import numpy as np

from rewrax.samplers.layout import make_block
from rewrax.samplers.steps import (
    NUTS, BinaryGibbsMetropolis, CategoricalGibbsMetropolis, CompoundStep, Metropolis, StepMethod,
)


class SamplingContext:
    """What step methods need to know about the model when they build their kernels.

    Parameters
    ----------
    jax_model : JaxModel
        The model's pure-JAX view (see docs/sampling.md).
    model : rx.Model, optional
        The symbolic model, for names of random variables and the supports of discrete ones.
    """

    def __init__(self, jax_model, model=None, float_dtype="float64", mass_matrix="diag", buffer_size=1,
                 target_accept=0.8, max_treedepth=10, restart_step_size=False):
        self.jm = jax_model
        self.restart_step_size = restart_step_size
        self.target_accept = target_accept
        self.max_treedepth = max_treedepth
        self.model = model
        self.float_dtype = float_dtype
        self.mass_matrix = mass_matrix
        self.buffer_size = buffer_size
        self.value_names = list(jax_model.value_names)
        self._aliases = _name_aliases(jax_model, model, self.value_names)

    # -- names ---------------------------------------------------------------------------------
    def value_name(self, var) -> str:
        """The value-variable name of ``var`` (an RV, a value variable, or a name)."""
        key = var if isinstance(var, str) else getattr(var, "name", None)
        if self.model is not None and not isinstance(var, str):
            value = _rv_value(self.model, var)
            if value is not None:
                key = value
        if key in self._aliases:
            return self._aliases[key]
        known = ", ".join(sorted(set(self._aliases))) or "none"
        raise ValueError(f"step variable {_show(var)} is not a free variable of the model (free variables: {known})")

    def is_discrete(self, name) -> bool:
        return bool(self.jm.discrete.get(name, False))

    # -- discrete supports ---------------------------------------------------------------------
    def bounds(self, name):
        """``(lower, upper)`` integer bounds of a discrete value variable, or ``None``s."""
        bounds = getattr(self.jm, "bounds", None) or {}
        if name in bounds:
            return bounds[name]
        if self.model is None:
            return None, None
        return discrete_bounds(self.model, name)

    def kind(self, name) -> str:
        """``"binary"``, ``"categorical"`` or ``"integer"`` for a discrete variable.

        As PyMC: 0/1 variables are binary, Categorical ones categorical, other integers get
        Metropolis. A hand-written JaxModel (no symbolic model) marks categorical variables
        by giving their ``bounds``.
        """
        if np.dtype(self.jm.dtypes[name]) == np.bool_:
            return "binary"
        lower, upper = self.bounds(name)
        if lower is not None and upper is not None and np.all(lower == 0) and np.all(upper == 1):
            return "binary"
        if self.model is not None:
            return "categorical" if _is_categorical(self.model, name) else "integer"
        return "categorical" if lower is not None and upper is not None else "integer"

    def require_binary(self, method, block):
        for name in block.names:
            if self.kind(name) != "binary":
                raise TypeError(f"{method} samples 0/1 variables; {name!r} is not one (its support is not {{0, 1}})")

    def categories(self, method, block):
        lowers, counts = [], []
        for name, size in zip(block.names, block.sizes):
            lower, upper = self.bounds(name)
            if lower is None or upper is None:
                raise TypeError(f"{method} needs variables with known finite integer bounds; {name!r} has none")
            lowers.append(np.broadcast_to(np.asarray(lower, int), block.shapes[block.names.index(name)]).ravel())
            counts.append((np.broadcast_to(np.asarray(upper, int), block.shapes[block.names.index(name)])
                           - lowers[-1].reshape(block.shapes[block.names.index(name)]) + 1).ravel())
        return np.concatenate(lowers), np.concatenate(counts)


def assign_step_methods(step, ctx):
    """``[(method, Block), ...]`` in the order the compound step runs them."""
    methods = _as_methods(step)
    claimed, plan = {}, []
    for method in methods:
        if method.vars is None:
            continue
        names = [ctx.value_name(v) for v in method.vars]
        for name in names:
            if name in claimed:
                raise ValueError(f"variable {name!r} is given to two step methods: {claimed[name]} and {method}")
            claimed[name] = method
        plan.append((method, names))
    free = [n for n in ctx.value_names if n not in claimed]
    for method in methods:  # methods without vars take what remains that they can sample
        if method.vars is None:
            names = [n for n in free if ctx.is_discrete(n) == method.discrete or (method.continuous and not ctx.is_discrete(n))]
            if not names:
                raise ValueError(f"{method} has no variables left to sample")
            free = [n for n in free if n not in names]
            plan.append((method, names))
    plan += _automatic(free, ctx)
    return [(m, _block(m, names, ctx)) for m, names in plan]


def _automatic(free, ctx):
    plan = []
    continuous = [n for n in free if not ctx.is_discrete(n)]
    if continuous:
        plan.append((NUTS(target_accept=ctx.target_accept, max_treedepth=ctx.max_treedepth), continuous))
    groups = {"binary": [], "categorical": [], "integer": []}
    for name in free:
        if ctx.is_discrete(name):
            groups[ctx.kind(name)].append(name)
    makers = {"binary": BinaryGibbsMetropolis, "categorical": CategoricalGibbsMetropolis, "integer": Metropolis}
    plan += [(makers[k](), names) for k, names in groups.items() if names]
    return plan


def _block(method, names, ctx):
    order = {n: i for i, n in enumerate(ctx.value_names)}
    names = sorted(names, key=order.__getitem__)
    block = make_block(names, ctx.jm.shapes, ctx.jm.dtypes, ctx.float_dtype, mixed=method.discrete and method.continuous)
    method.check_block(block, ctx)
    return block


def _as_methods(step):
    if step is None:
        return []
    if isinstance(step, CompoundStep):
        return list(step.methods)
    if isinstance(step, StepMethod):
        return [step]
    if isinstance(step, (list, tuple)):
        return CompoundStep(step).methods
    raise TypeError(f"step must be a step method (rx.NUTS(), rx.Metropolis([...]), ...) or a list of them, got {step!r}")


def describe(plan, rv_names=None) -> str:
    """PyMC's printout: ``CompoundStep`` then ``>NUTS: [a, b]`` per method (random-variable names)."""
    rv_names = dict(rv_names or {})
    lines = [f"{m.name}: [{', '.join(rv_names.get(n, n) for n in b.names)}]" for m, b in plan]
    return lines[0] if len(lines) == 1 else "CompoundStep\n" + "\n".join(">" + line for line in lines)


# -- reading the symbolic model (only when one is given) -----------------------------------------
def _name_aliases(jm, model, value_names):
    """Names a step's ``vars`` may use: value-variable names and random-variable names."""
    aliases = {n: n for n in value_names}
    for value_name, rv_name in dict(getattr(jm, "rv_names", None) or {}).items():
        aliases.setdefault(rv_name, value_name)
    for rv, value in getattr(model, "rvs_to_values", {}).items():
        if value.name in aliases and rv.name:
            aliases.setdefault(rv.name, value.name)
    return aliases


def _rv_value(model, var):
    values = getattr(model, "rvs_to_values", {})
    if var in values:
        return values[var].name
    return None


def _rv_of(model, name):
    for rv, value in getattr(model, "rvs_to_values", {}).items():
        if value.name == name:
            return rv
    return None


def discrete_bounds(model, name):
    """Integer bounds of a discrete free variable from its support constraint, if constant."""
    rv = _rv_of(model, name)
    if rv is None:
        return None, None
    try:
        from rewrax.model.distributions import support
        constraint = support(rv)
    except Exception:  # no support registered: treat as an unbounded integer
        return None, None
    if getattr(constraint, "name", None) == "boolean" or type(constraint).__name__.lower().startswith("boolean"):
        return 0, 1
    lower = _constant(getattr(constraint, "lower_bound", getattr(constraint, "lower", None)))
    upper = _constant(getattr(constraint, "upper_bound", getattr(constraint, "upper", None)))
    return lower, upper


def _constant(bound):
    """A bound as a NumPy value when it is constant (shape arithmetic folds to one), else None."""
    if bound is None:
        return None
    if isinstance(bound, (int, float, np.ndarray, np.generic)):
        return np.asarray(bound)
    data = getattr(bound, "data", None)  # a symbolic constant
    if data is not None:
        return np.asarray(data)
    from rewrax.rewrites import rewrite_graph

    folded = rewrite_graph(bound, include=("canonicalize",))  # Categorical: shape(p)[-1] - 1 -> 2
    data = getattr(folded, "data", None)
    return None if data is None else np.asarray(data)


def _is_categorical(model, name):
    rv = _rv_of(model, name)
    op = getattr(getattr(rv, "owner", None), "op", None)
    return op is not None and "categorical" in type(op).__name__.lower()


def _show(var):
    return repr(var) if isinstance(var, str) else str(var)
