"""Multivariate random variables: one draw has core (support) dimensions.

``multivariate_normal(mean, cov)`` has signature ``(n),(n,n)->(n)``: batch dimensions of the
parameters broadcast, and ``size`` is the batch shape (NumPy semantics).
"""

from __future__ import annotations

from rewrax.symbolic.random.basic import _builder, _EXAMPLES, _rv
from rewrax.symbolic.random.op import RandomVariable, make_rv

MvNormalRV = _rv("MvNormalRV", "multivariate_normal", "MvNormal", ("mu", "cov"), signature="(n),(n,n)->(n)")
MvStudentTRV = _rv("MvStudentTRV", "multivariate_t", "MvStudentT", ("nu", "mu", "scale"), signature="(),(n),(n,n)->(n)")
DirichletRV = _rv("DirichletRV", "dirichlet", "Dirichlet", ("a",), signature="(a)->(a)")
MultinomialRV = _rv("MultinomialRV", "multinomial", "Multinomial", ("n", "p"), signature="(),(p)->(p)", dtype="int64")

_EXAMPLES.update(multivariate_normal=([0.0, 0.0], [[1.0, 0.0], [0.0, 1.0]]), multivariate_t=(4.0, [0.0], [[1.0]]),
                 dirichlet=([1.0, 2.0],), multinomial=(10, [0.3, 0.7]))

multivariate_normal = _builder(MvNormalRV, ("mean", "cov"), (), "Draws from a multivariate normal distribution.")
multivariate_t = _builder(MvStudentTRV, ("df", "mean", "scale"), (), "Draws from a multivariate Student-t distribution.")
dirichlet = _builder(DirichletRV, ("alphas",), (), "Draws from a Dirichlet distribution (points of the simplex).")
multinomial = _builder(MultinomialRV, ("n", "pvals"), (), "Counts of n draws over categories of probabilities pvals.")


class _FixedN(RandomVariable):
    """A random variable whose matrix size ``n`` is a static property (shapes depend on it)."""

    __props__ = ("n", "dtype")

    def __init__(self, n, dtype=None):
        if int(n) != n or n < 1:
            raise ValueError(f"{type(self).__name__}: n must be a positive integer, got {n!r}")
        self.n = int(n)
        super().__init__(dtype)

    def __str__(self):
        return f"{self.name}_rv{{n={self.n}, {self.signature}, {self.dtype}}}"


class LKJCholeskyCovRV(_FixedN):
    """Packed lower-triangular Cholesky factor of a covariance: LKJ(eta) correlations, ``sd`` scales.

    ``sd`` is the draw of the standard-deviation distribution (shape ``(..., n)``); the draw
    is ``diag(sd) @ L_corr`` packed row by row (``n * (n + 1) / 2`` entries).
    """

    name, print_name, param_names = "lkjcholeskycov", "LKJCholeskyCov", ("eta", "sd")
    signature = "(),(n)->(m)"

    def support_shape(self, params):
        return (self.n * (self.n + 1) // 2,)


class LKJCorrRV(_FixedN):
    """An ``n x n`` correlation matrix with density proportional to ``det(C) ** (eta - 1)``."""

    name, print_name, param_names = "lkjcorr", "LKJCorr", ("eta",)
    signature = "()->(n,n)"

    def support_shape(self, params):
        return (self.n, self.n)


def lkjcholeskycov(n, eta, sd, size=None, rng=None, name=None):
    """Packed Cholesky factors of covariances with LKJ(eta) correlations and scales ``sd``.

    Examples
    --------
    >>> import numpy as np, rewrax.symbolic as pt
    >>> pt.random.lkjcholeskycov(3, 2.0, np.ones(3)).eval().shape
    (6,)
    """
    return make_rv(LKJCholeskyCovRV(n), eta, sd, size=size, rng=rng, name=name)


def lkjcorr(n, eta, size=None, rng=None, name=None):
    """``n x n`` correlation matrices from the LKJ(eta) distribution.

    Examples
    --------
    >>> import rewrax.symbolic as pt
    >>> pt.random.lkjcorr(3, 2.0).eval().shape
    (3, 3)
    """
    return make_rv(LKJCorrRV(n), eta, size=size, rng=rng, name=name)

__all__ = [_n for _n in dir() if not _n.startswith("_") and _n not in ("annotations", "RandomVariable", "make_rv")]
