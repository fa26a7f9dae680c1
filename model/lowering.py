"""From model graphs to JAX: parameter checks handled, rewrites run, roots named.

``prepare`` is what every density compiled from a model goes through: ``Check`` nodes become
``switch(all(conds), value, -inf)`` (or are removed with ``Model(check_bounds=False)``) and
the rewrite pipeline runs. ``_Lowered`` lowers the result to a JAX function with its data
(shared variables and large constants) as named arguments.
"""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np

import rewrax.symbolic as pt
from rewrax.lower_jax.function import HOIST_CONSTANT_SIZE
from rewrax.lower_jax.interpret import graph_fn
from rewrax.lower_jax.mode import get_mode
from rewrax.lower_jax.x64 import needs_x64
from rewrax.symbolic.check import Check
from rewrax.symbolic.graph import graph_inputs, io_toposort
from rewrax.symbolic.variable import Constant, SharedVariable


# -- Check nodes -------------------------------------------------------------------------------
def _map_checks(outputs, replace_check):
    memo = {}
    for node in io_toposort([], outputs):
        inputs = [memo.get(i, i) for i in node.inputs]
        if isinstance(node.op, Check):
            new = replace_check(inputs[0], inputs[1:])
            if new is not None:
                new.name = node.outputs[0].name
                memo[node.outputs[0]] = new
                continue
        if any(a is not b for a, b in zip(inputs, node.inputs)):
            new_node = node.clone_with_new_inputs(inputs)
            for old, out in zip(node.outputs, new_node.outputs):
                out.name = old.name
                memo[old] = out
    return [memo.get(o, o) for o in outputs]


def _all_true(conds):
    conds = [pt.all(c) if c.type.ndim else c for c in conds]
    out = conds[0]
    for c in conds[1:]:
        out = pt.and_(out, c)
    return out


def checks_to_ninf(outputs):
    """``Check(value, conds)`` -> ``switch(all(conds), value, -inf)`` (float values only)."""
    def to_switch(value, conds):
        if not value.type.dtype.startswith("float") or not conds:
            return None
        return pt.switch(_all_true(conds), value, -np.inf)

    return _map_checks(list(outputs), to_switch)


def remove_checks(outputs):
    """Every ``Check`` node replaced by the value it guards."""
    return _map_checks(list(outputs), lambda value, conds: value)


def prepare(model, outputs, checks="ninf"):
    """The graphs a compiled model function runs: checks handled, then rewritten."""
    outputs = list(outputs)
    if checks == "remove" or not model.check_bounds:
        outputs = remove_checks(outputs)
    elif checks == "ninf":
        outputs = checks_to_ninf(outputs)
    return get_mode(None).rewrite(outputs)


def _unique_name(name, taken, fallback):
    base = name or fallback
    out, k = base, 1
    while out in taken:
        out, k = f"{base}__{k}", k + 1
    taken.add(out)
    return out


class _Lowered:
    """A graph lowered to ``fn(*inputs, *data)``, with its data roots named and their values.

    With ``prepare_fn``, ``outputs`` are the graphs before preparation: the data roots are
    named right away and the graph is prepared and lowered on the first use of ``fn`` (a
    constant that preparation creates is embedded).
    """

    def __init__(self, inputs, outputs, data_names, prepare_fn=None):
        roots = graph_inputs(outputs)
        input_ids = {id(v) for v in inputs}
        self.shared = [r for r in roots if isinstance(r, SharedVariable)]
        self.consts = [r for r in roots if isinstance(r, Constant) and np.size(r.data) > HOIST_CONSTANT_SIZE]
        free = [r for r in roots if id(r) not in input_ids and r.owner is None and not isinstance(r, (Constant, SharedVariable))]
        if free:
            raise ValueError(f"the model's density depends on {free}, which is not a value variable, data or constant")
        self._inputs, self._outputs, self._prepare_fn, self._fn = list(inputs), list(outputs), prepare_fn, None
        if prepare_fn is None:
            self._fn = graph_fn(self._inputs + self.shared + self.consts, self._outputs)
        self.x64 = needs_x64(list(outputs) + list(inputs))
        self.data_names = []
        for var in self.shared + self.consts:
            if id(var) not in data_names:
                kind = "__shared" if isinstance(var, SharedVariable) else "__const"
                data_names[id(var)] = _unique_name(var.name, set(data_names.values()), f"{kind}_{len(data_names)}")
            self.data_names.append(data_names[id(var)])

    @property
    def fn(self):
        if self._fn is None:
            outputs = self._prepare_fn(self._outputs)
            self._fn = graph_fn(self._inputs + self.shared + self.consts, outputs)
        return self._fn

    def variables(self):
        return dict(zip(self.data_names, self.shared + self.consts))

    def values(self):
        return dict(LiveData(self.variables()))


class LiveData(Mapping):
    """Data name -> the *current* value (data containers are read at every access)."""

    def __init__(self, variables: dict):
        self._vars = variables

    def __getitem__(self, name):
        var = self._vars[name]
        return np.asarray(var.get_value(borrow=True) if isinstance(var, SharedVariable) else var.data)

    def __iter__(self):
        return iter(self._vars)

    def variables(self):
        """Data name -> the shared variable or constant it reads."""
        return dict(self._vars)

    def __len__(self):
        return len(self._vars)

    def __repr__(self):
        return "LiveData(" + ", ".join(f"{k}: {np.shape(self[k])}" for k in self._vars) + ")"
