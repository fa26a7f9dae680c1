"""Flat views of a model's position: blocks of value variables ravelled into one vector.

A step method updates a *block* of value variables. Its kernel sees one flat vector (floats
for NUTS/HMC, the variables' own integer dtype for discrete Metropolis), and the conditional
log density of that vector given the rest of the position. Ravel order is model order, as
PyMC's ``DictToArrayBijection``.
"""

from __future__ import annotations

from typing import NamedTuple

import numpy as np

import jax.numpy as jnp


class Block(NamedTuple):
    """The value variables one step method updates, and how they sit in its flat vector."""

    names: tuple
    shapes: tuple
    dtypes: tuple
    sizes: tuple
    dtype: str

    @property
    def size(self) -> int:
        return int(sum(self.sizes))

    def integer_mask(self) -> np.ndarray:
        """Which entries of the flat vector hold integer variables."""
        return np.repeat([_is_integer(d) for d in self.dtypes], self.sizes).astype(bool)

    def ravel(self, position: dict):
        """The block's values in ``position`` as one flat vector (``jnp`` or ``np``)."""
        parts = [jnp.reshape(position[n], (-1,)).astype(self.dtype) for n in self.names]
        if not parts:
            return jnp.zeros((0,), self.dtype)
        return parts[0] if len(parts) == 1 else jnp.concatenate(parts)

    def ravel_numpy(self, position: dict) -> np.ndarray:
        """:meth:`ravel` on the host (no JAX dispatch)."""
        parts = [np.reshape(np.asarray(position[n]), (-1,)).astype(self.dtype) for n in self.names]
        return np.concatenate(parts) if parts else np.zeros((0,), self.dtype)

    def unravel(self, flat) -> dict:
        """``{name: array}`` of the block's variables from its flat vector."""
        out, start = {}, 0
        for name, shape, dtype, size in zip(self.names, self.shapes, self.dtypes, self.sizes):
            part = jnp.reshape(flat[start:start + size], shape)
            if _is_integer(dtype) and not _is_integer(self.dtype):
                part = jnp.round(part)  # integers carried in a float block (Metropolis on mixed vars)
            out[name] = part.astype(dtype)
            start += size
        return out

    def element_names(self) -> list:
        """``x[0, 1]``-style labels of the flat vector's entries (for error messages)."""
        labels = []
        for name, shape in zip(self.names, self.shapes):
            if shape == ():
                labels.append(name)
            else:
                labels += [f"{name}[{', '.join(map(str, idx))}]" for idx in np.ndindex(*shape)]
        return labels


def _is_integer(dtype) -> bool:
    return np.issubdtype(np.dtype(dtype), np.integer) or np.dtype(dtype) == np.bool_


def make_block(names, shapes: dict, dtypes: dict, float_dtype: str, mixed: bool = False) -> Block:
    """A block of ``names`` (model order). Continuous blocks ravel to ``float_dtype``.

    Integer variables alone ravel to an integer vector; with ``mixed`` (a random-walk
    Metropolis over both kinds, as PyMC allows) they ride in the float vector as whole
    numbers.
    """
    names = tuple(names)
    shp = tuple(tuple(int(s) for s in shapes[n]) for n in names)
    dts = tuple(str(np.dtype(dtypes[n])) for n in names)
    sizes = tuple(int(np.prod(s, dtype=int)) for s in shp)
    discrete = [_is_integer(d) for d in dts]
    if any(discrete) and not all(discrete) and mixed:
        return Block(names, shp, dts, sizes, float_dtype)
    if any(discrete) and not all(discrete):
        mixed = ", ".join(f"{n} ({d})" for n, d in zip(names, dts))
        raise TypeError(f"one step method cannot update discrete and continuous variables together: {mixed}")
    if all(discrete) and names:
        kinds = {np.dtype(d) for d in dts}
        dtype = "int64" if len(kinds) > 1 else ("int32" if kinds == {np.dtype(bool)} else dts[0])
    else:
        dtype = float_dtype
    return Block(names, shp, dts, sizes, dtype)


class Layout:
    """How the blocks of a compound step cover the position dict of a model.

    ``positions`` on the kernels' side are tuples of flat vectors, one per block;
    :meth:`to_dict` / :meth:`from_dict` convert to and from ``{name: array}``.
    """

    def __init__(self, blocks):
        self.blocks = tuple(blocks)
        self.names = tuple(n for b in self.blocks for n in b.names)

    def from_dict(self, position: dict) -> tuple:
        return tuple(b.ravel(position) for b in self.blocks)

    def to_dict(self, flats) -> dict:
        out = {}
        for block, flat in zip(self.blocks, flats):
            out.update(block.unravel(flat))
        return out

    def conditional(self, logdensity, k: int, flats, data):
        """The log density of block ``k``'s flat vector, the other blocks held at ``flats``."""
        block = self.blocks[k]
        rest = {}
        for j, (other, flat) in enumerate(zip(self.blocks, flats)):
            if j != k:
                rest.update(other.unravel(flat))

        def logdensity_k(x):
            return logdensity({**rest, **block.unravel(x)}, data)

        return logdensity_k
