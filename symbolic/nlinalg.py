"""``pt.nlinalg``: NumPy-style linear algebra (``np.linalg``), split as PyTensor splits it.

Own Ops: ``Eig``, ``Eigh``, ``SVD`` and ``Pinv``; the rest (``norm``, ``matrix_power``,
``kron``, ``lstsq``, ``tensorinv``, ``tensorsolve``, ``matrix_dot``) are graphs of Ops.
"""

from __future__ import annotations

import functools

import numpy as np

from rewrax.symbolic import math as m
from rewrax.symbolic.basic import as_tensor_variable
from rewrax.symbolic.linalg_core import (  # noqa: F401
    MatrixInverse, _batched, _mT, _square, det, dot, inv, matrix_inverse, slogdet, trace,
)
from rewrax.symbolic.op import Op, UndefinedGrad
from rewrax.symbolic.scalar import upgrade_to_float
from rewrax.symbolic.type import TensorType
from rewrax.symbolic.variable import Apply

__all__ = [
    "Eig", "Eigh", "SVD", "Pinv", "det", "eig", "eigh", "inv", "kron", "lstsq", "matrix_dot", "matrix_inverse",
    "matrix_power", "norm", "pinv", "slogdet", "svd", "tensorinv", "tensorsolve", "trace",
]


def _float(a):
    return TensorType(upgrade_to_float(a.type.dtype), ())


def _mat(dtype, shape):
    return TensorType(dtype, shape).make_variable()


class Eig(Op):
    """Eigenvalues and right eigenvectors of a general square matrix (complex results)."""

    gufunc_signature = "(m,m)->(m),(m,m)"

    def make_node(self, a):
        a = _square(a, "eig")
        dtype = "complex64" if a.type.dtype in ("float32", "complex64") else "complex128"
        n = a.type.shape[0]
        return Apply(self, [a], [_mat(dtype, (n,)), _mat(dtype, (n, n))])

    def perform(self, node, inputs):
        w, v = np.linalg.eig(inputs[0])
        return [np.asarray(w, dtype=node.outputs[0].type.dtype), np.asarray(v, dtype=node.outputs[1].type.dtype)]

    def pullback(self, inputs, outputs, output_grads):
        return [UndefinedGrad(self, 0, "eig of a general matrix has no gradient in rewrax (nor in PyTensor); "
                                       "use eigh for symmetric matrices")]


class Eigh(Op):
    """Eigenvalues (ascending) and orthonormal eigenvectors of a symmetric matrix (``UPLO`` triangle)."""

    __props__ = ("UPLO",)
    gufunc_signature = "(m,m)->(m),(m,m)"

    def __init__(self, UPLO="L"):
        if UPLO not in ("L", "U"):
            raise ValueError(f"eigh: UPLO must be 'L' or 'U', got {UPLO!r}")
        self.UPLO = UPLO

    def make_node(self, a):
        a = _square(a, "eigh")
        dtype, n = upgrade_to_float(a.type.dtype), a.type.shape[0]
        return Apply(self, [a], [_mat(dtype, (n,)), _mat(dtype, (n, n))])

    def perform(self, node, inputs):
        w, v = np.linalg.eigh(inputs[0], UPLO=self.UPLO)
        return [np.asarray(w, dtype=node.outputs[0].type.dtype), np.asarray(v, dtype=node.outputs[1].type.dtype)]

    def pullback(self, inputs, outputs, output_grads):
        # A = V diag(w) V^T: gA = V (diag(gw) + F * (V^T gV)) V^T, F_ij = 1 / (w_j - w_i) off the diagonal;
        # symmetric, as a perturbation of a symmetric input is (distinct eigenvalues assumed).
        from rewrax.symbolic.shape_api import diag, eye

        w, v = outputs
        gw, gv = output_grads
        inner = diag(gw) if gw is not None else m.zeros_like(v)
        if gv is not None:
            diff = w.dimshuffle("x", 0) - w.dimshuffle(0, "x")
            n = v.shape[0]
            off = m.sub(1, eye(n, dtype=w.type.dtype))
            f = m.switch(m.eq(off, 0), 0.0, off / m.switch(m.eq(diff, 0), 1.0, diff))
            inner = inner + f * dot(v.T, gv)
        g = dot(dot(v, inner), v.T)
        return [m.mul(0.5, g + g.T)]


class SVD(Op):
    """Singular value decomposition ``a = u @ diag(s) @ vh`` (or ``s`` alone when ``compute_uv=False``)."""

    __props__ = ("full_matrices", "compute_uv")

    def __init__(self, full_matrices=True, compute_uv=True):
        self.full_matrices, self.compute_uv = bool(full_matrices), bool(compute_uv)
        self.gufunc_signature = ("(m,n)->(m,m),(k),(n,n)" if full_matrices else "(m,n)->(m,k),(k),(k,n)") \
            if compute_uv else "(m,n)->(k)"

    def make_node(self, a):
        a = as_tensor_variable(a)
        if a.type.ndim != 2:
            raise ValueError(f"svd takes a matrix, got {a} of type {a.type}; vectorize_graph batches it")
        dtype = upgrade_to_float(a.type.dtype)
        M, N = a.type.shape
        k = None if M is None or N is None else min(M, N)
        s = _mat(dtype, (k,))
        if not self.compute_uv:
            return Apply(self, [a], [s])
        u = _mat(dtype, (M, M) if self.full_matrices else (M, k))
        vh = _mat(dtype, (N, N) if self.full_matrices else (k, N))
        return Apply(self, [a], [u, s, vh])

    def perform(self, node, inputs):
        out = np.linalg.svd(inputs[0], full_matrices=self.full_matrices, compute_uv=self.compute_uv)
        out = out if self.compute_uv else (out,)
        return [np.asarray(o, dtype=v.type.dtype) for o, v in zip(out, node.outputs)]

    def pullback(self, inputs, outputs, output_grads):
        a = inputs[0]
        if self.compute_uv and (output_grads[0] is not None or output_grads[2] is not None):
            return [UndefinedGrad(self, 0, "the gradient through the singular vectors u, vh is not implemented; "
                                           "differentiate the singular values (compute_uv=False) instead")]
        gs = output_grads[1] if self.compute_uv else output_grads[0]
        u, _, vh = SVD(full_matrices=False)(a)
        return [dot(u * gs.dimshuffle("x", 0), vh)]


class Pinv(Op):
    """The Moore-Penrose pseudo-inverse (``np.linalg.pinv``; ``hermitian`` uses ``eigh``).

    Singular values below ``rcond * max(s)`` count as zero (NumPy's default ``1e-15``).
    """

    __props__ = ("hermitian", "rcond")
    gufunc_signature = "(m,n)->(n,m)"

    def __init__(self, hermitian=False, rcond=1e-15):
        self.hermitian, self.rcond = bool(hermitian), float(rcond)

    def make_node(self, a):
        a = as_tensor_variable(a)
        if a.type.ndim != 2:
            raise ValueError(f"pinv takes a matrix, got {a} of type {a.type}; vectorize_graph batches it")
        return Apply(self, [a], [_mat(upgrade_to_float(a.type.dtype), a.type.shape[::-1])])

    def perform(self, node, inputs):
        out = np.linalg.pinv(inputs[0], rcond=self.rcond, hermitian=self.hermitian)
        return [np.asarray(out, dtype=node.outputs[0].type.dtype)]

    def pullback(self, inputs, outputs, output_grads):
        # Golub & Pereyra (1973), for a constant rank:
        # dX = -X dA X + X X^T dA^T (I - A X) + (I - X A) dA^T X^T X
        from rewrax.symbolic.shape_api import eye

        a, x, g = inputs[0], outputs[0], output_grads[0]
        i_ax = eye(a.shape[0], dtype=x.type.dtype) - dot(a, x)
        i_xa = eye(a.shape[1], dtype=x.type.dtype) - dot(x, a)
        term1 = -dot(dot(x.T, g), x.T)
        term2 = dot(dot(dot(i_ax, g.T), x), x.T)
        term3 = dot(dot(dot(x.T, x), g.T), i_xa)
        return [term1 + term2 + term3]


# -- API -------------------------------------------------------------------------------------
def eig(x):
    """``(w, v)``: eigenvalues and right eigenvectors of a square matrix (complex, ``np.linalg.eig``)."""
    return _batched(Eig(), x)


def eigh(a, UPLO="L"):
    """``(w, v)`` of a symmetric matrix, eigenvalues ascending (``np.linalg.eigh``).

    Examples
    --------
    >>> import numpy as np, rewrax.symbolic as pt
    >>> w, v = pt.linalg.eigh(np.array([[2.0, 1.0], [1.0, 2.0]]))
    >>> w.eval()
    array([1., 3.])
    """
    return _batched(Eigh(UPLO), a)


def svd(a, full_matrices: bool = True, compute_uv: bool = True):
    """``(u, s, vh)`` with ``a = u @ diag(s) @ vh``, or ``s`` when ``compute_uv=False`` (``np.linalg.svd``)."""
    return _batched(SVD(full_matrices, compute_uv), a)


def pinv(x, hermitian=False):
    """The Moore-Penrose pseudo-inverse of a matrix (``np.linalg.pinv``)."""
    return _batched(Pinv(hermitian), x)


def matrix_dot(*args):
    """``args[0] @ args[1] @ ...`` (``np.linalg.multi_dot`` without the reordering)."""
    return functools.reduce(dot, args)


def matrix_power(M, n):
    """``M`` to the integer power ``n`` by repeated squaring; ``n < 0`` uses ``pinv(M)``.

    Examples
    --------
    >>> import numpy as np, rewrax.symbolic as pt
    >>> pt.linalg.matrix_power(np.array([[1.0, 1.0], [0.0, 1.0]]), 3).eval()
    array([[1., 3.],
           [0., 1.]])
    """
    from rewrax.symbolic.shape_api import eye

    M = _square(M, "matrix_power") if as_tensor_variable(M).type.ndim == 2 else as_tensor_variable(M)
    n = int(n)
    if n < 0:
        M, n = pinv(M), -n
    if n == 0:
        return m.ones_like(M) * eye(M.shape[-1], dtype=upgrade_to_float(M.type.dtype))
    result, base = None, M
    while n:
        if n & 1:
            result = base if result is None else _matmul(result, base)
        n >>= 1
        if n:
            base = _matmul(base, base)
    return result


def _matmul(a, b):
    from rewrax.symbolic.linalg_core import matmul

    return matmul(a, b)


def kron(a, b):
    """The Kronecker product of two tensors (``np.kron``; the ranks are aligned on the left).

    Examples
    --------
    >>> import numpy as np, rewrax.symbolic as pt
    >>> pt.linalg.kron(np.eye(2), np.ones((1, 2))).eval()
    array([[1., 1., 0., 0.],
           [0., 0., 1., 1.]])
    """
    from rewrax.symbolic.shape_api import shape_padleft

    a, b = as_tensor_variable(a), as_tensor_variable(b)
    nd = max(a.type.ndim, b.type.ndim)
    if nd == 0:
        return a * b
    a, b = shape_padleft(a, nd - a.type.ndim), shape_padleft(b, nd - b.type.ndim)
    # a[i0, 'x', i1, 'x', ...] * b['x', j0, 'x', j1, ...] -> reshape to (i0 * j0, i1 * j1, ...)
    pa = [p for d in range(nd) for p in (d, "x")]
    pb = [p for d in range(nd) for p in ("x", d)]
    prod = a.dimshuffle(*pa) * b.dimshuffle(*pb)
    return prod.reshape([a.shape[d] * b.shape[d] for d in range(nd)], ndim=nd)


def norm(x, ord=None, axis=None, keepdims=False):
    """Vector or matrix norm (``np.linalg.norm``): ``ord`` in None, 'fro', 'nuc', inf, -inf, 0, 1, -1, 2, -2, p.

    Examples
    --------
    >>> import numpy as np, rewrax.symbolic as pt
    >>> float(pt.linalg.norm(np.array([3.0, 4.0])).eval())
    5.0
    """
    from rewrax.symbolic import reduce as r

    x = as_tensor_variable(x)
    if axis is None:
        axis = tuple(range(x.type.ndim)) if ord is None or x.type.ndim <= 2 else None
        if axis is None:
            raise ValueError(f"norm: give axis for a tensor of rank {x.type.ndim} with ord={ord!r}")
        if ord is None:
            return m.sqrt(r.sum(m.sqr(m.abs(x)), axis=axis, keepdims=keepdims))
    axis = (axis,) if isinstance(axis, (int, np.integer)) else tuple(axis)
    axis = tuple(a % x.type.ndim for a in axis)
    if len(axis) == 1:
        return _vector_norm(x, ord, axis[0], keepdims)
    if len(axis) == 2:
        return _matrix_norm(x, ord, axis, keepdims)
    raise ValueError(f"norm: axis must name one or two dimensions, got {axis}")


def _vector_norm(x, ord, axis, keepdims):
    from rewrax.symbolic import reduce as r

    ax = abs_ = m.abs(x)
    if ord is None or ord == 2:
        return m.sqrt(r.sum(m.sqr(ax), axis=axis, keepdims=keepdims))
    if ord in (np.inf, "inf"):
        return r.max(abs_, axis=axis, keepdims=keepdims)
    if ord in (-np.inf, "-inf"):
        return r.min(abs_, axis=axis, keepdims=keepdims)
    if ord == 0:
        return r.sum(m.cast(m.neq(x, 0), upgrade_to_float(x.type.dtype)), axis=axis, keepdims=keepdims)
    if isinstance(ord, str):
        raise ValueError(f"norm: ord={ord!r} is a matrix norm; a vector norm takes a number")
    return m.pow(r.sum(m.pow(ax, float(ord)), axis=axis, keepdims=keepdims), 1.0 / float(ord))


def _matrix_norm(x, ord, axis, keepdims):
    from rewrax.symbolic import reduce as r
    from rewrax.symbolic.shape_api import expand_dims

    r0, c0 = axis
    if ord is None or ord in ("fro", "f"):
        out = m.sqrt(r.sum(m.sqr(m.abs(x)), axis=axis))
    elif ord in (1, -1):
        out = (r.max if ord == 1 else r.min)(r.sum(m.abs(x), axis=r0, keepdims=True), axis=axis)
    elif ord in (np.inf, -np.inf, "inf", "-inf"):
        out = (r.max if ord in (np.inf, "inf") else r.min)(r.sum(m.abs(x), axis=c0, keepdims=True), axis=axis)
    elif ord in (2, -2, "nuc"):
        s = svd(_to_end(x, axis), compute_uv=False)
        out = r.sum(s, axis=-1) if ord == "nuc" else (r.max if ord == 2 else r.min)(s, axis=-1)
    else:
        raise ValueError(f"norm: invalid ord {ord!r} for a matrix norm")
    if keepdims:
        out = expand_dims(out, sorted(axis))
    return out


def _to_end(x, axes):
    """``x`` with ``axes`` moved, in order, to the end."""
    return x.dimshuffle(*[d for d in range(x.type.ndim) if d not in axes], *axes)


def lstsq(a, b, rcond=None):
    """``(x, residuals, rank, s)``: the least-squares solution of ``a @ x = b`` (``np.linalg.lstsq``).

    ``x = pinv(a) @ b``; ``residuals`` are the squared residual norms per column of ``b`` when
    ``a`` has more rows than columns (NumPy returns an empty array if ``a`` is rank deficient;
    rewrax returns the sums), else empty.
    """
    from rewrax.symbolic import reduce as r
    from rewrax.symbolic.shape_api import zeros

    a, b = as_tensor_variable(a), as_tensor_variable(b)
    if a.type.ndim != 2 or b.type.ndim not in (1, 2):
        raise ValueError(f"lstsq: a must be a matrix and b a vector or matrix, got {a.type} and {b.type}")
    s = svd(a, compute_uv=False)
    M, N = a.type.shape
    eps = np.finfo(upgrade_to_float(a.type.dtype)).eps
    if rcond is None and M is not None and N is not None:
        rcond = eps * max(M, N)
    if isinstance(rcond, (float, int, np.floating)):
        x = dot(_batched(Pinv(False, float(rcond)), a), b)
    else:  # a tolerance known only at run time: no gradient through x
        rcond = eps * m.cast(m.maximum(a.shape[0], a.shape[1]), "float64") if rcond is None else rcond
        x = dot(_pinv_rcond(a, rcond), b)
    rank = r.sum(m.cast(m.gt(s, rcond * r.max(s)), "int64"))
    if M is not None and N is not None and M > N:
        resid = r.sum(m.sqr(b - dot(a, x)), axis=0)
        resid = resid if b.type.ndim == 2 else resid.reshape((1,))
    else:
        resid = zeros((0,), dtype=x.type.dtype)
    return x, resid, rank, s


def _pinv_rcond(a, rcond):
    # pinv with NumPy's rcond: singular values below rcond * max(s) count as zero
    from rewrax.symbolic import reduce as r

    u, s_, vh = svd(a, full_matrices=False)
    keep = m.gt(s_, rcond * r.max(s_))
    s_inv = m.switch(keep, 1.0 / m.switch(keep, s_, 1.0), 0.0)
    return dot(vh.T * s_inv.dimshuffle("x", 0), u.T)


def tensorinv(a, ind=2):
    """The inverse of ``a`` for ``tensordot`` over its first ``ind`` axes (``np.linalg.tensorinv``)."""
    a = as_tensor_variable(a)
    if any(s is None for s in a.type.shape):
        raise ValueError(f"tensorinv needs a static shape, got {a.type}")
    shape = a.type.shape
    rows = int(np.prod(shape[:ind]))
    inv_ = inv(a.reshape((rows, -1)))
    return inv_.reshape(tuple(shape[ind:]) + tuple(shape[:ind]))


def tensorsolve(a, b, axes=None):
    """``x`` with ``tensordot(a, x, x.ndim) = b`` (``np.linalg.tensorsolve``)."""
    from rewrax.symbolic.linalg_core import solve

    a, b = as_tensor_variable(a), as_tensor_variable(b)
    if axes is not None:
        a = _to_end(a, [ax % a.type.ndim for ax in axes])
    if any(s is None for s in a.type.shape):
        raise ValueError(f"tensorsolve needs a static shape for a, got {a.type}")
    x_shape = a.type.shape[b.type.ndim:]
    n = int(np.prod(x_shape))
    return solve(a.reshape((n, n)), b.reshape((n,))).reshape(x_shape)
