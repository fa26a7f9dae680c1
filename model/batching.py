"""Batching structurally identical log-density terms into one vectorized term.

A model written as a loop (``x_i ~ Normal(x_{i-1}, 1)`` for 200 named scalars) has 200
log-density terms that are the same graph applied to different value variables. Compiled
one by one they make a program of thousands of tiny operations, which JAX traces and XLA
compiles slowly. Terms that differ only in their leaves (value variables, data) are grouped
here by a structural signature; each group becomes one term: the shared graph vectorized
(``vectorize_graph``) over the stacked leaves, summed. The result has the same value; it is
what the compiled densities (``jax_model``, ``logp_dlogp_function``, ``compile_logp``) run.
"""

from __future__ import annotations

import numpy as np

import rewrax.symbolic as pt
from rewrax.symbolic.graph import io_toposort
from rewrax.symbolic.variable import Constant, SharedVariable
from rewrax.symbolic.vectorize import vectorize_graph

#: groups smaller than this are left as they are (batching them saves nothing)
MIN_GROUP = 4


def signature(term):
    """``(key, leaves)``: a hashable description of ``term``'s graph with its roots numbered in
    order of first use, and those roots. Constants count by value, shared variables by identity."""
    ids, leaves, parts = {}, [], []

    def ref(var):
        key = id(var)
        if key not in ids:
            if var.owner is not None:
                raise KeyError(var)  # not reached in a toposort
            if isinstance(var, Constant):
                data = np.asarray(var.data)
                ids[key] = ("const", str(var.type), data.dtype.str, data.shape, data.tobytes())
            elif isinstance(var, SharedVariable):
                ids[key] = ("shared", id(var))
            else:
                ids[key] = ("leaf", len(leaves), str(var.type))
                leaves.append(var)
        return ids[key]

    for node in io_toposort([], [term]):
        ins = []
        for i in node.inputs:
            if i.owner is None:
                ins.append(ref(i))
            else:
                ins.append(ids[id(i)])
        for k, out in enumerate(node.outputs):
            ids[id(out)] = ("node", len(parts), k)
        parts.append((node.op, tuple(ins)))
    if term.owner is None:
        return (ref(term),), leaves
    return (tuple(parts), ids[id(term)]), leaves


def batch_terms(terms, stack=None):
    """Scalar graphs whose sum equals ``sum(sum(t) for t in terms)``, with identical terms batched.

    ``stack(column)`` builds the batched version of one leaf from its values in the group's
    terms (default ``pt.stack``); the flat density uses it to take contiguous slices of its
    flat input instead of stacking scalars.
    """
    groups: dict = {}
    order = []
    for t in terms:
        try:
            key, leaves = signature(t)
        except (KeyError, TypeError):  # unhashable op props: keep the term as it is
            key, leaves = ("single", id(t)), []
        if key not in groups:
            groups[key] = []
            order.append(key)
        groups[key].append((t, leaves))
    out = []
    for key in order:
        members = groups[key]
        if len(members) < MIN_GROUP:
            out.extend(pt.sum(t) if t.type.ndim else t for t, _ in members)
            continue
        out.append(_batched(members, stack or pt.stack))
    return out


def _batched(members, stack):
    rep, rep_leaves = members[0]
    replace = {}
    for k, leaf in enumerate(rep_leaves):
        column = [leaves[k] for _, leaves in members]
        if all(c is leaf for c in column):
            continue
        replace[leaf] = stack(column)
    batched = vectorize_graph(rep, replace) if replace else rep
    return pt.sum(batched) if batched.type.ndim else batched
