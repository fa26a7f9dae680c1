"""Linear algebra core: dot, matmul, cholesky, solve, solve_triangular, inv, det, slogdet.

``Matmul`` broadcasts batch dimensions natively. The matrix ops (``Cholesky``, ``Solve``, ...)
act on one matrix; ``vectorize_graph`` batches them as ``Blockwise`` nodes with their gufunc
signature.
"""

from __future__ import annotations

import numpy as np
import scipy.linalg as sla

from rewrax.symbolic.basic import as_tensor_variable
from rewrax.symbolic.elemwise import broadcast_static_shapes, shape_text
from rewrax.symbolic.op import Op
from rewrax.symbolic.scalar import upcast, upgrade_to_float
from rewrax.symbolic.type import TensorType
from rewrax.symbolic.variable import Apply


def _mT(x):
    from rewrax.symbolic.shape_api import swapaxes

    return swapaxes(x, -1, -2)


def _sum_to(g, like):
    """Sum ``g`` over the batch dimensions that ``like`` broadcast along."""
    from rewrax.symbolic.reduce import sum as sum_

    extra = g.type.ndim - like.type.ndim
    if extra:
        g = sum_(g, axis=tuple(range(extra)))
    axes = [i for i, d in enumerate(like.type.shape[:-2]) if d == 1 and g.type.shape[i] != 1]
    return sum_(g, axis=axes, keepdims=True) if axes else g


def _check_inner(a, b, ka, kb, what):
    if ka is not None and kb is not None and ka != kb:
        raise ValueError(
            f"{what}: shapes {shape_text(a.type.shape)} and {shape_text(b.type.shape)} are not aligned "
            f"({ka} != {kb} in the contracted dimension)"
        )


class Dot(Op):
    """``np.dot`` of tensors of rank 1 or 2 (vector-vector, matrix-vector, matrix-matrix)."""

    def make_node(self, a, b):
        a, b = as_tensor_variable(a), as_tensor_variable(b)
        if not (1 <= a.type.ndim <= 2 and 1 <= b.type.ndim <= 2):
            raise TypeError(f"Dot takes vectors or matrices, got {a.type} and {b.type}; use matmul")
        ka = a.type.shape[-1]
        kb = b.type.shape[0]
        _check_inner(a, b, ka, kb, "dot")
        shape = a.type.shape[:-1] + b.type.shape[1:]
        dtype = upcast(a.type.dtype, b.type.dtype)
        return Apply(self, [a, b], [TensorType(dtype, shape).make_variable()])

    def perform(self, node, inputs):
        return [np.asarray(np.dot(*inputs), dtype=node.outputs[0].type.dtype)]

    def pullback(self, inputs, outputs, output_grads):
        from rewrax.symbolic.math import mul

        a, b = inputs
        g = output_grads[0]
        if a.type.ndim == 1 and b.type.ndim == 1:
            return [mul(g, b), mul(g, a)]
        if a.type.ndim == 2 and b.type.ndim == 1:
            return [outer(g, b), Dot()(a.T, g)]
        if a.type.ndim == 1 and b.type.ndim == 2:
            return [Dot()(b, g), outer(a, g)]
        return [Dot()(g, b.T), Dot()(a.T, g)]

    def vectorize(self, node, batched_inputs):
        a, b = batched_inputs
        a_core, b_core = node.inputs
        from rewrax.symbolic.shape_api import expand_dims, squeeze

        a2 = expand_dims(a, a.type.ndim - 1) if a_core.type.ndim == 1 else a
        b2 = expand_dims(b, b.type.ndim) if b_core.type.ndim == 1 else b
        out = matmul(a2, b2)
        drop = []
        if a_core.type.ndim == 1:
            drop.append(out.type.ndim - 2)
        if b_core.type.ndim == 1:
            drop.append(out.type.ndim - 1)
        return [squeeze(out, drop) if drop else out]


class Matmul(Op):
    """``np.matmul`` of tensors of rank >= 2, broadcasting the leading (batch) dimensions."""

    gufunc_signature = "(m,k),(k,n)->(m,n)"

    def make_node(self, a, b):
        a, b = as_tensor_variable(a), as_tensor_variable(b)
        if a.type.ndim < 2 or b.type.ndim < 2:
            raise TypeError(f"Matmul takes tensors of rank >= 2, got {a.type} and {b.type}")
        _check_inner(a, b, a.type.shape[-1], b.type.shape[-2], "matmul")
        nb = max(a.type.ndim, b.type.ndim) - 2
        ba = (1,) * (nb - (a.type.ndim - 2)) + a.type.shape[:-2]
        bb = (1,) * (nb - (b.type.ndim - 2)) + b.type.shape[:-2]
        batch = broadcast_static_shapes([ba, bb], "matmul") if nb else ()
        shape = batch + (a.type.shape[-2], b.type.shape[-1])
        return Apply(self, [a, b], [TensorType(upcast(a.type.dtype, b.type.dtype), shape).make_variable()])

    def perform(self, node, inputs):
        return [np.asarray(np.matmul(*inputs), dtype=node.outputs[0].type.dtype)]

    def pullback(self, inputs, outputs, output_grads):
        a, b = inputs
        g = output_grads[0]
        return [_sum_to(Matmul()(g, _mT(b)), a), _sum_to(Matmul()(_mT(a), g), b)]

    def vectorize(self, node, batched_inputs):
        return [self(*batched_inputs)]


class Cholesky(Op):
    """The Cholesky factor of a symmetric positive-definite matrix (NaN where not PD)."""

    __props__ = ("lower",)
    gufunc_signature = "(m,m)->(m,m)"

    def __init__(self, lower=True):
        self.lower = bool(lower)

    def make_node(self, a):
        a = _square(a, "cholesky")
        return Apply(self, [a], [TensorType(upgrade_to_float(a.type.dtype), a.type.shape).make_variable()])

    def perform(self, node, inputs):
        a = np.asarray(inputs[0], dtype=node.outputs[0].type.dtype)
        try:
            L = np.linalg.cholesky(0.5 * (a + a.T))
        except np.linalg.LinAlgError:
            L = np.full_like(a, np.nan)
        return [L if self.lower else L.T]

    def pullback(self, inputs, outputs, output_grads):
        from rewrax.symbolic import math as m
        from rewrax.symbolic.shape_api import diag, diagonal, tril

        L = outputs[0] if self.lower else outputs[0].T
        gL = output_grads[0] if self.lower else output_grads[0].T
        phi = Dot()(L.T, gL)
        phi = m.sub(tril(phi), m.mul(0.5, diag(diagonal(phi))))
        right = SolveTriangular(lower=False, trans=0, b_ndim=2)(L.T, phi.T).T  # P L^-1
        grad = SolveTriangular(lower=False, trans=0, b_ndim=2)(L.T, right)  # L^-T P L^-1
        return [m.mul(0.5, m.add(grad, grad.T))]


def _square(a, what):
    a = as_tensor_variable(a)
    if a.type.ndim != 2:
        raise ValueError(f"{what} takes a matrix, got {a} of type {a.type}; vectorize_graph batches it")
    n, m = a.type.shape
    if n is not None and m is not None and n != m:
        raise ValueError(f"{what} needs a square matrix, got shape {shape_text(a.type.shape)}")
    return a


class Solve(Op):
    """``x`` with ``a @ x = b``; ``assume_a`` in {"gen", "sym", "pos"}, ``b`` of rank ``b_ndim``."""

    __props__ = ("assume_a", "b_ndim")

    def __init__(self, assume_a="gen", b_ndim=2):
        if assume_a not in ("gen", "sym", "pos"):
            raise ValueError(f"assume_a must be 'gen', 'sym' or 'pos', got {assume_a!r}")
        self.assume_a, self.b_ndim = assume_a, int(b_ndim)
        self.gufunc_signature = "(m,m),(m)->(m)" if b_ndim == 1 else "(m,m),(m,n)->(m,n)"

    def make_node(self, a, b):
        a, b = _square(a, "solve"), as_tensor_variable(b)
        if b.type.ndim != self.b_ndim:
            raise ValueError(f"solve: b must have rank {self.b_ndim}, got {b.type}")
        _check_inner(a, b, a.type.shape[1], b.type.shape[0], "solve")
        dtype = upgrade_to_float(upcast(a.type.dtype, b.type.dtype))
        return Apply(self, [a, b], [TensorType(dtype, b.type.shape).make_variable()])

    def perform(self, node, inputs):
        a, b = inputs
        if self.assume_a != "gen":
            a = 0.5 * (a + np.swapaxes(a, -1, -2))
        return [np.asarray(np.linalg.solve(a, b) if self.b_ndim == 2 else np.linalg.solve(a, b[:, None])[:, 0],
                           dtype=node.outputs[0].type.dtype)]

    def pullback(self, inputs, outputs, output_grads):
        from rewrax.symbolic import math as m

        a, b = inputs
        x, g = outputs[0], output_grads[0]
        gb = Solve(self.assume_a, self.b_ndim)(a.T, g)
        ga = m.neg(outer(gb, x) if self.b_ndim == 1 else Dot()(gb, x.T))
        if self.assume_a != "gen":
            ga = m.mul(0.5, m.add(ga, ga.T))
        return [ga, gb]


class SolveTriangular(Op):
    """``x`` with ``op(a) @ x = b`` for triangular ``a``; ``trans`` 0 (a) or 1 (a.T)."""

    __props__ = ("lower", "trans", "unit_diagonal", "b_ndim")

    def __init__(self, lower=True, trans=0, unit_diagonal=False, b_ndim=2):
        self.lower, self.trans, self.unit_diagonal, self.b_ndim = bool(lower), int(trans), bool(unit_diagonal), int(b_ndim)
        if self.trans not in (0, 1):
            raise ValueError(f"trans must be 0 or 1, got {trans!r}")
        self.gufunc_signature = "(m,m),(m)->(m)" if b_ndim == 1 else "(m,m),(m,n)->(m,n)"

    def make_node(self, a, b):
        a, b = _square(a, "solve_triangular"), as_tensor_variable(b)
        if b.type.ndim != self.b_ndim:
            raise ValueError(f"solve_triangular: b must have rank {self.b_ndim}, got {b.type}")
        _check_inner(a, b, a.type.shape[1], b.type.shape[0], "solve_triangular")
        dtype = upgrade_to_float(upcast(a.type.dtype, b.type.dtype))
        return Apply(self, [a, b], [TensorType(dtype, b.type.shape).make_variable()])

    def perform(self, node, inputs):
        a, b = inputs
        out = sla.solve_triangular(a, b, lower=self.lower, trans=self.trans, unit_diagonal=self.unit_diagonal)
        return [np.asarray(out, dtype=node.outputs[0].type.dtype)]

    def pullback(self, inputs, outputs, output_grads):
        from rewrax.symbolic import math as m
        from rewrax.symbolic.shape_api import tril, triu

        a, b = inputs
        x, g = outputs[0], output_grads[0]
        gb = SolveTriangular(self.lower, 1 - self.trans, self.unit_diagonal, self.b_ndim)(a, g)
        full = m.neg(outer(gb, x) if self.b_ndim == 1 else Dot()(gb, x.T))
        if self.trans:
            full = full.T
        ga = tril(full, -1 if self.unit_diagonal else 0) if self.lower else triu(full, 1 if self.unit_diagonal else 0)
        return [ga, gb]


class MatrixInverse(Op):
    """The inverse of a square matrix."""

    gufunc_signature = "(m,m)->(m,m)"

    def make_node(self, a):
        a = _square(a, "inv")
        return Apply(self, [a], [TensorType(upgrade_to_float(a.type.dtype), a.type.shape).make_variable()])

    def perform(self, node, inputs):
        return [np.asarray(np.linalg.inv(inputs[0]), dtype=node.outputs[0].type.dtype)]

    def pullback(self, inputs, outputs, output_grads):
        from rewrax.symbolic.math import neg

        inv_t = outputs[0].T
        return [neg(Dot()(Dot()(inv_t, output_grads[0]), inv_t))]


class Det(Op):
    """The determinant of a square matrix."""

    gufunc_signature = "(m,m)->()"

    def make_node(self, a):
        a = _square(a, "det")
        return Apply(self, [a], [TensorType(upgrade_to_float(a.type.dtype), ()).make_variable()])

    def perform(self, node, inputs):
        return [np.asarray(np.linalg.det(inputs[0]), dtype=node.outputs[0].type.dtype)]

    def pullback(self, inputs, outputs, output_grads):
        from rewrax.symbolic.math import mul

        return [mul(mul(output_grads[0], outputs[0]), MatrixInverse()(inputs[0]).T)]


class SlogDet(Op):
    """``(sign, log|det|)`` of a square matrix."""

    gufunc_signature = "(m,m)->(),()"

    def make_node(self, a):
        a = _square(a, "slogdet")
        dtype = upgrade_to_float(a.type.dtype)
        return Apply(self, [a], [TensorType(dtype, ()).make_variable(), TensorType(dtype, ()).make_variable()])

    def perform(self, node, inputs):
        sign, logdet = np.linalg.slogdet(inputs[0])
        dtype = node.outputs[0].type.dtype
        return [np.asarray(sign, dtype=dtype), np.asarray(logdet, dtype=dtype)]

    def pullback(self, inputs, outputs, output_grads):
        from rewrax.symbolic.math import mul

        g = output_grads[1]
        if g is None:
            return [None]
        return [mul(g, MatrixInverse()(inputs[0]).T)]


# --------------------------------------------------------------------------------------------
# API
# --------------------------------------------------------------------------------------------
def dot(a, b):
    """``np.dot`` for rank <= 2, ``np.matmul`` semantics for higher ranks; scalars multiply."""
    from rewrax.symbolic.basic import as_tensor_operands
    from rewrax.symbolic.math import cast, mul

    a, b = as_tensor_operands(a, b)
    if a.type.ndim == 0 or b.type.ndim == 0:
        return mul(a, b)
    dtype = upcast(a.type.dtype, b.type.dtype)
    a, b = cast(a, dtype), cast(b, dtype)
    if a.type.ndim <= 2 and b.type.ndim <= 2:
        return Matmul()(a, b) if a.type.ndim == b.type.ndim == 2 else Dot()(a, b)
    return matmul(a, b)


def matmul(a, b):
    """``a @ b`` with NumPy's ``matmul`` rules (vectors promoted, batch dims broadcast)."""
    from rewrax.symbolic.basic import as_tensor_operands
    from rewrax.symbolic.math import cast
    from rewrax.symbolic.shape_api import expand_dims, squeeze

    a, b = as_tensor_operands(a, b)
    if a.type.ndim == 0 or b.type.ndim == 0:
        raise ValueError("matmul: input operand does not have enough dimensions (scalars are not allowed)")
    dtype = upcast(a.type.dtype, b.type.dtype)
    a, b = cast(a, dtype), cast(b, dtype)
    if a.type.ndim <= 2 and b.type.ndim <= 2 and (a.type.ndim == 1 or b.type.ndim == 1):
        return Dot()(a, b)
    a2 = expand_dims(a, 0) if a.type.ndim == 1 else a
    b2 = expand_dims(b, 1) if b.type.ndim == 1 else b
    out = Matmul()(a2, b2)
    drop = ([out.type.ndim - 2] if a.type.ndim == 1 else []) + ([out.type.ndim - 1] if b.type.ndim == 1 else [])
    return squeeze(out, drop) if drop else out


def outer(a, b):
    """Outer product of two vectors."""
    from rewrax.symbolic.math import mul
    from rewrax.symbolic.shape_api import expand_dims

    a, b = as_tensor_variable(a), as_tensor_variable(b)
    return mul(expand_dims(a.flatten() if a.type.ndim != 1 else a, 1), expand_dims(b.flatten() if b.type.ndim != 1 else b, 0))


def trace(a):
    """Sum of the diagonal of a matrix."""
    from rewrax.symbolic.reduce import sum as sum_
    from rewrax.symbolic.shape_api import diagonal

    return sum_(diagonal(a, 0, -2, -1), axis=-1)


def _batched(op_factory, *args):
    """Apply a single-matrix op, batching with Blockwise when inputs have extra dimensions."""
    from rewrax.symbolic.blockwise import Blockwise

    op = op_factory
    core_ranks = [int(len(s.strip("()").split(",")) if s.strip("()") else 0) for s in op.gufunc_signature.split("->")[0].split("),")]
    args = [as_tensor_variable(a) for a in args]
    if all(a.type.ndim == r for a, r in zip(args, core_ranks)):
        return op(*args)
    return Blockwise(op)(*args)


def cholesky(a, lower=True):
    """The Cholesky factor (lower by default) of a symmetric positive-definite matrix."""
    return _batched(Cholesky(lower), a)


def solve(a, b, assume_a="gen", b_ndim=None):
    """Solve ``a @ x = b`` for ``x``."""
    b = as_tensor_variable(b)
    b_ndim = b_ndim or (1 if b.type.ndim == 1 else 2)
    return _batched(Solve(assume_a, b_ndim), a, b)


def solve_triangular(a, b, trans=0, lower=False, unit_diagonal=False, b_ndim=None):
    """Solve ``a @ x = b`` (``trans=1``: ``a.T @ x = b``) for triangular ``a`` (SciPy's defaults)."""
    b = as_tensor_variable(b)
    trans = {"N": 0, "T": 1, "C": 1}.get(trans, trans)
    b_ndim = b_ndim or (1 if b.type.ndim == 1 else 2)
    return _batched(SolveTriangular(lower, trans, unit_diagonal, b_ndim), a, b)


def cho_solve(c_and_lower, b):
    """Solve ``a @ x = b`` given the Cholesky factor ``(c, lower)`` of ``a``."""
    c, lower = c_and_lower
    y = solve_triangular(c, b, lower=lower, trans=0 if lower else 1)
    return solve_triangular(c, y, lower=lower, trans=1 if lower else 0)


def inv(a):
    """The inverse of a square matrix."""
    return _batched(MatrixInverse(), a)


matrix_inverse = inv


def det(a):
    """The determinant of a square matrix."""
    return _batched(Det(), a)


def slogdet(a):
    """``(sign, log|det|)`` of a square matrix."""
    return _batched(SlogDet(), a)


def logdet(a):
    """``log|det(a)|``."""
    return slogdet(a)[1]
