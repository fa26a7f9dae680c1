"""``pm.stats``: ArviZ's statistics (``loo``, ``waic``, ``hdi``, ``ess``, ``rhat``, ...), loaded on first use.

``summary`` is rewrax's own (``rx.summary``, ArviZ's columns); ``compute_log_likelihood`` and
``compute_log_prior`` are rewrax's, where the installed rewrax has them.
"""

import importlib

from rewrax.arviz_names import STATS, module_getattr
from rewrax.samplers import summary  # noqa: F401


def _from_rewrax(name):
    return lambda: getattr(importlib.import_module("rewrax"), name)


__getattr__ = module_getattr(__name__, STATS, {n: _from_rewrax(n) for n in ("compute_log_likelihood",
                                                                                "compute_log_prior")})
__all__ = ["summary", *STATS]


def __dir__():
    return sorted(set(globals()) | set(STATS))
