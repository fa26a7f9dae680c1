"""Shape and layout ops: JAX == NumPy reference == NumPy itself."""

import itertools

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp

import rewrax.symbolic as pt
from lowering_checks import assert_lowering_matches

RNG = np.random.default_rng(7)
A = RNG.normal(size=(2, 3, 4))


def test_reshape_flatten_squeeze_expand_dims():
    x = pt.tensor3("x", shape=(2, None, 4))
    cases = {
        "reshape": (x.reshape((6, 4)), lambda a: a.reshape(6, 4)),
        "reshape -1": (x.reshape((-1, 2)), lambda a: a.reshape(-1, 2)),
        "reshape ints": (x.reshape(4, 3, 2), lambda a: a.reshape(4, 3, 2)),
        "reshape symbolic": (x.reshape((x.shape[0] * x.shape[1], -1)), lambda a: a.reshape(6, -1)),
        "flatten": (x.flatten(), lambda a: a.flatten()),
        "flatten 2": (pt.flatten(x, ndim=2), lambda a: a.reshape(2, -1)),
        "expand_dims": (pt.expand_dims(x, (0, -1)), lambda a: np.expand_dims(a, (0, -1))),
        "squeeze": (pt.squeeze(pt.expand_dims(x, 1)), lambda a: a),
        "squeeze axis": (pt.expand_dims(x, 2).squeeze(2), lambda a: a),
        "padleft": (pt.shape_padleft(x, 2), lambda a: a[None, None]),
        "padright": (pt.shape_padright(x), lambda a: a[..., None]),
        "atleast_2d": (pt.atleast_2d(x[0, 0]), lambda a: np.atleast_2d(a[0, 0])),
    }
    outs = [c[0] for c in cases.values()]
    assert_lowering_matches([x], outs, [A], numpy_ref=lambda a: [c[1](a) for c in cases.values()])


def test_squeeze_of_an_unknown_dimension_checks_it_at_run_time():
    x = pt.matrix("x")
    out = pt.squeeze(x, 0)
    assert out.type.shape == (None,)
    assert_lowering_matches([x], out, [np.ones((1, 3))], numpy_ref=lambda a: a.squeeze(0))
    with pytest.raises(ValueError, match=r"x has shape \(2, 3\) at run time, expected \(1, \?\)"):
        assert_lowering_matches([x], out, [np.ones((2, 3))])


def test_every_transpose_and_dimshuffle():
    x = pt.tensor3("x")
    perms = list(itertools.permutations(range(3)))
    outs = [x.transpose(p) for p in perms] + [x.T, x.dimshuffle(2, "x", 0, 1), pt.moveaxis(x, 0, -1),
                                              pt.swapaxes(x, 0, 2)]
    ref = [A.transpose(p) for p in perms] + [A.T, A.transpose(2, 0, 1)[:, None], np.moveaxis(A, 0, -1),
                                             np.swapaxes(A, 0, 2)]
    assert_lowering_matches([x], outs, [A], numpy_ref=lambda a: ref)


def test_join_stack_split():
    x, y = pt.matrix("x"), pt.matrix("y", shape=(None, 3))
    a, b = RNG.normal(size=(2, 3)), RNG.normal(size=(4, 3))
    outs = [pt.concatenate([x, y]), pt.concatenate([x, x, x], axis=1), pt.concatenate([x, x], axis=-1),
            pt.stack([x, x]), pt.stack([x, x], axis=1), pt.stack([x, x], axis=-1), pt.stack([x[0, 0], y[1, 1]]),
            *pt.split(y, [1, 3], axis=0), *pt.split(y, 3, axis=1)]
    ref = [np.concatenate([a, b]), np.concatenate([a, a, a], 1), np.concatenate([a, a], -1), np.stack([a, a]),
           np.stack([a, a], 1), np.stack([a, a], -1), np.stack([a[0, 0], b[1, 1]]),
           *np.split(b, [1], axis=0), *np.split(b, 3, axis=1)]
    assert_lowering_matches([x, y], outs, [a, b], numpy_ref=lambda *_: ref)


def test_concatenate_promotes_dtypes_like_numpy():
    x, i = pt.vector("x", dtype="float32"), pt.vector("i", dtype="int16")
    out = pt.concatenate([x, i])
    assert out.type.dtype == np.concatenate([np.ones(1, "float32"), np.ones(1, "int16")]).dtype.name
    assert_lowering_matches([x, i], out, [np.ones(2, "float32"), np.arange(3, dtype="int16")],
                            numpy_ref=lambda a, b: np.concatenate([a, b]))


def test_tile_repeat_broadcast_alloc():
    x = pt.matrix("x", shape=(2, 3))
    r = pt.lvector("r")
    a = RNG.normal(size=(2, 3))
    outs = [pt.tile(x, (2, 1)), pt.tile(x, 3), pt.tile(x, (2, 1, 2)), pt.repeat(x, 2, axis=0), pt.repeat(x, 3),
            x.repeat(np.array([1, 0, 2]), axis=1), pt.repeat(x, r, axis=0), pt.broadcast_to(x[0], (4, 3)),
            pt.alloc(x[0, 0], 2, 3), pt.alloc(x[0], 5, 3), *pt.broadcast_arrays(x[:, :1], x[0][None, :])]
    ref = [np.tile(a, (2, 1)), np.tile(a, 3), np.tile(a, (2, 1, 2)), np.repeat(a, 2, 0), np.repeat(a, 3),
           np.repeat(a, [1, 0, 2], axis=1), np.repeat(a, [2, 1], axis=0), np.broadcast_to(a[0], (4, 3)),
           np.full((2, 3), a[0, 0]), np.broadcast_to(a[0], (5, 3)), *np.broadcast_arrays(a[:, :1], a[:1])]
    del outs[6], ref[6]
    assert_lowering_matches([x], outs, [a], numpy_ref=lambda *_: ref)
    # a run-time repeats vector gives an output length JAX cannot know when compiling
    with pytest.raises(NotImplementedError, match="output length must be known when compiling"):
        assert_lowering_matches([x, r], pt.repeat(x, r, axis=0), [a, np.array([2, 1])])


def test_constructors():
    n = pt.lvector("n")  # its length is known when tracing, so shapes built from it are static
    outs = [pt.zeros((2, 3)), pt.ones((3,), dtype="int32"), pt.full((2, 2), 7.5), pt.full((2,), 3, dtype="int8"),
            pt.arange(5), pt.arange(1, 10, 3), pt.arange(0.0, 1.0, 0.25), pt.arange(5, dtype="float32"),
            pt.eye(3), pt.eye(3, 4, 1), pt.eye(4, 3, -2, dtype="int64"), pt.zeros((n.shape[0] + 3, 2)),
            pt.zeros_like(pt.eye(2)), pt.ones_like(pt.arange(3)), pt.full_like(pt.eye(2), 2.0)]
    ref = [np.zeros((2, 3)), np.ones(3, "int32"), np.full((2, 2), 7.5), np.full(2, 3, "int8"), np.arange(5),
           np.arange(1, 10, 3), np.arange(0.0, 1.0, 0.25), np.arange(5, dtype="float32"), np.eye(3),
           np.eye(3, 4, 1), np.eye(4, 3, -2, dtype="int64"), np.zeros((3, 2)), np.zeros((2, 2)),
           np.ones(3, "int64"), np.full((2, 2), 2.0)]
    got = assert_lowering_matches([n], outs, [np.zeros(0, "int64")], numpy_ref=lambda _: ref)
    for g, r in zip(got, ref):
        assert g.dtype == r.dtype, (g.dtype, r.dtype)


def test_diagonals_and_triangles():
    x = pt.tensor3("x")
    m = pt.matrix("m")
    v = pt.vector("v")
    b = RNG.normal(size=(4, 4))
    c = RNG.normal(size=3)
    outs = [pt.diagonal(x, 0, 1, 2), pt.diagonal(x, 1, 0, 2), pt.diagonal(x, -1, 2, 1), m.diagonal(),
            pt.diag(m), pt.diag(m, 1), pt.diag(v), pt.diag(v, -2), pt.tril(m), pt.triu(m, 1), pt.tril(x, -1),
            m.trace()]
    ref = [np.diagonal(A, 0, 1, 2), np.diagonal(A, 1, 0, 2), np.diagonal(A, -1, 2, 1), b.diagonal(), np.diag(b),
           np.diag(b, 1), np.diag(c), np.diag(c, -2), np.tril(b), np.triu(b, 1), np.tril(A, -1), np.trace(b)]
    assert_lowering_matches([x, m, v], outs, [A, b, c], numpy_ref=lambda *_: ref)


def test_shape_and_specify_shape():
    x = pt.tensor3("x", shape=(2, None, None))
    outs = [x.shape, x.shape[1], pt.specify_shape(x, (2, 3, None)), x.size, pt.shape(x)[::-1]]
    assert_lowering_matches([x], outs, [A], numpy_ref=lambda a: [np.array(a.shape), 3, a, a.size,
                                                                    np.array(a.shape[::-1])])


@st.composite
def reshape_case(draw):
    shape = draw(hnp.array_shapes(min_dims=1, max_dims=4, min_side=1, max_side=4))
    size = int(np.prod(shape))
    # a random factorisation of the size into 1-3 dimensions, maybe with one -1
    dims, rest = [], size
    for _ in range(draw(st.integers(0, 2))):
        divisors = [d for d in range(1, rest + 1) if rest % d == 0]
        d = draw(st.sampled_from(divisors))
        dims.append(d)
        rest //= d
    dims.append(rest)
    if draw(st.booleans()):
        dims[draw(st.integers(0, len(dims) - 1))] = -1
    return shape, tuple(dims)


@settings(max_examples=10)
@given(case=reshape_case(), data=st.data())
def test_random_reshape_and_transpose(case, data):
    shape, new = case
    perm = data.draw(st.permutations(range(len(shape))))
    x = pt.tensor("x", shape=(None,) * len(shape))
    v = np.arange(np.prod(shape), dtype="float64").reshape(shape)
    assert_lowering_matches([x], [x.reshape(new), x.transpose(perm)], [v],
                            numpy_ref=lambda a: [a.reshape(new), a.transpose(perm)])


@settings(max_examples=10)
@given(data=st.data())
def test_random_concatenate(data):
    ndim = data.draw(st.integers(1, 3))
    axis = data.draw(st.integers(-ndim, ndim - 1))
    base = data.draw(hnp.array_shapes(min_dims=ndim, max_dims=ndim, min_side=1, max_side=3))
    n = data.draw(st.integers(1, 3))
    values = []
    for _ in range(n):
        shape = list(base)
        shape[axis] = data.draw(st.integers(0, 3))
        values.append(RNG.normal(size=shape))
    xs = [pt.tensor(f"x{k}", shape=(None,) * ndim) for k in range(n)]
    assert_lowering_matches(xs, pt.concatenate(xs, axis=axis), values,
                            numpy_ref=lambda *vs: np.concatenate(vs, axis=axis))


def test_shapes_from_run_time_values_are_a_clear_error():
    n = pt.lscalar("n")
    with pytest.raises(NotImplementedError, match="must be known when the function is compiled"):
        assert_lowering_matches([n], pt.zeros((n, 2)), [3])


def test_split_checks_the_sizes():
    x = pt.vector("x", shape=(5,))
    with pytest.raises(ValueError, match=r"sizes \[2, 2\] do not add up to the length 5"):
        pt.split(x, [2, 2])
    y = pt.vector("y")
    first, rest = pt.split(y, [2, 3])
    assert_lowering_matches([y], [first, rest], [np.arange(5.0)], numpy_ref=lambda a: np.split(a, [2]))
    with pytest.raises(ValueError, match="at run time"):
        assert_lowering_matches([y], rest, [np.arange(6.0)])
