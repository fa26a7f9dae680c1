"""Building a graph from bad input raises at once, with a message naming what is wrong."""

import numpy as np
import pytest

import rewrax as rx
import rewrax.symbolic as pt

x = pt.vector("x")
M = pt.matrix("M")
a3 = pt.vector("a3", shape=(3,))
b4 = pt.vector("b4", shape=(4,))


@pytest.mark.parametrize("build,error,match", [
    (lambda: a3 + b4, ValueError, r"Add: shapes \(3,\) and \(4,\) cannot be broadcast together"),
    (lambda: pt.matrix("p", shape=(3, 4)) @ pt.matrix("q", shape=(3, 4)),
     ValueError, r"matmul: shapes \(3, 4\) and \(3, 4\) are not aligned \(4 != 3"),
    (lambda: pt.dot(a3, b4), ValueError, r"dot: shapes \(3,\) and \(4,\) are not aligned"),
    (lambda: pt.vector("q", shape=(6,)).reshape((4, 2)), ValueError,
     r"cannot reshape q of shape \(6,\) \(6 entries\) into shape \(4, 2\)"),
    (lambda: M.sum(axis=2), ValueError, "axis 2 is out of bounds for a tensor of rank 2"),
    (lambda: M.max(axis=(0, -2)), ValueError, r"repeated axis in \(0, -2\)"),
    (lambda: a3[5], IndexError, "index 5 is out of bounds for axis 0 with size 3"),
    (lambda: a3[-4], IndexError, "index -4 is out of bounds for axis 0 with size 3"),
    (lambda: x[0, 1], IndexError, "too many indices for x of rank 1: 2 were given"),
    (lambda: x[1.5], IndexError, "indices must be integers, slices, None, ... or boolean masks, got 1.5"),
    (lambda: x[True], IndexError, "a Python bool is not a valid index"),
    (lambda: x[..., ..., 0], IndexError, "only have a single ellipsis"),
    (lambda: pt.cholesky(pt.matrix("R", shape=(2, 3))), ValueError, r"cholesky needs a square matrix, got shape \(2, 3\)"),
    (lambda: pt.solve(pt.matrix("A", shape=(3, 3)), b4), ValueError, r"solve: shapes \(3, 3\) and \(4,\) are not aligned"),
    (lambda: pt.concatenate([M, x]), ValueError, "concatenate: all inputs must have the same rank"),
    (lambda: pt.concatenate([pt.matrix("p", shape=(2, 3)), pt.matrix("q", shape=(2, 4))]),
     ValueError, r"concatenate: shapes \(3,\) and \(4,\) cannot be broadcast"),
    (lambda: pt.stack([x, M]), ValueError, "stack: all inputs must have the same rank"),
    (lambda: pt.set_subtensor(x, 1.0), TypeError, "take an indexed tensor such as x\\[idx\\]"),
    (lambda: pt.set_subtensor(pt.vector("v", shape=(4,))[:2], np.ones(3)), ValueError,
     r"shapes \(2,\) and \(3,\) cannot be broadcast together"),
    (lambda: pt.matrix("S", shape=(2, 3)).squeeze(0), ValueError, "squeeze: axis 0 of S has size 2, not 1"),
    (lambda: M.transpose(0, 0), ValueError, r"transpose: \(0, 0\) is not a permutation of the 2 axes of M"),
    (lambda: pt.split(pt.vector("v", shape=(5,)), 2), ValueError, "split into 2 equal parts needs a known length"),
    (lambda: pt.tensor("t", shape=(2.5,)), TypeError, r"shape entries must be int or None, got 2.5"),
    (lambda: pt.tensor("t", shape=(-1,)), ValueError, "shape entries must be non-negative, got -1"),
    (lambda: pt.tensor("t", shape=(2,), dtype="foo"), TypeError, "'foo' is not a dtype rewrax knows"),
    (lambda: pt.tensor((3,)), TypeError, "name must be a string, got \\(3,\\); pass the shape as shape="),
    (lambda: pt.bvector("b") + 1000, OverflowError, "Python integer 1000 is out of bounds for int8"),
    (lambda: pt.bitwise_and(x, x), TypeError, "And needs boolean or integer inputs, got float64"),
    (lambda: pt.vector("c", dtype="bool") - pt.vector("d", dtype="bool"), TypeError,
     "Sub is not defined for booleans"),
    (lambda: pt.ifelse(x > 0, x, x), TypeError, "ifelse: the condition must be a scalar"),
    (lambda: pt.ifelse(pt.scalar("c") > 0, x, M), TypeError, "ifelse: the branches return .* ranks differ"),
    (lambda: pt.scan(lambda s: s * 2, outputs_info=[pt.scalar("s0")]), ValueError,
     "scan: give n_steps when there are no sequences"),
    (lambda: pt.specify_shape(a3, (4,)), ValueError, "specify_shape: a3 has static size 3 in dimension 0, not 4"),
    (lambda: rx.shared(x), TypeError, "shared\\(\\) takes a value, not the symbolic variable x"),
    (lambda: pt.constant([1.5], dtype="int64"), TypeError, "cannot make an integer constant of dtype int64"),
    (lambda: pt.where(x > 0), TypeError, "data-dependent shape"),
    (lambda: x.nonzero(), TypeError, "data-dependent shape"),
    (lambda: len(x), TypeError, "its first dimension is unknown until run time"),
    (lambda: pt.ones((2,), dtype="int65"), TypeError, "'int65' is not a dtype rewrax knows"),
])
def test_bad_graphs_raise_with_a_clear_message(build, error, match):
    with pytest.raises(error, match=match):
        build()


def test_truth_value_of_a_variable_is_an_error():
    with pytest.raises(TypeError, match="the truth value of symbolic variable x is unknown"):
        bool(x)
    with pytest.raises(TypeError, match="use pt.switch / pt.ifelse"):
        if x > 0:
            pass


def test_graph_replace_of_a_variable_not_in_the_graph():
    s = pt.scalar("s")
    with pytest.raises(ValueError, match="graph_replace: s is not part of the graph"):
        rx.graph_replace(x * 2, {s: pt.scalar("t")})


def test_graph_replace_with_a_variable_of_another_type():
    with pytest.raises(TypeError, match=r"cannot replace x of type Vector\(float64, shape=\(\?,\)\) with M"):
        rx.graph_replace(x * 2, {x: M})


def test_replacement_keys_must_be_variables():
    with pytest.raises(TypeError, match="replacement keys must be symbolic variables, got 'x'"):
        rx.clone_replace(x * 2, {"x": pt.vector("y")})


def test_dprint_of_something_else():
    with pytest.raises(TypeError, match="dprint takes a variable, a list of variables"):
        rx.dprint(42)
