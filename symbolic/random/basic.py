"""Continuous random variables with NumPy's / PyTensor's names: ``pt.random.normal(loc, scale)``.

Each RandomVariable is a small declarative class (name, signature, printed name, parameter
names); a builder function per class applies it. Their JAX samplers live in
``rewrax.lower_jax.random``; their densities in ``rewrax.model``.
"""

from __future__ import annotations

from rewrax.symbolic.random.op import RandomVariable, make_rv


def _rv(cls_name, name, print_name, params, signature=None, dtype="floatX", doc=""):
    """Declare a RandomVariable subclass: one line per distribution."""
    sig = signature or ",".join("()" for _ in params) + "->()"
    attrs = dict(name=name, signature=sig, print_name=print_name, param_names=tuple(params),
                 dtype=dtype, __doc__=doc or f"{print_name} random variable ({', '.join(params)}).")
    return type(cls_name, (RandomVariable,), attrs)


def _builder(cls, names, defaults=(), summary=""):
    """A ``pt.random.<name>(*params, size=None, rng=None, name=None, dtype=None)`` function."""
    n_required = len(names) - len(defaults)

    def build(*args, size=None, rng=None, name=None, dtype=None, **kwargs):
        values = list(args)
        if len(values) > len(names):
            raise TypeError(f"{cls.name}() takes {len(names)} parameters ({', '.join(names)}), got {len(values)}")
        for k, pname in enumerate(names):
            if pname in kwargs:
                if k < len(args):
                    raise TypeError(f"{cls.name}() got parameter {pname!r} twice")
                values.append(kwargs.pop(pname))
            elif k >= len(args):
                if k < n_required:
                    raise TypeError(f"{cls.name}() is missing the parameter {pname!r}")
                values.append(defaults[k - n_required])
        if kwargs:
            raise TypeError(f"{cls.name}() got unexpected argument(s) {sorted(kwargs)}; parameters: {names}")
        return make_rv(cls(dtype), *values, size=size, rng=rng, name=name)

    build.__name__ = cls.name
    sig = ", ".join(list(names[:n_required]) + [f"{n}={d!r}" for n, d in zip(names[n_required:], defaults)])
    build.__doc__ = f"""{summary or cls.__doc__}

    ``{cls.name}({sig}, size=None, rng=None, name=None, dtype=None)``: parameters broadcast
    with NumPy's rules; ``size`` is the batch shape of the draw (NumPy semantics); ``rng`` a
    shared PRNG key (a fresh one when omitted).

    Examples
    --------
    >>> import rewrax.symbolic as pt
    >>> x = pt.random.{cls.name}({"".join(repr(d) + ", " for d in _EXAMPLES.get(cls.name, ()))}size=(2,))
    >>> x.type.shape
    (2,)
    """
    return build


_EXAMPLES: dict = {}

NormalRV = _rv("NormalRV", "normal", "Normal", ("mu", "sigma"))
HalfNormalRV = _rv("HalfNormalRV", "halfnormal", "HalfNormal", ("loc", "sigma"))
LogNormalRV = _rv("LogNormalRV", "lognormal", "LogNormal", ("mu", "sigma"))
TruncatedNormalRV = _rv("TruncatedNormalRV", "truncated_normal", "TruncatedNormal", ("mu", "sigma", "lower", "upper"))
UniformRV = _rv("UniformRV", "uniform", "Uniform", ("lower", "upper"))
FlatRV = _rv("FlatRV", "flat", "Flat", ())
HalfFlatRV = _rv("HalfFlatRV", "halfflat", "HalfFlat", ())
ExponentialRV = _rv("ExponentialRV", "exponential", "Exponential", ("scale",))
GammaRV = _rv("GammaRV", "gamma", "Gamma", ("alpha", "scale"))
InvGammaRV = _rv("InvGammaRV", "invgamma", "InverseGamma", ("alpha", "beta"))
BetaRV = _rv("BetaRV", "beta", "Beta", ("alpha", "beta"))
StudentTRV = _rv("StudentTRV", "t", "StudentT", ("nu", "mu", "sigma"))
HalfStudentTRV = _rv("HalfStudentTRV", "halfstudentt", "HalfStudentT", ("nu", "sigma"))
CauchyRV = _rv("CauchyRV", "cauchy", "Cauchy", ("alpha", "beta"))
HalfCauchyRV = _rv("HalfCauchyRV", "halfcauchy", "HalfCauchy", ("loc", "beta"))
LaplaceRV = _rv("LaplaceRV", "laplace", "Laplace", ("mu", "b"))
AsymmetricLaplaceRV = _rv("AsymmetricLaplaceRV", "asymmetriclaplace", "AsymmetricLaplace", ("b", "kappa", "mu"))
LogisticRV = _rv("LogisticRV", "logistic", "Logistic", ("mu", "s"))
WeibullBetaRV = _rv("WeibullBetaRV", "weibull", "Weibull", ("alpha", "beta"))
ParetoRV = _rv("ParetoRV", "pareto", "Pareto", ("alpha", "m"))
ChiSquareRV = _rv("ChiSquareRV", "chisquare", "ChiSquared", ("nu",))
GumbelRV = _rv("GumbelRV", "gumbel", "Gumbel", ("mu", "beta"))
VonMisesRV = _rv("VonMisesRV", "vonmises", "VonMises", ("mu", "kappa"))
SkewNormalRV = _rv("SkewNormalRV", "skewnormal", "SkewNormal", ("mu", "sigma", "alpha"))
WaldRV = _rv("WaldRV", "wald", "Wald", ("mu", "lam", "alpha"))
TriangularRV = _rv("TriangularRV", "triangular", "Triangular", ("lower", "c", "upper"))
ExGaussianRV = _rv("ExGaussianRV", "exgaussian", "ExGaussian", ("mu", "sigma", "nu"))
KumaraswamyRV = _rv("KumaraswamyRV", "kumaraswamy", "Kumaraswamy", ("a", "b"))
MoyalRV = _rv("MoyalRV", "moyal", "Moyal", ("mu", "sigma"))
LogitNormalRV = _rv("LogitNormalRV", "logit_normal", "LogitNormal", ("mu", "sigma"))

_EXAMPLES.update(normal=(0.0, 1.0), uniform=(0.0, 1.0), gamma=(2.0, 1.0), beta=(2.0, 3.0), t=(3.0,),
                 truncated_normal=(0.0, 1.0, -1.0, 1.0), triangular=(0.0, 0.5, 1.0), weibull=(1.5,),
                 pareto=(3.0,), chisquare=(3.0,), vonmises=(0.0, 1.0), invgamma=(3.0,),
                 wald=(1.0, 1.0), exgaussian=(0.0, 1.0, 1.0), kumaraswamy=(2.0, 3.0),
                 asymmetriclaplace=(1.0, 1.0), halfstudentt=(3.0,))

normal = _builder(NormalRV, ("loc", "scale"), (0.0, 1.0), "Draws from a normal distribution N(loc, scale**2).")
halfnormal = _builder(HalfNormalRV, ("loc", "scale"), (0.0, 1.0), "Draws of loc + |N(0, scale**2)|.")
lognormal = _builder(LogNormalRV, ("mean", "sigma"), (0.0, 1.0), "Draws of exp(N(mean, sigma**2)).")
truncated_normal = _builder(TruncatedNormalRV, ("loc", "scale", "lower", "upper"), (),
                            "Draws of N(loc, scale**2) restricted to [lower, upper].")
uniform = _builder(UniformRV, ("low", "high"), (0.0, 1.0), "Draws from a uniform distribution on [low, high).")
flat = _builder(FlatRV, (), (), "An improper flat distribution on the real line (it has no draws).")
halfflat = _builder(HalfFlatRV, (), (), "An improper flat distribution on the positive reals (no draws).")
exponential = _builder(ExponentialRV, ("scale",), (1.0,), "Draws from an exponential distribution of mean ``scale``.")
gamma = _builder(GammaRV, ("shape", "scale"), (1.0,), "Draws from a gamma distribution (NumPy's shape/scale).")
invgamma = _builder(InvGammaRV, ("shape", "scale"), (1.0,), "Draws of scale / Gamma(shape, 1).")
beta = _builder(BetaRV, ("alpha", "beta"), (), "Draws from a beta distribution.")
t = _builder(StudentTRV, ("df", "loc", "scale"), (0.0, 1.0), "Draws from Student's t distribution.")
halfstudentt = _builder(HalfStudentTRV, ("nu", "sigma"), (1.0,), "Draws of |StudentT(nu, 0, sigma)|.")
cauchy = _builder(CauchyRV, ("loc", "scale"), (0.0, 1.0), "Draws from a Cauchy distribution.")
halfcauchy = _builder(HalfCauchyRV, ("loc", "scale"), (0.0, 1.0), "Draws of loc + |Cauchy(0, scale)|.")
laplace = _builder(LaplaceRV, ("loc", "scale"), (0.0, 1.0), "Draws from a Laplace distribution.")
asymmetriclaplace = _builder(AsymmetricLaplaceRV, ("b", "kappa", "mu"), (0.0,),
                             "Draws from an asymmetric Laplace distribution (PyMC's b, kappa, mu).")
logistic = _builder(LogisticRV, ("loc", "scale"), (0.0, 1.0), "Draws from a logistic distribution.")
weibull = _builder(WeibullBetaRV, ("alpha", "beta"), (1.0,), "Draws from a Weibull distribution (shape alpha, scale beta).")
pareto = _builder(ParetoRV, ("b", "scale"), (1.0,), "Draws from a Pareto distribution with minimum ``scale``.")
chisquare = _builder(ChiSquareRV, ("df",), (), "Draws from a chi-squared distribution.")
gumbel = _builder(GumbelRV, ("loc", "scale"), (0.0, 1.0), "Draws from a Gumbel (maximum) distribution.")
vonmises = _builder(VonMisesRV, ("mu", "kappa"), (), "Draws from a von Mises distribution on [-pi, pi].")
skewnormal = _builder(SkewNormalRV, ("mu", "sigma", "alpha"), (0.0, 1.0, 0.0), "Draws from a skew-normal distribution.")
wald = _builder(WaldRV, ("mean", "scale", "alpha"), (0.0,), "Draws from a (shifted) Wald / inverse Gaussian distribution.")
triangular = _builder(TriangularRV, ("left", "mode", "right"), (), "Draws from a triangular distribution.")
exgaussian = _builder(ExGaussianRV, ("mu", "sigma", "nu"), (), "Draws of N(mu, sigma**2) + Exponential(nu).")
kumaraswamy = _builder(KumaraswamyRV, ("a", "b"), (), "Draws from a Kumaraswamy distribution on (0, 1).")
moyal = _builder(MoyalRV, ("mu", "sigma"), (0.0, 1.0), "Draws from a Moyal distribution.")
logit_normal = _builder(LogitNormalRV, ("mu", "sigma"), (0.0, 1.0), "Draws of sigmoid(N(mu, sigma**2)).")

__all__ = [_n for _n in dir() if not _n.startswith("_") and _n not in ("annotations", "RandomVariable", "make_rv")]
