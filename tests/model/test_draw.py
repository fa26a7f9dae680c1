"""``rx.draw``: fresh draws per call, seeding, vectorized many-draws, graphs of RVs; KS / chi-square vs SciPy."""

import numpy as np
import pytest
import scipy.stats as st

import rewrax as rx
import rewrax.symbolic as pt
from dist_cases import CONTINUOUS, DISCRETE


def test_draw_single_is_fresh_and_has_the_variable_shape():
    x = rx.Normal.dist(mu=np.zeros(3), sigma=1.0)
    draws = [rx.draw(x) for _ in range(4)]
    assert all(d.shape == (3,) for d in draws)
    assert len({tuple(d) for d in draws}) == 4


def test_draw_seeded_is_reproducible_and_leaves_rng_alone():
    x = rx.Normal.dist(0.0, 1.0)
    rng = x.owner.inputs[0]
    before = rng.get_value()
    a = rx.draw(x, draws=5, random_seed=11)
    b = rx.draw(x, draws=5, random_seed=11)
    np.testing.assert_array_equal(a, b)
    assert not np.allclose(a, rx.draw(x, draws=5, random_seed=12))
    np.testing.assert_array_equal(rng.get_value(), before)
    # numpy Generators and sequences of ints are accepted seeds
    assert rx.draw(x, random_seed=np.random.default_rng(1)).shape == ()
    np.testing.assert_array_equal(rx.draw(x, 3, random_seed=[1, 2]), rx.draw(x, 3, random_seed=[1, 2]))


def test_unseeded_draw_advances_the_shared_rng_but_eval_repeats():
    x = rx.Normal.dist(0.0, 1.0)
    first_eval = x.eval()
    assert x.eval() == first_eval
    rx.draw(x)
    after = x.eval()
    assert after == x.eval()  # eval still repeats, now from the advanced key
    assert after != first_eval


def test_many_draws_are_one_vectorized_call_with_a_leading_axis():
    x = rx.Normal.dist(mu=np.array([0.0, 10.0]), sigma=np.array([1.0, 2.0]))
    d = rx.draw(x, draws=20_000, random_seed=3)
    assert d.shape == (20_000, 2)
    np.testing.assert_allclose(d.mean(0), [0.0, 10.0], atol=0.05)
    np.testing.assert_allclose(d.std(0), [1.0, 2.0], rtol=0.03)
    # the compiled drawer is cached: a second call does not build a new one
    from rewrax.model.forward import _drawer

    assert _drawer([x], None, None) is _drawer([x], None, None)


def test_draw_of_a_graph_of_random_variables_and_lists():
    mu = rx.Normal.dist(0.0, 10.0)
    y = rx.Normal.dist(mu, 0.1)
    m, yy = rx.draw([mu, y], draws=2000, random_seed=5)
    assert np.abs(yy - m).max() < 1.0  # y is drawn given the same draw of mu
    np.testing.assert_allclose(rx.draw(2 * mu, draws=4, random_seed=7), 2 * rx.draw(mu, draws=4, random_seed=7))
    two = rx.draw([mu, 3 * mu], random_seed=1)
    assert two[1] == pytest.approx(3 * two[0])


def test_size_and_batched_vector_distributions():
    dist = rx.Normal.dist(mu=np.zeros(2), sigma=1)
    assert rx.draw(dist, draws=10).shape == (10, 2)
    sized = rx.Normal.dist(mu=np.zeros(2), sigma=1, size=(10, 4, 2))
    d = rx.draw(sized)
    assert d.shape == (10, 4, 2) and np.unique(d).size == 80


def test_draw_errors_are_clear():
    x = pt.scalar("x")
    with pytest.raises(ValueError, match="x"):
        rx.draw(rx.Normal.dist(x, 1.0))
    assert rx.draw(rx.Normal.dist(x, 1.0), givens={x: 100.0}, random_seed=1) > 90
    with pytest.raises(ValueError, match="positive integer"):
        rx.draw(rx.Normal.dist(), draws=0)
    with pytest.raises(NotImplementedError, match="Flat"):
        rx.draw(rx.Flat.dist())


def test_pytensor_rv_draws_with_shared_data():
    mu = rx.shared(np.array([0.0, 100.0]), name="mu")
    y = pt.random.normal(mu, 1.0)
    assert rx.draw(y, random_seed=1)[1] > 90
    mu.set_value(np.array([-100.0, 0.0]))
    assert rx.draw(y, random_seed=1)[0] < -90


KS_CASES = [c for c in CONTINUOUS if c.draws]
CHI2_CASES = [c for c in DISCRETE if c.draws]


@pytest.fixture(scope="module")
def all_draws():
    """Draws of every case in one rx.draw call (one compilation instead of one per case)."""
    dists = [getattr(rx, c.name).dist(**c.params) for c in KS_CASES + CHI2_CASES]
    return dict(zip([c.id for c in KS_CASES + CHI2_CASES], rx.draw(dists, draws=3000, random_seed=1)))


@pytest.mark.slow
@pytest.mark.parametrize("case", KS_CASES, ids=[c.id for c in KS_CASES])
def test_continuous_draws_pass_ks_against_reference(case, all_draws):
    assert st.kstest(all_draws[case.id], case.ref.cdf).pvalue > 1e-3


def _chi2_pvalue(draws, pmf, support):
    counts = np.array([(draws == k).sum() for k in support])
    expected = pmf(support) * len(draws)
    keep = expected > 5  # merge sparse cells into one
    obs = np.append(counts[keep], len(draws) - counts[keep].sum())
    exp = np.append(expected[keep], len(draws) - expected[keep].sum())
    if exp[-1] < 1e-9:
        obs, exp = obs[:-1], exp[:-1]
    return st.chisquare(obs, exp * obs.sum() / exp.sum()).pvalue


@pytest.mark.slow
@pytest.mark.parametrize("case", CHI2_CASES, ids=[c.id for c in CHI2_CASES])
def test_discrete_draws_pass_chi_square_against_reference(case, all_draws):
    draws = all_draws[case.id]
    assert draws.dtype == np.int64
    support = np.arange(min(int(draws.min()), 0), int(draws.max()) + 1)
    assert _chi2_pvalue(draws, case.ref.pmf, support) > 1e-3


@pytest.mark.slow
def test_categorical_and_multivariate_draw_moments():
    p = np.array([0.2, 0.3, 0.5])
    k = rx.draw(rx.Categorical.dist(p=p), draws=6000, random_seed=1)
    assert _chi2_pvalue(k, lambda s: p[s], np.arange(3)) > 1e-3
    alpha = np.array([1.0, 2.0, 3.0])
    d = rx.draw(rx.Dirichlet.dist(alpha), draws=6000, random_seed=2)
    np.testing.assert_allclose(d.sum(-1), 1.0, rtol=1e-12)
    np.testing.assert_allclose(d.mean(0), alpha / alpha.sum(), atol=0.01)
    counts = rx.draw(rx.Multinomial.dist(20, p), draws=4000, random_seed=3)
    assert (counts.sum(-1) == 20).all()
    np.testing.assert_allclose(counts.mean(0), 20 * p, rtol=0.03)
    cov = np.array([[2.0, 0.8], [0.8, 1.0]])
    mv = rx.draw(rx.MvNormal.dist(mu=[1.0, -1.0], cov=cov), draws=20000, random_seed=4)
    np.testing.assert_allclose(np.cov(mv.T), cov, atol=0.05)
    t = rx.draw(rx.MvStudentT.dist(nu=6.0, mu=[0.0, 0.0], scale=cov), draws=40000, random_seed=5)
    np.testing.assert_allclose(np.cov(t.T), cov * 6.0 / 4.0, rtol=0.08)


@pytest.mark.slow
def test_lkj_correlation_draws_have_the_lkj_marginal():
    # for LKJ(eta) in dimension n, each correlation is 2 * Beta(b, b) - 1 with b = eta - 1 + n / 2
    n, eta = 3, 2.0
    corr = rx.draw(pt.random.lkjcorr(n, eta), draws=4000, random_seed=6)
    assert np.allclose(np.diagonal(corr, axis1=1, axis2=2), 1.0)
    assert (np.linalg.eigvalsh(corr) > 0).all()
    b = eta - 1 + n / 2
    assert st.kstest((corr[:, 0, 1] + 1) / 2, st.beta(b, b).cdf).pvalue > 1e-3
    assert st.kstest((corr[:, 1, 2] + 1) / 2, st.beta(b, b).cdf).pvalue > 1e-3


def test_invalid_parameters_raise_when_drawing():
    with pytest.raises(pt.ParameterValueError, match="Normal: sigma > 0"):
        rx.draw(rx.Normal.dist(0.0, -1.0))
    x = rx.Gamma.dist(alpha=2.0, beta=np.array([1.0, -1.0]))
    x.name = "g"
    s = rx.Normal.dist(0.0, 1.0)  # sigma itself drawn: negative half of the time
    with pytest.raises(pt.ParameterValueError, match="g: alpha > 0, beta > 0; Normal: sigma > 0"):
        rx.draw([x, rx.Normal.dist(0.0, s)], draws=50, random_seed=1)
    assert rx.draw(rx.Normal.dist(0.0, pt.abs(s) + 0.1), draws=50, random_seed=1).shape == (50,)
