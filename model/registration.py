"""``Model.register_rv``: value variables, transforms, observed data and initial values.

A free random variable gets a value variable of its own type (``x``), or, when a transform
applies, of the transformed type named ``x_<transform>__``. An observed random variable's
value is its data: a constant named like the variable, or a data container; observed
variables are never transformed. NaN or masked entries in observed arrays are imputed
(:mod:`rewrax.model.missing`).
"""

from __future__ import annotations

import warnings

import numpy as np

import rewrax.symbolic as pt
from rewrax.model.context import UNSET
from rewrax.model.minibatch import is_minibatch_index, uses_minibatch
from rewrax.model.transforms import Chain, Transform, default_transform
from rewrax.symbolic.graph import ancestors
from rewrax.symbolic.random.op import RandomVariable
from rewrax.symbolic.type import TensorType, is_discrete_dtype
from rewrax.symbolic.variable import Constant, SharedVariable, Variable

INITVAL_STRATEGIES = ("support_point", "moment", "prior")


def _unset(x):
    return x is UNSET


def register_rv(model, rv_var, name, observed=None, total_size=None, dims=None, default_transform=None,
                transform=None, initval=None):
    _check_rv(model, rv_var, name)
    name = model.name_for(name)
    if name in model.root.named_vars:
        raise ValueError(f"Variable name {name} already exists.")
    rv_var.name = name
    if observed is None:
        if total_size is not None:
            raise ValueError(f"{name}: total_size can only be passed to observed RVs")
        return register_free(model, rv_var, dims, default_transform, transform, initval)
    if isinstance(observed, str) and observed in model:
        observed = model[observed]
    if not _unset(transform) and transform is not None:
        raise ValueError(f"{name}: observed variables cannot be transformed (transform={transform!r}); "
                         "transform the data instead")
    data, mask = observed_value(rv_var, observed)
    total_size = check_total_size(rv_var, total_size, data)
    if mask is not None:
        if initval is not None:
            raise ValueError(f"{name}: initval cannot be combined with missing observed values")
        from rewrax.model.missing import register_partially_observed  # it builds on this module

        return register_partially_observed(model, rv_var, data, mask, dims, default_transform, total_size)
    return register_observed(model, rv_var, data, dims, total_size)


def _check_rv(model, rv_var, name):
    if not isinstance(rv_var, Variable) or not isinstance(rv_var.type, TensorType):
        raise TypeError(f"register_rv({name!r}): expected a random variable (a tensor), got {rv_var!r}")
    if rv_var.owner is None:
        raise TypeError(f"register_rv({name!r}): {rv_var} is a root variable, not a random variable; "
                        "build it with a distribution's .dist(...)")
    if rv_var in model.root.rvs_to_values or rv_var in model.root.named_vars.values():
        raise ValueError(f"register_rv({name!r}): this random variable is already in the model as {rv_var.name!r}")


def register_free(model, rv_var, dims, default_transform, transform, initval):
    transform = resolve_transform(rv_var, default_transform, transform)
    value = make_value_var(rv_var, transform)
    model.add_named_variable(rv_var, dims)
    model._record("free_RVs", rv_var)
    model._map("rvs_to_values", rv_var, value)
    model._map("values_to_rvs", value, rv_var)
    model._map("rvs_to_transforms", rv_var, transform)
    model._map("rvs_to_initial_values", rv_var, check_initval(rv_var, initval))
    return rv_var


def register_observed(model, rv_var, data, dims, total_size):
    model.add_named_variable(rv_var, dims)
    model._record("observed_RVs", rv_var)
    model._map("rvs_to_values", rv_var, data)
    model._map("rvs_to_transforms", rv_var, None)
    if total_size is not None:
        model._map("rvs_to_total_sizes", rv_var, total_size)
    return rv_var


def resolve_transform(rv_var, default_transform, transform):
    """The transform of a free variable: the user's on top of the support's default (PyMC 5)."""
    discrete = is_discrete_dtype(rv_var.type.dtype)
    transform = None if _unset(transform) else transform
    if _unset(default_transform):
        default_transform = None if discrete else default_transform_for(rv_var)
    for t, what in ((transform, "transform"), (default_transform, "default_transform")):
        if t is not None and not isinstance(t, Transform):
            raise TypeError(f"{rv_var.name}: {what} must be a rewrax transform (rx.transforms.*) or None, got {t!r}")
    if discrete and (transform is not None or default_transform is not None):
        raise ValueError(f"{rv_var.name}: transforms apply to continuous variables; {rv_var.name} is discrete "
                         f"({rv_var.type.dtype})")
    if transform is None:
        return default_transform
    if default_transform is None:
        return transform
    return Chain([default_transform, transform])


def default_transform_for(rv_var):
    """The default transform of ``rv_var``'s support (None for unconstrained or unknown supports)."""
    from rewrax.model.distributions import support  # on use: the distributions import the model context

    try:
        constraint = support(rv_var)
    except NotImplementedError:
        return None
    return default_transform(constraint, rv_var)


def make_value_var(rv_var, transform):
    if transform is None:
        return rv_var.type.make_variable(name=rv_var.name)
    forward = transform.forward(rv_var)
    vtype = TensorType(rv_var.type.dtype, forward.type.shape)
    return vtype.make_variable(name=f"{rv_var.name}_{transform.name}__")


def check_initval(rv_var, initval):
    if initval is None or (isinstance(initval, str) and initval in INITVAL_STRATEGIES):
        return initval
    if isinstance(initval, str):
        raise ValueError(f"{rv_var.name}: initval {initval!r} is not one of {INITVAL_STRATEGIES} or a value")
    if isinstance(initval, Variable):
        if any(isinstance(v.owner.op, RandomVariable) for v in ancestors([initval]) if v.owner is not None):
            return initval
        if pt.explicit_graph_inputs([initval]):
            raise ValueError(f"{rv_var.name}: a symbolic initval may not depend on free inputs")
        return initval
    arr = np.asarray(initval)
    if arr.dtype.kind not in "biuf":
        raise TypeError(f"{rv_var.name}: initval must be numeric, got {initval!r}")
    shape = rv_var.type.shape
    try:
        np.broadcast_shapes(arr.shape, tuple(1 if s is None else s for s in shape))
    except ValueError:
        raise ValueError(f"{rv_var.name}: initval of shape {arr.shape} does not fit the variable's shape "
                         f"{_shape_text(shape)}") from None
    if arr.ndim > len(shape):
        raise ValueError(f"{rv_var.name}: initval of shape {arr.shape} has more dimensions than the variable "
                         f"({_shape_text(shape)})")
    return arr


def set_initval(model, rv_var, initval):
    rv_var = model.rv_of(rv_var)
    if rv_var not in model.free_RVs:
        raise ValueError(f"{rv_var}: initial values are for free random variables of the model")
    model._map("rvs_to_initial_values", rv_var, check_initval(rv_var, initval))


def check_total_size(rv_var, total_size, data):
    """PyMC's ``total_size``: an int (rows of the full data) or a list of ints / None with at most one
    Ellipsis; warns when minibatch data comes without it."""
    if total_size is None:
        if isinstance(data, Variable) and uses_minibatch(data):
            warnings.warn(f"total_size not provided for observed variable `{rv_var.name}` that uses rx.Minibatch",
                          UserWarning, stacklevel=4)
        return None
    if isinstance(total_size, (int, np.integer)) and not isinstance(total_size, bool):
        return int(total_size)
    if not isinstance(total_size, (list, tuple)) or not all(
            t is None or t is Ellipsis or (isinstance(t, (int, np.integer)) and not isinstance(t, bool))
            for t in total_size):
        raise TypeError(f"{rv_var.name}: invalid type for total_size: {total_size!r} (an int, or a list of ints, "
                        "None and at most one Ellipsis)")
    total_size = list(total_size)
    if total_size.count(Ellipsis) > 1:
        raise ValueError(f"{rv_var.name}: only one Ellipsis can be present in total_size, got {total_size}")
    if Ellipsis in total_size:
        sep = total_size.index(Ellipsis)
        begin, end = total_size[:sep], total_size[sep + 1:]
        total_size = begin + [None] * max(rv_var.type.ndim - len(begin) - len(end), 0) + end
    if len(total_size) > rv_var.type.ndim:
        raise ValueError(f"{rv_var.name}: total_size {total_size} has more entries than the variable has "
                         f"dimensions ({rv_var.type.ndim})")
    return total_size


# -- observed data ------------------------------------------------------------------------------
def observed_value(rv_var, observed):
    """``(data variable, missing mask or None)`` for the observed data of ``rv_var``."""
    if isinstance(observed, Variable):
        return _observed_variable(rv_var, observed), None
    if hasattr(observed, "to_numpy") and not isinstance(observed, np.ndarray):
        observed = observed.to_numpy()  # pandas
    mask = None
    if isinstance(observed, np.ma.MaskedArray):
        mask = np.ma.getmaskarray(observed)
        arr = np.asarray(observed.filled(0 if observed.dtype.kind in "biu" else np.nan))
    else:
        arr = np.asarray(observed)
    if arr.dtype.kind == "O":
        arr = _object_to_float(rv_var, arr)
    if arr.dtype.kind not in "biuf":
        raise TypeError(f"observed data for {rv_var.name!r} must be numeric, got dtype {arr.dtype}")
    if arr.dtype.kind == "f":
        nan = np.isnan(arr)
        mask = nan if mask is None else (mask | nan)
    if mask is not None and not mask.any():
        mask = None
    _check_observed_shape(rv_var, arr.shape)
    if mask is not None:
        return arr, mask
    return pt.constant(_cast_data(rv_var, arr), name=rv_var.name), None


def _object_to_float(rv_var, arr):
    try:
        return np.array([np.nan if v is None else v for v in arr.ravel()], dtype=float).reshape(arr.shape)
    except (TypeError, ValueError):
        raise TypeError(f"observed data for {rv_var.name!r} must be numeric (None marks a missing value)") from None


def _cast_data(rv_var, arr):
    dtype = rv_var.type.dtype
    if is_discrete_dtype(dtype) and arr.dtype.kind == "f":
        if not np.all(np.isfinite(arr)) or not np.array_equal(arr, np.round(arr)):
            bad = arr.ravel()[~(np.isfinite(arr.ravel()) & (arr.ravel() == np.round(arr.ravel())))][:3]
            raise TypeError(f"observed data for the discrete variable {rv_var.name!r} ({dtype}) has non-integer "
                            f"values, e.g. {bad.tolist()}")
    if arr.dtype.kind == "f" and np.dtype(dtype).kind == "f" and np.dtype(dtype).itemsize < arr.dtype.itemsize:
        return arr.astype(dtype)
    return arr.astype(dtype, copy=False)


def _check_observed_shape(rv_var, shape):
    want = rv_var.type.shape
    if len(shape) != len(want) or any(w is not None and w != s for w, s in zip(want, shape)):
        raise ValueError(f"observed data for {rv_var.name!r} has shape {tuple(shape)}, but {rv_var.name} has shape "
                         f"{_shape_text(want)}; give the variable the data's shape (or none: it is taken from the data)")


def _observed_variable(rv_var, observed):
    roots = [r for r in pt.graph_inputs([observed]) if not isinstance(r, (Constant, SharedVariable))]
    if roots:
        raise TypeError(f"observed data for {rv_var.name!r} depends on the free input(s) {roots}; "
                        "observed data must be values, data containers (rx.Data) or graphs of them")
    rvs = [v for v in ancestors([observed]) if v.owner is not None and isinstance(v.owner.op, RandomVariable)
           and not is_minibatch_index(v)]
    if rvs:
        raise TypeError(f"observed data for {rv_var.name!r} depends on the random variable {rvs[0]}; "
                        "observed data must not be random")
    if isinstance(observed, SharedVariable):
        value = observed.get_value(borrow=True)
        if np.asarray(value).dtype.kind == "f" and np.isnan(value).any():
            raise ValueError(f"the data container {observed.name!r} observed by {rv_var.name!r} has NaN entries; "
                             "missing values are imputed only for observed arrays, not data containers")
        _check_observed_shape(rv_var, np.shape(value))
    else:
        want, got = rv_var.type.shape, observed.type.shape
        if len(got) != len(want) or any(w is not None and g is not None and w != g for w, g in zip(want, got)):
            raise ValueError(f"observed data for {rv_var.name!r} has shape {_shape_text(got)}, but {rv_var.name} "
                             f"has shape {_shape_text(want)}")
    if observed.type.dtype != rv_var.type.dtype:
        if is_discrete_dtype(rv_var.type.dtype) and not is_discrete_dtype(observed.type.dtype):
            if isinstance(observed, SharedVariable):
                _cast_data(rv_var, np.asarray(observed.get_value(borrow=True)))
        observed = pt.cast(observed, rv_var.type.dtype)
    return observed


def _shape_text(shape):
    return "(" + ", ".join("?" if s is None else str(s) for s in shape) + ("," if len(shape) == 1 else "") + ")"
