"""Control flow with inner graphs: ``ifelse`` (lowered to ``lax.cond``) and ``scan``
(lowered to ``lax.scan``), because real models need branches and recursions.
"""

from __future__ import annotations

import numpy as np

from rewrax.symbolic.basic import as_tensor_variable
from rewrax.symbolic.graph import clone_replace, graph_inputs
from rewrax.symbolic.numpy_eval import evaluate_numpy
from rewrax.symbolic.op import Op
from rewrax.symbolic.type import TensorType
from rewrax.symbolic.variable import Apply, Constant


def _free_inputs(outputs, bound):
    bound_ids = {id(b) for b in bound}
    return [v for v in graph_inputs(outputs) if id(v) not in bound_ids and not isinstance(v, Constant)]


def _placeholder(var):
    return var.type.make_variable(name=var.name)


class _InnerGraphOp(Op):
    """An Op carrying an inner graph; Ops are equal only to themselves."""

    inner_inputs: list
    inner_outputs: list

    def __eq__(self, other):
        return self is other

    def __hash__(self):
        return id(self)

    def evaluate_inner(self, values):
        return evaluate_numpy(self.inner_outputs, dict(zip(self.inner_inputs, values)))


class IfElse(_InnerGraphOp):
    """Outputs of ``then`` if ``cond`` else those of ``else``; only one branch runs."""

    def __init__(self, inner_inputs, then_outputs, else_outputs):
        self.inner_inputs = list(inner_inputs)
        self.then_outputs = list(then_outputs)
        self.else_outputs = list(else_outputs)
        self.inner_outputs = self.then_outputs + self.else_outputs

    def __str__(self):
        return f"IfElse{{n_outs={len(self.then_outputs)}}}"

    def make_node(self, cond, *inputs):
        cond = as_tensor_variable(cond)
        if cond.type.ndim != 0:
            raise TypeError(f"ifelse: the condition must be a scalar, got {cond} of type {cond.type}")
        outs = [_merge_type(t.type, e.type).make_variable() for t, e in zip(self.then_outputs, self.else_outputs)]
        return Apply(self, [cond, *inputs], outs)

    def perform(self, node, inputs):
        cond, *values = inputs
        branch = self.then_outputs if bool(cond) else self.else_outputs
        return evaluate_numpy(branch, dict(zip(self.inner_inputs, values)))

    def pullback(self, inputs, outputs, output_grads):
        from rewrax.symbolic.gradient import grad
        from rewrax.symbolic.math import zeros_like

        cond, *free = inputs
        replace = dict(zip(self.inner_inputs, free))
        grads = []
        for branch in (self.then_outputs, self.else_outputs):
            outer = clone_replace(branch, replace)
            known = {o: g for o, g in zip(outer, output_grads) if g is not None}
            float_free = [f for f in free if f.type.dtype.startswith("float")]
            gs = grad(None, float_free, known_grads=known, disconnected_inputs="ignore", stabilize=False) if float_free else []
            lookup = dict(zip(map(id, float_free), gs))
            grads.append([lookup.get(id(f)) for f in free])
        result = [None]
        for f, gt, ge in zip(free, *grads):
            if gt is None:
                result.append(None)
                continue
            result.append(ifelse(cond, gt, ge if ge is not None else zeros_like(f)))
        return result

    def vectorize(self, node, batched_inputs):
        from rewrax.symbolic.math import switch
        from rewrax.symbolic.vectorize import vectorize_graph

        cond, *free = batched_inputs
        orig_free = node.inputs[1:]
        replace = {o: b for o, b in zip(orig_free, free) if o is not b}
        then_b = vectorize_graph(clone_replace(self.then_outputs, dict(zip(self.inner_inputs, orig_free))), replace)
        else_b = vectorize_graph(clone_replace(self.else_outputs, dict(zip(self.inner_inputs, orig_free))), replace)
        if cond.type.ndim == 0:
            return _as_list(ifelse(cond, then_b, else_b))
        from rewrax.symbolic.shape_api import expand_dims

        outs = []
        for t, e, o in zip(then_b, else_b, node.outputs):
            # a batched condition selects per batch entry: both branches run, switch picks
            c = expand_dims(cond, list(range(cond.type.ndim, cond.type.ndim + o.type.ndim))) if o.type.ndim else cond
            outs.append(switch(c, t, e))
        return outs


def _as_list(x):
    return list(x) if isinstance(x, (list, tuple)) else [x]


def _merge_type(a, b):
    if a.ndim != b.ndim:
        raise TypeError(f"ifelse: the branches return {a} and {b}; ranks differ")
    shape = tuple(x if x == y else None for x, y in zip(a.shape, b.shape))
    return TensorType(a.dtype, shape)


def ifelse(condition, then_branch, else_branch, name=None):
    """``then_branch`` if the scalar ``condition`` is true, else ``else_branch``; only one runs.

    Examples
    --------
    >>> import rewrax.symbolic as pt
    >>> x = pt.scalar("x")
    >>> float(pt.ifelse(x > 0, pt.log(x), 0.0).eval({x: -1.0}))
    0.0
    """
    from rewrax.symbolic.math import cast
    from rewrax.symbolic.scalar import upcast

    single = not isinstance(then_branch, (list, tuple))
    thens = [as_tensor_variable(t) for t in _as_list(then_branch)]
    elses = [as_tensor_variable(e) for e in _as_list(else_branch)]
    if len(thens) != len(elses):
        raise ValueError(f"ifelse: then has {len(thens)} outputs, else has {len(elses)}")
    for k, (t, e) in enumerate(zip(thens, elses)):
        dtype = upcast(t.type.dtype, e.type.dtype)
        thens[k], elses[k] = cast(t, dtype), cast(e, dtype)
        _merge_type(thens[k].type, elses[k].type)
    free = _free_inputs(thens + elses, [])
    inner = [_placeholder(f) for f in free]
    mapping = dict(zip(free, inner))
    op = IfElse(inner, clone_replace(thens, mapping), clone_replace(elses, mapping))
    outs = op(condition, *free, return_list=True)
    if name is not None:
        for o in outs:
            o.name = name
    return outs[0] if single else outs


class Scan(_InnerGraphOp):
    """A loop: inputs ``(n_steps, *sequences, *initial_states, *non_sequences)``.

    The inner graph maps ``(*sequence_slices, *past_states, *non_sequences)`` to
    ``(*new_states, *per_step_outputs)``. Each recurrent output has taps (negative lags);
    its initial value holds ``max lag`` past states (or one state when the only tap is -1).
    A state marked in ``final_only`` gives only its last value (its initial value after zero
    steps) instead of the whole sequence: reverse-mode scans accumulate that way without
    storing every step.
    """

    def __init__(self, inner_inputs, inner_outputs, n_seqs, taps, n_nit_sot, n_non_seqs, final_only=None):
        self.inner_inputs = list(inner_inputs)
        self.inner_outputs = list(inner_outputs)
        self.n_seqs, self.taps, self.n_nit_sot, self.n_non_seqs = n_seqs, tuple(taps), n_nit_sot, n_non_seqs
        self.final_only = tuple(bool(f) for f in final_only) if final_only is not None else (False,) * len(self.taps)
        if len(self.final_only) != len(self.taps):
            raise ValueError(f"Scan: final_only has {len(self.final_only)} entries for {len(self.taps)} states")

    def __str__(self):
        last = ", final_only" if any(self.final_only) else ""
        return f"Scan{{n_seqs={self.n_seqs}, n_states={len(self.taps)}, n_outputs={self.n_nit_sot}{last}}}"

    def make_node(self, n_steps, *inputs):
        from rewrax.symbolic.shape_ops import constant_value

        n_steps = as_tensor_variable(n_steps)
        seqs = inputs[: self.n_seqs]
        length = constant_value(n_steps)
        length = None if length is None else int(length)
        if length is not None:
            for s in seqs:
                if s.type.shape[0] is not None and s.type.shape[0] < length:
                    raise ValueError(f"scan: sequence {s} has {s.type.shape[0]} entries, fewer than n_steps={length}")
        final = self.final_only + (False,) * self.n_nit_sot
        outs = [(o.type if last else TensorType(o.type.dtype, (length, *o.type.shape))).make_variable()
                for o, last in zip(self.inner_outputs, final)]
        return Apply(self, [n_steps, *inputs], outs)

    def split(self, inputs):
        seqs = inputs[: self.n_seqs]
        inits = inputs[self.n_seqs: self.n_seqs + len(self.taps)]
        return seqs, inits, inputs[self.n_seqs + len(self.taps):]

    def perform(self, node, inputs):
        n_steps, *rest = inputs
        seqs, inits, nonseqs = self.split(rest)
        windows = [list(np.asarray(i)) if len(t) > 1 or t != (-1,) else [np.asarray(i)] for i, t in zip(inits, self.taps)]
        collected = [[] for _ in self.inner_outputs]
        for step in range(int(n_steps)):
            past = [w[len(w) + tap] for w, taps in zip(windows, self.taps) for tap in taps]
            values = [np.asarray(s)[step] for s in seqs] + past + list(nonseqs)
            outs = self.evaluate_inner(values)
            for k, o in enumerate(outs):
                collected[k].append(np.asarray(o))
            for w, o in zip(windows, outs[: len(self.taps)]):
                w.append(np.asarray(o))
        final = [np.asarray(w[-1], dtype=o.type.dtype) for w, o in zip(windows, node.outputs)]
        return [final[k] if k < len(self.taps) and self.final_only[k] else
                np.stack(c).astype(o.type.dtype) if c else
                np.zeros((0, *(s or 0 for s in o.type.shape[1:])), o.type.dtype)
                for k, (c, o) in enumerate(zip(collected, node.outputs))]

    def pullback(self, inputs, outputs, output_grads):
        from rewrax.symbolic.scan_grad import scan_pullback

        return scan_pullback(self, inputs, outputs, output_grads)


def scan(fn, sequences=None, outputs_info=None, non_sequences=None, n_steps=None, return_list=False, name=None, **_):
    """Repeat ``fn`` over ``sequences``, carrying states from ``outputs_info``.

    ``fn`` receives, in order, one slice of each sequence, the past values of each recurrent
    output (one per tap), and the non-sequences; it returns the new values. Entries of
    ``outputs_info`` are an initial value (tap -1), ``dict(initial=..., taps=[-2, -1])``, or
    ``None`` for an output that is not fed back. Returns ``(outputs, updates)``.

    Examples
    --------
    >>> import numpy as np, rewrax.symbolic as pt
    >>> x = pt.vector("x")
    >>> ys, _ = pt.scan(lambda xt, acc: acc + xt, sequences=[x], outputs_info=[np.float64(0)])
    >>> ys.eval({x: np.array([1.0, 2.0, 3.0])})
    array([1., 3., 6.])
    """
    seqs = [as_tensor_variable(s) for s in _as_list(sequences or [])]
    infos = _as_list(outputs_info) if outputs_info is not None else []
    nonseqs = [as_tensor_variable(v) for v in _as_list(non_sequences or [])]
    for s in seqs:
        if s.type.ndim == 0:
            raise ValueError(f"scan: sequence {s} is a scalar; sequences are iterated over their first axis")
    seq_inner = [TensorType(s.type.dtype, s.type.shape[1:]).make_variable(name=f"{s.name}[t]" if s.name else None) for s in seqs]
    states, taps = [], []
    for info in infos:
        if info is None:
            continue
        init, tp = (info["initial"], tuple(info.get("taps", [-1]))) if isinstance(info, dict) else (info, (-1,))
        init = as_tensor_variable(init)
        if any(t >= 0 for t in tp):
            raise ValueError(f"scan: taps of recurrent outputs must be negative, got {tp}")
        states.append(init)
        taps.append(tuple(sorted(tp)))
    state_inner = []
    for init, tp in zip(states, taps):
        single = tp == (-1,)
        t = init.type if single else TensorType(init.type.dtype, init.type.shape[1:])
        state_inner.extend(t.make_variable() for _ in tp)
    nonseq_inner = [_placeholder(v) for v in nonseqs]
    result = fn(*seq_inner, *state_inner, *nonseq_inner)
    if isinstance(result, tuple) and len(result) == 2 and isinstance(result[1], dict):
        if result[1]:
            raise NotImplementedError("scan: updates returned by the step function are not supported")
        result = result[0]
    outs = [as_tensor_variable(o) for o in _as_list(result)]
    return _build_scan(seqs, states, taps, nonseqs, infos, seq_inner, state_inner, nonseq_inner, outs, n_steps, return_list, name)


def _build_scan(seqs, states, taps, nonseqs, infos, seq_inner, state_inner, nonseq_inner, outs, n_steps, return_list, name):
    from rewrax.symbolic.math import cast

    recurrent = [k for k, info in enumerate(infos) if info is not None]
    if len(outs) != len(infos) and infos:
        raise ValueError(f"scan: the step function returns {len(outs)} outputs but outputs_info has {len(infos)} entries")
    if not infos:
        infos = [None] * len(outs)
    state_outs = [outs[k] for k in recurrent]
    for k, (o, init, tp) in enumerate(zip(state_outs, states, taps)):
        want = init.type if tp == (-1,) else TensorType(init.type.dtype, init.type.shape[1:])
        if o.type.ndim != want.ndim:
            raise TypeError(f"scan: recurrent output {k} has type {o.type} but its initial value implies {want}")
        if o.type.dtype != want.dtype:
            state_outs[k] = cast(o, want.dtype)
    nit = [o for k, o in enumerate(outs) if infos[k] is None]
    bound = seq_inner + state_inner + nonseq_inner
    free = _free_inputs(state_outs + nit, bound)
    free_inner = [_placeholder(f) for f in free]
    inner_outs = clone_replace(state_outs + nit, dict(zip(free, free_inner))) if free else state_outs + nit
    if n_steps is None:
        if not seqs:
            raise ValueError("scan: give n_steps when there are no sequences")
        n_steps = seqs[0].shape[0] if seqs[0].type.shape[0] is None else seqs[0].type.shape[0]
    op = Scan(bound + free_inner, inner_outs, len(seqs), taps, len(nit), len(nonseqs) + len(free))
    results = op(as_tensor_variable(np.int64(n_steps)) if isinstance(n_steps, (int, np.integer)) else n_steps,
                 *seqs, *states, *nonseqs, *free, return_list=True)
    ordered, it_s, it_n = [], iter(results[: len(states)]), iter(results[len(states):])
    for info in infos:
        ordered.append(next(it_s) if info is not None else next(it_n))
    if name is not None:
        for o in ordered:
            o.name = name
    if len(ordered) == 1 and not return_list:
        return ordered[0], {}
    return ordered, {}

