"""``pt.slinalg``: SciPy-style linear algebra (``scipy.linalg``), split as PyTensor splits it.

Own Ops: ``Expm``, ``QR``, ``LUFactor``, ``PivotToPermutation`` and ``Eigvalsh``. ``lu``,
``lu_solve``, ``block_diag`` and the Sylvester/Lyapunov solvers are graphs of Ops (the
solvers through the Kronecker form, exact and differentiable, meant for the small state
spaces of time-series models: an ``n x n`` solve costs ``O(n^6)``).
"""

from __future__ import annotations

import numpy as np
import scipy.linalg as sla

from rewrax.symbolic import math as m
from rewrax.symbolic.basic import as_tensor_variable
from rewrax.symbolic.linalg_core import (  # noqa: F401
    Cholesky, Solve, SolveTriangular, _batched, _square, cho_solve, dot, solve_triangular,
)
from rewrax.symbolic.linalg_core import cholesky as _cholesky, solve as _solve
from rewrax.symbolic.nlinalg import Eigh, kron
from rewrax.symbolic.op import Op, UndefinedGrad
from rewrax.symbolic.scalar import upcast, upgrade_to_float
from rewrax.symbolic.type import TensorType
from rewrax.symbolic.variable import Apply

__all__ = [
    "Expm", "QR", "LUFactor", "PivotToPermutation", "Eigvalsh", "block_diag", "cho_solve", "cholesky", "eigvalsh",
    "expm", "lu", "lu_factor", "lu_solve", "pivot_to_permutation", "qr", "solve", "solve_continuous_lyapunov",
    "solve_discrete_lyapunov", "solve_sylvester", "solve_triangular",
]


def _var(dtype, shape):
    return TensorType(dtype, shape).make_variable()


class Expm(Op):
    """The matrix exponential (``scipy.linalg.expm``)."""

    gufunc_signature = "(m,m)->(m,m)"

    def make_node(self, a):
        a = _square(a, "expm")
        return Apply(self, [a], [_var(upgrade_to_float(a.type.dtype), a.type.shape)])

    def perform(self, node, inputs):
        return [np.asarray(sla.expm(inputs[0]), dtype=node.outputs[0].type.dtype)]

    def pullback(self, inputs, outputs, output_grads):
        # d expm(A)[E] is the upper-right block of expm([[A, E], [0, A]]); its adjoint at G is the
        # upper-right block of expm([[A^T, G], [0, A^T]]) (Najfeld & Havel 1995).
        from rewrax.symbolic.shape_api import concatenate

        a, g = inputs[0], output_grads[0]
        n = a.shape[0]
        z = m.zeros_like(a)
        big = concatenate([concatenate([a.T, g], axis=1), concatenate([z, a.T], axis=1)], axis=0)
        return [Expm()(big)[:n, n:]]


class QR(Op):
    """QR decomposition (``scipy.linalg.qr``): ``mode`` 'full', 'economic' or 'r'."""

    __props__ = ("mode",)

    def __init__(self, mode="full"):
        mode = {"complete": "full", "reduced": "economic"}.get(mode, mode)
        if mode not in ("full", "economic", "r"):
            raise ValueError(f"qr: mode must be 'full', 'economic' or 'r' (or 'complete'/'reduced'), got {mode!r}")
        self.mode = mode
        self.gufunc_signature = {"full": "(m,n)->(m,m),(m,n)", "economic": "(m,n)->(m,k),(k,n)",
                                 "r": "(m,n)->(m,n)"}[mode]

    def make_node(self, a):
        a = as_tensor_variable(a)
        if a.type.ndim != 2:
            raise ValueError(f"qr takes a matrix, got {a} of type {a.type}; vectorize_graph batches it")
        dtype = upgrade_to_float(a.type.dtype)
        M, N = a.type.shape
        k = None if M is None or N is None else min(M, N)
        if self.mode == "r":
            return Apply(self, [a], [_var(dtype, (M, N))])
        if self.mode == "full":
            return Apply(self, [a], [_var(dtype, (M, M)), _var(dtype, (M, N))])
        return Apply(self, [a], [_var(dtype, (M, k)), _var(dtype, (k, N))])

    def perform(self, node, inputs):
        out = sla.qr(inputs[0], mode=self.mode)
        out = out if isinstance(out, tuple) else (out,)
        return [np.asarray(o, dtype=v.type.dtype) for o, v in zip(out, node.outputs)]

    def pullback(self, inputs, outputs, output_grads):
        # reduced QR with m >= n: M = R gR^T - gQ^T Q, gA = (gQ + Q copyltu(M)) R^-T
        from rewrax.symbolic.shape_api import diag, diagonal, tril

        a = inputs[0]
        M, N = a.type.shape
        if self.mode == "full" and not (M is not None and M == N) or M is not None and N is not None and M < N:
            return [UndefinedGrad(self, 0, "the QR gradient is implemented for m >= n with mode='economic' "
                                           "(or 'r', or 'full' on a square matrix)")]
        q, r = QR("economic")(a)
        gq, gr = (None, output_grads[0]) if self.mode == "r" else output_grads
        if self.mode == "r" and gr is not None:
            gr = gr[: a.shape[1]]  # SciPy's R has m rows; those below n are zero
        gq = m.zeros_like(q) if gq is None else gq
        gr = m.zeros_like(r) if gr is None else gr
        mm = dot(r, gr.T) - dot(gq.T, q)
        low = tril(mm, -1)
        copyltu = low + low.T + diag(diagonal(mm))
        rhs = gq + dot(q, copyltu)
        return [solve_triangular(r, rhs.T, lower=False).T]


class LUFactor(Op):
    """``(lu, piv)`` of a square matrix (``scipy.linalg.lu_factor``): ``L`` below the diagonal, ``U`` on and above."""

    gufunc_signature = "(m,m)->(m,m),(m)"

    def make_node(self, a):
        a = _square(a, "lu_factor")
        n = a.type.shape[0]
        return Apply(self, [a], [_var(upgrade_to_float(a.type.dtype), a.type.shape), _var("int32", (n,))])

    def perform(self, node, inputs):
        lu_, piv = sla.lu_factor(inputs[0])
        return [np.asarray(lu_, dtype=node.outputs[0].type.dtype), np.asarray(piv, dtype="int32")]

    def pullback(self, inputs, outputs, output_grads):
        # P^T A = L U: gA = P L^-T (tril(L^T gL, -1) + triu(gU U^T)) U^-T, gL/gU the parts of g(lu)
        from rewrax.symbolic.shape_api import eye, tril, triu

        lu_, piv = outputs
        g = output_grads[0]
        if g is None:
            return [None]
        n = lu_.shape[0]
        L = tril(lu_, -1) + eye(n, dtype=lu_.type.dtype)
        U = triu(lu_)
        inner = tril(dot(L.T, tril(g, -1)), -1) + triu(dot(triu(g), U.T))
        left = solve_triangular(L, inner, lower=True, unit_diagonal=True, trans=1)
        right = solve_triangular(U, left.T, lower=False).T
        inv_perm = PivotToPermutation(inverse=True)(piv)
        return [right[inv_perm]]


class PivotToPermutation(Op):
    """The row permutation ``perm`` (``a[perm] = L @ U``) from LAPACK's sequential pivots; ``inverse`` its inverse."""

    __props__ = ("inverse",)
    gufunc_signature = "(m)->(m)"

    def __init__(self, inverse=False):
        self.inverse = bool(inverse)

    def make_node(self, piv):
        piv = as_tensor_variable(piv)
        if piv.type.ndim != 1 or not piv.type.dtype.startswith("int"):
            raise TypeError(f"pivot_to_permutation: pivots must be an integer vector, got {piv} of type {piv.type}")
        return Apply(self, [piv], [_var("int64", piv.type.shape)])

    def perform(self, node, inputs):
        perm = np.arange(len(inputs[0]))
        for i, j in enumerate(inputs[0]):
            perm[i], perm[j] = perm[j], perm[i]
        return [np.argsort(perm).astype("int64") if self.inverse else perm.astype("int64")]

    def pullback(self, inputs, outputs, output_grads):
        return [None]  # integers: nothing to differentiate


class Eigvalsh(Op):
    """Eigenvalues (ascending) of a symmetric ``a``, or of the symmetric-definite pencil ``(a, b)``."""

    __props__ = ("lower", "generalized")

    def __init__(self, lower=True, generalized=False):
        self.lower, self.generalized = bool(lower), bool(generalized)
        self.gufunc_signature = "(m,m),(m,m)->(m)" if generalized else "(m,m)->(m)"

    def make_node(self, a, *b):
        a = _square(a, "eigvalsh")
        if len(b) != int(self.generalized):
            raise TypeError(f"{self} takes {1 + int(self.generalized)} inputs, got {1 + len(b)}")
        ins = [a] + [_square(x, "eigvalsh") for x in b]
        dtype = upgrade_to_float(upcast(*[x.type.dtype for x in ins]))
        return Apply(self, ins, [_var(dtype, (a.type.shape[0],))])

    def perform(self, node, inputs):
        w = sla.eigvalsh(inputs[0], inputs[1] if self.generalized else None, lower=self.lower)
        return [np.asarray(w, dtype=node.outputs[0].type.dtype)]

    def pullback(self, inputs, outputs, output_grads):
        # standard: gA = V diag(g) V^T; generalized (V^T B V = I): gA = V diag(g) V^T, gB = -V diag(g w) V^T
        g, w = output_grads[0], outputs[0]
        a = _triangle_sym(inputs[0], self.lower)
        if not self.generalized:
            v = Eigh("L")(a)[1]
            return [dot(v * g.dimshuffle("x", 0), v.T)]
        c = _cholesky(_triangle_sym(inputs[1], self.lower))
        inner = solve_triangular(c, solve_triangular(c, a, lower=True).T, lower=True)  # L^-1 A L^-T
        vc = Eigh("L")(inner)[1]
        v = solve_triangular(c, vc, lower=True, trans=1)
        ga = dot(v * g.dimshuffle("x", 0), v.T)
        gb = -dot(v * (g * w).dimshuffle("x", 0), v.T)
        return [ga, gb]


def _triangle_sym(a, lower):
    from rewrax.symbolic.shape_api import tril, triu

    t = tril(a, -1) if lower else triu(a, 1)
    return t + t.T + (a - tril(a, -1) - triu(a, 1))


# -- API -------------------------------------------------------------------------------------
def cholesky(x, lower=True, *, check_finite=True, overwrite_a=False, on_error="nan"):
    """The Cholesky factor of a symmetric positive-definite matrix (NaN where it is not one)."""
    if on_error not in ("nan", "raise"):
        raise ValueError(f"cholesky: on_error must be 'nan' or 'raise', got {on_error!r}")
    return _cholesky(x, lower=lower)


_ASSUME = {"gen": "gen", "general": "gen", "sym": "sym", "symmetric": "sym", "her": "sym", "hermitian": "sym",
           "pos": "pos", "positive definite": "pos"}


def solve(a, b, *, lower=False, overwrite_a=False, overwrite_b=False, check_finite=True, assume_a="gen",
          transposed=False, b_ndim=None):
    """``x`` with ``a @ x = b`` (``scipy.linalg.solve``; ``transposed`` solves ``a.T @ x = b``)."""
    if assume_a not in _ASSUME:
        raise ValueError(f"solve: assume_a must be one of {sorted(_ASSUME)}, got {assume_a!r}")
    a = as_tensor_variable(a)
    if transposed:
        a = a.mT if hasattr(a, "mT") else a.T
    return _solve(a, b, assume_a=_ASSUME[assume_a], b_ndim=b_ndim)


def expm(A):
    """The matrix exponential ``sum_k A^k / k!`` (``scipy.linalg.expm``).

    Examples
    --------
    >>> import numpy as np, rewrax.symbolic as pt
    >>> pt.linalg.expm(np.zeros((2, 2))).eval()
    array([[1., 0.],
           [0., 1.]])
    """
    return _batched(Expm(), A)


def qr(A, mode="full", overwrite_a=False, pivoting=False, lwork=None):
    """``(Q, R)`` with ``A = Q @ R`` (``scipy.linalg.qr``); ``mode='r'`` returns ``(R,)`` as SciPy does."""
    if pivoting:
        raise NotImplementedError("qr(pivoting=True) is not supported")
    mode = "economic" if mode in ("economic", "reduced") else mode
    out = _batched(QR(mode), A)
    return (out,) if mode == "r" else tuple(out)


def lu_factor(a, *, check_finite=True, overwrite_a=False):
    """``(lu, piv)`` of a square matrix, for ``lu_solve`` (``scipy.linalg.lu_factor``)."""
    return tuple(_batched(LUFactor(), a))


def pivot_to_permutation(p, inverse=False):
    """The row permutation encoded by LAPACK pivots ``p`` (its inverse when ``inverse``)."""
    return _batched(PivotToPermutation(inverse), p)


def lu(a, permute_l=False, check_finite=True, p_indices=False, overwrite_a=False):
    """``(P, L, U)`` with ``a = P @ L @ U`` (``scipy.linalg.lu`` for square ``a``).

    ``permute_l`` returns ``(P @ L, U)``; ``p_indices`` returns ``p`` with ``a = L[p] @ U``.
    """
    from rewrax.symbolic.shape_api import eye, tril, triu

    lu_, piv = lu_factor(a)
    n = lu_.shape[-1]
    L = tril(lu_, -1) + eye(n, dtype=lu_.type.dtype)
    U = triu(lu_)
    inv_perm = pivot_to_permutation(piv, inverse=True)
    if permute_l:
        return L[inv_perm], U
    if p_indices:
        return inv_perm, L, U
    P = eye(n, dtype=lu_.type.dtype)[:, pivot_to_permutation(piv)]
    return P, L, U


def lu_solve(LU_and_pivots, b, trans=False, b_ndim=None, check_finite=True, overwrite_b=False):
    """``x`` with ``a @ x = b`` (``a.T @ x = b`` when ``trans``) from ``lu_factor(a)`` (``scipy.linalg.lu_solve``)."""
    lu_, piv = LU_and_pivots
    lu_, b = as_tensor_variable(lu_), as_tensor_variable(b)
    trans = {0: False, 1: True, 2: True, "N": False, "T": True, "C": True}.get(trans, trans)
    if not trans:
        y = solve_triangular(lu_, b[pivot_to_permutation(piv)], lower=True, unit_diagonal=True, b_ndim=b_ndim)
        return solve_triangular(lu_, y, lower=False, b_ndim=b_ndim)
    z = solve_triangular(lu_, b, lower=False, trans=1, b_ndim=b_ndim)
    w = solve_triangular(lu_, z, lower=True, unit_diagonal=True, trans=1, b_ndim=b_ndim)
    return w[pivot_to_permutation(piv, inverse=True)]


def eigvalsh(a, b=None, lower=True):
    """Eigenvalues of symmetric ``a`` (or of the pencil ``a x = w b x``), ascending (``scipy.linalg.eigvalsh``)."""
    if b is None:
        return _batched(Eigvalsh(lower, False), a)
    return _batched(Eigvalsh(lower, True), a, b)


def block_diag(*matrices):
    """The block-diagonal matrix of ``matrices`` (``scipy.linalg.block_diag``).

    Examples
    --------
    >>> import numpy as np, rewrax.symbolic as pt
    >>> pt.linalg.block_diag(np.ones((1, 1)), 2 * np.ones((1, 2))).eval()
    array([[1., 0., 0.],
           [0., 2., 2.]])
    """
    from rewrax.symbolic.shape_api import concatenate, zeros

    mats = [as_tensor_variable(x) for x in matrices]
    if not mats:
        raise ValueError("block_diag needs at least one matrix")
    for k, x in enumerate(mats):
        if x.type.ndim != 2:
            raise ValueError(f"block_diag: input {k} ({x}) must be a matrix, got type {x.type}")
    dtype = upcast(*[x.type.dtype for x in mats])
    rows = []
    for i, x in enumerate(mats):
        row = [m.cast(x, dtype) if j == i else zeros((x.shape[0], y.shape[1]), dtype=dtype) for j, y in enumerate(mats)]
        rows.append(concatenate(row, axis=1))
    return concatenate(rows, axis=0)


def _vec_solve(op_matrix, q, shape):
    # solve (op_matrix) vec(X) = vec(Q) in row-major vec form
    return _solve(op_matrix, q.flatten()).reshape(shape)


def solve_sylvester(A, B, Q):
    """``X`` with ``A @ X + X @ B = Q`` (``scipy.linalg.solve_sylvester``), via its Kronecker form."""
    from rewrax.symbolic.shape_api import eye

    A, B, Q = as_tensor_variable(A), as_tensor_variable(B), as_tensor_variable(Q)
    dtype = upgrade_to_float(upcast(A.type.dtype, B.type.dtype, Q.type.dtype))
    n, p = A.shape[0], B.shape[0]
    op_matrix = kron(A, eye(p, dtype=dtype)) + kron(eye(n, dtype=dtype), B.T)
    return _vec_solve(op_matrix, Q, (n, p))


def solve_continuous_lyapunov(A, Q):
    """``X`` with ``A @ X + X @ A^H = Q`` (``scipy.linalg.solve_continuous_lyapunov``)."""
    A = as_tensor_variable(A)
    return solve_sylvester(A, A.T, Q)


def solve_discrete_lyapunov(A, Q, method="bilinear"):
    """``X`` with ``A @ X @ A^H - X + Q = 0`` (``scipy.linalg.solve_discrete_lyapunov``).

    Both ``method`` values give the exact solution here (the Kronecker form); the argument is
    accepted for SciPy/PyTensor compatibility.
    """
    from rewrax.symbolic.shape_api import eye

    if method not in ("direct", "bilinear"):
        raise ValueError(f"solve_discrete_lyapunov: method must be 'direct' or 'bilinear', got {method!r}")
    A, Q = as_tensor_variable(A), as_tensor_variable(Q)
    n = A.shape[0]
    dtype = upgrade_to_float(upcast(A.type.dtype, Q.type.dtype))
    return _vec_solve(eye(n * n, dtype=dtype) - kron(A, A), Q, (n, n))
