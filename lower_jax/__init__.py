"""rewrax.lower_jax: graphs lowered to ``jax.jit`` functions (``rx.function``)."""

from rewrax.lower_jax import control, elemwise, ops, random  # noqa: F401  (register lowerings)
from rewrax.lower_jax import random_custom  # noqa: F401  (CustomDist / SymbolicRandomVariable)
from rewrax.lower_jax import random_timeseries  # noqa: F401  (random walks, AR, GARCH11, SDEs)
from rewrax.lower_jax import extra_ops, linalg  # noqa: F401  (pt.extra_ops, pt.linalg lowerings)
from rewrax.lower_jax.evaluate import evaluate  # noqa: F401
from rewrax.lower_jax.function import Function, function  # noqa: F401
from rewrax.lower_jax.interpret import graph_fn  # noqa: F401
from rewrax.lower_jax.mode import Mode, get_mode  # noqa: F401
from rewrax.lower_jax.table import LOWERINGS, LoweringError, lowering_for, register  # noqa: F401
from rewrax.lower_jax.wrap import JaxOp, wrap_jax  # noqa: F401
