"""Shape ops: shape, reshape, alloc, join, arange, eye, tile, repeat, diagonal, and the API
built on them (expand_dims, squeeze, transpose, stack, concatenate, split, zeros, ...).
"""

from __future__ import annotations

import numpy as np

from rewrax.symbolic.basic import TensorConstant, as_tensor_variable, constant
from rewrax.symbolic.elemwise import DimShuffle, broadcast_static_shapes, shape_text
from rewrax.symbolic.op import Op
from rewrax.symbolic.reduce import normalize_axes
from rewrax.symbolic.type import TensorType, is_int_dtype, normalize_dtype
from rewrax.symbolic.variable import Apply


def constant_value(var):
    """The value of ``var`` if it is known when the graph is built, else ``None``."""
    if isinstance(var, TensorConstant):
        return var.data
    node = var.owner
    if node is None:
        return None
    op = node.op
    if isinstance(op, Shape):
        shape = node.inputs[0].type.shape
        return None if None in shape else np.array(shape, dtype="int64")
    if isinstance(op, MakeVector):
        vals = [constant_value(i) for i in node.inputs]
        return None if any(v is None for v in vals) else np.array(vals, dtype=op.dtype)
    from rewrax.symbolic.elemwise import Elemwise
    from rewrax.symbolic.subtensor import Subtensor

    if isinstance(op, (Elemwise, DimShuffle, Subtensor)) and op.has_perform:
        if isinstance(op, Subtensor) and isinstance(node.inputs[0].owner and node.inputs[0].owner.op, Shape):
            return _static_shape_entry(node)
        vals = [constant_value(i) for i in node.inputs]
        if any(v is None for v in vals):
            return None
        return op.perform(node, vals)[var.index]
    return None


def _static_shape_entry(node):
    (x,) = node.inputs[0].owner.inputs
    idx = [constant_value(i) for i in node.inputs[1:]]
    if any(v is None for v in idx):
        return None
    from rewrax.symbolic.subtensor import Subtensor

    positions = np.arange(x.type.ndim)
    picked = np.asarray(Subtensor.perform(node.op, node, [positions, *idx])[0])
    dims = [x.type.shape[i] for i in np.atleast_1d(picked)]
    if None in dims:
        return None
    return np.array(dims, dtype="int64").reshape(picked.shape)


def _shape_entries(shape_var, ndim):
    """Static entries (int or None) of a symbolic shape vector of length ``ndim``."""
    value = constant_value(shape_var)
    if value is not None:
        return [int(v) for v in value]
    node = shape_var.owner
    if node is not None and isinstance(node.op, MakeVector):
        out = []
        for i in node.inputs:
            v = constant_value(i)
            out.append(None if v is None else int(v))
        return out
    return [None] * ndim


class Shape(Op):
    """The shape of ``x`` as an int64 vector."""

    def make_node(self, x):
        x = as_tensor_variable(x)
        return Apply(self, [x], [TensorType("int64", (x.type.ndim,)).make_variable()])

    def perform(self, node, inputs):
        return [np.array(np.shape(inputs[0]), dtype="int64")]

    def pullback(self, inputs, outputs, output_grads):
        return [None]

    def vectorize(self, node, batched_inputs):
        # every entry of the batch has the same (core) shape: the result is not batched
        (x,) = batched_inputs
        nb = x.type.ndim - node.inputs[0].type.ndim
        out = Shape()(x)
        return [out[nb:] if nb else out]


class MakeVector(Op):
    """A vector built from scalars; prints ``MakeVector{dtype='bool'}``."""

    __props__ = ("dtype",)

    def __init__(self, dtype):
        self.dtype = normalize_dtype(dtype)

    def make_node(self, *scalars):
        scalars = [as_tensor_variable(s) for s in scalars]
        for s in scalars:
            if s.type.ndim != 0:
                raise TypeError(f"MakeVector takes scalars, got {s} of type {s.type}")
        from rewrax.symbolic.math import cast

        scalars = [cast(s, self.dtype) for s in scalars]
        return Apply(self, scalars, [TensorType(self.dtype, (len(scalars),)).make_variable()])

    def perform(self, node, inputs):
        return [np.array(inputs, dtype=self.dtype).reshape(len(inputs))]

    def pullback(self, inputs, outputs, output_grads):
        g = output_grads[0]
        return [g[i] for i in range(len(inputs))]

    def vectorize(self, node, batched_inputs):
        from rewrax.symbolic.math import cast
        from rewrax.symbolic.vectorize import n_batch_dims

        nb = n_batch_dims(batched_inputs, node)
        if nb == 0:
            return [self(*batched_inputs)]
        full = _broadcast_batch([cast(b, self.dtype) for b in batched_inputs], node.inputs, nb)
        return [Join(nb)(*[expand_dims(f, nb) for f in full])]


class Reshape(Op):
    """``x`` reshaped to the int vector ``shape`` (one entry may be -1)."""

    __props__ = ("ndim",)

    def __init__(self, ndim: int):
        self.ndim = ndim

    def make_node(self, x, shape):
        x = as_tensor_variable(x)
        shape = as_tensor_variable(shape)
        if shape.type.ndim != 1 or not is_int_dtype(shape.type.dtype) or shape.type.shape[0] not in (None, self.ndim):
            raise TypeError(f"reshape needs an integer vector of length {self.ndim} as shape, got {shape.type}")
        entries = _shape_entries(shape, self.ndim)
        if -1 in entries:
            known = [d for d in entries if d not in (-1, None)]
            if None not in x.type.shape and None not in entries:
                total = int(np.prod(x.type.shape))
                rest = int(np.prod(known)) if known else 1
                if rest == 0 or total % rest:
                    raise ValueError(f"cannot reshape {x} of shape {shape_text(x.type.shape)} into {tuple(entries)}")
                entries = [total // rest if d == -1 else d for d in entries]
            else:
                entries = [None if d == -1 else d for d in entries]
        if None not in x.type.shape and None not in entries and int(np.prod(x.type.shape)) != int(np.prod(entries)):
            raise ValueError(
                f"cannot reshape {x} of shape {shape_text(x.type.shape)} ({int(np.prod(x.type.shape))} entries) "
                f"into shape {tuple(entries)}"
            )
        return Apply(self, [x, shape], [TensorType(x.type.dtype, entries).make_variable()])

    def perform(self, node, inputs):
        return [np.reshape(inputs[0], tuple(int(s) for s in inputs[1]))]

    def pullback(self, inputs, outputs, output_grads):
        return [reshape(output_grads[0], shape(inputs[0])), None]

    def vectorize(self, node, batched_inputs):
        x, shp = batched_inputs
        if shp.type.ndim != 1:
            raise NotImplementedError(
                f"vectorize_graph: cannot batch the reshape of {node.inputs[0]}: its target shape {shp} varies "
                "over the batch (JAX needs one static shape)"
            )
        nb = x.type.ndim - node.inputs[0].type.ndim
        batch = [shape(x)[i] for i in range(nb)]
        from rewrax.symbolic.shape_ops import concatenate as cat

        full = cat([stack(batch).astype("int64") if batch else constant(np.zeros(0, "int64")), shp])
        return [Reshape(self.ndim + nb)(x, full)]


class SpecifyShape(Op):
    """``x``, with its static shape refined to ``shape`` (checked when run)."""

    __props__ = ("shape",)

    def __init__(self, shape):
        self.shape = tuple(None if s is None else int(s) for s in shape)

    def make_node(self, x):
        x = as_tensor_variable(x)
        if len(self.shape) != x.type.ndim:
            raise ValueError(f"specify_shape: {x} has rank {x.type.ndim}, shape {self.shape} has {len(self.shape)} entries")
        for axis, (a, b) in enumerate(zip(x.type.shape, self.shape)):
            if a is not None and b is not None and a != b:
                raise ValueError(f"specify_shape: {x} has static size {a} in dimension {axis}, not {b}")
        new = tuple(b if b is not None else a for a, b in zip(x.type.shape, self.shape))
        return Apply(self, [x], [TensorType(x.type.dtype, new).make_variable()])

    def perform(self, node, inputs):
        check_shape(inputs[0], self.shape, node.inputs[0])
        return [np.asarray(inputs[0])]

    def pullback(self, inputs, outputs, output_grads):
        return [output_grads[0]]

    def vectorize(self, node, batched_inputs):
        (x,) = batched_inputs
        nb = x.type.ndim - node.inputs[0].type.ndim
        return [SpecifyShape((None,) * nb + self.shape)(x)]


def check_shape(value, expected, var):
    got = np.shape(value)
    if len(got) != len(expected) or any(e is not None and e != g for e, g in zip(expected, got)):
        raise ValueError(f"specify_shape: {var} has shape {got} at run time, expected {shape_text(expected)}")


class Alloc(Op):
    """``value`` broadcast to the shape given by scalar inputs (``zeros``, ``broadcast_to``)."""

    def make_node(self, value, *shape):
        value = as_tensor_variable(value)
        shape = [as_tensor_variable(s) for s in shape]
        for s in shape:
            if s.type.ndim != 0 or not is_int_dtype(s.type.dtype):
                raise TypeError(f"alloc: shape entries must be integer scalars, got {s} of type {s.type}")
        if len(shape) < value.type.ndim:
            raise ValueError(f"alloc: cannot broadcast {value} of rank {value.type.ndim} to rank {len(shape)}")
        static = []
        for s in shape:
            v = constant_value(s)
            static.append(None if v is None else int(v))
        padded = (1,) * (len(shape) - value.type.ndim) + value.type.shape
        for axis, (vd, sd) in enumerate(zip(padded, static)):
            if vd not in (None, 1) and sd is not None and vd != sd:
                raise ValueError(f"alloc: cannot broadcast {value} of shape {shape_text(value.type.shape)} to {tuple(static)}")
            if sd is None and vd not in (None, 1):
                static[axis] = vd
        return Apply(self, [value, *shape], [TensorType(value.type.dtype, static).make_variable()])

    def perform(self, node, inputs):
        value, *shape = inputs
        return [np.array(np.broadcast_to(value, tuple(int(s) for s in shape)))]

    def pullback(self, inputs, outputs, output_grads):
        from rewrax.symbolic.reduce import sum as sum_

        value, g = inputs[0], output_grads[0]
        extra = g.type.ndim - value.type.ndim
        g = sum_(g, axis=tuple(range(extra))) if extra else g
        axes = [i for i, d in enumerate(value.type.shape) if d == 1 and g.type.shape[i] != 1]
        if axes:
            g = sum_(g, axis=axes, keepdims=True)
        return [g] + [None] * (len(inputs) - 1)

    def vectorize(self, node, batched_inputs):
        value, *shp = batched_inputs
        if any(s.type.ndim for s in shp):
            raise NotImplementedError("vectorize_graph: alloc with batched shape entries")
        nb = value.type.ndim - node.inputs[0].type.ndim
        batch = [shape(value)[i] for i in range(nb)]
        core_rank = len(shp)
        value = expand_dims(value, list(range(nb, nb + core_rank - node.inputs[0].type.ndim)))
        return [Alloc()(value, *batch, *shp)]


class Join(Op):
    """Concatenation of tensors along ``axis``; prints ``Join{axis=0}``."""

    __props__ = ("axis",)

    def __init__(self, axis: int):
        self.axis = int(axis)

    def __str__(self):
        return f"Join{{axis={self.axis}}}"

    def make_node(self, *tensors):
        from rewrax.symbolic.basic import as_tensor_operands
        from rewrax.symbolic.math import cast
        from rewrax.symbolic.scalar import upcast

        tensors = [as_tensor_variable(t) for t in tensors]
        if not tensors:
            raise ValueError("concatenate needs at least one tensor")
        ndim = tensors[0].type.ndim
        if ndim == 0:
            raise ValueError("zero-dimensional tensors cannot be concatenated; use stack")
        if any(t.type.ndim != ndim for t in tensors):
            raise ValueError(f"concatenate: all inputs must have the same rank, got {[str(t.type) for t in tensors]}")
        if not 0 <= self.axis < ndim:
            raise ValueError(f"concatenate: axis {self.axis} out of bounds for rank {ndim}")
        dtype = upcast(*[t.type.dtype for t in tensors])
        tensors = [cast(t, dtype) for t in tensors]
        other = [tuple(s for i, s in enumerate(t.type.shape) if i != self.axis) for t in tensors]
        merged = list(broadcast_static_shapes([[(d if d != 1 else None) for d in o] for o in other], "concatenate"))
        for o in other:
            for i, d in enumerate(o):
                if d == 1 and merged[i] is None:
                    merged[i] = 1
                elif d is not None and merged[i] is not None and d != merged[i]:
                    raise ValueError(f"concatenate: shapes {[shape_text(t.type.shape) for t in tensors]} differ off axis {self.axis}")
        sizes = [t.type.shape[self.axis] for t in tensors]
        merged.insert(self.axis, None if None in sizes else sum(sizes))
        return Apply(self, tensors, [TensorType(dtype, merged).make_variable()])

    def perform(self, node, inputs):
        return [np.concatenate(inputs, axis=self.axis)]

    def pullback(self, inputs, outputs, output_grads):
        from rewrax.symbolic.subtensor import getitem

        g, out, start = output_grads[0], [], 0
        for t in inputs:
            size = t.type.shape[self.axis]
            size = shape(t)[self.axis] if size is None else size
            stop = start + size
            idx = (slice(None),) * self.axis + (slice(start, stop),)
            out.append(getitem(g, idx))
            start = stop
        return out

    def vectorize(self, node, batched_inputs):
        nb = max(b.type.ndim - i.type.ndim for b, i in zip(batched_inputs, node.inputs))
        full = _broadcast_batch(batched_inputs, node.inputs, nb)
        return [Join(self.axis + nb)(*full)]


def _broadcast_batch(batched, originals, nb):
    """Give every input the same ``nb`` leading batch dimensions (broadcasting)."""
    if nb == 0:
        return list(batched)
    ranked = [expand_dims(b, list(range(nb - (b.type.ndim - o.type.ndim)))) if b.type.ndim - o.type.ndim < nb else b
              for b, o in zip(batched, originals)]
    batch_dims = []
    for axis in range(nb):
        sizes = [r.shape[axis] for r in ranked if r.type.shape[axis] != 1]
        batch_dims.append(sizes[0] if sizes else 1)
    out = []
    for r, o in zip(ranked, originals):
        if all(r.type.shape[a] != 1 for a in range(nb)):
            out.append(r)
        else:
            out.append(Alloc()(r, *batch_dims, *[shape(r)[nb + i] for i in range(o.type.ndim)]))
    return out


class ARange(Op):
    """``arange(start, stop, step)``; the length must be known when compiled."""

    __props__ = ("dtype",)

    def __init__(self, dtype):
        self.dtype = normalize_dtype(dtype)

    def make_node(self, start, stop, step):
        start, stop, step = (as_tensor_variable(v) for v in (start, stop, step))
        vals = [constant_value(v) for v in (start, stop, step)]
        length = None
        if all(v is not None for v in vals):
            length = len(np.arange(*[v.item() for v in vals]))
        return Apply(self, [start, stop, step], [TensorType(self.dtype, (length,)).make_variable()])

    def perform(self, node, inputs):
        return [np.arange(*[np.asarray(v).item() for v in inputs], dtype=self.dtype)]

    def pullback(self, inputs, outputs, output_grads):
        return [None, None, None]


class Eye(Op):
    """``n x m`` matrix with ones on diagonal ``k``."""

    __props__ = ("dtype",)

    def __init__(self, dtype):
        self.dtype = normalize_dtype(dtype)

    def make_node(self, n, m, k):
        n, m, k = (as_tensor_variable(v) for v in (n, m, k))
        static = [constant_value(v) for v in (n, m)]
        shape = tuple(None if v is None else int(v) for v in static)
        return Apply(self, [n, m, k], [TensorType(self.dtype, shape).make_variable()])

    def perform(self, node, inputs):
        n, m, k = (int(v) for v in inputs)
        return [np.eye(n, m, k, dtype=self.dtype)]

    def pullback(self, inputs, outputs, output_grads):
        return [None, None, None]


from rewrax.symbolic.shape_api import (  # noqa: E402
    alloc, arange, atleast_1d, atleast_2d, broadcast_arrays, broadcast_to, concatenate,
    dimshuffle, expand_dims, eye, flatten, full, ones, repeat, reshape, shape, shape_padleft,
    shape_padright, specify_shape, split, squeeze, stack, swapaxes, tile, transpose, zeros,
    diagonal, diag, tril, triu, identity_like,
)
