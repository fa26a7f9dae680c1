"""RandomVariable: an Op with inputs ``(rng, size, *params)`` and outputs ``(next_rng, draw)``.

The rng is a JAX PRNG key held in a shared variable. Evaluating a draw without updating the
rng gives the same value every time; compiling with ``updates={rng: next_rng}`` (what
``rx.draw`` does) advances it. The JAX sampler of each RandomVariable is an entry in
``rewrax.lower_jax``'s table.
"""

from __future__ import annotations

import numpy as np

from rewrax.symbolic.basic import as_tensor_variable, shared_rng
from rewrax.symbolic.blockwise import parse_signature
from rewrax.symbolic.config import config
from rewrax.symbolic.elemwise import broadcast_static_shapes, shape_text
from rewrax.symbolic.op import Op, UndefinedGrad
from rewrax.symbolic.type import RandomKeyType, TensorType, normalize_dtype
from rewrax.symbolic.variable import Apply, Constant, Variable


class RandomVariable(Op):
    """Base class of random variables.

    Subclasses set ``name`` (``"normal"``), ``signature`` (``"(),()->()"``: core ranks of the
    parameters and of one draw), ``dtype`` (``"floatX"`` or an integer dtype) and, for
    multivariate ones, ``support_shape`` (the core shape of a draw from the parameters).
    """

    name = "random"
    signature = "()->()"
    dtype = "floatX"
    #: how the model prints the distribution (``x ~ Normal(mu, sigma)``)
    print_name = "Random"
    #: names of the distribution parameters, in input order after (rng, size)
    param_names: tuple = ()
    __props__ = ("dtype",)
    has_perform = False

    def __init__(self, dtype=None):
        self.dtype = normalize_dtype(dtype) if dtype is not None else (
            config.floatX if type(self).dtype == "floatX" else type(self).dtype)

    def __str__(self):
        return f"{self.name}_rv{{{self.signature}, {self.dtype}}}"

    @property
    def ndims_params(self):
        return [len(g) for g in parse_signature(self.signature)[0]]

    @property
    def ndim_supp(self):
        return len(parse_signature(self.signature)[1][0])

    def support_shape(self, params):
        """Static core shape of one draw given the parameter variables.

        Each output core dimension takes the static size its letter has among the
        parameters' core dimensions (``"(n),(n,n)->(n)"``); ``None`` where unknown.
        """
        ins, outs = parse_signature(self.signature)
        sizes: dict = {}
        for p, letters in zip(params, ins):
            core = p.type.shape[p.type.ndim - len(letters):] if letters else ()
            for letter, size in zip(letters, core):
                sizes.setdefault(letter, []).append(size)
        return tuple(_letter_size(sizes.get(letter, [None])) for letter in outs[0])

    def dist_params(self, node):
        """The distribution parameters of an Apply node of this op (inputs after rng, size)."""
        return node.inputs[2:]

    def batch_shape(self, params):
        shapes = [p.type.shape[: p.type.ndim - n] for p, n in zip(params, self.ndims_params)]
        nb = max((len(s) for s in shapes), default=0)
        padded = [(1,) * (nb - len(s)) + tuple(s) for s in shapes]
        return broadcast_static_shapes(padded, f"{self} parameters") if nb else ()

    def make_node(self, rng, size, *params):
        if not isinstance(rng, Variable) or not isinstance(rng.type, RandomKeyType):
            raise TypeError(f"{self}: rng must be a shared PRNG key (rx.shared_rng), got {rng!r}")
        size = as_tensor_variable(size)
        if size.type.ndim != 1 or not size.type.dtype.startswith("int"):
            raise TypeError(f"{self}: size must be an integer vector, got {size.type}")
        params = [as_tensor_variable(p) for p in params]
        if len(params) != len(self.ndims_params):
            raise TypeError(f"{self} takes {len(self.ndims_params)} parameters, got {len(params)}")
        for p, n in zip(params, self.ndims_params):
            if p.type.ndim < n:
                raise ValueError(f"{self}: parameter {p} of type {p.type} needs at least {n} dimension(s)")
        shape = self.output_shape(size, params)
        outs = [RandomKeyType().make_variable(), TensorType(self.dtype, shape).make_variable()]
        return Apply(self, [rng, size, *params], outs)

    def output_shape(self, size, params):
        from rewrax.symbolic.shape_ops import _shape_entries

        batch = self.batch_shape(params)
        supp = tuple(self.support_shape(params))
        n = size.type.shape[0]
        if n == 0:
            return batch + supp
        entries = tuple(_shape_entries(size, n))
        if None not in entries and None not in batch:
            # NumPy semantics: the parameters must broadcast to size
            try:
                np.broadcast_shapes(entries, batch)
            except ValueError:
                raise ValueError(
                    f"{self}: size {entries} is incompatible with the parameters' batch shape {shape_text(batch)}"
                ) from None
            if np.broadcast_shapes(entries, batch) != entries:
                raise ValueError(f"{self}: size {entries} cannot hold the parameters' batch shape {shape_text(batch)}")
        return entries + supp

    def pullback(self, inputs, outputs, output_grads):
        return [None, None] + [UndefinedGrad(self, i + 2, "random draws are not differentiable with respect to their parameters")
                               for i in range(len(inputs) - 2)]

    def vectorize(self, node, batched_inputs):
        rng, size, *params = batched_inputs
        nb = max((b.type.ndim - o.type.ndim for b, o in zip(params, node.inputs[2:])), default=0)
        old_size = node.inputs[1]
        if nb == 0:
            return self.make_node(rng, size, *params).outputs
        from rewrax.symbolic.shape_api import concatenate, expand_dims, stack

        # Parameters broadcast against the size (or each other) from the right: a batched
        # parameter needs ones between its new leading dimensions and its old batch dimensions
        # (size (2, 5, 10), loc (100, 5, 1) -> (100, 1, 5, 1); without a size, mu (100, 5)
        # next to sigma (100,) of a draw of shape (5,) -> sigma (100, 1)).
        n_size = old_size.type.shape[0]
        unsized = n_size == 0
        if unsized:
            n_size = max(o.type.ndim - n for o, n in zip(node.inputs[2:], self.ndims_params))
        expanded = []
        for p, o, n_core in zip(params, node.inputs[2:], self.ndims_params):
            k = p.type.ndim - o.type.ndim
            if k > 0:
                gap = n_size - (o.type.ndim - n_core)
                axes = tuple(range(nb - k)) + tuple(range(nb, nb + gap))
                p = expand_dims(p, axes) if axes else p
            expanded.append(p)
        params = expanded
        if unsized:
            return self.make_node(rng, size, *params).outputs
        batch = self.batch_shape(params)[:nb]
        dims = [b if b is not None else _batch_dim(params, self.ndims_params, k, nb) for k, b in enumerate(batch)]
        if all(isinstance(d, int) for d in dims) and isinstance(size, Constant):
            new_size = as_tensor_variable(np.array([*dims, *np.asarray(size.data)], dtype="int64"))  # static shape
        else:
            new_size = concatenate([stack([as_tensor_variable(np.int64(d)) if isinstance(d, int) else d for d in dims]),
                                    size])
        return self.make_node(rng, new_size, *params).outputs


def _letter_size(sizes):
    known = [s for s in sizes if s is not None]
    if len(known) != len(sizes) and not any(s != 1 for s in known):
        return None
    big = [s for s in known if s != 1]
    return big[0] if big else (1 if known else None)


def _batch_dim(params, ndims, k, nb):
    for p, n in zip(params, ndims):
        extra = p.type.ndim - n
        if extra == nb and p.type.shape[k] != 1:
            return p.shape[k]
    return 1


def _size_vector(size):
    from rewrax.symbolic.shape_api import _shape_vector

    if size is None:
        return as_tensor_variable(np.zeros(0, dtype="int64"))
    if isinstance(size, (int, np.integer)):
        size = (size,)
    return _shape_vector(size)


def make_rv(op, *params, size=None, rng=None, name=None):
    """Apply the RandomVariable ``op`` and return its draw (output 1)."""
    if rng is None:
        rng = shared_rng()
    out = op(rng, _size_vector(size), *params, return_list=True)[1]
    if name is not None:
        out.name = name
    return out
