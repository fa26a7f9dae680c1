"""Gradient checking helpers shared by the ``test_grad_*`` files, and tests of the helpers.

``check_grad(build, values)`` differentiates ``sum(build(*xs) * W)`` (``W`` a fixed random
projection, so every output entry counts) three ways and requires agreement:

1. rewrax's symbolic gradient, compiled with the JAX lowering;
2. central finite differences of the cost, evaluated with the NumPy references (``perform``);
3. ``jax.grad`` of the lowered cost function (``rx.function(...).jax_fn``).

Each evaluation jits ``jax_fn`` once: for a new shape one XLA compilation of the whole graph
is about three times cheaper than JAX's eager per-op dispatch, which compiles every op.
"""

from __future__ import annotations

import jax
import jax.numpy as jnp
import numpy as np
import pytest

import rewrax as rx
import rewrax.symbolic as pt
from rewrax.lower_jax import register
from rewrax.symbolic.numpy_eval import evaluate_numpy
from rewrax.symbolic.op import Op
from rewrax.symbolic.variable import Apply


def _is_float(value) -> bool:
    return np.asarray(value).dtype.kind == "f"


def make_inputs(values, static=True):
    """One placeholder per value, with its dtype and (static or unknown) shape."""
    return [pt.tensor(f"x{i}", shape=np.shape(v) if static else (None,) * np.ndim(v),
                      dtype=np.asarray(v).dtype.name)
            for i, v in enumerate(values)]


def projected_cost(out, seed=0, shapes=None):
    """``sum(out * W)`` with a fixed random ``W`` of ``out``'s shape (static, or ``shapes``)."""
    outs = out if isinstance(out, (list, tuple)) else [out]
    rng = np.random.default_rng(seed)
    terms = []
    for k, o in enumerate(outs):
        shape = tuple(o.type.shape) if shapes is None else shapes[k]
        if None in shape:
            raise ValueError("projected_cost needs static output shapes (or shapes=)")
        terms.append((o * pt.constant(rng.normal(size=shape))).sum() if len(shape) else o * rng.normal())
    return terms[0] if len(terms) == 1 else pt.add(*terms)


def run_jax(inputs, outputs, values):
    """Evaluate ``outputs`` with the JAX lowering (rewrites off)."""
    f = rx.function(inputs, outputs, mode="FAST_COMPILE", on_unused_input="ignore")
    with jax.enable_x64(True):
        res = jax.jit(f.jax_fn)(*[jnp.asarray(v) for v in values])
    return [np.asarray(r) for r in (res if isinstance(res, list) else [res])]


def jax_reference_grad(inputs, cost, values, argnums):
    """``jax.grad`` of the lowered cost function."""
    f = rx.function(inputs, cost, mode="FAST_COMPILE", on_unused_input="ignore")
    with jax.enable_x64(True):
        g = jax.jit(jax.grad(f.jax_fn, argnums=tuple(argnums)))(*[jnp.asarray(v) for v in values])
    return [np.asarray(x) for x in g]


def numeric_grad(inputs, cost, values, k, eps=1e-6, use_numpy=True):
    """Central differences of ``cost`` along every entry of input ``k``."""
    if use_numpy:
        def f(vals):
            return float(evaluate_numpy([cost], dict(zip(inputs, vals)))[0])
    else:
        fn = rx.function(inputs, cost, mode="FAST_COMPILE", on_unused_input="ignore")
        jitted = jax.jit(fn.jax_fn)

        def f(vals):
            with jax.enable_x64(True):
                return float(jitted(*[jnp.asarray(v) for v in vals]))

    base = np.asarray(values[k], dtype="float64")
    out = np.zeros_like(base)
    for idx in np.ndindex(base.shape):
        h = eps * max(1.0, abs(base[idx]))
        plus, minus = base.copy(), base.copy()
        plus[idx] += h
        minus[idx] -= h
        vp, vm = list(values), list(values)
        vp[k], vm[k] = plus, minus
        out[idx] = (f(vp) - f(vm)) / (2 * h)
    return out


def check_grad(build, values, *, rtol=1e-7, atol=1e-9, fd_rtol=1e-5, fd_atol=1e-6, eps=1e-6, fd=True,
               use_numpy=True, static=True, seed=0):
    """Symbolic gradient of ``sum(build(*xs) * W)`` == finite differences == ``jax.grad``."""
    values = [np.asarray(v) for v in values]
    xs = make_inputs(values, static)
    out = build(*xs)
    outs = out if isinstance(out, (list, tuple)) else [out]
    shapes = [np.shape(v) for v in run_jax(xs, outs, values)]
    cost = projected_cost(out, seed, shapes)
    wrt = [k for k, v in enumerate(values) if _is_float(v)]
    grads = rx.grad(cost, [xs[k] for k in wrt])
    sym = run_jax(xs, grads, values)
    ref = jax_reference_grad(xs, cost, values, wrt)
    for k, s, r in zip(wrt, sym, ref):
        assert s.shape == values[k].shape, f"gradient of input {k} has shape {s.shape}, input {values[k].shape}"
        np.testing.assert_allclose(s, r, rtol=rtol, atol=atol, err_msg=f"symbolic vs jax.grad, input {k}")
        if fd:
            num = numeric_grad(xs, cost, values, k, eps, use_numpy)
            np.testing.assert_allclose(s, num, rtol=fd_rtol, atol=fd_atol, err_msg=f"symbolic vs finite differences, input {k}")
    return sym


def check_hessian(build, value, *, rtol=1e-7, atol=1e-9, seed=0, vectorize=True):
    """``rx.hessian`` of ``sum(build(x) * W)`` == ``jax.hessian`` of the lowered cost."""
    value = np.asarray(value, dtype="float64")
    (x,) = make_inputs([value])
    cost = projected_cost(build(x), seed)
    (H,) = run_jax([x], [rx.hessian(cost, x, vectorize=vectorize)], [value])
    f = rx.function([x], cost, mode="FAST_COMPILE")
    with jax.enable_x64(True):
        ref = np.asarray(jax.jit(jax.hessian(f.jax_fn))(jnp.asarray(value)))
    assert H.shape == value.shape * 2
    np.testing.assert_allclose(H, ref, rtol=rtol, atol=atol)
    return H


# --------------------------------------------------------------------------------------------
# the helpers catch wrong pullbacks
# --------------------------------------------------------------------------------------------
class _WrongSquare(Op):
    """``x ** 2`` whose pullback forgets the factor 2 (a planted bug)."""

    def make_node(self, x):
        x = pt.as_tensor_variable(x)
        return Apply(self, [x], [x.type.make_variable()])

    def perform(self, node, inputs):
        return [np.square(inputs[0])]

    def pullback(self, inputs, outputs, output_grads):
        return [output_grads[0] * inputs[0]]


@register(_WrongSquare)
def _lower_wrong_square(node):
    return lambda x: [jnp.square(x)]


def test_check_grad_catches_a_wrong_pullback():
    with pytest.raises(AssertionError, match="symbolic vs jax.grad"):
        check_grad(lambda x: _WrongSquare()(x), [np.array([1.0, -2.0, 3.0])])


def test_check_grad_catches_a_wrong_pullback_by_finite_differences_alone():
    # with the JAX comparison removed by construction, finite differences still disagree
    x = pt.vector("x", shape=(3,))
    cost = _WrongSquare()(x).sum()
    g = run_jax([x], [rx.grad(cost, x)], [np.array([1.0, 2.0, 3.0])])[0]
    num = numeric_grad([x], cost, [np.array([1.0, 2.0, 3.0])], 0)
    assert not np.allclose(g, num, rtol=1e-3)
    np.testing.assert_allclose(num, [2.0, 4.0, 6.0], rtol=1e-6)


def test_check_grad_passes_for_a_correct_graph():
    sym = check_grad(lambda x, y: pt.exp(x) * y, [np.array([0.1, -0.2]), np.array([1.5, 2.0])])
    assert len(sym) == 2
