"""rx.CustomDist / rx.DensityDist: the black-box form (user logp + NumPy random) and the dist= form
(a graph of .dist() variables with a derived density), checked against the built-in distributions
and SciPy."""

import numpy as np
import pytest
import scipy.stats

import rewrax as rx
import rewrax.symbolic as pt
from rewrax.model.distributions import support_point

LOG_2PI = np.log(2 * np.pi)


def normal_logp(value, mu, sigma):
    return -0.5 * ((value - mu) / sigma) ** 2 - pt.log(sigma) - 0.5 * LOG_2PI


def normal_random(mu, sigma, rng=None, size=None):
    return rng.normal(mu, sigma, size=size)


def lognormal_dist(mu, sigma, size):
    return pt.exp(rx.Normal.dist(mu, sigma, size=size))


# -- the black-box form ------------------------------------------------------------------------
def test_black_box_logp_and_gradient_match_the_builtin_normal():
    data = np.array([0.3, -1.2, 2.5, 0.0])
    with rx.Model() as custom:
        mu = rx.Normal("mu", 0.0, 2.0)
        sigma = rx.HalfNormal("sigma", 1.0)
        rx.CustomDist("y", mu, sigma, logp=normal_logp, observed=data)
    with rx.Model() as builtin:
        mu = rx.Normal("mu", 0.0, 2.0)
        sigma = rx.HalfNormal("sigma", 1.0)
        rx.Normal("y", mu, sigma, observed=data)
    f1, f2 = custom.compile_logp(), builtin.compile_logp()
    g1, g2 = custom.compile_dlogp(), builtin.compile_dlogp()
    for mu_v, ls in [(0.0, 0.0), (0.7, -0.4), (-1.5, 1.2)]:
        point = {"mu": mu_v, "sigma_log__": ls}
        expected = (scipy.stats.norm.logpdf(data, mu_v, np.exp(ls)).sum() + scipy.stats.norm.logpdf(mu_v, 0, 2)
                    + scipy.stats.halfnorm.logpdf(np.exp(ls), 0, 1) + ls)
        np.testing.assert_allclose(f1(point), expected, rtol=1e-12)
        np.testing.assert_allclose(f1(point), f2(point), rtol=1e-12)
        np.testing.assert_allclose(g1(point), g2(point), rtol=1e-10)
    assert custom["y"].owner.op.print_name == "CustomDist_y"


def test_black_box_draws_follow_the_jax_key():
    x = rx.CustomDist.dist(1.0, 2.0, logp=normal_logp, random=normal_random, shape=(4,))
    a = rx.draw(x, draws=500, random_seed=3)
    np.testing.assert_array_equal(a, rx.draw(x, draws=500, random_seed=3))
    assert not np.array_equal(a, rx.draw(x, draws=500, random_seed=4))
    assert a.shape == (500, 4) and len(np.unique(a)) == a.size  # every draw is its own
    assert scipy.stats.kstest(a.ravel(), scipy.stats.norm(1.0, 2.0).cdf).pvalue > 1e-3


def test_black_box_random_gets_pymc_size_and_parameters():
    seen = []

    def random(mu, rng=None, size=None):
        seen.append((size, np.shape(mu), isinstance(rng, np.random.Generator)))
        return rng.normal(mu, size=size)

    assert rx.draw(rx.CustomDist.dist(np.array([1.0, 2.0]), random=random), random_seed=1).shape == (2,)
    assert seen[-1] == (None, (2,), True)
    assert rx.draw(rx.CustomDist.dist(np.array([1.0, 2.0]), random=random, shape=(3, 2)), random_seed=1).shape == (3, 2)
    assert seen[-1] == ((3, 2), (2,), True)


def test_black_box_random_with_the_wrong_shape_is_reported():
    x = rx.CustomDist.dist(0.0, random=lambda mu, rng=None, size=None: np.zeros(5), shape=(3,))
    with pytest.raises(Exception, match="returned shape"):
        rx.draw(x, random_seed=1)


def test_black_box_multivariate_with_a_signature():
    def logp(value, mu):
        return pt.sum(-0.5 * (value - mu) ** 2 - 0.5 * LOG_2PI, axis=-1)

    def random(mu, rng=None, size=None):
        return rng.normal(mu, 1.0, size=None if size is None else size + mu.shape[-1:])

    mu = np.array([0.0, 10.0, 20.0])
    x = rx.CustomDist.dist(mu, logp=logp, random=random, signature="(n)->(n)", shape=(2, 3))
    assert x.owner.op.ndim_supp == 1 and x.type.shape == (2, 3)
    draws = rx.draw(x, draws=200, random_seed=2)
    assert draws.shape == (200, 2, 3)
    np.testing.assert_allclose(draws.mean(axis=(0, 1)), mu, atol=0.25)
    value = np.array([[0.1, 9.0, 21.0], [0.0, 10.0, 20.0]])
    np.testing.assert_allclose(rx.logp(x, value).eval(), scipy.stats.norm.logpdf(value, mu).sum(-1), rtol=1e-12)
    with rx.Model() as m:
        rx.CustomDist("v", mu, logp=logp, random=random, signature="(n)->(n)")
    np.testing.assert_allclose(m.initial_point()["v"], np.zeros(3))


def test_black_box_without_random_still_has_a_density_but_cannot_draw():
    with rx.Model() as m:
        mu = rx.Normal("mu", 0.0, 1.0)
        z = rx.CustomDist("z", mu, 1.0, logp=normal_logp, shape=3)
    assert [v.name for v in m.value_vars] == ["mu", "z"]  # no transform by default
    np.testing.assert_allclose(m.initial_point()["z"], np.zeros(3))
    np.testing.assert_allclose(m.compile_logp()({"mu": 0.2, "z": np.ones(3)}),
                               scipy.stats.norm.logpdf(0.2) + scipy.stats.norm.logpdf(np.ones(3), 0.2).sum())
    with pytest.raises(NotImplementedError, match="random on the CustomDist 'z'"):
        rx.draw(z, random_seed=1)
    with pytest.raises(NotImplementedError, match="CustomDist_z"):
        rx.sample_prior_predictive(10, model=m, random_seed=1, return_inferencedata=False)
    with pytest.raises(NotImplementedError, match="logcdf"):
        rx.logcdf(z, np.zeros(3))


def test_black_box_transform_logcdf_icdf_and_support_point():
    def logp(value, lam):
        return pt.log(lam) - lam * value

    def logcdf(value, lam):
        return pt.log1mexp(-lam * value)

    def icdf(q, lam):
        return -pt.log1p(-q) / lam

    with rx.Model() as m:
        x = rx.CustomDist("x", 2.0, logp=logp, logcdf=logcdf, icdf=icdf, transform=rx.transforms.log,
                          support_point=lambda rv, size, lam: 1.0 / lam)
    assert m.value_vars[0].name == "x_log__"
    np.testing.assert_allclose(m.initial_point()["x_log__"], np.log(0.5))
    np.testing.assert_allclose(m.compile_logp()({"x_log__": 0.3}), scipy.stats.expon.logpdf(np.exp(0.3), scale=0.5) + 0.3)
    np.testing.assert_allclose(rx.logcdf(x, 0.7).eval(), scipy.stats.expon.logcdf(0.7, scale=0.5))
    np.testing.assert_allclose(rx.icdf(x, 0.3).eval(), scipy.stats.expon.ppf(0.3, scale=0.5))


def test_black_box_integer_dtype():
    def logp(value, p):
        return pt.log(p) * value + pt.log1p(-p)

    def random(p, rng=None, size=None):
        return rng.geometric(1 - p, size=size) - 1

    k = rx.CustomDist.dist(0.3, logp=logp, random=random, dtype="int64", shape=(1000,))
    assert k.type.dtype == "int64"
    draws = rx.draw(k, random_seed=5)
    assert draws.dtype == np.int64 and abs(draws.mean() - 0.3 / 0.7) < 0.1
    np.testing.assert_allclose(rx.logp(k, np.arange(1000) % 3).eval(), scipy.stats.geom.logpmf(np.arange(1000) % 3 + 1, 0.7))


# -- bad input ---------------------------------------------------------------------------------
def test_bad_custom_distributions_get_clear_errors():
    with rx.Model():
        bad = rx.CustomDist("bad", 0.0, logp=lambda value, mu: pt.zeros(4), shape=3)
        with pytest.raises(ValueError, match=r"CustomDist_bad.*shape \(4,\).*batch shape \(3,\)"):
            rx.logp(bad, np.zeros(3))
        with pytest.raises(TypeError, match="CustomDist_nc: logp= must be a callable"):
            rx.CustomDist("nc", 0.0, logp=3.0)
        with pytest.raises(TypeError, match="CustomDist_nr: dist= returned .* not random"):
            rx.CustomDist("nr", 0.0, dist=lambda mu, size: pt.exp(mu))
        with pytest.raises(TypeError, match="must return NumPy draws"):
            rx.CustomDist("sym", 0.0, logp=normal_logp, random=lambda mu, size: rx.Normal.dist(mu, 1.0))
        with pytest.raises(ValueError, match="both dist and random"):
            rx.CustomDist("both", 0.0, dist=lambda mu, size: rx.Normal.dist(mu, 1.0), random=normal_random)
        with pytest.raises(TypeError, match="old API"):
            rx.DensityDist("old", normal_logp, 0.0)
        with pytest.raises(TypeError, match="returned None"):
            rx.logp(rx.CustomDist("none", 0.0, logp=lambda value, mu: None), 0.0)
        with pytest.raises(ValueError, match="ndims_params"):
            rx.CustomDist("nd", 0.0, 1.0, logp=normal_logp, ndims_params=[0])


def test_a_scalar_logp_is_accepted_as_a_sum():
    x = rx.CustomDist.dist(0.0, logp=lambda value, mu: pt.sum(-(value - mu) ** 2), shape=3)
    np.testing.assert_allclose(rx.logp(x, np.array([1.0, 2.0, 3.0])).eval(), -14.0)


# -- the dist= form ----------------------------------------------------------------------------
def test_dist_form_density_is_derived_and_draws_are_the_graph():
    y = rx.CustomDist.dist(0.5, 0.8, dist=lognormal_dist, shape=(3,))
    assert isinstance(y.owner.op, rx.SymbolicRandomVariable)
    values = np.array([0.2, 1.0, 4.0])
    ref = scipy.stats.lognorm(0.8, scale=np.exp(0.5))
    np.testing.assert_allclose(rx.logp(y, values).eval(), ref.logpdf(values), rtol=1e-12)
    np.testing.assert_allclose(rx.logcdf(y, values).eval(), ref.logcdf(values), rtol=1e-12)
    draws = rx.draw(y, draws=400, random_seed=1)
    assert draws.shape == (400, 3)
    np.testing.assert_array_equal(draws, rx.draw(y, draws=400, random_seed=1))
    assert scipy.stats.kstest(draws.ravel(), ref.cdf).pvalue > 1e-3


def test_dist_form_in_a_model_matches_the_builtin_lognormal():
    data = np.array([0.5, 1.5, 3.0])
    with rx.Model() as custom:
        mu = rx.Normal("mu", 0.0, 1.0)
        rx.CustomDist("y", mu, 0.7, dist=lognormal_dist, observed=data)
        w = rx.CustomDist("w", mu, 0.7, dist=lognormal_dist, shape=2)
    with rx.Model() as builtin:
        mu = rx.Normal("mu", 0.0, 1.0)
        rx.LogNormal("y", mu, 0.7, observed=data)
        rx.LogNormal("w", mu, 0.7, shape=2, default_transform=None)
    assert [v.name for v in custom.value_vars] == ["mu", "w"]  # PyMC: no default transform for dist=
    start = custom.initial_point()
    np.testing.assert_allclose(start["w"], np.ones(2))  # exp(support point of Normal(mu=0))
    for point in [{"mu": 0.3, "w": np.array([0.5, 2.0])}, {"mu": -1.0, "w": np.array([1.0, 0.1])}]:
        np.testing.assert_allclose(custom.compile_logp()(point), builtin.compile_logp()(point), rtol=1e-12)
        np.testing.assert_allclose(custom.compile_dlogp()(point), builtin.compile_dlogp()(point), rtol=1e-10)
    with rx.Model() as transformed:
        rx.CustomDist("w", 0.0, 0.7, dist=lognormal_dist, transform=rx.transforms.log)
    with rx.Model() as builtin_log:
        rx.LogNormal("w", 0.0, 0.7)
    assert transformed.value_vars[0].name == "w_log__"
    for v in (-1.0, 0.4):  # the Jacobian term is added as for the built-in's default log transform
        np.testing.assert_allclose(transformed.compile_logp()({"w_log__": v}), builtin_log.compile_logp()({"w_log__": v}),
                                   rtol=1e-12)
    assert rx.DensityDist is rx.CustomDist


def test_dist_form_with_a_user_logp_and_support_point():
    def logp(value, mu, sigma):
        return normal_logp(value, mu, sigma)

    y = rx.CustomDist.dist(1.0, 2.0, dist=lambda mu, sigma, size: mu + sigma * rx.Normal.dist(0.0, 1.0, size=size),
                           logp=logp, support_point=lambda rv, size, mu, sigma: mu + 0.5)
    np.testing.assert_allclose(rx.logp(y, 0.3).eval(), scipy.stats.norm.logpdf(0.3, 1.0, 2.0))
    np.testing.assert_allclose(support_point(y).eval(), 1.5)
    d = rx.draw(y, draws=2000, random_seed=2)
    assert abs(d.mean() - 1.0) < 0.15 and abs(d.std() - 2.0) < 0.15


def test_dist_form_multivariate_random_walk():
    def walk(mu, size):
        steps = rx.Normal.dist(mu, 1.0, size=(*size, 5) if size is not None else (5,))
        return pt.cumsum(steps, axis=-1)

    def logp(value, mu):
        steps = pt.concatenate([value[..., :1], value[..., 1:] - value[..., :-1]], axis=-1)
        return pt.sum(-0.5 * (steps - mu) ** 2 - 0.5 * LOG_2PI, axis=-1)

    rw = rx.CustomDist.dist(0.5, dist=walk, logp=logp, ndim_supp=1, shape=(2, 5))
    assert rw.owner.op.ndim_supp == 1 and rw.type.shape == (2, 5)
    draws = rx.draw(rw, draws=300, random_seed=3)
    np.testing.assert_allclose(draws.mean(axis=(0, 1)), 0.5 * np.arange(1, 6), atol=0.35)
    value = np.cumsum(np.ones((2, 5)), axis=-1)
    np.testing.assert_allclose(rx.logp(rw, value).eval(), scipy.stats.norm.logpdf(np.ones((2, 5)), 0.5).sum(-1))


# -- sampling and prediction -------------------------------------------------------------------
@pytest.fixture(scope="module")
def conjugate_data():
    return np.random.default_rng(0).normal(1.5, 1.0, size=20)


def _posterior_mean(data):
    return data.sum() / (len(data) + 1)  # mu ~ N(0, 1), y ~ N(mu, 1)


@pytest.mark.slow
def test_black_box_samples_and_predicts(conjugate_data):
    with rx.Model():
        mu = rx.Normal("mu", 0.0, 1.0)
        rx.CustomDist("y", mu, 1.0, logp=normal_logp, random=normal_random, observed=conjugate_data)
        idata = rx.sample(draws=300, tune=300, chains=2, random_seed=1, progressbar=False,
                          compute_convergence_checks=False)
        pp = rx.sample_posterior_predictive(idata, random_seed=2, return_inferencedata=False)
        prior = rx.sample_prior_predictive(500, random_seed=3, return_inferencedata=False)
    post = np.asarray(idata.posterior["mu"])
    sd = 1 / np.sqrt(len(conjugate_data) + 1)
    assert abs(post.mean() - _posterior_mean(conjugate_data)) < 4 * sd / np.sqrt(150)
    assert pp["y"].shape == (2, 300, 20)
    # each predictive draw is centred on its own posterior draw
    resid = pp["y"] - post[..., None]
    assert abs(resid.mean()) < 0.05 and abs(resid.std() - 1.0) < 0.05
    assert prior["y"].shape == (500, 20) and abs(prior["y"].std() - np.sqrt(2.0)) < 0.1


@pytest.mark.slow
def test_dist_form_samples_and_predicts(conjugate_data):
    with rx.Model():
        mu = rx.Normal("mu", 0.0, 1.0)
        rx.CustomDist("y", mu, 1.0, dist=lognormal_dist, observed=np.exp(conjugate_data))
        idata = rx.sample(draws=300, tune=300, chains=2, random_seed=1, progressbar=False,
                          compute_convergence_checks=False)
        pp = rx.sample_posterior_predictive(idata, random_seed=2, return_inferencedata=False)
    post = np.asarray(idata.posterior["mu"])
    sd = 1 / np.sqrt(len(conjugate_data) + 1)
    assert abs(post.mean() - _posterior_mean(conjugate_data)) < 4 * sd / np.sqrt(150)
    assert pp["y"].shape == (2, 300, 20) and (pp["y"] > 0).all()
    resid = np.log(pp["y"]) - post[..., None]
    assert abs(resid.mean()) < 0.05 and abs(resid.std() - 1.0) < 0.05


@pytest.mark.parametrize("name", ["rewrax.model.distributions.custom", "rewrax.symbolic.random.custom",
                                  "rewrax.model.minibatch", "rewrax.samplers.vi_updates"])
def test_docstring_examples(name):
    import doctest
    import importlib

    result = doctest.testmod(importlib.import_module(name), optionflags=doctest.ELLIPSIS)
    assert result.attempted > 0 and result.failed == 0
