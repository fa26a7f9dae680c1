"""Reductions, softmax and cumulative ops: JAX == NumPy reference == NumPy itself.

The deterministic tests put every axis combination of one op into a single compiled function
(one compilation each); the property tests draw shapes, axes, dtypes and values.
"""

import itertools

import numpy as np
import pytest
import scipy.special as sps
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp

import rewrax.symbolic as pt
from lowering_checks import assert_lowering_matches

RNG = np.random.default_rng(42)
ALL_AXES = [None, 0, 1, 2, -1, (0, 1), (0, 2), (1, 2), (0, 1, 2), (2, 0), ()]

REDUCTIONS = {
    "sum": (pt.sum, np.sum), "prod": (pt.prod, np.prod), "mean": (pt.mean, np.mean),
    "max": (pt.max, np.max), "min": (pt.min, np.min), "any": (pt.any, np.any), "all": (pt.all, np.all),
    "var": (pt.var, np.var), "std": (pt.std, np.std),
    "logsumexp": (pt.logsumexp, lambda v, axis, keepdims: _logsumexp(v, axis, keepdims)),
}


def _logsumexp(v, axis, keepdims):
    # SciPy gives 0-d inputs shape (1,); NumPy's reductions keep them 0-d
    shape = np.sum(v, axis=axis, keepdims=keepdims).shape
    return np.reshape(sps.logsumexp(v, axis=axis, keepdims=keepdims) if axis != () else v, shape)


def _values(dtype, shape):
    if dtype == "bool":
        return RNG.random(shape) < 0.5
    if np.dtype(dtype).kind in "iu":
        return RNG.integers(0, 5, shape).astype(dtype)
    return RNG.uniform(-2, 2, shape).astype(dtype)


@pytest.mark.parametrize("name", sorted(REDUCTIONS))
def test_every_axis_combination_and_keepdims(name):
    sym, ref = REDUCTIONS[name]
    x = pt.tensor3("x", shape=(2, None, 4))
    cases = list(itertools.product(ALL_AXES, (False, True)))
    outs = [sym(x, axis=axis, keepdims=keep) for axis, keep in cases]
    value = _values("float64", (2, 3, 4))
    got = assert_lowering_matches([x], outs, [value])
    for (axis, keep), g in zip(cases, got):
        np.testing.assert_allclose(g, ref(value, axis=axis, keepdims=keep), rtol=1e-12, err_msg=f"{axis} {keep}")


@pytest.mark.parametrize("dtype", ["bool", "int8", "int32", "uint8", "float32"])
def test_reduction_dtypes_follow_numpy(dtype):
    x = pt.tensor("x", shape=(3, 4), dtype=dtype)
    names = ["sum", "prod", "max", "min", "any", "all", "mean"]
    outs = [REDUCTIONS[n][0](x, axis=0) for n in names]
    value = _values(dtype, (3, 4))
    got = assert_lowering_matches([x], outs, [value])
    for n, o, g in zip(names, outs, got):
        want = REDUCTIONS[n][1](value, axis=0, keepdims=False)
        if n != "mean":  # the mean of integers is floatX, as NumPy's float64
            assert o.type.dtype == want.dtype.name, f"{n}({dtype}) is {o.type.dtype}, NumPy gives {want.dtype}"
        np.testing.assert_allclose(g, want, rtol=1e-6)


def test_var_and_std_with_ddof():
    x = pt.matrix("x")
    v = _values("float64", (5, 3))
    outs = [pt.var(x, axis=0, ddof=1), pt.std(x, ddof=1), x.var(axis=1, ddof=2, keepdims=True)]
    assert_lowering_matches([x], outs, [v], numpy_ref=lambda a: [a.var(0, ddof=1), a.std(ddof=1),
                                                                    a.var(1, ddof=2, keepdims=True)])


@pytest.mark.parametrize("fn", ["argmax", "argmin"])
def test_argmax_argmin_every_axis_with_ties(fn):
    x = pt.tensor3("x", dtype="int64")
    v = RNG.integers(0, 3, (3, 4, 2))  # many ties: the first index wins, as in NumPy
    cases = [(None, False), (None, True), (0, False), (1, True), (2, False), (-1, False)]
    outs = [getattr(pt, fn)(x, axis=a, keepdims=k) for a, k in cases]
    got = assert_lowering_matches([x], outs, [v])
    for (a, k), g in zip(cases, got):
        np.testing.assert_array_equal(g, getattr(np, fn)(v, axis=a, keepdims=k))
        assert g.dtype == np.int64


@pytest.mark.parametrize("fn", ["softmax", "log_softmax", "cumsum", "cumprod"])
def test_along_axis_ops_every_axis(fn):
    x = pt.tensor3("x")
    v = _values("float64", (2, 3, 4))
    axes = [0, 1, 2, -1] + ([None] if fn.startswith("cum") else [])
    outs = [getattr(pt, fn)(x, axis=a) for a in axes]
    got = assert_lowering_matches([x], outs, [v])
    refs = {"softmax": sps.softmax, "log_softmax": sps.log_softmax, "cumsum": np.cumsum, "cumprod": np.cumprod}
    for a, g in zip(axes, got):
        np.testing.assert_allclose(g, refs[fn](v, axis=a), rtol=1e-12)


def test_softmax_and_logsumexp_do_not_overflow():
    x = pt.vector("x")
    v = np.array([1000.0, 1000.0, -1000.0])
    got = assert_lowering_matches([x], [pt.softmax(x), pt.logsumexp(x), pt.log_softmax(x)], [v])
    np.testing.assert_allclose(got[0], [0.5, 0.5, 0.0])
    np.testing.assert_allclose(got[1], 1000 + np.log(2))


def test_cumsum_of_integers_accumulates_in_int64():
    x = pt.vector("x", dtype="int8")
    v = np.full(100, 100, dtype="int8")
    out = pt.cumsum(x)
    assert out.type.dtype == np.cumsum(v).dtype.name
    got = assert_lowering_matches([x], out, [v], numpy_ref=np.cumsum)
    assert got[0][-1] == 10000


@st.composite
def reduction_case(draw):
    shape = draw(hnp.array_shapes(min_dims=0, max_dims=4, min_side=1, max_side=4))
    ndim = len(shape)
    axes = draw(st.one_of(st.none(), st.lists(st.integers(0, max(ndim - 1, 0)), unique=True, max_size=ndim)
                          .map(tuple) if ndim else st.none()))
    name = draw(st.sampled_from(sorted(REDUCTIONS)))
    keep = draw(st.booleans())
    dtype = draw(st.sampled_from(["float64", "float32"]))
    width = 32 if dtype == "float32" else 64
    value = draw(hnp.arrays(dtype, shape, elements=st.floats(-3, 3, width=width, allow_subnormal=False)))
    known = draw(st.lists(st.booleans(), min_size=ndim, max_size=ndim))
    return name, axes, keep, value, tuple(s if k else None for s, k in zip(shape, known))


@settings(max_examples=15)
@given(case=reduction_case())
def test_random_reductions_match_numpy(case):
    name, axes, keep, value, static = case
    x = pt.tensor("x", shape=static, dtype=value.dtype.name)
    sym, ref = REDUCTIONS[name]
    assert_lowering_matches([x], sym(x, axis=axes, keepdims=keep), [value],
                            numpy_ref=lambda v: ref(v, axis=axes, keepdims=keep))
