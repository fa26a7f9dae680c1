"""Distributions made of other distributions: Mixture, NormalMixture, Censored, Truncated.

Each takes unregistered ``.dist()`` variables as components. Their draws are graphs of the
components' draws (``CensoredRV`` clips the base draw, ``MixtureRV`` picks among the
stacked component draws), and their densities are derived from the components' densities
(``rewrax.model.logprob.derive``), so any component the derivation rules accept works.
"""

from __future__ import annotations

import numpy as np

import rewrax.symbolic as pt
from rewrax.model import constraints
from rewrax.model.distributions.distribution import Distribution, distribution_of, resize, size_from_shape, support
from rewrax.model.distributions.params import is_constant_value
from rewrax.model.logprob.abstract import is_rv, lookup
from rewrax.model.logprob.checks import bound, check_parameters
from rewrax.model.logprob.derive import censored_density, derive, is_discrete
from rewrax.model.logprob.math import log_diff_exp, normal_lcdf, normal_log_mass, truncated_normal_logcdf
from rewrax.model.logprob.shapes import broadcast_entries, broadcast_to_shape, infer_shape
from rewrax.symbolic.random.basic import NormalRV
from rewrax.symbolic.random.meta import CensoredRV, MixtureRV, TruncatedRV
from rewrax.symbolic.random.op import make_rv
from rewrax.symbolic.scalar import upcast


def _unregistered_dist(dist, what):
    if not is_rv(dist):
        raise TypeError(f"{what} needs a distribution made with .dist(), got {dist!r}")
    if dist.name is not None:
        raise ValueError(f"{what}: {dist.name!r} is a model variable; pass an unregistered .dist() instead")
    if dist.owner.op.ndim_supp != 0:
        raise NotImplementedError(f"{what} of the multivariate {dist.owner.op.print_name} is not supported")
    return dist


def _batch_size(size, shape, ndim_supp, *parts):
    size = size_from_shape(shape, size, ndim_supp)
    if size is not None:
        return tuple(size) if not isinstance(size, (int, np.integer)) else (int(size),)
    return broadcast_entries([infer_shape(p) for p in parts])


# -- censoring -------------------------------------------------------------------------------------
class Censored(Distribution):
    """Draws of ``dist`` censored to ``[lower, upper]`` (``None``: no bound on that side).

    Values at a bound carry the probability of the tail beyond it.

    Examples
    --------
    >>> import numpy as np, rewrax as rx
    >>> x = rx.Censored.dist(rx.Normal.dist(0.0, 1.0), lower=-1.0, upper=None)
    >>> bool(np.isclose(rx.logp(x, -1.0).eval(), rx.logcdf(rx.Normal.dist(0.0, 1.0), -1.0).eval()))
    True
    """

    rv_type = CensoredRV

    @classmethod
    def dist(cls, dist, lower=None, upper=None, *, shape=None, size=None, rng=None, **kwargs):
        if kwargs:
            raise TypeError(f"Censored.dist() got unexpected keyword argument(s): {', '.join(sorted(kwargs))}")
        dist = _unregistered_dist(dist, "Censored")
        lower = pt.as_tensor_variable(-np.inf if lower is None else lower)
        upper = pt.as_tensor_variable(np.inf if upper is None else upper)
        batch = _batch_size(size, shape, 0, dist, lower, upper)
        dist = resize(dist, batch)
        return make_rv(CensoredRV(dist.type.dtype), dist, lower, upper, size=batch, rng=rng)

    @classmethod
    def support_of(cls, dist, lower, upper):
        return constraints.censored(lower, upper)

    @staticmethod
    def support_point(rv, shape, dist, lower, upper):
        from rewrax.model.distributions.distribution import support_point

        return pt.clip(support_point(dist), lower, upper)

    @staticmethod
    def logp(value, dist, lower, upper):
        return censored_density("logp", dist, lower, upper, value)

    @staticmethod
    def logcdf(value, dist, lower, upper):
        return censored_density("logcdf", dist, lower, upper, value)


# -- mixtures --------------------------------------------------------------------------------------
def _stack_components(comp_dists, batch):
    if isinstance(comp_dists, (list, tuple)):
        comps = [resize(_unregistered_dist(c, "Mixture"), batch) for c in comp_dists]
        dtype = upcast(*[c.type.dtype for c in comps])
        return pt.stack([pt.cast(c, dtype) for c in comps], axis=-1)
    comp = _unregistered_dist(comp_dists, "Mixture")
    k = infer_shape(comp)[-1]
    return resize(comp, tuple(batch) + (k,))


class Mixture(Distribution):
    """A mixture with weights ``w`` (last axis) of univariate components.

    ``comp_dists`` is a list of ``.dist()`` variables, or one ``.dist()`` whose last axis
    indexes the components.

    Examples
    --------
    >>> import numpy as np, rewrax as rx
    >>> x = rx.Mixture.dist(w=[0.3, 0.7], comp_dists=[rx.Normal.dist(-1.0, 1.0), rx.Normal.dist(2.0, 0.5)])
    >>> float(rx.logp(x, 0.0).eval()) < 0
    True
    """

    rv_type = MixtureRV

    @classmethod
    def dist(cls, w, comp_dists, *, shape=None, size=None, rng=None, **kwargs):
        if kwargs:
            raise TypeError(f"Mixture.dist() got unexpected keyword argument(s): {', '.join(sorted(kwargs))}")
        w = pt.as_tensor_variable(w)
        if w.type.ndim == 0:
            raise ValueError(f"Mixture: the weights w must have a last axis over the components, got {w.type}")
        if isinstance(comp_dists, (list, tuple)):
            parts = [w[..., 0]] + [_unregistered_dist(c, "Mixture") for c in comp_dists]
        else:
            comp = _unregistered_dist(comp_dists, "Mixture")
            parts = [w[..., 0], comp[..., 0]] if comp.type.ndim else [w[..., 0]]
        batch = _batch_size(size, shape, 0, *parts)
        comps = _stack_components(comp_dists, batch)
        return make_rv(MixtureRV(comps.type.dtype), w, comps, size=batch, rng=rng)

    @classmethod
    def support_of(cls, w, comps):
        from rewrax.model.logprob.derive import ancestors

        supports = [support(v) for v in ancestors([comps]) if is_rv(v)]
        if supports and all(s == supports[0] for s in supports):
            return supports[0]
        return constraints.integer if is_discrete(comps) else constraints.real

    @staticmethod
    def support_point(rv, shape, w, comps):
        from rewrax.model.logprob.derive import derived_support_point
        from rewrax.model.distributions.distribution import support_point

        points = derived_support_point(comps, support_point)
        mean = pt.sum(w * points, axis=-1)
        return pt.round(mean) if is_discrete(rv) else mean

    @staticmethod
    def _component_terms(kind, value, comps):
        value = pt.as_tensor_variable(value)
        v = pt.expand_dims(value, -1)
        shape = broadcast_entries([infer_shape(v), infer_shape(comps)])
        return derive(kind, comps, broadcast_to_shape(v, shape))

    @staticmethod
    def logp(value, w, comps):
        res = pt.logsumexp(pt.log(w) + Mixture._component_terms("logp", value, comps), axis=-1)
        ok = pt.lt(pt.abs(pt.sum(w, axis=-1) - 1), 1e-6)
        return check_parameters(res, 0 <= w, w <= 1, ok, msg="0 <= weights <= 1, sum(weights) == 1")

    @staticmethod
    def logcdf(value, w, comps):
        res = pt.logsumexp(pt.log(w) + Mixture._component_terms("logcdf", value, comps), axis=-1)
        ok = pt.lt(pt.abs(pt.sum(w, axis=-1) - 1), 1e-6)
        return check_parameters(res, 0 <= w, w <= 1, ok, msg="0 <= weights <= 1, sum(weights) == 1")


class NormalMixture:
    """A mixture of normals: weights ``w``, means ``mu``, scales ``sigma`` (or ``tau``), last axis.

    Examples
    --------
    >>> import rewrax as rx
    >>> x = rx.NormalMixture.dist(w=[0.5, 0.5], mu=[-1.0, 1.0], sigma=[1.0, 1.0])
    >>> x.owner.op.print_name
    'Mixture'
    """

    def __new__(cls, name, w, mu, sigma=None, tau=None, **kwargs):
        from rewrax.model.distributions.continuous import Normal

        return Mixture(name, w, Normal.dist(mu, sigma=sigma, tau=tau), **kwargs)

    @classmethod
    def dist(cls, w, mu, sigma=None, tau=None, **kwargs):
        from rewrax.model.distributions.continuous import Normal

        return Mixture.dist(w, Normal.dist(mu, sigma=sigma, tau=tau), **kwargs)


# -- truncation ------------------------------------------------------------------------------------
def _finite_or_none(bound_var, infinite):
    return None if is_constant_value(bound_var, infinite) else bound_var


class Truncated(Distribution):
    """``dist`` restricted to ``[lower, upper]`` and renormalized (``None``: unbounded side).

    Draws use the inverse CDF where it has one (normal, uniform) and rejection otherwise.

    Examples
    --------
    >>> import rewrax as rx
    >>> x = rx.Truncated.dist(rx.Exponential.dist(1.0), upper=2.0)
    >>> bool(rx.draw(x, draws=100, random_seed=1).max() <= 2.0)
    True
    """

    rv_type = TruncatedRV
    needs_op = True

    @classmethod
    def dist(cls, dist, lower=None, upper=None, *, shape=None, size=None, rng=None, max_n_steps=None, **kwargs):
        if kwargs:
            raise TypeError(f"Truncated.dist() got unexpected keyword argument(s): {', '.join(sorted(kwargs))}")
        dist = _unregistered_dist(dist, "Truncated")
        base_op = dist.owner.op
        if lookup("logcdf", base_op) is None:
            raise NotImplementedError(f"Truncated needs the logcdf of {base_op.print_name}, which is not implemented")
        lower = pt.as_tensor_variable(-np.inf if lower is None else lower)
        upper = pt.as_tensor_variable(np.inf if upper is None else upper)
        params = base_op.dist_params(dist.owner)
        batch = _batch_size(size, shape, 0, dist, lower, upper)
        return make_rv(TruncatedRV(base_op), lower, upper, *params, size=batch, rng=rng)

    @classmethod
    def support_of(cls, lower, upper, *params, op):
        lo, hi = _finite_or_none(lower, -np.inf), _finite_or_none(upper, np.inf)
        if op.dtype.startswith("int"):
            if lo is None and hi is None:
                return constraints.integer
            return constraints.integer_interval(-np.inf if lo is None else lo, np.inf if hi is None else hi)
        return constraints.interval(lo, hi)

    @staticmethod
    def support_point(rv, shape, lower, upper, *params, op):
        from rewrax.model.distributions.distribution import support_point

        base = support_point(make_rv(op.base_op, *params))
        lo_ok, hi_ok = pt.isfinite(lower), pt.isfinite(upper)
        mid = pt.switch(lo_ok & hi_ok, (lower + upper) / 2.0, pt.switch(lo_ok, lower + 1.0, upper - 1.0))
        inside = pt.and_(base >= lower, base <= upper)
        out = pt.switch(inside, base, mid)
        return pt.floor(out) if op.dtype.startswith("int") else out

    @staticmethod
    def _log_mass(op, lower, upper, params):
        """``(log P(lower <= X <= upper), log P(X < lower))`` of the base distribution."""
        if isinstance(op.base_op, NormalRV):
            mu, sigma = params
            return normal_log_mass(mu, sigma, lower, upper), normal_lcdf(mu, sigma, lower)
        lcdf = lookup("logcdf", op.base_op)
        below = lower - 1 if op.dtype.startswith("int") else lower
        # infinite bounds get finite stand-ins, so that no unselected branch has a NaN gradient
        lo_inf, hi_inf = pt.isinf(below), pt.isinf(upper)
        hi = pt.switch(hi_inf, pt.switch(lo_inf, 1.0, below + 1.0), upper)
        lo = pt.switch(lo_inf, hi - 1.0, below)
        lcdf_lo, lcdf_hi = lcdf(op.base_op, lo, *params), lcdf(op.base_op, hi, *params)
        # in the upper tail the complements are the small, accurate numbers
        upper_tail = log_diff_exp(pt.log1mexp(lcdf_lo), pt.log1mexp(lcdf_hi))
        two_sided = pt.switch(lcdf_lo > np.log(0.5), upper_tail, log_diff_exp(lcdf_hi, lcdf_lo))
        one_sided = pt.switch(hi_inf, pt.log1mexp(lcdf_lo), lcdf_hi)
        log_mass = pt.switch(lo_inf & hi_inf, 0.0, pt.switch(lo_inf | hi_inf, one_sided, two_sided))
        return log_mass, pt.switch(lo_inf, -np.inf, lcdf_lo)

    @staticmethod
    def logp(value, lower, upper, *params, op):
        base = lookup("logp", op.base_op)(op.base_op, value, *params)
        log_mass, _ = Truncated._log_mass(op, lower, upper, params)
        res = bound(base - log_mass, value >= lower, value <= upper)
        return check_parameters(res, lower <= upper, msg="lower <= upper")

    @staticmethod
    def logcdf(value, lower, upper, *params, op):
        log_mass, lcdf_lo = Truncated._log_mass(op, lower, upper, params)
        if isinstance(op.base_op, NormalRV):
            res = truncated_normal_logcdf(value, *params, lower, upper)
            return check_parameters(res, lower <= upper, msg="lower <= upper")
        lcdf = lookup("logcdf", op.base_op)
        below_value = log_diff_exp(lcdf(op.base_op, pt.minimum(value, upper), *params), lcdf_lo)
        res = pt.switch(value < lower, -np.inf, pt.switch(value >= upper, 0.0, below_value - log_mass))
        return check_parameters(res, lower <= upper, msg="lower <= upper")


__all__ = ["Censored", "Mixture", "NormalMixture", "Truncated", "distribution_of"]
