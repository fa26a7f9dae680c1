"""The pullback of ``Scan``: a reverse scan whose inner graph is the pullback of the forward one.

Write the values of recurrent state ``s`` as one sequence ``S = [init rows..., y_0, ..., y_{n-1}]``
(``R`` initial rows); step ``t`` reads ``S[R + t + tap]`` for each tap. Going backwards from
``t = n - 1``, the adjoint of ``y_t`` is complete when step ``t`` is reached (only later steps
read it), so one reverse scan computes every input gradient:

- its sequences are the forward step's inputs (past states and sequence slices) and the
  output gradients, all reversed in time;
- its carries are, per float state, a window of ``L = max lag`` adjoint accumulators for the
  entries that the steps still to come read, and, per float non-sequence, the gradient summed
  so far;
- its step recomputes the forward step, pulls the adjoints back through it, shifts the window
  and adds the new terms; its per-step outputs are the gradients of the sequence slices.

The carries are ``final_only`` states: only their last values are kept, so accumulating the
gradient of a large non-sequence costs no memory per step. The result is an ordinary graph:
it prints, evaluates with NumPy, rewrites, vectorizes and differentiates again (hessians).
"""

from __future__ import annotations

from rewrax.symbolic.graph import clone_replace
from rewrax.symbolic.type import TensorType


def _float(var) -> bool:
    return isinstance(var.type, TensorType) and var.type.dtype.startswith(("float", "complex"))


def _split_inner(op):
    k = op.n_seqs
    seq_in = op.inner_inputs[:k]
    past_in = []
    for taps in op.taps:
        past_in.append(op.inner_inputs[k: k + len(taps)])
        k += len(taps)
    return seq_in, past_in, op.inner_inputs[k:]


def _dims(var, start=0):
    return [var.type.shape[i] if var.type.shape[i] is not None else var.shape[i] for i in range(start, var.type.ndim)]


def _state_sequences(op, inputs, outputs):
    """The whole sequence of every state (recomputed when the node keeps only the last value)."""
    if not any(op.final_only):
        return outputs[: len(op.taps)]
    from rewrax.symbolic.control import Scan

    full = Scan(op.inner_inputs, op.inner_outputs, op.n_seqs, op.taps, op.n_nit_sot, op.n_non_seqs)
    return full(*inputs, return_list=True)[: len(op.taps)]


def _past_values(init, ys, taps, n):
    """For each tap, the values that steps ``t = 0..n-1`` read: ``S[R + t + tap]``."""
    from rewrax.symbolic.shape_api import concatenate, expand_dims

    if taps == (-1,):
        return [concatenate([expand_dims(init, 0), ys])[:n]]
    rows = _dims(init)[0]
    full = concatenate([init, ys])
    return [full[rows + tap: rows + tap + n] for tap in taps]


class _Builder:
    """Sequences, carries and per-step outputs of the reverse scan, collected in order."""

    def __init__(self):
        self.seqs, self.seq_ph = [], []
        self.carries, self.carry_ph, self.carry_keys, self.new_carries = [], [], [], []

    def sequence(self, value):
        """Add ``value`` reversed in time; returns the placeholder of one slice."""
        ph = TensorType(value.type.dtype, value.type.shape[1:]).make_variable()
        self.seqs.append(value[::-1])
        self.seq_ph.append(ph)
        return ph

    def carry(self, init, key):
        ph = init.type.make_variable()
        self.carries.append(init)
        self.carry_ph.append(ph)
        self.carry_keys.append(key)
        return ph


def scan_pullback(op, inputs, outputs, output_grads):
    """Input gradients of a ``Scan`` node, computed by a reverse ``Scan``."""
    from rewrax.symbolic.control import Scan

    n_steps, *rest = inputs
    seqs, inits, nonseqs = op.split(rest)
    n_states = len(op.taps)
    seq_in, past_in, nonseq_in = _split_inner(op)
    b = _Builder()
    ph = {}  # forward inner input -> reverse inner placeholder
    for init, ys, taps, inner in zip(inits, _state_sequences(op, inputs, outputs), op.taps, past_in):
        for var, past in zip(inner, _past_values(init, ys, taps, n_steps)):
            ph[var] = b.sequence(past)
    for var, seq in zip(seq_in, seqs):
        ph[var] = b.sequence(seq[:n_steps])
    gy = {s: b.sequence(g) for s, g in enumerate(output_grads[:n_states])
          if g is not None and _float(inits[s]) and not op.final_only[s]}
    gnit = {k: b.sequence(g) for k, g in enumerate(output_grads[n_states:])
            if g is not None and _float(outputs[n_states + k])}
    nonseq_ph = [v.type.make_variable(name=v.name) for v in nonseqs]
    ph.update(zip(nonseq_in, nonseq_ph))
    windows = {s: b.carry(_start_window(init, taps, g if op.final_only[s] else None), ("state", s))
               for s, (init, taps, g) in enumerate(zip(inits, op.taps, output_grads[:n_states])) if _float(init)}
    accs = {j: b.carry(_zeros_like(v), ("nonseq", j)) for j, v in enumerate(nonseqs) if _float(v)}
    grads = _step_gradients(op, ph, windows, gy, gnit)
    if grads is None:
        return [None] * len(inputs)
    for s, window in windows.items():
        b.new_carries.append(_shift(window, op.taps[s], [grads.get(id(ph[v])) for v in past_in[s]]))
    for j, acc in accs.items():
        g = grads.get(id(nonseq_ph[j]))
        b.new_carries.append(acc if g is None else acc + g)
    seq_out = [k for k, (var, seq) in enumerate(zip(seq_in, seqs)) if _float(seq)]
    per_step = [_or_zeros(grads.get(id(ph[seq_in[k]])), ph[seq_in[k]]) for k in seq_out]
    rev = Scan(b.seq_ph + b.carry_ph + nonseq_ph, b.new_carries + per_step, len(b.seq_ph),
               [(-1,)] * len(b.carry_ph), len(per_step), len(nonseq_ph), final_only=[True] * len(b.carry_ph))
    outs = rev(n_steps, *b.seqs, *b.carries, *nonseqs, return_list=True)
    finals = dict(zip(b.carry_keys, outs[: len(b.carries)]))
    seq_grads = dict(zip(seq_out, outs[len(b.carries):]))
    return [None,
            *[_sequence_grad(seq, seq_grads.get(k), n_steps) for k, seq in enumerate(seqs)],
            *[_init_grad(init, taps, finals.get(("state", s))) for s, (init, taps) in enumerate(zip(inits, op.taps))],
            *[finals.get(("nonseq", j)) for j in range(len(nonseqs))]]


def _zeros_like(v):
    from rewrax.symbolic.shape_api import zeros

    return zeros(_dims(v), dtype=v.type.dtype)


def _or_zeros(g, like):
    return g if g is not None else _zeros_like(like)


def _start_window(init, taps, g_final):
    """Zeros for the ``L`` adjoints the last step's window covers; a kept-last-only state's
    gradient goes to the newest entry."""
    from rewrax.symbolic.shape_api import zeros
    from rewrax.symbolic.subtensor import set_subtensor

    core = _dims(init, 0 if taps == (-1,) else 1)
    window = zeros([-min(taps), *core], dtype=init.type.dtype)
    return window if g_final is None else set_subtensor(window[-1], g_final)


def _step_gradients(op, ph, windows, gy, gnit):
    """Gradients of the reverse step's placeholders, keyed by ``id``."""
    from rewrax.symbolic.gradient import grad

    outs = clone_replace(op.inner_outputs, ph)
    known = {}

    def add(var, g):
        known[var] = known[var] + g if var in known else g

    for s, window in windows.items():
        adjoint = window[-1] if s not in gy else window[-1] + gy[s]
        add(outs[s], adjoint)
    for k, g in gnit.items():
        add(outs[len(op.taps) + k], g)
    wrt = [p for p in ph.values() if _float(p)]
    if not known or not wrt:
        return None
    gs = grad(None, wrt, known_grads=known, disconnected_inputs="ignore", return_disconnected="none",
              add_names=False, stabilize=False)
    return {id(p): g for p, g in zip(wrt, gs) if g is not None}


def _shift(window, taps, past_grads):
    """The window for the previous step: one entry older, plus this step's past-state gradients."""
    from rewrax.symbolic.shape_api import concatenate, expand_dims
    from rewrax.symbolic.subtensor import inc_subtensor

    size = -min(taps)
    if size == 1 and len(taps) == 1:
        g = past_grads[0]
        return expand_dims(g, 0) if g is not None else window * 0
    shifted = concatenate([window[:1] * 0, window[:-1]])
    for tap, g in zip(taps, past_grads):
        if g is not None:
            shifted = inc_subtensor(shifted[size + tap], g)
    return shifted


def _sequence_grad(seq, g, n_steps):
    from rewrax.symbolic.math import zeros_like
    from rewrax.symbolic.subtensor import inc_subtensor

    if g is None:
        return None
    g = g[::-1]
    if seq.type.shape[0] is not None and seq.type.shape[0] == g.type.shape[0]:
        return g
    return inc_subtensor(zeros_like(seq)[:n_steps], g)  # entries past n_steps are not read


def _init_grad(init, taps, window):
    from rewrax.symbolic.math import zeros_like
    from rewrax.symbolic.subtensor import inc_subtensor

    if window is None:
        return None
    if taps == (-1,):
        return window[0]
    if init.type.shape[0] is not None and init.type.shape[0] == window.type.shape[0]:
        return window
    return inc_subtensor(zeros_like(init)[-window.type.shape[0]:], window)  # only the last L rows are read
