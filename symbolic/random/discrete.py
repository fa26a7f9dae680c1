"""Discrete random variables: ``pt.random.bernoulli(p)``, ``pt.random.poisson(lam)``, ...

Draws are int64. Parameters follow NumPy / PyTensor (``binomial(n, p)``, ``nbinom(n, p)``).
"""

from __future__ import annotations

from rewrax.symbolic.random.basic import _builder, _EXAMPLES, _rv

_INT = "int64"

BernoulliRV = _rv("BernoulliRV", "bernoulli", "Bernoulli", ("p",), dtype=_INT)
BinomialRV = _rv("BinomialRV", "binomial", "Binomial", ("n", "p"), dtype=_INT)
BetaBinomialRV = _rv("BetaBinomialRV", "beta_binomial", "BetaBinomial", ("n", "alpha", "beta"), dtype=_INT)
PoissonRV = _rv("PoissonRV", "poisson", "Poisson", ("mu",), dtype=_INT)
NegBinomialRV = _rv("NegBinomialRV", "nbinom", "NegativeBinomial", ("n", "p"), dtype=_INT)
GeometricRV = _rv("GeometricRV", "geometric", "Geometric", ("p",), dtype=_INT)
DiscreteUniformRV = _rv("DiscreteUniformRV", "discrete_uniform", "DiscreteUniform", ("lower", "upper"), dtype=_INT)
CategoricalRV = _rv("CategoricalRV", "categorical", "Categorical", ("p",), signature="(p)->()", dtype=_INT)
ZeroInflatedPoissonRV = _rv("ZeroInflatedPoissonRV", "zero_inflated_poisson", "ZeroInflatedPoisson",
                            ("psi", "mu"), dtype=_INT)
ZeroInflatedBinomialRV = _rv("ZeroInflatedBinomialRV", "zero_inflated_binomial", "ZeroInflatedBinomial",
                             ("psi", "n", "p"), dtype=_INT)
ZeroInflatedNegBinomialRV = _rv("ZeroInflatedNegBinomialRV", "zero_inflated_nbinom", "ZeroInflatedNegativeBinomial",
                                ("psi", "n", "p"), dtype=_INT)
DiracDeltaRV = _rv("DiracDeltaRV", "diracdelta", "DiracDelta", ("c",), dtype="floatX")

_EXAMPLES.update(bernoulli=(0.3,), binomial=(10, 0.3), beta_binomial=(10, 2.0, 3.0), poisson=(), nbinom=(3, 0.4),
                 geometric=(0.3,), integers=(0, 5), categorical=([0.2, 0.8],),
                 zero_inflated_poisson=(0.7, 3.0), zero_inflated_binomial=(0.7, 10, 0.3),
                 zero_inflated_nbinom=(0.7, 3, 0.4), diracdelta=(1.0,))

bernoulli = _builder(BernoulliRV, ("p",), (), "Draws of 1 with probability p, else 0.")
binomial = _builder(BinomialRV, ("n", "p"), (), "Number of successes in n trials of probability p.")
betabinom = beta_binomial = _builder(BetaBinomialRV, ("n", "a", "b"), (), "Binomial draws with a Beta(a, b) probability.")
poisson = _builder(PoissonRV, ("lam",), (1.0,), "Draws from a Poisson distribution of rate lam.")
nbinom = negative_binomial = _builder(NegBinomialRV, ("n", "p"), (),
                                      "Failures before the n-th success with success probability p.")
geometric = _builder(GeometricRV, ("p",), (), "Number of trials up to and including the first success.")
discrete_uniform = _builder(DiscreteUniformRV, ("lower", "upper"), (), "Integers uniform on [lower, upper] (both included).")
categorical = _builder(CategoricalRV, ("p",), (), "Index drawn with probabilities p (last axis).")
zero_inflated_poisson = _builder(ZeroInflatedPoissonRV, ("psi", "mu"), (), "Poisson(mu) with probability psi, else 0.")
zero_inflated_binomial = _builder(ZeroInflatedBinomialRV, ("psi", "n", "p"), (), "Binomial(n, p) with probability psi, else 0.")
zero_inflated_nbinom = _builder(ZeroInflatedNegBinomialRV, ("psi", "n", "p"), (),
                                "NegativeBinomial(n, p) with probability psi, else 0.")
diracdelta = _builder(DiracDeltaRV, ("c",), (), "The constant c (a point mass).")


def integers(low, high=None, size=None, rng=None, name=None, dtype=None):
    """Integers uniform on ``[low, high)`` (NumPy's ``Generator.integers``; ``high`` excluded).

    Examples
    --------
    >>> import rewrax.symbolic as pt
    >>> k = pt.random.integers(0, 5, size=(3,))
    >>> k.eval().shape
    (3,)
    """
    if high is None:
        low, high = 0, low
    return discrete_uniform(low, high - 1, size=size, rng=rng, name=name, dtype=dtype)

__all__ = [_n for _n in dir() if not _n.startswith("_") and _n not in ("annotations", "RandomVariable", "make_rv")]
