"""Every public PyMC 5.28 / PyTensor 2.38 name that user code reaches exists in rewrax, or says why not.

``pm.X`` -> ``rewrax.X``, ``pt.X`` -> ``rewrax.symbolic.X``. A name is present, or in ``ABSENT``
with a one-line reason (and then really absent, so the list stays honest), or in ``PENDING``:
being added this session by another helper (either state passes; the coordinator reconciles).
"""

import importlib

import pytest

ROOTS = {"pm": "rewrax", "pt": "rewrax.symbolic"}

NAMES = [
    'pm.ADVI', 'pm.AR', 'pm.ASVGD', 'pm.Approximation', 'pm.AsymmetricLaplace', 'pm.Bernoulli', 'pm.Beta',
    'pm.BetaBinomial', 'pm.BinaryGibbsMetropolis', 'pm.BinaryMetropolis', 'pm.Binomial', 'pm.BlockedStep', 'pm.CAR',
    'pm.CallableTensor', 'pm.Categorical', 'pm.CategoricalGibbsMetropolis', 'pm.Cauchy', 'pm.CauchyProposal',
    'pm.Censored', 'pm.ChiSquared', 'pm.CompoundStep', 'pm.Continuous', 'pm.CustomDist', 'pm.DEMetropolis',
    'pm.DEMetropolisZ', 'pm.Data', 'pm.DensityDist', 'pm.Deterministic', 'pm.DictToArrayBijection', 'pm.DiracDelta',
    'pm.Dirichlet', 'pm.DirichletMultinomial', 'pm.Discrete', 'pm.DiscreteUniform', 'pm.DiscreteWeibull',
    'pm.Distribution', 'pm.ELPDData', 'pm.Empirical', 'pm.EulerMaruyama', 'pm.ExGaussian', 'pm.Exponential',
    'pm.Flat', 'pm.FullRank', 'pm.FullRankADVI', 'pm.GARCH11', 'pm.Gamma', 'pm.GaussianRandomWalk', 'pm.Geometric',
    'pm.Group', 'pm.Gumbel', 'pm.HalfCauchy', 'pm.HalfFlat', 'pm.HalfNormal', 'pm.HalfStudentT', 'pm.HamiltonianMC',
    'pm.HurdleGamma', 'pm.HurdleLogNormal', 'pm.HurdleNegativeBinomial', 'pm.HurdlePoisson', 'pm.HyperGeometric',
    'pm.ICAR', 'pm.ImplicitGradient', 'pm.ImputationWarning', 'pm.IncorrectArgumentsError', 'pm.Inference',
    'pm.Interpolated', 'pm.InverseGamma', 'pm.KLqp', 'pm.KroneckerNormal', 'pm.Kumaraswamy', 'pm.LKJCholeskyCov',
    'pm.LKJCorr', 'pm.Laplace', 'pm.LaplaceProposal', 'pm.LogNormal', 'pm.Logistic', 'pm.LogitNormal',
    'pm.Lognormal', 'pm.MatrixNormal', 'pm.MeanField', 'pm.Metropolis', 'pm.Minibatch', 'pm.Mixture', 'pm.Model',
    'pm.Moyal', 'pm.Multinomial', 'pm.MultivariateNormalProposal', 'pm.MvGaussianRandomWalk', 'pm.MvNormal',
    'pm.MvStudentT', 'pm.MvStudentTRandomWalk', 'pm.NUTS', 'pm.NegativeBinomial', 'pm.Normal', 'pm.NormalMixture',
    'pm.NormalProposal', 'pm.OrderedLogistic', 'pm.OrderedMultinomial', 'pm.OrderedProbit', 'pm.Pareto', 'pm.Point',
    'pm.Poisson', 'pm.PoissonProposal', 'pm.PolyaGamma', 'pm.Potential', 'pm.RandomWalk', 'pm.Rice',
    'pm.STEP_METHODS', 'pm.SVGD', 'pm.SamplingError', 'pm.ShapeError', 'pm.ShapeWarning', 'pm.Simulator',
    'pm.SkewNormal', 'pm.SkewStudentT', 'pm.Slice', 'pm.Stein', 'pm.StickBreakingWeights', 'pm.StudentT',
    'pm.SymbolicRandomVariable', 'pm.TraceDirectoryError', 'pm.Triangular', 'pm.Truncated', 'pm.TruncatedNormal',
    'pm.Uniform', 'pm.UniformProposal', 'pm.VonMises', 'pm.Wald', 'pm.Weibull', 'pm.Wishart', 'pm.WishartBartlett',
    'pm.ZeroInflatedBinomial', 'pm.ZeroInflatedNegativeBinomial', 'pm.ZeroInflatedPoisson', 'pm.ZeroSumNormal',
    'pm.adadelta', 'pm.adagrad', 'pm.adagrad_window', 'pm.adam', 'pm.adamax', 'pm.apply_momentum',
    'pm.apply_nesterov_momentum', 'pm.apply_test_function', 'pm.approximations', 'pm.arraystep', 'pm.autocorr',
    'pm.autocov', 'pm.backends', 'pm.bayes_factor', 'pm.bfmi', 'pm.blocking', 'pm.bool_types', 'pm.callbacks',
    'pm.compare', 'pm.compile', 'pm.compile_fn', 'pm.compile_forward_sampling_function', 'pm.complex_types',
    'pm.compound', 'pm.compute_deterministics', 'pm.compute_log_likelihood', 'pm.compute_log_prior',
    'pm.cont_inputs', 'pm.continuous_types', 'pm.convert_data', 'pm.convert_observed_data', 'pm.data',
    'pm.deterministic', 'pm.discrete_types', 'pm.distributions', 'pm.do', 'pm.draw', 'pm.drop_warning_stat',
    'pm.ess', 'pm.exceptions', 'pm.expand_packed_triangular', 'pm.find_MAP', 'pm.find_constrained_prior',
    'pm.find_hessian', 'pm.fit', 'pm.floatX', 'pm.float_types', 'pm.forward', 'pm.func_utils', 'pm.get_data',
    'pm.gp', 'pm.gradient', 'pm.guess_scaling', 'pm.handler', 'pm.hdi', 'pm.hessian', 'pm.hessian_diag', 'pm.hmc',
    'pm.icdf', 'pm.inference', 'pm.init_nuts', 'pm.initial_point', 'pm.inputvars', 'pm.intX', 'pm.int_types',
    'pm.invlogit', 'pm.invprobit', 'pm.isgenerator', 'pm.jacobian', 'pm.join_nonshared_inputs', 'pm.kde',
    'pm.logaddexp', 'pm.logccdf', 'pm.logcdf', 'pm.logit', 'pm.logp', 'pm.logprob', 'pm.logsumexp', 'pm.loo',
    'pm.loo_pit', 'pm.make_shared_replacements', 'pm.make_ufunc', 'pm.math', 'pm.mcmc', 'pm.mcse', 'pm.metropolis',
    'pm.minibatch_rv', 'pm.model', 'pm.model_graph', 'pm.model_to_graphviz', 'pm.model_to_mermaid',
    'pm.model_to_networkx', 'pm.modelcontext', 'pm.momentum', 'pm.nesterov_momentum', 'pm.norm_constraint',
    'pm.observe', 'pm.ode', 'pm.operators', 'pm.opvi', 'pm.parallel', 'pm.plot_autocorr', 'pm.plot_bf',
    'pm.plot_bpv', 'pm.plot_compare', 'pm.plot_density', 'pm.plot_dist', 'pm.plot_dist_comparison', 'pm.plot_dot',
    'pm.plot_ecdf', 'pm.plot_elpd', 'pm.plot_energy', 'pm.plot_ess', 'pm.plot_forest', 'pm.plot_hdi', 'pm.plot_kde',
    'pm.plot_khat', 'pm.plot_lm', 'pm.plot_loo_pit', 'pm.plot_mcse', 'pm.plot_pair', 'pm.plot_parallel',
    'pm.plot_posterior', 'pm.plot_ppc', 'pm.plot_rank', 'pm.plot_separation', 'pm.plot_trace', 'pm.plot_ts',
    'pm.plot_violin', 'pm.plots', 'pm.population', 'pm.predictions_to_inference_data', 'pm.printing', 'pm.probit',
    'pm.progress_bar', 'pm.psens', 'pm.psislw', 'pm.pytensorf', 'pm.r2_samples', 'pm.r2_score', 'pm.reloo',
    'pm.rhat', 'pm.rmsprop', 'pm.sample', 'pm.sample_approx', 'pm.sample_posterior_predictive',
    'pm.sample_prior_predictive', 'pm.sample_smc', 'pm.sampling', 'pm.scaling', 'pm.set_data', 'pm.sgd', 'pm.slicer',
    'pm.smc', 'pm.smooth_data', 'pm.starting', 'pm.state', 'pm.stats', 'pm.stein', 'pm.step_methods',
    'pm.step_sizes', 'pm.str_for_dist', 'pm.str_for_model', 'pm.str_for_potential_or_deterministic', 'pm.summary',
    'pm.test_functions', 'pm.to_inference_data', 'pm.total_norm_constraint', 'pm.trace_cov', 'pm.tuning',
    'pm.typefilter', 'pm.updates', 'pm.util', 'pm.variational', 'pm.vartypes', 'pm.vectorize_over_posterior',
    'pm.waic', 'pm.weight_predictions', 'pm.wrap_xarray_ufunc', 'pm.math.abs', 'pm.math.and_', 'pm.math.arccos',
    'pm.math.arccosh', 'pm.math.arcsin', 'pm.math.arcsinh', 'pm.math.arctan', 'pm.math.arctanh', 'pm.math.as_tensor',
    'pm.math.batched_diag', 'pm.math.block_diagonal', 'pm.math.broadcast_to', 'pm.math.cartesian', 'pm.math.ceil',
    'pm.math.clip', 'pm.math.concatenate', 'pm.math.constant', 'pm.math.cos', 'pm.math.cosh', 'pm.math.cumprod',
    'pm.math.cumsum', 'pm.math.diff', 'pm.math.dot', 'pm.math.eq', 'pm.math.erf', 'pm.math.erfc', 'pm.math.erfcinv',
    'pm.math.erfinv', 'pm.math.exp', 'pm.math.expand_packed_triangular', 'pm.math.flat_outer', 'pm.math.flatten',
    'pm.math.flatten_list', 'pm.math.floor', 'pm.math.full', 'pm.math.full_like', 'pm.math.ge', 'pm.math.gt',
    'pm.math.invlogit', 'pm.math.invprobit', 'pm.math.kron_diag', 'pm.math.kron_dot', 'pm.math.kron_solve_lower',
    'pm.math.kron_solve_upper', 'pm.math.kronecker', 'pm.math.le', 'pm.math.log', 'pm.math.log1mexp',
    'pm.math.log1pexp', 'pm.math.log_softmax', 'pm.math.logaddexp', 'pm.math.logbern', 'pm.math.logdet',
    'pm.math.logdiffexp', 'pm.math.logit', 'pm.math.logsumexp', 'pm.math.lt', 'pm.math.matmul', 'pm.math.max',
    'pm.math.maximum', 'pm.math.mean', 'pm.math.min', 'pm.math.minimum', 'pm.math.neq', 'pm.math.ones',
    'pm.math.ones_like', 'pm.math.or_', 'pm.math.probit', 'pm.math.prod', 'pm.math.round', 'pm.math.sgn',
    'pm.math.sigmoid', 'pm.math.sin', 'pm.math.sinh', 'pm.math.softmax', 'pm.math.sqr', 'pm.math.sqrt',
    'pm.math.stack', 'pm.math.sum', 'pm.math.switch', 'pm.math.tan', 'pm.math.tanh', 'pm.math.where',
    'pm.math.zeros', 'pm.math.zeros_like', 'pm.distributions.AR', 'pm.distributions.AsymmetricLaplace',
    'pm.distributions.Bernoulli', 'pm.distributions.Beta', 'pm.distributions.BetaBinomial',
    'pm.distributions.Binomial', 'pm.distributions.CAR', 'pm.distributions.Categorical', 'pm.distributions.Cauchy',
    'pm.distributions.Censored', 'pm.distributions.ChiSquared', 'pm.distributions.Continuous',
    'pm.distributions.CustomDist', 'pm.distributions.DensityDist', 'pm.distributions.DiracDelta',
    'pm.distributions.Dirichlet', 'pm.distributions.DirichletMultinomial', 'pm.distributions.Discrete',
    'pm.distributions.DiscreteUniform', 'pm.distributions.DiscreteWeibull', 'pm.distributions.Distribution',
    'pm.distributions.EulerMaruyama', 'pm.distributions.ExGaussian', 'pm.distributions.Exponential',
    'pm.distributions.Flat', 'pm.distributions.GARCH11', 'pm.distributions.Gamma',
    'pm.distributions.GaussianRandomWalk', 'pm.distributions.Geometric', 'pm.distributions.Gumbel',
    'pm.distributions.HalfCauchy', 'pm.distributions.HalfFlat', 'pm.distributions.HalfNormal',
    'pm.distributions.HalfStudentT', 'pm.distributions.HurdleGamma', 'pm.distributions.HurdleLogNormal',
    'pm.distributions.HurdleNegativeBinomial', 'pm.distributions.HurdlePoisson', 'pm.distributions.HyperGeometric',
    'pm.distributions.ICAR', 'pm.distributions.Interpolated', 'pm.distributions.InverseGamma',
    'pm.distributions.KroneckerNormal', 'pm.distributions.Kumaraswamy', 'pm.distributions.LKJCholeskyCov',
    'pm.distributions.LKJCorr', 'pm.distributions.Laplace', 'pm.distributions.LogNormal',
    'pm.distributions.Logistic', 'pm.distributions.LogitNormal', 'pm.distributions.Lognormal',
    'pm.distributions.MatrixNormal', 'pm.distributions.Mixture', 'pm.distributions.Moyal',
    'pm.distributions.Multinomial', 'pm.distributions.MvGaussianRandomWalk', 'pm.distributions.MvNormal',
    'pm.distributions.MvStudentT', 'pm.distributions.MvStudentTRandomWalk', 'pm.distributions.NegativeBinomial',
    'pm.distributions.Normal', 'pm.distributions.NormalMixture', 'pm.distributions.OrderedLogistic',
    'pm.distributions.OrderedMultinomial', 'pm.distributions.OrderedProbit', 'pm.distributions.Pareto',
    'pm.distributions.Poisson', 'pm.distributions.PolyaGamma', 'pm.distributions.RandomWalk',
    'pm.distributions.Rice', 'pm.distributions.Simulator', 'pm.distributions.SkewNormal',
    'pm.distributions.SkewStudentT', 'pm.distributions.StickBreakingWeights', 'pm.distributions.StudentT',
    'pm.distributions.SymbolicRandomVariable', 'pm.distributions.Triangular', 'pm.distributions.Truncated',
    'pm.distributions.TruncatedNormal', 'pm.distributions.Uniform', 'pm.distributions.VonMises',
    'pm.distributions.Wald', 'pm.distributions.Weibull', 'pm.distributions.Wishart',
    'pm.distributions.WishartBartlett', 'pm.distributions.ZeroInflatedBinomial',
    'pm.distributions.ZeroInflatedNegativeBinomial', 'pm.distributions.ZeroInflatedPoisson',
    'pm.distributions.ZeroSumNormal', 'pm.distributions.transforms.Chain',
    'pm.distributions.transforms.CholeskyCovPacked', 'pm.distributions.transforms.Interval',
    'pm.distributions.transforms.Transform', 'pm.distributions.transforms.ZeroSumTransform',
    'pm.distributions.transforms.circular', 'pm.distributions.transforms.log',
    'pm.distributions.transforms.log_exp_m1', 'pm.distributions.transforms.logodds',
    'pm.distributions.transforms.ordered', 'pm.distributions.transforms.simplex',
    'pm.distributions.transforms.sum_to_1', 'pm.gp.HSGP', 'pm.gp.HSGPPeriodic', 'pm.gp.Latent', 'pm.gp.LatentKron',
    'pm.gp.Marginal', 'pm.gp.MarginalApprox', 'pm.gp.MarginalKron', 'pm.gp.MarginalSparse', 'pm.gp.TP', 'pm.gp.cov',
    'pm.gp.gp', 'pm.gp.hsgp_approx', 'pm.gp.mean', 'pm.gp.util', 'pm.gp.cov.Constant', 'pm.gp.cov.Coregion',
    'pm.gp.cov.Cosine', 'pm.gp.cov.ExpQuad', 'pm.gp.cov.Exponential', 'pm.gp.cov.Gibbs', 'pm.gp.cov.Kron',
    'pm.gp.cov.Linear', 'pm.gp.cov.Matern12', 'pm.gp.cov.Matern32', 'pm.gp.cov.Matern52', 'pm.gp.cov.Periodic',
    'pm.gp.cov.Polynomial', 'pm.gp.cov.RatQuad', 'pm.gp.cov.ScaledCov', 'pm.gp.cov.WarpedInput',
    'pm.gp.cov.WhiteNoise', 'pm.gp.cov.WrappedPeriodic', 'pm.gp.mean.Constant', 'pm.gp.mean.Linear',
    'pm.gp.mean.Zero', 'pt.extra_ops.bartlett', 'pt.extra_ops.bincount', 'pt.extra_ops.broadcast_arrays',
    'pt.extra_ops.broadcast_shape', 'pt.extra_ops.broadcast_to', 'pt.extra_ops.compress',
    'pt.extra_ops.concat_with_broadcast', 'pt.extra_ops.cumprod', 'pt.extra_ops.cumsum', 'pt.extra_ops.diff',
    'pt.extra_ops.fill_diagonal', 'pt.extra_ops.fill_diagonal_offset', 'pt.extra_ops.geomspace',
    'pt.extra_ops.linspace', 'pt.extra_ops.logspace', 'pt.extra_ops.ravel_multi_index', 'pt.extra_ops.repeat',
    'pt.extra_ops.searchsorted', 'pt.extra_ops.squeeze', 'pt.extra_ops.unique', 'pt.extra_ops.unravel_index',
    'pt.special.beta', 'pt.special.betaln', 'pt.special.factorial', 'pt.special.log_softmax', 'pt.special.logit',
    'pt.special.poch', 'pt.special.softmax', 'pt.linalg.block_diag', 'pt.linalg.cho_solve', 'pt.linalg.cholesky',
    'pt.linalg.det', 'pt.linalg.eig', 'pt.linalg.eigh', 'pt.linalg.eigvalsh', 'pt.linalg.expm', 'pt.linalg.inv',
    'pt.linalg.kron', 'pt.linalg.lstsq', 'pt.linalg.lu', 'pt.linalg.lu_factor', 'pt.linalg.lu_solve',
    'pt.linalg.matrix_dot', 'pt.linalg.matrix_power', 'pt.linalg.norm', 'pt.linalg.ordqz', 'pt.linalg.pinv',
    'pt.linalg.qr', 'pt.linalg.qz', 'pt.linalg.schur', 'pt.linalg.slogdet', 'pt.linalg.solve',
    'pt.linalg.solve_continuous_lyapunov', 'pt.linalg.solve_discrete_are', 'pt.linalg.solve_discrete_lyapunov',
    'pt.linalg.solve_sylvester', 'pt.linalg.solve_triangular', 'pt.linalg.svd', 'pt.linalg.tensorinv',
    'pt.linalg.tensorsolve', 'pt.linalg.trace',
]

_VI = "rewrax's variational inference is rx.fit(method='advi'|'pathfinder'); PyMC's class API is not provided"
_OPT = "a Lasagne-style optimizer of PyMC's variational API; rx.fit uses optax-style Adam internally"
_STEP = "this step method / proposal is not implemented; NUTS, HMC, Metropolis and the Gibbs steps are"
_INTERNAL = "an internal PyMC module (its public names are re-exported at top level or in pm.sampling/pm.stats)"
ABSENT = {
    **{f"pm.{n}": _STEP for n in ("Slice", "DEMetropolis", "DEMetropolisZ", "NormalProposal", "CauchyProposal",
                                  "LaplaceProposal", "PoissonProposal", "UniformProposal",
                                  "MultivariateNormalProposal", "BlockedStep")},
    **{f"pm.{n}": _INTERNAL for n in ("arraystep", "backends", "compound", "deterministic", "forward", "hmc",
                                      "initial_point", "mcmc", "metropolis", "minibatch_rv", "parallel", "population",
                                      "progress_bar", "scaling", "slicer", "starting", "state", "step_sizes")},
    "pm.handler": "PyMC's logging handler, exported by accident of its __init__; not an API",
    "pm.get_data": "loads PyMC's bundled example data files; rewrax ships no example data sets",
    "pm.init_nuts": "rewrax's NUTS initialises and adapts inside rx.sample (init='jitter+adapt_diag', ...)",
    "pm.compile_forward_sampling_function": "PyMC internals of forward sampling; use rx.draw / rx.sample_*_predictive",
    "pm.compute_deterministics": "not yet: recompute deterministics with rx.sample_posterior_predictive(var_names=)",
    "pm.vectorize_over_posterior": "not yet: use rx.sample_posterior_predictive or rx.vectorize_graph",
    "pm.ode": "DifferentialEquation needs an ODE solver Op (scipy odeint's adjoint); a later issue",
    "pt.linalg.schur": "Schur forms: JAX lowers schur on CPU only and has no QZ; no gradient; no PyMC model uses them",
    "pt.linalg.qz": "QZ: no JAX implementation of the generalized Schur decomposition",
    "pt.linalg.ordqz": "ordered QZ: no JAX implementation of the generalized Schur decomposition",
    "pt.linalg.solve_discrete_are": "not yet: needs a DARE solver Op with an implicit-function pullback",
}

_VI_NAMES = ("ADVI", "ASVGD", "Empirical", "FullRank", "FullRankADVI", "Group", "ImplicitGradient", "Inference",
             "KLqp", "MeanField", "SVGD", "Stein", "sample_approx", "approximations", "inference", "opvi", "stein",
             "variational", "operators", "test_functions", "callbacks")
_OPT_NAMES = ("adadelta", "adagrad", "adagrad_window", "adam", "adamax", "apply_momentum", "apply_nesterov_momentum",
              "momentum", "nesterov_momentum", "norm_constraint", "rmsprop", "sgd", "total_norm_constraint", "updates")
_DISTS = ("CustomDist", "DensityDist", "GaussianRandomWalk", "RandomWalk", "MvGaussianRandomWalk",
          "MvStudentTRandomWalk", "AR", "GARCH11", "EulerMaruyama", "OrderedLogistic", "OrderedProbit",
          "OrderedMultinomial", "ZeroSumNormal", "HurdleGamma", "HurdleLogNormal", "HurdleNegativeBinomial",
          "HurdlePoisson", "DirichletMultinomial", "MatrixNormal", "KroneckerNormal", "Wishart", "WishartBartlett",
          "CAR", "ICAR", "StickBreakingWeights", "Interpolated", "SkewStudentT", "Rice", "DiscreteWeibull",
          "PolyaGamma", "HyperGeometric", "Simulator", "SymbolicRandomVariable")
PENDING = {
    **{f"pm.{n}": "distribution helpers" for n in _DISTS + ("Minibatch",)},
    **{f"pm.distributions.{n}": "distribution helpers" for n in _DISTS},
    "pm.distributions.transforms.ZeroSumTransform": "H4 (ZeroSumNormal)",
    **{f"pm.{n}": "workflow helpers" for n in ("compute_log_likelihood", "compute_log_prior", "do", "observe",
                                               "ImputationWarning", "predictions_to_inference_data",
                                               "to_inference_data", "sample_smc", "smc")},
    **{f"pm.{n}": "variational helper (samplers/vi): " + _VI for n in _VI_NAMES},
    "pm.Approximation": "variational helper: rx.fit returns rewrax.samplers.Approximation, not yet top level",
    **{f"pm.{n}": "variational helper (samplers/vi_updates): " + _OPT for n in _OPT_NAMES},
    **{n: "pm.gp: a later issue" for n in NAMES if n == "pm.gp" or n.startswith("pm.gp.")},
}


def resolve(name):
    """The object ``name`` denotes in rewrax, or raise AttributeError."""
    head, *rest = name.split(".")
    obj = importlib.import_module(ROOTS[head])
    for part in rest:
        if not hasattr(obj, part):
            try:
                obj = importlib.import_module(f"{obj.__name__}.{part}")
                continue
            except ImportError:
                raise AttributeError(name) from None
        obj = getattr(obj, part)
    return obj


def is_present(name):
    try:
        resolve(name)
        return True
    except AttributeError:
        return False


def test_the_list_is_whole():
    assert len(NAMES) == len(set(NAMES)) == 596
    assert set(ABSENT) <= set(NAMES) and set(PENDING) <= set(NAMES)
    assert not set(ABSENT) & set(PENDING)
    assert all(len(reason) > 20 for reason in ABSENT.values())


@pytest.mark.parametrize("name", [n for n in NAMES if n not in ABSENT and n not in PENDING])
def test_name_is_present(name):
    assert is_present(name), f"{name} is missing from rewrax (add it, or give the reason in ABSENT)"


@pytest.mark.parametrize("name", sorted(ABSENT))
def test_absent_names_are_really_absent(name):
    assert not is_present(name), f"{name} exists now: remove it from ABSENT"


def test_arviz_names_load_lazily_and_are_arviz():
    import subprocess
    import sys

    code = "import sys, rewrax; assert 'arviz' not in sys.modules; print('ok')"
    assert subprocess.run([sys.executable, "-c", code], capture_output=True, text=True).stdout.strip() == "ok"
    az = pytest.importorskip("arviz")
    import rewrax as pm

    assert pm.loo is az.loo and pm.stats.hdi is az.hdi and pm.plot_trace is az.plot_trace
    with pytest.raises(AttributeError, match="no attribute 'not_a_name'"):
        pm.not_a_name  # noqa: B018
