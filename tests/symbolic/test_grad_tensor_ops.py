"""Gradients of reductions, softmax/logsumexp, cumulative ops, sorting, shape ops and indexing."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st
from test_grad_support import check_grad, check_hessian

import rewrax as rx
import rewrax.symbolic as pt


@st.composite
def array_and_axes(draw, min_rank=1, max_rank=3, distinct=False):
    shape = tuple(draw(st.lists(st.integers(1, 3), min_size=min_rank, max_size=max_rank)))
    seed = draw(st.integers(0, 2 ** 31 - 1))
    rng = np.random.default_rng(seed)
    value = rng.permutation(np.arange(1, int(np.prod(shape)) + 1)).reshape(shape) / 7.0 - 0.5 if distinct \
        else rng.uniform(-2, 2, size=shape)
    axes = draw(st.one_of(st.none(), st.lists(st.integers(-len(shape), len(shape) - 1), unique_by=lambda a: a % len(shape),
                                              max_size=len(shape)).map(tuple)))
    return value, axes


REDUCTIONS = {
    "sum": lambda x, axis, keep: pt.sum(x, axis=axis, keepdims=keep),
    "mean": lambda x, axis, keep: pt.mean(x, axis=axis, keepdims=keep),
    "var": lambda x, axis, keep: pt.var(x, axis=axis, keepdims=keep),
    "std": lambda x, axis, keep: pt.std(x, axis=axis, keepdims=keep),
    "prod": lambda x, axis, keep: pt.prod(x, axis=axis, keepdims=keep),
    "logsumexp": lambda x, axis, keep: pt.logsumexp(x, axis=axis, keepdims=keep),
}


@pytest.mark.parametrize("name", sorted(REDUCTIONS))
@settings(max_examples=8)
@given(case=array_and_axes(), keep=st.booleans())
def test_reduction_gradient(name, case, keep):
    value, axes = case
    if name == "std":  # sqrt of a zero variance has no derivative
        assume(np.all(np.var(value, axis=axes) > 1e-3))
    check_grad(lambda x: REDUCTIONS[name](x, axes, keep), [value])


@pytest.mark.parametrize("name", ["max", "min"])
@settings(max_examples=8)
@given(case=array_and_axes(distinct=True), keep=st.booleans())
def test_max_min_gradient_without_ties(name, case, keep):
    value, axes = case
    fn = getattr(pt, name)
    check_grad(lambda x: fn(x, axis=axes, keepdims=keep), [value])


def test_prod_gradient_with_zeros_is_exact():
    # one zero: only that entry has a gradient (the product of the others); two zeros: none
    x = np.array([[0.0, 2.0, 3.0], [0.0, 0.0, 5.0], [1.5, 2.0, -1.0]])
    v = pt.matrix("v", shape=(3, 3))
    g = rx.grad(pt.prod(v, axis=1).sum(), v).eval({v: x})
    np.testing.assert_allclose(g, [[6.0, 0.0, 0.0], [0.0, 0.0, 0.0], [-2.0, -1.5, 3.0]])
    check_grad(lambda v: pt.prod(v, axis=1), [x], fd=False)


@pytest.mark.parametrize("fn", ["softmax", "log_softmax", "cumsum", "cumprod"])
@settings(max_examples=8)
@given(case=array_and_axes(min_rank=1))
def test_along_axis_gradient(fn, case):
    value, axes = case
    axis = None if not axes else axes[0]
    if fn == "cumprod":
        value = np.sign(value) * (np.abs(value) + 0.5)
    check_grad(lambda x: getattr(pt, fn)(x, axis=axis if fn.startswith("cum") else (-1 if axis is None else axis)), [value])


def test_cumprod_gradient_through_a_zero_matches_jax():
    # the division in the pullback must not turn a zero entry into nan
    check_grad(lambda x: pt.cumprod(x), [np.array([1.5, 0.0, 2.0, -1.0])], fd=True)


@settings(max_examples=8)
@given(case=array_and_axes(distinct=True))
def test_sort_gradient(case):
    value, axes = case
    axis = -1 if not axes else axes[0]
    check_grad(lambda x: pt.sort(x, axis=axis) * pt.arange(value.shape[axis]).astype("float64") ** 2
               if value.ndim == 1 else pt.sort(x, axis=axis), [value])


SHAPE_CASES = {
    "reshape": (lambda x: x.reshape((4, 3)), (3, 4)),
    "reshape -1": (lambda x: x.reshape((2, -1)), (3, 4)),
    "flatten": (lambda x: x.flatten(), (3, 4)),
    "transpose": (lambda x: x.T, (3, 4)),
    "dimshuffle": (lambda x: x.dimshuffle(1, "x", 0), (3, 4)),
    "squeeze": (lambda x: pt.squeeze(x, 1), (3, 1, 2)),
    "expand_dims": (lambda x: pt.expand_dims(x, (0, 2)), (3, 2)),
    "moveaxis": (lambda x: pt.moveaxis(x, 0, -1), (2, 3, 2)),
    "swapaxes": (lambda x: pt.swapaxes(x, 0, 2), (2, 3, 2)),
    "specify_shape": (lambda x: pt.specify_shape(x, (3, 4)), (3, 4)),
    "concatenate": (lambda x: pt.concatenate([x, x[:2] * 2, x], axis=0), (3, 4)),
    "concatenate axis1": (lambda x: pt.concatenate([x, pt.exp(x)], axis=1), (3, 2)),
    "stack": (lambda x: pt.stack([x, x ** 2], axis=1), (3,)),
    "split": (lambda x: pt.split(x, [1, 3], axis=0)[1] * 3, (4, 2)),
    "tile": (lambda x: pt.tile(x, (2, 1, 3)), (2, 3)),
    "repeat": (lambda x: pt.repeat(x, 2, axis=1), (2, 3)),
    "repeat vector": (lambda x: pt.repeat(x, np.array([1, 0, 2]), axis=1), (2, 3)),
    "repeat flat": (lambda x: pt.repeat(x, 2), (2, 3)),
    "broadcast_to": (lambda x: pt.broadcast_to(x, (4, 3)), (3,)),
    "alloc": (lambda x: pt.alloc(x, 2, 4, 3), (3,)),
    "broadcast_arrays": (lambda x: pt.broadcast_arrays(x, pt.zeros((2, 3)))[0], (3,)),
    "diagonal": (lambda x: pt.diagonal(x), (3, 3)),
    "diagonal offset": (lambda x: pt.diagonal(x, 1), (3, 4)),
    "diagonal axes": (lambda x: pt.diagonal(x, -1, 1, 2), (2, 3, 3)),
    "diag": (lambda x: pt.diag(x), (3,)),
    "diag offset": (lambda x: pt.diag(x, -1), (3,)),
    "tril": (lambda x: pt.tril(x), (3, 3)),
    "triu": (lambda x: pt.triu(x, 1), (3, 4)),
    "flip": (lambda x: pt.flip(x, 0), (3, 4)),
    "zero_grad": (lambda x: pt.zero_grad(x) * 0 + x ** 2, (3,)),
}


@pytest.mark.parametrize("name", sorted(SHAPE_CASES))
def test_shape_op_gradient(name):
    build, shape = SHAPE_CASES[name]
    check_grad(build, [np.random.default_rng(len(name)).normal(size=shape)])


M = np.random.default_rng(3).normal(size=(3, 4))
INDEX_CASES = {
    "int": (lambda x: x[1], [M]),
    "int int": (lambda x: x[1, -1], [M]),
    "slice": (lambda x: x[1:3, ::2], [M]),
    "negative step": (lambda x: x[::-1, 3:0:-2], [M]),
    "none and ellipsis": (lambda x: x[None, ..., 1, None], [M]),
    "symbolic int": (lambda x, i: x[i], [M, np.array(2)]),
    "int array": (lambda x: x[np.array([0, 2, 0, 0])], [M]),
    "two int arrays": (lambda x: x[np.array([0, 2, 0]), np.array([1, 1, 3])], [M]),
    "int array column": (lambda x: x[:, np.array([3, 1, 1])], [M]),
    "non-adjacent arrays": (lambda x: x[np.array([0, 1]), :, np.array([2, 2])], [np.arange(24.0).reshape(2, 3, 4) / 10]),
    "symbolic int array": (lambda x, i: x[i], [M, np.array([2, 0, 2])]),
    "constant bool mask": (lambda x: x[np.array([True, False, True])], [M]),
    "bool mask 2d": (lambda x: x[M > 0], [M]),
    "take": (lambda x: pt.take(x, np.array([1, 0, 1]), axis=1), [M]),
    "take flat": (lambda x: pt.take(x, np.array([[5, 1], [5, 11]])), [M]),
    "take_along_axis": (lambda x: pt.take_along_axis(x, np.array([[0, 1, 1, 2], [2, 2, 0, 1]]), axis=0), [M]),
}


@pytest.mark.parametrize("name", sorted(INDEX_CASES))
def test_indexing_gradient(name):
    build, values = INDEX_CASES[name]
    check_grad(build, values)


@st.composite
def index_case(draw):
    """An array and a NumPy index of ints, slices (any step) and at most one int array."""
    shape = tuple(draw(st.lists(st.integers(1, 4), min_size=1, max_size=3)))
    idx, used_array = [], False
    for d in shape[: draw(st.integers(1, len(shape)))]:
        kind = draw(st.sampled_from(["int", "slice", "full"] + ([] if used_array else ["array"])))
        if kind == "int":
            idx.append(draw(st.integers(-d, d - 1)))
        elif kind == "slice":
            step = draw(st.sampled_from([1, 2, -1, -2, None]))
            idx.append(slice(draw(st.one_of(st.none(), st.integers(-d, d))), draw(st.one_of(st.none(), st.integers(-d, d))), step))
        elif kind == "array":
            used_array = True
            idx.append(np.array(draw(st.lists(st.integers(-d, d - 1), min_size=1, max_size=4))))
        else:
            idx.append(slice(None))
    value = np.random.default_rng(draw(st.integers(0, 2 ** 31 - 1))).normal(size=shape)
    return value, tuple(idx)


@settings(max_examples=8)
@given(case=index_case())
def test_indexing_gradient_hypothesis(case):
    value, idx = case
    check_grad(lambda x: x[idx], [value])


@settings(max_examples=6)
@given(case=index_case(), set_=st.booleans())
def test_write_gradient_hypothesis(case, set_):
    value, idx = case
    assume(any(not (isinstance(i, slice) and i == slice(None)) for i in idx))  # x[:] is x itself
    target = value[idx]
    if set_ and any(isinstance(i, np.ndarray) and len(np.unique(i % value.shape[k])) < len(i) for k, i in enumerate(idx)):
        set_ = False  # writing twice to one entry: NumPy keeps the last, JAX any one of them
    written = np.random.default_rng(1).normal(size=target.shape)
    write = pt.set_subtensor if set_ else pt.inc_subtensor
    check_grad(lambda x, y: write(x[idx], y), [value, written])


X43 = np.random.default_rng(4).normal(size=(4, 3))
WRITE_CASES = {
    "set slice": (lambda x, y: pt.set_subtensor(x[1:3], y), [X43, np.ones((2, 3)) * 0.5]),
    "inc row": (lambda x, y: pt.inc_subtensor(x[1], y), [X43, np.arange(3.0)]),
    "inc broadcast value": (lambda x, y: pt.inc_subtensor(x[1:3, :], y), [X43, np.arange(3.0)]),
    "set scalar value": (lambda x, y: pt.set_subtensor(x[0, 1:], y), [X43, np.array(2.5)]),
    "inc repeated indices": (lambda x, y: pt.inc_subtensor(x[np.array([0, 0, 2, 0])], y), [X43, np.arange(12.0).reshape(4, 3)]),
    "set repeated-free indices": (lambda x, y: pt.set_subtensor(x[np.array([3, 0])], y), [X43, np.ones((2, 3))]),
    "inc point indices": (lambda x, y: pt.inc_subtensor(x[np.array([0, 0, 2]), np.array([1, 1, 1])], y), [X43, np.array(1.5)]),
    "inc non-adjacent": (lambda x, y: pt.inc_subtensor(x[np.array([0, 1]), :, np.array([2, 2])], y),
                         [np.arange(24.0).reshape(2, 3, 4) / 10, np.arange(6.0).reshape(2, 3)]),
    "inc symbolic index": (lambda x, y, i: pt.inc_subtensor(x[i], y), [X43, np.arange(3.0), np.array(2)]),
    "set_diagonal": (lambda x, y: rx.symbolic.subtensor.set_diagonal(x, y), [np.ones((3, 3)), np.arange(3.0)]),
}


@pytest.mark.parametrize("name", sorted(WRITE_CASES))
def test_write_gradient(name):
    build, values = WRITE_CASES[name]
    check_grad(build, values)


def test_set_subtensor_gradient_of_the_overwritten_entries_is_zero():
    x, y = pt.vector("x", shape=(4,)), pt.vector("y", shape=(2,))
    z = pt.set_subtensor(x[1:3], y)
    gx, gy = rx.grad((z * np.arange(1.0, 5.0)).sum(), [x, y])
    np.testing.assert_allclose(gx.eval({x: np.ones(4), y: np.ones(2)}), [1.0, 0.0, 0.0, 4.0])
    np.testing.assert_allclose(gy.eval({x: np.ones(4), y: np.ones(2)}), [2.0, 3.0])


def test_repeated_index_gradients_accumulate():
    x = pt.vector("x", shape=(3,))
    g = rx.grad(x[np.array([0, 0, 2, 0])].sum(), x)
    np.testing.assert_allclose(g.eval({x: np.zeros(3)}), [3.0, 0.0, 1.0])


def test_integer_index_has_no_gradient_but_the_data_does():
    x, i = pt.vector("x"), pt.lscalar("i")
    g = rx.grad(x[i] ** 2, x)
    np.testing.assert_allclose(g.eval({x: np.array([1.0, 2.0, 3.0]), i: 1}), [0.0, 4.0, 0.0])
    with pytest.raises(rx.symbolic.NotDifferentiableError, match="integer-valued"):
        rx.grad(x[i] ** 2, i)


HESSIAN_CASES = {
    "sum of squares": (lambda x: pt.sum(x ** 2, axis=1) ** 2, (2, 3)),
    "prod": (lambda x: pt.prod(x, axis=0), (3, 2)),
    "max": (lambda x: pt.max(x, axis=1) ** 2, (2, 3)),
    "logsumexp": (lambda x: pt.logsumexp(x, axis=1), (2, 3)),
    "softmax": (lambda x: pt.softmax(x, axis=1), (2, 3)),
    "log_softmax": (lambda x: pt.log_softmax(x, axis=0), (2, 3)),
    "mean and var": (lambda x: pt.var(x, axis=0) * pt.mean(x), (2, 3)),
    "cumsum": (lambda x: pt.cumsum(x, axis=1) ** 2, (2, 3)),
    "cumprod": (lambda x: pt.cumprod(x + 3, axis=1), (2, 3)),
    "sort": (lambda x: pt.sort(x, axis=1) ** 2, (2, 3)),
    "basic index": (lambda x: x[0, 1:] * x[1, :2], (2, 3)),
    "advanced index": (lambda x: x[np.array([0, 0, 1]), np.array([2, 1, 2])] ** 3, (2, 3)),
    "inc_subtensor": (lambda x: pt.inc_subtensor(x[np.array([0, 0])], x[1] ** 2) ** 2, (2, 3)),
    "set_subtensor": (lambda x: pt.set_subtensor(x[0], x[1] ** 2) ** 2, (2, 3)),
    "concatenate": (lambda x: pt.concatenate([x, x ** 2], axis=1) ** 2, (2, 3)),
    "reshape": (lambda x: pt.exp(x.reshape((3, 2))) @ x, (2, 3)),
    "switch": (lambda x: pt.switch(x > 0, x ** 2, x ** 3), (2, 3)),
}


@pytest.mark.parametrize("name", sorted(HESSIAN_CASES))
def test_tensor_op_hessian(name):
    build, shape = HESSIAN_CASES[name]
    value = np.random.default_rng(7).permutation(np.arange(1, int(np.prod(shape)) + 1)).reshape(shape) / 5.0 - 0.6
    check_hessian(build, value)
