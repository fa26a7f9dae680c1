"""rewrax.samplers: NUTS and friends from BlackJAX, warm-up, compound steps, results, diagnostics."""

from rewrax.samplers.cache import set_compilation_cache  # noqa: F401
from rewrax.samplers.diagnostics import ConvergenceWarning, summary  # noqa: F401
from rewrax.model.debug import SamplingError  # noqa: F401
from rewrax.samplers.optimize import find_MAP  # noqa: F401
from rewrax.samplers.vi import Approximation, fit  # noqa: F401
from rewrax.samplers.loglik import compute_log_likelihood, compute_log_prior  # noqa: F401
from rewrax.samplers.results import MultiTrace, predictions_to_inference_data, to_inference_data  # noqa: F401
from rewrax.samplers.run import ChunkInfo  # noqa: F401
from rewrax.samplers.sample import sample  # noqa: F401
from rewrax.samplers.steps import (  # noqa: F401
    HMC, NUTS, BinaryGibbsMetropolis, BinaryMetropolis, CategoricalGibbsMetropolis, CompoundStep, Metropolis,
    StepMethod,
)
from rewrax.samplers.chees import ChEES  # noqa: F401
from rewrax.samplers.mclmc import MAMS, AdjustedMCLMC  # noqa: F401
from rewrax.samplers.smc import sample_smc  # noqa: F401
