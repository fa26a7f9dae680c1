"""Compiled densities against an independent implementation of the same density.

One model uses every default transform (log, logodds, interval both ways and one-sided,
simplex, ordered, a chained log+ordered, cholesky-cov-packed, correlation matrices,
circular) and sixteen distributions. The reference is the same density written here with ``jax.scipy.stats``
and NumPy formulas in the same unconstrained space; ``jax.grad`` / ``jax.hessian`` of it
are the references for ``compile_dlogp`` / ``compile_d2logp``, and SciPy checks the
reference itself.
"""

import warnings

import numpy as np
import pytest
import scipy.special as sps
import scipy.stats as st

import jax
import jax.numpy as jnp
import jax.scipy.stats as jst

import rewrax as rx
import rewrax.symbolic as pt
from rewrax.model.distributions import expand_packed_triangular

K_OBS = np.array([1, 3, 2, 0])
B_OBS = np.array([0, 1, 1, 0, 1])
Y_OBS = np.array([0.3, -0.4, 1.1])
V_OBS = np.array([[0.2, -0.1, 0.4], [1.0, 0.3, -0.7]])
DIAG = np.array([0, 2, 5])  # diagonal positions in a packed 3 x 3 lower triangle


def build():
    with rx.Model() as m:
        mu = rx.Normal("mu", 0.5, 2.0)
        sigma = rx.HalfNormal("sigma", 1.5)
        p = rx.Beta("p", 2.0, 3.0)
        u = rx.Uniform("u", -1.0, 2.0)
        rx.Pareto("par", alpha=3.0, m=1.0)
        rx.Dirichlet("w", np.array([1.0, 2.0, 3.0]))
        rx.Normal("o", 0.0, 3.0, shape=3, transform=rx.transforms.ordered)
        chol = rx.LKJCholeskyCov("chol", eta=2.0, n=3, sd_dist=rx.Exponential.dist(1.0), compute_corr=False)
        lam = rx.Gamma("lam", 2.0, 1.5)
        rx.StudentT("t", nu=4.0, mu=mu, sigma=sigma)
        rx.LogNormal("lg", 0.0, 1.0)
        rx.Exponential("ex", 0.5)
        rx.HalfCauchy("c", beta=2.0)
        rx.VonMises("vm", mu=0.3, kappa=2.0)
        rx.HalfNormal("cc", 1.0, shape=2, transform=rx.transforms.ordered)
        m.register_rv(rx.LKJCorr.dist(n=3, eta=2.0, return_matrix=True), "C")  # the full matrix
        rx.Poisson("k", lam, observed=K_OBS)
        rx.Bernoulli("b", p, observed=B_OBS)
        rx.Normal("y", mu + u, sigma, observed=Y_OBS)
        rx.MvNormal("v", np.zeros(3), chol=expand_packed_triangular(3, chol), observed=V_OBS)
    return m


EXPECTED_VALUES = ["mu", "sigma_log__", "p_logodds__", "u_interval__", "par_interval__", "w_simplex__",
                   "o_ordered__", "chol_cholesky-cov-packed__", "lam_log__", "t", "lg_log__", "ex_log__", "c_log__",
                   "vm_circular__", "cc_log_ordered__", "C_cholesky_corr__"]


def lkj_log_normalizer(eta, n):
    """-log c_n(eta), c_n = the integral of det(C)^(eta - 1) over correlation matrices
    (Lewandowski, Kurowicka and Joe 2009). PyMC 5.28 adds +log c_n instead (a constant)."""
    k = np.arange(1, n)
    b = eta + (n - k - 1) / 2.0
    log_c = np.sum((2 * eta - 2 + n - k) * (n - k)) * np.log(2.0) + np.sum((n - k) * sps.betaln(b, b))
    return -log_c


def corr_from_unconstrained(y, n):
    """Correlation matrix from canonical partial correlations tanh(y), row by row (a loop,
    written independently of rewrax's vectorized CorrMatrix transform)."""
    z = jnp.tanh(y)
    L, k = jnp.zeros((n, n)), 0
    for i in range(n):
        remaining = 1.0
        for j in range(i):
            L = L.at[i, j].set(z[k] * jnp.sqrt(remaining))
            remaining = remaining - L[i, j] ** 2
            k += 1
        L = L.at[i, i].set(jnp.sqrt(remaining))
    return L @ L.T


def lkj_corr_term(y, eta, n):
    """LKJ log-density of the correlation matrix at y, plus log|det| of the map y -> C's free entries."""
    rows, cols = np.tril_indices(n, -1)
    C = corr_from_unconstrained(y, n)
    jac = jax.jacobian(lambda v: corr_from_unconstrained(v, n)[rows, cols])(y)
    return (eta - 1) * jnp.linalg.slogdet(C)[1] + lkj_log_normalizer(eta, n) + jnp.linalg.slogdet(jac)[1]


def lkj_cholesky_cov_logp(packed, eta, n):
    """The density of the packed factor L = diag(sd) L_corr, sd ~ Exponential(1): LKJ on the
    correlation factor, times the Jacobian prod_i L_corr_ii / sd_i^i of (sd, L_corr) -> L."""
    L = jnp.zeros((n, n)).at[np.tril_indices(n)].set(packed)
    sd = jnp.sqrt(jnp.sum(L ** 2, axis=1))
    corr_diag = jnp.diag(L) / sd
    idx = np.arange(n)
    logp_lkj = jnp.sum((2 * eta - 3 + n - idx) * jnp.log(corr_diag))
    det_invjac = jnp.sum(jnp.log(corr_diag) - idx * jnp.log(sd))
    return lkj_log_normalizer(eta, n) + logp_lkj + jnp.sum(jst.expon.logpdf(sd)) + det_invjac


def reference_logp(v):
    """The model's log-density at the unconstrained point ``v`` (dict), with Jacobians."""
    return sum(_reference_terms(v))


def _reference_terms(v):
    """One term per random variable, in model order (free variables with their Jacobians)."""
    sig = jax.nn.sigmoid
    mu, s = v["mu"], v["sigma_log__"]
    sigma = jnp.exp(s)
    p = sig(v["p_logodds__"])
    u = -1.0 + 3.0 * sig(v["u_interval__"])
    par = 1.0 + jnp.exp(v["par_interval__"])
    ws = jnp.concatenate([v["w_simplex__"], -jnp.sum(v["w_simplex__"], keepdims=True)])
    w = jax.nn.softmax(ws)
    yo = v["o_ordered__"]
    o = jnp.cumsum(jnp.concatenate([yo[:1], jnp.exp(yo[1:])]))
    packed = v["chol_cholesky-cov-packed__"].at[DIAG].set(jnp.exp(v["chol_cholesky-cov-packed__"][DIAG]))
    lam = jnp.exp(v["lam_log__"])
    lg, ex, c = jnp.exp(v["lg_log__"]), jnp.exp(v["ex_log__"]), jnp.exp(v["c_log__"])
    vm = v["vm_circular__"] - 2 * np.pi * jnp.floor((v["vm_circular__"] + np.pi) / (2 * np.pi))
    ycc = v["cc_log_ordered__"]
    zcc = jnp.cumsum(jnp.concatenate([ycc[:1], jnp.exp(ycc[1:])]))
    cc = jnp.exp(zcc)
    L = jnp.zeros((3, 3)).at[np.tril_indices(3)].set(packed)
    terms = [
        jst.norm.logpdf(mu, 0.5, 2.0),
        np.log(2) + jst.norm.logpdf(sigma, 0, 1.5) + s,
        jst.beta.logpdf(p, 2.0, 3.0) + jnp.log(p) + jnp.log1p(-p),
        -np.log(3.0) + np.log(3.0) + jnp.log(sig(v["u_interval__"])) + jnp.log1p(-sig(v["u_interval__"])),
        jst.pareto.logpdf(par, 3.0, scale=1.0) + v["par_interval__"],
        jst.dirichlet.logpdf(w, jnp.array([1.0, 2.0, 3.0])) + np.log(3.0) + jnp.sum(jnp.log(w)),
        jnp.sum(jst.norm.logpdf(o, 0, 3.0)) + jnp.sum(yo[1:]),
        lkj_cholesky_cov_logp(packed, 2.0, 3) + jnp.sum(v["chol_cholesky-cov-packed__"][DIAG]),
        jst.gamma.logpdf(lam, 2.0, scale=1 / 1.5) + v["lam_log__"],
        jst.t.logpdf(v["t"], 4.0, mu, sigma),
        jst.norm.logpdf(jnp.log(lg)) - jnp.log(lg) + v["lg_log__"],
        jst.expon.logpdf(ex, scale=2.0) + v["ex_log__"],
        np.log(2) + jst.cauchy.logpdf(c, 0, 2.0) + v["c_log__"],
        jst.vonmises.logpdf(vm - 0.3, 2.0),
        jnp.sum(np.log(2) + jst.norm.logpdf(cc)) + jnp.sum(zcc) + jnp.sum(ycc[1:]),
        lkj_corr_term(v["C_cholesky_corr__"], 2.0, 3),
        jnp.sum(jst.poisson.logpmf(K_OBS, lam)),
        jnp.sum(jst.bernoulli.logpmf(B_OBS, p)),
        jnp.sum(jst.norm.logpdf(Y_OBS, mu + u, sigma)),
        jnp.sum(jst.multivariate_normal.logpdf(V_OBS, jnp.zeros(3), L @ L.T)),
    ]
    return terms


@pytest.fixture(scope="module")
def model():
    return build()


@pytest.fixture(scope="module")
def reference(model):
    """Jitted value, gradient and Hessian of the reference over the raveled value point."""
    names = [v.name for v in model.value_vars]
    template = model.initial_point()

    def flat_logp(x):
        return reference_logp(_unravel(x, template, names))

    return {"value": jax.jit(flat_logp), "grad": jax.jit(jax.grad(flat_logp)),
            "hess": jax.jit(jax.hessian(flat_logp)), "names": names}


def _points(model, n=3):
    rng = np.random.default_rng(42)
    start = model.initial_point()
    return [{k: np.asarray(val + 0.5 * rng.normal(size=np.shape(val))) for k, val in start.items()} for _ in range(n)]


def _ravel(point, names):
    return jnp.concatenate([jnp.ravel(jnp.asarray(point[n])) for n in names])


def _unravel(flat, template, names):
    out, i = {}, 0
    for n in names:
        size = int(np.size(template[n]))
        out[n] = flat[i:i + size].reshape(np.shape(template[n]))
        i += size
    return out


def test_value_variables_follow_the_supports(model):
    assert [v.name for v in model.value_vars] == EXPECTED_VALUES


def test_lkj_normalizer_closed_form_and_monte_carlo():
    # n = 2: the density of r is proportional to (1 - r^2)^(eta - 1) on (-1, 1)
    np.testing.assert_allclose(lkj_log_normalizer(2.0, 2), -np.log(4.0 / 3.0), rtol=1e-12)
    r = np.random.default_rng(0).uniform(-1, 1, (400_000, 3))
    det = 1 - (r ** 2).sum(axis=1) + 2 * r.prod(axis=1)
    integral = 8 * np.mean(np.where(det > 0, det, 0.0))  # eta = 2, n = 3
    np.testing.assert_allclose(lkj_log_normalizer(2.0, 3), -np.log(integral), atol=2e-3)


def test_reference_agrees_with_scipy(model, reference):
    # the reference at a point, against the same density written with SciPy (a few pieces
    # have no SciPy version: they are checked on their own above or in test_transforms)
    point = model.initial_point()
    with jax.enable_x64(True):
        ref = float(reference["value"](_ravel(point, reference["names"])))
    v = {k: np.asarray(x, dtype=float) for k, x in point.items()}
    mu, sigma, lam = v["mu"], np.exp(v["sigma_log__"]), np.exp(v["lam_log__"])
    p, u = sps.expit(v["p_logodds__"]), -1 + 3 * sps.expit(v["u_interval__"])
    packed = v["chol_cholesky-cov-packed__"].copy()
    packed[DIAG] = np.exp(packed[DIAG])
    L = np.zeros((3, 3))
    L[np.tril_indices(3)] = packed
    scipy_part = (st.norm.logpdf(mu, 0.5, 2) + st.halfnorm.logpdf(sigma, scale=1.5) + v["sigma_log__"]
                  + st.beta.logpdf(p, 2, 3) + np.log(p * (1 - p)) + st.t.logpdf(v["t"], 4, mu, sigma)
                  + st.poisson.logpmf(K_OBS, lam).sum() + st.gamma.logpdf(lam, 2, scale=1 / 1.5) + v["lam_log__"]
                  + st.bernoulli.logpmf(B_OBS, p).sum() + st.norm.logpdf(Y_OBS, mu + u, sigma).sum()
                  + st.multivariate_normal.logpdf(V_OBS, np.zeros(3), L @ L.T).sum())
    with jax.enable_x64(True):
        sub = dict(zip(reference["names"], [jnp.asarray(point[n]) for n in reference["names"]]))
        ref_terms = _reference_terms(sub)
    picked = sum(float(ref_terms[i]) for i in (0, 1, 2, 8, 9, 16, 17, 18, 19))
    np.testing.assert_allclose(picked, scipy_part, rtol=1e-10)
    assert np.isfinite(ref)


def test_compile_logp_matches_reference(model, reference):
    f = model.compile_logp()
    with jax.enable_x64(True):
        for point in _points(model):
            expected = float(reference["value"](_ravel(point, reference["names"])))
            np.testing.assert_allclose(f(point), expected, rtol=1e-10)


def test_compile_logp_terms_sum_to_the_total(model):
    point = _points(model, 1)[0]
    terms = model.compile_logp(sum=False)(point)
    assert len(terms) == len(model.basic_RVs)
    np.testing.assert_allclose(sum(np.sum(t) for t in terms), model.compile_logp()(point), rtol=1e-12)


def test_compile_dlogp_matches_jax_grad_of_reference(model, reference):
    f = model.compile_dlogp()
    with jax.enable_x64(True):
        for point in _points(model):
            expected = reference["grad"](_ravel(point, reference["names"]))
            np.testing.assert_allclose(f(point), np.asarray(expected), rtol=1e-8, atol=1e-10)


def test_symbolic_dlogp_graph_matches_compiled_dlogp(model):
    point = _points(model, 1)[0]
    graph = model.dlogp()
    values = {v: point[v.name] for v in model.value_vars}
    np.testing.assert_allclose(graph.eval(values), model.compile_dlogp()(point), rtol=1e-9, atol=1e-10)


def test_compile_d2logp_matches_jax_hessian_of_reference(model, reference):
    f = model.compile_d2logp(negate_output=False)
    point = _points(model, 1)[0]
    with jax.enable_x64(True):
        flat = _ravel(point, reference["names"])
        expected = np.asarray(reference["hess"](flat))
    hess = f(point)
    assert hess.shape == (flat.size, flat.size)
    np.testing.assert_allclose(hess, expected, rtol=1e-7, atol=1e-8)


def test_compile_d2logp_sign_convention():
    with rx.Model() as m:
        a = rx.Normal("a", 0.0, 2.0)
        rx.HalfNormal("b", 1.0)
        rx.Normal("y", a, 1.0, observed=0.5)
    point = {"a": 0.3, "b_log__": 0.2}
    hess = m.compile_d2logp(negate_output=False)(point)
    np.testing.assert_allclose(hess[0], [-0.25 - 1.0, 0.0], atol=1e-12)
    np.testing.assert_allclose(hess[1, 1], -2 * np.exp(0.4), rtol=1e-12)  # d2/db2 of -exp(2b)/2 + b
    with warnings.catch_warnings():
        warnings.simplefilter("error", FutureWarning)
        neg = m.compile_d2logp(negate_output=True)(point)  # an explicit choice: no warning
    np.testing.assert_allclose(neg, -hess, rtol=1e-12)
    with pytest.warns(FutureWarning, match="NEGATED"):
        np.testing.assert_allclose(m.compile_d2logp()(point), -hess, rtol=1e-12)


def test_value_grad_function_and_jax_model_match_reference(model, reference):
    names = reference["names"]
    func = model.logp_dlogp_function()
    jm = model.jax_model()
    point = _points(model, 1)[0]
    with jax.enable_x64(True):
        flat = _ravel(point, names)
        ref_v, ref_g = reference["value"](flat), reference["grad"](flat)
        v, g = jax.jit(jax.value_and_grad(jm.logdensity))(point, dict(jm.data))
    logp, grad = func(func.dict_to_array(point))
    np.testing.assert_allclose(logp, ref_v, rtol=1e-10)
    np.testing.assert_allclose(grad, np.asarray(ref_g), rtol=1e-8, atol=1e-10)
    np.testing.assert_allclose(v, ref_v, rtol=1e-10)
    np.testing.assert_allclose(np.concatenate([np.ravel(g[n]) for n in names]), np.asarray(ref_g), rtol=1e-8,
                               atol=1e-10)


def test_jacobian_false_drops_every_log_jacobian(model):
    point = _points(model, 1)[0]
    with_jac = model.compile_logp(sum=False)(point)
    without = model.compile_logp(sum=False, jacobian=False)(point)
    names = [v.name for v in model.value_vars]
    # the untransformed free variable t, and the observed ones, are unchanged
    t_index = names.index("t")
    np.testing.assert_allclose(with_jac[t_index], without[t_index], rtol=1e-14)
    for a, b in zip(with_jac[len(names):], without[len(names):]):
        np.testing.assert_allclose(a, b, rtol=1e-14)
    # log: the Jacobian term of sigma_log__ is the value itself
    np.testing.assert_allclose(with_jac[1] - without[1], point["sigma_log__"], rtol=1e-12)


def test_invalid_parameters_give_minus_inf_in_compiled_densities():
    with rx.Model() as m:
        s = rx.Normal("s", 0.0, 1.0)
        rx.Normal("y", 0.0, s, observed=1.0)
    f = m.compile_logp()
    assert f({"s": -1.0}) == -np.inf
    assert np.isfinite(f({"s": 1.0}))
    func = m.logp_dlogp_function()
    logp, _ = func(np.array([-1.0]))
    assert logp == -np.inf
    # evaluating the graph eagerly raises, as rx.logp(...).eval() does
    with pytest.raises(pt.ParameterValueError, match="sigma > 0"):
        m.logp().eval({m.rvs_to_values[s]: -1.0})
    # check_bounds=False removes the checks
    with rx.Model(check_bounds=False) as m2:
        s2 = rx.Normal("s", 0.0, 1.0)
        rx.Normal("y", 0.0, s2, observed=1.0)
    assert np.isnan(m2.compile_logp()({"s": -1.0})) or np.isfinite(m2.compile_logp()({"s": -1.0}))


def test_compile_logp_point_errors_and_extra_keys():
    with rx.Model() as m:
        rx.Normal("a", 0.0, 1.0)
        rx.HalfNormal("b", 1.0)
    f = m.compile_logp()
    np.testing.assert_allclose(f({"a": 0.0, "b_log__": 0.0, "unused": 3}),
                               st.norm.logpdf(0) + st.halfnorm.logpdf(1.0), rtol=1e-12)
    with pytest.raises(KeyError, match="b_log__"):
        f({"a": 0.0})


def test_logp_vars_selection_and_errors():
    with rx.Model() as m:
        a = rx.Normal("a", 0.0, 1.0)
        y = rx.Normal("y", a, 1.0, observed=0.5)
    np.testing.assert_allclose(m.compile_logp(vars=[y])({"a": 0.1}), st.norm.logpdf(0.5, 0.1), rtol=1e-12)
    np.testing.assert_allclose(m.compile_logp(vars=["a"])({"a": 0.1}), st.norm.logpdf(0.1), rtol=1e-12)
    np.testing.assert_allclose(m.compile_logp(vars=[m.rvs_to_values[a]])({"a": 0.1}), st.norm.logpdf(0.1))
    with pytest.raises(ValueError, match="not found among the model variables"):
        m.logp(vars=[rx.Normal.dist(0, 1)])
    assert m.logp(vars=[]).eval() == 0.0


def test_unregistered_random_variables_are_an_error():
    with rx.Model() as m:
        hidden = rx.Normal.dist(0.0, 1.0)
        rx.Normal("y", hidden, 1.0, observed=0.5)
    with pytest.raises(ValueError, match="not registered in the model"):
        m.logp()


def test_logp_dlogp_function_conditional_and_errors():
    with rx.Model() as m:
        z = rx.Normal("z", 0.0, 10.0, shape=3)
        x = rx.Normal("x", z, 1.0, shape=3)
        k = rx.Poisson("k", 2.0)
    f = m.logp_dlogp_function(grad_vars=[x])
    assert [v.name for v in f.extra_vars] == ["z", "k"] and f.size == 3
    with pytest.raises(ValueError, match="Extra values are not set"):
        f(np.zeros(3))
    f.set_extra_values({"z": np.ones(3), "k": 2})
    logp, grad = f(np.zeros(3))
    expected = (st.norm.logpdf(np.ones(3), 0, 10).sum() + st.norm.logpdf(0, 1, 1) * 3 + st.poisson.logpmf(2, 2.0))
    np.testing.assert_allclose(logp, expected, rtol=1e-12)
    np.testing.assert_allclose(grad, np.ones(3), rtol=1e-12)
    with pytest.raises(ValueError, match="raveled array of 3"):
        f(np.zeros(4))
    with pytest.raises(TypeError, match="discrete"):
        m.logp_dlogp_function(grad_vars=[k])
    # the default grad_vars leave the discrete variable out
    g = m.logp_dlogp_function()
    assert [v.name for v in g.grad_vars] == ["z", "x"] and [v.name for v in g.extra_vars] == ["k"]


def test_tempered_value_grad_function():
    with rx.Model() as m:
        a = rx.Normal("a", 0.0, 1.0)
        rx.Normal("y", a, 1.0, observed=np.array([0.5, 1.5]))
    f = m.logp_dlogp_function(tempered=True)
    f.set_weights([0.5])
    logp, grad = f(np.array([0.2]))
    expected = st.norm.logpdf(0.2) + 0.5 * st.norm.logpdf([0.5, 1.5], 0.2).sum()
    np.testing.assert_allclose(logp, expected, rtol=1e-12)
    np.testing.assert_allclose(grad, [-0.2 + 0.5 * ((0.5 - 0.2) + (1.5 - 0.2))], rtol=1e-12)


def test_jax_model_is_pure_and_cached():
    with rx.Model() as m:
        mu = rx.Normal("mu", 0.0, 1.0)
        sigma = rx.HalfNormal("sigma", 1.0)
        rx.Deterministic("twice", 2 * mu)
        rx.Normal("y", mu, sigma, observed=np.array([0.1, -0.3]))
    jm = m.jax_model()
    assert m.jax_model() is jm and m.jax_model(jacobian=False) is not jm
    assert jm.value_names == ["mu", "sigma_log__"] and jm.rv_names["sigma_log__"] == "sigma"
    assert jm.shapes == {"mu": (), "sigma_log__": ()} and jm.discrete == {"mu": False, "sigma_log__": False}
    np.testing.assert_array_equal(jm.observed_data["y"], [0.1, -0.3])
    pos = {"mu": 0.3, "sigma_log__": np.log(2.0)}  # plain numbers are fine: they are made JAX arrays
    with jax.enable_x64(True):
        value = jax.jit(jm.logdensity)(pos, dict(jm.data))
        out = jax.jit(jm.constrain)(pos, dict(jm.data))
    expected = st.norm.logpdf(0.3) + st.halfnorm.logpdf(2.0) + np.log(2.0) + st.norm.logpdf([0.1, -0.3], 0.3, 2).sum()
    np.testing.assert_allclose(value, expected, rtol=1e-12)
    np.testing.assert_allclose(out["sigma"], 2.0) and np.testing.assert_allclose(out["twice"], 0.6)
    if not jax.config.jax_enable_x64:
        with pytest.raises(RuntimeError, match="64-bit"):
            jm.logdensity(pos, dict(jm.data))
    with m:
        rx.Normal("extra", 0.0, 1.0)
    assert m.jax_model() is not jm  # the structure changed


def test_logp_fn_samples_with_blackjax():
    blackjax = pytest.importorskip("blackjax")
    with rx.Model() as m:
        mu = rx.Normal("mu", 0.0, 5.0)
        rx.Normal("y", mu, 1.0, observed=np.array([4.5, 5.5]))
    logdensity, initial = m.logp_fn()
    with jax.enable_x64(True):
        nuts = blackjax.nuts(logdensity, step_size=0.8, inverse_mass_matrix=jnp.ones(1))
        state = nuts.init({k: jnp.asarray(v) for k, v in initial.items()})

        def one_step(state, key):
            state, _ = nuts.step(key, state)
            return state, state.position["mu"]

        _, draws = jax.lax.scan(one_step, state, jax.random.split(jax.random.PRNGKey(0), 2000))
    draws = np.asarray(draws)[200:]
    post_var = 1 / (1 / 25 + 2)
    post_mean = post_var * 10
    assert abs(draws.mean() - post_mean) < 0.15 and abs(draws.std() - np.sqrt(post_var)) < 0.15


def test_jax_model_with_discrete_variables():
    with rx.Model() as m:
        lam = rx.Gamma("lam", 2.0, 1.0)
        k = rx.Poisson("k", lam)
        rx.Normal("y", k, 1.0, observed=2.5)
    jm = m.jax_model()
    assert jm.discrete == {"lam_log__": False, "k": True} and jm.logdensity_flat is None
    assert jm.flat_names == ["lam_log__"] and jm.dtypes["k"].kind == "i"
    with jax.enable_x64(True):
        value = jm.logdensity({"lam_log__": 0.5, "k": 3}, dict(jm.data))
        grad = jax.grad(lambda y: jm.logdensity({"lam_log__": y, "k": 3}, dict(jm.data)))(jnp.asarray(0.5))
    lam_ = np.exp(0.5)
    expected = st.gamma.logpdf(lam_, 2.0) + 0.5 + st.poisson.logpmf(3, lam_) + st.norm.logpdf(2.5, 3)
    np.testing.assert_allclose(value, expected, rtol=1e-12)
    # d/dy of [(2 - 1) log lam - lam + y + 3 log lam - lam], lam = exp(y)
    np.testing.assert_allclose(grad, 1 - lam_ + 1 + 3 - lam_, rtol=1e-10)


def test_models_without_free_variables():
    with rx.Model() as m:
        rx.Normal("y", 0.0, 1.0, observed=np.array([0.5, -0.5]))
    expected = st.norm.logpdf([0.5, -0.5]).sum()
    np.testing.assert_allclose(m.compile_logp()({}), expected, rtol=1e-12)
    f = m.logp_dlogp_function()
    logp, grad = f(np.zeros(0))
    assert f.size == 0 and grad.shape == (0,)
    np.testing.assert_allclose(logp, expected, rtol=1e-12)
    logdensity, initial = m.logp_fn()
    assert initial == {}
    with jax.enable_x64(True):
        np.testing.assert_allclose(logdensity({}), expected, rtol=1e-12)
