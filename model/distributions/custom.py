"""``CustomDist`` (alias ``DensityDist``): distributions written by the user, PyMC 5's API.

Two forms, as in PyMC:

- **black box**: ``logp=`` (a function of the symbolic ``value, *params`` returning a graph),
  optional ``logcdf=``, ``icdf=``, ``support_point=`` and ``random=`` (a NumPy function
  ``random(*params, rng=np.random.Generator, size=tuple|None)``). Draws run ``random`` on the
  host from inside the JAX program (:mod:`rewrax.lower_jax.random_custom`); without it,
  forward sampling raises ``NotImplementedError`` naming the variable.
- **dist=**: ``dist(*params, size)`` returns a graph of ``.dist()`` variables; the variable's
  draws are that graph and its log-density is derived from it
  (:mod:`rewrax.model.logprob.derive`) unless ``logp=`` is given.

As in PyMC, a custom variable has no default transform (give ``transform=`` for constrained
values) and starts at its ``support_point`` (zeros for the black box, the graph with every
inner variable at its own support point for ``dist=``).
"""

from __future__ import annotations

import numpy as np

import rewrax.symbolic as pt
from rewrax.model import constraints
from rewrax.model.distributions.distribution import Distribution, _check_shape, size_from_shape
from rewrax.model.logprob.abstract import is_rv
from rewrax.model.logprob.derive import derive, derived_support_point
from rewrax.symbolic.graph import ancestors
from rewrax.symbolic.random.custom import CustomDistRV, SymbolicRandomVariable, signature_from_ndims
from rewrax.symbolic.random.op import make_rv
from rewrax.symbolic.variable import Variable

_FUNCTIONS = ("logp", "logcdf", "icdf", "support_point", "random", "dist")


def _not_provided(op, method):
    return NotImplementedError(
        f"Attempted to run {method} on the CustomDist '{op.class_name}', but this method had not been provided "
        f"when the distribution was constructed. Please re-build your model and provide a callable to "
        f"'{op.class_name}'s {method} keyword argument.")


def _checked_term(kind, out, value, op):
    """The user's ``kind`` graph, after checking it has one entry per batch element of ``value``."""
    if out is None:
        raise TypeError(f"{op.class_name}: the {kind} function returned None; it must return a graph of the value")
    try:
        out = pt.as_tensor_variable(out)
    except (TypeError, ValueError) as exc:
        raise TypeError(f"{op.class_name}: the {kind} function returned {out!r}, which is not a tensor") from exc
    if out.type.ndim == 0:  # a summed term, which PyMC accepts too
        return out
    n_batch = value.type.ndim - op.ndim_supp
    want = value.type.shape[:n_batch]
    if out.type.ndim != n_batch or any(a is not None and b is not None and a != b for a, b in zip(out.type.shape, want)):
        got = tuple("?" if s is None else s for s in out.type.shape)
        raise ValueError(
            f"{op.class_name}: the {kind} function returned shape {got}, but the value {value.name or ''} of shape "
            f"{tuple('?' if s is None else s for s in value.type.shape)} has batch shape "
            f"{tuple('?' if s is None else s for s in want)} ({op.ndim_supp} support dimension(s)); return one term "
            "per batch element (or a scalar sum)")
    return out


def _size_arg(rv):
    size = rv.owner.inputs[1]
    return None if size.type.shape[0] == 0 else size


def _check_callables(class_name, **functions):
    for what, fn in functions.items():
        if fn is not None and not callable(fn):
            raise TypeError(f"{class_name}: {what}= must be a callable, got {fn!r}")


def _signature(n_params, ndim_supp, ndims_params, signature, class_name):
    if signature is not None:
        ins, _ = _parse(signature)
        if len(ins) != n_params:
            raise ValueError(f"{class_name}: the signature {signature!r} has {len(ins)} parameter(s), "
                             f"but {n_params} were given")
        return signature
    ndims_params = [0] * n_params if ndims_params is None else list(ndims_params)
    if len(ndims_params) != n_params:
        raise ValueError(f"{class_name}: ndims_params={ndims_params} has {len(ndims_params)} entries for "
                         f"{n_params} parameter(s)")
    return signature_from_ndims(ndims_params, 0 if ndim_supp is None else int(ndim_supp))


def _parse(signature):
    from rewrax.symbolic.blockwise import parse_signature

    return parse_signature(signature)


# -- the black-box form --------------------------------------------------------------------------
class _CustomDist(Distribution):
    """A ``CustomDistRV``: the user's NumPy ``random`` and graph-building ``logp``."""

    rv_type = CustomDistRV
    needs_op = True

    @classmethod
    def dist(cls, *dist_params, random=None, logp=None, logcdf=None, icdf=None, support_point=None,
             ndim_supp=None, ndims_params=None, signature=None, dtype="floatX", class_name="CustomDist",
             shape=None, size=None, rng=None, **kwargs):
        if kwargs:
            raise TypeError(f"CustomDist.dist() got unexpected keyword argument(s): {', '.join(sorted(kwargs))}")
        _check_callables(class_name, random=random, logp=logp, logcdf=logcdf, icdf=icdf, support_point=support_point)
        params = [pt.as_tensor_variable(p) for p in dist_params]
        if random is not None and _is_symbolic_random(random, params):
            raise TypeError(f"{class_name}: the function passed to random= must return NumPy draws, not a graph; "
                            "pass a function that builds a graph of .dist() variables to dist= instead")
        signature = _signature(len(params), ndim_supp, ndims_params, signature, class_name)
        n_supp = len(_parse(signature)[1][0])
        core_shape = None
        if n_supp and shape is not None and not isinstance(shape, Variable):
            full = (shape,) if isinstance(shape, (int, np.integer)) else tuple(shape)
            core_shape = tuple(s if isinstance(s, (int, np.integer)) else None for s in full[len(full) - n_supp:])
        op = CustomDistRV(class_name, signature, None if dtype == "floatX" else dtype, core_shape, random, logp,
                          logcdf, icdf, support_point)
        rv = make_rv(op, *params, size=size_from_shape(shape, size, n_supp, class_name), rng=rng)
        _check_shape(rv, shape, class_name)
        return rv

    @classmethod
    def support_of(cls, *params, op):
        return constraints.integer if op.dtype.startswith(("int", "uint", "bool")) else constraints.real

    @staticmethod
    def support_point(rv, shape, *params, op):
        if op.support_point_fn is not None:
            return op.support_point_fn(rv, _size_arg(rv), *params)
        if None in rv.type.shape and op.ndim_supp and op.random_fn is None:
            raise TypeError(f"Cannot safely infer the size of a multivariate random variable's support_point. "
                            f"Please provide a support_point function when instantiating the {op.class_name} "
                            "random variable.")
        return pt.zeros(shape, dtype=rv.type.dtype)

    @staticmethod
    def logp(value, *params, op):
        if op.logp_fn is None:
            raise _not_provided(op, "logp")
        return _checked_term("logp", op.logp_fn(value, *params), value, op)

    @staticmethod
    def logcdf(value, *params, op):
        if op.logcdf_fn is None:
            raise _not_provided(op, "logcdf")
        return _checked_term("logcdf", op.logcdf_fn(value, *params), value, op)

    @staticmethod
    def icdf(value, *params, op):
        if op.icdf_fn is None:
            raise _not_provided(op, "icdf")
        return pt.as_tensor_variable(op.icdf_fn(value, *params))


def _is_symbolic_random(random, params):
    """Whether ``random`` builds a graph when called on the symbolic parameters (PyMC's check)."""
    try:
        out = random(*params, None)
    except Exception:  # noqa: BLE001 - a NumPy function fails on symbolic inputs, as expected
        return False
    return isinstance(out, Variable)


# -- the dist= form ------------------------------------------------------------------------------
def _inner_rvs(draw, params):
    """Random variables in the graph of ``draw`` that the parameters do not bring in."""
    outer = {id(v) for v in ancestors(list(params))} if params else set()
    return [v for v in ancestors([draw]) if is_rv(v) and id(v) not in outer]


class _CustomSymbolicDist(Distribution):
    """A ``SymbolicRandomVariable``: draws are the graph ``dist(*params, size)``."""

    rv_type = SymbolicRandomVariable
    needs_op = True

    @classmethod
    def dist(cls, *dist_params, dist, logp=None, logcdf=None, icdf=None, support_point=None, ndim_supp=None,
             ndims_params=None, signature=None, dtype="floatX", class_name="CustomDist", shape=None, size=None,
             rng=None, **kwargs):
        if kwargs:
            raise TypeError(f"CustomDist.dist() got unexpected keyword argument(s): {', '.join(sorted(kwargs))}")
        _check_callables(class_name, dist=dist, logp=logp, logcdf=logcdf, icdf=icdf, support_point=support_point)
        params = [pt.as_tensor_variable(p) for p in dist_params]
        signature = _signature(len(params), ndim_supp, ndims_params, signature, class_name)
        n_supp = len(_parse(signature)[1][0])
        size = size_from_shape(shape, size, n_supp, class_name)
        if isinstance(size, (int, np.integer)):
            size = (int(size),)
        draw = dist(*params, size)
        draw = _check_draw(draw, params, class_name, n_supp)
        op = SymbolicRandomVariable(class_name, dtype=draw.type.dtype, logp_fn=logp, logcdf_fn=logcdf, icdf_fn=icdf,
                                    support_point_fn=support_point, signature=signature)
        rv = make_rv(op, *params, draw, size=size, rng=rng)
        _check_shape(rv, shape, class_name)
        return rv

    @classmethod
    def support_of(cls, *params, op):
        return constraints.integer if op.dtype.startswith(("int", "uint", "bool")) else constraints.real

    @staticmethod
    def support_point(rv, shape, *params, op):
        from rewrax.model.distributions.distribution import support_point as support_point_of

        if op.support_point_fn is not None:
            return op.support_point_fn(rv, _size_arg(rv), *params[:-1])
        return derived_support_point(params[-1], support_point_of)

    @staticmethod
    def _term(kind, fn, value, params, op):
        if fn is not None:
            return _checked_term(kind, fn(value, *params[:-1]), value, op)
        return derive(kind, params[-1], value)

    @staticmethod
    def logp(value, *params, op):
        return _CustomSymbolicDist._term("logp", op.logp_fn, value, params, op)

    @staticmethod
    def logcdf(value, *params, op):
        return _CustomSymbolicDist._term("logcdf", op.logcdf_fn, value, params, op)

    @staticmethod
    def icdf(value, *params, op):
        if op.icdf_fn is not None:
            return pt.as_tensor_variable(op.icdf_fn(value, *params[:-1]))
        return derive("icdf", params[-1], value)


def _check_draw(draw, params, class_name, n_supp):
    if not isinstance(draw, Variable):
        try:
            draw = pt.as_tensor_variable(draw)
        except (TypeError, ValueError):
            raise TypeError(f"{class_name}: dist= must return a graph of .dist() variables, got {draw!r}") from None
    inner = _inner_rvs(draw, params)
    if not inner:
        raise TypeError(f"{class_name}: dist= returned {draw}, which is not random: build it from .dist() "
                        "variables (e.g. rx.Normal.dist(mu, sigma, size=size))")
    named = [v for v in inner if v.name]
    if named:
        raise ValueError(f"{class_name}: dist= used the model variable {named[0].name!r}; inside dist, create "
                         "variables with .dist(...) (model variables come in as parameters)")
    if draw.type.ndim < n_supp:
        raise ValueError(f"{class_name}: dist= returned a graph with {draw.type.ndim} dimension(s), fewer than the "
                         f"{n_supp} support dimension(s) of the signature")
    return draw


# -- the public class ----------------------------------------------------------------------------
def _parse_dist_params(dist_params):
    if dist_params and callable(dist_params[0]) and not isinstance(dist_params[0], Variable):
        raise TypeError("The DensityDist API has changed, you are using the old API where logp was the first "
                        "positional argument. In the current API, the logp is a keyword argument, amongst other "
                        "changes. Please refer to the API documentation (CustomDist) for the new API.")
    return dist_params


def _check_dist_random(dist, random):
    if dist is not None and random is not None:
        raise ValueError("Cannot provide both dist and random functions")


class CustomDist:
    """A distribution from user-given functions (PyMC's ``CustomDist``).

    ``CustomDist(name, *dist_params, logp=, random=, logcdf=, icdf=, support_point=,
    ndim_supp=, ndims_params=, signature=, dtype=, class_name=, observed=, shape=, ...)`` (the
    black box) or ``CustomDist(name, *dist_params, dist=, ...)`` (``dist(*dist_params, size)``
    returns a graph of ``.dist()`` variables; its density is derived). ``.dist(...)`` builds
    the same variable outside a model.

    Examples
    --------
    >>> import numpy as np, rewrax as rx, rewrax.symbolic as pt
    >>> def logp(value, mu):
    ...     return -0.5 * (value - mu) ** 2 - 0.5 * np.log(2 * np.pi)
    >>> def random(mu, rng=None, size=None):
    ...     return rng.normal(mu, 1.0, size=size)
    >>> x = rx.CustomDist.dist(1.0, logp=logp, random=random)
    >>> round(float(rx.logp(x, 1.0).eval()), 6)
    -0.918939
    >>> y = rx.CustomDist.dist(0.0, 1.0, dist=lambda mu, sigma, size: pt.exp(rx.Normal.dist(mu, sigma, size=size)))
    >>> bool(np.isclose(rx.logp(y, 1.0).eval(), -0.5 * np.log(2 * np.pi)))
    True
    """

    def __new__(cls, name, *dist_params, dist=None, random=None, logp=None, logcdf=None, icdf=None,
                support_point=None, ndim_supp=None, ndims_params=None, signature=None, dtype="floatX", **kwargs):
        if isinstance(kwargs.get("observed", None), dict):
            raise TypeError("Since v4.0.0 the observed parameter should be of type pd.Series, np.array, or rx.Data; "
                            "distribution parameters are positional arguments")
        dist_params = _parse_dist_params(dist_params)
        _check_dist_random(dist, random)
        kwargs.setdefault("class_name", f"CustomDist_{name}")
        common = dict(logp=logp, logcdf=logcdf, icdf=icdf, support_point=support_point, ndim_supp=ndim_supp,
                      ndims_params=ndims_params, signature=signature, dtype=dtype)
        if dist is not None:
            return _CustomSymbolicDist(name, *dist_params, dist=dist, **common, **kwargs)
        return _CustomDist(name, *dist_params, random=random, **common, **kwargs)

    @classmethod
    def dist(cls, *dist_params, dist=None, random=None, logp=None, logcdf=None, icdf=None, support_point=None,
             ndim_supp=None, ndims_params=None, signature=None, dtype="floatX", **kwargs):
        dist_params = _parse_dist_params(dist_params)
        _check_dist_random(dist, random)
        common = dict(logp=logp, logcdf=logcdf, icdf=icdf, support_point=support_point, ndim_supp=ndim_supp,
                      ndims_params=ndims_params, signature=signature, dtype=dtype)
        if dist is not None:
            return _CustomSymbolicDist.dist(*dist_params, dist=dist, **common, **kwargs)
        return _CustomDist.dist(*dist_params, random=random, **common, **kwargs)


DensityDist = CustomDist

__all__ = ["CustomDist", "DensityDist", "SymbolicRandomVariable", "CustomDistRV"]
