"""``pm.pytensorf``: PyMC's graph helpers (``floatX``, ``gradient``, ``join_nonshared_inputs``, ...).

``pm.gradient`` / ``pm.pytensorf.jacobian`` / ``pm.pytensorf.hessian`` follow PyMC: derivatives
of a scalar with respect to the graph's one continuous input (or ``vars``), ravelled and joined;
PyMC's ``hessian`` returns the *negated* Hessian (with a ``FutureWarning``, as PyMC). The
top-level ``rx.hessian`` / ``rx.jacobian`` stay PyTensor's (``pytensor.gradient``) functions.
"""

from __future__ import annotations

import warnings

import numpy as np

import rewrax.symbolic as pt
from rewrax.lower_jax import function
from rewrax.symbolic import config, explicit_graph_inputs, graph_inputs, graph_replace
from rewrax.symbolic import jacobian as _pt_jacobian
from rewrax.symbolic.variable import Constant, SharedVariable, Variable
from rewrax.vartypes import continuous_types, typefilter

__all__ = ["CallableTensor", "compile", "cont_inputs", "convert_data", "convert_observed_data", "floatX", "gradient",
           "hessian", "hessian_diag", "inputvars", "intX", "jacobian", "join_nonshared_inputs",
           "make_shared_replacements"]

_INT_FOR_FLOAT = {"float64": "int32", "float32": "int16", "float16": "int8"}


def floatX(X):
    """``X`` (a tensor or array-like) cast to ``config.floatX``.

    Examples
    --------
    >>> floatX([1, 2]).dtype
    dtype('float64')
    """
    try:
        return X.astype(config.floatX)
    except AttributeError:
        return np.asarray(X, dtype=config.floatX)


def intX(X):
    """``X`` cast to PyMC's integer type for ``config.floatX`` (int32 for float64, as PyMC)."""
    dtype = _INT_FOR_FLOAT[config.floatX]
    try:
        return X.astype(dtype)
    except AttributeError:
        return np.asarray(X, dtype=dtype)


def _as_list(a):
    return list(a) if isinstance(a, (list, tuple)) else [a]


def inputvars(a):
    """The root variables of ``a``'s graph that are neither constants nor shared variables."""
    return [v for v in graph_inputs(_as_list(a)) if not isinstance(v, (Constant, SharedVariable))]


def cont_inputs(a):
    """The continuous (float or complex) explicit inputs of ``a``'s graph."""
    return typefilter(explicit_graph_inputs(_as_list(a)), continuous_types)


def _default_vars(f, vars, what):
    if vars is None:
        vars = cont_inputs(f)
        if len(vars) > 1:
            raise ValueError(f"{what} requires vars to be specified when there is more than one input.")
    return _as_list(vars)


def gradient(f, vars=None):
    """The gradient of scalar ``f`` with respect to ``vars``, ravelled and joined into one vector.

    Examples
    --------
    >>> import rewrax as pm, rewrax.symbolic as pt
    >>> x = pt.vector("x")
    >>> pm.gradient((x ** 2).sum(), [x]).eval({x: [1.0, 2.0]})
    array([2., 4.])
    """
    vars = _default_vars(f, vars, "gradient")
    if not vars:
        return pt.zeros(0, dtype="float32")
    return pt.concatenate([pt.grad(f, v, disconnected_inputs="warn").flatten() for v in vars], axis=0)


def jacobian(f, vars=None):
    """The Jacobian of ``f`` (flattened) with respect to ``vars``, one column block per variable."""
    vars = _default_vars(f, vars, "jacobian")
    if not vars:
        return pt.zeros(0, dtype="float32")
    flat = pt.as_tensor_variable(f).flatten()
    blocks = []
    for v in vars:
        jac = _pt_jacobian(flat, v, disconnected_inputs="warn")
        blocks.append(jac.reshape((flat.shape[0], -1)) if v.type.ndim != 1 else jac)
    return pt.concatenate(blocks, axis=1)


def hessian(f, vars=None, negate_output=True):
    """The Hessian of scalar ``f``; negated by default, as PyMC (with its ``FutureWarning``)."""
    res = jacobian(gradient(f, vars), vars)
    if negate_output:
        warnings.warn("hessian will stop negating the output in a future version of PyMC.\n"
                      "To suppress this warning set `negate_output=False`", FutureWarning, stacklevel=2)
        res = -res
    return res


def hessian_diag(f, vars=None, negate_output=True):
    """The diagonal of the Hessian of scalar ``f`` (negated by default, as PyMC)."""
    vars = _default_vars(f, vars, "hessian_diag")
    if not vars:
        return pt.zeros(0, dtype="float32")
    res = pt.diagonal(jacobian(gradient(f, vars), vars))
    if negate_output:
        warnings.warn("hessian_diag will stop negating the output in a future version of PyMC.\n"
                      "To suppress this warning set `negate_output=False`", FutureWarning, stacklevel=2)
        res = -res
    return res


def convert_data(data):
    """Observed or input data as an array (pandas objects and lists converted, masked arrays kept)."""
    if isinstance(data, Variable):
        return data
    if hasattr(data, "to_numpy") and not isinstance(data, np.ndarray):
        data = data.to_numpy()
    if isinstance(data, np.ma.MaskedArray):
        return data if data.mask.any() else data.filled()
    data = np.asarray(data)
    if data.dtype.kind == "f" and np.isnan(data).any():
        return np.ma.masked_invalid(data)
    return data


convert_observed_data = convert_data


def compile(inputs, outputs, random_seed=None, mode=None, **kwargs):
    """A compiled function of ``inputs`` -> ``outputs`` (PyMC's ``pm.compile``; ``rx.function`` underneath).

    ``random_seed`` is accepted for PyMC compatibility; random variables draw from their own
    shared keys (reseed them with ``rx.draw(..., random_seed=)`` or the model's seeding).
    """
    return function(inputs, outputs, mode=mode, **kwargs)


def make_shared_replacements(point, vars, model):
    """``{value variable: shared(point value)}`` for the model's value variables not in ``vars``."""
    keep = set(vars)
    return {var: pt.shared(np.asarray(point[var.name]), name=var.name + "_shared")
            for var in model.value_vars if var not in keep}


def join_nonshared_inputs(point, outputs, inputs, shared_inputs=None, make_inputs_shared=False):
    """``(new_outputs, joined)``: ``outputs`` with ``inputs`` replaced by slices of one flat vector ``joined``.

    The sizes come from ``point`` (``{name: value}``); ``shared_inputs`` replaces more inputs by
    the given (shared) variables; ``make_inputs_shared`` makes ``joined`` a shared variable
    holding the point.
    """
    if not inputs:
        raise ValueError("Empty list of input variables.")
    values = [np.asarray(point[v.name]) for v in inputs]
    flat = np.concatenate([v.ravel() for v in values]) if values else np.zeros(0)
    if make_inputs_shared:
        joined = pt.shared(flat.astype(config.floatX), name="__joined_variables")
    else:
        joined = pt.tensor("__joined_variables", shape=(flat.size,), dtype=config.floatX)
    replace, start = {}, 0
    for var, value in zip(inputs, values):
        piece = joined[start:start + value.size].reshape(value.shape)
        replace[var] = pt.cast(piece, var.type.dtype)
        start += value.size
    if shared_inputs:
        replace.update(shared_inputs)
    new_outputs = graph_replace(list(outputs), replace, strict=False)
    return new_outputs, joined


class CallableTensor:
    """A one-input graph that can be called on another tensor: ``CallableTensor(f)(x)`` substitutes ``x``."""

    def __init__(self, tensor):
        self.tensor = tensor

    def __call__(self, input):
        (old,) = inputvars(self.tensor)
        return graph_replace(self.tensor, {old: pt.as_tensor_variable(input)}, strict=False)
