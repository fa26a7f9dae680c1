"""dtype promotion follows NumPy 2 (NEP 50): arrays by np.result_type, Python scalars weakly.

One deliberate deviation, documented in docs/architecture.md: float-valued functions of
bool/int8/uint8/int16/uint16 (exp, log, sqrt, true division, ...) return floatX (float64 by
default) where NumPy returns float16/float32, so log-densities of small counts keep their
accuracy.
"""

import itertools

import numpy as np
import pytest

import rewrax as rx
import rewrax.symbolic as pt

DTYPES = ["bool", "int8", "int16", "int32", "int64", "uint8", "uint16", "uint32", "uint64",
          "float16", "float32", "float64"]
BINARY = {
    "add": (lambda a, b: a + b, np.add), "mul": (lambda a, b: a * b, np.multiply),
    "maximum": (pt.maximum, np.maximum), "lt": (lambda a, b: a < b, np.less), "eq": (pt.eq, np.equal),
    "switch": (lambda a, b: pt.switch(True, a, b), lambda a, b: np.where(True, a, b)),
    "floor_div": (lambda a, b: a // b, np.floor_divide), "pow": (lambda a, b: a ** b, np.power),
}


def _numpy_dtype(fn, a, b):
    return fn(np.ones(2, a), np.ones(2, b)).dtype.name


@pytest.mark.parametrize("name", sorted(BINARY))
def test_binary_ops_promote_like_numpy(name):
    sym, ref = BINARY[name]
    wrong = []
    for a, b in itertools.product(DTYPES, DTYPES):
        got = sym(pt.vector("a", dtype=a), pt.vector("b", dtype=b)).type.dtype
        want = _numpy_dtype(ref, a, b)
        if got != want:
            wrong.append(f"{a},{b}: {got} (NumPy: {want})")
    assert not wrong, wrong


def test_promotion_agrees_with_np_result_type_and_with_the_computed_values():
    x = pt.vector("x", dtype="int16")
    y = pt.vector("y", dtype="float32")
    z = pt.vector("z", dtype="uint32")
    out = x * y + z
    assert out.type.dtype == np.result_type("int16", "float32", "uint32").name == "float64"
    value = rx.function([x, y, z], out)(np.ones(2, "int16"), np.ones(2, "float32"), np.ones(2, "uint32"))
    assert value.dtype == np.float64


@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize("scalar", [True, 3, -2, 1.5, 0.1])
def test_python_scalars_are_weakly_typed(dtype, scalar):
    x = pt.vector("x", dtype=dtype)
    array = np.ones(2, dtype)
    try:
        want = (array + scalar).dtype.name
    except OverflowError:  # -2 into an unsigned dtype
        with pytest.raises(OverflowError, match=f"Python integer {scalar} is out of bounds for {dtype}"):
            x + scalar
        return
    assert (x + scalar).type.dtype == want
    assert (scalar * x).type.dtype == (scalar * array).dtype.name


def test_python_complex_scalars():
    assert (pt.fvector("f") + 1j).type.dtype == (np.ones(1, "float32") + 1j).dtype.name == "complex64"
    assert (pt.ivector("i") + 1j).type.dtype == "complex128"


def test_weak_scalars_keep_float32_and_integers_keep_their_width():
    f = pt.fvector("f")
    b = pt.bvector("b")
    assert (f * 2.5 + 1).type.dtype == "float32"
    assert (b + 1).type.dtype == "int8"
    assert (b * 1.5).type.dtype == "float64"  # int with a Python float: floatX, as NumPy's float64
    with rx.config.change_flags(floatX="float32"):
        assert (b * 1.5).type.dtype == "float32"


@pytest.mark.parametrize("dtype", DTYPES)
def test_float_valued_functions(dtype):
    x = pt.vector("x", dtype=dtype)
    numpy_dtype = np.exp(np.ones(2, dtype)).dtype.name
    got = pt.exp(x).type.dtype
    if dtype in ("bool", "int8", "uint8", "int16", "uint16"):
        assert got == "float64" != numpy_dtype  # the documented deviation
        with rx.config.change_flags(floatX="float32"):
            assert pt.exp(pt.vector("y", dtype=dtype)).type.dtype == "float32"
    else:
        assert got == numpy_dtype
    # true division: NumPy already gives float64 for the small integers
    assert (x / x).type.dtype == (np.ones(2, dtype) / np.ones(2, dtype)).dtype.name


def test_small_integers_through_float_functions_are_computed_in_float64():
    x = pt.vector("x", dtype="int8")
    out = rx.function([x], pt.log(x))(np.array([3, 7], dtype="int8"))
    assert out.dtype == np.float64
    np.testing.assert_allclose(out, np.log([3.0, 7.0]), rtol=1e-15)  # not float16's 3 digits


def test_reductions_accumulate_like_numpy():
    for dtype in DTYPES:
        x = pt.vector("x", dtype=dtype)
        assert x.sum().type.dtype == np.sum(np.ones(2, dtype)).dtype.name, dtype
        assert x.prod().type.dtype == np.prod(np.ones(2, dtype)).dtype.name, dtype
        assert x.max().type.dtype == dtype
        assert x.any().type.dtype == "bool"


@pytest.mark.parametrize("op", [pt.invert, pt.bitwise_and, pt.bitwise_or, pt.bitwise_xor])
def test_bitwise_ops_reject_floats_as_numpy(op):
    f = pt.vector("f")
    args = (f,) if op is pt.invert else (f, f)
    with pytest.raises(TypeError, match="needs boolean or integer inputs, got float64"):
        op(*args)
    b = pt.vector("b", dtype="bool")
    assert op(*((b,) if op is pt.invert else (b, b))).type.dtype == "bool"


def test_boolean_arithmetic_that_numpy_rejects():
    b = pt.vector("b", dtype="bool")
    with pytest.raises(TypeError, match="Neg is not defined for booleans"):
        -b
    with pytest.raises(TypeError, match="Sub is not defined for booleans"):
        b - b
    assert (b + b).type.dtype == "bool"
    assert (b // b).type.dtype == (np.ones(1, bool) // np.ones(1, bool)).dtype.name == "int8"
