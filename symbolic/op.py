"""The Op base class: a small, hashable description of a computation.

An Op declares, in one place: its props (what makes two Ops equal), ``make_node`` (type and
static-shape inference, with clear errors), ``perform`` (a NumPy reference implementation,
used for constant folding and tests), ``pullback`` (reverse-mode derivative, for ``grad``)
and ``vectorize`` (how it applies to inputs with extra leading batch dimensions). Its JAX
implementation is one entry in ``rewrax.lower_jax``'s lowering table.
"""

from __future__ import annotations


class NotDifferentiableError(TypeError):
    """Raised when a gradient is requested through an Op input that has no derivative."""


class UndefinedGrad:
    """Marker returned by a pullback for an input whose derivative does not exist.

    It is not an error until a requested gradient actually flows through it.
    """

    def __init__(self, op, index: int, reason: str):
        self.op, self.index, self.reason = op, index, reason

    def error(self, wrt_name: str) -> NotDifferentiableError:
        return NotDifferentiableError(
            f"cannot differentiate with respect to {wrt_name}: the gradient flows through input "
            f"{self.index} of {self.op}, which has no derivative ({self.reason})"
        )


class Op:
    """Base class of all operations.

    Subclasses set ``__props__`` (names of the attributes that define the Op) and implement
    ``make_node``. The rest has safe defaults: no NumPy reference, no pullback, and a
    vectorization that only works when no input gained batch dimensions.
    """

    __props__: tuple = ()
    #: True on a base class that is never applied itself (set in the class's own body).
    abstract: bool = False
    #: gufunc-style signature of the core computation, e.g. "(m,k),(k,n)->(m,n)", for Ops
    #: that Blockwise can batch over leading dimensions.
    gufunc_signature: str | None = None

    def make_node(self, *inputs):
        raise NotImplementedError(f"{type(self).__name__}.make_node")

    def __call__(self, *inputs, name=None, return_list=False):
        node = self.make_node(*inputs)
        if name is not None:
            if len(node.outputs) == 1:
                node.outputs[0].name = name
            else:
                for i, out in enumerate(node.outputs):
                    out.name = f"{name}.{i}"
        if return_list or len(node.outputs) != 1:
            return list(node.outputs)
        return node.outputs[0]

    # -- reference semantics -------------------------------------------------------------
    def perform(self, node, inputs):
        """Compute the outputs of ``node`` from NumPy ``inputs``; return a list of arrays."""
        raise NotImplementedError(f"{self} has no NumPy reference implementation")

    #: False declares that the Op has no NumPy reference (say why in ``no_perform_reason``).
    has_perform = True
    no_perform_reason: str | None = None

    # -- transformations -------------------------------------------------------------------
    def pullback(self, inputs, outputs, output_grads):
        """Return the gradient with respect to each input, given gradients of the outputs.

        An entry may be ``None`` (the output does not depend on that input) or an
        :class:`UndefinedGrad` (the derivative does not exist).
        """
        return [UndefinedGrad(self, i, "no pullback is defined") for i in range(len(inputs))]

    def vectorize(self, node, batched_inputs):
        """Apply this Op to inputs that may carry extra leading (batch) dimensions."""
        from rewrax.symbolic.vectorize import default_vectorize

        return default_vectorize(self, node, batched_inputs)

    # -- identity ----------------------------------------------------------------------------
    def _props(self):
        return tuple(getattr(self, p) for p in self.__props__)

    def __eq__(self, other):
        return type(self) is type(other) and self._props() == other._props()

    def __hash__(self):
        return hash((type(self), self._props()))

    def __str__(self):
        if not self.__props__:
            return type(self).__name__
        props = ", ".join(f"{p}={getattr(self, p)!r}" for p in self.__props__)
        return f"{type(self).__name__}{{{props}}}"

    __repr__ = __str__
