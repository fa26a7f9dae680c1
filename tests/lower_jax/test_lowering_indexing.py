"""Indexing: basic and advanced reads, set/inc_subtensor writes. JAX == reference == NumPy."""

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp

import rewrax as rx
import rewrax.symbolic as pt
from lowering_checks import assert_lowering_matches
from rewrax.symbolic.subtensor import Subtensor

RNG = np.random.default_rng(3)
A = RNG.normal(size=(3, 4, 5))

BASIC = [
    (1,), (-1,), (0, 2), (1, -2, 3), (slice(1, None),), (slice(None, None, -1),), (slice(-1, 0, -2),),
    (slice(None), 1), (Ellipsis, 2), (1, Ellipsis), (None,), (None, 1, None), (Ellipsis, None),
    (slice(1, 3), None, slice(None, None, 2)), (slice(10, 20),), (slice(-10, 2),), (slice(0, 0),),
]
ADVANCED = [
    ([0, 2, 2],), (np.array([[0, 1], [2, 0]]),), ([0, 1], [3, 2]), ([0, 1], slice(None), [4, 0]),
    (slice(None), [1, 1, 0]), (1, [0, 3]), (Ellipsis, [4, 0, 1]), ([-1, 0],), (A[:, 0, 0] > 0,),
    (A[:, :, 0] > 0,), (A > 0,), (slice(None), np.array([True, False, True, True])), (None, [0, 1]),
]


@pytest.mark.parametrize("kind,indices", [("basic", BASIC), ("advanced", ADVANCED)])
def test_numpy_indexing(kind, indices):
    x = pt.tensor3("x")
    outs = [x[idx] for idx in indices]
    assert_lowering_matches([x], outs, [A], numpy_ref=lambda a: [a[idx] for idx in indices])


def test_symbolic_integer_indices():
    x = pt.tensor3("x")
    i, j = pt.lscalar("i"), pt.lscalar("j")
    v = pt.lvector("v")
    outs = [x[i], x[i, j], x[-i], x[:, j], x[v], x[v, j], x[1:, v], x[i][v], pt.take(x, v, axis=1),
            pt.take(x, v)]
    vals = [A, 2, -3, np.array([0, 2, 1])]
    ref = [A[2], A[2, -3], A[-2], A[:, -3], A[[0, 2, 1]], A[[0, 2, 1], -3], A[1:, [0, 2, 1]], A[2][[0, 2, 1]],
           np.take(A, [0, 2, 1], axis=1), np.take(A, [0, 2, 1])]
    assert_lowering_matches([x, i, j, v], outs, vals, numpy_ref=lambda *_: ref)


def test_take_along_axis_and_flip():
    x = pt.matrix("x")
    idx = pt.lmatrix("idx")
    m = A[0]
    order = np.argsort(m, axis=1)
    outs = [pt.take_along_axis(x, idx, axis=1), pt.flip(x), pt.flip(x, 0), pt.flip(x, -1)]
    ref = [np.take_along_axis(m, order, axis=1), np.flip(m), np.flip(m, 0), np.flip(m, -1)]
    assert_lowering_matches([x, idx], outs, [m, order], numpy_ref=lambda *_: ref)


def _numpy_write(a, idx, y, set_):
    out = a.copy()
    if set_:
        out[idx] = y
    else:
        np.add.at(out, idx, y)
    return out


WRITES = [
    ((1,), 1.0), ((slice(1, None), 0), np.arange(5.0)), ((Ellipsis, 2), 5.0), (([0, 0, 2],), 1.0),
    (([0, 0, 2], [1, 1, 3]), np.array([[1.0], [2.0], [3.0]])), ((slice(None), [3, 3]), 2.0), (([1, 1],), A[:2]),
    ((A > 1,), 0.5), ((-1, slice(None, None, -1)), A[0, ::-1]),
]


@pytest.mark.parametrize("set_", [True, False], ids=["set", "inc"])
def test_set_and_inc_subtensor_with_repeated_indices(set_):
    x = pt.tensor3("x")
    write = pt.set_subtensor if set_ else pt.inc_subtensor
    outs = [write(x[idx], y) for idx, y in WRITES]
    ref = [_numpy_write(A, idx, y, set_) for idx, y in WRITES]
    got = assert_lowering_matches([x], outs, [A], numpy_ref=lambda a: ref)
    if not set_:  # repeated indices add up (np.add.at), they do not overwrite
        assert got[3][0, 0, 0] == pytest.approx(A[0, 0, 0] + 2)


def test_writes_with_symbolic_indices_and_values():
    x, y = pt.matrix("x"), pt.vector("y")
    i, v = pt.lscalar("i"), pt.lvector("v")
    m, yv, vv = A[0], A[1, 0], np.array([0, 0, 2])
    outs = [pt.set_subtensor(x[i], y), pt.inc_subtensor(x[v, i], y[:3]), pt.inc_subtensor(x[:, i], 1)]
    ref = [_numpy_write(m, (1,), yv, True), _numpy_write(m, (vv, 1), yv[:3], False),
           _numpy_write(m, (slice(None), 1), 1.0, False)]
    assert_lowering_matches([x, y, i, v], outs, [m, yv, 1, vv], numpy_ref=lambda *_: ref)


def test_boolean_mask_known_only_at_run_time():
    x = pt.vector("x")
    # reading through it has a data-dependent shape: a clear error
    with pytest.raises(NotImplementedError, match="boolean mask known only at run time"):
        assert_lowering_matches([x], x[x > 0], [np.array([-1.0, 2.0])])
    # writing through a full mask is a switch
    out = pt.set_subtensor(x[x > 0], 0.0)
    assert_lowering_matches([x], out, [np.array([-1.0, 2.0, 3.0])], numpy_ref=lambda a: np.where(a > 0, 0, a))


@settings(max_examples=15)
@given(data=st.data())
def test_random_basic_indices(data):
    shape = data.draw(hnp.array_shapes(min_dims=1, max_dims=4, min_side=1, max_side=5))
    idx = data.draw(hnp.basic_indices(shape, min_dims=0, allow_newaxis=True, allow_ellipsis=True))
    known = data.draw(st.booleans())
    x = pt.tensor("x", shape=shape if known else (None,) * len(shape))
    v = np.arange(np.prod(shape), dtype="float64").reshape(shape)
    assert_lowering_matches([x], x[idx], [v], numpy_ref=lambda a: a[idx])


@settings(max_examples=15)
@given(data=st.data())
def test_random_integer_array_indices(data):
    shape = data.draw(hnp.array_shapes(min_dims=1, max_dims=3, min_side=1, max_side=5))
    idx = data.draw(hnp.integer_array_indices(shape, result_shape=hnp.array_shapes(min_dims=0, max_dims=2)))
    x = pt.tensor("x", shape=(None,) * len(shape))
    v = RNG.normal(size=shape)
    y = data.draw(st.floats(-3, 3))
    outs = [x[idx], pt.inc_subtensor(x[idx], y), pt.set_subtensor(x[idx], y)]
    assert_lowering_matches([x], outs, [v], numpy_ref=lambda a: [a[idx], _numpy_write(a, idx, y, False),
                                                                  _numpy_write(a, idx, y, True)])


def test_full_slice_is_an_index_that_can_be_written_through():
    x, m = pt.vector("x"), pt.matrix("m")
    assert isinstance(x[:].owner.op, Subtensor) and isinstance(m[..., :].owner.op, Subtensor)
    v, mv = A[0, 0], A[0]
    outs = [pt.set_subtensor(x[:], 2 * x), pt.inc_subtensor(m[:, :], 1.0), pt.set_subtensor(m[...], x[:mv.shape[1]])]
    ref = [2 * v, mv + 1, np.broadcast_to(v[: mv.shape[1]], mv.shape)]
    assert_lowering_matches([x, m], outs, [v, mv], numpy_ref=lambda *_: ref)
    # compiled, x[:] is x again
    f = rx.function([x], x[:] * 2)
    assert not any(isinstance(n.op, Subtensor) for n in f._order)
