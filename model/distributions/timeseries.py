"""Random walks with PyMC's names: RandomWalk, GaussianRandomWalk, MvGaussianRandomWalk, MvStudentTRandomWalk.

A random walk of ``steps`` steps has ``steps + 1`` values on its time axis (the last axis, or
the one before the support axis of a multivariate walk): a draw of ``init_dist``, then the
cumulative sums of ``steps`` innovations. ``shape`` includes the initial value, so
``steps = shape[-1] - 1`` when only ``shape`` (or ``dims``, or ``observed``) gives it.

Its density is the initial value's density plus the innovations' density at the increments
``diff(value)``: one vectorised graph, no loop over steps. The other series (AR, GARCH11,
EulerMaruyama) are in :mod:`rewrax.model.distributions.timeseries_processes`; the helpers
here (``init_dist`` checks, ``steps`` from ``shape``) serve both.
"""

from __future__ import annotations

import warnings

import numpy as np

import rewrax.symbolic as pt
from rewrax.model.distributions.continuous import Normal
from rewrax.model.distributions.distribution import Distribution, _check_shape, resize, size_from_shape
from rewrax.model.distributions.multivariate import MvNormal, MvStudentT
from rewrax.model.logprob.abstract import is_rv
from rewrax.model.logprob.derive import derive
from rewrax.model.logprob.shapes import broadcast_entries, infer_shape
from rewrax.symbolic.graph import ancestors
from rewrax.symbolic.random.op import _size_vector, make_rv
from rewrax.symbolic.random.timeseries import RandomWalkRV
from rewrax.symbolic.scalar import upcast
from rewrax.symbolic.variable import Variable


# -- helpers shared with timeseries_processes ------------------------------------------------------
def check_init_dist(dist, what, name="init_dist", max_ndim_supp=0):
    """``dist`` if it is an unregistered ``.dist()`` of support rank at most ``max_ndim_supp``."""
    if not is_rv(dist):
        raise TypeError(f"{what}: {name} must be a distribution created with the .dist() API "
                        f"(e.g. rx.Normal.dist(0, 1)), got {dist!r}")
    if dist.name is not None:
        raise ValueError(f"{what}: {name} {dist.name!r} is a model variable; pass an unregistered .dist() instead "
                         f"(e.g. rx.Normal.dist(...)), it is cloned and resized to the series")
    ndim_supp = dist.owner.op.ndim_supp
    if ndim_supp > max_ndim_supp:
        kind = "univariate" if max_ndim_supp == 0 else f"at most {max_ndim_supp}-dimensional"
        raise ValueError(f"{what}: {name} must be a {kind} distribution, got {dist.owner.op.print_name} "
                         f"with support rank {ndim_supp}")
    return dist


def warn_default_init(text):
    warnings.warn(f"Initial distribution not specified, defaulting to `{text}`.You can specify an init_dist "
                  "manually to suppress this warning.", UserWarning, stacklevel=4)


def _static_int(x):
    if isinstance(x, (int, np.integer)):
        return int(x)
    if isinstance(x, Variable):
        from rewrax.symbolic.shape_ops import constant_value

        value = constant_value(x)
        return None if value is None else int(value)
    return int(x)


def infer_steps(what, steps, shape, offset, n_after=0):
    """``steps`` of a series, from ``steps`` or ``shape[-1 - n_after] - offset`` (both: they must agree)."""
    if shape is None or isinstance(shape, Variable):
        if steps is None and isinstance(shape, Variable):
            steps = shape[-1 - n_after] - offset
    else:
        shape = (shape,) if isinstance(shape, (int, np.integer)) else tuple(shape)
        if len(shape) < 1 + n_after:
            raise ValueError(f"{what}: shape={shape} has no time axis (it needs at least {1 + n_after} dimension(s))")
        length = shape[len(shape) - 1 - n_after]
        implied = length - offset
        if steps is not None:
            a, b = _static_int(steps), _static_int(implied)
            if a is not None and b is not None and a != b:
                raise ValueError(f"{what}: steps={a} does not agree with shape={shape}: the time axis of length "
                                 f"{length} holds {offset} initial value(s) and {b} step(s)")
        else:
            steps = implied
    if steps is None:
        raise ValueError(f"{what}: Must specify steps or shape parameter (or dims=, or observed=)")
    value = _static_int(steps)
    if value is not None:
        if value < 1:
            raise ValueError(f"{what}: steps must be at least 1, got steps={value}")
        return value
    return pt.cast(steps, "int64")


def batch_of(what, shape, size, ndim_supp, parts):
    """The batch shape of a series: from ``shape`` / ``size``, else broadcast from ``(var, n_core)`` parts."""
    size = size_from_shape(shape, size, ndim_supp, what)
    if size is not None:
        return (int(size),) if isinstance(size, (int, np.integer)) else tuple(size)
    shapes = []
    for var, n_core in parts:
        s = infer_shape(var)
        shapes.append(tuple(s[: len(s) - n_core]))
    return broadcast_entries(shapes)


def resize_with_time(dist, batch, steps):
    """Fresh draws of ``dist`` with shape ``(*batch, steps, *support)``: one draw per step.

    The parameters get a length-1 axis before their core dimensions, so parameters with
    the batch shape broadcast along the new time axis (plain ``size=(*batch, steps)`` would
    align them with the time axis instead).
    """
    node = dist.owner
    op = node.op
    params = [pt.expand_dims(p, p.type.ndim - n) if p.type.ndim > n else p
              for p, n in zip(op.dist_params(node), op.ndims_params)]
    return op.make_node(pt.shared_rng(), _size_vector((*batch, steps)), *params).outputs[1]


def time_concat(first, rest, axis):
    """``concatenate([expand_dims(first, axis), rest], axis)``: prepend one time step."""
    return pt.concatenate([pt.expand_dims(first, axis), rest], axis=axis)


# -- random walks --------------------------------------------------------------------------------
class RandomWalk(Distribution):
    """A random walk: ``init_dist`` then the cumulative sums of ``innovation_dist`` draws.

    ``init_dist`` and ``innovation_dist`` are unregistered ``.dist()`` variables with the same
    support rank (scalars, or vectors for multivariate walks); they are resized to the walk.

    Examples
    --------
    >>> import numpy as np, rewrax as rx
    >>> t = rx.StudentT.dist(nu=3, mu=0, sigma=1)
    >>> x = rx.RandomWalk.dist(init_dist=rx.Normal.dist(0, 1), innovation_dist=t, steps=4)
    >>> x.type.shape
    (5,)
    >>> v = np.array([0.0, 1.0, 0.5, 0.5, 2.0])
    >>> expected = rx.logp(rx.Normal.dist(0, 1), 0.0) + rx.logp(rx.StudentT.dist(nu=3, mu=0, sigma=1), np.diff(v)).sum()
    >>> bool(np.isclose(rx.logp(x, v).eval(), expected.eval()))
    True
    """

    rv_type = RandomWalkRV
    needs_op = True

    @classmethod
    def dist(cls, init_dist, innovation_dist, steps=None, *, shape=None, size=None, rng=None, what="RandomWalk",
             **kwargs):
        if kwargs:
            raise TypeError(f"{what}.dist() got unexpected keyword argument(s): {', '.join(sorted(kwargs))}")
        innov = check_init_dist(innovation_dist, what, "innovation_dist", max_ndim_supp=1)
        inner = innov.owner.op.ndim_supp
        init = check_init_dist(init_dist, what, "init_dist", max_ndim_supp=1)
        if init.owner.op.ndim_supp != inner:
            raise ValueError(f"{what}: init_dist ({init.owner.op.print_name}, support rank {init.owner.op.ndim_supp}) "
                             f"and innovation_dist ({innov.owner.op.print_name}, support rank {inner}) must have the "
                             "same support dimensionality")
        if any(v is init for v in ancestors([innov])) or any(v is innov for v in ancestors([init])):
            raise ValueError(f"{what}: init_dist and innovation_dist must be completely independent")
        steps = infer_steps(what, steps, shape, 1, inner)
        batch = batch_of(what, shape, size, inner + 1, [(init, inner), (innov, inner)])
        init, innov = resize(init, batch), resize_with_time(innov, batch, steps)
        op = RandomWalkRV(inner, upcast(init.type.dtype, innov.type.dtype, "float32"))
        rv = make_rv(op, init, innov, rng=rng)  # no size: the resized draws carry the batch shape
        _check_shape(rv, shape, what)
        return rv

    @staticmethod
    def support_point(rv, shape, init, innov, op):
        from rewrax.model.distributions.distribution import support_point

        axis = -1 - op.inner_ndim_supp
        return pt.cumsum(time_concat(support_point(init), support_point(innov), axis), axis=axis)

    @staticmethod
    def logp(value, init, innov, op):
        axis = -1 - op.inner_ndim_supp
        value = pt.as_tensor_variable(value)
        first = value[..., 0] if op.inner_ndim_supp == 0 else value[..., 0, :]
        init_logp = derive("logp", init, first)
        increments = pt.diff(value, axis=axis)
        return init_logp + pt.sum(derive("logp", innov, increments), axis=-1)


class GaussianRandomWalk(Distribution):
    """A random walk with ``Normal(mu, sigma)`` innovations (drift ``mu``, step scale ``sigma``).

    ``init_dist`` (a univariate ``.dist()``) defaults to ``Normal.dist(0, 100)`` with PyMC's
    ``UserWarning``. ``shape`` counts the initial value: ``shape[-1] == steps + 1``.

    Examples
    --------
    >>> import numpy as np, rewrax as rx
    >>> x = rx.GaussianRandomWalk.dist(mu=0.5, sigma=2.0, init_dist=rx.Normal.dist(0, 1), steps=10)
    >>> x.type.shape
    (11,)
    >>> v = np.linspace(0.0, 5.0, 11)
    >>> expected = rx.logp(rx.Normal.dist(0, 1), 0.0) + rx.logp(rx.Normal.dist(0.5, 2.0), np.diff(v)).sum()
    >>> bool(np.isclose(rx.logp(x, v).eval(), expected.eval()))
    True
    """

    @classmethod
    def dist(cls, mu=0.0, sigma=1.0, *, init_dist=None, steps=None, **kwargs):
        if init_dist is None:
            warn_default_init("Normal.dist(0, 100)")
            init_dist = Normal.dist(0, 100)
        check_init_dist(init_dist, "GaussianRandomWalk")
        innov = Normal.dist(mu=pt.as_tensor_variable(mu), sigma=pt.as_tensor_variable(sigma))
        return RandomWalk.dist(init_dist, innov, steps, what="GaussianRandomWalk", **kwargs)


def _default_mv_init(innov, what):
    k = infer_shape(innov)[-1]
    warn_default_init("MvNormal.dist(0, I*100)")
    return MvNormal.dist(pt.zeros((k,)), pt.eye(k) * 100.0)


class MvGaussianRandomWalk(Distribution):
    """A random walk with ``MvNormal(mu, cov | tau | chol)`` innovations; values on the last axis.

    ``init_dist`` (a vector ``.dist()``) defaults to ``MvNormal.dist(0, I*100)`` with a
    ``UserWarning``. ``shape[-2] == steps + 1``.

    Examples
    --------
    >>> import numpy as np, rewrax as rx
    >>> init = rx.MvNormal.dist(np.zeros(2), np.eye(2))
    >>> x = rx.MvGaussianRandomWalk.dist(mu=np.zeros(2), cov=np.eye(2), init_dist=init, steps=3)
    >>> x.type.shape
    (4, 2)
    """

    @classmethod
    def dist(cls, mu, *, cov=None, tau=None, chol=None, lower=True, init_dist=None, steps=None, **kwargs):
        innov = MvNormal.dist(mu=mu, cov=cov, tau=tau, chol=chol, lower=lower)
        if init_dist is None:
            init_dist = _default_mv_init(innov, "MvGaussianRandomWalk")
        check_init_dist(init_dist, "MvGaussianRandomWalk", max_ndim_supp=1)
        return RandomWalk.dist(init_dist, innov, steps, what="MvGaussianRandomWalk", **kwargs)


class MvStudentTRandomWalk(Distribution):
    """A random walk with ``MvStudentT(nu, mu, scale | tau | chol)`` innovations; values on the last axis.

    ``init_dist`` defaults to ``MvNormal.dist(0, I*100)`` with a ``UserWarning``.

    Examples
    --------
    >>> import numpy as np, rewrax as rx
    >>> x = rx.MvStudentTRandomWalk.dist(nu=4, mu=np.zeros(2), scale=np.eye(2),
    ...                                  init_dist=rx.MvNormal.dist(np.zeros(2), np.eye(2)), steps=3)
    >>> x.type.shape
    (4, 2)
    """

    @classmethod
    def dist(cls, *, nu, mu, scale=None, tau=None, chol=None, lower=True, init_dist=None, steps=None, cov=None,
             **kwargs):
        if cov is not None:
            if scale is not None:
                raise ValueError("MvStudentTRandomWalk: give scale= or cov=, not both")
            scale = cov
        innov = MvStudentT.dist(nu, mu=mu, scale=scale, tau=tau, chol=chol, lower=lower)
        if init_dist is None:
            init_dist = _default_mv_init(innov, "MvStudentTRandomWalk")
        check_init_dist(init_dist, "MvStudentTRandomWalk", max_ndim_supp=1)
        return RandomWalk.dist(init_dist, innov, steps, what="MvStudentTRandomWalk", **kwargs)


__all__ = ["RandomWalk", "GaussianRandomWalk", "MvGaussianRandomWalk", "MvStudentTRandomWalk"]
