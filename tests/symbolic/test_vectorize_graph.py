"""``vectorize_graph`` for every kind of Op, checked against a Python loop over the batch and
against ``jax.vmap`` of the original graph's lowered function."""

from __future__ import annotations

import jax
import jax.numpy as jnp
import numpy as np
import pytest

import rewrax as rx
import rewrax.symbolic as pt
import rewrax.symbolic.linalg as la
from rewrax.symbolic.blockwise import Blockwise

rng = np.random.default_rng(0)


def _batched_value(v, batch, k):
    v = np.asarray(v)
    if v.dtype.kind == "f":
        return np.broadcast_to(v, batch + v.shape) + 0.1 * np.random.default_rng(k).normal(size=batch + v.shape)
    steps = np.arange(int(np.prod(batch))).reshape(batch + (1,) * v.ndim)
    return ((np.broadcast_to(v, batch + v.shape) + steps) % 3).astype(v.dtype)


def check_vectorize(build, values, batch=(2,), which=None):
    """The vectorized graph equals a loop over the batch and ``jax.vmap`` of the original."""
    which = list(range(len(values))) if which is None else which
    xs = [pt.tensor(f"x{i}", shape=np.shape(v), dtype=np.asarray(v).dtype.name) for i, v in enumerate(values)]
    out = build(*xs)
    outs = out if isinstance(out, list) else [out]
    bvals = [_batched_value(v, batch, k) if k in which else np.asarray(v) for k, v in enumerate(values)]
    bvars = {xs[k]: pt.tensor(f"b{k}", shape=bvals[k].shape, dtype=bvals[k].dtype.name) for k in which}
    before = rx.dprint(outs, file="str")
    new = rx.vectorize_graph(outs, bvars)
    assert rx.dprint(outs, file="str") == before, "vectorize_graph changed the original graph"
    inputs = [bvars.get(x, x) for x in xs]
    got = rx.function(inputs, new, mode="FAST_COMPILE", on_unused_input="ignore")(*bvals)
    f0 = rx.function(xs, outs, mode="FAST_COMPILE", on_unused_input="ignore")
    for idx in np.ndindex(batch):
        ref = f0(*[bvals[k][idx] if k in which else values[k] for k in range(len(values))])
        for r, g in zip(ref, got):
            assert np.shape(g)[: len(batch)] == batch
            np.testing.assert_allclose(g[idx], r, rtol=1e-10, atol=1e-12, equal_nan=True)
    # jax.vmap of the original function, one batch level at a time
    fn = f0.jax_fn
    for level in range(len(batch)):
        fn = jax.vmap(fn, in_axes=tuple(0 if k in which else None for k in range(len(values))))
    with jax.enable_x64(True):
        ref = fn(*[jnp.asarray(v) for v in bvals])
    for r, g in zip(ref, got):
        np.testing.assert_allclose(g, np.asarray(r), rtol=1e-10, atol=1e-12, equal_nan=True)
    return new


A = rng.normal(size=(3, 3))
SPD = A @ A.T + 3 * np.eye(3)
L = np.linalg.cholesky(SPD)
V3 = rng.normal(size=3)
M34 = rng.normal(size=(3, 4))
M23 = rng.normal(size=(2, 3))
T234 = rng.normal(size=(2, 3, 4))

CASES = {
    # element-wise ops broadcast
    "log1p": (lambda x: pt.log(1 + x), [np.abs(V3)]),
    "broadcasting": (lambda x, y: x * y + 1.0, [V3, M23]),
    "switch": (lambda c, x: pt.switch(c > 0, x, -x), [V3, V3]),
    # reductions and along-axis ops shift their axes
    "sum": (lambda x: x.sum(axis=0), [M34]),
    "sum keepdims": (lambda x: x.sum(keepdims=True), [M34]),
    "prod": (lambda x: x.prod(axis=1), [M34]),
    "max": (lambda x: x.max(axis=1), [M34]),
    "argmax flat": (lambda x: pt.argmax(x), [M34]),
    "argmax axis": (lambda x: pt.argmax(x, axis=0), [M34]),
    "mean var": (lambda x: pt.var(x, axis=0) + pt.mean(x), [M34]),
    "logsumexp": (lambda x: pt.logsumexp(x, axis=1), [M34]),
    "softmax": (lambda x: pt.softmax(x, axis=0), [M34]),
    "log_softmax": (lambda x: pt.log_softmax(x, axis=-1), [M34]),
    "cumsum": (lambda x: pt.cumsum(x, axis=1), [M34]),
    "cumprod flat": (lambda x: pt.cumprod(x), [M34]),
    "sort": (lambda x: pt.sort(x, axis=0), [M34]),
    "argsort flat": (lambda x: pt.argsort(x, axis=None), [M34]),
    # shape ops
    "reshape": (lambda x: x.reshape((4, 3)), [M34]),
    "reshape from shape": (lambda x: x.reshape((x.shape[1], -1)), [M34]),
    "flatten": (lambda x: x.flatten(), [M34]),
    "transpose": (lambda x: x.T, [M34]),
    "dimshuffle": (lambda x: x.dimshuffle(1, "x", 0), [M34]),
    "shape arithmetic": (lambda x: pt.cast(x.shape, "float64") * x.sum(), [M34]),
    "zeros of shape": (lambda x: pt.zeros(x.shape) + x, [M34]),
    "concatenate": (lambda x, y: pt.concatenate([x, y], axis=0), [M34, M34[:2]]),
    "stack": (lambda x, y: pt.stack([x, y]), [V3, V3]),
    "stack scalars": (lambda x, y: pt.stack([x, y, x * y]), [np.array(1.0), np.array(2.0)]),
    "tile": (lambda x: pt.tile(x, (2, 1, 3)), [M23]),
    "tile short reps": (lambda x: pt.tile(x, (2,)), [M23]),
    "repeat": (lambda x: pt.repeat(x, 2, axis=1), [M23]),
    "alloc": (lambda x: pt.alloc(x, 2, 4, 3), [V3]),
    "broadcast_to": (lambda x: pt.broadcast_to(x, (4, 3)), [V3]),
    "diagonal": (lambda x: pt.diagonal(x), [A]),
    "diag": (lambda x: pt.diag(x), [V3]),
    "tril": (lambda x: pt.tril(x, -1), [A]),
    "eye and arange": (lambda x: pt.eye(x.shape[0]) * x + pt.arange(3), [A]),
    "specify_shape": (lambda x: pt.specify_shape(x, (3, 4)), [M34]),
    # indexing
    "basic index": (lambda x: x[1, 1:3], [M34]),
    "advanced index": (lambda x: x[np.array([0, 2, 0])], [M34]),
    "non-adjacent advanced": (lambda x: x[np.array([0, 2]), :, np.array([1, 0])], [rng.normal(size=(3, 2, 4))]),
    "scalar and array": (lambda x: x[0, :, np.array([1, 0, 3])], [rng.normal(size=(3, 2, 4))]),
    "take_along_axis": (lambda x: pt.take_along_axis(x, pt.argsort(x, axis=0), axis=0), [M34]),
    "set_subtensor": (lambda x, y: pt.set_subtensor(x[1:3], y), [rng.normal(size=(4, 3)), rng.normal(size=(2, 3))]),
    "inc repeated": (lambda x, y: pt.inc_subtensor(x[np.array([0, 0, 2])], y), [M34, rng.normal(size=(3, 4))]),
    "inc non-adjacent": (lambda x, y: pt.inc_subtensor(x[np.array([0, 2]), :, np.array([1, 1])], y),
                         [rng.normal(size=(3, 2, 4)), rng.normal(size=(2, 2))]),
    # linear algebra: dot/matmul batch natively, the rest through Blockwise
    "dot mv": (lambda a, b: pt.dot(a, b), [M34.T, V3]),
    "dot vv": (lambda a, b: pt.dot(a, b), [V3, V3]),
    "matmul": (lambda a, b: pt.matmul(a, b), [M23, M34]),
    "cholesky": (la.cholesky, [SPD]),
    "solve": (lambda a, b: la.solve(a, b), [SPD, V3]),
    "solve_triangular": (lambda a, b: la.solve_triangular(a, b, lower=True), [L, M34]),
    "inv": (la.inv, [SPD]),
    "det": (la.det, [A]),
    "slogdet": (lambda a: list(la.slogdet(a)), [A]),
    # control flow and wrapped functions
    "ifelse": (lambda c, x: pt.ifelse(c > 0, x * 2, x - 1), [np.array(0.3), V3]),
    "scan": (lambda x, h: pt.scan(lambda xt, acc: acc * 0.5 + xt, sequences=[x], outputs_info=[h])[0], [M34, V3[:1] + np.zeros(4)]),
    "wrap_jax": (lambda x: rx.wrap_jax(lambda a: jnp.sin(a) * a.sum())(x), [V3]),
    "check": (lambda x: pt.check(x * 2, x > -100, msg="x > -100"), [V3]),
    "zero_grad": (lambda x: pt.zero_grad(x) + 1, [V3]),
    "gradient graph": (lambda x: rx.grad(pt.log1p(x ** 2).sum(), x), [V3]),
    "hessian graph": (lambda x: rx.hessian((pt.exp(x) * x).sum(), x), [V3]),
}


@pytest.mark.parametrize("name", sorted(CASES))
def test_vectorize_matches_loop_and_vmap(name):
    build, values = CASES[name]
    check_vectorize(build, values)


PARTIAL = {
    "one operand of concatenate": (lambda x, y: pt.concatenate([x, y], axis=1), [M34, M34[:, :2]], [0]),
    "symbolic index": (lambda x, i: x[i], [M34, np.array(2)], [0]),
    "batched index only": (lambda x, i: x[i], [M34, np.array([0, 2, 1])], [1]),
    "batched scalar index": (lambda x, i: x[i], [M34, np.array(1)], [0, 1]),
    "written value only": (lambda x, y: pt.set_subtensor(x[1:3], y), [rng.normal(size=(4, 3)), rng.normal(size=(2, 3))], [1]),
    "lower-rank value": (lambda x, y: pt.inc_subtensor(x[1:3], y), [rng.normal(size=(4, 3)), rng.normal(size=3)], [0, 1]),
    "lower-rank value only": (lambda x, y: pt.inc_subtensor(x[1:3], y), [rng.normal(size=(4, 3)), rng.normal(size=3)], [1]),
    "non-adjacent value only": (lambda x, y: pt.inc_subtensor(x[np.array([0, 2]), :, np.array([1, 1])], y),
                                [rng.normal(size=(3, 2, 4)), rng.normal(size=(2, 2))], [1]),
    "batched write index": (lambda x, y, i: pt.inc_subtensor(x[i], y), [M34, rng.normal(size=4), np.array([0, 0])], [2]),
    "matrix of a dot": (lambda a, b: pt.dot(a, b), [M23, M34], [0]),
    "right-hand side of solve": (lambda a, b: la.solve(a, b), [SPD, V3], [1]),
    "condition of ifelse": (lambda c, x: pt.ifelse(c > 0, x * 2, x - 1), [np.array(0.3), V3], [0]),
    "branch value of ifelse": (lambda c, x: pt.ifelse(c > 0, x * 2, x - 1), [np.array(0.3), V3], [1]),
    "scan non-sequence": (lambda x, w: pt.scan(lambda xt, acc, w: acc * w + xt, sequences=[x], outputs_info=[np.zeros(4)],
                                                non_sequences=[w])[0], [M34, rng.normal(size=4)], [1]),
}


@pytest.mark.parametrize("name", sorted(PARTIAL))
def test_vectorize_some_inputs(name):
    build, values, which = PARTIAL[name]
    check_vectorize(build, values, which=which)


def test_vectorize_two_batch_dimensions():
    check_vectorize(lambda x: la.det(x) * x.sum(), [SPD], batch=(2, 3))
    check_vectorize(lambda x, y: pt.dot(x, y), [M23, V3], batch=(3, 2))


def test_replacements_with_different_batch_ranks_broadcast():
    x, y = pt.vector("x", shape=(3,)), pt.vector("y", shape=(3,))
    out = pt.exp(x) * y
    X = pt.matrix("X", shape=(2, 3))
    Y = pt.tensor3("Y", shape=(4, 2, 3))
    new = rx.vectorize_graph(out, {x: X, y: Y})
    assert new.type.shape == (4, 2, 3)
    Xv, Yv = rng.normal(size=(2, 3)), rng.normal(size=(4, 2, 3))
    np.testing.assert_allclose(new.eval({X: Xv, Y: Yv}), np.exp(Xv) * Yv)


def test_the_seed_example_and_the_original_graph():
    x = pt.tensor(shape=(3,), dtype="float64")
    y = pt.log(1 + x)
    new_x = pt.matrix("new_x", shape=(2, 3))
    new_y = rx.vectorize_graph(y, replace={x: new_x})
    assert str(new_y.type) == "Matrix(float64, shape=(2, 3))"
    assert [str(v) for v in rx.graph_inputs([new_y]) if v.owner is None and not isinstance(v, pt.Constant)] == ["new_x"]
    assert y.type.shape == (3,) and y.owner.inputs[0].owner.inputs[1] is x
    m = np.arange(6.0).reshape(2, 3)
    np.testing.assert_allclose(new_y.eval({new_x: m}), np.log1p(m), rtol=1e-15)
    # the literal 1 is an int8 constant (NEP 50 result dtype, PyTensor's printing; acceptance E12b)
    text = rx.dprint(new_y, print_type=True, file="str")
    assert "<Matrix(int8, shape=(1, 1))>" in text


def test_outputs_that_do_not_depend_on_the_replacement_are_returned_as_they_are():
    x, z = pt.vector("x"), pt.vector("z")
    a, b = pt.exp(z), pt.exp(x)
    new_a, new_b = rx.vectorize_graph([a, b], {x: pt.matrix("X")})
    assert new_a is a and new_b is not b
    assert rx.vectorize_graph(a, {}) is a


def test_names_are_kept():
    x = pt.vector("x")
    y = pt.exp(x)
    y.name = "y"
    assert rx.vectorize_graph(y, {x: pt.matrix("X")}).name == "y"


def test_bad_replacements_are_clear_errors():
    x = pt.vector("x", shape=(3,))
    y = pt.exp(x)
    with pytest.raises(TypeError, match="dtypes differ"):
        rx.vectorize_graph(y, {x: pt.matrix("X", dtype="float32")})
    with pytest.raises(ValueError, match="fewer dimensions"):
        rx.vectorize_graph(y, {x: pt.scalar("s")})
    with pytest.raises(ValueError, match=r"core shape \(4,\)"):
        rx.vectorize_graph(y, {x: pt.matrix("X", shape=(2, 4))})
    with pytest.raises(TypeError, match="replacement keys must be symbolic variables"):
        rx.vectorize_graph(y, {"x": pt.matrix("X")})


def test_reshape_to_a_batched_shape_is_a_clear_error():
    x, s = pt.vector("x", shape=(6,)), pt.lvector("s", shape=(2,))
    y = pt.reshape(x, s)
    with pytest.raises(NotImplementedError, match="target shape .* varies over the batch"):
        rx.vectorize_graph(y, {s: pt.lmatrix("S", shape=(3, 2))})


def test_blockwise_signatures_print_like_pytensor():
    A3 = pt.tensor3("A", shape=(4, 3, 3))
    assert str(la.cholesky(A3).owner.op) == "Blockwise{Cholesky{lower=True}, (m,m)->(m,m)}"
    x = pt.vector("x", shape=(3,))
    out = rx.vectorize_graph(pt.sort(x)[pt.argmax(x)], {x: pt.matrix("X", shape=(2, 3))})
    assert "Blockwise{" in rx.dprint(out, file="str")
    assert "(i00),()->()" in rx.dprint(out, file="str")


def test_blockwise_perform_matches_its_lowering():
    from rewrax.symbolic.numpy_eval import evaluate_numpy

    A3 = pt.tensor3("A", shape=(4, 3, 3))
    out = Blockwise(la.Det())(A3)
    As = np.stack([SPD + k * np.eye(3) for k in range(4)])
    np.testing.assert_allclose(evaluate_numpy([out], {A3: As})[0], np.linalg.det(As))
    np.testing.assert_allclose(out.eval({A3: As}), np.linalg.det(As))


# -- random variables: batched parameters give batched draws ------------------------------------
def test_random_variable_with_batched_parameters():
    mu = pt.scalar("mu")
    draw = pt.random.normal(mu, 0.01, rng=rx.shared_rng(1))
    MU = pt.vector("MU", shape=(5,))
    batched = rx.vectorize_graph(draw, {mu: MU})
    assert batched.type.shape == (5,)
    values = batched.eval({MU: np.arange(5.0) * 10})
    np.testing.assert_allclose(values, np.arange(5.0) * 10, atol=0.1)
    assert len(np.unique(np.round(values - np.arange(5.0) * 10, 12))) == 5  # independent draws


def test_random_variable_with_size_and_batched_parameters():
    mu = pt.scalar("mu")
    draw = pt.random.normal(mu, 1.0, size=(1000,), rng=rx.shared_rng(2))
    MU = pt.vector("MU", shape=(3,))
    batched = rx.vectorize_graph(draw, {mu: MU})
    assert batched.type.shape == (3, 1000)
    values = batched.eval({MU: np.array([-5.0, 0.0, 5.0])})
    np.testing.assert_allclose(values.mean(axis=1), [-5.0, 0.0, 5.0], atol=0.15)
    np.testing.assert_allclose(values.std(axis=1), 1.0, atol=0.1)
