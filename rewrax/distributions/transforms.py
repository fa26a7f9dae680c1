"""``pm.distributions.transforms``: PyMC's transform names (``ordered``, ``log``, ``Interval``, ...).

Re-exports ``rewrax.model.transforms``; ``ZeroSumTransform`` appears when the model layer has it.
"""

from rewrax.model import transforms as _transforms

_NAMES = [
    "Transform", "Chain", "ChainedTransform", "Interval", "CholeskyCovPacked", "ZeroSumTransform", "SumTo1",
    "log", "logodds", "simplex", "sum_to_1", "ordered", "circular", "log_exp_m1", "interval",
    "LogTransform", "LogExpM1", "LogOddsTransform", "Simplex", "Ordered", "Circular", "CholeskyCorr", "CorrMatrix",
]

globals().update({name: getattr(_transforms, name) for name in _NAMES if hasattr(_transforms, name)})

__all__ = [name for name in _NAMES if name in globals()]
