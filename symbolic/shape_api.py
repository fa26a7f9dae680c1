"""The shape part of the tensor API (``pt.reshape``, ``pt.stack``, ``pt.zeros``, ...)."""

from __future__ import annotations

import numpy as np

from rewrax.symbolic.basic import as_tensor_variable, constant
from rewrax.symbolic.config import config
from rewrax.symbolic.elemwise import DimShuffle, broadcast_static_shapes
from rewrax.symbolic.layout import AllocDiag, ExtractDiag, Repeat, Tile, TriangularPart
from rewrax.symbolic.reduce import normalize_axes
from rewrax.symbolic.type import normalize_dtype
from rewrax.symbolic.variable import Variable


def _shape_vector(shape):
    """A symbolic int64 vector from a tuple of ints / scalar variables, or a vector variable."""
    from rewrax.symbolic.shape_ops import MakeVector

    if isinstance(shape, Variable):
        if shape.type.ndim == 0:
            return MakeVector("int64")(shape)
        return shape if shape.type.dtype == "int64" else shape.astype("int64")
    if isinstance(shape, (int, np.integer)):
        shape = (shape,)
    shape = tuple(shape)
    if all(isinstance(s, (int, np.integer)) for s in shape):
        return constant(np.array(shape, dtype="int64").reshape(len(shape)))
    return MakeVector("int64")(*[as_tensor_variable(s) for s in shape])


def shape(x):
    """The shape of ``x`` as a symbolic int64 vector (``x.shape``)."""
    from rewrax.symbolic.shape_ops import Shape

    return Shape()(as_tensor_variable(x))


def reshape(x, newshape, ndim=None):
    """``x`` with a new shape (one entry may be -1)."""
    from rewrax.symbolic.shape_ops import Reshape

    x = as_tensor_variable(x)
    vec = _shape_vector(newshape)
    n = vec.type.shape[0] if ndim is None else ndim
    if n is None:
        raise ValueError("reshape: the length of the new shape must be known; pass ndim=")
    return Reshape(n)(x, vec)


def flatten(x, ndim=1):
    """``x`` with its trailing axes merged so that ``ndim`` axes remain."""
    x = as_tensor_variable(x)
    if ndim < 1 or ndim > max(x.type.ndim, 1):
        raise ValueError(f"flatten: ndim={ndim} is invalid for a tensor of rank {x.type.ndim}")
    sizes = shape(x)
    lead = [sizes[i] if x.type.shape[i] is None else x.type.shape[i] for i in range(ndim - 1)]
    return reshape(x, (*lead, -1))


def dimshuffle(x, order):
    x = as_tensor_variable(x)
    return DimShuffle(x.type.ndim, order)(x)


def expand_dims(x, axis):
    """``x`` with new axes of size 1 inserted at ``axis`` (positions in the result)."""
    x = as_tensor_variable(x)
    axes = [axis] if isinstance(axis, (int, np.integer)) else list(axis)
    if not axes:
        return x
    out_ndim = x.type.ndim + len(axes)
    axes = sorted(a % out_ndim for a in axes)
    order, k = [], 0
    for i in range(out_ndim):
        if i in axes:
            order.append("x")
        else:
            order.append(k)
            k += 1
    return DimShuffle(x.type.ndim, order)(x)


def shape_padleft(x, n=1):
    return expand_dims(x, list(range(n)))


def shape_padright(x, n=1):
    x = as_tensor_variable(x)
    return expand_dims(x, list(range(x.type.ndim, x.type.ndim + n)))


def squeeze(x, axis=None):
    """``x`` without axes of size 1 (those of static size 1, or the given ``axis``)."""
    from rewrax.symbolic.shape_ops import SpecifyShape

    x = as_tensor_variable(x)
    if axis is None:
        axes = [i for i, s in enumerate(x.type.shape) if s == 1]
    else:
        axes = list(normalize_axes(axis, x.type.ndim))
        unknown = [a for a in axes if x.type.shape[a] is None]
        if unknown:
            x = SpecifyShape(tuple(1 if i in unknown else None for i in range(x.type.ndim)))(x)
        bad = [a for a in axes if x.type.shape[a] != 1]
        if bad:
            raise ValueError(f"squeeze: axis {bad[0]} of {x} has size {x.type.shape[bad[0]]}, not 1")
    if not axes:
        return x
    return DimShuffle(x.type.ndim, [i for i in range(x.type.ndim) if i not in axes])(x)


def transpose(x, axes=None):
    """``x`` with its axes permuted (reversed by default)."""
    x = as_tensor_variable(x)
    order = list(range(x.type.ndim))[::-1] if axes is None else [a % x.type.ndim for a in axes]
    if sorted(order) != list(range(x.type.ndim)):
        raise ValueError(f"transpose: {axes} is not a permutation of the {x.type.ndim} axes of {x}")
    if order == list(range(x.type.ndim)):
        return x
    return DimShuffle(x.type.ndim, order)(x)


def swapaxes(x, a, b):
    x = as_tensor_variable(x)
    order = list(range(x.type.ndim))
    order[a], order[b] = order[b], order[a]
    return transpose(x, order)


def moveaxis(x, source, destination):
    x = as_tensor_variable(x)
    order = [i for i in range(x.type.ndim) if i != source % x.type.ndim]
    order.insert(destination % x.type.ndim, source % x.type.ndim)
    return transpose(x, order)


def specify_shape(x, shape):
    """``x`` with a refined static shape, checked when run."""
    from rewrax.symbolic.shape_ops import SpecifyShape

    shape = (shape,) if isinstance(shape, (int, np.integer)) or shape is None else tuple(shape)
    return SpecifyShape(shape)(as_tensor_variable(x))


def alloc(value, *shape):
    """``value`` broadcast to ``shape`` (given as ints or integer scalars)."""
    from rewrax.symbolic.shape_ops import Alloc

    if len(shape) == 1 and isinstance(shape[0], (tuple, list)):
        shape = tuple(shape[0])
    return Alloc()(value, *[as_tensor_variable(np.int64(s)) if isinstance(s, (int, np.integer)) else s for s in shape])


def full(shape, fill_value, dtype=None):
    """An array of ``shape`` filled with ``fill_value``."""
    if isinstance(shape, (int, np.integer)):
        shape = (shape,)
    if isinstance(shape, Variable):
        shape = [shape[i] for i in range(shape.type.shape[0])] if shape.type.ndim else [shape]
    value = fill_value
    if not isinstance(value, Variable):
        value = np.asarray(value, dtype=normalize_dtype(dtype) if dtype else None)
        if dtype is None and value.dtype.kind == "f" and isinstance(fill_value, float):
            value = value.astype(config.floatX)
    value = as_tensor_variable(value, dtype=dtype)
    return alloc(value, *shape)


def zeros(shape, dtype=None):
    """An array of zeros (float by default)."""
    return full(shape, np.zeros((), normalize_dtype(dtype)))


def ones(shape, dtype=None):
    """An array of ones (float by default)."""
    return full(shape, np.ones((), normalize_dtype(dtype)))


def broadcast_to(x, shape):
    """``x`` broadcast to ``shape``."""
    return alloc(as_tensor_variable(x), *shape)


def broadcast_arrays(*tensors):
    """The inputs broadcast against each other."""
    from rewrax.symbolic.math import add, second, zeros_like

    tensors = [as_tensor_variable(t) for t in tensors]
    if len(tensors) < 2:
        return tensors
    ref = add(*[zeros_like(t) for t in tensors])
    return [second(ref, t) for t in tensors]


def stack(tensors, axis=0):
    """Join tensors of one shape along a new ``axis``."""
    tensors = [as_tensor_variable(t) for t in tensors]
    if not tensors:
        raise ValueError("stack needs at least one tensor")
    ndim = tensors[0].type.ndim
    if any(t.type.ndim != ndim for t in tensors):
        raise ValueError(f"stack: all inputs must have the same rank, got {[str(t.type) for t in tensors]}")
    axis = axis % (ndim + 1)
    from rewrax.symbolic.shape_ops import Join, MakeVector

    if ndim == 0 and axis == 0:
        from rewrax.symbolic.scalar import upcast

        return MakeVector(upcast(*[t.type.dtype for t in tensors]))(*tensors)
    return Join(axis)(*[expand_dims(t, axis) for t in tensors])


def concatenate(tensors, axis=0):
    """Join tensors along an existing ``axis``."""
    from rewrax.symbolic.shape_ops import Join

    tensors = [as_tensor_variable(t) for t in tensors]
    if not tensors:
        raise ValueError("concatenate needs at least one tensor")
    if len(tensors) == 1:
        return tensors[0]
    return Join(axis % max(tensors[0].type.ndim, 1))(*tensors)


def split(x, splits_size, n_splits=None, axis=0):
    """Split ``x`` along ``axis`` into pieces of the given sizes (PyTensor's argument order).

    ``splits_size`` is a list of piece sizes that add up to the length of the axis, or an int
    ``n``: ``n`` equal pieces. Sizes are checked when the graph is built if the length is
    known, else when it runs.

    Examples
    --------
    >>> import numpy as np, rewrax.symbolic as pt
    >>> x = pt.vector("x", shape=(5,))
    >>> [p.type.shape for p in pt.split(x, [2, 3])]
    [(2,), (3,)]
    """
    from rewrax.symbolic.subtensor import getitem

    x = as_tensor_variable(x)
    if x.type.ndim == 0:
        raise ValueError(f"split: {x} is a scalar; there is no axis to split")
    axis = normalize_axes(axis, x.type.ndim)[0]
    total = x.type.shape[axis]
    if isinstance(splits_size, (int, np.integer)):
        if total is None or splits_size <= 0 or total % splits_size:
            raise ValueError(f"split into {splits_size} equal parts needs a known length divisible by "
                             f"{splits_size}; axis {axis} of {x} has length {'unknown' if total is None else total}")
        splits_size = [total // splits_size] * splits_size
    sizes = [int(s) for s in splits_size]
    if n_splits is not None and n_splits != len(sizes):
        raise ValueError(f"split: n_splits={n_splits} but {len(sizes)} sizes were given ({sizes})")
    if any(s < 0 for s in sizes) or (total is not None and sum(sizes) != total):
        raise ValueError(f"split: sizes {sizes} do not add up to the length {total} of axis {axis} of {x}")
    pieces, start = [], 0
    for k, size in enumerate(sizes):
        last = k == len(sizes) - 1
        piece = getitem(x, (slice(None),) * axis + (slice(start, None if last else start + size),))
        if last and total is None:  # the rest of the axis must have exactly the last size
            piece = specify_shape(piece, tuple(size if d == axis else None for d in range(x.type.ndim)))
        pieces.append(piece)
        start += size
    return pieces


def arange(start, stop=None, step=1, dtype=None):
    """Evenly spaced values in ``[start, stop)`` (the length must be known when compiled)."""
    from rewrax.symbolic.shape_ops import ARange

    if stop is None:
        start, stop = 0, start
    if dtype is None:
        vals = [v for v in (start, stop, step) if not isinstance(v, Variable)]
        dts = [v.type.dtype for v in (start, stop, step) if isinstance(v, Variable)]
        dtype = np.result_type(*dts, *[np.asarray(v) for v in vals]).name if dts else np.arange(start, stop, step).dtype.name
    return ARange(dtype)(*[as_tensor_variable(v) for v in (start, stop, step)])


def eye(n, m=None, k=0, dtype=None):
    """The identity-like ``n x m`` matrix."""
    from rewrax.symbolic.shape_ops import Eye

    return Eye(normalize_dtype(dtype))(n, n if m is None else m, k)


def identity_like(x, dtype=None):
    x = as_tensor_variable(x)
    s = shape(x)
    return eye(s[0], s[1], 0, dtype or x.type.dtype)


def tile(x, reps):
    """``x`` repeated ``reps`` times along each axis (``reps`` known when building)."""
    reps = (reps,) if isinstance(reps, (int, np.integer)) else tuple(reps)
    return Tile(reps)(as_tensor_variable(x))


def repeat(x, repeats, axis=None):
    """Each entry of ``x`` repeated ``repeats`` times along ``axis``."""
    x = as_tensor_variable(x)
    if axis is None:
        x, axis = flatten(x), 0
    return Repeat(axis % x.type.ndim)(x, as_tensor_variable(repeats))


def diagonal(x, offset=0, axis1=0, axis2=1):
    """A diagonal of ``x``, as ``np.diagonal``."""
    x = as_tensor_variable(x)
    return ExtractDiag(offset, axis1 % x.type.ndim, axis2 % x.type.ndim)(x)


def diag(v, k=0):
    """A diagonal matrix from a vector, or the diagonal of a matrix (``np.diag``)."""
    v = as_tensor_variable(v)
    if v.type.ndim == 1:
        return AllocDiag(k)(v)
    if v.type.ndim == 2:
        return ExtractDiag(k, 0, 1)(v)
    raise ValueError(f"diag needs a vector or a matrix, got {v.type}")


def tril(x, k=0):
    return TriangularPart(True, k)(x)


def triu(x, k=0):
    return TriangularPart(False, k)(x)


def atleast_1d(x):
    x = as_tensor_variable(x)
    return expand_dims(x, 0) if x.type.ndim == 0 else x


def atleast_2d(x):
    x = atleast_1d(x)
    return expand_dims(x, 0) if x.type.ndim == 1 else x


def broadcast_shape(*shapes):
    return broadcast_static_shapes(shapes)
