"""``rx.function``: graphs in, a ``jax.jit``-compiled callable out.

The compiled ``Function`` clones the graph, applies ``givens``, runs the rewrite pipeline,
lowers the result to one Python function of JAX calls and jits it. Shared variables are
explicit arguments under the hood; ``updates`` are written back after each call.
"""

from __future__ import annotations

import numpy as np

import jax
import jax.numpy as jnp

from rewrax.lower_jax.interpret import graph_fn
from rewrax.lower_jax.mode import get_mode
from rewrax.lower_jax.x64 import needs_x64
from rewrax.symbolic.check import ParameterValueError
from rewrax.symbolic.graph import clone_replace, flatten_outputs, graph_inputs, io_toposort, _pairs
from rewrax.symbolic.type import TensorType
from rewrax.symbolic.variable import Constant, SharedVariable, Variable

#: Constants with more entries than this become jit arguments instead of being embedded in
#: the compiled program (large embedded constants slow XLA compilation down).
HOIST_CONSTANT_SIZE = 1000


class Function:
    """A compiled graph; call it positionally or with input names as keywords.

    Attributes
    ----------
    jax_fn : callable
        The pure JAX function of the inputs (shared variables read at call time), usable
        inside your own ``jax.jit``, ``jax.vmap`` and ``jax.grad``.
    """

    def __init__(self, inputs, outputs, mode=None, updates=None, givens=None, name=None,
                 on_unused_input="raise", allow_input_downcast=False, trust_input=False):
        self.name = name
        self.inputs = _check_inputs(inputs)
        self._single = isinstance(outputs, Variable)
        self.outputs = flatten_outputs(outputs if outputs is not None else [])
        update_pairs = _check_updates(updates)
        self.update_targets = [s for s, _ in update_pairs]
        self.trust_input = trust_input
        self.allow_input_downcast = allow_input_downcast
        graph_outs = self._prepare(self.outputs + [u for _, u in update_pairs], givens, mode)
        self._build(graph_outs, on_unused_input)

    # -- construction ----------------------------------------------------------------------------
    def _prepare(self, outs, givens, mode):
        # Cut the graph at the inputs (they may be intermediate variables), then apply givens.
        self._placeholders = [v if v.owner is None else v.type.make_variable(name=v.name) for v in self.inputs]
        replace = {v: p for v, p in zip(self.inputs, self._placeholders) if v is not p}
        input_ids = {id(v) for v in self.inputs}
        for old, new in _pairs(givens):
            if id(old) in input_ids:
                raise ValueError(f"givens replaces {old}, which is also an input of the function")
            if hasattr(old.type, "is_compatible") and not old.type.is_compatible(new.type):
                raise TypeError(f"givens: cannot replace {old} ({old.type}) with {new} ({new.type})")
            replace[old] = new
        outs = clone_replace(outs, replace) if replace else list(outs)
        # missing and unused inputs are judged on the graph as written, not as rewritten
        self._written_roots = graph_inputs(outs, blockers=self._placeholders)
        return get_mode(mode).rewrite(outs, self._placeholders)

    def _build(self, graph_outs, on_unused_input):
        n_out = len(self.outputs)
        self.fgraph_outputs = graph_outs[:n_out]
        roots = graph_inputs(graph_outs, blockers=self._placeholders)
        placeholder_ids = {id(p) for p in self._placeholders}
        missing = [r for r in self._written_roots + roots if id(r) not in placeholder_ids and r.owner is None
                   and not isinstance(r, (Constant, SharedVariable))]
        if missing:
            names = ", ".join(dict.fromkeys(str(m) for m in missing))
            raise ValueError(f"the outputs depend on {names}, which is not among the inputs of the function; "
                             "add it to the inputs or give it a value with givens=")
        used = {id(r) for r in self._written_roots}
        unused = [v for v, p in zip(self.inputs, self._placeholders) if id(p) not in used]
        if unused and on_unused_input == "raise":
            raise ValueError(f"input {unused[0]} is not used to compute the outputs; pass on_unused_input='ignore' "
                             "to allow it")
        shared = [r for r in roots if isinstance(r, SharedVariable)]
        shared += [s for s in self.update_targets if s not in shared]
        self._shared = shared
        consts = [r for r in roots if isinstance(r, Constant) and np.size(r.data) > HOIST_CONSTANT_SIZE]
        self._consts = [np.asarray(c.data) for c in consts]
        self._device_consts = None  # placed on the device at the first call, then reused
        self._order = io_toposort(self._placeholders + shared + consts, graph_outs)
        core = graph_fn(self._placeholders + shared + consts, graph_outs, collect_checks=True, order=self._order)
        self._check_messages = core.check_messages
        types = [v.type for v in self.inputs]
        labels = [_input_label(v, k) for k, v in enumerate(self.inputs)]

        def traced(*args):
            # Ranks and static sizes are checked when JAX traces a new input signature, so a
            # call that hits jit's cache pays nothing for them (also inside the user's jit).
            _check_traced(args[: len(types)], types, labels)
            # one flat tuple (outputs, update values, check flags): the cheapest pytree
            return _flat(core(*args))

        self._core = traced
        self._jitted = jax.jit(self._core)
        self._x64 = needs_x64(graph_outs + self._placeholders)
        self._filters = [_make_filter(t, label, self.allow_input_downcast) for t, label in zip(types, labels)]
        # arrays of exactly these dtypes skip the filters on the fast path (see traced above)
        self._dtypes = [np.dtype(t.dtype) if isinstance(t, TensorType) else None for t in types]
        self._names = _name_index(self.inputs)
        self._n_out, self._n_inputs = n_out, len(self.inputs)
        self._n_extra = len(graph_outs) - n_out + bool(self._check_messages)
        self._general = bool(self._shared or self._consts or self._n_extra or self.trust_input)
        # without updates or checks, the outputs alone (a bare array when there is one)
        self._jitted_plain = jax.jit(lambda *a: self._core(*a)[0] if self._single else self._core(*a))

    # -- calling ---------------------------------------------------------------------------------
    def _bind(self, args, kwargs):
        if len(args) > len(self.inputs):
            raise TypeError(f"{self._label()} takes {len(self.inputs)} inputs, got {len(args)}")
        values = list(args) + [_MISSING] * (len(self.inputs) - len(args))
        for key, value in kwargs.items():
            k = self._names.get(key)
            if k is None:
                known = ", ".join(repr(n) for n in self._names) or "none"
                raise TypeError(f"{self._label()} has no input named {key!r} (named inputs: {known})")
            if k == -1:
                raise TypeError(f"several inputs are named {key!r}; pass them positionally")
            if values[k] is not _MISSING:
                raise TypeError(f"input {key!r} was given twice")
            values[k] = value
        missing = [str(self.inputs[k]) for k, v in enumerate(values) if v is _MISSING]
        if missing:
            raise TypeError(f"{self._label()} is missing a value for the input(s) {', '.join(missing)}")
        if self.trust_input:
            return values
        return [f(v) for f, v in zip(self._filters, values)]

    def __call__(self, *args, **kwargs):
        # Fast path for the common case (inputs positional, no shared state, no checks, x64
        # already on or not needed): this is the per-call overhead that
        # tests/benchmarks/bench_foundation.py measures, so every attribute read counts.
        if self._x64 and not jax.config.jax_enable_x64:
            with jax.enable_x64(True):
                return self.__call__(*args, **kwargs)
        if kwargs or self._general or len(args) != self._n_inputs:
            return self._call_general(args, kwargs)
        if self._n_inputs == 1:
            v = args[0]
            out = self._jitted_plain(v if type(v) is np.ndarray and v.dtype == self._dtypes[0] else self._filters[0](v))
        else:
            out = self._jitted_plain(*[v if type(v) is np.ndarray and v.dtype == d else f(v)
                                       for f, d, v in zip(self._filters, self._dtypes, args)])
        if self._single:
            return np.array(out)
        return [np.array(o) for o in out]

    def _call_general(self, args, kwargs):
        if kwargs or len(args) != self._n_inputs or self.trust_input:
            values = self._bind(args, kwargs)
        else:
            values = [v if type(v) is np.ndarray and v.dtype == d else f(v)
                      for f, d, v in zip(self._filters, self._dtypes, args)]
        if not self._general:  # keyword call of a plain function: same compiled program
            out = self._jitted_plain(*values)
            return np.array(out) if self._single else [np.array(o) for o in out]
        if self._shared or self._consts:
            if self._device_consts is None:
                # once, not every call: a large constant re-sent per call costs more than the
                # program itself on small models (called inside the x64 context if needed)
                self._device_consts = [jax.device_put(c) for c in self._consts]
            values = [*values, *[s.container[0] for s in self._shared], *self._device_consts]
        flat = self._jitted(*values)
        if self._n_extra:
            self._finish(flat)
        if self._single:
            return np.array(flat[0])
        return [np.array(o) for o in flat[: self._n_out]]

    def _finish(self, flat):
        """Check the parameter flags, then write the updates back to the shared variables."""
        n_up = len(self.update_targets)
        if self._check_messages:
            # one boolean vector per call (stacked inside jit): a single cheap transfer
            ok = np.asarray(flat[self._n_out + n_up])
            if not ok.all():
                failed = [m for m, good in zip(self._check_messages, ok) if not good]
                raise ParameterValueError(", ".join(dict.fromkeys(failed)))
        for target, value in zip(self.update_targets, flat[self._n_out: self._n_out + n_up]):
            target.container[0] = value

    @property
    def jax_fn(self):
        def jax_fn(*inputs):
            shared = [_device_value(s) for s in self._shared]
            outs = self._core(*inputs, *shared, *self._consts)[: self._n_out]
            return outs[0] if self._single else list(outs)

        return jax_fn

    def _label(self):
        return f"function {self.name!r}" if self.name else "the compiled function"

    def __rewrax_dprint__(self):
        return self.fgraph_outputs, self._order

    def __repr__(self):
        ins = ", ".join(str(i) for i in self.inputs)
        return f"<rewrax Function({ins}) -> {len(self.outputs)} output(s)>"


def function(inputs, outputs=None, mode=None, updates=None, givens=None, name=None,
             on_unused_input="raise", allow_input_downcast=False, trust_input=False, **_ignored):
    """Compile a graph into a callable that runs on JAX.

    Parameters
    ----------
    inputs : list of Variable
        The variables whose values are passed at call time (positionally or by name).
    outputs : Variable or list of Variable
        What the function returns (a single array, or a list).
    mode : None, "JAX", "FAST_RUN", "FAST_COMPILE" or Mode
        ``None``/"JAX"/"FAST_RUN" run the canonicalize, stabilize and specialize rewrites;
        "FAST_COMPILE" skips them.
    updates : dict or list of pairs
        New values of shared variables, written back after each call.
    givens : dict or list of pairs
        Variables of the graph replaced by other variables before compiling.

    Examples
    --------
    >>> import numpy as np, rewrax as rx, rewrax.symbolic as pt
    >>> x, y = pt.scalar("x"), pt.vector("y")
    >>> f = rx.function([x, y], pt.log(x + y))
    >>> f(x=0, y=[1, np.e])
    array([0., 1.])
    """
    return Function(inputs, outputs, mode=mode, updates=updates, givens=givens, name=name,
                    on_unused_input=on_unused_input, allow_input_downcast=allow_input_downcast,
                    trust_input=trust_input)


class _Missing:
    def __repr__(self):
        return "<missing>"


_MISSING = _Missing()


def _check_traced(values, types, labels):
    """Rank and static-shape errors for traced inputs (the messages of ``TensorType.filter``)."""
    for value, t, label in zip(values, types, labels):
        if isinstance(t, TensorType) and (np.ndim(value) != t.ndim or
                                          any(s is not None and s != g for s, g in zip(t.shape, np.shape(value)))):
            t.filter(np.broadcast_to(np.zeros((), t.dtype), np.shape(value)), label)


def _flat(result):
    values, flags = result
    return (*values, jnp.stack(flags)) if flags else tuple(values)


def _device_value(shared):
    return shared.container[0]


def _check_inputs(inputs):
    if isinstance(inputs, Variable):
        raise TypeError("function inputs must be a list of variables, e.g. rx.function([x], out)")
    inputs = list(inputs)
    seen = set()
    for k, v in enumerate(inputs):
        if not isinstance(v, Variable):
            raise TypeError(f"input {k} of the function is {v!r}, not a symbolic variable")
        if isinstance(v, Constant):
            raise TypeError(f"input {k} ({v}) is a constant; constants cannot be inputs")
        if isinstance(v, SharedVariable):
            raise TypeError(f"input {k} ({v}) is a shared variable; its value is read automatically "
                            "(use set_value, or givens= to replace it)")
        if id(v) in seen:
            raise ValueError(f"the variable {v} is given twice as an input")
        seen.add(id(v))
    return inputs


def _check_updates(updates):
    pairs = _pairs(updates)
    for target, value in pairs:
        if not isinstance(target, SharedVariable):
            raise TypeError(f"updates: {target} is not a shared variable; only shared variables can be updated")
        tt, vt = target.type, value.type
        if getattr(tt, "dtype", None) != getattr(vt, "dtype", None) or getattr(tt, "ndim", None) != getattr(vt, "ndim", None):
            raise TypeError(f"updates: the new value of {target} has type {vt}, but {target} holds {tt}")
    if len({id(t) for t, _ in pairs}) != len(pairs):
        raise ValueError("updates: a shared variable is updated twice")
    return pairs


def _input_label(var, k):
    return f"input {var.name!r}" if var.name else f"input {k} ({var.type})"


def _name_index(inputs):
    names = {}
    for k, v in enumerate(inputs):
        if v.name is not None:
            names[v.name] = -1 if v.name in names else k
    return names


def _make_filter(t, label, allow_downcast):
    if not isinstance(t, TensorType):
        return lambda v: t.filter(v, label)
    dtype, ndim = np.dtype(t.dtype), t.ndim
    static = [(axis, size) for axis, size in enumerate(t.shape) if size is not None]
    scalar_type, is_float = dtype.type, dtype.kind == "f"

    def filt(v):
        # fast paths: an array that already has the right dtype, rank and static sizes; a NumPy
        # scalar of the dtype; a Python float for a float scalar (weakly typed, as NumPy 2)
        kind = type(v)
        if kind is np.ndarray or (kind is not float and kind is not scalar_type and isinstance(v, jax.Array)):
            if v.dtype == dtype and v.ndim == ndim and (not static or all(v.shape[a] == s for a, s in static)):
                return v
        elif ndim == 0 and (kind is scalar_type or (kind is float and is_float)):
            return scalar_type(v)
        return t.filter(v, label, allow_downcast)

    return filt
