"""Multivariate distributions: MvNormal, MvStudentT, Dirichlet, Multinomial, LKJCholeskyCov.

Densities reduce over the support dimensions: ``logp(MvNormal.dist(mu, cov), x)`` has the
batch shape of ``x``. Covariances are used through their Cholesky factor; a covariance
given as ``chol @ chol.T`` (what ``chol=`` builds) is not factorized again.
"""

from __future__ import annotations

import numpy as np

import rewrax.symbolic as pt
from rewrax.model import constraints
from rewrax.model.distributions.distribution import Continuous, Discrete, Distribution, resize, size_from_shape
from rewrax.model.logprob.checks import bound, check_parameters
from rewrax.model.logprob.math import LOG_PI
from rewrax.model.logprob.shapes import infer_shape
from rewrax.symbolic.elemwise import DimShuffle
from rewrax.symbolic.linalg import Matmul
from rewrax.symbolic.random import multivariate as rv
from rewrax.symbolic.random.op import make_rv

LOG_2PI = float(np.log(2 * np.pi))


def _mT(x):
    return pt.swapaxes(x, -1, -2)


def cholesky_factor(cov):
    """The lower Cholesky factor of ``cov``, reusing ``L`` when ``cov`` is the graph ``L @ L.T``."""
    owner = cov.owner
    if owner is not None and isinstance(owner.op, Matmul):
        a, b = owner.inputs
        if b.owner is not None and isinstance(b.owner.op, DimShuffle) and b.owner.inputs[0] is a:
            order = b.owner.op.new_order
            if len(order) >= 2 and tuple(order[-2:]) == (len(order) - 1, len(order) - 2):
                return a
    return pt.cholesky(cov)


def _quad_and_logdet(value, mu, cov):
    chol = cholesky_factor(cov)
    z = pt.solve_triangular(chol, value - mu, lower=True, b_ndim=1)
    diag = pt.diagonal(chol, axis1=-2, axis2=-1)
    return pt.sum(z**2, axis=-1), pt.sum(pt.log(diag), axis=-1), pt.all(diag > 0)


def _cov_from(what, cov=None, tau=None, chol=None, lower=True):
    if sum(x is not None for x in (cov, tau, chol)) != 1:
        raise ValueError(f"Incompatible parameterization. Specify exactly one of tau, {what}, or chol.")
    if chol is not None:
        chol = pt.as_tensor_variable(chol)
        chol = chol if lower else _mT(chol)
        return pt.matmul(chol, _mT(chol))
    if tau is not None:
        return pt.matrix_inverse(pt.as_tensor_variable(tau))
    return pt.as_tensor_variable(cov)


def _broadcast_mu(mu, cov):
    mu = pt.as_tensor_variable(mu)
    if mu.type.ndim == 0:
        return mu + pt.zeros_like(cov[..., -1])
    return mu


class MvNormal(Continuous):
    """Multivariate normal with mean ``mu`` and one of ``cov``, precision ``tau`` or Cholesky ``chol``.

    Examples
    --------
    >>> import numpy as np, rewrax as rx
    >>> x = rx.MvNormal.dist(mu=np.zeros(2), cov=np.eye(2))
    >>> round(float(rx.logp(x, np.zeros(2)).eval()), 6)
    -1.837877
    """

    rv_type = rv.MvNormalRV
    support = constraints.real_vector

    @classmethod
    def dist(cls, mu=0.0, cov=None, *, tau=None, chol=None, lower=True, **kwargs):
        cov = _cov_from("cov", cov, tau, chol, lower)
        return super().dist([_broadcast_mu(mu, cov), cov], **kwargs)

    @staticmethod
    def support_point(rv, shape, mu, cov):
        return mu

    @staticmethod
    def logp(value, mu, cov):
        quad, logdet, posdef = _quad_and_logdet(value, mu, cov)
        k = infer_shape(value)[-1]
        res = -0.5 * k * LOG_2PI - 0.5 * quad - logdet
        return check_parameters(res, posdef, msg="posdef")


class MvStudentT(Continuous):
    """Multivariate Student-t: ``nu``, location ``mu`` and one of ``scale`` (``Sigma``), ``tau``, ``chol``."""

    rv_type = rv.MvStudentTRV
    support = constraints.real_vector

    @classmethod
    def dist(cls, nu, *, Sigma=None, mu=0.0, scale=None, tau=None, chol=None, lower=True, **kwargs):
        if Sigma is not None:
            if scale is not None:
                raise ValueError("Specify only one of scale and Sigma")
            scale = Sigma
        scale = _cov_from("scale", scale, tau, chol, lower)
        return super().dist([nu, _broadcast_mu(mu, scale), scale], **kwargs)

    @staticmethod
    def support_point(rv, shape, nu, mu, scale):
        return mu

    @staticmethod
    def logp(value, nu, mu, scale):
        quad, logdet, posdef = _quad_and_logdet(value, mu, scale)
        k = infer_shape(value)[-1]
        res = (pt.gammaln((nu + k) / 2.0) - pt.gammaln(nu / 2.0) - 0.5 * k * (pt.log(nu) + LOG_PI)
               - logdet - (nu + k) / 2.0 * pt.log1p(quad / nu))
        return check_parameters(res, nu > 0, posdef, msg="nu > 0, posdef")


class Dirichlet(Continuous):
    """Dirichlet distribution on the simplex, with concentrations ``a`` (last axis)."""

    rv_type = rv.DirichletRV
    support = constraints.simplex

    @classmethod
    def dist(cls, a, **kwargs):
        return super().dist([a], **kwargs)

    @staticmethod
    def support_point(rv, shape, a):
        return a / pt.sum(a, axis=-1, keepdims=True)

    @staticmethod
    def logp(value, a):
        res = pt.sum(pt.xlogy(a - 1, value), axis=-1) - pt.sum(pt.gammaln(a), axis=-1) + pt.gammaln(pt.sum(a, axis=-1))
        inside = pt.and_(pt.all(value >= 0, axis=-1), pt.all(value <= 1, axis=-1))
        return check_parameters(bound(res, inside), a > 0, msg="a > 0")


class Multinomial(Discrete):
    """Counts of ``n`` draws over categories with probabilities ``p`` (last axis)."""

    rv_type = rv.MultinomialRV

    @classmethod
    def dist(cls, n, p, **kwargs):
        return super().dist([n, p], **kwargs)

    @classmethod
    def support_of(cls, n, p):
        return constraints.multinomial(n)

    @staticmethod
    def support_point(rv, shape, n, p):
        base = pt.floor(pt.expand_dims(n, -1) * p)
        missing = n - pt.sum(base, axis=-1)
        k = pt.arange(p.type.shape[-1] if p.type.shape[-1] is not None else pt.shape(p)[-1])
        top = pt.eq(k, pt.expand_dims(pt.argmax(p, axis=-1), -1))
        return base + pt.switch(top, pt.expand_dims(missing, -1), 0.0)

    @staticmethod
    def logp(value, n, p):
        res = pt.gammaln(n + 1.0) - pt.sum(pt.gammaln(value + 1.0), axis=-1) + pt.sum(pt.xlogy(value, p), axis=-1)
        res = bound(res, pt.all(value >= 0, axis=-1), pt.eq(pt.sum(value, axis=-1), n))
        ok = pt.lt(pt.abs(pt.sum(p, axis=-1) - 1), 1e-6)
        return check_parameters(res, n >= 0, 0 <= p, p <= 1, ok, msg="n >= 0, 0 <= p <= 1, sum(p) = 1")


# -- LKJ -------------------------------------------------------------------------------------------
def lkj_log_normalizer(eta, n):
    """``log`` of the normalizing constant of the LKJ density of Cholesky factors of correlations."""
    if n == 1:
        return pt.zeros_like(eta)
    dm1 = n - 1
    alpha = eta + 0.5 * dm1
    numerator = dm1 * (dm1 - 1) / 4.0 * LOG_PI + sum(pt.gammaln(alpha - 0.5 + (1 - j) / 2.0) for j in range(1, dm1 + 1))
    return 0.5 * dm1 * LOG_PI + numerator - dm1 * pt.gammaln(alpha)


def expand_packed_triangular(n, packed, lower=True):
    """The ``n x n`` triangular matrix whose non-zero entries are ``packed`` row by row.

    Examples
    --------
    >>> import numpy as np
    >>> from rewrax.model.distributions.multivariate import expand_packed_triangular
    >>> expand_packed_triangular(2, np.array([1.0, 2.0, 3.0])).eval()
    array([[1., 0.],
           [2., 3.]])
    """
    packed = pt.as_tensor_variable(packed)
    m = n * (n + 1) // 2
    index = np.full((n, n), m, dtype="int64")
    rows, cols = np.tril_indices(n)
    index[rows, cols] = np.arange(m)
    padded = pt.concatenate([packed, pt.zeros_like(packed[..., :1])], axis=-1)
    out = pt.take(padded, index, axis=-1)
    return out if lower else _mT(out)


class LKJCholeskyCov(Distribution):
    """Cholesky factor of a covariance: LKJ(eta) correlations scaled by draws of ``sd_dist``.

    In a model, ``LKJCholeskyCov("chol", eta=2, n=3, sd_dist=rx.Exponential.dist(1))`` returns
    ``(chol, corr, stds)`` (``compute_corr=True``, the default; ``<name>_corr`` and
    ``<name>_stds`` are stored as deterministics unless ``store_in_trace=False``), else the
    packed lower triangle. ``.dist`` returns the packed factor.
    """

    rv_type = rv.LKJCholeskyCovRV
    needs_op = True

    def __new__(cls, name, eta, n, sd_dist, *, compute_corr=True, store_in_trace=True, **kwargs):
        packed = Distribution.__new__(cls, name, eta=eta, n=n, sd_dist=sd_dist, **kwargs)
        if not compute_corr:
            return packed
        chol, corr, stds = unpack_cholesky(n, packed)
        if store_in_trace:
            from rewrax.model.core import Deterministic

            corr = Deterministic(f"{name}_corr", corr)
            stds = Deterministic(f"{name}_stds", stds)
        return chol, corr, stds

    @classmethod
    def dist(cls, eta, n, sd_dist, *, shape=None, size=None, rng=None, **kwargs):
        if kwargs:
            raise TypeError(f"LKJCholeskyCov.dist() got unexpected keyword argument(s): {', '.join(sorted(kwargs))}")
        from rewrax.model.logprob.abstract import is_rv

        if not is_rv(sd_dist) or sd_dist.owner.op.ndim_supp != 0:
            raise TypeError(f"sd_dist must be a univariate distribution made with .dist(), got {sd_dist}")
        if sd_dist.name is not None:
            raise ValueError(f"sd_dist must be an unregistered .dist() variable, got the model variable {sd_dist.name!r}")
        n = int(n)
        size = size_from_shape(shape, size, 1, "LKJCholeskyCov")
        batch = () if size is None else tuple(size)
        sd = resize(sd_dist, batch + (n,))
        return make_rv(rv.LKJCholeskyCovRV(n), eta, sd, size=size, rng=rng)

    @classmethod
    def support_of(cls, eta, sd, op):
        return constraints.cov_cholesky(op.n)

    @staticmethod
    def support_point(rv, shape, eta, sd, op):
        from rewrax.model.distributions.distribution import support_point

        n = op.n
        diag = (np.cumsum(np.arange(1, n + 1)) - 1).astype("int64")
        onehot = np.zeros((n, n * (n + 1) // 2))
        onehot[np.arange(n), diag] = 1.0
        return pt.dot(support_point(sd), onehot)

    @staticmethod
    def logp(value, eta, sd, op):
        from rewrax.model.logprob.derive import derive

        n = op.n
        rows, _ = np.tril_indices(n)
        diag = (np.cumsum(np.arange(1, n + 1)) - 1).astype("int64")
        row_sum = np.zeros((n * (n + 1) // 2, n))
        row_sum[np.arange(len(rows)), rows] = 1.0
        stds = pt.sqrt(pt.dot(value**2, row_sum))
        corr_diag = pt.take(value, diag, axis=-1) / stds
        idx = np.arange(n)
        logp_lkj = pt.sum((2 * pt.expand_dims(eta, -1) - 3 + n - idx) * pt.log(corr_diag), axis=-1)
        log_jac = pt.sum(pt.log(corr_diag) - idx * pt.log(stds), axis=-1)
        logp_sd = pt.sum(derive("logp", sd, stds), axis=-1)
        res = logp_lkj - lkj_log_normalizer(eta, n) + log_jac + logp_sd
        return check_parameters(res, eta > 0, msg="eta > 0")


class LKJCorr(Distribution):
    """LKJ(eta) distribution of ``n x n`` correlation matrices: density proportional to ``det(C)**(eta - 1)``.

    The random variable is the matrix (support ``corr_matrix``). ``return_matrix=False`` (PyMC's
    default) returns its upper triangle without the diagonal, as PyMC does; the model variable
    holds the full matrix either way.
    """

    rv_type = rv.LKJCorrRV
    support = constraints.corr_matrix
    needs_op = True

    def __new__(cls, name, n, eta, *, return_matrix=False, **kwargs):
        corr = Distribution.__new__(cls, name, n=n, eta=eta, return_matrix=True, **kwargs)
        return corr if return_matrix else _upper_triangle(corr, int(n))

    @classmethod
    def dist(cls, n, eta, *, return_matrix=False, shape=None, size=None, rng=None, **kwargs):
        if kwargs:
            raise TypeError(f"LKJCorr.dist() got unexpected keyword argument(s): {', '.join(sorted(kwargs))}")
        n = int(n)
        if n < 2:
            raise ValueError(f"LKJCorr needs n >= 2, got n={n}")
        size = size_from_shape(shape, size, 2, "LKJCorr")
        corr = make_rv(rv.LKJCorrRV(n), eta, size=size, rng=rng)
        return corr if return_matrix else _upper_triangle(corr, n)

    @staticmethod
    def support_point(rv, shape, eta, op):
        return pt.eye(op.n)

    @staticmethod
    def logp(value, eta, op):
        n = op.n
        chol = pt.cholesky(value)
        diag = pt.diagonal(chol, axis1=-2, axis2=-1)
        logdet = 2 * pt.sum(pt.log(diag), axis=-1)
        k = np.arange(1, n)
        b = pt.expand_dims(eta, -1) + (n - k - 1) / 2.0
        log_z = pt.sum((2 * pt.expand_dims(eta, -1) - 2 + n - k) * (n - k) * np.log(2.0)
                       + (n - k) * pt.betaln(b, b), axis=-1)
        res = (eta - 1) * logdet - log_z
        unit = pt.all(pt.lt(pt.abs(pt.diagonal(value, axis1=-2, axis2=-1) - 1), 1e-8), axis=-1)
        symmetric = pt.all(pt.lt(pt.abs(value - _mT(value)), 1e-8), axis=(-2, -1))
        res = bound(res, pt.all(diag > 0, axis=-1), unit, symmetric)
        return check_parameters(res, eta > 0, msg="eta > 0")


def _upper_triangle(corr, n):
    rows, cols = np.triu_indices(n, 1)
    flat = pt.reshape(corr, (*[corr.shape[i] for i in range(corr.type.ndim - 2)], n * n)) if corr.type.ndim > 2 \
        else pt.flatten(corr)
    return pt.take(flat, rows * n + cols, axis=-1)


def unpack_cholesky(n, packed):
    """``(chol, corr, stds)`` from a packed Cholesky factor of a covariance."""
    chol = expand_packed_triangular(n, packed, lower=True)
    stds = pt.sqrt(pt.sum(chol**2, axis=-1))
    corr_chol = chol / pt.expand_dims(stds, -1)
    corr = pt.matmul(corr_chol, _mT(corr_chol))
    return chol, corr, stds
