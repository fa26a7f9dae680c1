"""Compiled densities: point functions (``compile_logp``), the PyMC-style sampler interface
(``logp_dlogp_function``) and pure JAX functions (``jax_model``, ``logp_fn``).

Parameter checks: ``rx.logp(rv, value).eval()`` raises ``ParameterValueError`` when a
parameter is invalid (``sigma > 0`` fails), but every density compiled *from the model*
returns ``-inf`` there instead, as PyMC's compiled model functions do, so that a sampler
or optimizer rejects the point rather than stopping (``Model(check_bounds=False)`` removes
the checks altogether).
"""

from __future__ import annotations

import warnings
from dataclasses import dataclass, field
from typing import Callable

import numpy as np

import jax
import jax.numpy as jnp

from rewrax.lower_jax.function import function
from rewrax.model.context import UNSET
from rewrax.model.density import _value_vars, replace_rvs_by_values
from rewrax.model.flat import FlatDensity
from rewrax.model.lowering import LiveData, _Lowered, checks_to_ninf, prepare, remove_checks  # noqa: F401
from rewrax.symbolic.graph import graph_inputs
from rewrax.symbolic.variable import Constant, SharedVariable, Variable


# -- point functions -----------------------------------------------------------------------------
class PointFunc:
    """A compiled function of value variables, called with a point ``{name: value}``.

    Keys of the point that the function does not use are ignored.
    """

    def __init__(self, f, names):
        self.f = f
        self.names = list(names)

    def __call__(self, point=None, **kwargs):
        point = dict(point or {}, **kwargs)
        missing = [n for n in self.names if n not in point]
        if missing:
            raise KeyError(f"the point has no value for {', '.join(repr(m) for m in missing)} "
                           f"(this function needs {self.names}; the point has {list(point)})")
        return self.f(*[point[n] for n in self.names])

    def __repr__(self):
        return f"<PointFunc({', '.join(self.names)})>"


def _model_inputs(model, outs):
    """The model's value variables ``outs`` depend on (model order), after checking for others."""
    roots = graph_inputs(outs)
    ids = {id(r) for r in roots}
    inputs = [v for v in model.value_vars if id(v) in ids]
    known = {id(v) for v in inputs}
    free = [r for r in roots if id(r) not in known and r.owner is None and not isinstance(r, (Constant, SharedVariable))]
    if free:
        raise ValueError(f"the graph depends on {free}, which are not value variables of the model; "
                         "pass inputs= explicitly")
    return inputs


def compile_fn(model, outs, inputs=None, point_fn=True, mode=None, checks="ninf"):
    single = isinstance(outs, Variable)
    outs_list = [outs] if single else list(outs)
    prepared = outs_list
    if checks == "remove" or not model.check_bounds:
        prepared = remove_checks(outs_list)
    elif checks == "ninf":
        prepared = checks_to_ninf(outs_list)
    if inputs is None:
        inputs = _model_inputs(model, prepared)
    f = function(inputs, prepared[0] if single else prepared, mode=mode, on_unused_input="ignore")
    if not point_fn:
        return f
    return PointFunc(f, [v.name for v in inputs])


def compile_logp(model, vars=None, jacobian=True, sum=True):
    return compile_fn(model, model.logp(vars=vars, jacobian=jacobian, sum=sum))


class _DerivativePointFunc(PointFunc):
    """The gradient (order 1) or Hessian (order 2) of the model's logp at a point.

    JAX differentiates the rewritten, lowered log-density (``model.dlogp()`` and
    ``model.d2logp()`` give the same derivatives as symbolic graphs); this compiles in a
    fraction of the time a symbolic Hessian graph takes.
    """

    def __init__(self, model, wrt, jacobian, order, sign=1.0):
        logp = prepare(model, [model.logp(jacobian=jacobian)])
        inputs = [v for v in model.value_vars if any(v is r for r in graph_inputs(logp)) or v in wrt]
        self._inputs = inputs
        self._lowered = _Lowered(inputs, logp, {})
        argnums = tuple(inputs.index(v) for v in wrt)
        lowered = self._lowered

        def logp_fn(*args):
            values, data = args[: len(inputs)], args[len(inputs):]
            return lowered.fn(*values, *data)[0]

        def gradient(*args):
            grads = jax.grad(logp_fn, argnums=argnums)(*args)
            return sign * jnp.concatenate([jnp.ravel(g) for g in grads]) if grads else jnp.zeros(0)

        def hessian(*args):
            blocks = jax.hessian(logp_fn, argnums=argnums)(*args)
            sizes = [int(np.prod(np.shape(args[k]))) for k in argnums]
            rows = [jnp.concatenate([jnp.reshape(b, (sizes[i], sizes[j])) for j, b in enumerate(row)], axis=1)
                    for i, row in enumerate(blocks)]
            return sign * jnp.concatenate(rows, axis=0) if rows else jnp.zeros((0, 0))

        self._jitted = jax.jit(gradient if order == 1 else hessian)
        super().__init__(self._call, [v.name for v in inputs])

    def _call(self, *values):
        values = [v.type.filter(x, v.name) for v, x in zip(self._inputs, values)]
        data = [np.asarray(d) for d in self._lowered.values().values()]
        if self._lowered.x64 and not jax.config.jax_enable_x64:
            with jax.enable_x64(True):
                return np.asarray(self._jitted(*values, *data))
        return np.asarray(self._jitted(*values, *data))


def compile_dlogp(model, vars=None, jacobian=True):
    return _DerivativePointFunc(model, _value_vars(model, vars), jacobian, order=1)


def compile_d2logp(model, vars=None, jacobian=True, negate_output=None):
    if negate_output is None or negate_output is UNSET:
        warnings.warn(
            "compile_d2logp() returns the NEGATED Hessian by default (as PyMC 5 does); this default will change. "
            "Pass negate_output=False for the Hessian itself, or negate_output=True to keep the negation.",
            FutureWarning, stacklevel=3,
        )
        negate_output = True
    sign = -1.0 if negate_output else 1.0
    return _DerivativePointFunc(model, _value_vars(model, vars), jacobian, order=2, sign=sign)


# -- lowering to plain JAX -----------------------------------------------------------------------
def _require_x64(x64):
    if x64 and not jax.config.jax_enable_x64:
        raise RuntimeError(
            "this model computes in float64, but JAX's 64-bit mode is off, so JAX would silently use float32. "
            "Call the function inside `with jax.enable_x64(True):` (or set jax.config.update('jax_enable_x64', True) "
            "in your script), or build the model with rx.config.floatX = 'float32'."
        )


@dataclass(frozen=True)
class JaxModel:
    """A model as pure JAX functions of value arrays; holds no rewrax object.

    Attributes
    ----------
    logdensity : callable
        ``logdensity(position, data) -> scalar``: ``position`` maps value-variable names to
        arrays (unconstrained space), ``data`` maps data names to arrays.
    initial_position : dict
        The model's initial point.
    data : Mapping
        The data the functions read (data containers, large constants), by name; a live
        view: it gives the current values, also after ``rx.set_data``.
    value_names : list
        Value-variable names, in model order; ``shapes``, ``dtypes``, ``discrete`` by name.
    constrain : callable
        ``constrain(position, data) -> dict``: every free random variable (constrained space)
        and every deterministic, by name.
    observed_data : dict
        Observed random variable name -> data.
    rv_names : dict
        Value-variable name -> random-variable name (``sigma_log__`` -> ``sigma``).
    dims, coords : dict
        Named dimensions of the variables, and the model's coordinates.
    x64 : bool
        Whether the functions need JAX's 64-bit mode (call them inside ``jax.enable_x64(True)``).
    logdensity_flat : callable or None
        ``logdensity_flat(x, data)``: the same density over one flat vector ``x`` of the
        continuous values (``flat_names`` in order; ``ravel(position)`` / ``unravel(x)``
        convert); None when the model has discrete free variables.
    """

    logdensity: Callable
    initial_position: dict
    data: dict
    value_names: list
    shapes: dict
    dtypes: dict
    discrete: dict
    constrain: Callable
    observed_data: dict
    rv_names: dict = field(default_factory=dict)
    deterministic_names: list = field(default_factory=list)
    dims: dict = field(default_factory=dict)
    coords: dict = field(default_factory=dict)
    x64: bool = True
    logdensity_flat: Callable | None = None
    flat_names: list = field(default_factory=list)
    ravel: Callable | None = None
    unravel: Callable | None = None


def _position_reader(value_names):
    def read(position):
        missing = [n for n in value_names if n not in position]
        if missing:
            raise KeyError(f"position has no value for {missing} (the model's value variables are {value_names})")
        return [jnp.asarray(position[n]) for n in value_names]

    return read


def jax_model(model, jacobian=True) -> JaxModel:
    """The model as pure JAX functions; the same object while the model's structure is unchanged."""
    key = ("jax_model", bool(jacobian))
    if key not in model._cache:
        model._cache[key] = _build_jax_model(model, jacobian)
    return model._cache[key]


def _build_jax_model(model, jacobian):
    value_vars = model.value_vars
    value_names = [v.name for v in value_vars]
    initial = model.initial_point()
    data_names: dict = {}
    # the density runs over one flat vector of the continuous values (a compact program even
    # for models with hundreds of scalars); discrete values stay separate inputs
    density = FlatDensity(model, model.continuous_value_vars, [model.basic_RVs + model.potentials],
                          jacobian=jacobian, point=initial, data_names=data_names)
    layout, extra_names = density.layout, [v.name for v in density.extra_vars]
    constrained_vars = model.free_RVs + model.deterministics
    # prepared and lowered when constrain is first used (samplers call it; optimizers may not)
    constrained = replace_rvs_by_values(model, constrained_vars) if constrained_vars else []
    cons = _Lowered(value_vars, constrained, data_names, prepare_fn=lambda outs: prepare(model, outs, checks="remove"))
    out_names = [v.name for v in constrained_vars]
    read = _position_reader(value_names)

    def ravel(position):
        if not layout.names:
            return jnp.zeros(0, dtype=layout.dtype)
        return jnp.concatenate([jnp.ravel(jnp.asarray(position[n], dtype=layout.dtype)) for n in layout.names])

    def logdensity(position, data):
        _require_x64(density.x64)
        read(position)  # a clear error for a missing value
        extras = [jnp.asarray(position[n]) for n in extra_names]
        return density.fn(ravel(position), *extras, *[data[n] for n in density.data_names])[0]

    def logdensity_flat(x, data):
        _require_x64(density.x64)
        return density.fn(x, *[data[n] for n in density.data_names])[0]

    def constrain(position, data):
        _require_x64(cons.x64)
        return dict(zip(out_names, cons.fn(*read(position), *[data[n] for n in cons.data_names])))

    return JaxModel(
        logdensity=logdensity, initial_position=initial,
        data=LiveData({**density.lowered.variables(), **cons.variables()}),
        value_names=value_names, shapes={n: tuple(np.shape(initial[n])) for n in value_names},
        dtypes={v.name: np.dtype(v.type.dtype) for v in value_vars},
        discrete={v.name: v.type.dtype.startswith(("int", "uint", "bool")) for v in value_vars},
        constrain=constrain, observed_data=_observed_data(model),
        rv_names={model.rvs_to_values[rv].name: rv.name for rv in model.free_RVs},
        deterministic_names=[d.name for d in model.deterministics],
        dims=dict(model.named_vars_to_dims), coords=dict(model.coords), x64=density.x64 or cons.x64,
        logdensity_flat=None if extra_names else logdensity_flat, flat_names=list(layout.names), ravel=ravel,
        unravel=layout.unravel,
    )


def _observed_data(model):
    out = {}
    for rv in model.observed_RVs:
        value = model.rvs_to_values[rv]
        if isinstance(value, SharedVariable):
            out[rv.name] = np.asarray(value.get_value())
        elif isinstance(value, Constant):
            out[rv.name] = np.asarray(value.data)
        else:
            out[rv.name] = np.asarray(value.eval())
    return out


def logp_fn(model, jacobian=True):
    """``(logdensity(position) -> scalar, initial_position)``, closed over the current data."""
    jm = jax_model(model, jacobian=jacobian)
    data, logdensity_with_data = dict(jm.data), jm.logdensity

    def logdensity(position):
        return logdensity_with_data(position, data)

    return logdensity, jm.initial_position


__all__ = ["PointFunc", "compile_fn", "compile_logp", "compile_dlogp", "compile_d2logp", "JaxModel", "jax_model",
           "logp_fn", "checks_to_ninf", "remove_checks", "prepare"]
