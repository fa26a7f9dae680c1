"""Reverse-mode differentiation as a graph-to-graph transformation.

``grad(cost, wrt)`` walks the graph from ``cost`` back to ``wrt`` and calls each Op's
pullback. The result is an ordinary graph: it prints, rewrites, compiles and vectorizes.
``jacobian`` vectorizes a pullback over the rows of an identity matrix; ``hessian`` is the
jacobian of the gradient; ``Rop`` is obtained from two ``Lop``s.
"""

from __future__ import annotations

import warnings

from rewrax.symbolic.basic import as_tensor_variable
from rewrax.symbolic.graph import ancestors, graph_replace, io_toposort
from rewrax.symbolic.op import NotDifferentiableError, Op, UndefinedGrad
from rewrax.symbolic.type import TensorType, is_discrete_dtype
from rewrax.symbolic.variable import Apply, Variable

#: Cost rewriters registered by higher layers (the rewrites layer registers "stabilize" so
#: that a naive graph is stabilized before it is differentiated).
COST_PREPROCESSORS: list = []


class DisconnectedInputError(ValueError):
    """The cost does not depend on a variable the gradient was asked for."""


def _is_float(var) -> bool:
    return isinstance(var.type, TensorType) and var.type.dtype.startswith(("float", "complex"))


def _check_wrt(wrt):
    for w in wrt:
        if not isinstance(w, Variable):
            raise TypeError(f"grad: wrt must be symbolic variables, got {w!r}")
        if isinstance(w.type, TensorType) and is_discrete_dtype(w.type.dtype):
            raise NotDifferentiableError(
                f"cannot differentiate with respect to {w} of type {w.type}: it is integer-valued"
            )


def _depends_on(wrt, cost_vars, blockers):
    """Variables on a path from some ``wrt`` to the cost (blocked at ``blockers``)."""
    dep = {id(w) for w in wrt}
    for node in io_toposort(list(wrt), list(cost_vars)):
        if any(id(i) in dep and i not in blockers for i in node.inputs):
            dep.update(id(o) for o in node.outputs)
    return dep


def _accumulate(grads, var, g):
    if g is None:
        return
    grads.setdefault(id(var), (var, []))[1].append(g)


def _total(entry):
    from rewrax.symbolic.math import add

    var, parts = entry
    return parts[0] if len(parts) == 1 else add(*parts)


def _start(cost, known_grads):
    from rewrax.symbolic.math import second

    grads = {}
    if cost is not None:
        cost = as_tensor_variable(cost)
        if cost.type.ndim != 0:
            raise TypeError(f"grad: the cost must be a scalar, got {cost} of type {cost.type}; sum it or use jacobian")
        if not _is_float(cost):
            raise NotDifferentiableError(f"grad: the cost {cost} is integer-valued ({cost.type})")
        _accumulate(grads, cost, second(cost, 1.0))
    for var, g in (known_grads or {}).items():
        _accumulate(grads, var, as_tensor_variable(g))
    return grads


def _backprop(wrt, grads, consider_constant, null_gradients):
    blockers = set(consider_constant or ())
    roots = [v for _, (v, _) in grads.items()]
    relevant = {id(v) for v in ancestors(roots, blockers=blockers)}
    dep = _depends_on(wrt, roots, blockers)
    for node in reversed(io_toposort(list(wrt), roots)):
        if not any(id(o) in grads for o in node.outputs):
            continue
        if not any(id(i) in dep and i not in blockers for i in node.inputs):
            continue
        out_grads = [_total(grads[id(o)]) if id(o) in grads else None for o in node.outputs]
        in_grads = node.op.pullback(node.inputs, node.outputs, out_grads)
        if len(in_grads) != len(node.inputs):
            raise ValueError(f"{node.op}.pullback returned {len(in_grads)} gradients for {len(node.inputs)} inputs")
        for inp, g in zip(node.inputs, in_grads):
            if id(inp) not in dep or inp in blockers or id(inp) not in relevant:
                continue
            if isinstance(g, UndefinedGrad):
                if null_gradients == "raise":
                    raise g.error(", ".join(str(w) for w in wrt))
                continue
            if g is not None and _is_float(inp):
                _accumulate(grads, inp, _match_dtype(g, inp))
    return grads


def _match_dtype(g, var):
    from rewrax.symbolic.math import cast

    g = as_tensor_variable(g)
    return g if g.type.dtype == var.type.dtype else cast(g, var.type.dtype)


def grad(cost, wrt, consider_constant=None, disconnected_inputs="raise", known_grads=None,
         return_disconnected="zero", null_gradients="raise", stabilize=True):
    """The gradient of a scalar ``cost`` with respect to ``wrt`` (a variable or a list).

    Parameters
    ----------
    disconnected_inputs : {"raise", "warn", "ignore"}
        What to do when ``cost`` does not depend on some ``wrt``.
    consider_constant : list of Variable
        Variables through which no gradient flows.
    known_grads : dict
        Gradients of intermediate variables to start from (``cost`` may then be None).
    return_disconnected : {"zero", "none"}
        What to return for a disconnected ``wrt`` when not raising.
    stabilize : bool
        Rewrite the cost into numerically stable form first (when the rewrites layer is loaded).

    Examples
    --------
    >>> import numpy as np, rewrax as rx, rewrax.symbolic as pt
    >>> x = pt.vector("x")
    >>> g = rx.grad(pt.log1p(x).sum(), x)
    >>> g.eval({x: np.array([0.0, 1.0])})
    array([1. , 0.5])
    """
    from rewrax.symbolic.math import zeros_like

    if disconnected_inputs not in ("raise", "warn", "ignore"):
        raise ValueError(f"disconnected_inputs must be 'raise', 'warn' or 'ignore', got {disconnected_inputs!r}")
    single = isinstance(wrt, Variable)
    wrt_list = [wrt] if single else list(wrt)
    _check_wrt(wrt_list)
    if cost is not None and stabilize:
        for rewrite in COST_PREPROCESSORS:
            cost = rewrite(cost, wrt_list)
    grads = _backprop(wrt_list, _start(cost, known_grads), consider_constant, null_gradients)
    result = []
    for w in wrt_list:
        if id(w) in grads:
            result.append(_total(grads[id(w)]))
            continue
        message = (
            f"grad: the cost does not depend on {w} (it is not part of the cost's graph, or is used "
            "only through non-differentiable operations)"
        )
        if disconnected_inputs == "raise":
            raise DisconnectedInputError(message + "; pass disconnected_inputs='ignore' to get zeros")
        if disconnected_inputs == "warn":
            warnings.warn(message, stacklevel=2)
        result.append(None if return_disconnected == "none" else zeros_like(w))
    return result[0] if single else result


def Lop(f, wrt, eval_points, consider_constant=None, disconnected_inputs="raise"):
    """Vector-Jacobian product: ``eval_points`` (shaped like ``f``) pulled back to ``wrt``."""
    fs = [f] if isinstance(f, Variable) else list(f)
    pts = [eval_points] if isinstance(eval_points, Variable) or not isinstance(eval_points, (list, tuple)) else list(eval_points)
    known = {fi: as_tensor_variable(p) for fi, p in zip(fs, pts)}
    return grad(None, wrt, consider_constant=consider_constant, known_grads=known,
                disconnected_inputs=disconnected_inputs, stabilize=False)


def Rop(f, wrt, eval_points, disconnected_outputs="raise"):
    """Jacobian-vector product ``J(f) @ eval_points`` (forward mode, built from two Lops)."""
    from rewrax.symbolic.math import mul, zeros_like
    from rewrax.symbolic.reduce import sum as sum_

    single_f = isinstance(f, Variable)
    fs = [f] if single_f else list(f)
    ws = [wrt] if isinstance(wrt, Variable) else list(wrt)
    vs = [eval_points] if isinstance(wrt, Variable) else list(eval_points)
    results = []
    for fi in fs:
        u = fi.type.make_variable(name="rop_u")
        g = Lop(fi, ws, u, disconnected_inputs="ignore")
        dots = [sum_(mul(gi, as_tensor_variable(v))) for gi, v in zip(g, vs)]
        total = dots[0] if len(dots) == 1 else sum(dots[1:], dots[0])
        jv = grad(total, u, disconnected_inputs="ignore", stabilize=False)
        if any(v is u for v in ancestors([jv])):
            jv = graph_replace(jv, {u: zeros_like(fi)}, strict=False)
        results.append(jv)
    return results[0] if single_f else results


def jacobian(expression, wrt, consider_constant=None, disconnected_inputs="raise"):
    """The Jacobian of ``expression`` with respect to ``wrt``, shape ``expr.shape + wrt.shape``."""
    from rewrax.symbolic.shape_api import eye, reshape, shape
    from rewrax.symbolic.vectorize import vectorize_graph

    expression = as_tensor_variable(expression)
    single = isinstance(wrt, Variable)
    ws = [wrt] if single else list(wrt)
    if expression.type.ndim == 0:
        out = grad(expression, ws, consider_constant=consider_constant, disconnected_inputs=disconnected_inputs)
        return out[0] if single else out
    flat = expression.flatten()
    u = flat.type.make_variable(name="jacobian_row")
    rows = grad(None, ws, consider_constant=consider_constant, known_grads={flat: u},
                disconnected_inputs=disconnected_inputs, stabilize=False)
    n = flat.type.shape[0] if flat.type.shape[0] is not None else shape(flat)[0]
    basis = eye(n, dtype=flat.type.dtype)
    jac = vectorize_graph(rows, {u: basis})
    out = []
    for w, j in zip(ws, jac):
        target = [*(expression.type.shape[i] if expression.type.shape[i] is not None else shape(expression)[i]
                    for i in range(expression.type.ndim)),
                  *(w.type.shape[i] if w.type.shape[i] is not None else shape(w)[i] for i in range(w.type.ndim))]
        out.append(reshape(j, target))
    return out[0] if single else out


def hessian(cost, wrt, consider_constant=None, disconnected_inputs="raise"):
    """The Hessian of a scalar ``cost`` with respect to each ``wrt``."""
    single = isinstance(wrt, Variable)
    ws = [wrt] if single else list(wrt)
    out = []
    for w in ws:
        g = grad(cost, w, consider_constant=consider_constant, disconnected_inputs=disconnected_inputs)
        out.append(jacobian(g, w, consider_constant=consider_constant, disconnected_inputs="ignore"))
    return out[0] if single else out


class _GradientBarrier(Op):
    """Identity in value; ``zero`` makes the gradient zero, otherwise disconnected."""

    __props__ = ("zero",)

    def __init__(self, zero: bool):
        self.zero = zero

    def __str__(self):
        return "ZeroGrad" if self.zero else "DisconnectedGrad"

    def make_node(self, x):
        x = as_tensor_variable(x)
        return Apply(self, [x], [x.type.make_variable()])

    def perform(self, node, inputs):
        return [inputs[0]]

    def pullback(self, inputs, outputs, output_grads):
        from rewrax.symbolic.math import zeros_like

        return [zeros_like(inputs[0])] if self.zero else [None]

    def vectorize(self, node, batched_inputs):
        return [self(batched_inputs[0])]


def disconnected_grad(x):
    """``x``, but gradients do not flow through it (the cost is treated as not depending on it)."""
    return _GradientBarrier(False)(x)


def zero_grad(x):
    """``x``, but the gradient through it is zero."""
    return _GradientBarrier(True)(x)


stop_gradient = disconnected_grad


def pullback_through_core(op, inputs, outputs, output_grads):
    """Pullback of a ``Blockwise`` node: the core pullback, vectorized over the batch."""
    from rewrax.symbolic.math import zeros_like
    from rewrax.symbolic.reduce import sum as sum_
    from rewrax.symbolic.vectorize import vectorize_graph

    core = op.core_node(inputs)
    core_gout = [o.type.make_variable() if g is not None else None for o, g in zip(core.outputs, output_grads)]
    filled = [g if g is not None else zeros_like(o) for g, o in zip(core_gout, core.outputs)]
    core_grads = op.core_op.pullback(core.inputs, core.outputs, filled)
    replace = dict(zip(core.inputs, inputs))
    replace.update({o: bo for o, bo in zip(core.outputs, outputs)})
    replace.update({c: g for c, g in zip(core_gout, output_grads) if c is not None})
    result = []
    for inp, cg in zip(inputs, core_grads):
        if cg is None or isinstance(cg, UndefinedGrad):
            result.append(cg)
            continue
        used = {id(v) for v in ancestors([cg])}
        g = vectorize_graph(cg, {k: v for k, v in replace.items() if id(k) in used})
        extra = g.type.ndim - inp.type.ndim
        if extra:
            g = sum_(g, axis=tuple(range(extra)))
        axes = [i for i in range(inp.type.ndim) if inp.type.shape[i] == 1 and g.type.shape[i] != 1]
        result.append(sum_(g, axis=axes, keepdims=True) if axes else g)
    return result
