"""JAX lowerings of reductions, shape ops, indexing, linear algebra and sorting."""

from __future__ import annotations

import jax
import jax.numpy as jnp
import jax.scipy.linalg as jsl
import numpy as np

from rewrax.lower_jax.table import LoweringError, register
from rewrax.symbolic import layout, linalg, reduce, subtensor
from rewrax.symbolic import shape_ops as shape
from rewrax.symbolic import sorting as sort
from rewrax.symbolic.check import Check
from rewrax.symbolic.gradient import _GradientBarrier


def concrete_int(value, what: str, node) -> int:
    """``value`` as a Python int, or a clear error if it is only known at run time."""
    try:
        return int(np.asarray(value))
    except (jax.errors.ConcretizationTypeError, jax.errors.TracerArrayConversionError, TypeError):
        raise LoweringError(
            f"{node.op}: {what} must be known when the function is compiled (JAX needs static shapes), "
            f"but it depends on run-time values"
        ) from None


def _out_dtype(node, k=0):
    return node.outputs[k].type.dtype


# -- reductions ---------------------------------------------------------------------------------
_REDUCERS = {
    reduce.Sum: jnp.sum, reduce.Prod: jnp.prod, reduce.Max: jnp.max, reduce.Min: jnp.min,
    reduce.All: jnp.all, reduce.Any: jnp.any,
}


@register(reduce.Sum, reduce.Prod, reduce.Max, reduce.Min, reduce.All, reduce.Any)
def _reduce(node):
    fn = _REDUCERS[type(node.op)]
    axes = node.op.reduced(node.inputs[0].type.ndim)
    dtype = _out_dtype(node)
    if isinstance(node.op, (reduce.Sum, reduce.Prod)):
        return lambda x: [fn(x, axis=axes, dtype=dtype)]
    return lambda x: [jnp.asarray(fn(x, axis=axes), dtype=dtype)]


@register(reduce.LogSumExp)
def _logsumexp(node):
    axes = node.op.reduced(node.inputs[0].type.ndim)
    dtype = _out_dtype(node)
    return lambda x: [jax.nn.logsumexp(jnp.asarray(x, dtype), axis=axes)]


@register(reduce.Argmax)
def _argmax(node):
    fn = jnp.argmin if isinstance(node.op, reduce.Argmin) else jnp.argmax
    return lambda x: [fn(x, axis=node.op.axis).astype("int64")]


@register(reduce.Softmax)
def _softmax(node):
    dtype = _out_dtype(node)
    return lambda x: [jax.nn.softmax(jnp.asarray(x, dtype), axis=node.op.axis)]


@register(reduce.LogSoftmax)
def _log_softmax(node):
    dtype = _out_dtype(node)
    return lambda x: [jax.nn.log_softmax(jnp.asarray(x, dtype), axis=node.op.axis)]


@register(reduce.CumSum)
def _cumulative(node):
    fn = jnp.cumprod if isinstance(node.op, reduce.CumProd) else jnp.cumsum
    dtype = _out_dtype(node)
    return lambda x: [fn(x, axis=node.op.axis, dtype=dtype)]


# -- shapes -------------------------------------------------------------------------------------
@register(shape.Shape)
def _shape(node):
    return lambda x: [np.array(jnp.shape(x), dtype="int64")]


@register(shape.MakeVector)
def _make_vector(node):
    dtype = node.op.dtype

    def fn(*xs):
        if all(isinstance(x, (np.ndarray, np.generic)) for x in xs):
            return [np.array(xs, dtype=dtype).reshape(len(xs))]
        return [jnp.stack([jnp.asarray(x, dtype) for x in xs]) if xs else jnp.zeros((0,), dtype)]

    return fn


@register(shape.Reshape)
def _reshape(node):
    return lambda x, s: [jnp.reshape(x, tuple(concrete_int(v, "the target shape", node) for v in _entries(s, node)))]


def _entries(vec, node):
    try:
        return list(np.asarray(vec).reshape(-1))
    except (jax.errors.ConcretizationTypeError, jax.errors.TracerArrayConversionError):
        raise LoweringError(
            f"{node.op}: the shape must be known when the function is compiled (JAX needs static shapes), "
            "but it depends on run-time values"
        ) from None


@register(shape.SpecifyShape)
def _specify_shape(node):
    def fn(x):
        shape.check_shape(x, node.op.shape, node.inputs[0])
        return [x]

    return fn


@register(shape.Alloc)
def _alloc(node):
    dtype = _out_dtype(node)
    return lambda v, *s: [jnp.broadcast_to(jnp.asarray(v, dtype), tuple(concrete_int(d, "the shape", node) for d in s))]


@register(shape.Join)
def _join(node):
    dtype = _out_dtype(node)
    return lambda *xs: [jnp.concatenate([jnp.asarray(x, dtype) for x in xs], axis=node.op.axis)]


@register(shape.ARange)
def _arange(node):
    def fn(start, stop, step):
        vals = [np.asarray(v).item() if isinstance(v, (np.ndarray, np.generic)) else concrete_int(v, "arange bounds", node)
                for v in (start, stop, step)]
        return [jnp.arange(*vals, dtype=node.op.dtype)]

    return fn


@register(shape.Eye)
def _eye(node):
    return lambda n, m, k: [jnp.eye(concrete_int(n, "n", node), concrete_int(m, "m", node), concrete_int(k, "k", node),
                                    dtype=node.op.dtype)]


# -- layout -------------------------------------------------------------------------------------
@register(layout.Tile)
def _tile(node):
    return lambda x: [jnp.tile(x, node.op.reps)]


@register(layout.Repeat)
def _repeat(node):
    axis = node.op.axis
    total = node.outputs[0].type.shape[axis]

    def fn(x, r):
        if isinstance(r, (np.ndarray, np.generic)):
            return [jnp.repeat(x, np.asarray(r), axis=axis)]
        if total is None:
            raise LoweringError(f"{node.op}: with run-time repeats the output length must be known when compiling")
        return [jnp.repeat(x, r, axis=axis, total_repeat_length=total)]

    return fn


@register(layout.ExtractDiag)
def _extract_diag(node):
    op = node.op
    return lambda x: [jnp.diagonal(x, op.offset, op.axis1, op.axis2)]


@register(layout.AllocDiag)
def _alloc_diag(node):
    return lambda v: [jnp.diag(v, node.op.offset)]


@register(layout.TriangularPart)
def _triangular(node):
    fn = jnp.tril if node.op.lower else jnp.triu
    return lambda x: [fn(x, node.op.k)]


# -- indexing ------------------------------------------------------------------------------------
def _index(node, values, pattern, shape):
    out, it, axis = [], iter(values), 0
    for entry in pattern:
        if isinstance(entry, tuple):
            parts = [concrete_int(next(it), "slice bounds", node) if present else None for present in entry[1:]]
            out.append(slice(*parts))
        elif entry == "b":
            mask = next(it)
            if not isinstance(mask, (np.ndarray, np.generic)):
                raise LoweringError(
                    f"{node.op}: indexing with a boolean mask known only at run time has a data-dependent "
                    "shape, which JAX cannot compile; use pt.switch(mask, x, 0) or integer indices"
                )
            out.append(np.asarray(mask))
            axis += np.ndim(mask) - 1
        else:
            index = next(it)
            _check_bounds(node, index, axis, shape[axis])
            out.append(index)
        axis += 1
    return tuple(out)


def _check_bounds(node, index, axis, size):
    """NumPy's IndexError for indices known when tracing (JAX would clamp them silently)."""
    if not isinstance(index, (np.ndarray, np.generic)) or np.size(index) == 0:
        return
    bad = np.asarray(index)[(np.asarray(index) < -size) | (np.asarray(index) >= size)]
    if bad.size:
        raise IndexError(f"{node.op}: index {bad.flat[0]} is out of bounds for axis {axis} of "
                         f"{node.inputs[0]}, which has size {size}")


@register(subtensor.Subtensor, subtensor.AdvancedSubtensor)
def _subtensor(node):
    pattern = node.op.pattern

    def fn(x, *idx):
        x = jnp.asarray(x)
        return [x[_index(node, idx, pattern, x.shape)]]

    return fn


@register(subtensor.IncSubtensor, subtensor.AdvancedIncSubtensor)
def _inc_subtensor(node):
    op = node.op

    def fn(x, y, *idx):
        x = jnp.asarray(x)
        ref = x.at[_index(node, idx, op.pattern, x.shape)]
        return [ref.set(y) if op.set_instead_of_inc else ref.add(y)]

    return fn


# -- linear algebra ------------------------------------------------------------------------------
@register(linalg.Dot)
def _dot(node):
    return lambda a, b: [jnp.dot(a, b)]


@register(linalg.Matmul)
def _matmul(node):
    return lambda a, b: [jnp.matmul(a, b)]


def _square(a, node):
    if a.shape[-1] != a.shape[-2]:
        raise ValueError(f"{node.op}: {node.inputs[0]} must be a square matrix, got shape {tuple(a.shape)} at run time")
    return a


@register(linalg.Cholesky)
def _cholesky(node):
    lower = node.op.lower

    def fn(a):
        L = jnp.linalg.cholesky(_square(jnp.asarray(a), node))
        # all NaN when not positive definite, as the NumPy reference (JAX leaves a partial factor)
        L = jnp.where(jnp.isnan(L).any(axis=(-2, -1), keepdims=True), jnp.nan, L)
        return [L if lower else jnp.swapaxes(L, -1, -2)]

    return fn


@register(linalg.Solve)
def _solve(node):
    op = node.op

    def fn(a, b):
        if op.assume_a == "pos":
            c = jnp.linalg.cholesky(a)
            y = jsl.solve_triangular(c, b, lower=True)
            return [jsl.solve_triangular(c, y, lower=True, trans=1)]
        if op.assume_a == "sym":
            a = 0.5 * (a + jnp.swapaxes(a, -1, -2))
        return [jnp.linalg.solve(a, b)]

    return fn


@register(linalg.SolveTriangular)
def _solve_triangular(node):
    op = node.op
    return lambda a, b: [jsl.solve_triangular(a, b, trans=op.trans, lower=op.lower, unit_diagonal=op.unit_diagonal)]


@register(linalg.MatrixInverse)
def _inv(node):
    return lambda a: [jnp.linalg.inv(a)]


@register(linalg.Det)
def _det(node):
    return lambda a: [jnp.linalg.det(a)]


@register(linalg.SlogDet)
def _slogdet(node):
    return lambda a: list(jnp.linalg.slogdet(a))


# -- sorting and gradient barriers -----------------------------------------------------------
@register(sort.Sort)
def _sort(node):
    if isinstance(node.op, sort.Argsort):
        return lambda x: [jnp.argsort(x, axis=node.op.axis, stable=True).astype("int64")]
    return lambda x: [jnp.sort(x, axis=node.op.axis, stable=True)]


@register(_GradientBarrier)
def _barrier(node):
    return lambda x: [jax.lax.stop_gradient(x)]


@register(Check)
def _check(node):
    # Compiled functions collect the conditions (see interpret.graph_fn); inside inner graphs
    # the value passes through.
    return lambda value, *conds: [value]
