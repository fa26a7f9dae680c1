"""Distributions with PyMC's names: ``rx.Normal("x", 0, 1)`` in a model, ``rx.Normal.dist(0, 1)`` outside."""

from rewrax.model.distributions.continuous import (  # noqa: F401
    Beta, Exponential, Flat, Gamma, HalfFlat, HalfNormal, InverseGamma, LogNormal, Lognormal, Normal,
    TruncatedNormal, Uniform,
)
from rewrax.model.distributions.continuous_location import (  # noqa: F401
    AsymmetricLaplace, Cauchy, ExGaussian, Gumbel, HalfCauchy, HalfStudentT, Laplace, Logistic, Moyal, SkewNormal,
    StudentT,
)
from rewrax.model.distributions.continuous_shape import (  # noqa: F401
    ChiSquared, Kumaraswamy, LogitNormal, Pareto, Triangular, VonMises, Wald, Weibull,
)
from rewrax.model.distributions.discrete import (  # noqa: F401
    Bernoulli, BetaBinomial, Binomial, Categorical, DiracDelta, DiscreteUniform, Geometric, NegativeBinomial,
    Poisson, ZeroInflatedBinomial, ZeroInflatedNegativeBinomial, ZeroInflatedPoisson,
)
from rewrax.model.distributions.distribution import (  # noqa: F401
    DISTRIBUTIONS, Continuous, Discrete, Distribution, distribution_of, support, support_point,
)
from rewrax.model.distributions.multivariate import (  # noqa: F401
    Dirichlet, LKJCholeskyCov, LKJCorr, Multinomial, MvNormal, MvStudentT, expand_packed_triangular,
)
from rewrax.model.distributions.hurdle import (  # noqa: F401
    HurdleGamma, HurdleLogNormal, HurdleNegativeBinomial, HurdlePoisson,
)
from rewrax.model.distributions.ordinal import OrderedLogistic, OrderedMultinomial, OrderedProbit  # noqa: F401
from rewrax.model.distributions.wrappers import Censored, Mixture, NormalMixture, Truncated  # noqa: F401
from rewrax.model.distributions.timeseries import (  # noqa: F401
    GaussianRandomWalk, MvGaussianRandomWalk, MvStudentTRandomWalk, RandomWalk,
)
from rewrax.model.distributions.timeseries_processes import AR, GARCH11, EulerMaruyama  # noqa: F401
from rewrax.model.distributions.custom import CustomDist, DensityDist, SymbolicRandomVariable  # noqa: F401
from rewrax.model.distributions.simulator import Simulator  # noqa: F401

__all__ = [
    "Distribution", "Continuous", "Discrete",
    # continuous
    "Normal", "HalfNormal", "TruncatedNormal", "Uniform", "Flat", "HalfFlat", "Exponential", "Gamma",
    "InverseGamma", "Beta", "LogNormal", "Lognormal", "StudentT", "HalfStudentT", "Cauchy", "HalfCauchy", "Laplace",
    "AsymmetricLaplace", "Logistic", "Weibull", "Pareto", "ChiSquared", "Gumbel", "VonMises", "SkewNormal", "Wald",
    "Triangular", "ExGaussian", "Kumaraswamy", "Moyal", "LogitNormal",
    # discrete
    "Bernoulli", "Binomial", "BetaBinomial", "Poisson", "NegativeBinomial", "Geometric", "DiscreteUniform",
    "Categorical", "ZeroInflatedPoisson", "ZeroInflatedBinomial", "ZeroInflatedNegativeBinomial", "DiracDelta",
    # multivariate
    "MvNormal", "MvStudentT", "Dirichlet", "Multinomial", "LKJCholeskyCov", "LKJCorr", "expand_packed_triangular",
    # hurdle
    "HurdlePoisson", "HurdleNegativeBinomial", "HurdleGamma", "HurdleLogNormal",
    # ordinal regression
    "OrderedLogistic", "OrderedProbit", "OrderedMultinomial",
    # built from other distributions
    "Mixture", "NormalMixture", "Censored", "Truncated",
    # time series
    "RandomWalk", "GaussianRandomWalk", "MvGaussianRandomWalk", "MvStudentTRandomWalk", "AR", "GARCH11",
    "EulerMaruyama",
    # user-defined
    "CustomDist", "DensityDist", "SymbolicRandomVariable",
    # approximate Bayesian computation
    "Simulator",
]
