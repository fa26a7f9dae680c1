"""Reverse-mode differentiation as a graph-to-graph transformation.

``grad(cost, wrt)`` walks the graph from ``cost`` back to ``wrt`` and calls each Op's
pullback. The result is an ordinary graph: it prints, rewrites, compiles and vectorizes.
``Lop`` starts from given output gradients, ``Rop`` (forward mode) is two ``Lop``s, and
``jacobian`` / ``hessian`` (in ``jacobian.py``) vectorize a pullback over a basis.
"""

from __future__ import annotations

import contextlib
import gc
import warnings

from rewrax.symbolic.basic import as_tensor_variable
from rewrax.symbolic.graph import graph_replace, io_toposort
from rewrax.symbolic.op import NotDifferentiableError, Op, UndefinedGrad
from rewrax.symbolic.type import TensorType, is_discrete_dtype
from rewrax.symbolic.variable import Apply, Variable

#: Cost rewriters registered by higher layers (the rewrites layer registers "stabilize" so
#: that a naive graph is stabilized before it is differentiated).
COST_PREPROCESSORS: list = []

_DISCONNECTED_CHOICES = ("raise", "warn", "ignore")
_RETURN_DISCONNECTED = {"zero": "zero", "none": "none", "None": "none",
                        "disconnected": "none", "Disconnected": "none"}


class DisconnectedInputError(ValueError):
    """The cost does not depend on a variable the gradient was asked for."""


def is_differentiable(var) -> bool:
    """Whether gradients can flow into ``var`` (a float or complex tensor)."""
    return isinstance(var.type, TensorType) and var.type.dtype.startswith(("float", "complex"))


# --------------------------------------------------------------------------------------------
# argument checks
# --------------------------------------------------------------------------------------------
def _as_var_list(value, what):
    single = isinstance(value, Variable)
    items = [value] if single else list(value) if isinstance(value, (list, tuple)) else None
    if items is None:
        raise TypeError(f"{what} must be a symbolic variable or a list of them, got {value!r}")
    for v in items:
        if not isinstance(v, Variable):
            raise TypeError(f"{what} must be symbolic variables, got {v!r} ({type(v).__name__})")
    return items, single


def _check_wrt(wrt):
    for w in wrt:
        if not isinstance(w.type, TensorType):
            raise NotDifferentiableError(f"cannot differentiate with respect to {w} of type {w.type}")
        if is_discrete_dtype(w.type.dtype):
            raise NotDifferentiableError(
                f"cannot differentiate with respect to {w} of type {w.type}: it is integer-valued "
                "(cast it to a float type before it enters the graph if a gradient is meant)"
            )


def _check_choice(name, value, choices):
    if value not in choices:
        raise ValueError(f"{name} must be one of {list(choices)}, got {value!r}")


def _check_cost(cost):
    cost = as_tensor_variable(cost)
    if cost.type.ndim != 0:
        raise TypeError(
            f"grad: the cost must be a scalar, got {cost} of type {cost.type}; "
            "sum it, or use rx.jacobian / rx.Lop for a non-scalar expression"
        )
    if not is_differentiable(cost):
        raise NotDifferentiableError(f"grad: the cost {cost} is integer-valued ({cost.type}); it has no gradient")
    return cost


def _check_known_grad(var, g):
    if not isinstance(var, Variable):
        raise TypeError(f"known_grads keys must be symbolic variables, got {var!r}")
    g = as_tensor_variable(g)
    if not isinstance(var.type, TensorType) or not is_differentiable(var):
        raise NotDifferentiableError(f"known_grads: {var} of type {var.type} is not differentiable")
    if g.type.ndim != var.type.ndim:
        raise ValueError(
            f"known_grads: the gradient given for {var} ({var.type}) has rank {g.type.ndim} ({g.type}); "
            "it must have the shape of the variable"
        )
    for axis, (a, b) in enumerate(zip(var.type.shape, g.type.shape)):
        if a is not None and b is not None and a != b:
            raise ValueError(f"known_grads: the gradient given for {var} has size {b} in dimension {axis}, "
                             f"the variable has size {a}")
    return _match_dtype(g, var)


# --------------------------------------------------------------------------------------------
# the backward pass
# --------------------------------------------------------------------------------------------
def _accumulate(grads, var, g):
    grads.setdefault(id(var), (var, []))[1].append(g)


def _total(entry):
    from rewrax.symbolic.math import add

    _, parts = entry
    return parts[0] if len(parts) == 1 else add(*parts)


def _match_dtype(g, var):
    from rewrax.symbolic.math import cast

    g = as_tensor_variable(g)
    return g if g.type.dtype == var.type.dtype else cast(g, var.type.dtype)


def _start(cost, known_grads):
    from rewrax.symbolic.math import second

    grads = {}
    if cost is not None:
        _accumulate(grads, cost, second(cost, as_tensor_variable(1.0, dtype=cost.type.dtype)))
    for var, g in (known_grads or {}).items():
        _accumulate(grads, var, _check_known_grad(var, g))
    return grads


def _downstream(order, wrt, blockers):
    """Ids of the variables that depend on some ``wrt`` through unblocked paths."""
    dep = {id(w) for w in wrt}
    for node in order:
        if any(id(i) in dep and id(i) not in blockers for i in node.inputs):
            dep.update(id(o) for o in node.outputs)
    return dep


def _backprop(wrt, grads, consider_constant):
    """Pull the gradients in ``grads`` back through the graph; returns (grads, nulls).

    ``nulls`` maps a variable to the :class:`UndefinedGrad` that reached it: a gradient with
    an undefined term is undefined, so nulls propagate to everything upstream.
    """
    blocked = list(consider_constant or ())
    blockers = {id(b) for b in blocked}
    roots = [v for v, _ in grads.values()]
    order = io_toposort(blocked, roots)
    dep = _downstream(order, wrt, blockers)
    nulls = {}
    for node in reversed(order):
        if not any(id(o) in grads or id(o) in nulls for o in node.outputs):
            continue
        targets = [k for k, i in enumerate(node.inputs)
                   if id(i) in dep and id(i) not in blockers and is_differentiable(i)]
        if not targets:
            continue
        null = next((nulls[id(o)] for o in node.outputs if id(o) in nulls), None)
        if null is not None:
            for k in targets:
                nulls.setdefault(id(node.inputs[k]), null)
            continue
        out_grads = [_total(grads[id(o)]) if id(o) in grads else None for o in node.outputs]
        in_grads = node.op.pullback(node.inputs, node.outputs, out_grads)
        if len(in_grads) != len(node.inputs):
            raise ValueError(f"{node.op}.pullback returned {len(in_grads)} gradients for {len(node.inputs)} inputs")
        for k in targets:
            inp, g = node.inputs[k], in_grads[k]
            if isinstance(g, UndefinedGrad):
                nulls.setdefault(id(inp), g)
            elif g is not None:
                _accumulate(grads, inp, _match_dtype(g, inp))
    return grads, nulls


@contextlib.contextmanager
def _no_gc():
    """Pause the cyclic garbage collector while the gradient graph is built.

    Every new node is a reference cycle (Apply <-> outputs) that survives as part of the
    result, so collections during the backward pass find nothing to free; on a 10,000-node
    graph they took 40% of the time.
    """
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


def _gradient_name(cost, w):
    if cost is not None and cost.name and w.name:
        return f"(d{cost.name}/d{w.name})"
    return None


def _disconnected(w, policy, return_disconnected, message=None, option="disconnected_inputs"):
    from rewrax.symbolic.math import zeros_like

    message = message or (f"grad: the cost does not depend on {w} (it is not part of the graph, or is used only "
                          "through non-differentiable operations or consider_constant)")
    if policy == "raise":
        raise DisconnectedInputError(f"{message}; pass {option}='ignore' to get zeros")
    if policy == "warn":
        warnings.warn(message, stacklevel=3)
    return zeros_like(w) if _RETURN_DISCONNECTED[return_disconnected] == "zero" else None


def grad(cost, wrt, consider_constant=None, disconnected_inputs="raise", add_names=True, known_grads=None,
         return_disconnected="zero", null_gradients="raise", stabilize=True):
    """The gradient of a scalar ``cost`` with respect to ``wrt`` (a variable or a list).

    Parameters
    ----------
    cost : scalar Variable or None
        What to differentiate; ``None`` when ``known_grads`` gives the starting gradients.
    wrt : Variable or list of Variable
        Float variables anywhere in the graph (inputs or intermediate results); the result
        has the same structure.
    consider_constant : list of Variable
        Variables treated as constants: no gradient flows through them.
    disconnected_inputs : {"raise", "warn", "ignore"}
        What to do when ``cost`` does not depend on some ``wrt``.
    add_names : bool
        Name each gradient ``(dcost/dwrt)`` when the cost and ``wrt`` are named.
    known_grads : dict
        Gradients of intermediate variables to start from (added to the cost's).
    return_disconnected : {"zero", "none", "disconnected"}
        What a disconnected ``wrt`` gets when not raising: zeros, or ``None`` (both
        ``"none"`` and ``"disconnected"``, PyTensor's ``DisconnectedType``).
    null_gradients : {"raise", "return"}
        What to do when the gradient of some ``wrt`` does not exist (it flows through an
        input without a derivative): raise :class:`NotDifferentiableError` naming the op, or
        return the :class:`UndefinedGrad` marker in its place.
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
    _check_choice("disconnected_inputs", disconnected_inputs, _DISCONNECTED_CHOICES)
    _check_choice("return_disconnected", return_disconnected, _RETURN_DISCONNECTED)
    _check_choice("null_gradients", null_gradients, ("raise", "return"))
    wrt_list, single = _as_var_list(wrt, "grad: wrt")
    _check_wrt(wrt_list)
    if cost is None and not known_grads:
        raise ValueError("grad: give a cost, or known_grads to start from (both are empty)")
    if consider_constant is not None:
        consider_constant, _ = _as_var_list(consider_constant, "grad: consider_constant")
    if cost is not None:
        cost = _check_cost(cost)
        if stabilize:
            # the variables named here must survive the rewrite as they are
            keep = wrt_list + list(consider_constant or ()) + list(known_grads or ())
            for rewrite in COST_PREPROCESSORS:
                cost = rewrite(cost, keep)
    with _no_gc():
        grads, nulls = _backprop(wrt_list, _start(cost, known_grads), consider_constant)
    result = []
    for w in wrt_list:
        if id(w) in nulls:
            null = nulls[id(w)]
            if null_gradients == "raise":
                raise null.error(str(w))
            result.append(null)
        elif id(w) in grads:
            g = _total(grads[id(w)])
            name = _gradient_name(cost, w) if add_names else None
            if name is not None and g.name is None and g.owner is not None:
                g.name = name
            result.append(g)
        else:
            result.append(_disconnected(w, disconnected_inputs, return_disconnected))
    return result[0] if single else result


def Lop(f, wrt, eval_points, consider_constant=None, disconnected_inputs="raise", return_disconnected="zero"):
    """Vector-Jacobian product: ``eval_points`` (shaped like ``f``) pulled back to ``wrt``.

    ``f`` and ``eval_points`` are a variable each or lists of the same length; the result has
    the structure of ``wrt``.

    Examples
    --------
    >>> import numpy as np, rewrax as rx, rewrax.symbolic as pt
    >>> x, v = pt.vector("x"), pt.vector("v")
    >>> vjp = rx.Lop(pt.exp(x), x, v)
    >>> vjp.eval({x: np.zeros(2), v: np.array([1.0, 2.0])})
    array([1., 2.])
    """
    fs, _ = _as_var_list(f, "Lop: f")
    pts = [eval_points] if not isinstance(eval_points, (list, tuple)) else list(eval_points)
    if len(pts) != len(fs):
        raise ValueError(f"Lop: {len(fs)} expression(s) but {len(pts)} eval_points")
    known = {}
    for fi, p in zip(fs, pts):
        if fi in known:
            raise ValueError(f"Lop: {fi} is given twice")
        known[fi] = p
    return grad(None, wrt, consider_constant=consider_constant, known_grads=known,
                disconnected_inputs=disconnected_inputs, return_disconnected=return_disconnected,
                stabilize=False, add_names=False)


def _check_eval_point(w, v):
    v = as_tensor_variable(v)
    if v.type.ndim != w.type.ndim:
        raise ValueError(f"Rop: the eval point for {w} ({w.type}) has rank {v.type.ndim} ({v.type})")
    for axis, (a, b) in enumerate(zip(w.type.shape, v.type.shape)):
        if a is not None and b is not None and a != b:
            raise ValueError(f"Rop: the eval point for {w} has size {b} in dimension {axis}, {w} has size {a}")
    return _match_dtype(v, w)


def Rop(f, wrt, eval_points, disconnected_outputs="raise", return_disconnected="zero"):
    """Jacobian-vector product ``J(f) @ eval_points`` (forward mode, built from two Lops).

    ``wrt`` and ``eval_points`` are a variable each or lists of the same length; the result has
    the structure of ``f``. The Lop of ``f`` is linear in its seed ``u``, so pulling the dot
    product ``<Lop(u), v>`` back to ``u`` gives ``J v`` as an ordinary graph.

    Examples
    --------
    >>> import numpy as np, rewrax as rx, rewrax.symbolic as pt
    >>> x, v = pt.vector("x"), pt.vector("v")
    >>> jvp = rx.Rop(pt.exp(x), x, v)
    >>> jvp.eval({x: np.zeros(2), v: np.array([1.0, 2.0])})
    array([1., 2.])
    """
    from rewrax.symbolic.math import mul, zeros_like
    from rewrax.symbolic.reduce import sum as sum_

    _check_choice("disconnected_outputs", disconnected_outputs, _DISCONNECTED_CHOICES)
    _check_choice("return_disconnected", return_disconnected, _RETURN_DISCONNECTED)
    fs, single_f = _as_var_list(f, "Rop: f")
    ws, _ = _as_var_list(wrt, "Rop: wrt")
    _check_wrt(ws)
    vs = [eval_points] if not isinstance(eval_points, (list, tuple)) else list(eval_points)
    if len(vs) != len(ws):
        raise ValueError(f"Rop: {len(ws)} wrt variable(s) but {len(vs)} eval_points")
    vs = [_check_eval_point(w, v) for w, v in zip(ws, vs)]
    results = []
    for fi in fs:
        if not is_differentiable(fi):
            raise NotDifferentiableError(f"Rop: {fi} ({fi.type}) is integer-valued")
        u = fi.type.make_variable(name="rop_seed")
        pulled = Lop(fi, ws, u, disconnected_inputs="ignore", return_disconnected="none")
        dots = [sum_(mul(g, v)) for g, v in zip(pulled, vs) if g is not None and not isinstance(g, UndefinedGrad)]
        if not dots:
            names = ", ".join(str(w) for w in ws)
            message = f"Rop: the expression {fi} does not depend on {names}"
            results.append(_disconnected(fi, disconnected_outputs, return_disconnected, message, "disconnected_outputs"))
            continue
        total = dots[0] if len(dots) == 1 else sum(dots[1:], dots[0])
        jv = grad(total, u, disconnected_inputs="ignore", stabilize=False, add_names=False)
        if _depends_on_var(jv, u):  # structurally only: the value does not depend on the seed
            jv = graph_replace(jv, {u: zeros_like(fi)}, strict=False)
        results.append(jv)
    return results[0] if single_f else results


def _depends_on_var(out, var):
    from rewrax.symbolic.graph import ancestors

    return any(v is var for v in ancestors([out]))


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
    """``x``, but no gradient flows through it (the cost is treated as not depending on it).

    Examples
    --------
    >>> import rewrax as rx, rewrax.symbolic as pt
    >>> x = pt.scalar("x")
    >>> float(rx.grad(x * rx.disconnected_grad(x), x).eval({x: 3.0}))
    3.0
    """
    return _GradientBarrier(False)(x)


def zero_grad(x):
    """``x``, but the gradient through it is zero (still connected: no DisconnectedInputError).

    Examples
    --------
    >>> import rewrax as rx, rewrax.symbolic as pt
    >>> x = pt.scalar("x")
    >>> float(rx.grad(pt.zero_grad(x) ** 2, x).eval({x: 3.0}))
    0.0
    """
    return _GradientBarrier(True)(x)


stop_gradient = disconnected_grad


from rewrax.symbolic.jacobian import hessian, jacobian  # noqa: E402,F401  (part of this API)
