"""ArviZ's statistics and plots under rewrax's names (``pm.loo``, ``pm.plot_trace``, ...), as PyMC has them.

PyMC imports ArviZ with itself; rewrax imports it on the first use of one of these names
(``import arviz`` takes seconds, more than the rest of ``import rewrax`` on a busy machine).
The name lists are ArviZ 0.23's ``arviz.stats.__all__`` and ``arviz.plots.__all__``.
"""

from __future__ import annotations

import importlib

STATS = (
    "apply_test_function", "bayes_factor", "bfmi", "compare", "hdi", "kde", "loo", "loo_pit", "psislw", "r2_samples",
    "r2_score", "waic", "weight_predictions", "ELPDData", "ess", "rhat", "mcse", "autocorr", "autocov", "make_ufunc",
    "smooth_data", "wrap_xarray_ufunc", "reloo", "psens",
)
PLOTS = (
    "plot_autocorr", "plot_bpv", "plot_bf", "plot_compare", "plot_density", "plot_dist", "plot_dot", "plot_ecdf",
    "plot_elpd", "plot_energy", "plot_ess", "plot_forest", "plot_hdi", "plot_kde", "plot_khat", "plot_lm",
    "plot_loo_pit", "plot_mcse", "plot_pair", "plot_parallel", "plot_posterior", "plot_ppc", "plot_dist_comparison",
    "plot_rank", "plot_trace", "plot_ts", "plot_violin", "plot_separation",
)


def arviz_attribute(name: str, module_name: str):
    """ArviZ's ``name`` (from ``arviz.stats`` or ``arviz.plots``); ``AttributeError`` for other names."""
    part = "stats" if name in STATS else "plots" if name in PLOTS else None
    if part is None:
        raise AttributeError(f"module {module_name!r} has no attribute {name!r}")
    try:
        arviz = importlib.import_module("arviz")
    except ImportError:
        raise AttributeError(f"{module_name}.{name} is ArviZ's {name}: install ArviZ (pip install arviz)") from None
    return getattr(getattr(arviz, part), name)


def module_getattr(module_name: str, names=STATS + PLOTS, extra=None):
    """A module ``__getattr__`` (PEP 562) resolving ``names`` from ArviZ and ``extra`` (name -> getter)."""
    extra = extra or {}

    def __getattr__(name):
        if name in extra:
            return extra[name]()
        if name not in names:
            raise AttributeError(f"module {module_name!r} has no attribute {name!r}")
        return arviz_attribute(name, module_name)

    return __getattr__
