"""``pm.math``: the math helpers PyMC models use, with PyMC's names, signatures and numbers.

Most are the tensor API's own functions (``rewrax.symbolic``); the rest are small graphs
written here: ``logdiffexp``, ``kronecker`` and the ``kron_*`` products, ``cartesian``,
``expand_packed_triangular``, ``batched_diag``, ``block_diagonal``, ``probit``, ...
"""

from __future__ import annotations

import functools
import warnings

import numpy as np

import rewrax.symbolic as pt
from rewrax.symbolic import (  # noqa: F401
    abs, and_, arccos, arccosh, arcsin, arcsinh, arctan, arctanh, as_tensor, broadcast_to, ceil, clip, concatenate,
    constant, cos, cosh, cumprod, cumsum, diff, dot, eq, erf, erfc, erfcinv, erfinv, exp, flatten, floor, full,
    full_like, ge, gt, le, log, log1pexp, logaddexp, logsumexp, lt, matmul, max, maximum, mean, min, minimum, neq,
    ones, ones_like, or_, prod, round, sigmoid, sin, sinh, sqr, sqrt, stack, sum, switch, tan, tanh, where, zeros,
    zeros_like,
)
from rewrax.symbolic.linalg import inv as matrix_inverse, logdet, solve_triangular  # noqa: F401
from rewrax.symbolic.special import log_softmax, softmax  # noqa: F401

__all__ = [
    "abs", "and_", "arccos", "arccosh", "arcsin", "arcsinh", "arctan", "arctanh", "as_tensor", "batched_diag",
    "block_diagonal", "broadcast_to", "cartesian", "ceil", "clip", "concatenate", "constant", "cos", "cosh",
    "cumprod", "cumsum", "diff", "dot", "eq", "erf", "erfc", "erfcinv", "erfinv", "exp", "expand_packed_triangular",
    "flat_outer", "flatten", "flatten_list", "floor", "full", "full_like", "ge", "gt", "invlogit", "invprobit",
    "kron_diag", "kron_dot", "kron_solve_lower", "kron_solve_upper", "kronecker", "le", "log", "log1mexp",
    "log1pexp", "log_softmax", "logaddexp", "logbern", "logdet", "logdiffexp", "logit", "logsumexp", "lt", "matmul",
    "max", "maximum", "mean", "min", "minimum", "neq", "ones", "ones_like", "or_", "probit", "prod", "round", "sgn",
    "sigmoid", "sin", "sinh", "softmax", "sqr", "sqrt", "stack", "sum", "switch", "tan", "tanh", "where", "zeros",
    "zeros_like",
]

sgn = pt.sign
invlogit = sigmoid


def logit(p):
    """``log(p / (1 - p))``, the inverse of ``invlogit``.

    Examples
    --------
    >>> import rewrax as pm
    >>> float(pm.math.logit(0.5).eval())
    0.0
    """
    return pt.logit(p)


def probit(p):
    """The standard normal quantile ``-sqrt(2) * erfcinv(2 p)``.

    Examples
    --------
    >>> import rewrax as pm
    >>> print(f"{float(pm.math.probit(0.975).eval()):.6f}")
    1.959964
    """
    return -np.sqrt(2.0) * pt.erfcinv(2.0 * pt.as_tensor_variable(p))


def invprobit(x):
    """The standard normal CDF ``0.5 * erfc(-x / sqrt(2))``."""
    return 0.5 * pt.erfc(-pt.as_tensor_variable(x) / np.sqrt(2.0))


def logdiffexp(a, b):
    """``log(exp(a) - exp(b))`` for ``a >= b``, without cancellation; ``a`` where ``b = -inf``.

    Examples
    --------
    >>> import numpy as np, rewrax as pm
    >>> float(pm.math.logdiffexp(0.0, -np.inf).eval())
    0.0
    """
    a, b = pt.as_tensor_variable(a), pt.as_tensor_variable(b)
    return pt.switch(pt.eq(b, -np.inf), a, a + pt.log1mexp(b - a))


_UNSET = object()


def log1mexp(x, *, negative_input=_UNSET):
    """``log(1 - exp(x))`` for ``x <= 0``, accurate everywhere (Mächler 2012).

    ``negative_input=True`` is PyMC's old spelling of the default (a ``FutureWarning``);
    ``negative_input=False`` (the old ``log(1 - exp(-x))``) is refused, as in PyMC.
    """
    if negative_input is not _UNSET:
        if not negative_input:
            raise ValueError("log1mexp with negative_input=False is no longer supported. "
                             "Negate the input yourself before calling the function.")
        warnings.warn("log1mexp with negative_input=True is now the default behavior. Specifying will fail in a "
                      "future release of PyMC. Simply omit it", FutureWarning, stacklevel=2)
    return pt.log1mexp(x)


def logbern(log_p, rng=None):
    """One Bernoulli draw with log-probability ``log_p`` (a NumPy helper, as PyMC's): ``log(u) < log_p``."""
    if np.isnan(log_p):
        raise FloatingPointError("log_p can't be nan.")
    return np.log((rng or np.random).uniform()) < log_p


def kronecker(*Ks):
    """The Kronecker product ``K_1 ⊗ K_2 ⊗ ... ⊗ K_D`` of matrices."""
    return functools.reduce(pt.linalg.kron, Ks)


def cartesian(*arrays):
    """The Cartesian product of ``arrays`` (NumPy), earlier arrays varying slowest; 2-D inputs give row blocks.

    Examples
    --------
    >>> import rewrax as pm
    >>> pm.math.cartesian([1, 2], [3, 4])
    array([[1, 3],
           [1, 4],
           [2, 3],
           [2, 4]])
    """
    arrays_2d = [np.asarray(x)[:, None] if np.ndim(x) == 1 else np.asarray(x) for x in arrays]
    grids = np.meshgrid(*[np.arange(len(x)) for x in arrays_2d], indexing="ij")
    index = np.stack(grids, -1).reshape(-1, len(arrays))
    return np.concatenate([x[index[:, i]] for i, x in enumerate(arrays_2d)], axis=-1)


def kron_matrix_op(krons, m, op):
    """``op(kronecker(*krons), m)`` without forming the Kronecker product (``m`` a vector or matrix)."""
    m = pt.as_tensor_variable(m)
    if m.type.ndim == 1:
        m = m.dimshuffle(0, "x")
    if m.type.ndim != 2:
        raise ValueError(f"m must have ndim <= 2, not {m.type.ndim}")

    def flat_matrix_op(flat, mat):
        mat = pt.as_tensor_variable(mat)
        return op(mat, flat.reshape((mat.shape[1], -1))).T.reshape(flat.shape)

    result = functools.reduce(flat_matrix_op, krons, m)
    return result.reshape((result.shape[1], result.shape[0])).T


def kron_dot(krons, m):
    """``kronecker(*krons) @ m`` computed factor by factor."""
    return kron_matrix_op(krons, m, pt.dot)


def kron_solve_lower(krons, m):
    """``solve(kronecker(*krons), m)`` for lower-triangular factors."""
    return kron_matrix_op(krons, m, functools.partial(solve_triangular, lower=True))


def kron_solve_upper(krons, m):
    """``solve(kronecker(*krons), m)`` for upper-triangular factors."""
    return kron_matrix_op(krons, m, functools.partial(solve_triangular, lower=False))


def flat_outer(a, b):
    """The flattened outer product of two vectors."""
    return pt.outer(a, b).flatten()


def kron_diag(*diags):
    """The diagonal of the Kronecker product of diagonal matrices given by their diagonals."""
    return functools.reduce(flat_outer, diags)


def flatten_list(tensors):
    """All ``tensors`` flattened and joined into one vector."""
    return pt.concatenate([pt.as_tensor_variable(t).flatten() for t in tensors])


def expand_packed_triangular(n, packed, lower=True, diagonal_only=False):
    """The ``n x n`` triangular matrix stored row by row in the vector ``packed`` (or its diagonal).

    Examples
    --------
    >>> import numpy as np, rewrax as pm
    >>> pm.math.expand_packed_triangular(2, np.array([1.0, 2.0, 3.0])).eval()
    array([[1., 0.],
           [2., 3.]])
    >>> pm.math.expand_packed_triangular(2, np.array([1.0, 2.0, 3.0]), diagonal_only=True).eval()
    array([1., 3.])
    """
    packed = pt.as_tensor_variable(packed)
    if packed.type.ndim != 1:
        raise ValueError("Packed triangular is not one dimensional.")
    if not isinstance(n, (int, np.integer)):
        raise TypeError("n must be an integer")
    if diagonal_only:
        idx = np.arange(1, n + 1).cumsum() - 1 if lower else np.arange(2, n + 2)[::-1].cumsum() - n - 1
        return packed[idx]
    rows, cols = np.tril_indices(n) if lower else np.triu_indices(n)
    return pt.set_subtensor(pt.zeros((n, n), dtype=packed.type.dtype)[rows, cols], packed)


def batched_diag(C):
    """Stacked diagonal matrices from a matrix of diagonals, or the diagonals of a stack of matrices."""
    C = pt.as_tensor_variable(C)
    if C.type.ndim == 2:
        eye = pt.eye(C.shape[-1], dtype=C.type.dtype)
        return C.dimshuffle(0, 1, "x") * eye
    if C.type.ndim == 3:
        return pt.diagonal(C, 0, -2, -1)
    raise ValueError("Input should be 2 or 3 dimensional")


def block_diagonal(matrices, sparse=False, format="csr"):
    """The block-diagonal matrix of ``matrices`` (deprecated in PyMC for ``pt.linalg.block_diag``)."""
    warnings.warn("pymc.math.block_diagonal is deprecated in favor of `pytensor.tensor.linalg.block_diag` and "
                  "`pytensor.sparse.block_diag` functions. This function will be removed in a future release",
                  stacklevel=2)
    if sparse:
        raise NotImplementedError("block_diagonal(sparse=True): rewrax has no sparse tensors; use sparse=False")
    if len(matrices) == 1:
        return pt.as_tensor_variable(matrices[0])
    return pt.linalg.block_diag(*matrices)
