"""``pm.distributions``: every distribution (``from pymc.distributions import Normal``) and ``transforms``.

Re-exports ``rewrax.model.distributions.__all__``, so a distribution added there appears here too.
"""

from rewrax.model import distributions as _dists
from rewrax.distributions import transforms  # noqa: F401

globals().update({name: getattr(_dists, name) for name in _dists.__all__})

__all__ = list(_dists.__all__) + ["transforms"]
