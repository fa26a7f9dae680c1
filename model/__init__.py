"""rewrax.model: distributions, log-densities, transforms, the Model context, forward sampling."""

from rewrax.model import transforms  # noqa: F401
from rewrax.model.compile import JaxModel, PointFunc  # noqa: F401
from rewrax.model.core import Deterministic, Model, Potential, modelcontext  # noqa: F401
from rewrax.model.data import Data, set_data  # noqa: F401
from rewrax.model.debug import SamplingError  # noqa: F401
from rewrax.model.model_graph import ModelGraph, model_to_graphviz  # noqa: F401
from rewrax.model.predictive import sample_posterior_predictive, sample_prior_predictive  # noqa: F401
from rewrax.model.missing import ImputationWarning  # noqa: F401
from rewrax.model.transform_model import do, observe  # noqa: F401
from rewrax.model.value_grad import ValueGradFunction  # noqa: F401
from rewrax.model import constraints  # noqa: F401
from rewrax.model.distributions import *  # noqa: F401,F403
from rewrax.model.forward import draw  # noqa: F401
from rewrax.model.logprob import conditional_logp, icdf, logcdf, logp  # noqa: F401
