"""pm.math and PyMC's simple top-level names: every function evaluates and matches NumPy/SciPy."""

from __future__ import annotations

import warnings

import numpy as np
import pytest
import scipy.special as sp
import scipy.stats as st

import rewrax as pm
import rewrax.symbolic as pt
from rewrax import math as pmm

X = np.array([-1.5, -0.2, 0.3, 2.0])
P = np.array([0.01, 0.3, 0.5, 0.99])
POS = np.array([0.5, 1.0, 2.0, 7.0])
M = np.array([[2.0, 1.0], [1.0, 3.0]])

ELEMWISE = {
    "abs": (X, np.abs), "arccos": (P, np.arccos), "arccosh": (POS + 1, np.arccosh), "arcsin": (P, np.arcsin),
    "arcsinh": (X, np.arcsinh), "arctan": (X, np.arctan), "arctanh": (P - 0.5, np.arctanh), "ceil": (X, np.ceil),
    "cos": (X, np.cos), "cosh": (X, np.cosh), "erf": (X, sp.erf), "erfc": (X, sp.erfc), "erfcinv": (P, sp.erfcinv),
    "erfinv": (P - 0.5, sp.erfinv), "exp": (X, np.exp), "floor": (X, np.floor), "log": (POS, np.log),
    "sgn": (X, np.sign), "sigmoid": (X, sp.expit), "invlogit": (X, sp.expit), "logit": (P, sp.logit),
    "sin": (X, np.sin), "sinh": (X, np.sinh), "sqr": (X, np.square), "sqrt": (POS, np.sqrt), "tan": (X, np.tan),
    "tanh": (X, np.tanh), "round": (X * 3, np.round), "log1pexp": (X * 100, lambda v: np.logaddexp(0, v)),
    "log1mexp": (-POS, lambda v: np.log(-np.expm1(v))), "probit": (P, st.norm.ppf), "invprobit": (X, st.norm.cdf),
    "flatten": (M, np.ravel), "ones_like": (X, np.ones_like), "zeros_like": (X, np.zeros_like),
    "cumsum": (X, np.cumsum), "cumprod": (X, np.cumprod), "diff": (X, np.diff),
    "logdet": (M, lambda m: np.linalg.slogdet(m)[1]),
    "softmax": (X, sp.softmax), "log_softmax": (X, sp.log_softmax), "logsumexp": (X, sp.logsumexp),
    "sum": (M, np.sum), "prod": (M, np.prod), "mean": (M, np.mean), "max": (M, np.max), "min": (M, np.min),
}

BINARY = {
    "and_": (X > 0, X > 1, np.logical_and), "or_": (X > 0, X > 1, np.logical_or), "eq": (X, X[::-1], np.equal),
    "neq": (X, X[::-1], np.not_equal), "ge": (X, 0.3, np.greater_equal), "gt": (X, 0.3, np.greater),
    "le": (X, 0.3, np.less_equal), "lt": (X, 0.3, np.less), "maximum": (X, 0.0, np.maximum),
    "minimum": (X, 0.0, np.minimum), "logaddexp": (X, X[::-1], np.logaddexp), "dot": (M, M, np.dot),
    "matmul": (M, M, np.matmul), "logdiffexp": (POS, X - 2, lambda a, b: np.log(np.exp(a) - np.exp(b))),
}


@pytest.mark.parametrize("name", list(ELEMWISE))
def test_unary_math_matches_numpy(name):
    value, ref = ELEMWISE[name]
    np.testing.assert_allclose(getattr(pm.math, name)(pt.as_tensor(value)).eval(), ref(value), rtol=1e-12, atol=1e-14)


@pytest.mark.parametrize("name", list(BINARY))
def test_binary_math_matches_numpy(name):
    a, b, ref = BINARY[name]
    np.testing.assert_allclose(getattr(pm.math, name)(pt.as_tensor(a), b).eval(), ref(a, b), rtol=1e-12)


def test_constructors_and_joins():
    np.testing.assert_array_equal(pm.math.switch(X > 0, X, 0).eval(), np.where(X > 0, X, 0))
    np.testing.assert_array_equal(pm.math.where(X > 0, 1.0, -1.0).eval(), np.where(X > 0, 1.0, -1.0))
    np.testing.assert_array_equal(pm.math.clip(X, -1, 1).eval(), np.clip(X, -1, 1))
    np.testing.assert_array_equal(pm.math.concatenate([X, X]).eval(), np.concatenate([X, X]))
    np.testing.assert_array_equal(pm.math.stack([X, X]).eval(), np.stack([X, X]))
    np.testing.assert_array_equal(pm.math.full((2, 3), 4.0).eval(), np.full((2, 3), 4.0))
    np.testing.assert_array_equal(pm.math.full_like(X, 2.0).eval(), np.full_like(X, 2.0))
    np.testing.assert_array_equal(pm.math.ones((2,)).eval(), np.ones(2))
    np.testing.assert_array_equal(pm.math.zeros((2,)).eval(), np.zeros(2))
    np.testing.assert_array_equal(pm.math.broadcast_to(X, (2, 4)).eval(), np.broadcast_to(X, (2, 4)))
    np.testing.assert_array_equal(pm.math.constant(X).eval(), X)
    np.testing.assert_array_equal(pm.math.as_tensor(X).eval(), X)


def test_logdiffexp_is_accurate_and_handles_minus_infinity():
    # log(e^0 - e^-40): the naive form loses everything below 1e-17
    assert float(pm.math.logdiffexp(0.0, -40.0).eval()) == pytest.approx(np.log1p(-np.exp(-40.0)), abs=1e-30)
    assert float(pm.math.logdiffexp(1.5, -np.inf).eval()) == 1.5
    assert float(pm.math.logdiffexp(-800.0, -801.0).eval()) == pytest.approx(-800 + np.log1p(-np.exp(-1.0)))


def test_log1mexp_negative_input_convention():
    assert float(pm.math.log1mexp(-1e-20).eval()) == pytest.approx(np.log(1e-20))
    with pytest.warns(FutureWarning, match="now the default"):
        pm.math.log1mexp(-1.0, negative_input=True)
    with pytest.raises(ValueError, match="no longer supported"):
        pm.math.log1mexp(1.0, negative_input=False)


def test_kronecker_helpers_match_numpy():
    rng = np.random.default_rng(3)
    k1, k2 = rng.normal(size=(2, 2)), rng.normal(size=(3, 3))
    m = rng.normal(size=(6, 2))
    np.testing.assert_allclose(pm.math.kronecker(k1, k2, np.eye(1)).eval(), np.kron(np.kron(k1, k2), np.eye(1)))
    np.testing.assert_allclose(pm.math.kron_dot([k1, k2], m).eval(), np.kron(k1, k2) @ m)
    l1, l2 = np.tril(k1) + 3 * np.eye(2), np.tril(k2) + 3 * np.eye(3)
    np.testing.assert_allclose(pm.math.kron_solve_lower([l1, l2], m[:, 0]).eval(),
                               np.linalg.solve(np.kron(l1, l2), m[:, :1]))
    np.testing.assert_allclose(pm.math.kron_solve_upper([l1.T, l2.T], m).eval(),
                               np.linalg.solve(np.kron(l1.T, l2.T), m))
    np.testing.assert_allclose(pm.math.kron_diag(np.diag(k1), np.diag(k2)).eval(), np.kron(np.diag(k1), np.diag(k2)))
    np.testing.assert_allclose(pm.math.flat_outer(X, X[:2]).eval(), np.outer(X, X[:2]).ravel())


def test_packed_triangular_batched_diag_block_diagonal_cartesian():
    packed = np.arange(1.0, 7.0)
    low = np.zeros((3, 3))
    low[np.tril_indices(3)] = packed
    up = np.zeros((3, 3))
    up[np.triu_indices(3)] = packed
    np.testing.assert_array_equal(pm.math.expand_packed_triangular(3, packed).eval(), low)
    np.testing.assert_array_equal(pm.expand_packed_triangular(3, packed, lower=False).eval(), up)
    np.testing.assert_array_equal(pm.math.expand_packed_triangular(3, packed, diagonal_only=True).eval(), np.diag(low))
    np.testing.assert_array_equal(pm.math.expand_packed_triangular(3, packed, lower=False, diagonal_only=True).eval(),
                                  np.diag(up))
    with pytest.raises(TypeError, match="n must be an integer"):
        pm.math.expand_packed_triangular(3.0, packed)
    d = np.arange(6.0).reshape(2, 3)
    np.testing.assert_array_equal(pm.math.batched_diag(d).eval(), np.stack([np.diag(r) for r in d]))
    np.testing.assert_array_equal(pm.math.batched_diag(np.stack([M, M])).eval(), np.stack([np.diag(M)] * 2))
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        bd = pm.math.block_diagonal([M, np.ones((1, 1))]).eval()
    np.testing.assert_array_equal(bd, [[2, 1, 0], [1, 3, 0], [0, 0, 1]])
    np.testing.assert_array_equal(pm.math.cartesian([1, 2], [3, 4, 5]),
                                  [[1, 3], [1, 4], [1, 5], [2, 3], [2, 4], [2, 5]])
    np.testing.assert_array_equal(pm.math.flatten_list([M, X]).eval(), np.concatenate([M.ravel(), X]))


def test_logbern_draws_with_the_given_probability():
    rng = np.random.default_rng(0)
    hits = np.mean([pm.math.logbern(np.log(0.3), rng) for _ in range(4000)])
    assert abs(hits - 0.3) < 0.03
    with pytest.raises(FloatingPointError):
        pm.math.logbern(np.nan)


def test_top_level_aliases_are_pm_math():
    for name in ("logaddexp", "logsumexp", "invlogit", "logit", "probit", "invprobit", "expand_packed_triangular"):
        assert getattr(pm, name) is getattr(pmm, name)
    assert sorted(set(pmm.__all__)) == sorted(n for n in pmm.__all__ if hasattr(pmm, n))


def test_pytensorf_helpers():
    x = pt.vector("x")
    np.testing.assert_allclose(pm.gradient((x ** 3).sum()).eval({x: [1.0, 2.0]}), [3.0, 12.0])
    with pytest.warns(FutureWarning):
        h = pm.pytensorf.hessian((x ** 3).sum(), [x])
    np.testing.assert_allclose(h.eval({x: [1.0, 2.0]}), -np.diag([6.0, 12.0]))
    np.testing.assert_allclose(pm.hessian_diag((x ** 3).sum(), [x], negate_output=False).eval({x: [1.0, 2.0]}), [6, 12])
    assert pm.floatX(np.arange(3)).dtype == np.float64 and pm.intX(np.arange(3.0)).dtype == np.int32
    assert pm.inputvars(x * 2 + pt.constant(1.0)) == [x]
    with pytest.raises(ValueError, match="requires vars"):
        pm.gradient(x.sum() + pt.scalar("y"))


def test_model_helpers_agree_with_the_model():
    with pm.Model() as m:
        mu = pm.Normal("mu", 0, 2)
        s = pm.HalfNormal("s", 1)
        pm.Normal("y", mu, s, observed=[1.0, 2.0, 3.0])
    ip = m.initial_point()
    [lp], joined = pm.join_nonshared_inputs(ip, [m.logp()], m.value_vars)
    assert float(lp.eval({joined: [0.0, 0.0]})) == pytest.approx(float(m.compile_logp()(ip)))
    assert float(pm.compile_fn(m.logp(), model=m)(ip)) == pytest.approx(float(m.compile_logp()(ip)))
    # d2 logp of mu at (0, log s = 0): -(1/4 + 3)
    np.testing.assert_allclose(pm.find_hessian(ip, model=m)[0, 0], 3.25)
    assert pm.Point({"mu": 1, "zz": 2}, model=m, filter_model_vars=True) == {"mu": np.array(1)}
    assert pm.str_for_dist(mu) == "mu ~ Normal(0, 2)"
    assert pm.model_to_mermaid(m).splitlines()[0] == "graph TD" and "mu --> y" in pm.model_to_mermaid(m)
    raveled = pm.DictToArrayBijection.map(ip)
    assert set(pm.DictToArrayBijection.rmap(raveled)) == set(ip)
    assert float(pm.logccdf(pm.Normal.dist(0, 1), 1.0).eval()) == pytest.approx(st.norm.logsf(1.0))


def test_find_constrained_prior_puts_the_mass_between_the_bounds():
    p = pm.find_constrained_prior(pm.Normal, lower=0, upper=1, mass=0.95, init_guess={"mu": 0.5, "sigma": 0.2})
    assert st.norm(p["mu"], p["sigma"]).cdf(1) - st.norm(p["mu"], p["sigma"]).cdf(0) == pytest.approx(0.95, abs=1e-3)
    with pytest.raises(AssertionError, match="between 0.01 and 0.99"):
        pm.find_constrained_prior(pm.Normal, lower=0, upper=1, mass=1.0, init_guess={"mu": 0.0, "sigma": 1.0})


def test_exceptions_and_vartypes():
    assert str(pm.ShapeError("bad", actual=(3,), expected=(4,))) == "bad (actual (3,) != expected (4,))"
    assert issubclass(pm.IncorrectArgumentsError, ValueError) and issubclass(pm.ShapeWarning, UserWarning)
    assert "float64" in pm.continuous_types and "int64" in pm.discrete_types
    assert [v.name for v in pm.typefilter([pt.scalar("a"), pt.iscalar("n")], pm.continuous_types)] == ["a"]


def test_distributions_package_and_transforms():
    from rewrax.distributions.transforms import ordered, sum_to_1

    import rewrax.model.distributions as md

    assert set(md.__all__) <= set(dir(pm.distributions))
    assert pm.distributions.Normal is pm.Normal
    np.testing.assert_allclose(sum_to_1.backward(np.array([0.2, 0.3])).eval(), [0.2, 0.3, 0.5])
    np.testing.assert_allclose(sum_to_1.forward(np.array([0.2, 0.3, 0.5])).eval(), [0.2, 0.3])
    assert float(sum_to_1.log_jac_det(np.array([0.2, 0.3])).eval()) == 0.0
    np.testing.assert_allclose(ordered.backward(np.zeros(3)).eval(), [0.0, 1.0, 2.0])
