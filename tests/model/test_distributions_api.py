"""The Distribution API: .dist and named forms, shapes from shape/size/dims/observed, supports, errors."""

import numpy as np
import pytest

import rewrax as rx
import rewrax.symbolic as pt
from rewrax.model import constraints
from rewrax.model.distributions import support, support_point


def test_dist_keeps_parameters_as_given_and_is_unnamed():
    x = rx.Normal.dist(mu=np.array([0, 0]), sigma=np.array([1, 2]))
    mu, sigma = x.owner.inputs[2:]
    assert mu.type.dtype == "int64" and str(mu) == "[0 0]" and str(sigma) == "[1 2]"
    assert x.name is None and x.type.shape == (2,)
    assert str(rx.Normal.dist(0, 1).owner.inputs[-1]) == "1"


def test_named_form_needs_a_model():
    with pytest.raises(TypeError, match="No model on context stack"):
        rx.Normal("x", 0, 1)


def test_named_form_registers_and_names():
    with rx.Model() as m:
        z = rx.Normal("z", 0, 5)
        with pytest.raises(TypeError, match="Name needs to be a string"):
            rx.Normal(3, 0, 1)
    assert z.name == "z" and m.free_RVs == [z] and isinstance(z.owner.op, pt.random.NormalRV)


def test_shape_from_dims_and_observed():
    with rx.Model(coords={"city": ["a", "b", "c"], "year": [1, 2]}) as m:
        a = rx.Normal("a", 0, 1, dims="city")
        b = rx.Normal("b", 0, 1, dims=("year", "city"))
        y = rx.Normal("y", a, 1, observed=np.zeros((4, 3)))
        w = rx.MvNormal("w", mu=np.zeros(3), cov=np.eye(3), shape=(2, 3))
    assert a.type.shape == (3,) and b.type.shape == (2, 3) and y.type.shape == (4, 3)
    assert w.type.shape == (2, 3) and rx.draw(w).shape == (2, 3)
    assert m.named_vars_to_dims.get("b") == ("year", "city")


def test_shape_size_rules():
    assert rx.Normal.dist(0, 1, shape=3).type.shape == (3,)
    assert rx.Normal.dist(0, 1, size=(2, 3)).type.shape == (2, 3)
    assert rx.Dirichlet.dist(np.ones(3), shape=(5, 3)).type.shape == (5, 3)
    with pytest.raises(ValueError, match="not both"):
        rx.Normal.dist(0, 1, shape=3, size=3)
    with pytest.raises(ValueError, match="shape"):
        rx.MvNormal.dist(np.zeros(3), np.eye(3), shape=(2, 4))
    with pytest.raises(ValueError):
        rx.Normal.dist(np.zeros(3), 1, shape=(2,))
    with pytest.raises(TypeError, match="unexpected keyword argument"):
        rx.Normal.dist(0, sd=1)


@pytest.mark.parametrize("make, expected", [
    (lambda: rx.Normal.dist(0, 1), constraints.real),
    (lambda: rx.HalfNormal.dist(1.0), constraints.positive),
    (lambda: rx.Beta.dist(2.0, 2.0), constraints.unit_interval),
    (lambda: rx.Dirichlet.dist(np.ones(3)), constraints.simplex),
    (lambda: rx.Poisson.dist(2.0), constraints.nonnegative_integer),
    (lambda: rx.Bernoulli.dist(0.5), constraints.boolean),
    (lambda: rx.VonMises.dist(0.0, 1.0), constraints.circular),
])
def test_support_constraints(make, expected):
    assert support(make()) == expected


def test_parametrized_supports_and_event_dims():
    u = rx.Uniform.dist(-1.0, 2.0)
    c = support(u)
    assert c.name == "interval" and float(c.lower.eval()) == -1.0 and c.event_dim == 0
    assert support(rx.Pareto.dist(2.0, 3.0)).name == "greater_than"
    assert support(rx.Binomial.dist(5, 0.3)).is_discrete
    assert support(rx.LKJCholeskyCov.dist(2.0, 3, rx.Exponential.dist(1.0))).n == 3
    assert support(rx.Censored.dist(rx.Normal.dist(), -1.0, 1.0)).name == "censored"
    assert support(pt.clip(rx.Normal.dist(), -1.0, 1.0)).name == "censored"
    tn = support(rx.TruncatedNormal.dist(0.0, 1.0, lower=0.0))
    assert tn.name == "greater_than"
    assert constraints.interval(None, None) == constraints.real


@pytest.mark.parametrize("make, expected", [
    (lambda: rx.Normal.dist(mu=[1.0, 2.0], sigma=1.0), [1.0, 2.0]),
    (lambda: rx.Normal.dist(mu=3.0, sigma=1.0, size=(2,)), [3.0, 3.0]),
    (lambda: rx.Gamma.dist(alpha=2.0, beta=4.0), 0.5),
    (lambda: rx.Beta.dist(alpha=1.0, beta=3.0), 0.25),
    (lambda: rx.Poisson.dist(mu=3.7), 3),
    (lambda: rx.Uniform.dist(-1.0, 3.0), 1.0),
    (lambda: rx.Dirichlet.dist(np.array([1.0, 3.0])), [0.25, 0.75]),
    (lambda: rx.Multinomial.dist(10, np.array([0.33, 0.33, 0.34])), [3, 3, 4]),
    (lambda: rx.TruncatedNormal.dist(0.0, 1.0, lower=2.0, upper=4.0), 3.0),
    (lambda: rx.Categorical.dist(p=[0.1, 0.7, 0.2]), 1),
    (lambda: rx.Flat.dist(size=2), [0.0, 0.0]),
])
def test_support_point(make, expected):
    rv = make()
    point = support_point(rv)
    assert point.type.dtype == rv.type.dtype and point.type.ndim == rv.type.ndim
    np.testing.assert_allclose(point.eval(), expected)
    assert not any(v.owner is not None and isinstance(v.owner.op, pt.random.RandomVariable)
                   for v in rx.ancestors([point]))


def test_support_point_is_in_the_support_and_finite():
    cases = [rx.HalfCauchy.dist(2.0), rx.InverseGamma.dist(0.5, 1.0), rx.Pareto.dist(2.0, 1.0),
             rx.Wald.dist(1.0, 2.0), rx.Weibull.dist(2.0, 1.0), rx.Kumaraswamy.dist(2.0, 3.0),
             rx.LKJCholeskyCov.dist(2.0, 3, rx.Exponential.dist(1.0)), rx.ZeroInflatedPoisson.dist(0.5, 4.0),
             rx.Mixture.dist([0.5, 0.5], [rx.Normal.dist(-1.0), rx.Normal.dist(3.0)])]
    for rv in cases:
        point = support_point(rv)
        lp = rx.logp(rv, point).eval()
        assert np.all(np.isfinite(lp)), rv.owner.op


def test_print_names_for_the_model_repr():
    cases = {rx.HalfNormal.dist(3): ("HalfNormal", ["0.0", "3"]), rx.Exponential.dist(2.0): ("Exponential", None),
             rx.Bernoulli.dist(0.3): ("Bernoulli", ["0.3"])}
    for rv, (name, params) in cases.items():
        assert rv.owner.op.print_name == name
        if params:
            assert [str(p) for p in rv.owner.op.dist_params(rv.owner)] == params


def test_alternative_parameterizations_agree():
    v = np.array([0.3, 1.7])
    np.testing.assert_allclose(rx.logp(rx.Gamma.dist(mu=2.0, sigma=1.0), v).eval(),
                               rx.logp(rx.Gamma.dist(alpha=4.0, beta=2.0), v).eval())
    np.testing.assert_allclose(rx.logp(rx.Normal.dist(0.0, tau=4.0), v).eval(), rx.logp(rx.Normal.dist(0.0, 0.5), v).eval())
    np.testing.assert_allclose(rx.logp(rx.Exponential.dist(scale=2.0), v).eval(), rx.logp(rx.Exponential.dist(0.5), v).eval())
    np.testing.assert_allclose(rx.logp(rx.StudentT.dist(3.0, 0.0, lam=4.0), v).eval(),
                               rx.logp(rx.StudentT.dist(3.0, 0.0, sigma=0.5), v).eval())
    k = np.array([0, 3, 7])
    np.testing.assert_allclose(rx.logp(rx.NegativeBinomial.dist(mu=3.0, alpha=2.0), k).eval(),
                               rx.logp(rx.NegativeBinomial.dist(n=2.0, p=0.4), k).eval())
    np.testing.assert_allclose(rx.logp(rx.Wald.dist(mu=2.0, phi=1.5), v).eval(), rx.logp(rx.Wald.dist(2.0, 3.0), v).eval())
    for bad in (lambda: rx.Normal.dist(0, sigma=1.0, tau=1.0), lambda: rx.Bernoulli.dist(p=0.5, logit_p=0.0),
                lambda: rx.Bernoulli.dist(), lambda: rx.Gamma.dist(alpha=1.0), lambda: rx.MvNormal.dist(np.zeros(2)),
                lambda: rx.NegativeBinomial.dist(mu=1.0, p=0.5), lambda: rx.Exponential.dist(lam=1.0, scale=1.0)):
        with pytest.raises(ValueError):
            bad()


def test_wrappers_reject_registered_or_non_random_inputs():
    with rx.Model():
        x = rx.Normal("x", 0, 1)
    with pytest.raises(ValueError, match="unregistered"):
        rx.Censored.dist(x, -1.0, 1.0)
    with pytest.raises(TypeError, match=r"\.dist\(\)"):
        rx.Mixture.dist([0.5, 0.5], [np.zeros(2), rx.Normal.dist()])
    with pytest.raises(TypeError, match="sd_dist"):
        rx.LKJCholeskyCov.dist(2.0, 3, sd_dist=np.ones(3))
