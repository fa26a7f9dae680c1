"""Multivariate distributions and distributions of distributions (Mixture, Censored, Truncated) vs SciPy."""

import numpy as np
import pytest
import scipy.integrate as si
import scipy.stats as st

import rewrax as rx
import rewrax.symbolic as pt

RNG = np.random.default_rng(0)
_A = RNG.normal(size=(3, 3))
COV = _A @ _A.T + 3 * np.eye(3)
MU = np.array([1.0, -1.0, 0.5])
X = RNG.normal(size=(4, 3))


@pytest.mark.parametrize("kw", [dict(cov=COV), dict(chol=np.linalg.cholesky(COV)), dict(tau=np.linalg.inv(COV)),
                                dict(chol=np.linalg.cholesky(COV).T, lower=False)])
def test_mvnormal_parameterizations(kw):
    m = pt.matrix("x")
    got = rx.logp(rx.MvNormal.dist(mu=MU, **kw), m).eval({m: X})
    np.testing.assert_allclose(got, st.multivariate_normal(MU, COV).logpdf(X), rtol=1e-10)


def test_mvnormal_chol_is_not_factorized_again():
    chol = pt.matrix("L")
    lp = rx.logp(rx.MvNormal.dist(mu=np.zeros(3), chol=chol), np.ones(3))
    names = {type(v.owner.op).__name__ for v in rx.ancestors([lp]) if v.owner is not None}
    assert "Cholesky" not in names and "Blockwise" not in names or "Cholesky" not in str(names)


def test_mvnormal_batched_and_checks():
    mus = RNG.normal(size=(4, 3))
    m = pt.matrix("x")
    got = rx.logp(rx.MvNormal.dist(mu=mus, cov=COV), m).eval({m: X})
    np.testing.assert_allclose(got, [st.multivariate_normal(u, COV).logpdf(x) for u, x in zip(mus, X)], rtol=1e-10)
    assert rx.MvNormal.dist(mu=0.0, cov=np.eye(3)).type.shape == (3,)
    with pytest.raises(pt.ParameterValueError, match="posdef"):
        rx.logp(rx.MvNormal.dist(mu=np.zeros(2), cov=np.array([[1.0, 2.0], [2.0, 1.0]])), np.zeros(2)).eval()


def test_mvstudentt_dirichlet_multinomial():
    m = pt.matrix("x")
    got = rx.logp(rx.MvStudentT.dist(nu=4.5, mu=MU, scale=COV), m).eval({m: X})
    np.testing.assert_allclose(got, st.multivariate_t(MU, COV, df=4.5).logpdf(X), rtol=1e-10)
    got = rx.logp(rx.MvStudentT.dist(nu=4.5, mu=MU, chol=np.linalg.cholesky(COV)), m).eval({m: X})
    np.testing.assert_allclose(got, st.multivariate_t(MU, COV, df=4.5).logpdf(X), rtol=1e-10)
    a = np.array([1.5, 2.0, 0.7])
    pts = RNG.dirichlet(a, size=4)
    np.testing.assert_allclose(rx.logp(rx.Dirichlet.dist(a), m).eval({m: pts}), st.dirichlet(a).logpdf(pts.T), rtol=1e-10)
    assert rx.logp(rx.Dirichlet.dist(a), np.array([1.2, -0.1, -0.1])).eval() == -np.inf
    p = np.array([0.2, 0.5, 0.3])
    k = np.array([[2, 3, 5], [0, 0, 10], [1, 1, 1]])
    np.testing.assert_allclose(rx.logp(rx.Multinomial.dist(10, p), k).eval(), st.multinomial(10, p).logpmf(k), rtol=1e-10)


def _lkj_logp_fn(eta, n):
    packed = pt.vector("packed")
    return rx.function([packed], rx.logp(rx.LKJCholeskyCov.dist(eta=eta, n=n, sd_dist=rx.Exponential.dist(1.0)), packed))


@pytest.mark.slow
@pytest.mark.parametrize("eta", [1.0, 2.0, 4.5])
def test_lkj_cholesky_cov_density_integrates_to_one(eta):
    # n = 2: integrate over (sd0, sd1, r), with |d(L00, L10, L11) / d(sd0, sd1, r)| = sd1 / sqrt(1 - r^2)
    f = _lkj_logp_fn(eta, 2)

    def integrand(r, s1, s0):
        return np.exp(f(np.array([s0, s1 * r, s1 * np.sqrt(1 - r * r)]))) * s1 / np.sqrt(1 - r * r)

    total, _ = si.tplquad(integrand, 0, 25, 0, 25, -1, 1, epsabs=1e-7, epsrel=1e-7)
    assert total == pytest.approx(1.0, abs=1e-5)


def test_lkj_cholesky_cov_matches_the_product_of_its_parts():
    # density = LKJ(corr cholesky) * prod p_sd(sd) * |Jacobian|^-1, with numpyro's LKJCholesky as reference
    numpyro_dist = pytest.importorskip("numpyro.distributions")
    import jax

    n, eta = 3, 2.5
    f = _lkj_logp_fn(eta, n)
    packed = rx.draw(rx.LKJCholeskyCov.dist(eta=eta, n=n, sd_dist=rx.Exponential.dist(1.0)), random_seed=4)
    L = np.zeros((n, n))
    L[np.tril_indices(n)] = packed
    sd = np.sqrt((L**2).sum(1))
    corr_chol = L / sd[:, None]
    with jax.enable_x64(True):
        lkj = float(numpyro_dist.LKJCholesky(n, concentration=eta).log_prob(corr_chol))
    log_jac = np.sum(np.log(np.diag(corr_chol)) - np.arange(n) * np.log(sd))
    expected = lkj + st.expon.logpdf(sd).sum() + log_jac
    np.testing.assert_allclose(f(packed), expected, rtol=1e-10)


def test_lkj_cholesky_cov_in_a_model():
    with rx.Model() as m:
        chol, corr, stds = rx.LKJCholeskyCov("c", eta=2.0, n=3, sd_dist=rx.Exponential.dist(1.0))
    assert chol.type.shape == (3, 3) and corr.type.shape == (3, 3) and stds.type.shape == (3,)
    assert {d.name for d in m.deterministics} == {"c_corr", "c_stds"}
    assert m.free_RVs[0].type.shape == (6,)
    L, C, s = rx.draw([chol, corr, stds], random_seed=1)
    np.testing.assert_allclose(L @ L.T, C * np.outer(s, s), rtol=1e-10)
    np.testing.assert_allclose(np.diag(C), 1.0)
    assert np.isfinite(m.compile_logp()(m.initial_point()))


def test_mixture_and_normal_mixture():
    v = np.array([-3.0, -1.0, 0.0, 0.5, 2.0, 5.0])
    ref = np.log(0.3 * st.norm(-1, 1).pdf(v) + 0.7 * st.norm(2, 0.5).pdf(v))
    x = pt.vector("x")
    m = rx.Mixture.dist(w=[0.3, 0.7], comp_dists=[rx.Normal.dist(-1.0, 1.0), rx.Normal.dist(2.0, 0.5)])
    np.testing.assert_allclose(rx.logp(m, x).eval({x: v}), ref, rtol=1e-12)
    nm = rx.NormalMixture.dist(w=[0.3, 0.7], mu=[-1.0, 2.0], sigma=[1.0, 0.5])
    np.testing.assert_allclose(rx.logp(nm, x).eval({x: v}), ref, rtol=1e-12)
    cdf = np.log(0.3 * st.norm(-1, 1).cdf(v) + 0.7 * st.norm(2, 0.5).cdf(v))
    np.testing.assert_allclose(rx.logcdf(m, x).eval({x: v}), cdf, rtol=1e-10, atol=1e-15)
    k = np.array([0, 1, 5, 10])
    pm_ = rx.Mixture.dist(w=[0.3, 0.7], comp_dists=[rx.Poisson.dist(1.0), rx.Poisson.dist(6.0)])
    np.testing.assert_allclose(rx.logp(pm_, k).eval(), np.log(0.3 * st.poisson(1).pmf(k) + 0.7 * st.poisson(6).pmf(k)))
    assert pm_.type.dtype == "int64"
    with pytest.raises(pt.ParameterValueError, match="weights"):
        rx.logp(rx.Mixture.dist(w=[0.3, 0.3], comp_dists=[rx.Normal.dist(), rx.Normal.dist()]), 0.0).eval()


def test_batched_mixture_draws_and_density():
    w = np.array([[0.2, 0.8], [0.9, 0.1]])
    m = rx.NormalMixture.dist(w=w, mu=np.array([-5.0, 5.0]), sigma=1.0)
    assert m.type.shape == (2,)
    d = rx.draw(m, draws=4000, random_seed=3)
    np.testing.assert_allclose(d.mean(0), w @ np.array([-5.0, 5.0]), atol=0.15)
    v = np.array([0.3, -4.0])
    ref = np.log((w * st.norm([-5.0, 5.0], 1.0).pdf(v[:, None])).sum(-1))
    np.testing.assert_allclose(rx.logp(m, v).eval(), ref, rtol=1e-12)


def test_censored_and_truncated():
    v = np.array([-3.0, -1.0, 0.0, 0.5, 2.0, 5.0])
    x = pt.vector("x")
    t = rx.Truncated.dist(rx.Normal.dist(1.0, 2.0), lower=-1.0, upper=3.0)
    ref = st.truncnorm(-1, 1, 1, 2)
    np.testing.assert_allclose(rx.logp(t, x).eval({x: v}), ref.logpdf(v), rtol=1e-10)
    np.testing.assert_allclose(rx.logcdf(t, x).eval({x: v}), ref.logcdf(v), rtol=1e-10)
    tg = rx.Truncated.dist(rx.Gamma.dist(2.0, 1.0), lower=1.0, upper=3.0)
    ref = st.gamma(2.0)
    mass = ref.cdf(3.0) - ref.cdf(1.0)
    expected = np.where((v < 1) | (v > 3), -np.inf, ref.logpdf(v) - np.log(mass))
    np.testing.assert_allclose(rx.logp(tg, x).eval({x: v}), expected, rtol=1e-10)
    draws = rx.draw(tg, draws=3000, random_seed=1)
    assert draws.min() >= 1.0 and draws.max() <= 3.0
    assert st.kstest(draws, lambda q: (ref.cdf(q) - ref.cdf(1.0)) / mass).pvalue > 1e-3
    tp = rx.Truncated.dist(rx.Poisson.dist(3.0), lower=2, upper=5)
    k = np.array([1, 2, 3, 5, 6])
    pmf = st.poisson(3).pmf(k) / (st.poisson(3).cdf(5) - st.poisson(3).cdf(1))
    with np.errstate(divide="ignore"):
        np.testing.assert_allclose(rx.logp(tp, k).eval(), np.log(np.where((k < 2) | (k > 5), 0, pmf)), rtol=1e-10)
    c = rx.Censored.dist(rx.Normal.dist(0, 1), lower=-1.0, upper=None, size=5)
    draws = rx.draw(c, draws=2000, random_seed=2)
    assert draws.shape == (2000, 5) and draws.min() == -1.0
    assert np.mean(draws == -1.0) == pytest.approx(st.norm.cdf(-1.0), abs=0.01)


def test_truncated_upper_tail_mass_is_accurate():
    t = rx.Truncated.dist(rx.Normal.dist(0.0, 1.0), lower=12.0)
    expected = st.truncnorm(12, np.inf).logpdf(12.5)
    np.testing.assert_allclose(rx.logp(t, 12.5).eval(), expected, rtol=1e-9)


@pytest.mark.parametrize("eta", [1.0, 2.5])
def test_lkj_corr_density_integrates_to_one(eta):
    # Monte Carlo over the cube of the three correlations of a 3 x 3 matrix (volume 8)
    rng = np.random.default_rng(0)
    r = rng.uniform(-1, 1, size=(200_000, 3))
    c = np.broadcast_to(np.eye(3), (len(r), 3, 3)).copy()
    for k, (i, j) in enumerate([(0, 1), (0, 2), (1, 2)]):
        c[:, i, j] = c[:, j, i] = r[:, k]
    pd = np.linalg.eigvalsh(c).min(-1) > 0
    m = pt.tensor3("m")
    dens = np.exp(rx.logp(rx.LKJCorr.dist(n=3, eta=eta, return_matrix=True), m).eval({m: c[pd]}))
    estimate = 8 * dens.sum() / len(r)
    assert estimate == pytest.approx(1.0, abs=0.01)


def test_lkj_corr_forms_and_model():
    packed = rx.LKJCorr.dist(n=3, eta=2.0)
    full = rx.LKJCorr.dist(n=3, eta=2.0, return_matrix=True)
    assert packed.type.shape == (3,) and full.type.shape == (3, 3)
    c = rx.draw(full, random_seed=1)
    np.testing.assert_allclose(c, c.T)
    assert rx.logp(full, np.array([[1.0, 2.0, 0], [2.0, 1.0, 0], [0, 0, 1.0]])).eval() == -np.inf
    with rx.Model() as m:
        corr = rx.LKJCorr("C", n=3, eta=2.0)
    assert corr.type.shape == (3,) and m.free_RVs[0].type.shape == (3, 3)
    assert np.isfinite(m.compile_logp()(m.initial_point()))
