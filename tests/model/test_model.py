"""The Model as a tape: context, names, value variables, transforms, coords and dims, printing."""

import numpy as np
import pytest
import scipy.stats

import rewrax as rx
import rewrax.symbolic as pt


@pytest.fixture
def model_2():
    with rx.Model() as m:
        mu = rx.Normal("mu", mu=0, sigma=2)
        sigma = rx.HalfNormal("sigma", sigma=3)
        x = rx.Normal("x", mu=mu, sigma=sigma)
    return m, mu, sigma, x


def test_context_stack_and_nesting():
    with rx.Model() as outer:
        assert rx.modelcontext(None) is outer
        with rx.Model() as inner:
            assert rx.modelcontext(None) is inner
        assert rx.modelcontext(None) is outer
    with pytest.raises(TypeError, match="No model on context stack"):
        rx.modelcontext(None)
    with pytest.raises(TypeError, match="No model on context stack"):
        rx.Normal("x", 0, 1)
    assert rx.modelcontext(outer) is outer


def test_submodel_names_are_prefixed_and_recorded_in_the_parent():
    with rx.Model() as parent:
        a = rx.Normal("a", 0, 1)
        with rx.Model("sub") as sub:
            b = rx.Normal("b", a, 1)
    assert b.name == "sub::b"
    assert parent.free_RVs == [a, b] and sub.free_RVs == [b]
    assert sub["b"] is b and parent["sub::b"] is b
    assert [v.name for v in parent.value_vars] == ["a", "sub::b"]


def test_bookkeeping_follows_creation_order(model_2):
    m, mu, sigma, x = model_2
    assert m.free_RVs == [mu, sigma, x] and m.basic_RVs == [mu, sigma, x]
    assert list(m.named_vars) == ["mu", "sigma", "x"]
    assert [v.name for v in m.value_vars] == ["mu", "sigma_log__", "x"]
    assert m.values_to_rvs[m.rvs_to_values[sigma]] is sigma
    assert m["sigma"] is sigma and "sigma" in m and "nope" not in m
    assert m.rvs_to_transforms[mu] is None and m.rvs_to_transforms[sigma].name == "log"
    with pytest.raises(KeyError, match="no variable named 'nope'"):
        m["nope"]


def test_duplicate_names_are_an_error():
    with rx.Model():
        rx.Normal("a", 0, 1)
        with pytest.raises(ValueError, match="already exists"):
            rx.Normal("a", 0, 1)
        with pytest.raises(ValueError, match="already exists"):
            rx.Deterministic("a", pt.constant(1.0))


@pytest.mark.parametrize("make,value_name,transform", [
    (lambda: rx.HalfNormal("s", 1.0), "s_log__", "log"),
    (lambda: rx.Exponential("s", 1.0), "s_log__", "log"),
    (lambda: rx.Beta("s", 2.0, 3.0), "s_logodds__", "logodds"),
    (lambda: rx.Uniform("s", -1.0, 2.0), "s_interval__", "interval"),
    (lambda: rx.Dirichlet("s", np.ones(3)), "s_simplex__", "simplex"),
    (lambda: rx.Normal("s", 0.0, 1.0), "s", None),
    (lambda: rx.Poisson("s", 3.0), "s", None),
])
def test_default_transform_by_support(make, value_name, transform):
    with rx.Model() as m:
        s = make()
    assert m.rvs_to_values[s].name == value_name
    t = m.rvs_to_transforms[s]
    assert (t is None and transform is None) or t.name == transform


def test_user_transform_and_default_transform_none():
    with rx.Model() as m:
        o = rx.Normal("o", 0.0, 1.0, shape=3, transform=rx.transforms.ordered)
        h = rx.HalfNormal("h", 1.0, default_transform=None)
        c = rx.HalfNormal("c", 1.0, shape=2, transform=rx.transforms.ordered)
    assert m.rvs_to_values[o].name == "o_ordered__"
    assert m.rvs_to_values[h].name == "h" and m.rvs_to_transforms[h] is None
    # PyMC 5: a user transform is chained after the default one
    assert m.rvs_to_values[c].name == "c_log_ordered__"
    point = m.initial_point()
    assert np.all(np.diff(rx.transforms.ordered.backward(point["o_ordered__"]).eval()) > 0)


def test_transforms_on_discrete_variables_are_an_error():
    with rx.Model():
        with pytest.raises(ValueError, match="discrete"):
            rx.Poisson("k", 3.0, transform=rx.transforms.log)


def test_observed_variables_use_their_data_and_are_never_transformed():
    data = np.array([0.5, 1.5, 2.0])
    with rx.Model() as m:
        s = rx.HalfNormal("s", 1.0, observed=data)
        with pytest.raises(ValueError, match="cannot be transformed"):
            rx.HalfNormal("t", 1.0, observed=data, transform=rx.transforms.log)
    value = m.rvs_to_values[s]
    assert value.name == "s" and isinstance(value, pt.TensorConstant)
    np.testing.assert_array_equal(value.data, data)
    assert m.rvs_to_transforms[s] is None and m.value_vars == []
    np.testing.assert_allclose(m.compile_logp()({}), scipy.stats.halfnorm.logpdf(data).sum(), rtol=1e-12)


def test_observed_shape_mismatch_and_bad_data_are_clear_errors():
    with rx.Model():
        with pytest.raises(ValueError, match="observed data for 'x' has shape"):
            rx.Normal("x", 0.0, 1.0, shape=3, observed=np.zeros(2))
        with pytest.raises(TypeError, match="non-integer"):
            rx.Poisson("k", 2.0, observed=np.array([1.0, 2.5]))
        with pytest.raises(TypeError, match="numeric"):
            rx.Normal("w", 0.0, 1.0, observed=np.array(["a", "b"]))


def test_integer_data_is_cast_to_the_variable_dtype():
    with rx.Model() as m:
        y = rx.Normal("y", 0.0, 1.0, observed=np.array([1, 2, 3]))
        k = rx.Poisson("k", 2.0, observed=np.array([1.0, 2.0]))
    assert m.rvs_to_values[y].type.dtype == "float64"
    assert m.rvs_to_values[k].type.dtype == k.type.dtype


def test_deterministic_and_potential():
    with rx.Model() as m:
        z = rx.Normal("z", 0.0, 1.0)
        d = rx.Deterministic("d", 2 * z)
        p = rx.Potential("p", -(z ** 2))
    assert d.name == "d" and m.deterministics == [d] and m.potentials == [p]
    assert z.name == "z"  # the expression was copied, not renamed
    np.testing.assert_allclose(m.compile_logp()({"z": 1.5}), scipy.stats.norm.logpdf(1.5) - 2.25, rtol=1e-12)
    np.testing.assert_allclose(m.compile_logp(vars=[p])({"z": 1.5}), -2.25)


def test_coords_and_dims():
    with rx.Model(coords={"school": ["a", "b", "c"]}) as m:
        theta = rx.Normal("theta", 0.0, 1.0, dims="school")
        with pytest.raises(ValueError, match="not specified"):
            rx.Normal("eta", 0.0, 1.0, dims="county")
        with pytest.raises(ValueError, match="length 3"):
            rx.Normal("bad", 0.0, 1.0, shape=4, dims="school")
    assert theta.type.shape == (3,)
    assert m.coords == {"school": ("a", "b", "c")} and m.dim_lengths == {"school": 3}
    assert m.named_vars_to_dims == {"theta": ("school",)}
    with pytest.raises(ValueError, match="incompatible"):
        m.add_coord("school", ["x", "y"])
    m.add_coord("school", ["a", "b", "c"])  # the same again is fine


def test_initial_point_in_value_space_and_initval():
    with rx.Model() as m:
        mu = rx.Normal("mu", 1.5, 2.0)
        sigma = rx.HalfNormal("sigma", 3.0)
        x = rx.Normal("x", mu, sigma, shape=2)
        rx.Uniform("u", -1.0, 3.0, initval=2.0)
    point = m.initial_point()
    assert list(point) == ["mu", "sigma_log__", "x", "u_interval__"]
    np.testing.assert_allclose(point["mu"], 1.5)
    np.testing.assert_allclose(point["x"], [1.5, 1.5])  # x starts at its parent's start
    # the u interval: logit((2 - (-1)) / 4)
    np.testing.assert_allclose(point["u_interval__"], np.log(3.0 / 1.0))
    assert point["sigma_log__"].dtype == np.float64 and np.isfinite(point["sigma_log__"])
    # overrides are constrained values
    over = m.initial_point(overrides={"sigma": 2.0, "mu": 0.25})
    np.testing.assert_allclose(over["sigma_log__"], np.log(2.0))
    np.testing.assert_allclose(over["x"], [0.25, 0.25])
    # jitter moves only the named variables, reproducibly
    j1 = m.initial_point(random_seed=3, jitter_rvs=[x])
    j2 = m.initial_point(random_seed=3, jitter_rvs=[x])
    np.testing.assert_array_equal(j1["x"], j2["x"])
    assert not np.allclose(j1["x"], point["x"]) and np.all(np.abs(j1["x"] - point["x"]) < 1)
    np.testing.assert_array_equal(j1["mu"], point["mu"])
    m.set_initval(mu, "prior")
    draws = {float(m.initial_point(random_seed=s)["mu"]) for s in range(5)}
    assert len(draws) == 5
    with pytest.raises(ValueError, match="does not fit"):
        m.set_initval(x, np.zeros(3))


def test_str_repr_and_latex(model_2):
    m, *_ = model_2
    text = m.str_repr()
    assert text.splitlines() == ["   mu ~ Normal(0, 2)", "sigma ~ HalfNormal(0, 3)", "    x ~ Normal(mu, sigma)"]
    assert str(m) == text
    latex = m._repr_latex_()
    assert r"\text{sigma} &\sim & \operatorname{HalfNormal}(0,~3)" in latex and latex.startswith("$$")
    with rx.Model() as m2:
        z = rx.Normal("z", mu=np.array([0, 0]), sigma=np.array([1, 2]))
        rx.Deterministic("d", 2 * z + 1)
        rx.Potential("p", -z.sum())
        rx.Normal("y", z.sum() * 2, 1.0, observed=1.0)
    lines = m2.str_repr().splitlines()
    assert lines == ["z ~ Normal(<constant>, <constant>)", "d ~ Deterministic(f(z))",
                     "y ~ Normal(f(z), 1)", "p ~ Potential(f(z))"]


def test_model_graph_edges_and_dot():
    with rx.Model(coords={"obs": range(3)}) as m:
        mu = rx.Normal("mu", 0.0, 1.0)
        sigma = rx.HalfNormal("sigma", 1.0)
        x = rx.Data("x", np.arange(3.0), dims="obs")
        rx.Deterministic("mean", mu + x, dims="obs")
        rx.Normal("y", m["mean"], sigma, observed=np.zeros(3), dims="obs")
    graph = rx.ModelGraph(m)
    assert sorted(graph.edges()) == [("mean", "y"), ("mu", "mean"), ("sigma", "y"), ("x", "mean")]
    dot = graph.to_dot()
    assert dot.startswith("digraph {") and '"mu" -> "mean"' in dot and "cluster" in dot
    assert 'fillcolor="gray"' in dot  # the observed node
    assert sorted(graph.edges(var_names=["mean"])) == [("mu", "mean"), ("x", "mean")]
    try:
        import graphviz  # noqa: F401
    except ImportError:
        with pytest.raises(ImportError, match="graphviz"):
            rx.model_to_graphviz(m)
    else:
        assert "mu" in rx.model_to_graphviz(m).source


def test_missing_values_are_imputed():
    data = np.array([1.0, np.nan, 2.0])
    with rx.Model() as m:
        x = rx.Normal("x", 0.0, 1.0, observed=data)
    assert [v.name for v in m.free_RVs] == ["x_unobserved"]
    assert [v.name for v in m.observed_RVs] == ["x_observed"]
    assert m.deterministics == [x] and x.name == "x"
    point = m.initial_point()
    assert point["x_unobserved"].shape == (1,)
    # PyMC 5.28: -5.2568156 at the initial point
    np.testing.assert_allclose(m.compile_logp()(point), scipy.stats.norm.logpdf([1.0, 0.0, 2.0]).sum(), rtol=1e-12)
    np.testing.assert_allclose(m.compile_logp()(point), -5.2568156, rtol=1e-7)
    jm = m.jax_model()
    import jax
    with jax.enable_x64(True):
        full = jm.constrain({"x_unobserved": np.array([7.0])}, dict(jm.data))["x"]
    np.testing.assert_allclose(full, [1.0, 7.0, 2.0])


def test_masked_and_broadcast_parameters_are_imputed_per_entry():
    data = np.ma.masked_array([[1.0, 2.0], [3.0, 4.0]], mask=[[False, True], [True, False]])
    mu = np.array([[10.0, 20.0], [30.0, 40.0]])
    with rx.Model() as m:
        rx.Normal("x", mu, 1.0, observed=data)
    point = m.initial_point()
    # each missing entry starts at its own parameter
    np.testing.assert_allclose(point["x_unobserved"], [20.0, 30.0])
    expected = scipy.stats.norm.logpdf([1.0, 4.0], [10.0, 40.0]).sum() + 2 * scipy.stats.norm.logpdf(0.0)
    np.testing.assert_allclose(m.compile_logp()(point), expected, rtol=1e-12)


def test_partly_missing_multivariate_events_are_an_error():
    data = np.array([[1.0, np.nan], [0.5, 0.2]])
    with rx.Model():
        with pytest.raises(ValueError, match="partly missing"):
            rx.MvNormal("x", np.zeros(2), np.eye(2), observed=data)


def test_discrete_missing_values_become_a_discrete_free_variable():
    with rx.Model() as m:
        rx.Poisson("k", 3.0, observed=np.array([1.0, np.nan, 4.0]))
    assert m.discrete_value_vars[0].name == "k_unobserved"
    assert m.initial_point()["k_unobserved"].dtype.kind == "i"


def test_total_size_scales_the_minibatch_likelihood():
    data = np.array([0.5, -0.2, 1.0, 0.3])
    with rx.Model() as m:
        mu = rx.Normal("mu", 0.0, 1.0)
        rx.Normal("y", mu, 1.0, observed=data, total_size=100)
    expected = scipy.stats.norm.logpdf(0.1) + 25 * scipy.stats.norm.logpdf(data, 0.1).sum()
    np.testing.assert_allclose(m.compile_logp()({"mu": 0.1}), expected, rtol=1e-12)
    with rx.Model() as m2:
        rx.Normal("s", 0.0, 1.0, observed=0.5, total_size=10)
    with pytest.raises(ValueError, match="scalar"):
        m2.logp()
