"""Variables and Apply nodes: the two kinds of vertices of a rewrax graph.

A graph is bipartite and acyclic: ``Variable -> Apply(op, inputs, outputs) -> Variable``.
Roots (placeholders, constants, shared variables) have ``owner is None``. Graphs are
immutable: every manipulation returns new variables.
"""

from __future__ import annotations

import itertools
import types

import numpy as np

from rewrax.symbolic.type import RandomKeyType, TensorType

_counter = itertools.count()

# Services a higher layer registers (a lower layer never imports a higher one).
# "evaluate": (outputs, givens) -> list of arrays, registered by rewrax.lower_jax.
# "dprint": the printer, registered by rewrax.symbolic.printing.
SERVICES: dict = {}


class Apply:
    """One application of an Op to input variables, producing output variables."""

    __slots__ = ("op", "inputs", "outputs", "tag")

    def __init__(self, op, inputs, outputs):
        self.op = op
        self.inputs = list(inputs)
        self.outputs = list(outputs)
        self.tag = types.SimpleNamespace()
        for i, out in enumerate(self.outputs):
            if out.owner is not None:
                raise ValueError(f"output {out} of {op} already has an owner")
            out.owner = self
            out.index = i

    @property
    def out(self):
        if len(self.outputs) != 1:
            raise AttributeError(f"{self.op} has {len(self.outputs)} outputs; use .outputs")
        return self.outputs[0]

    @property
    def nout(self) -> int:
        return len(self.outputs)

    def clone_with_new_inputs(self, inputs) -> "Apply":
        """A new node applying the same Op to ``inputs`` (types are inferred again)."""
        return self.op.make_node(*inputs)

    def __str__(self):
        return f"{self.op}({', '.join(str(i) for i in self.inputs)})"

    __repr__ = __str__


class Variable:
    """A vertex holding a value of a given ``type``; the output of ``owner`` or a root."""

    __array_priority__ = 1000
    __array_ufunc__ = None  # NumPy defers to our reflected operators: ``np_array @ tensor``

    def __init__(self, type, owner=None, index=None, name=None):
        self.type = type
        self.owner = owner
        self.index = index
        self.name = name
        self.tag = types.SimpleNamespace()
        self.auto_name = f"auto_{next(_counter)}"

    def __str__(self):
        if self.name is not None:
            return self.name
        if self.owner is not None:
            op = self.owner.op
            if len(self.owner.outputs) == 1:
                return f"{op}.0"
            return f"{op}.{self.index}"
        return f"<{self.type}>"

    __repr__ = __str__

    def clone(self, name=None):
        """A new root variable of the same type (and name, unless one is given)."""
        cp = type(self)(self.type, name=self.name if name is None else name)
        cp.tag = types.SimpleNamespace(**vars(self.tag))
        return cp

    def get_parents(self):
        return [] if self.owner is None else [self.owner]

    def eval(self, inputs_to_values=None, **kwargs):
        """Compile and evaluate this variable, given values for roots or intermediate variables.

        Examples
        --------
        >>> import rewrax.symbolic as pt
        >>> x = pt.scalar("x"); y = pt.log(x + 1)
        >>> float(y.eval({x: 0.0}))
        0.0
        """
        evaluate = SERVICES["evaluate"]
        return evaluate([self], inputs_to_values or {}, **kwargs)[0]

    def dprint(self, **kwargs):
        """Print the graph of this variable (see :func:`rewrax.dprint`)."""
        return SERVICES["dprint"](self, **kwargs)

    def __bool__(self):
        raise TypeError(
            f"the truth value of symbolic variable {self} is unknown until it is computed; "
            "use pt.switch / pt.ifelse for symbolic conditions, or `is None` checks"
        )


class Constant(Variable):
    """A root whose value is fixed when the graph is built."""

    def __init__(self, type, data, name=None):
        super().__init__(type, name=name)
        self.data = data

    def signature(self):
        data = np.asarray(self.data)
        return (self.type, data.dtype.str, data.shape, data.tobytes())

    def clone(self, name=None):
        return type(self)(self.type, self.data, name=self.name if name is None else name)

    def __str__(self):
        if self.name is not None:
            return self.name
        return constant_label(self.data, self.type)


def constant_label(data, type) -> str:
    """How a constant prints: its value when short, else its type."""
    arr = np.asarray(data)
    if arr.size <= 16:
        text = np.array2string(arr, separator=" ", threshold=16) if arr.ndim else str(arr[()])
        text = " ".join(text.split())
        if len(text) <= 48:
            return text
    return f"Constant<{type}>"


class SharedVariable(Variable):
    """A root whose value lives in a container and persists between calls.

    Compiled functions read the current value on every call and write ``updates`` back.
    """

    def __init__(self, type, value, name=None):
        super().__init__(type, name=name)
        self.container = [value]

    def get_value(self, borrow: bool = False):
        value = self.container[0]
        return value if borrow else np.array(value, copy=True)

    def set_value(self, value, borrow: bool = False):
        value = self.type.filter(value, name=f"shared variable {self.name or self}")
        self.container[0] = value if borrow else np.array(value, copy=True)

    def clone(self, name=None):
        # A shared variable is a storage location: clones share it.
        return self

    def __str__(self):
        if self.name is not None:
            return self.name
        if isinstance(self.type, RandomKeyType):
            return f"RandomKeySharedVariable({np.asarray(self.container[0]).tolist()})"
        return f"SharedVariable<{self.type}>"


def is_tensor(var) -> bool:
    return isinstance(var, Variable) and isinstance(var.type, TensorType)
