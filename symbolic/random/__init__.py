"""Random variables: ``pt.random.normal(...)``, and the ``RandomVariable`` base class."""

from rewrax.symbolic.random.basic import *  # noqa: F401,F403
from rewrax.symbolic.random.basic import NormalRV, UniformRV, normal, uniform  # noqa: F401
from rewrax.symbolic.random.discrete import *  # noqa: F401,F403
from rewrax.symbolic.random.meta import CensoredRV, MixtureRV, TruncatedRV, censored  # noqa: F401
from rewrax.symbolic.random.multivariate import *  # noqa: F401,F403
from rewrax.symbolic.random.op import RandomVariable, make_rv  # noqa: F401
