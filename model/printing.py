"""The model as text: ``model.str_repr()`` and ``model._repr_latex_()``.

One line per variable, aligned on ``~``::

     mu ~ Normal(0, 2)
  sigma ~ HalfNormal(0, 3)
      x ~ Normal(mu, sigma)

Parameters print as their value (scalar constants, 3 significant digits), ``<constant>``
(array constants), the name of the model variable they are, or ``f(a, b)`` for an
expression of the model variables ``a`` and ``b``.
"""

from __future__ import annotations

import numpy as np

from rewrax.symbolic.graph import ancestors
from rewrax.symbolic.variable import Constant


def _named_model_vars(model):
    return {id(v): v for v in model.named_vars.values()}


def _str_for_constant(var, latex):
    data = np.asarray(var.data)
    if data.ndim == 0:
        return f"{data[()]:.3g}"
    if data.shape == (1,):
        return f"{data[0]:.3g}"
    return r"\text{<constant>}" if latex else "<constant>"


def _name(var, latex):
    return rf"\text{{{var.name}}}" if latex else var.name


def _str_for_input(var, named, latex):
    if id(var) in named:
        return _name(var, latex)
    if isinstance(var, Constant):
        return _str_for_constant(var, latex)
    if var.owner is not None and var.owner.op.__class__.__name__ == "DimShuffle" or _is_cast_or_expand(var):
        return _str_for_input(var.owner.inputs[0], named, latex)
    parents = _named_parents(var, named)
    if not parents and var.name is not None:
        return _name(var, latex)
    if not parents:
        return r"\text{<constant>}" if latex else "<constant>"
    return "f(" + ", ".join(_name(p, latex) for p in parents) + ")"


def _is_cast_or_expand(var):
    owner = var.owner
    if owner is None or len(owner.inputs) != 1:
        return False
    label = str(owner.op)
    return label.startswith(("ExpandDims", "Cast", "Identity")) or label == "Identity"


def _named_parents(var, named):
    blockers = [v for v in named.values()]
    out, seen = [], set()
    for v in ancestors([var], blockers=blockers):
        if v is not var and id(v) in named and id(v) not in seen:
            seen.add(id(v))
            out.append(v)
    return out


def str_for_dist(var, named, latex=False, include_params=True):
    """``name ~ Dist(params)`` for one random variable."""
    op = var.owner.op
    dist_name = getattr(op, "print_name", None) or type(op).__name__
    params = []
    if include_params:
        raw = op.dist_params(var.owner) if hasattr(op, "dist_params") else var.owner.inputs
        params = [_str_for_input(p, named, latex) for p in raw]
    return _line(var, dist_name, params, latex, include_params)


def _line(var, dist_name, params, latex, include_params):
    if latex:
        args = ",~".join(params)
        body = rf"\operatorname{{{dist_name}}}" + (f"({args})" if include_params else "")
        return rf"\text{{{var.name}}} &\sim & {body}"
    return f"{var.name} ~ {dist_name}" + (f"({', '.join(params)})" if include_params else "")


def str_for_expression(var, kind, named, latex=False, include_params=True):
    """``name ~ Deterministic(f(...))`` / ``name ~ Potential(f(...))``."""
    parents = _named_parents(var.owner.inputs[0] if var.owner is not None else var, named)
    params = ["f(" + ", ".join(_name(p, latex) for p in parents) + ")"]
    return _line(var, kind, params, latex, include_params)


def str_for_model(model, formatting="plain", include_params=True):
    latex = "latex" in formatting
    named = _named_model_vars(model)
    lines = [str_for_dist(v, named, latex, include_params) for v in model.free_RVs]
    lines += [str_for_expression(v, "Deterministic", named, latex, include_params) for v in model.deterministics]
    lines += [str_for_dist(v, named, latex, include_params) for v in model.observed_RVs]
    lines += [str_for_expression(v, "Potential", named, latex, include_params) for v in model.potentials]
    if not lines:
        return ""
    if latex:
        return "$$\n\\begin{array}{rcl}\n" + "\\\\\n".join(lines) + "\n\\end{array}\n$$"
    names = [line[: line.index(" ~ ")] for line in lines]
    width = max(len(n) for n in names)
    return "\n".join(n.rjust(width) + line[len(n):] for n, line in zip(names, lines))
