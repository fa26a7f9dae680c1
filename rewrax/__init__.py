"""rewrax: rewrite-first, JAX-native probabilistic programming.

``import rewrax as rx`` gives the graph tools (``rx.function``, ``rx.dprint``, ``rx.grad``,
``rx.clone_replace``, ``rx.rewrite_graph``, ...) and the model API (``rx.Model``,
``rx.Normal``, ``rx.sample``, ...); ``import rewrax.symbolic as pt`` gives the tensor API.
"""

from rewrax.symbolic import (  # noqa: F401
    Lop, Rop, ancestors, clone_replace, config, disconnected_grad, dprint, explicit_graph_inputs,
    grad, graph_inputs, graph_replace, hessian, io_toposort, jacobian, shared, shared_rng, toposort,
    vectorize_graph, zero_grad,
)
from rewrax.symbolic.printing import debugprint  # noqa: F401
from rewrax.rewrites import rewrite_graph  # noqa: F401
from rewrax.lower_jax import Function, Mode, function, wrap_jax  # noqa: F401
from rewrax.model import (  # noqa: F401
    Data, Deterministic, JaxModel, Model, ModelGraph, Potential, SamplingError, ValueGradFunction, model_to_graphviz,
    modelcontext, sample_posterior_predictive, sample_prior_predictive, set_data, transforms,
)

from rewrax.model import (  # noqa: F401  (distributions, densities and forward sampling)
    conditional_logp, constraints, draw, icdf, logcdf, logp,
)
from rewrax.model.distributions import *  # noqa: F401,F403
from rewrax.model.minibatch import Minibatch  # noqa: F401
from rewrax.samplers.vi_updates import adagrad_window  # noqa: F401
from rewrax.samplers import (  # noqa: F401  (sampling)
    HMC, NUTS, BinaryGibbsMetropolis, BinaryMetropolis, CategoricalGibbsMetropolis, CompoundStep, ConvergenceWarning,
    Metropolis, find_MAP, fit, sample, set_compilation_cache, summary,
)
from rewrax.model import ImputationWarning, do, observe  # noqa: F401  (the workflow after sampling)
from rewrax.samplers import (  # noqa: F401  (the workflow after sampling)
    MultiTrace, compute_log_likelihood, compute_log_prior, predictions_to_inference_data, to_inference_data,
)

from rewrax.samplers import AdjustedMCLMC, ChEES, MAMS, sample_smc  # noqa: F401  (cross-chain samplers, SMC)

# PyMC's namespaces and simple names (pm.math, pm.distributions, pm.stats, pm.floatX, ...)
from rewrax import (  # noqa: F401
    blocking, distributions, exceptions, logprob, math, model_graph, plots, printing, pytensorf, stats, step_methods,
    vartypes,
)
from rewrax.blocking import DictToArrayBijection  # noqa: F401
from rewrax.exceptions import IncorrectArgumentsError, ShapeError, ShapeWarning, TraceDirectoryError  # noqa: F401
from rewrax.logprob import logccdf  # noqa: F401
from rewrax.math import expand_packed_triangular, invlogit, invprobit, logaddexp, logit, logsumexp, probit  # noqa: F401
from rewrax.model_core import Point, compile_fn  # noqa: F401
from rewrax.model_graph import model_to_mermaid, model_to_networkx  # noqa: F401
from rewrax.printing import str_for_dist, str_for_model, str_for_potential_or_deterministic  # noqa: F401
from rewrax.pytensorf import (  # noqa: F401
    CallableTensor, compile, cont_inputs, convert_data, convert_observed_data, floatX, gradient, hessian_diag,
    inputvars, intX, join_nonshared_inputs, make_shared_replacements,
)
from rewrax.step_methods import STEP_METHODS, HamiltonianMC  # noqa: F401
from rewrax.vartypes import *  # noqa: F401,F403
from rewrax import data, func_utils, sampling, tuning, util  # noqa: F401
from rewrax.func_utils import find_constrained_prior  # noqa: F401
from rewrax.tuning import find_hessian, guess_scaling, trace_cov  # noqa: F401
from rewrax.util import drop_warning_stat  # noqa: F401
from rewrax.arviz_names import module_getattr as _arviz_getattr

__getattr__ = _arviz_getattr("rewrax")  # pm.loo, pm.hdi, pm.plot_trace, ...: ArviZ, imported on first use

__version__ = "0.1.0"
