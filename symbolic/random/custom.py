"""Random variables defined by the user: ``CustomDistRV``, ``SymbolicRandomVariable`` and the
minibatch index of ``rx.Minibatch``.

- ``CustomDistRV`` is PyMC's "black-box" custom distribution: its draws come from a NumPy
  function ``random(*params, rng=np.random.Generator, size=tuple|None)`` (run by the JAX
  lowering through a host callback) and its density is the user's graph-building ``logp``.
  The op carries the user's functions as props (equal functions, equal ops).
- ``SymbolicRandomVariable`` is a variable whose draw is a graph of other random variables
  (``exp(Normal(mu, sigma))``, a random walk ...): its last parameter is that graph, so a
  forward draw is an ordinary graph, as for ``CensoredRV``, and its density is derived from
  the graph (or given by the user).
- ``MinibatchIndexRV`` draws the rows of a minibatch; the model recognises it as data, not
  as a random variable of the model.
"""

from __future__ import annotations

from rewrax.symbolic.blockwise import parse_signature
from rewrax.symbolic.random.discrete import DiscreteUniformRV
from rewrax.symbolic.random.op import RandomVariable


def signature_from_ndims(ndims_params, ndim_supp, prefix="i"):
    """``"(i00),()->(o00)"``: a gufunc signature with distinct core dimension names."""
    ins = ["(" + ",".join(f"{prefix}{k}{d}" for d in range(n)) + ")" for k, n in enumerate(ndims_params)]
    return ",".join(ins) + "->(" + ",".join(f"o0{d}" for d in range(ndim_supp)) + ")"


class CustomDistRV(RandomVariable):
    """A random variable with user-given NumPy draws and density functions (PyMC's CustomDist).

    Props: ``class_name`` (how it prints), ``signature``, ``dtype``, ``core_shape`` (the static
    support shape, when ``shape=`` gave it and the signature does not), and the user's
    ``random_fn``, ``logp_fn``, ``logcdf_fn``, ``icdf_fn``, ``support_point_fn`` (or None).
    """

    name = "custom_dist"
    __props__ = ("class_name", "signature", "dtype", "core_shape", "random_fn", "logp_fn", "logcdf_fn",
                 "icdf_fn", "support_point_fn")

    def __init__(self, class_name="CustomDist", signature="()->()", dtype=None, core_shape=None, random_fn=None,
                 logp_fn=None, logcdf_fn=None, icdf_fn=None, support_point_fn=None):
        ins, outs = parse_signature(signature)
        if len(outs) != 1:
            raise ValueError(f"{class_name}: the signature {signature!r} must have exactly one output")
        self.class_name, self.signature = class_name, signature
        self.core_shape = None if core_shape is None else tuple(core_shape)
        self.random_fn, self.logp_fn, self.logcdf_fn = random_fn, logp_fn, logcdf_fn
        self.icdf_fn, self.support_point_fn = icdf_fn, support_point_fn
        super().__init__(dtype)

    @property
    def print_name(self):
        return self.class_name

    @property
    def param_names(self):
        return tuple(f"param_{k}" for k in range(len(self.ndims_params)))

    def __str__(self):
        return f"{self.class_name}_rv{{{self.signature}, {self.dtype}}}"

    def support_shape(self, params):
        inferred = super().support_shape(params)
        if self.core_shape is None:
            return inferred
        return tuple(i if i is not None else c for i, c in zip(inferred, self.core_shape))


class SymbolicRandomVariable(RandomVariable):
    """A random variable whose draw is a graph of other random variables (``CustomDist(dist=...)``).

    Its parameters are the user's parameters followed by ``draw``, the graph ``dist(*params,
    size)`` built from ``.dist()`` variables; the op's draw *is* that graph (the lowering
    passes it through), and its density is derived from it unless ``logp_fn`` is given.

    Examples
    --------
    >>> import rewrax.symbolic as pt
    >>> from rewrax.symbolic.random.op import make_rv
    >>> mu = pt.as_tensor_variable(0.0)
    >>> draw = pt.exp(pt.random.normal(mu, 1.0, size=(3,)))
    >>> op = SymbolicRandomVariable("LogNormalish", ndims_params=(0,), ndim_supp=0)
    >>> x = make_rv(op, mu, draw, size=(3,))
    >>> bool((x.eval() > 0).all())
    True
    """

    name = "symbolic_rv"
    __props__ = ("class_name", "signature", "dtype", "logp_fn", "logcdf_fn", "icdf_fn", "support_point_fn")

    def __init__(self, class_name="CustomDist", ndims_params=(), ndim_supp=0, dtype=None, logp_fn=None,
                 logcdf_fn=None, icdf_fn=None, support_point_fn=None, signature=None):
        if signature is None:
            user = signature_from_ndims(ndims_params, ndim_supp)
            ins, _ = user.split("->")
        else:
            ins, outs = signature.replace(" ", "").split("->")
            ndim_supp = len(parse_signature(signature)[1][0])
        supp = "(" + ",".join(f"s{d}" for d in range(ndim_supp)) + ")"
        # the draw's support letters are the output's: the support shape is read off the draw
        self.signature = (ins + "," if ins else "") + supp + "->" + supp
        self.class_name = class_name
        self.logp_fn, self.logcdf_fn, self.icdf_fn, self.support_point_fn = logp_fn, logcdf_fn, icdf_fn, support_point_fn
        super().__init__(dtype)

    @property
    def print_name(self):
        return self.class_name

    @property
    def param_names(self):
        return tuple(f"param_{k}" for k in range(len(self.ndims_params) - 1)) + ("dist",)

    def user_params(self, node):
        """The user's parameters of a node of this op (without the draw graph)."""
        return node.inputs[2:-1]

    def __str__(self):
        return f"{self.class_name}_rv{{{self.signature}, {self.dtype}}}"


class MinibatchIndexRV(DiscreteUniformRV):
    """Row indices of a minibatch, uniform on ``[0, n - 1]`` (``rx.Minibatch``); data, not a model variable."""

    name, print_name = "minibatch_index", "MinibatchIndex"


__all__ = ["CustomDistRV", "SymbolicRandomVariable", "MinibatchIndexRV", "signature_from_ndims"]
