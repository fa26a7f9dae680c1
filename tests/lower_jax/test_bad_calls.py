"""Compiling or calling a function with bad input raises a clear error naming the input."""

import numpy as np
import pytest

import rewrax as rx
import rewrax.symbolic as pt

x = pt.vector("x")
s = pt.scalar("s")
M = pt.matrix("M")
i = pt.lscalar("i")
w = rx.shared(np.ones(3), name="w")
f = rx.function([x, s], x * s)


@pytest.mark.parametrize("call,error,match", [
    (lambda: f(np.ones((2, 2)), 1.0), TypeError,
     r"input 'x' expects 1 dimension\(s\) \(Vector\(float64, shape=\(\?,\)\)\), but got an array with shape \(2, 2\)"),
    (lambda: f(np.ones(2), [1.0]), TypeError, r"input 's' expects 0 dimension\(s\)"),
    (lambda: f(["a", "b"], 1.0), TypeError, "input 'x' expects numbers of dtype float64, got <U1 data"),
    (lambda: f(np.ones(2), 1.0, 3.0), TypeError, "the compiled function takes 2 inputs, got 3"),
    (lambda: f(np.ones(2)), TypeError, "missing a value for the input\\(s\\) s"),
    (lambda: f(x=np.ones(2), s=1.0, t=3.0), TypeError, r"has no input named 't' \(named inputs: 'x', 's'\)"),
    (lambda: f(np.ones(2), x=np.ones(2)), TypeError, "input 'x' was given twice"),
    (lambda: rx.function([i], i * 2)(1.5), TypeError,
     "input 'i' expects int64 but got float64 data; casting would lose information"),
])
def test_bad_calls(call, error, match):
    with pytest.raises(error, match=match):
        call()


def test_integer_values_that_do_not_fit_the_input_dtype():
    iv = pt.ivector("iv")
    g = rx.function([iv], iv + 1)
    np.testing.assert_array_equal(g(np.array([1, 2], dtype="int64")), [2, 3])  # values fit: fine
    with pytest.raises(TypeError, match="input 'iv' expects int32; the int64 values given do not fit in int32"):
        g(np.array([2**40]))


def test_float64_data_into_a_float32_input():
    fv = pt.fvector("fv")
    g = rx.function([fv], fv * 2)
    with pytest.raises(TypeError, match="input 'fv' expects float32 but got float64 data.*allow_input_downcast=True"):
        g(np.ones(2))


def test_static_shape_mismatch_names_the_input_and_both_shapes():
    v3 = pt.vector("v3", shape=(3,))
    g = rx.function([v3], v3 * 2)
    with pytest.raises(ValueError, match=r"input 'v3' expects shape \(3,\) but got shape \(4,\)"):
        g(np.ones(4))


def test_ambiguous_keyword_names():
    a, b = pt.scalar("same"), pt.scalar("same")
    g = rx.function([a, b], a + b)
    assert g(1.0, 2.0) == 3.0
    with pytest.raises(TypeError, match="several inputs are named 'same'; pass them positionally"):
        g(same=1.0)


@pytest.mark.parametrize("build,error,match", [
    (lambda: rx.function([x], [x, [x * 2]]), TypeError, "outputs must be a flat list of variables, got a nested list"),
    (lambda: rx.function([pt.constant(1.0)], x), TypeError, r"input 0 \(1.0\) is a constant"),
    (lambda: rx.function([w], w * 2), TypeError, r"input 0 \(w\) is a shared variable"),
    (lambda: rx.function([x, s], x * 2), ValueError, "input s is not used to compute the outputs"),
    (lambda: rx.function([x], x * s), ValueError, "the outputs depend on s, which is not among the inputs"),
    (lambda: rx.function([x, x], x), ValueError, "the variable x is given twice as an input"),
    (lambda: rx.function(x, x), TypeError, "function inputs must be a list of variables"),
    (lambda: rx.function([1.0], x), TypeError, "input 0 of the function is 1.0, not a symbolic variable"),
    (lambda: rx.function([x], x, updates={x: x * 2}), TypeError, "updates: x is not a shared variable"),
    (lambda: rx.function([x], x, updates={w: w.sum()}), TypeError,
     r"updates: the new value of w has type Scalar\(float64, shape=\(\)\), but w holds Vector"),
    (lambda: rx.function([x], x, updates=[(w, w * 2), (w, w * 3)]), ValueError, "a shared variable is updated twice"),
    (lambda: rx.function([M], x * 2, givens={x: M}), TypeError,
     r"givens: cannot replace x \(Vector\(float64, shape=\(\?,\)\)\) with M \(Matrix"),
    (lambda: rx.function([x], x * 2, givens={x: x + 1}), ValueError, "givens replaces x, which is also an input"),
    (lambda: rx.function([x], x, mode="FOO"), ValueError, "unknown mode 'FOO'"),
    (lambda: rx.function([x], "x"), TypeError, "outputs must be symbolic variables, got 'x'"),
])
def test_bad_compilations(build, error, match):
    with pytest.raises(error, match=match):
        build()


def test_run_time_shape_mismatch_names_both_shapes():
    y = pt.vector("y")
    g = rx.function([x, y], x + y)
    with pytest.raises(ValueError, match=r"Add: shapes \(3,\) and \(2,\) of \(x, y\) cannot be broadcast together"):
        g(np.ones(3), np.ones(2))
    with pytest.raises(ValueError, match="input 1 \\(y\\) has size 1 in dimension 0 at run time but static shape"):
        g(np.ones(3), np.ones(1))
    h = rx.function([x, y], pt.dot(x, y))
    with pytest.raises(TypeError, match=r"Dot applied to \(x, y\) with input shapes \(3,\), \(2,\)"):
        h(np.ones(3), np.ones(2))


def test_run_time_index_out_of_bounds_is_an_index_error():
    g = rx.function([x], x[5])
    with pytest.raises(IndexError, match="index 5 is out of bounds for axis 0 of x, which has size 3"):
        g(np.ones(3))
    np.testing.assert_allclose(g(np.arange(6.0)), 5.0)


def test_run_time_reshape_to_the_wrong_size():
    g = rx.function([x], x.reshape((2, 2)))
    with pytest.raises(TypeError, match=r"Reshape\{ndim=2\} applied to .* cannot reshape array of shape \(5,\)"):
        g(np.ones(5))


def test_shapes_that_depend_on_run_time_values():
    n = pt.lscalar("n")
    with pytest.raises(NotImplementedError, match="must be known when the function is compiled"):
        rx.function([n], pt.zeros((n,)))(3)


def test_eval_with_unknown_or_missing_values():
    with pytest.raises(ValueError, match="eval: no variable named 'y' in the graph"):
        (x * 2).eval({"y": [1.0]})
    with pytest.raises(ValueError, match="the outputs depend on s"):
        (x * s).eval({x: np.ones(2)})
