"""The graph model: types, names, owners, printing, and immutability."""

import numpy as np
import pytest

import rewrax as rx
import rewrax.symbolic as pt


def test_types_print_like_pytensor():
    x, y = pt.scalar("x"), pt.vector("y")
    assert str(x.type) == "Scalar(float64, shape=())"
    assert str(y.type) == "Vector(float64, shape=(?,))"
    assert repr(y.type) == "TensorType(float64, shape=(None,))"
    assert str(pt.tensor("t", shape=(2, None, 4)).type) == "Tensor3(float64, shape=(2, ?, 4))"


def test_scalar_plus_vector_broadcasts_with_expand_dims():
    x, y = pt.scalar("x"), pt.vector("y")
    z = x + y
    assert str(z.owner) == "Add(ExpandDims{axis=0}.0, y)"
    assert z.owner.inputs[0].owner.inputs == [x]


def test_dprint_shares_ids_and_elides_repeats():
    x = pt.vector("x")
    e = pt.exp(x)
    out = e + e * 2
    text = rx.dprint(out, file="str")
    assert text.count("Exp [id") == 2
    assert "···" in text


def test_function_positional_and_keyword():
    x, y = pt.scalar("x"), pt.vector("y")
    f = rx.function([x, y], pt.log(x + y))
    np.testing.assert_allclose(f(0, [1, np.e]), [0.0, 1.0])
    np.testing.assert_allclose(f(x=0, y=[1, np.e]), [0.0, 1.0])


def test_static_shape_mismatch_names_both_shapes():
    a = pt.vector("a", shape=(3,))
    b = pt.vector("b", shape=(4,))
    with pytest.raises(ValueError, match=r"\(3,\) and \(4,\)"):
        a + b
