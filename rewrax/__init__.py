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
from rewrax.samplers import (  # noqa: F401  (sampling)
    HMC, NUTS, BinaryGibbsMetropolis, BinaryMetropolis, CategoricalGibbsMetropolis, CompoundStep, ConvergenceWarning,
    Metropolis, find_MAP, fit, sample, set_compilation_cache, summary,
)

__version__ = "0.1.0"
