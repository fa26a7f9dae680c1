"""rx.Minibatch and total_size: the same random rows across tensors, redrawn at every ADVI step, and the
likelihood scaled by total_size / batch_size as in PyMC."""

import warnings

import jax
import numpy as np
import pytest
import scipy.stats

import rewrax as rx

N, B = 1000, 100


@pytest.fixture(scope="module")
def regression():
    rng = np.random.default_rng(83)
    x = rng.normal(size=N)
    return x, 1.0 - 2.0 * x + 0.5 * rng.normal(size=N)


def test_minibatch_takes_the_same_rows_of_every_tensor():
    x = np.arange(50.0)
    X = np.stack([x, -x], axis=1)
    xb, Xb = rx.Minibatch(x, X, batch_size=8)
    assert (xb.name, Xb.name) == ("minibatch.0", "minibatch.1")
    a, A = rx.draw([xb, Xb], random_seed=1)
    assert a.shape == (8,) and A.shape == (8, 2)
    np.testing.assert_array_equal(A, np.stack([a, -a], axis=1))
    assert set(a) <= set(x)
    b, _ = rx.draw([xb, Xb])
    c, _ = rx.draw([xb, Xb])
    assert not np.array_equal(b, c)  # each draw advances the minibatch rng: new rows
    single = rx.Minibatch(x, batch_size=5)
    assert single.name == "minibatch.0" and rx.draw(single, random_seed=2).shape == (5,)


def test_minibatch_of_a_data_container():
    with rx.Model():
        xd = rx.Data("x", np.arange(20.0))
        xb = rx.Minibatch(xd, batch_size=4)
    assert rx.draw(xb, random_seed=3).shape == (4,)


def test_minibatch_bad_input():
    x = np.zeros(10)
    with pytest.raises(TypeError, match="batch_size must be an integer"):
        rx.Minibatch(x, batch_size=2.5)
    with pytest.raises(ValueError, match="batch_size must be positive"):
        rx.Minibatch(x, batch_size=0)
    with pytest.raises(ValueError, match=r"shape\[0\] in Minibatch should be equal.*\[10, 9\]"):
        rx.Minibatch(x, np.zeros(9), batch_size=2)
    with pytest.raises(ValueError, match="1: .* not valid for Minibatch"):
        rx.Minibatch(x, rx.Normal.dist(0.0, 1.0, size=10), batch_size=2)
    with pytest.raises(ValueError, match="scalar"):
        rx.Minibatch(np.float64(1.0), batch_size=2)


def test_total_size_scales_the_minibatch_logp(regression):
    x, y = regression
    x_mb, y_mb = rx.Minibatch(x, y, batch_size=B)
    with rx.Model() as m:
        b0 = rx.Normal("b0", 0.0, 5.0)
        b1 = rx.Normal("b1", 0.0, 5.0)
        rx.Normal("y", b0 + b1 * x_mb, 0.5, observed=y_mb, total_size=N)
    xb, yb = x_mb.eval(), y_mb.eval()  # the rows the density reads now (the same rng key)
    point = {"b0": 0.8, "b1": -1.7}
    terms = m.compile_logp(sum=False)(point)
    lik = scipy.stats.norm.logpdf(yb, 0.8 - 1.7 * xb, 0.5)
    np.testing.assert_allclose(terms[2], N / B * lik, rtol=1e-12)
    prior = scipy.stats.norm.logpdf([0.8, -1.7], 0.0, 5.0).sum()
    np.testing.assert_allclose(m.compile_logp()(point), prior + N / B * lik.sum(), rtol=1e-12)


def test_total_size_lists_follow_pymc():
    data = np.ones((4, 3))
    with rx.Model() as m:
        rx.Normal("s", 0.0, 1.0, observed=data, total_size=[100, None])
        rx.Normal("t", 0.0, 1.0, observed=data, total_size=[..., 6])
        rx.Normal("u", 0.0, 1.0, observed=data, total_size=[100, 6])
    s, t, u = m.compile_logp(sum=False)({})
    base = scipy.stats.norm.logpdf(data)
    np.testing.assert_allclose(s, 25 * base)
    np.testing.assert_allclose(t, 2 * base)
    np.testing.assert_allclose(u, 50 * base)


def test_total_size_bad_input():
    with rx.Model():
        with pytest.raises(ValueError, match="total_size can only be passed to observed RVs"):
            rx.Normal("free", 0.0, 1.0, total_size=10)
        with pytest.raises(TypeError, match="a: invalid type for total_size"):
            rx.Normal("a", 0.0, 1.0, observed=np.zeros(3), total_size=2.5)
        with pytest.raises(ValueError, match="b: only one Ellipsis"):
            rx.Normal("b", 0.0, 1.0, observed=np.zeros((3, 2)), total_size=[..., 3, ...])
        with pytest.raises(ValueError, match="c: total_size .* more entries"):
            rx.Normal("c", 0.0, 1.0, observed=np.zeros(3), total_size=[10, 2])
        y_mb = rx.Minibatch(np.zeros(10), batch_size=2)
        with pytest.warns(UserWarning, match="total_size not provided for observed variable `d`"):
            rx.Normal("d", 0.0, 1.0, observed=y_mb)
        with warnings.catch_warnings():
            warnings.simplefilter("error")
            rx.Normal("e", 0.0, 1.0, observed=y_mb, total_size=10)


def test_fit_redraws_the_minibatch_at_every_step(regression):
    from rewrax.samplers.layout import make_block
    from rewrax.samplers.vi import _minibatch_logdensity

    x, y = regression
    x_mb, y_mb = rx.Minibatch(x, y, batch_size=B)
    with rx.Model() as m:
        b = rx.Normal("b", 0.0, 5.0)
        rx.Normal("y", b * x_mb, 0.5, observed=y_mb, total_size=N)
    jm = m.jax_model()
    block = make_block(jm.value_names, jm.shapes, jm.dtypes, "float64")
    data = {k: np.asarray(v) for k, v in dict(jm.data).items()}
    at_key = _minibatch_logdensity(jm, block, data)
    with jax.enable_x64(True):
        values = [float(at_key(jax.random.PRNGKey(k))(np.array([-2.0]))) for k in range(3)]
        again = float(at_key(jax.random.PRNGKey(0))(np.array([-2.0])))
    assert len(set(values)) == 3 and again == values[0]
    with rx.Model() as plain:
        rx.Normal("b", 0.0, 5.0)
    assert _minibatch_logdensity(plain.jax_model(), block, {}) is None


@pytest.mark.slow
def test_advi_on_minibatches_recovers_the_full_data_posterior(regression):
    x, y = regression
    x_mb, y_mb = rx.Minibatch(x, y, batch_size=B)
    with rx.Model():
        b0 = rx.Normal("b0", 0.0, 5.0)
        b1 = rx.Normal("b1", 0.0, 5.0)
        rx.Normal("y", b0 + b1 * x_mb, 0.5, observed=y_mb, total_size=N)
        approx = rx.fit(20_000, random_seed=1, progressbar=False)  # PyMC's defaults: adagrad_window
    X = np.column_stack([np.ones(N), x])
    cov = np.linalg.inv(X.T @ X / 0.25 + np.eye(2) / 25)  # the conjugate full-data posterior
    mean, sd = cov @ (X.T @ y / 0.25), np.sqrt(np.diag(cov))
    fitted = np.array([approx.mean["b0"], approx.mean["b1"]])
    assert np.all(np.abs(fitted - mean) < sd), (fitted, mean, sd)
    std = np.array([approx.std["b0"], approx.std["b1"]])
    assert np.all((std > sd / 3) & (std < 3 * sd)), (std, sd)  # scaled to the full data, not to one batch
