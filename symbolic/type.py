"""Types: what a variable holds (dtype and static shape), and how values are checked.

``TensorType(float64, shape=(None, 3))`` is a float64 matrix with an unknown number of
rows and three columns. A ``None`` dimension is unknown until run time.
"""

from __future__ import annotations

import numpy as np

from rewrax.symbolic.config import config

ALL_DTYPES = (
    "bool", "int8", "int16", "int32", "int64", "uint8", "uint16", "uint32", "uint64",
    "float16", "float32", "float64", "complex64", "complex128",
)
INT_DTYPES = tuple(d for d in ALL_DTYPES if d.startswith(("int", "uint")))
FLOAT_DTYPES = ("float16", "float32", "float64")
COMPLEX_DTYPES = ("complex64", "complex128")
_RANK_NAMES = ("Scalar", "Vector", "Matrix", "Tensor3", "Tensor4")


_CANONICAL: dict = {}  # dtype spelling -> canonical name; np.dtype(...).name is slow


def normalize_dtype(dtype) -> str:
    """Return the canonical name of a dtype (``"floatX"`` means ``config.floatX``)."""
    if dtype is None or dtype == "floatX":
        return config.floatX
    if isinstance(dtype, str) and dtype in _CANONICAL:
        return _CANONICAL[dtype]
    name = _canonical(dtype)
    if isinstance(dtype, str):
        _CANONICAL[dtype] = name
    return name


def _canonical(dtype) -> str:
    try:
        name = np.dtype(dtype).name
    except TypeError as exc:
        raise TypeError(f"{dtype!r} is not a dtype rewrax knows") from exc
    if name not in ALL_DTYPES:
        raise TypeError(f"dtype {name!r} is not supported; use one of {ALL_DTYPES}")
    return name


def is_float_dtype(dtype: str) -> bool:
    return dtype in FLOAT_DTYPES


def is_int_dtype(dtype: str) -> bool:
    return dtype in INT_DTYPES


def is_discrete_dtype(dtype: str) -> bool:
    return dtype == "bool" or dtype in INT_DTYPES


def _normalize_shape(shape) -> tuple:
    if shape is None:
        raise TypeError("shape must be a tuple of ints or None entries, not None")
    if isinstance(shape, (int, np.integer)):
        shape = (shape,)
    out = []
    for s in shape:
        if s is None:
            out.append(None)
        elif isinstance(s, (bool, np.bool_)) or not isinstance(s, (int, np.integer)):
            raise TypeError(f"shape entries must be int or None, got {s!r} in {tuple(shape)}")
        elif s < 0:
            raise ValueError(f"shape entries must be non-negative, got {s} in {tuple(shape)}")
        else:
            out.append(int(s))
    return tuple(out)


class Type:
    """Base class of the types a variable can have."""

    def filter(self, value, name: str = "input"):
        raise NotImplementedError

    def make_variable(self, name=None):
        from rewrax.symbolic.variable import Variable

        return Variable(self, name=name)


class TensorType(Type):
    """An n-dimensional array of a given dtype with a (partially) known shape.

    Examples
    --------
    >>> TensorType("float64", shape=(None,))
    TensorType(float64, shape=(None,))
    >>> print(TensorType("float64", shape=(2, 3)))
    Matrix(float64, shape=(2, 3))
    """

    __slots__ = ("dtype", "shape", "_hash")

    def __init__(self, dtype, shape=()):
        self.dtype = normalize_dtype(dtype)
        self.shape = _normalize_shape(shape)
        self._hash = hash((TensorType, self.dtype, self.shape))

    @property
    def ndim(self) -> int:
        return len(self.shape)

    @property
    def broadcastable(self) -> tuple:
        return tuple(s == 1 for s in self.shape)

    def clone(self, dtype=None, shape=None) -> "TensorType":
        return TensorType(self.dtype if dtype is None else dtype, self.shape if shape is None else shape)

    def __eq__(self, other):
        return type(other) is TensorType and self.dtype == other.dtype and self.shape == other.shape

    def __hash__(self):
        return self._hash

    def __str__(self):
        dims = ", ".join("?" if s is None else str(s) for s in self.shape)
        if len(self.shape) == 1:
            dims += ","
        kind = _RANK_NAMES[self.ndim] if self.ndim < len(_RANK_NAMES) else f"Tensor{self.ndim}"
        return f"{kind}({self.dtype}, shape=({dims}))"

    def __repr__(self):
        return f"TensorType({self.dtype}, shape={self.shape})"

    def is_super(self, other) -> bool:
        """Whether every value of ``other`` is also a value of this type."""
        if not isinstance(other, TensorType) or other.dtype != self.dtype or other.ndim != self.ndim:
            return False
        return all(s is None or s == o for s, o in zip(self.shape, other.shape))

    def is_compatible(self, other) -> bool:
        """Same dtype and rank, and no two known dimensions disagree."""
        return (
            isinstance(other, TensorType)
            and other.dtype == self.dtype
            and other.ndim == self.ndim
            and all(s is None or o is None or s == o for s, o in zip(self.shape, other.shape))
        )

    def filter(self, value, name: str = "input", allow_downcast: bool = False) -> np.ndarray:
        """Convert ``value`` to an array of this type or raise an error naming ``name``."""
        arr = value if isinstance(value, np.ndarray) else np.asarray(value)
        if arr.dtype.name != self.dtype:
            arr = _cast_input(arr, value, self.dtype, name, allow_downcast)
        if arr.ndim != self.ndim:
            raise TypeError(
                f"{name} expects {self.ndim} dimension(s) ({self}), but got an array with "
                f"shape {arr.shape} ({arr.ndim} dimension(s))"
            )
        for axis, (want, got) in enumerate(zip(self.shape, arr.shape)):
            if want is not None and want != got:
                raise ValueError(
                    f"{name} expects shape {_shape_str(self.shape)} but got shape {arr.shape} "
                    f"(dimension {axis} is {got}, expected {want})"
                )
        return arr


def _shape_str(shape) -> str:
    return "(" + ", ".join("?" if s is None else str(s) for s in shape) + ("," if len(shape) == 1 else "") + ")"


def _cast_input(arr: np.ndarray, value, dtype: str, name: str, allow_downcast: bool) -> np.ndarray:
    src = arr.dtype
    if src.kind in "OUS":
        raise TypeError(f"{name} expects numbers of dtype {dtype}, got {src} data")
    target = np.dtype(dtype)
    from_python = not isinstance(value, (np.ndarray, np.generic)) and not hasattr(value, "__array__")
    if np.can_cast(src, target, "safe") or allow_downcast:
        return arr.astype(target)
    if from_python and not (src.kind in "fc" and target.kind in "biu"):
        # Python numbers and lists are weakly typed, as in NumPy 2 and JAX.
        return arr.astype(target)
    if src.kind in "biu" and target.kind in "biu":
        cast = arr.astype(target)
        if np.array_equal(cast, arr):
            return cast
        raise TypeError(f"{name} expects {dtype}; the {src} values given do not fit in {dtype}")
    raise TypeError(
        f"{name} expects {dtype} but got {src} data; casting would lose information "
        f"(convert it first, or compile with allow_input_downcast=True)"
    )


class RandomKeyType(Type):
    """A JAX PRNG key (raw ``uint32[2]`` key data), the state of random variables."""

    dtype = "uint32"
    shape = (2,)
    ndim = 1

    def __eq__(self, other):
        return type(other) is RandomKeyType

    def __hash__(self):
        return hash(RandomKeyType)

    def __str__(self):
        return "RandomKey"

    __repr__ = __str__

    def is_super(self, other):
        return self == other

    is_compatible = is_super

    def filter(self, value, name: str = "rng", allow_downcast: bool = False):
        arr = np.asarray(value)
        if arr.shape != (2,) or arr.dtype.kind not in "iu":
            raise TypeError(f"{name} expects a raw PRNG key (uint32 array of shape (2,)), got {arr.dtype}{arr.shape}")
        return arr.astype(np.uint32)
