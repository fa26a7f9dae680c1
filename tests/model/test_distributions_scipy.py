"""Every univariate distribution's logp / logcdf / icdf against SciPy, edges and invalid parameters included."""

import numpy as np
import pytest
import scipy.stats as st

import rewrax as rx
import rewrax.symbolic as pt
from dist_cases import CONTINUOUS, DISCRETE

CASES = CONTINUOUS + DISCRETE
RTOL = 1e-9


def _value_var(case):
    return pt.vector("v", dtype="int64") if case in DISCRETE else pt.vector("v")


def _ref_logp(case, v):
    ref = case.ref
    with np.errstate(all="ignore"):
        return ref.logpmf(v) if hasattr(ref, "logpmf") else ref.logpdf(v)


@pytest.mark.parametrize("case", CASES, ids=[c.id for c in CASES])
def test_logp_matches_reference(case):
    dist = getattr(rx, case.name).dist(**case.params)
    v = _value_var(case)
    values = np.array(case.values, dtype=v.type.dtype)
    got = rx.logp(dist, v).eval({v: values})
    np.testing.assert_allclose(got, _ref_logp(case, values), rtol=RTOL, atol=1e-300)


@pytest.mark.parametrize("case", [c for c in CASES if c.logcdf], ids=[c.id for c in CASES if c.logcdf])
def test_logcdf_matches_reference(case):
    dist = getattr(rx, case.name).dist(**case.params)
    v = _value_var(case)
    values = np.array(case.values, dtype=v.type.dtype)
    with np.errstate(all="ignore"):
        expected = case.ref.logcdf(values)
        if hasattr(case.ref, "sf"):  # in the upper tail log1p(-sf) is the accurate reference
            expected = np.where(case.ref.cdf(values) > 0.5, np.log1p(-case.ref.sf(values)), expected)
    np.testing.assert_allclose(rx.logcdf(dist, v).eval({v: values}), expected, rtol=1e-8, atol=1e-300)


@pytest.mark.parametrize("case", [c for c in CASES if c.icdf], ids=[c.id for c in CASES if c.icdf])
def test_icdf_matches_reference(case):
    dist = getattr(rx, case.name).dist(**case.params)
    q = pt.vector("q")
    probs = np.array([0.0, 1e-6, 0.01, 0.3, 0.5, 0.77, 0.99, 1.0])
    np.testing.assert_allclose(rx.icdf(dist, q).eval({q: probs}), case.ref.ppf(probs), rtol=1e-8, atol=1e-12)
    outside = rx.icdf(dist, q).eval({q: np.array([-0.1, 1.5])})
    assert np.isnan(outside).all()  # PyMC's convention: probabilities outside [0, 1] give NaN


@pytest.mark.parametrize("case", [c for c in CASES if c.invalid], ids=[c.id for c in CASES if c.invalid])
def test_invalid_parameters_raise_naming_the_condition(case):
    params = {**case.params, **case.invalid}
    dist = getattr(rx, case.name).dist(**params)
    value = case.values[len(case.values) // 2]
    graph = rx.logp(dist, value)
    assert "Check{" in str(graph.owner.op)
    with pytest.raises(pt.ParameterValueError, match=str(graph.owner.op.msg).split(",")[0].split(" ")[0]):
        graph.eval()


def test_logp_is_named_after_the_variable():
    x = rx.Normal.dist(0, 1)
    x.name = "x"
    assert rx.logp(x, 0.5).name == "x_logprob"
    assert rx.logcdf(x, 0.5).name == "x_logcdf"
    assert rx.logp(rx.Normal.dist(0, 1), 0.5).name is None


@pytest.mark.parametrize("name, params, ref", [
    ("Normal", dict(mu=np.array([0.0, 1.0, 2.0]), sigma=np.array([[1.0], [2.0]])),
     lambda v: st.norm(np.array([0.0, 1.0, 2.0]), np.array([[1.0], [2.0]])).logpdf(v)),
    ("Gamma", dict(alpha=np.array([1.0, 2.0, 5.0]), beta=2.0), lambda v: st.gamma(np.array([1.0, 2.0, 5.0]), scale=0.5).logpdf(v)),
    ("Beta", dict(alpha=np.array([[0.5], [2.0]]), beta=np.array([1.0, 3.0, 7.0])),
     lambda v: st.beta(np.array([[0.5], [2.0]]), np.array([1.0, 3.0, 7.0])).logpdf(v)),
    ("StudentT", dict(nu=np.array([1.0, 30.0]), mu=0.0, sigma=np.array([[1.0], [3.0]])),
     lambda v: st.t(np.array([1.0, 30.0]), 0, np.array([[1.0], [3.0]])).logpdf(v)),
])
def test_batched_parameters_broadcast(name, params, ref):
    dist = getattr(rx, name).dist(**params)
    values = np.linspace(0.1, 0.9, int(np.prod(dist.type.shape))).reshape(dist.type.shape)
    np.testing.assert_allclose(rx.logp(dist, values).eval(), ref(values), rtol=1e-10)
    # a value with an extra batch dimension broadcasts against the parameters too
    stacked = np.stack([values, values * 0.5])
    np.testing.assert_allclose(rx.logp(dist, stacked).eval(), ref(stacked), rtol=1e-10)


def test_discrete_batched_parameters():
    dist = rx.Binomial.dist(n=np.array([5, 10, 20]), p=np.array([[0.1], [0.5]]))
    k = np.array([[0, 5, 7], [2, 10, 21]])
    np.testing.assert_allclose(rx.logp(dist, k).eval(), st.binom([5, 10, 20], [[0.1], [0.5]]).logpmf(k), rtol=1e-10)


def test_categorical_logp_and_logit_form():
    p = np.array([[0.2, 0.3, 0.5], [0.6, 0.3, 0.1]])
    dist = rx.Categorical.dist(p=p)
    k = np.array([[0, 2], [2, 1], [3, -1]])
    expected = np.where((k < 0) | (k > 2), -np.inf, np.log(p[np.arange(2), np.clip(k, 0, 2)]))
    np.testing.assert_allclose(rx.logp(dist, k).eval(), expected)
    logits = np.array([1.0, 2.0, -800.0])
    lp = rx.logp(rx.Categorical.dist(logit_p=logits), np.array([0, 1, 2])).eval()
    np.testing.assert_allclose(lp, logits - np.logaddexp.reduce(logits), rtol=1e-12)
    with pytest.warns(UserWarning, match="rescaled"):
        rescaled = rx.Categorical.dist(p=[1.0, 1.0])
    np.testing.assert_allclose(rx.logp(rescaled, 0).eval(), np.log(0.5))


def test_dirac_delta():
    d = rx.DiracDelta.dist(2.5)
    np.testing.assert_array_equal(rx.logp(d, np.array([2.5, 2.0])).eval(), [0.0, -np.inf])
    assert float(rx.draw(d)) == 2.5
