"""``rx.wrap_jax``: a user's JAX function as an Op, typed by ``jax.eval_shape``."""

import jax.numpy as jnp
import numpy as np
import pytest

import rewrax as rx
import rewrax.symbolic as pt
from rewrax.lower_jax import JaxOp
from lowering_checks import assert_lowering_matches


@rx.wrap_jax
def sinc(x):
    return jnp.sinc(x)


@rx.wrap_jax
def moments(x):
    return jnp.mean(x, axis=-1), jnp.var(x, axis=-1), jnp.float32(1.0)


def test_output_type_from_eval_shape_keeps_unknown_dims_unknown():
    x = pt.matrix("x", shape=(3, None))
    y = sinc(x)
    assert isinstance(y.owner.op, JaxOp)
    assert y.type.shape == (3, None) and y.type.dtype == "float64"
    m, v, one = moments(x)
    assert m.type.shape == (3,) and v.type.shape == (3,)
    assert one.type.dtype == "float32" and one.type.shape == ()


def test_output_dims_that_depend_on_an_unknown_input_dim_are_unknown():
    @rx.wrap_jax
    def pairwise(x):
        return x[:, None] - x[None, :]

    assert pairwise(pt.vector("x")).type.shape == (None, None)
    assert pairwise(pt.vector("x", shape=(4,))).type.shape == (4, 4)


def test_wrapped_function_compiles_inside_a_larger_graph():
    x = pt.vector("x")
    m, v, _ = moments(pt.stack([x, x * 2]))
    out = pt.log(sinc(x) + 2).sum() + m.sum() + v[1]
    xv = np.array([0.1, 0.5, 2.0])
    want = np.log(np.sinc(xv) + 2).sum() + xv.mean() + (2 * xv).mean() + (2 * xv).var()
    f = rx.function([x], out)
    assert f(xv) == pytest.approx(want, rel=1e-12)
    assert out.eval({x: xv}) == pytest.approx(want, rel=1e-12)


def test_wrapped_function_lowering_matches_its_reference():
    x = pt.matrix("x")
    xv = np.random.default_rng(1).normal(size=(2, 3))
    assert_lowering_matches([x], [sinc(x), *moments(x)], [xv],
                            numpy_ref=lambda a: [np.sinc(a), a.mean(-1), a.var(-1), np.float32(1.0)])


def test_wrapped_function_is_vectorized_and_named():
    x = pt.vector("x", shape=(3,))
    y = sinc(x) * 2
    X = pt.matrix("X", shape=(4, 3))
    Y = rx.vectorize_graph(y, {x: X})
    assert Y.type.shape == (4, 3)
    xv = np.random.default_rng(2).normal(size=(4, 3))
    np.testing.assert_allclose(Y.eval({X: xv}), np.sinc(xv) * 2, rtol=1e-12)
    assert str(sinc.op) == "JaxOp{sinc}"
    assert rx.wrap_jax(name="mine")(jnp.cos).op.name == "mine"


def test_a_function_that_fails_on_the_input_types_is_a_clear_error():
    @rx.wrap_jax
    def needs_matrix(a):
        return a @ a.T @ a[0, 0]

    with pytest.raises(TypeError, match=r"JaxOp\{needs_matrix\}: cannot infer the output types for inputs "
                                        r"\(Vector\(float64, shape=\(3,\)\)\)"):
        needs_matrix(pt.vector("v", shape=(3,)))
