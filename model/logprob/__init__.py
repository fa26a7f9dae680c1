"""Log-densities: ``logp``, ``logcdf``, ``icdf``, ``conditional_logp`` and their registries."""

from rewrax.model.logprob.abstract import (  # noqa: F401
    ICDF, LOGCDF, LOGPROB, NotMeasurableError, icdf, logcdf, logp, register_icdf, register_logcdf,
    register_logprob,
)
from rewrax.model.logprob.checks import bound, check_parameters  # noqa: F401
from rewrax.model.logprob.conditional import conditional_logp  # noqa: F401
from rewrax.model.logprob.derive import derive  # noqa: F401
