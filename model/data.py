"""Data containers: ``rx.Data`` (a named shared variable of the model) and ``rx.set_data``.

Compiled functions read a container's current value at every call, so changing it with
``rx.set_data`` needs no rebuilding and no recompilation (JAX retraces only when a shape
changes). A container's static shape is left unknown so that its length may change; the
dimensions it names (``dims=``) follow its shape (see :mod:`rewrax.model.coords`).
"""

from __future__ import annotations

import numpy as np

import rewrax.symbolic as pt
from rewrax.model import coords as _coords
from rewrax.model.context import modelcontext
from rewrax.symbolic.variable import SharedVariable


def _as_array(name, value):
    if hasattr(value, "to_numpy") and not isinstance(value, np.ndarray):
        value = value.to_numpy()  # pandas Series / DataFrame
    if isinstance(value, pt.Variable):
        raise TypeError(f"Data {name!r} takes values (arrays), not the symbolic variable {value}")
    if isinstance(value, np.ma.MaskedArray):
        raise TypeError(f"Data {name!r}: masked arrays are not supported in data containers; "
                        "pass the array as observed= to impute its missing values")
    arr = np.asarray(value)
    if arr.dtype.kind not in "biuf":
        raise TypeError(f"Data {name!r} must be numeric, got dtype {arr.dtype}")
    if arr.dtype.kind == "f":
        arr = arr.astype(pt.config.floatX)
    elif arr.dtype.kind in "iu":
        arr = arr.astype("int64")
    return arr


def _infer_coords(value, dims):
    """Coordinates from a pandas object's index / columns, for ``infer_dims_and_coords``."""
    coords = {}
    if dims is None:
        return coords
    index = getattr(value, "index", None)
    columns = getattr(value, "columns", None)
    for axis, labels in enumerate((index, columns)):
        if labels is not None and axis < len(dims):
            coords[dims[axis]] = list(labels)
    return coords


def Data(name, value, *, dims=None, coords=None, infer_dims_and_coords=False, mutable=None, model=None):
    """A named data container of the model: a shared variable whose value ``rx.set_data`` changes.

    Parameters
    ----------
    name : str
    value : array-like (NumPy, pandas, nested lists)
        Floats become ``floatX``, integers ``int64``.
    dims : str or tuple of str, optional
        Names of its dimensions; unknown ones are declared with the data's lengths.
    coords : dict, optional
        Coordinate values for (some of) ``dims``.

    Examples
    --------
    >>> import numpy as np, rewrax as rx
    >>> with rx.Model() as m:
    ...     x = rx.Data("x", np.array([1.0, 2.0, 3.0]))
    ...     y = rx.Normal("y", 2 * x, 1.0, observed=np.zeros(3))
    >>> f = m.compile_logp()
    >>> rx.set_data({"x": np.zeros(3)}, model=m)
    >>> round(float(f({})), 4)
    -2.7568
    """
    model = modelcontext(model)
    full_name = model.name_for(name)
    dims = _coords.normalize_dims(dims)
    if infer_dims_and_coords:
        coords = {**_infer_coords(value, dims), **(coords or {})}
    arr = _as_array(full_name, value)
    for dim, values in (coords or {}).items():
        model.add_coord(dim, values)
    var = pt.shared(arr, name=full_name)
    _coords.tie_dims_to_data(model, var, dims, arr)
    model.add_named_variable(var, dims)
    model._record("data_vars", var)
    return var


def _cast_new_value(var, values):
    arr = np.asarray(values.to_numpy() if hasattr(values, "to_numpy") and not isinstance(values, np.ndarray)
                     else values)
    dtype = np.dtype(var.type.dtype)
    if arr.dtype.kind not in "biuf":
        raise TypeError(f"set_data: new values of {var.name!r} must be numeric, got dtype {arr.dtype}")
    if dtype.kind in "iu" and arr.dtype.kind == "f":
        if not np.array_equal(arr, np.round(arr)):
            raise TypeError(f"set_data: {var.name!r} holds integers ({dtype}); the new values are not integers")
    if arr.ndim != var.type.ndim:
        raise ValueError(f"set_data: {var.name!r} has {var.type.ndim} dimension(s); new values have shape {arr.shape}")
    return arr.astype(dtype)


def set_model_data(model, name, values, coords=None):
    var = model.named_vars.get(model.name_for(name)) if isinstance(name, str) else name
    if var is None or not isinstance(var, SharedVariable) or var not in model.data_vars:
        known = [v.name for v in model.data_vars]
        raise TypeError(f"The variable `{name}` must be a data container (created through `rx.Data()`) to allow "
                        f"updating; the model's data containers are {known}")
    arr = _cast_new_value(var, values)
    dims = model.named_vars_to_dims.get(var.name)
    if dims:
        for axis, dim in enumerate(dims):
            new_values = (coords or {}).get(dim)
            length = model.dim_lengths[dim]
            if new_values is not None:
                if len(new_values) != arr.shape[axis]:
                    raise ValueError(f"set_data: {len(new_values)} coordinate values for dimension {dim!r}, but the "
                                     f"new data of {var.name!r} has length {arr.shape[axis]} along it")
                model.set_dim(dim, arr.shape[axis], coord_values=new_values)
            elif not isinstance(length, pt.Variable) and length != arr.shape[axis]:
                raise ValueError(
                    f"set_data: the new data of {var.name!r} has length {arr.shape[axis]} along {dim!r}, which has the "
                    f"fixed length {length}; declare the dimension through a data container to let it change"
                )
            elif model.coords.get(dim) is not None and len(model.coords[dim]) != arr.shape[axis]:
                raise ValueError(
                    f"set_data: the new data of {var.name!r} has length {arr.shape[axis]} along {dim!r}, which has "
                    f"{len(model.coords[dim])} coordinate values; pass the new ones: coords={{{dim!r}: [...]}}"
                )
    var.set_value(arr)


def set_data(new_data, model=None, *, coords=None):
    """Change the values of data containers: ``rx.set_data({"x": new_x})``.

    Compiled functions of the model see the new values at their next call; nothing is
    rebuilt or recompiled. ``coords`` updates the coordinate values of dimensions whose
    length changes.

    Examples
    --------
    >>> import numpy as np, rewrax as rx
    >>> with rx.Model() as m:
    ...     x = rx.Data("x", [1.0, 2.0])
    ...     rx.set_data({"x": [3.0, 4.0, 5.0]})
    >>> x.get_value()
    array([3., 4., 5.])
    """
    model = modelcontext(model)
    for name, values in new_data.items():
        set_model_data(model, name, values, coords=coords)
