"""Data containers: rx.Data, rx.set_data without rebuilding or recompiling, data-backed dims."""

import numpy as np
import pytest
import scipy.stats as st

import jax

import rewrax as rx


def _linear_model(x, y):
    with rx.Model() as m:
        xd = rx.Data("x", x)
        yd = rx.Data("y", y)
        beta = rx.Normal("beta", 0.0, 1.0)
        rx.Normal("obs", beta * xd, 1.0, observed=yd, shape=xd.shape)
    return m


def test_data_is_a_named_shared_variable_of_the_model():
    with rx.Model() as m:
        x = rx.Data("x", [1, 2, 3])
        z = rx.Data("z", [0.5, 1.5])
    assert m["x"] is x and m.data_vars == [x, z]
    assert x.type.dtype == "int64" and z.type.dtype == "float64"
    assert x.type.shape == (None,)  # resizable
    np.testing.assert_array_equal(x.get_value(), [1, 2, 3])
    with pytest.raises(TypeError, match="No model on context stack"):
        rx.Data("outside", [1.0])
    with rx.Model():
        with pytest.raises(TypeError, match="numeric"):
            rx.Data("s", ["a", "b"])
        with pytest.raises(TypeError, match="masked"):
            rx.Data("m", np.ma.masked_array([1.0, 2.0], mask=[0, 1]))


def test_set_data_changes_compiled_results_without_recompiling():
    m = _linear_model(np.array([1.0, 2.0]), np.array([0.5, 1.0]))
    f = m.compile_logp()
    before = f({"beta": 0.3})
    np.testing.assert_allclose(before, st.norm.logpdf(0.3) + st.norm.logpdf([0.5, 1.0], [0.3, 0.6]).sum(), rtol=1e-12)
    jitted = f.f._jitted
    cache_size = jitted._cache_size()
    rx.set_data({"x": np.array([3.0, 4.0]), "y": np.array([1.0, 1.0])}, model=m)
    after = f({"beta": 0.3})
    np.testing.assert_allclose(after, st.norm.logpdf(0.3) + st.norm.logpdf([1.0, 1.0], [0.9, 1.2]).sum(), rtol=1e-12)
    assert f.f._jitted is jitted and jitted._cache_size() == cache_size  # same program, no retrace
    # a new length retraces (shapes are static in XLA) but rebuilds nothing
    rx.set_data({"x": np.arange(5.0), "y": np.zeros(5)}, model=m)
    np.testing.assert_allclose(f({"beta": 0.0}), st.norm.logpdf(0.0) + st.norm.logpdf(np.zeros(5)).sum(), rtol=1e-12)


def test_set_data_reaches_value_grad_function_and_jax_model():
    m = _linear_model(np.array([1.0, 2.0]), np.array([0.5, 1.0]))
    vgf = m.logp_dlogp_function()
    jm = m.jax_model()
    rx.set_data({"x": np.array([2.0, 2.0])}, model=m)
    logp, grad = vgf(np.array([0.5]))
    np.testing.assert_allclose(logp, st.norm.logpdf(0.5) + st.norm.logpdf([0.5, 1.0], [1.0, 1.0]).sum(), rtol=1e-12)
    np.testing.assert_allclose(grad, [-0.5 + 2 * (0.5 - 1.0) + 2 * (1.0 - 1.0)], rtol=1e-12)
    assert m.jax_model() is jm
    np.testing.assert_array_equal(jm.data["x"], [2.0, 2.0])  # a live view
    with jax.enable_x64(True):
        np.testing.assert_allclose(jm.logdensity({"beta": 0.5}, dict(jm.data)), logp, rtol=1e-12)


def test_set_data_errors():
    m = _linear_model(np.array([1.0, 2.0]), np.array([0.5, 1.0]))
    with pytest.raises(TypeError, match="must be a data container"):
        rx.set_data({"beta": 1.0}, model=m)
    with pytest.raises(ValueError, match="dimension"):
        rx.set_data({"x": np.zeros((2, 2))}, model=m)
    with rx.Model() as m2:
        rx.Data("k", np.array([1, 2]))
    with pytest.raises(TypeError, match="not integers"):
        rx.set_data({"k": np.array([0.5, 1.0])}, model=m2)
    rx.set_data({"k": np.array([3.0, 4.0])}, model=m2)  # integral floats are fine
    assert m2["k"].get_value().dtype == np.int64


def test_dims_tied_to_data_follow_set_data():
    with rx.Model(coords={"obs": ["a", "b", "c"]}) as m:
        x = rx.Data("x", np.array([1.0, 2.0, 3.0]), dims="obs")
        mu = rx.Normal("mu", 0.0, 1.0)
        y = rx.Normal("y", mu * x, 1.0, observed=np.zeros(3), dims="obs")
    assert m.named_vars_to_dims["y"] == ("obs",)
    with pytest.raises(ValueError, match="coordinate values"):
        rx.set_data({"x": np.arange(4.0)}, model=m)
    rx.set_data({"x": np.arange(4.0)}, model=m, coords={"obs": ["a", "b", "c", "d"]})
    assert m.coords["obs"] == ("a", "b", "c", "d")
    assert rx.draw(y).shape == (4,)


def test_fixed_dims_cannot_change_length():
    with rx.Model(coords={"obs": range(3)}) as m:
        rx.Normal("theta", 0.0, 1.0, dims="obs")  # uses the dim first: its length is fixed
        rx.Data("x", np.zeros(3), dims="obs")
    with pytest.raises(ValueError, match="fixed length 3"):
        rx.set_data({"x": np.zeros(4)}, model=m)


def test_data_declares_unknown_dims_and_checks_known_ones():
    with rx.Model(coords={"g": ["u", "v"]}) as m:
        rx.Data("w", np.zeros((2, 5)), dims=("g", "t"))
        with pytest.raises(ValueError, match="length 3"):
            rx.Data("bad", np.zeros(3), dims="g")
    assert "t" in m.coords and m.coords["t"] is None
    assert int(np.asarray(m.dim_lengths["t"].eval())) == 5


def test_data_coords_from_pandas():
    pd = pytest.importorskip("pandas")
    frame = pd.DataFrame({"a": [1.0, 2.0], "b": [3.0, 4.0]}, index=["r1", "r2"])
    with rx.Model() as m:
        rx.Data("df", frame, dims=("row", "col"), infer_dims_and_coords=True)
    assert m.coords["row"] == ("r1", "r2") and m.coords["col"] == ("a", "b")
