"""The ``Distribution`` base class: PyMC's two call forms, shapes, and per-op registries.

``Normal.dist(mu, sigma, size=None, shape=None)`` builds the RandomVariable node and returns
its draw. ``Normal("x", mu, sigma, dims=, observed=, ...)`` inside a ``with rx.Model():``
block builds the same node (its shape taken from ``dims`` or ``observed`` when none is given)
and registers it with the model.

A subclass declares its contract as data, NumPyro style: ``rv_type`` (the RandomVariable
class), ``support`` (a constraint), and static ``logp`` / ``logcdf`` / ``icdf`` /
``support_point`` functions of ``(value, *params)``. Defining ``rv_type`` registers them.
"""

from __future__ import annotations

import numpy as np

import rewrax.symbolic as pt
from rewrax.model import constraints
from rewrax.model.logprob.abstract import is_rv, register_icdf, register_logcdf, register_logprob
from rewrax.model.logprob.shapes import broadcast_to_shape, infer_shape, rv_shape
from rewrax.symbolic.random.op import make_rv
from rewrax.symbolic.variable import Variable

#: RandomVariable class -> Distribution class
DISTRIBUTIONS: dict = {}

NO_MODEL_MESSAGE = (
    "No model on context stack, which is needed to instantiate distributions. Add variable inside a "
    "'with model:' block, or use the '.dist' syntax for a standalone distribution."
)
_MODEL_OPTIONS = ("observed", "total_size", "dims", "transform", "default_transform", "initval")


class Distribution:
    """Base class of distributions (see the module docstring)."""

    rv_type: type | None = None
    support = constraints.real
    #: logp/logcdf/icdf/support_point get ``op=`` too (for ops with properties, e.g. LKJ's n)
    needs_op = False

    def __init_subclass__(cls, **kwargs):
        super().__init_subclass__(**kwargs)
        rv_type = cls.__dict__.get("rv_type")
        if rv_type is None:
            return
        DISTRIBUTIONS[rv_type] = cls
        for name, register in (("logp", register_logprob), ("logcdf", register_logcdf), ("icdf", register_icdf)):
            if getattr(cls, name, None) is not None:
                register(rv_type, _op_function(cls, name))

    def __new__(cls, name, *args, rng=None, **kwargs):
        from rewrax.model.core import modelcontext

        try:
            model = modelcontext(None)
        except TypeError:
            raise TypeError(NO_MODEL_MESSAGE) from None
        if not isinstance(name, str):
            raise TypeError(f"Name needs to be a string but got: {name!r}")
        if "testval" in kwargs:
            raise TypeError("testval is not supported; use initval= to set a variable's start value")
        options = {k: kwargs.pop(k) for k in _MODEL_OPTIONS if k in kwargs}
        if kwargs.get("shape") is None and kwargs.get("size") is None:
            shape = _implied_shape(model, options.get("dims"), options.get("observed"))
            if shape is not None:
                kwargs["shape"] = shape
        rv = cls.dist(*args, rng=rng, **kwargs)
        return model.register_rv(rv, name, **options)

    @classmethod
    def dist(cls, dist_params, *, shape=None, size=None, rng=None, **kwargs):
        """The draw of a new RandomVariable node with parameters ``dist_params``."""
        if kwargs:
            raise TypeError(f"{cls.__name__}.dist() got unexpected keyword argument(s): {', '.join(sorted(kwargs))}")
        op = cls.make_op(dist_params)
        params = [pt.as_tensor_variable(p) for p in dist_params]
        size = size_from_shape(shape, size, op.ndim_supp, cls.__name__)
        rv = make_rv(op, *params, size=size, rng=rng)
        _check_shape(rv, shape, cls.__name__)
        return rv

    @classmethod
    def make_op(cls, dist_params):
        return cls.rv_type()

    @classmethod
    def support_of(cls, *params, op=None):
        """The support given the parameters (a constant ``support`` unless overridden)."""
        return cls.support


class Continuous(Distribution):
    """Base class of continuous distributions."""


class Discrete(Distribution):
    """Base class of discrete (integer-valued) distributions."""

    support = constraints.integer


def _op_function(cls, name):
    fn = getattr(cls, name)
    if cls.needs_op:
        return lambda op, value, *params: fn(value, *params, op=op)
    return lambda op, value, *params: fn(value, *params)


# -- shapes ---------------------------------------------------------------------------------------
def _observed_shape(observed):
    if isinstance(observed, Variable):
        return infer_shape(observed)
    if hasattr(observed, "shape") and not isinstance(observed, (list, tuple)):
        return tuple(int(s) for s in observed.shape)
    return tuple(np.shape(observed))


def _implied_shape(model, dims, observed):
    if dims is not None:
        try:
            return model.shape_from_dims(dims)
        except (KeyError, ValueError):
            if observed is None:
                raise
    if observed is not None:
        return _observed_shape(observed)
    return None


def size_from_shape(shape, size, ndim_supp, what="distribution"):
    """The ``size`` (batch shape) implied by a full ``shape`` that includes support dimensions."""
    if shape is None:
        return size
    if size is not None:
        raise ValueError(f"{what}: give shape= or size=, not both (shape={shape!r}, size={size!r})")
    if isinstance(shape, Variable):
        if shape.type.ndim == 0:
            shape = (shape,)
        elif ndim_supp:
            return shape[: shape.type.shape[0] - ndim_supp] if shape.type.shape[0] is not None else shape[:-ndim_supp]
        else:
            return shape
    if isinstance(shape, (int, np.integer)):
        shape = (int(shape),)
    shape = tuple(shape)
    if Ellipsis in shape:
        raise ValueError(f"{what}: shape={shape!r}: Ellipsis in shapes is not supported; give the full shape")
    if len(shape) < ndim_supp:
        raise ValueError(f"{what}: shape={shape} has fewer dimensions than the {ndim_supp} support dimension(s)")
    return shape[: len(shape) - ndim_supp]


def _check_shape(rv, shape, what):
    if shape is None or isinstance(shape, Variable):
        return
    shape = (shape,) if isinstance(shape, (int, np.integer)) else tuple(shape)
    got = rv.type.shape
    if len(got) != len(shape) or any(isinstance(s, (int, np.integer)) and g is not None and g != s
                                     for s, g in zip(shape, got)):
        raise ValueError(f"{what}: shape={shape} does not fit the parameters: the variable has shape "
                         f"{tuple('?' if g is None else g for g in got)}")


def resize(rv, size, rng=None):
    """A copy of the univariate random variable ``rv`` with batch shape ``size`` (fresh draws)."""
    if not is_rv(rv):
        raise TypeError(f"expected the draw of a random variable (a .dist()), got {rv}")
    node = rv.owner
    from rewrax.symbolic.random.op import _size_vector

    new = node.op.make_node(rng if rng is not None else pt.shared_rng(), _size_vector(size), *node.op.dist_params(node))
    return new.outputs[1]


# -- dispatch on random variables -----------------------------------------------------------------
def distribution_of(op):
    """The Distribution class of the RandomVariable ``op`` (None if there is none)."""
    for cls in type(op).__mro__:
        if cls in DISTRIBUTIONS:
            return DISTRIBUTIONS[cls]
    return None


def support(rv):
    """The support of ``rv`` as a constraint (``constraints.positive``, ``interval(l, u)``, ...).

    Examples
    --------
    >>> import rewrax as rx
    >>> from rewrax.model.distributions import support
    >>> support(rx.HalfNormal.dist(1.0))
    positive
    """
    if is_rv(rv):
        cls = distribution_of(rv.owner.op)
        if cls is not None:
            op = rv.owner.op
            params = op.dist_params(rv.owner)
            return cls.support_of(*params, op=op) if cls.needs_op else cls.support_of(*params)
    from rewrax.model.logprob.derive import derived_support

    return derived_support(rv)


def support_point(rv):
    """A point inside the support of ``rv`` (mean- or mode-like), with ``rv``'s shape and dtype.

    This is PyMC's ``support_point``: the start value of samplers.

    Examples
    --------
    >>> import rewrax as rx
    >>> from rewrax.model.distributions import support_point
    >>> support_point(rx.Normal.dist(mu=[1.0, 2.0], sigma=1.0)).eval()
    array([1., 2.])
    """
    if is_rv(rv):
        op = rv.owner.op
        cls = distribution_of(op)
        if cls is None or getattr(cls, "support_point", None) is None:
            raise NotImplementedError(f"no support_point for {op.print_name} ({type(op).__name__})")
        params = op.dist_params(rv.owner)
        shape = rv_shape(rv.owner)
        out = cls.support_point(rv, shape, *params, op=op) if cls.needs_op else cls.support_point(rv, shape, *params)
    else:
        from rewrax.model.logprob.derive import derived_support_point

        out, shape = derived_support_point(rv, support_point), infer_shape(rv)
    out = pt.cast(pt.as_tensor_variable(out), rv.type.dtype)
    return broadcast_to_shape(out, shape)
