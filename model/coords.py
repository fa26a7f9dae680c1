"""Coordinates and named dimensions of a model (``Model(coords=...)``, ``dims=`` on variables).

A dimension has a length and, optionally, coordinate values (labels). Lengths are plain
ints, so the variables built from them keep static shapes (what JAX compiles best), except
for dimensions *tied to a data container*: the first ``rx.Data(..., dims=...)`` using a
dimension that no variable has used yet ties the dimension's length to the container's
shape, so that ``rx.set_data`` can change it (the out-of-sample prediction workflow).
"""

from __future__ import annotations

import numpy as np

from rewrax.symbolic.variable import Variable


def normalize_dims(dims):
    if dims is None:
        return None
    if isinstance(dims, str):
        return (dims,)
    dims = tuple(dims)
    for d in dims:
        if not isinstance(d, str):
            raise TypeError(f"dims must be dimension names (strings), got {d!r} in {dims}")
    return dims


def _coord_values(name, values):
    if values is None:
        return None
    if hasattr(values, "to_numpy") and not isinstance(values, np.ndarray):
        values = values.to_numpy()  # pandas Index / Series
    if isinstance(values, (str, bytes)) or np.ndim(values) != 1:
        raise ValueError(f"coords[{name!r}] must be a one-dimensional sequence of labels, got {values!r}")
    values = tuple(v.item() if isinstance(v, np.generic) else v for v in values)
    return values


def add_coord(model, name, values=None, length=None):
    if not isinstance(name, str) or not name:
        raise TypeError(f"dimension names must be non-empty strings, got {name!r}")
    values = _coord_values(name, values)
    if values is None and length is None:
        raise ValueError(f"dimension {name!r} needs coordinate values or a length")
    if values is not None and length is not None and not isinstance(length, Variable) and len(values) != int(length):
        raise ValueError(f"dimension {name!r}: {len(values)} coordinate values but length={length}")
    if length is None:
        length = len(values)
    known = model.coords
    if name in known:
        if known[name] == values and _same_length(model.dim_lengths[name], length):
            return
        raise ValueError(f"Duplicate and incompatible coordinate: {name} (already {known[name]!r}, now {values!r})")
    model._coords[name] = values
    model._dim_lengths[name] = length if isinstance(length, Variable) else int(length)
    model._cache.clear()


def _same_length(a, b):
    if isinstance(a, Variable) or isinstance(b, Variable):
        return a is b
    return int(a) == int(b)


def shape_from_dims(model, dims) -> tuple:
    dims = normalize_dims(dims)
    lengths = model.dim_lengths
    shape = []
    for d in dims:
        if d not in lengths:
            raise ValueError(
                f"Dimension {d!r} is not specified in the model's coords; declare it with "
                f"rx.Model(coords={{{d!r}: [...]}}), model.add_coord({d!r}, ...), or a rx.Data container with dims"
            )
        shape.append(lengths[d])
    return tuple(shape)


def check_dims(model, var, dims):
    """Validate ``dims`` for ``var`` (one name per dimension, lengths agreeing); return the tuple."""
    dims = normalize_dims(dims)
    if dims is None:
        return None
    ndim = var.type.ndim
    if len(dims) != ndim:
        raise ValueError(
            f"{var.name}: dims {dims} name {len(dims)} dimension(s), but the variable has {ndim} "
            f"(static shape {_shape_text(var.type.shape)})"
        )
    lengths = model.dim_lengths
    for axis, d in enumerate(dims):
        if d not in lengths:
            raise ValueError(f"{var.name}: Dimension {d!r} is not specified in the model's coords; declare it with "
                             f"rx.Model(coords={{{d!r}: [...]}}) or model.add_coord({d!r}, ...)")
        length, static = lengths[d], var.type.shape[axis]
        if not isinstance(length, Variable) and static is not None and static != length:
            raise ValueError(
                f"{var.name}: dimension {axis} has length {static}, but dims names it {d!r}, "
                f"which has length {length} in the model's coords"
            )
    for m in model._lineage():
        m._dims_used.update(dims)
    return dims


def tie_dims_to_data(model, data_var, dims, value):
    """Declare or tie the dimensions of a data container to its shape."""
    dims = normalize_dims(dims)
    if dims is None:
        return None
    if len(dims) != np.ndim(value):
        raise ValueError(f"{data_var.name}: dims {dims} name {len(dims)} dimension(s), "
                         f"but the data has shape {np.shape(value)}")
    used = model._dims_used
    for axis, d in enumerate(dims):
        n = np.shape(value)[axis]
        lengths = model.dim_lengths
        if d not in lengths:
            model._coords[d] = None
            model._dim_lengths[d] = data_var.shape[axis]
            model._dim_data[d] = (data_var, axis)
            continue
        length = current_length(model, d)
        if length is not None and length != n:
            raise ValueError(f"{data_var.name}: dimension {axis} has length {n}, but dims names it {d!r}, "
                             f"which has length {length} in the model")
        if not isinstance(lengths[d], Variable) and d not in used:
            # tie the length to this container so rx.set_data can change it later
            owner = _owner(model, d)
            owner._dim_lengths[d] = data_var.shape[axis]
            owner._dim_data[d] = (data_var, axis)
    return dims


def current_length(model, dim):
    """The length of ``dim`` now: its static length, or the current length of its data container."""
    length = model.dim_lengths[dim]
    if not isinstance(length, Variable):
        return int(length)
    for m in model._lineage():
        if dim in m._dim_data:
            var, axis = m._dim_data[dim]
            return int(np.shape(var.get_value(borrow=True))[axis])
    return None


def set_dim(model, name, new_length, coord_values=None):
    lengths = model.dim_lengths
    if name not in lengths:
        raise KeyError(f"the model has no dimension {name!r}")
    if coord_values is not None:
        coord_values = _coord_values(name, coord_values)
        if len(coord_values) != int(new_length):
            raise ValueError(f"dimension {name!r}: {len(coord_values)} coordinate values for length {new_length}")
    length = lengths[name]
    if not isinstance(length, Variable):
        if int(new_length) == length:
            _set_coords(model, name, coord_values)
            return
        raise ValueError(
            f"dimension {name!r} has the fixed length {length} (from coords); only dimensions tied to a data "
            "container (rx.Data(..., dims=...) created before any variable used the dimension) can change length"
        )
    _set_coords(model, name, coord_values)


def _owner(model, name):
    for m in model._lineage():
        if name in m._dim_lengths:
            return m
    raise KeyError(name)


def _set_coords(model, name, values):
    if values is not None:
        _owner(model, name)._coords[name] = values


def _shape_text(shape):
    return "(" + ", ".join("?" if s is None else str(s) for s in shape) + ("," if len(shape) == 1 else "") + ")"
