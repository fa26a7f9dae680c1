"""JAX lowerings of the decompositions of ``pt.nlinalg`` and ``pt.slinalg``.

The core matrix Ops (dot, cholesky, solve, ...) are lowered in ``lower_jax/ops.py``.
"""

from __future__ import annotations

import jax
import jax.numpy as jnp
import jax.scipy.linalg as jsl

from rewrax.lower_jax.table import register
from rewrax.symbolic import nlinalg, slinalg


@register(nlinalg.Eig)
def _eig(node):
    dtypes = [o.type.dtype for o in node.outputs]
    return lambda a: [o.astype(d) for o, d in zip(jnp.linalg.eig(a), dtypes)]


@register(nlinalg.Eigh)
def _eigh(node):
    uplo = node.op.UPLO
    return lambda a: list(jnp.linalg.eigh(a, UPLO=uplo, symmetrize_input=False))


@register(nlinalg.SVD)
def _svd(node):
    op = node.op
    if not op.compute_uv:
        return lambda a: [jnp.linalg.svd(a, compute_uv=False)]
    return lambda a: list(jnp.linalg.svd(a, full_matrices=op.full_matrices))


@register(nlinalg.Pinv)
def _pinv(node):
    hermitian, rcond = node.op.hermitian, node.op.rcond
    return lambda a: [jnp.linalg.pinv(a, rtol=rcond, hermitian=hermitian)]


@register(slinalg.Expm)
def _expm(node):
    return lambda a: [jsl.expm(a)]


@register(slinalg.QR)
def _qr(node):
    mode = {"full": "complete", "economic": "reduced", "r": "r"}[node.op.mode]
    if mode == "r":
        return lambda a: [jnp.linalg.qr(a, mode="complete")[1]]
    return lambda a: list(jnp.linalg.qr(a, mode=mode))


@register(slinalg.LUFactor)
def _lu_factor(node):
    return lambda a: [o for o in jsl.lu_factor(a)]


@register(slinalg.PivotToPermutation)
def _pivot_to_permutation(node):
    inverse = node.op.inverse

    def fn(piv):
        perm = jax.lax.linalg.lu_pivots_to_permutation(jnp.asarray(piv, dtype="int32"), piv.shape[-1])
        return [(jnp.argsort(perm) if inverse else perm).astype("int64")]

    return fn


@register(slinalg.Eigvalsh)
def _eigvalsh(node):
    lower = node.op.lower

    def fn(a, *b):
        uplo = "L" if lower else "U"
        if not b:
            return [jnp.linalg.eigvalsh(a, UPLO=uplo)]
        bb = b[0]
        sym = lambda x: jnp.tril(x) + jnp.tril(x, -1).T if lower else jnp.triu(x) + jnp.triu(x, 1).T  # noqa: E731
        c = jnp.linalg.cholesky(sym(bb))
        inner = jsl.solve_triangular(c, jsl.solve_triangular(c, sym(a), lower=True).T, lower=True)
        return [jnp.linalg.eigvalsh(inner)]

    return fn
