"""Time-series distributions (RandomWalk family, AR, GARCH11, EulerMaruyama) against NumPy / SciPy.

Every density is checked against an independent NumPy / SciPy computation written here;
``PYMC`` lists a few values computed once with PyMC 5.28.5 (by hand, outside the suite) that
the same references reproduce, so the conventions (init handling, steps) agree with PyMC's.
"""

import warnings

import numpy as np
import pytest
import scipy.stats as st

import rewrax as rx
import rewrax.symbolic as pt

RNG = np.random.default_rng(0)
V = RNG.normal(size=11).cumsum()  # one series of 11 values
V2 = RNG.normal(size=(5, 2)).cumsum(0)  # a bivariate series of 5 values


def _ou(x, lam):
    return -lam * x, 0.5


# -- NumPy / SciPy references -------------------------------------------------------------------
def ar_ref(v, rho, sigma, constant, p, init_mu, init_sigma):
    """Init density of the first p values plus the conditional normal of each later value (a loop)."""
    c = int(constant)
    total = st.norm(init_mu, init_sigma).logpdf(v[:p]).sum()
    for t in range(p, len(v)):
        mean = (rho[0] if c else 0.0) + sum(rho[c + i] * v[t - 1 - i] for i in range(p))
        total += st.norm(mean, sigma).logpdf(v[t])
    return total


def garch_ref(v, omega, alpha, beta, vol0):
    """The textbook GARCH(1,1) recursion."""
    vol, total = vol0, 0.0
    for t, y in enumerate(v):
        if t:
            vol = np.sqrt(omega + alpha * v[t - 1] ** 2 + beta * vol**2)
        total += st.norm(0, vol).logpdf(y)
    return total


def em_ref(v, dt, lam, g, init):
    mean = v[:-1] + dt * (-lam * v[:-1])
    return init.logpdf(v[0]) + st.norm(mean, np.sqrt(dt) * g).logpdf(v[1:]).sum()


def logp_of(rv, value):
    return float(rx.logp(rv, value).eval())


# -- densities ------------------------------------------------------------------------------------
def test_gaussian_random_walk_logp_matches_scipy():
    x = rx.GaussianRandomWalk.dist(mu=0.5, sigma=2.0, init_dist=rx.StudentT.dist(nu=3, mu=0, sigma=1), steps=10)
    expected = st.t(3).logpdf(V[0]) + st.norm(0.5, 2.0).logpdf(np.diff(V)).sum()
    assert x.type.shape == (11,)
    np.testing.assert_allclose(logp_of(x, V), expected, rtol=1e-12)


def test_gaussian_random_walk_default_init_warns_and_is_normal_0_100():
    with pytest.warns(UserWarning, match="Initial distribution not specified, defaulting to `Normal.dist\\(0, 100\\)`"):
        x = rx.GaussianRandomWalk.dist(mu=0.5, sigma=2.0, shape=11)
    expected = st.norm(0, 100).logpdf(V[0]) + st.norm(0.5, 2.0).logpdf(np.diff(V)).sum()
    np.testing.assert_allclose(logp_of(x, V), expected, rtol=1e-12)


def test_gaussian_random_walk_batched_parameters():
    mu, sigma = np.array([0.0, 1.0, -1.0]), np.array([[1.0], [2.0]])
    x = rx.GaussianRandomWalk.dist(mu=mu, sigma=sigma, init_dist=rx.Normal.dist(0, 1), steps=4)
    assert x.type.shape == (2, 3, 5)
    value = RNG.normal(size=(2, 3, 5))
    expected = st.norm(0, 1).logpdf(value[..., 0]) + st.norm(mu[:, None], sigma[..., None]).logpdf(
        np.diff(value, axis=-1)).sum(-1)
    np.testing.assert_allclose(rx.logp(x, value).eval(), expected, rtol=1e-12)


def test_random_walk_with_any_innovation():
    x = rx.RandomWalk.dist(init_dist=rx.Normal.dist(1.0, 2.0), innovation_dist=rx.Laplace.dist(0.2, 0.7), steps=10)
    expected = st.norm(1, 2).logpdf(V[0]) + st.laplace(0.2, 0.7).logpdf(np.diff(V)).sum()
    np.testing.assert_allclose(logp_of(x, V), expected, rtol=1e-12)


def test_multivariate_random_walks_match_scipy():
    mu, cov = np.array([0.1, -0.2]), np.array([[1.0, 0.3], [0.3, 2.0]])
    init = rx.MvNormal.dist(np.zeros(2), np.eye(2))
    x = rx.MvGaussianRandomWalk.dist(mu=mu, cov=cov, init_dist=init, steps=4)
    assert x.type.shape == (5, 2)
    first = st.multivariate_normal(np.zeros(2), np.eye(2)).logpdf(V2[0])
    expected = first + st.multivariate_normal(mu, cov).logpdf(np.diff(V2, axis=0)).sum()
    np.testing.assert_allclose(logp_of(x, V2), expected, rtol=1e-12)
    chol = np.linalg.cholesky(cov)
    x = rx.MvGaussianRandomWalk.dist(mu=mu, chol=chol, init_dist=rx.MvNormal.dist(np.zeros(2), np.eye(2)), shape=(5, 2))
    np.testing.assert_allclose(logp_of(x, V2), expected, rtol=1e-12)
    t = rx.MvStudentTRandomWalk.dist(nu=4, mu=mu, scale=cov, init_dist=rx.MvNormal.dist(np.zeros(2), np.eye(2)), steps=4)
    expected_t = first + st.multivariate_t(mu, cov, df=4).logpdf(np.diff(V2, axis=0)).sum()
    np.testing.assert_allclose(logp_of(t, V2), expected_t, rtol=1e-12)
    with pytest.warns(UserWarning, match="MvNormal.dist\\(0, I\\*100\\)"):
        d = rx.MvGaussianRandomWalk.dist(mu=mu, cov=cov, steps=4)
    default_first = st.multivariate_normal(np.zeros(2), 100 * np.eye(2)).logpdf(V2[0])
    np.testing.assert_allclose(logp_of(d, V2), expected - first + default_first, rtol=1e-12)


@pytest.mark.parametrize("rho, constant", [([0.5], False), ([0.5, -0.3], False), ([0.2, 0.5, -0.3], False),
                                           ([0.2, 0.5], True), ([0.2, 0.5, -0.3], True)])
def test_ar_logp_matches_numpy(rho, constant):
    p = len(rho) - int(constant)
    x = rx.AR.dist(rho=rho, sigma=1.5, constant=constant, init_dist=rx.Normal.dist(0.3, 2.0), steps=11 - p)
    assert x.owner.op.ar_order == p and x.type.shape == (11,)
    np.testing.assert_allclose(logp_of(x, V), ar_ref(V, rho, 1.5, constant, p, 0.3, 2.0), rtol=1e-12)


def test_ar_batched_rho_tau_and_multivariate_init():
    rho = np.array([[0.5, -0.3], [0.1, 0.2]])
    x = rx.AR.dist(rho=rho, tau=1 / 1.5**2, init_dist=rx.Normal.dist(0.3, 2.0), shape=(2, 11))
    value = np.stack([V, V[::-1]])
    expected = [ar_ref(value[k], rho[k], 1.5, False, 2, 0.3, 2.0) for k in range(2)]
    np.testing.assert_allclose(rx.logp(x, value).eval(), expected, rtol=1e-12)
    cov = np.array([[1.0, 0.5], [0.5, 2.0]])
    y = rx.AR.dist(rho=[0.5, -0.3], sigma=1.5, init_dist=rx.MvNormal.dist(np.zeros(2), cov), steps=9)
    expected = ar_ref(V, [0.5, -0.3], 1.5, False, 2, 0, 1) - st.norm(0, 1).logpdf(V[:2]).sum() \
        + st.multivariate_normal(np.zeros(2), cov).logpdf(V[:2])
    np.testing.assert_allclose(logp_of(y, V), expected, rtol=1e-12)


def test_ar_explicit_order_broadcasts_a_single_rho():
    x = rx.AR.dist(rho=[0.4], ar_order=2, init_dist=rx.Normal.dist(0, 1), steps=9)
    np.testing.assert_allclose(logp_of(x, V), ar_ref(V, [0.4, 0.4], 1.0, False, 2, 0, 1), rtol=1e-12)


def test_garch11_logp_matches_textbook_recursion():
    x = rx.GARCH11.dist(omega=0.1, alpha_1=0.2, beta_1=0.7, initial_vol=1.3, steps=10)
    np.testing.assert_allclose(logp_of(x, V), garch_ref(V, 0.1, 0.2, 0.7, 1.3), rtol=1e-12)
    batch = rx.GARCH11.dist(omega=[0.1, 0.3], alpha_1=0.2, beta_1=0.7, initial_vol=1.3, shape=(2, 11))
    value = np.stack([V, -V])
    expected = [garch_ref(value[0], 0.1, 0.2, 0.7, 1.3), garch_ref(value[1], 0.3, 0.2, 0.7, 1.3)]
    np.testing.assert_allclose(rx.logp(batch, value).eval(), expected, rtol=1e-12)


def test_euler_maruyama_logp_matches_numpy():
    x = rx.EulerMaruyama.dist(0.1, _ou, (2.0,), init_dist=rx.Normal.dist(0, 1), steps=10)
    np.testing.assert_allclose(logp_of(x, V), em_ref(V, 0.1, 2.0, 0.5, st.norm(0, 1)), rtol=1e-12)


#: (rewrax value, PyMC 5.28.5's value at the same point) -- conventions for init and steps agree
PYMC = {
    "grw": (lambda: rx.GaussianRandomWalk.dist(mu=0.5, sigma=2.0, init_dist=rx.StudentT.dist(nu=3, mu=0, sigma=1),
                                               steps=10), -18.17486711),
    "ar2_const": (lambda: rx.AR.dist(rho=[0.2, 0.5, -0.3], sigma=1.5, constant=True,
                                     init_dist=rx.Normal.dist(0.3, 2.0), steps=9), -16.81257203),
    "garch": (lambda: rx.GARCH11.dist(omega=0.1, alpha_1=0.2, beta_1=0.7, initial_vol=1.3, steps=10), -19.08399304),
    "em": (lambda: rx.EulerMaruyama.dist(0.1, _ou, (2.0,), init_dist=rx.Normal.dist(0, 1), steps=10), -101.1673468),
}


@pytest.mark.parametrize("case", sorted(PYMC))
def test_same_conventions_as_pymc(case):
    build, pymc_value = PYMC[case]
    # PyMC's AR differs from SciPy by 1e-7 (float32 somewhere); SciPy is the reference above
    np.testing.assert_allclose(logp_of(build(), V), pymc_value, rtol=2e-8)


# -- gradients ------------------------------------------------------------------------------------
def _fd_grad(f, x, eps=1e-6):
    x = np.asarray(x, dtype=float)
    out = np.zeros_like(x)
    for k in range(x.size):
        e = np.zeros_like(x)
        e.flat[k] = eps
        out.flat[k] = (f(x + e) - f(x - e)) / (2 * eps)
    return out


@pytest.mark.parametrize("case", ["grw", "ar", "garch", "em"])
def test_gradients_match_finite_differences(case):
    theta = pt.vector("theta")
    value = pt.vector("value")
    if case == "grw":
        x0 = np.array([0.3, 1.4])
        x = rx.GaussianRandomWalk.dist(mu=theta[0], sigma=theta[1], init_dist=rx.Normal.dist(0, 2), steps=10)
        ref = lambda t, v: st.norm(0, 2).logpdf(v[0]) + st.norm(t[0], t[1]).logpdf(np.diff(v)).sum()  # noqa: E731
    elif case == "ar":
        x0 = np.array([0.1, 0.5, -0.3, 1.2])
        x = rx.AR.dist(rho=theta[:3], sigma=theta[3], constant=True, ar_order=2, init_dist=rx.Normal.dist(0.3, 2.0),
                       steps=9)
        ref = lambda t, v: ar_ref(v, t[:3], t[3], True, 2, 0.3, 2.0)  # noqa: E731
    elif case == "garch":
        x0 = np.array([0.1, 0.2, 0.7, 1.3])
        x = rx.GARCH11.dist(omega=theta[0], alpha_1=theta[1], beta_1=theta[2], initial_vol=theta[3], steps=10)
        ref = lambda t, v: garch_ref(v, *t)  # noqa: E731
    else:
        x0 = np.array([1.5, 0.1])
        x = rx.EulerMaruyama.dist(theta[1], _ou, (theta[0],), init_dist=rx.Normal.dist(0, 1), steps=10)
        ref = lambda t, v: em_ref(v, t[1], t[0], 0.5, st.norm(0, 1))  # noqa: E731
    lp = rx.logp(x, value)
    f = rx.function([theta, value], [lp, *rx.grad(lp, [theta, value])])
    val, g_theta, g_value = f(x0, V)
    np.testing.assert_allclose(val, ref(x0, V), rtol=1e-10)
    np.testing.assert_allclose(g_theta, _fd_grad(lambda t: ref(t, V), x0), rtol=1e-6, atol=1e-6)
    np.testing.assert_allclose(g_value, _fd_grad(lambda v: ref(x0, v), V), rtol=1e-6, atol=1e-6)


# -- draws ----------------------------------------------------------------------------------------
AR_RHO = np.array([[1.0, 0.5, -0.3], [0.0, 0.2, 0.1]])
MV_COV = np.array([[1.0, 0.6], [0.6, 2.0]])
GARCH = (0.1, 0.2, 0.7, 1.3)  # omega, alpha_1, beta_1, initial_vol


@pytest.fixture(scope="module")
def draws():
    """Draws of every series from one compiled program (compiling is the slow part)."""
    series = {
        "grw": rx.GaussianRandomWalk.dist(mu=0.5, sigma=2.0, init_dist=rx.Normal.dist(10.0, 0.1), steps=20),
        "mv": rx.MvGaussianRandomWalk.dist(mu=np.array([1.0, -1.0]), cov=MV_COV,
                                           init_dist=rx.MvNormal.dist(np.zeros(2), np.eye(2)), steps=50, size=(3,)),
        "ar1": rx.AR.dist(rho=[0.7], sigma=1.0, init_dist=rx.Normal.dist(0, 1 / np.sqrt(1 - 0.7**2)), steps=199),
        "ar2": rx.AR.dist(rho=AR_RHO, sigma=[0.5, 2.0], constant=True, init_dist=rx.Normal.dist(0, 1), steps=300),
        "garch": rx.GARCH11.dist(*GARCH, steps=100),
        "em": rx.EulerMaruyama.dist(0.1, _ou, (2.0,), init_dist=rx.Normal.dist(3.0, 0.1), steps=50),
    }
    return dict(zip(series, rx.draw(list(series.values()), draws=200, random_seed=1)))


def test_gaussian_random_walk_draws(draws):
    d = draws["grw"]
    assert d.shape == (200, 21)
    assert st.kstest(d[:, 0], st.norm(10.0, 0.1).cdf).pvalue > 0.01
    assert st.kstest(np.diff(d, axis=1).ravel(), st.norm(0.5, 2.0).cdf).pvalue > 0.01
    assert not np.allclose(d[0], d[1])


def test_multivariate_random_walk_draws_have_the_innovation_covariance(draws):
    d = draws["mv"]
    assert d.shape == (200, 3, 51, 2)
    inc = np.diff(d, axis=-2).reshape(-1, 2)
    np.testing.assert_allclose(inc.mean(0), [1.0, -1.0], atol=0.03)
    np.testing.assert_allclose(np.cov(inc.T), MV_COV, atol=0.06)


def test_ar1_draws_autocorrelation(draws):
    d = draws["ar1"]
    assert d.shape == (200, 200)
    lag1 = np.mean([np.corrcoef(s[:-1], s[1:])[0, 1] for s in d])
    assert abs(lag1 - 0.7) < 0.03
    assert st.kstest((d[:, 1:] - 0.7 * d[:, :-1]).ravel(), st.norm(0, 1.0).cdf).pvalue > 0.01


def test_ar2_constant_batched_draws_follow_the_recursion(draws):
    d = draws["ar2"][:5]
    assert d.shape == (5, 2, 302)
    resid = d[..., 2:] - (AR_RHO[:, :1] + AR_RHO[:, 1:2] * d[..., 1:-1] + AR_RHO[:, 2:3] * d[..., :-2])
    assert st.kstest(resid[:, 0].ravel(), st.norm(0, 0.5).cdf).pvalue > 0.01
    assert st.kstest(resid[:, 1].ravel(), st.norm(0, 2.0).cdf).pvalue > 0.01


def test_garch11_draws_standardize_to_normal(draws):
    d = draws["garch"]
    omega, alpha, beta, vol = GARCH
    z = [d[:, 0] / vol]
    for t in range(1, 101):
        vol = np.sqrt(omega + alpha * d[:, t - 1] ** 2 + beta * vol**2)
        z.append(d[:, t] / vol)
    assert st.kstest(np.ravel(z), st.norm().cdf).pvalue > 0.01


def test_euler_maruyama_draws_follow_the_scheme(draws):
    d = draws["em"]
    z = (d[:, 1:] - d[:, :-1] * (1 - 0.1 * 2.0)) / (np.sqrt(0.1) * 0.5)
    assert st.kstest(z.ravel(), st.norm().cdf).pvalue > 0.01
    assert st.kstest(d[:, 0], st.norm(3.0, 0.1).cdf).pvalue > 0.01


# -- shapes, support points, bad input ----------------------------------------------------------
def test_shapes_from_steps_shape_size_dims_and_observed():
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", UserWarning)
        assert rx.GaussianRandomWalk.dist(shape=(3, 7)).type.shape == (3, 7)
        assert rx.GaussianRandomWalk.dist(steps=6, size=(3,)).type.shape == (3, 7)
        assert rx.AR.dist(rho=[0.1, 0.2], steps=5).type.shape == (7,)
        assert rx.AR.dist(rho=[0.1, 0.2], shape=(4, 7)).type.shape == (4, 7)
        assert rx.AR.dist(rho=np.zeros((3, 2)), steps=5).type.shape == (3, 7)
        assert rx.EulerMaruyama.dist(0.1, _ou, (np.ones(2),), steps=4).type.shape == (2, 5)
        with rx.Model(coords={"series": ["a", "b"], "time": range(12)}) as m:
            g = rx.GaussianRandomWalk("g", sigma=1.0, dims=("series", "time"))
            a = rx.AR("a", rho=[0.5], observed=V)
            h = rx.GARCH11("h", omega=0.1, alpha_1=0.2, beta_1=0.7, initial_vol=1.0, dims="time")
    assert g.type.shape == (2, 12) and a.type.shape == (11,) and h.type.shape == (12,)
    assert m.named_vars_to_dims["g"] == ("series", "time")


def test_lengths_from_data_dims_are_symbolic_and_work():
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", UserWarning)
        with rx.Model() as m:
            rx.Data("d", np.zeros(10), dims="time")
            g = rx.GaussianRandomWalk("g", sigma=1.0, init_dist=rx.Normal.dist(0, 1), dims="time")
            a = rx.AR("a", rho=[0.5, 0.2], dims="time")
            h = rx.GARCH11("h", 0.1, 0.2, 0.7, 1.0, dims="time")
    assert g.type.shape == (None,) and a.type.shape == (None,)
    point = m.initial_point()
    assert {k: v.shape for k, v in point.items()} == {"g": (10,), "a": (10,), "h": (10,)}
    logps = m.point_logps(round_vals=10)
    np.testing.assert_allclose(logps["g"], 10 * st.norm(0, 1).logpdf(0.0), rtol=1e-9)
    np.testing.assert_allclose(logps["a"], 2 * st.norm(0, 100).logpdf(0.0) + 8 * st.norm(0, 1).logpdf(0.0), rtol=1e-9)
    assert rx.draw(h, draws=2, random_seed=1).shape == (2, 10)


@pytest.mark.parametrize("module", ["timeseries", "timeseries_processes"])
def test_docstring_examples(module):
    import doctest
    import importlib

    mod = importlib.import_module(f"rewrax.model.distributions.{module}")
    assert doctest.testmod(mod, optionflags=doctest.ELLIPSIS).failed == 0


def test_support_points_as_pymc():
    with rx.Model() as m:
        rx.GaussianRandomWalk("g", mu=0.5, sigma=1, init_dist=rx.Normal.dist(2.0, 1), steps=4)
        rx.AR("a", rho=[0.5, 0.1], init_dist=rx.Normal.dist(3.0, 1), steps=3)
        rx.GARCH11("h", omega=0.1, alpha_1=0.2, beta_1=0.7, initial_vol=1.3, steps=3)
        rx.MvGaussianRandomWalk("mv", mu=np.array([1.0, -1.0]), cov=np.eye(2),
                                init_dist=rx.MvNormal.dist(np.zeros(2), np.eye(2)), steps=2)
    point = m.initial_point()
    np.testing.assert_allclose(point["g"], [2.0, 2.5, 3.0, 3.5, 4.0])
    np.testing.assert_allclose(point["a"], np.full(5, 3.0))
    np.testing.assert_allclose(point["h"], np.zeros(4))
    np.testing.assert_allclose(point["mv"], [[0.0, 0.0], [1.0, -1.0], [2.0, -2.0]])
    assert [v.name for v in m.value_vars] == ["g", "a", "h", "mv"]  # no default transform


def test_bad_input_names_the_fault():
    init = rx.Normal.dist(0, 1)
    with pytest.raises(ValueError, match="steps=5 does not agree with shape=\\(7,\\)"):
        rx.GaussianRandomWalk.dist(init_dist=init, steps=5, shape=(7,))
    with pytest.raises(ValueError, match="AR: steps=5 does not agree"):
        rx.AR.dist(rho=[0.1, 0.2], init_dist=init, steps=5, shape=(6,))
    with pytest.raises(ValueError, match="Must specify steps or shape"):
        rx.GARCH11.dist(omega=0.1, alpha_1=0.2, beta_1=0.7, initial_vol=1.0)
    with rx.Model():
        named = rx.Normal("x0", 0, 1)
        with pytest.raises(ValueError, match="init_dist 'x0' is a model variable"):
            rx.GaussianRandomWalk.dist(init_dist=named, steps=3)
    with pytest.raises(TypeError, match="init_dist must be a distribution created with the .dist"):
        rx.AR.dist(rho=[0.5], init_dist=np.zeros(1), steps=3)
    mv = rx.MvNormal.dist(np.zeros(2), np.eye(2))
    with pytest.raises(ValueError, match="GaussianRandomWalk: init_dist must be a univariate distribution, got MvNormal"):
        rx.GaussianRandomWalk.dist(init_dist=mv, steps=3)
    with pytest.raises(ValueError, match="EulerMaruyama: init_dist must be a univariate"):
        rx.EulerMaruyama.dist(0.1, _ou, (1.0,), init_dist=mv, steps=3)
    with pytest.raises(ValueError, match="rho has 3 coefficients on its last axis, but ar_order=1 with constant=True needs 2"):
        rx.AR.dist(rho=[0.1, 0.2, 0.3], ar_order=1, constant=True, init_dist=init, steps=3)
    with pytest.raises(ValueError, match="Inferred ar_order is smaller than 1"):
        rx.AR.dist(rho=0.5, constant=True, init_dist=init, steps=3)
    with pytest.raises(ValueError, match="multivariate init_dist has 2 entries, ar_order=3"):
        rx.AR.dist(rho=[0.1, 0.2, 0.3], init_dist=mv, steps=3)
    with pytest.raises(ValueError, match="must be completely independent"):
        rx.RandomWalk.dist(init_dist=init, innovation_dist=rx.Normal.dist(init, 1.0), steps=3)


# -- in a model -----------------------------------------------------------------------------------
@pytest.fixture(scope="module")
def ar_fit():
    true = rx.draw(rx.AR.dist(rho=[0.6], sigma=0.5, init_dist=rx.Normal.dist(0, 1), steps=199), random_seed=7)
    with rx.Model(coords={"time": range(200)}) as m:
        rho = rx.Normal("rho", 0, 1, shape=1)
        sigma = rx.HalfNormal("sigma", 1)
        rx.AR("y", rho=rho, sigma=sigma, init_dist=rx.Normal.dist(0, 1), observed=true, dims="time")
        idata = rx.sample(draws=200, tune=200, chains=1, random_seed=8, progressbar=False, compute_convergence_checks=False)
    return m, idata, true


@pytest.mark.slow
def test_ar_model_samples_and_predicts(ar_fit):
    m, idata, true = ar_fit
    post = idata.posterior
    assert abs(float(post["rho"].mean()) - 0.6) < 0.15
    assert abs(float(post["sigma"].mean()) - 0.5) < 0.1
    pp = rx.sample_posterior_predictive(idata, model=m, random_seed=9, progressbar=False)
    y = pp.posterior_predictive["y"].values
    assert y.shape == (1, 200, 200)
    lag1 = np.mean([np.corrcoef(s[:-1], s[1:])[0, 1] for s in y[0, :50]])
    assert abs(lag1 - 0.6) < 0.15


def test_latent_random_walk_prior_predictive():
    with rx.Model() as m:
        sigma = rx.HalfNormal("sigma", 1.0)
        walk = rx.GaussianRandomWalk("walk", sigma=sigma, init_dist=rx.Normal.dist(0, 1), steps=30)
        rx.Normal("obs", walk, 0.1, observed=np.zeros(31))
    prior = rx.sample_prior_predictive(200, model=m, random_seed=10)
    walks, sigmas = prior.prior["walk"].values[0], prior.prior["sigma"].values[0]
    assert walks.shape == (200, 31)
    z = np.diff(walks, axis=-1) / sigmas[:, None]  # increments scale with each draw's sigma
    assert st.kstest(z.ravel(), st.norm().cdf).pvalue > 0.01
    lp = m.compile_logp()(m.initial_point())
    assert np.isfinite(lp)
