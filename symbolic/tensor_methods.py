"""The NumPy-like face of tensor variables: operators and methods that build graphs."""

from __future__ import annotations

import importlib


def _api(module: str):
    return importlib.import_module(f"rewrax.symbolic.{module}")


def _binary(fname, module="math"):
    def op(self, other):
        return getattr(_api(module), fname)(self, other)

    def rop(self, other):
        return getattr(_api(module), fname)(other, self)

    return op, rop


class TensorMethods:
    """Mixin for tensor variables; every method returns a new symbolic variable."""

    __slots__ = ()

    # -- arithmetic ----------------------------------------------------------------------------
    __add__, __radd__ = _binary("add")
    __sub__, __rsub__ = _binary("sub")
    __mul__, __rmul__ = _binary("mul")
    __truediv__, __rtruediv__ = _binary("true_div")
    __floordiv__, __rfloordiv__ = _binary("int_div")
    __mod__, __rmod__ = _binary("mod")
    __pow__, __rpow__ = _binary("pow")
    __and__, __rand__ = _binary("and_")
    __or__, __ror__ = _binary("or_")
    __xor__, __rxor__ = _binary("xor")
    __matmul__, __rmatmul__ = _binary("matmul", "linalg")

    def __neg__(self):
        return _api("math").neg(self)

    def __pos__(self):
        return self

    def __abs__(self):
        return _api("math").abs(self)

    def __invert__(self):
        return _api("math").invert(self)

    # Comparisons build graphs; == and != keep Python identity (variables are dict keys),
    # use pt.eq / pt.neq for element-wise equality.
    def __lt__(self, other):
        return _api("math").lt(self, other)

    def __le__(self, other):
        return _api("math").le(self, other)

    def __gt__(self, other):
        return _api("math").gt(self, other)

    def __ge__(self, other):
        return _api("math").ge(self, other)

    __hash__ = object.__hash__

    # -- attributes ----------------------------------------------------------------------------
    @property
    def ndim(self) -> int:
        return self.type.ndim

    @property
    def dtype(self) -> str:
        return self.type.dtype

    @property
    def broadcastable(self):
        return self.type.broadcastable

    @property
    def shape(self):
        return _api("shape_api").shape(self)

    @property
    def size(self):
        return _api("math").prod(self.shape)

    @property
    def T(self):
        return _api("shape_api").transpose(self)

    def __len__(self):
        if self.type.ndim == 0:
            raise TypeError(f"len() of the 0-d tensor {self}")
        n = self.type.shape[0]
        if n is None:
            raise TypeError(f"len() of {self}: its first dimension is unknown until run time; use x.shape[0]")
        return n

    def __iter__(self):
        for i in range(len(self)):
            yield self[i]

    def __getitem__(self, idx):
        return _api("subtensor").getitem(self, idx)

    # -- reductions ------------------------------------------------------------------------------
    def sum(self, axis=None, dtype=None, keepdims=False):
        return _api("math").sum(self, axis=axis, dtype=dtype, keepdims=keepdims)

    def prod(self, axis=None, dtype=None, keepdims=False):
        return _api("math").prod(self, axis=axis, dtype=dtype, keepdims=keepdims)

    def mean(self, axis=None, dtype=None, keepdims=False):
        return _api("math").mean(self, axis=axis, dtype=dtype, keepdims=keepdims)

    def var(self, axis=None, ddof=0, keepdims=False):
        return _api("math").var(self, axis=axis, ddof=ddof, keepdims=keepdims)

    def std(self, axis=None, ddof=0, keepdims=False):
        return _api("math").std(self, axis=axis, ddof=ddof, keepdims=keepdims)

    def max(self, axis=None, keepdims=False):
        return _api("math").max(self, axis=axis, keepdims=keepdims)

    def min(self, axis=None, keepdims=False):
        return _api("math").min(self, axis=axis, keepdims=keepdims)

    def argmax(self, axis=None, keepdims=False):
        return _api("math").argmax(self, axis=axis, keepdims=keepdims)

    def argmin(self, axis=None, keepdims=False):
        return _api("math").argmin(self, axis=axis, keepdims=keepdims)

    def any(self, axis=None, keepdims=False):
        return _api("math").any(self, axis=axis, keepdims=keepdims)

    def all(self, axis=None, keepdims=False):
        return _api("math").all(self, axis=axis, keepdims=keepdims)

    def cumsum(self, axis=None):
        return _api("math").cumsum(self, axis=axis)

    def cumprod(self, axis=None):
        return _api("math").cumprod(self, axis=axis)

    # -- shape -------------------------------------------------------------------------------
    def reshape(self, *shape, ndim=None):
        if len(shape) == 1 and not isinstance(shape[0], int):
            shape = shape[0]
        return _api("shape_api").reshape(self, shape, ndim=ndim)

    def flatten(self, ndim=1):
        return _api("shape_api").flatten(self, ndim=ndim)

    ravel = flatten

    def squeeze(self, axis=None):
        return _api("shape_api").squeeze(self, axis=axis)

    def dimshuffle(self, *order):
        if len(order) == 1 and isinstance(order[0], (list, tuple)):
            order = order[0]
        return _api("shape_api").dimshuffle(self, order)

    def transpose(self, *axes):
        if len(axes) == 1 and isinstance(axes[0], (list, tuple)):
            axes = axes[0]
        return _api("shape_api").transpose(self, axes or None)

    def swapaxes(self, a, b):
        return _api("shape_api").swapaxes(self, a, b)

    def repeat(self, repeats, axis=None):
        return _api("shape_api").repeat(self, repeats, axis=axis)

    def diagonal(self, offset=0, axis1=0, axis2=1):
        return _api("shape_api").diagonal(self, offset=offset, axis1=axis1, axis2=axis2)

    def trace(self):
        return _api("linalg").trace(self)

    def take(self, indices, axis=None):
        return _api("subtensor").take(self, indices, axis=axis)

    # -- values --------------------------------------------------------------------------------
    def astype(self, dtype):
        return _api("math").cast(self, dtype)

    def clip(self, a_min, a_max):
        return _api("math").clip(self, a_min, a_max)

    def round(self):
        return _api("math").round(self)

    def conj(self):
        return self

    def copy(self, name=None):
        return _api("math").identity(self, name=name)

    def sort(self, axis=-1):
        return _api("sorting").sort(self, axis=axis)

    def argsort(self, axis=-1):
        return _api("sorting").argsort(self, axis=axis)

    def dot(self, other):
        return _api("linalg").dot(self, other)

    def nonzero(self):
        raise TypeError(
            f"{self}.nonzero() has a data-dependent shape, which JAX cannot compile; "
            "use pt.where(condition, x, y) or a constant mask"
        )
