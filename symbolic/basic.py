"""Tensor variables, constants, placeholders and shared variables.

``TensorVariable`` gives graphs the NumPy look: arithmetic, comparisons, ``@``, indexing
and the usual methods all build new graph nodes. Python scalars are weakly typed, as in
NumPy 2 and JAX: ``x_float32 + 1.5`` stays float32.
"""

from __future__ import annotations

import numpy as np

from rewrax.symbolic.config import config
from rewrax.symbolic.tensor_methods import TensorMethods
from rewrax.symbolic.type import RandomKeyType, TensorType, normalize_dtype
from rewrax.symbolic.variable import Constant, SharedVariable, Variable

_PY_SCALARS = (bool, int, float, complex)


class TensorVariable(TensorMethods, Variable):
    """A symbolic array: the result of an Op, or a placeholder input."""


class TensorConstant(TensorMethods, Constant):
    """A symbolic array with a fixed value (``.data``)."""

    def __init__(self, type, data, name=None):
        data = np.array(data, dtype=type.dtype, copy=True)
        data.setflags(write=False)
        super().__init__(type, data, name=name)

    @property
    def value(self):
        return self.data


class TensorSharedVariable(TensorMethods, SharedVariable):
    """A symbolic array whose value persists between calls (``rx.shared``)."""


class RandomKeySharedVariable(SharedVariable):
    """A shared JAX PRNG key, the state that random variables draw from."""


# TensorType.make_variable builds TensorVariables
TensorType.make_variable = lambda self, name=None: TensorVariable(self, name=name)


def _default_dtype(value) -> str:
    arr = np.asarray(value)
    if arr.dtype.kind == "f" and isinstance(value, (float, list, tuple)):
        return config.floatX
    if arr.dtype.kind == "O":
        raise TypeError(f"cannot convert {value!r} to a tensor (object array)")
    return normalize_dtype(arr.dtype)


def constant(value, name=None, dtype=None) -> TensorConstant:
    """A tensor constant holding ``value`` (copied; never changed).

    Examples
    --------
    >>> import rewrax.symbolic as pt
    >>> pt.constant([1.0, 2.0]).type
    TensorType(float64, shape=(2,))
    """
    dtype = normalize_dtype(dtype) if dtype is not None else _default_dtype(value)
    data = np.asarray(value)
    if data.dtype.kind in "fc" and np.dtype(dtype).kind in "biu":
        if not np.all(np.isfinite(data)) or not np.array_equal(data, np.round(data)):
            raise TypeError(f"cannot make an integer constant of dtype {dtype} from non-integer values {value!r}")
    return TensorConstant(TensorType(dtype, data.shape), data, name=name)


def as_tensor_variable(x, name=None, dtype=None, ndim=None) -> Variable:
    """Turn ``x`` (a variable, array, number or nested list) into a tensor variable."""
    if isinstance(x, Variable):
        if dtype is not None and x.type.dtype != normalize_dtype(dtype):
            from rewrax.symbolic.math import cast

            x = cast(x, dtype)
        out = x
    elif isinstance(x, (list, tuple)) and any(isinstance(e, Variable) for e in _flatten(x)):
        from rewrax.symbolic.shape_ops import stack

        out = stack([as_tensor_variable(e, dtype=dtype) for e in x])
    else:
        if hasattr(x, "__jax_array__") or type(x).__module__.startswith("jax"):
            x = np.asarray(x)
        out = constant(x, name=name, dtype=dtype)
    if ndim is not None and out.type.ndim != ndim:
        raise TypeError(f"expected a tensor of rank {ndim}, got {out} of type {out.type}")
    return out


as_tensor = as_tensor_variable


def _flatten(seq):
    for e in seq:
        if isinstance(e, (list, tuple)):
            yield from _flatten(e)
        else:
            yield e


def weak_dtype(value, other: str) -> str:
    """Dtype a Python scalar takes next to tensors of dtype ``other`` (NEP 50)."""
    kind = np.dtype(other).kind
    if isinstance(value, bool):
        return other
    if isinstance(value, int):
        if kind == "b":
            return "int64"
        if kind in "iu":
            info = np.iinfo(other)
            if not info.min <= value <= info.max:
                raise OverflowError(f"Python integer {value} is out of bounds for {other}")
        return _narrow_int(value, other)
    if isinstance(value, float):
        return other if kind in "fc" else config.floatX
    if isinstance(value, complex):
        if kind == "c":
            return other
        return "complex64" if other in ("float16", "float32") else "complex128"
    raise TypeError(f"{value!r} is not a Python scalar")


def _narrow_int(value: int, other: str) -> str:
    """The smallest integer dtype holding ``value`` that leaves the result dtype ``other``.

    ``x + 1`` then shows the literal as ``1`` (int8), as PyTensor prints it, while the result
    keeps NEP 50's dtype (``upcast(int8, float64) == float64``).
    """
    from rewrax.symbolic.scalar import upcast

    for candidate in ("int8", "uint8", "int16", "uint16", "int32", "uint32", "int64"):
        info = np.iinfo(candidate)
        if info.min <= value <= info.max and upcast(candidate, other) == other:
            return candidate
    return other


def as_tensor_operands(*args):
    """Convert operands of an element-wise operation, typing Python scalars weakly."""
    strong = [a for a in args if not isinstance(a, _PY_SCALARS)]
    if not strong:
        return [as_tensor_variable(a) for a in args]
    strong_vars = [as_tensor_variable(a) for a in strong]
    other = np.result_type(*[v.type.dtype for v in strong_vars]).name
    out, it = [], iter(strong_vars)
    for a in args:
        out.append(constant(a, dtype=weak_dtype(a, other)) if isinstance(a, _PY_SCALARS) else next(it))
    return out


# --------------------------------------------------------------------------------------------
# placeholders
# --------------------------------------------------------------------------------------------
def tensor(name=None, *, shape=None, dtype=None, ndim=None) -> TensorVariable:
    """A placeholder of the given static ``shape`` (``None`` entries unknown) and ``dtype``.

    Examples
    --------
    >>> import rewrax.symbolic as pt
    >>> print(pt.tensor("x", shape=(None, 3)).type)
    Matrix(float64, shape=(?, 3))
    """
    if name is not None and not isinstance(name, str):
        raise TypeError(f"name must be a string, got {name!r}; pass the shape as shape=...")
    if shape is None:
        if ndim is None:
            raise TypeError("pt.tensor needs shape= (a tuple with None for unknown sizes) or ndim=")
        shape = (None,) * ndim
    elif ndim is not None and len(shape) != ndim:
        raise ValueError(f"shape {shape} has {len(shape)} dimensions but ndim={ndim}")
    return TensorVariable(TensorType(dtype, shape), name=name)


def scalar(name=None, dtype=None) -> TensorVariable:
    """A 0-d placeholder (float64 unless ``dtype`` says otherwise).

    Examples
    --------
    >>> import rewrax.symbolic as pt
    >>> print(pt.scalar("x").type)
    Scalar(float64, shape=())
    """
    return tensor(name, shape=(), dtype=dtype)


def _ranked(ndim, kind):
    def make(name=None, dtype=None, shape=None):
        return tensor(name, shape=(None,) * ndim if shape is None else shape, dtype=dtype, ndim=ndim)

    # the name feeds TYPED_CONSTRUCTORS ("d" + "vector" -> dvector)
    make.__name__ = make.__qualname__ = kind
    make.__doc__ = f"A placeholder of rank {ndim} (``shape=`` may fix some sizes; unknown by default)."
    return make


vector, matrix = _ranked(1, "vector"), _ranked(2, "matrix")
tensor3, tensor4 = _ranked(3, "tensor3"), _ranked(4, "tensor4")


def _typed(maker, dtype):
    def make(name=None, shape=None):
        return maker(name, dtype=dtype) if maker is scalar else maker(name, dtype=dtype, shape=shape)

    make.__name__ = f"{dtype}_{maker.__name__}"
    return make


_PREFIX = {"b": "int8", "w": "int16", "i": "int32", "l": "int64", "f": "float32", "d": "float64", "c": "complex64", "z": "complex128"}
TYPED_CONSTRUCTORS = {
    p + maker.__name__: _typed(maker, dt)
    for p, dt in _PREFIX.items()
    for maker in (scalar, vector, matrix, tensor3, tensor4)
}


# --------------------------------------------------------------------------------------------
# shared variables
# --------------------------------------------------------------------------------------------
def shared(value, name=None, shape=None, borrow=False):
    """A variable whose value lives between calls; ``.get_value()`` / ``.set_value()``.

    Its static shape is unknown unless ``shape=`` fixes it, so ``set_value`` may change it.

    Examples
    --------
    >>> import numpy as np, rewrax as rx
    >>> w = rx.shared(np.zeros(3), name="w")
    >>> w.set_value(np.ones(3)); w.get_value()
    array([1., 1., 1.])
    """
    if isinstance(value, Variable):
        raise TypeError(f"shared() takes a value, not the symbolic variable {value}")
    arr = np.array(value, copy=not borrow)
    if arr.dtype.kind == "O":
        raise TypeError(f"shared() cannot hold {type(value).__name__} values")
    dtype = config.floatX if arr.dtype.kind == "f" and not isinstance(value, (np.ndarray, np.generic)) else arr.dtype
    arr = arr.astype(dtype, copy=False)
    static = (None,) * arr.ndim if shape is None else shape
    var = TensorSharedVariable(TensorType(arr.dtype, static), None, name=name)
    var.set_value(arr, borrow=True)
    return var


def shared_rng(seed=None, name=None) -> RandomKeySharedVariable:
    """A shared PRNG key (raw ``uint32[2]`` threefry key data) seeded with ``seed``."""
    if seed is None:
        seed = int(np.random.SeedSequence().generate_state(1)[0])
    key = seed_to_key(seed)
    var = RandomKeySharedVariable(RandomKeyType(), key, name=name)
    return var


def seed_to_key(seed) -> np.ndarray:
    """Raw threefry key data for an integer seed (what ``jax.random.PRNGKey(seed)`` gives)."""
    seed = int(seed)
    if seed < 0:
        raise ValueError(f"random seeds must be non-negative, got {seed}")
    seed &= (1 << 64) - 1
    return np.array([seed >> 32, seed & 0xFFFFFFFF], dtype=np.uint32)
