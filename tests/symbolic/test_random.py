"""RandomVariable ops: node layout, NumPy size semantics, printing, rng updates, vectorization."""

import numpy as np
import pytest

import rewrax as rx
import rewrax.symbolic as pt
from rewrax.symbolic.random import RandomVariable


def test_node_layout_and_printing():
    y = pt.random.normal(loc=0, scale=1, name="y")
    node = y.owner
    assert isinstance(node.op, RandomVariable) and isinstance(node.op, pt.random.NormalRV)
    assert len(node.inputs) == 4 and len(node.outputs) == 2 and node.outputs[1] is y
    assert isinstance(node.inputs[0].type, pt.RandomKeyType)
    text = rx.dprint(y, file="str")
    first = text.splitlines()[0]
    assert first.startswith("normal_rv{") and ".1 [id A] 'y'" in first
    assert node.op.print_name == "Normal" and node.op.param_names == ("mu", "sigma")
    assert repr(y.type) == "TensorType(float64, shape=())"


@pytest.mark.parametrize("size, params, shape", [
    (None, (np.zeros(3), 1.0), (3,)),
    ((4, 3), (np.zeros(3), 1.0), (4, 3)),
    ((2, 4, 3), (np.zeros((4, 1)), np.ones(3)), (2, 4, 3)),
    (5, (0.0, 1.0), (5,)),
])
def test_numpy_size_semantics(size, params, shape):
    x = pt.random.normal(*params, size=size)
    assert x.type.shape == shape
    assert x.eval().shape == shape


@pytest.mark.parametrize("size", [(2,), (3, 2)])
def test_size_that_cannot_hold_the_parameters_is_an_error(size):
    with pytest.raises(ValueError, match="size"):
        pt.random.normal(np.zeros(3), 1.0, size=size)


def test_symbolic_size_and_parameters():
    n = pt.scalar("n", dtype="int64")
    mu = pt.vector("mu")
    x = pt.random.normal(mu, 1.0, size=(n, 3))
    assert x.type.shape == (None, 3)
    f = rx.function([mu], pt.random.normal(mu, 1e-9, size=(2, 3)))
    np.testing.assert_allclose(f(np.array([1.0, 2.0, 3.0])), [[1.0, 2.0, 3.0]] * 2, atol=1e-6)


def test_multivariate_support_shapes():
    assert pt.random.multivariate_normal(np.zeros(3), np.eye(3), size=(5,)).type.shape == (5, 3)
    assert pt.random.dirichlet(np.ones((2, 4))).type.shape == (2, 4)
    assert pt.random.multinomial(10, np.ones(4) / 4, size=(3,)).type.shape == (3, 4)
    assert pt.random.multinomial(10, np.ones(4) / 4).type.dtype == "int64"
    assert pt.random.categorical(np.ones((2, 5)) / 5).type.shape == (2,)
    assert pt.random.lkjcholeskycov(4, 1.0, np.ones(4)).type.shape == (10,)
    assert pt.random.lkjcorr(3, 1.0, size=(2,)).type.shape == (2, 3, 3)


def test_eval_repeats_and_updates_advance():
    y = pt.random.normal(0, 1, name="y")
    values = {float(y.eval()) for _ in range(5)}
    assert len(values) == 1
    rng, next_rng = y.owner.inputs[0], y.owner.outputs[0]
    f = rx.function([], y, updates={rng: next_rng})
    draws = [float(f()) for _ in range(5)]
    assert draws[0] == values.pop() and len(set(draws)) == 5


def test_explicit_rng_and_seed_reproduce():
    a = pt.random.normal(0, 1, size=3, rng=pt.shared_rng(42))
    b = pt.random.normal(0, 1, size=3, rng=pt.shared_rng(42))
    np.testing.assert_array_equal(a.eval(), b.eval())


def test_builder_argument_errors():
    with pytest.raises(TypeError, match="missing the parameter 'alpha'"):
        pt.random.beta(beta=1.0)
    with pytest.raises(TypeError, match="unexpected"):
        pt.random.normal(0, 1, sd=2)
    with pytest.raises(TypeError, match="twice"):
        pt.random.normal(0, loc=1)
    with pytest.raises(TypeError, match="rng"):
        pt.random.normal(0, 1, rng=pt.scalar("r"))


def test_discrete_and_float32_dtypes():
    assert pt.random.poisson(3.0).type.dtype == "int64"
    assert pt.random.bernoulli(0.5, size=4).eval().dtype == np.int64
    x = pt.random.normal(0, 1, dtype="float32")
    assert x.type.dtype == "float32" and x.eval().dtype == np.float32
    assert pt.random.integers(2, 5, size=200).eval().max() == 4


def test_draws_are_not_differentiable_in_their_parameters():
    mu = pt.scalar("mu")
    x = pt.random.normal(mu, 1.0)
    with pytest.raises(pt.NotDifferentiableError, match="random"):
        rx.grad(x, mu)


def test_vectorize_batches_parameters():
    mu = pt.vector("mu")
    x = pt.random.normal(mu, 1e-9)
    mus = pt.matrix("mus")
    batched = rx.vectorize_graph(x, replace={mu: mus})
    assert batched.type.ndim == 2
    values = np.arange(6.0).reshape(2, 3)
    np.testing.assert_allclose(batched.eval({mus: values}), values, atol=1e-6)
    sized = pt.random.normal(mu, 1e-9, size=(4, 3))
    out = rx.vectorize_graph(sized, replace={mu: mus})
    assert out.eval({mus: values}).shape == (2, 4, 3)


def test_truncated_and_censored_ops():
    base = pt.random.normal(0.0, 1.0, size=(2000,))
    c = pt.random.censored(base, -0.5, 0.5)
    draws = c.eval()
    assert draws.min() == -0.5 and draws.max() == 0.5
    op = pt.random.TruncatedRV(pt.random.NormalRV())
    assert op.param_names == ("lower", "upper", "mu", "sigma")
    with pytest.raises(NotImplementedError, match="multivariate"):
        pt.random.TruncatedRV(pt.random.MvNormalRV())


def _all_rv_classes():
    import inspect

    import rewrax.symbolic.random as R

    return sorted({c for _, c in inspect.getmembers(R, inspect.isclass)
                   if issubclass(c, RandomVariable) and c is not RandomVariable}, key=lambda c: c.__name__)


def test_every_random_variable_has_a_sampler_a_distribution_and_a_density():
    from rewrax.lower_jax.random import SAMPLERS
    from rewrax.model.distributions import DISTRIBUTIONS
    from rewrax.model.logprob import LOGPROB

    missing = []
    for cls in _all_rv_classes():
        for table, what in ((SAMPLERS, "JAX sampler"), (DISTRIBUTIONS, "Distribution"), (LOGPROB, "logp")):
            if cls not in table:
                missing.append(f"{cls.__name__}: {what}")
        assert cls.print_name != RandomVariable.print_name, cls
    assert not missing, missing
