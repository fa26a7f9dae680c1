"""Indexing: basic (ints, slices, None) and advanced (integer arrays, boolean masks), reading
(``x[idx]``) and writing (``set_subtensor``, ``inc_subtensor``).

The index pattern is a prop of the Op; the index values (even constants) are inputs, so
``x[0, 1]`` prints as ``Subtensor{i, j}`` with children ``x``, ``0``, ``1``.
Pattern entries: ``"i"`` an integer scalar, ``("s", start?, stop?, step?)`` a slice with the
given parts present, ``"a"`` an integer array, ``"b"`` a boolean mask.
"""

from __future__ import annotations

import numpy as np

from rewrax.symbolic.basic import TensorConstant, as_tensor_variable, constant
from rewrax.symbolic.elemwise import broadcast_static_shapes, shape_text
from rewrax.symbolic.op import Op
from rewrax.symbolic.type import TensorType, is_int_dtype
from rewrax.symbolic.variable import Apply, Variable

_LETTERS = "ijklmnopqrstuvwxyz"


def _is_slice(entry):
    return isinstance(entry, tuple) and entry[0] == "s"


def _n_inputs(entry):
    return sum(entry[1:]) if _is_slice(entry) else 1


def split_index_inputs(pattern, inputs):
    """Pair each pattern entry with its input variables (three for a slice, None if absent)."""
    out, it = [], iter(inputs)
    for entry in pattern:
        if _is_slice(entry):
            out.append(tuple(next(it) if present else None for present in entry[1:]))
        else:
            out.append(next(it))
    return out


def pattern_label(name, pattern):
    parts, k = [], 0
    for entry in pattern:
        if _is_slice(entry):
            start, stop, step = entry[1:]
            text = ("start" if start else "") + ":" + ("stop" if stop else "")
            parts.append(text + (":step" if step else ""))
        elif entry == "i":
            parts.append(_LETTERS[k % len(_LETTERS)])
            k += 1
        else:
            parts.append("bool" if entry == "b" else "int array")
    return f"{name}{{{', '.join(parts)}}}"


def _const_int(v):
    if v is None:
        return None
    from rewrax.symbolic.shape_ops import constant_value

    val = constant_value(v)
    return None if val is None else int(val)


def _slice_length(dim, parts):
    start, stop, step = (_const_int(p) for p in parts)
    if all(p is None for p in parts):
        return dim
    if any(p is not None and c is None for p, c in zip(parts, (start, stop, step))) or dim is None:
        return None
    return len(range(*slice(start, stop, step).indices(dim)))


def indexed_shape(x_type, pattern, index_inputs):
    """Static shape of ``x[idx]`` following NumPy's rules (basic and advanced)."""
    pairs = split_index_inputs(pattern, index_inputs)
    advanced = [i for i, e in enumerate(pattern) if e in ("a", "b") or (e == "i" and any(p in ("a", "b") for p in pattern))]
    adv_shapes = []
    for i in advanced:
        v = pairs[i]
        if pattern[i] == "b":
            adv_shapes.append((None,))
        else:
            adv_shapes.append(v.type.shape)
    if adv_shapes:
        nd = max(len(s) for s in adv_shapes)
        adv = broadcast_static_shapes([(1,) * (nd - len(s)) + tuple(s) for s in adv_shapes], "advanced indexing")
    dims, axis, placed = [], 0, False
    adjacent = advanced == list(range(advanced[0], advanced[0] + len(advanced))) if advanced else True
    for i, entry in enumerate(pattern):
        if i in advanced:
            if not placed and adjacent:
                dims.extend(adv)
                placed = True
            axis += pairs[i].type.ndim if entry == "b" else 1
            continue
        dim = x_type.shape[axis]
        if entry == "i":
            const = _const_int(pairs[i])
            if const is not None and dim is not None and not -dim <= const < dim:
                raise IndexError(f"index {const} is out of bounds for axis {axis} with size {dim}")
        else:
            dims.append(_slice_length(dim, pairs[i]))
        axis += 1
    dims.extend(x_type.shape[axis:])
    if advanced and not adjacent:
        dims = list(adv) + dims
    return tuple(dims)


def _numpy_index(pattern, values):
    out, it = [], iter(values)
    for entry in pattern:
        if _is_slice(entry):
            out.append(slice(*[int(next(it)) if present else None for present in entry[1:]]))
        elif entry == "i":
            out.append(int(next(it)))
        else:
            out.append(np.asarray(next(it)))
    return tuple(out)


class _Indexing(Op):
    __props__ = ("pattern",)
    kind = "Subtensor"

    def __init__(self, pattern):
        self.pattern = tuple(pattern)

    def __str__(self):
        return pattern_label(self.kind, self.pattern)

    def _check_indices(self, x, idx):
        if len(idx) != sum(_n_inputs(e) for e in self.pattern):
            raise TypeError(f"{self} expects {sum(_n_inputs(e) for e in self.pattern)} index inputs, got {len(idx)}")
        pairs = split_index_inputs(self.pattern, idx)
        used = sum(p.type.ndim if e == "b" else 1 for e, p in zip(self.pattern, pairs))
        if used > x.type.ndim:
            raise IndexError(f"too many indices for {x} of rank {x.type.ndim}: {used} were given")
        for entry, part in zip(self.pattern, pairs):
            parts = part if _is_slice(entry) else (part,)
            for p in parts:
                if p is None:
                    continue
                if entry == "b":
                    if p.type.dtype != "bool":
                        raise IndexError(f"boolean mask index must be bool, got {p.type}")
                elif not is_int_dtype(p.type.dtype):
                    raise IndexError(f"indices must be integers, got {p} of type {p.type}")
                elif entry != "a" and p.type.ndim != 0:
                    raise IndexError(f"{self}: expected an integer scalar, got {p.type}")


class Subtensor(_Indexing):
    """``x[idx]`` with ints and slices (a view in NumPy)."""

    def make_node(self, x, *idx):
        x = as_tensor_variable(x)
        idx = [as_tensor_variable(i) for i in idx]
        self._check_indices(x, idx)
        shape = indexed_shape(x.type, self.pattern, idx)
        return Apply(self, [x, *idx], [TensorType(x.type.dtype, shape).make_variable()])

    def perform(self, node, inputs):
        x, *idx = inputs
        return [np.array(np.asarray(x)[_numpy_index(self.pattern, idx)])]

    def pullback(self, inputs, outputs, output_grads):
        from rewrax.symbolic.math import zeros_like

        x, *idx = inputs
        g = IncSubtensor(self.pattern, set_instead_of_inc=False)(zeros_like(x), output_grads[0], *idx)
        return [g] + [None] * len(idx)

    def vectorize(self, node, batched_inputs):
        x, *idx = batched_inputs
        if any(b.type.ndim != o.type.ndim for b, o in zip(idx, node.inputs[1:])):
            from rewrax.symbolic.vectorize import blockwise_vectorize

            return blockwise_vectorize(self, node, batched_inputs)
        nb = x.type.ndim - node.inputs[0].type.ndim
        out = type(self)((_FULL,) * nb + self.pattern)(x, *idx)
        return [_batch_first(out, nb, self.pattern, idx)]


class AdvancedSubtensor(Subtensor):
    """``x[idx]`` where some index is an integer array or a boolean mask (a gather)."""

    kind = "AdvancedSubtensor"

    def pullback(self, inputs, outputs, output_grads):
        from rewrax.symbolic.math import zeros_like

        x, *idx = inputs
        g = AdvancedIncSubtensor(self.pattern, False)(zeros_like(x), output_grads[0], *idx)
        return [g] + [None] * len(idx)


class IncSubtensor(_Indexing):
    """``x`` with ``y`` added to (or written into) ``x[idx]``; returns a new array."""

    __props__ = ("pattern", "set_instead_of_inc")
    kind = "IncSubtensor"

    def __init__(self, pattern, set_instead_of_inc=False):
        super().__init__(pattern)
        self.set_instead_of_inc = bool(set_instead_of_inc)

    def __str__(self):
        return pattern_label("SetSubtensor" if self.set_instead_of_inc else self.kind, self.pattern)

    def make_node(self, x, y, *idx):
        from rewrax.symbolic.math import cast

        x = as_tensor_variable(x)
        y = as_tensor_variable(y)
        idx = [as_tensor_variable(i) for i in idx]
        self._check_indices(x, idx)
        target = indexed_shape(x.type, self.pattern, idx)
        if y.type.ndim > len(target):
            raise ValueError(f"{self}: cannot write {y} of shape {shape_text(y.type.shape)} into x{shape_text(target)}")
        padded = (1,) * (len(target) - y.type.ndim) + y.type.shape
        broadcast_static_shapes([tuple(target), padded], f"{self} (writing {y} into {x})")
        for t, p in zip(target, padded):
            if t is not None and p is not None and p not in (1, t):
                raise ValueError(f"{self}: cannot broadcast {shape_text(y.type.shape)} to {shape_text(target)}")
        if y.type.dtype != x.type.dtype:
            y = cast(y, x.type.dtype)
        return Apply(self, [x, y, *idx], [x.type.make_variable()])

    def perform(self, node, inputs):
        x, y, *idx = inputs
        out = np.array(x, copy=True)
        key = _numpy_index(self.pattern, idx)
        if self.set_instead_of_inc:
            out[key] = y
        else:
            np.add.at(out, key, y)
        return [out]

    def _read(self):
        return (AdvancedSubtensor if isinstance(self, AdvancedIncSubtensor) else Subtensor)(self.pattern)

    def pullback(self, inputs, outputs, output_grads):
        from rewrax.symbolic.math import zeros_like
        from rewrax.symbolic.reduce import sum as sum_

        x, y, *idx = inputs
        g = output_grads[0]
        gx = type(self)(self.pattern, True)(g, zeros_like(y), *idx) if self.set_instead_of_inc else g
        gy = self._read()(g, *idx)
        extra = gy.type.ndim - y.type.ndim
        if extra:
            gy = sum_(gy, axis=tuple(range(extra)))
        axes = [i for i, d in enumerate(y.type.shape) if d == 1 and gy.type.shape[i] != 1]
        if axes:
            gy = sum_(gy, axis=axes, keepdims=True)
        return [gx, gy] + [None] * len(idx)

    def vectorize(self, node, batched_inputs):
        from rewrax.symbolic.shape_ops import _broadcast_batch
        from rewrax.symbolic.vectorize import blockwise_vectorize

        x, y, *idx = batched_inputs
        x0, y0 = node.inputs[:2]
        if any(b.type.ndim != o.type.ndim for b, o in zip(idx, node.inputs[2:])):
            return blockwise_vectorize(self, node, batched_inputs)
        nbx, nby = x.type.ndim - x0.type.ndim, y.type.ndim - y0.type.ndim
        nb = max(nbx, nby)
        if nb == 0:
            return [type(self)(self.pattern, self.set_instead_of_inc)(x, y, *idx)]
        if nbx < nb:  # the written-to tensor is shared by the batch: give it the batch dimensions
            x = _broadcast_batch([x, y], [x0, y0], nb)[0]
        target_rank = len(indexed_shape(x0.type, self.pattern, node.inputs[2:]))
        if nby or _moves_advanced_first(self.pattern):
            y = _batched_value(y, nby, nb, target_rank - y0.type.ndim)
            y = _batch_first(y, nb, self.pattern, idx, inverse=True)
        return [type(self)((_FULL,) * nb + self.pattern, self.set_instead_of_inc)(x, y, *idx)]


class AdvancedIncSubtensor(IncSubtensor):
    """Scatter: ``x`` with ``y`` added (duplicates accumulate) or written at array indices."""

    kind = "AdvancedIncSubtensor"

    def __str__(self):
        return pattern_label("AdvancedSetSubtensor" if self.set_instead_of_inc else self.kind, self.pattern)


def _moves_advanced_first(pattern) -> bool:
    """NumPy puts the advanced-index dimensions first when advanced entries are not adjacent."""
    advanced = any(e in ("a", "b") for e in pattern)
    where = [i for i, e in enumerate(pattern) if e in ("a", "b") or (advanced and e == "i")]
    return bool(where) and where != list(range(where[0], where[0] + len(where)))


def _advanced_rank(pattern, idx):
    pairs = split_index_inputs(pattern, idx)
    return max((p.type.ndim if e == "a" else 1 for e, p in zip(pattern, pairs) if e in ("a", "b")), default=0)


def _batch_first(var, nb, pattern, idx, inverse=False):
    """Move the ``nb`` batch axes of a batched indexing result to the front (or back, ``inverse``).

    With leading full slices added for the batch, ``x[:, i, :, j]`` puts the advanced dimensions
    before the batch ones, as NumPy does for non-adjacent advanced indices.
    """
    if not nb or not _moves_advanced_first(pattern):
        return var
    k = _advanced_rank(pattern, idx)
    order = list(range(k, k + nb)) + list(range(k)) + list(range(k + nb, var.type.ndim))
    if inverse:
        order = [order.index(i) for i in range(len(order))]
    from rewrax.symbolic.elemwise import DimShuffle

    return DimShuffle(var.type.ndim, order)(var)


def _batched_value(y, nby, nb, missing):
    """``y`` (``nby`` batch dims) padded to ``nb`` batch dims and the full target rank."""
    from rewrax.symbolic.shape_api import expand_dims

    if missing > 0:
        y = expand_dims(y, list(range(nby, nby + missing)))
    if nb > nby:
        y = expand_dims(y, list(range(nb - nby)))
    return y


# --------------------------------------------------------------------------------------------
# API
# --------------------------------------------------------------------------------------------
_FULL = ("s", False, False, False)


def _rank_used(i):
    if isinstance(i, Variable) and i.type.dtype == "bool":
        return i.type.ndim
    if isinstance(i, (np.ndarray, list, tuple)) and np.asarray(i).dtype == bool:
        return np.asarray(i).ndim
    return 0 if i is None or i is Ellipsis else 1


def _entries(i):
    """Pattern entries and index inputs for one NumPy index item."""
    if isinstance(i, slice):
        parts = [i.start, i.stop, i.step]
        vals = [as_tensor_variable(np.int64(p)) if isinstance(p, (int, np.integer)) else as_tensor_variable(p)
                for p in parts if p is not None]
        return [("s", *(p is not None for p in parts))], vals
    if isinstance(i, (bool, np.bool_)):
        raise IndexError("a Python bool is not a valid index; use a boolean array mask")
    if isinstance(i, (int, np.integer)):
        return ["i"], [as_tensor_variable(np.int64(i))]
    if isinstance(i, Variable):
        if i.type.dtype == "bool":
            return ["b"], [i]
        if not is_int_dtype(i.type.dtype):
            raise IndexError(f"indices must be integers or boolean masks, got {i} of type {i.type}")
        return ["i" if i.type.ndim == 0 else "a"], [i]
    arr = np.asarray(i)
    if arr.dtype == bool:
        # a constant mask is the integer arrays of its nonzero entries (NumPy's rule)
        nz = np.nonzero(arr)
        return ["a"] * len(nz), [constant(a.astype("int64")) for a in nz]
    if arr.dtype.kind not in "iu":
        raise IndexError(f"indices must be integers, slices, None, ... or boolean masks, got {i!r}")
    return ["a"], [constant(arr.astype("int64"))]


def _parse(x, idx):
    """(x with new axes inserted, pattern, index inputs) for a NumPy-style index."""
    from rewrax.symbolic.shape_api import expand_dims

    if not isinstance(idx, tuple):
        idx = (idx,)
    if sum(1 for i in idx if i is Ellipsis) > 1:
        raise IndexError("an index can only have a single ellipsis ('...')")
    if Ellipsis in [i if i is Ellipsis else None for i in idx]:
        pos = next(k for k, i in enumerate(idx) if i is Ellipsis)
        used = sum(_rank_used(i) for i in idx)
        idx = idx[:pos] + (slice(None),) * max(0, x.type.ndim - used) + idx[pos + 1:]
    newaxes, p = [], 0
    for i in idx:
        if i is None:
            newaxes.append(p)
        p += 1 if i is None else _rank_used(i)
    if newaxes:
        x = expand_dims(x, newaxes)
        idx = tuple(slice(None) if i is None else i for i in idx)
    pattern, inputs = [], []
    for i in idx:
        entries, vals = _entries(i)
        pattern.extend(entries)
        inputs.extend(vals)
    while pattern and pattern[-1] == _FULL:
        pattern.pop()
    return x, tuple(pattern), inputs


def getitem(x, idx):
    """``x[idx]`` with NumPy semantics (basic and advanced indexing).

    Examples
    --------
    >>> import rewrax.symbolic as pt
    >>> m = pt.matrix("m", shape=(2, 3))
    >>> print(m[0, 1].owner.op)
    Subtensor{i, j}
    """
    x, pattern, inputs = _parse(as_tensor_variable(x), idx)
    if not pattern:
        entries = idx if isinstance(idx, tuple) else (idx,)
        if x.type.ndim == 0 or any(i is None for i in entries) or \
                not any(isinstance(i, slice) or i is Ellipsis for i in entries):
            return x
        # x[:] and x[...] stay an explicit Subtensor (as in PyTensor) so that
        # set_subtensor(x[:], y) works; the canonicalize rewrites remove it
        pattern = (_FULL,)
    advanced = any(e in ("a", "b") for e in pattern)
    return (AdvancedSubtensor if advanced else Subtensor)(pattern)(x, *inputs)


def _write(x, y, set_instead_of_inc):
    node = x.owner
    if node is None or not isinstance(node.op, Subtensor):
        raise TypeError(
            f"set_subtensor / inc_subtensor take an indexed tensor such as x[idx] as first argument, got {x}"
        )
    base, *idx = node.inputs
    pattern = node.op.pattern
    if "b" in pattern:
        return _write_mask(base, y, pattern, idx, set_instead_of_inc)
    cls = AdvancedIncSubtensor if isinstance(node.op, AdvancedSubtensor) else IncSubtensor
    return cls(pattern, set_instead_of_inc)(base, y, *idx)


def _write_mask(base, y, pattern, idx, set_instead_of_inc):
    """Writing through a symbolic boolean mask: a ``switch`` (JAX cannot gather by it)."""
    from rewrax.symbolic.math import add, switch

    if pattern != ("b",) or idx[0].type.ndim != base.type.ndim or as_tensor_variable(y).type.ndim > 0:
        raise NotImplementedError(
            "writing through a symbolic boolean mask is supported for x[mask] with a full-rank mask "
            "and a scalar value (it becomes pt.switch); use integer indices otherwise"
        )
    mask = idx[0]
    return switch(mask, y if set_instead_of_inc else add(base, y), base)


def set_subtensor(x, y):
    """A copy of the tensor indexed by ``x`` with ``y`` written at the index.

    Examples
    --------
    >>> import numpy as np, rewrax.symbolic as pt
    >>> v = pt.vector("v")
    >>> pt.set_subtensor(v[1:], 0.0).eval({v: np.ones(3)})
    array([1., 0., 0.])
    """
    return _write(x, y, True)


def inc_subtensor(x, y):
    """A copy of the tensor indexed by ``x`` with ``y`` added at the index (repeats add up)."""
    return _write(x, y, False)


def take(x, indices, axis=None):
    """``np.take``: entries of ``x`` at ``indices`` along ``axis`` (of the flattened array if None)."""
    from rewrax.symbolic.shape_api import flatten

    x = as_tensor_variable(x)
    if axis is None:
        x, axis = flatten(x), 0
    axis %= x.type.ndim
    return getitem(x, (slice(None),) * axis + (indices,))


def take_along_axis(x, indices, axis):
    """``np.take_along_axis`` (indices broadcast against ``x`` off ``axis``)."""
    from rewrax.symbolic.shape_api import arange, expand_dims

    x, indices = as_tensor_variable(x), as_tensor_variable(indices)
    axis %= x.type.ndim
    idx = []
    for d in range(x.type.ndim):
        if d == axis:
            idx.append(indices)
        else:
            shape = [1] * x.type.ndim
            r = arange(x.shape[d])
            idx.append(expand_dims(r, [k for k in range(x.type.ndim) if k != d]))
    return getitem(x, tuple(idx))


def flip(x, axis=None):
    """``x`` with the order of entries reversed along ``axis`` (all axes if None)."""
    x = as_tensor_variable(x)
    axes = range(x.type.ndim) if axis is None else [a % x.type.ndim for a in np.atleast_1d(axis)]
    return getitem(x, tuple(slice(None, None, -1) if d in axes else slice(None) for d in range(x.type.ndim)))


def set_diagonal(x, values, offset=0, axis1=0, axis2=1):
    """A copy of ``x`` with ``values`` (diagonal axis last) written on a diagonal."""
    from rewrax.symbolic.shape_api import arange, moveaxis, shape

    x = as_tensor_variable(x)
    values = as_tensor_variable(values)
    n = values.shape[-1]
    rows = arange(n) + max(0, -offset)
    cols = arange(n) + max(0, offset)
    idx = [slice(None)] * x.type.ndim
    idx[axis1], idx[axis2] = rows, cols
    adjacent = abs(axis2 - axis1) == 1
    dest = min(axis1, axis2) if adjacent else 0
    moved = moveaxis(values, -1, dest) if values.type.ndim > 1 else values
    return set_subtensor(getitem(x, tuple(idx)), moved)
