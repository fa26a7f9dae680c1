"""``f.jax_fn`` inside the user's own ``jax.jit``, ``jax.vmap`` and ``jax.grad``; and float32."""

import jax
import jax.numpy as jnp
import numpy as np
import pytest

import rewrax as rx
import rewrax.symbolic as pt


@pytest.fixture
def x64():
    with jax.enable_x64(True):
        yield


def _logistic_loss():
    w, X, y = pt.vector("w"), pt.matrix("X"), pt.vector("y")
    logits = X @ w
    loss = (pt.softplus(logits) - y * logits).sum()
    return rx.function([w, X, y], loss), (w, X, y)


def _numpy_loss(w, X, y):
    logits = X @ w
    return np.sum(np.logaddexp(0, logits) - y * logits)


RNG = np.random.default_rng(0)
W, XS, YS = RNG.normal(size=3), RNG.normal(size=(5, 3)), (RNG.random(5) < 0.5).astype(float)


def test_jax_fn_inside_jit(x64):
    f, _ = _logistic_loss()
    jitted = jax.jit(f.jax_fn)
    assert float(jitted(W, XS, YS)) == pytest.approx(_numpy_loss(W, XS, YS), rel=1e-12)
    assert float(jitted(W, XS, YS)) == pytest.approx(float(f(W, XS, YS)), rel=1e-14)


def test_jax_fn_inside_grad_matches_finite_differences(x64):
    f, _ = _logistic_loss()
    g = np.asarray(jax.grad(f.jax_fn)(jnp.asarray(W), XS, YS))
    eps = 1e-6
    fd = [(_numpy_loss(W + eps * e, XS, YS) - _numpy_loss(W - eps * e, XS, YS)) / (2 * eps) for e in np.eye(3)]
    np.testing.assert_allclose(g, fd, rtol=1e-6)
    # and the analytic gradient X^T (sigmoid(Xw) - y)
    np.testing.assert_allclose(g, XS.T @ (1 / (1 + np.exp(-XS @ W)) - YS), rtol=1e-12)


def test_jax_fn_inside_vmap(x64):
    f, _ = _logistic_loss()
    ws = RNG.normal(size=(4, 3))
    batched = jax.vmap(f.jax_fn, in_axes=(0, None, None))(ws, XS, YS)
    np.testing.assert_allclose(batched, [_numpy_loss(w, XS, YS) for w in ws], rtol=1e-12)


def test_jax_fn_composes_jit_of_vmap_of_grad(x64):
    f, _ = _logistic_loss()
    ws = RNG.normal(size=(4, 3))
    grads = jax.jit(jax.vmap(jax.grad(f.jax_fn), in_axes=(0, None, None)))(ws, XS, YS)
    for w, g in zip(ws, np.asarray(grads)):
        np.testing.assert_allclose(g, XS.T @ (1 / (1 + np.exp(-XS @ w)) - YS), rtol=1e-10)


def test_jax_fn_reads_shared_variables_and_returns_lists(x64):
    scale = rx.shared(np.float64(2.0), name="scale")
    x = pt.vector("x")
    f = rx.function([x], [x * scale, x.sum()])
    out = f.jax_fn(jnp.ones(3))
    assert isinstance(out, list) and len(out) == 2
    np.testing.assert_allclose(out[0], [2.0, 2.0, 2.0])
    scale.set_value(3.0)
    np.testing.assert_allclose(jax.jit(f.jax_fn)(jnp.ones(3))[0], [3.0, 3.0, 3.0])


def test_jax_fn_checks_the_rank_of_its_inputs(x64):
    x = pt.vector("x")
    f = rx.function([x], x * 2)
    with pytest.raises(TypeError, match="input 'x' expects 1 dimension"):
        jax.jit(f.jax_fn)(jnp.ones((2, 2)))


def test_float32_graphs_compile_and_run_in_float32():
    with rx.config.change_flags(floatX="float32"):
        x = pt.vector("x")
        w = rx.shared([0.5, 1.5], name="w")  # Python floats become floatX (NumPy arrays keep theirs)
        y = (pt.exp(x) * w + 1.5).sum() / 3  # Python scalars are weak: no upcast
        assert x.type.dtype == w.type.dtype == y.type.dtype == "float32"
        assert rx.shared(np.array([0.5]), name="v").type.dtype == "float64"
        f = rx.function([x], [y, pt.log1p(x), x.mean()])
    outs = f(np.array([0.1, 0.2], dtype="float32"))
    assert [o.dtype for o in outs] == [np.float32] * 3
    expected = (np.exp(np.float32([0.1, 0.2])) * w.get_value().astype("float32") + np.float32(1.5)).sum() / 3
    np.testing.assert_allclose(outs[0], expected, rtol=1e-6)


def test_float32_graph_does_not_need_x64():
    with rx.config.change_flags(floatX="float32"):
        x = pt.vector("x")
        f = rx.function([x], pt.sin(x) * 2)
    assert not f._x64
    with jax.enable_x64(False):
        out = f(np.ones(3, dtype="float32"))
    assert out.dtype == np.float32


def test_float32_inputs_are_not_silently_upcast():
    x = pt.fvector("x")
    f = rx.function([x], x / 3)
    assert f(np.ones(2, "float32")).dtype == np.float32
    with pytest.raises(TypeError, match="expects float32 but got float64"):
        f(np.ones(2))


def test_config_floatX_rejects_other_dtypes():
    with pytest.raises(ValueError, match="floatX must be one of"):
        with rx.config.change_flags(floatX="float16"):
            pass
    with pytest.raises(AttributeError, match="unknown config flag 'floatx'"):
        with rx.config.change_flags(floatx="float32"):
            pass
    assert rx.config.floatX == "float64"
