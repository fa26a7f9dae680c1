"""``pm.plots``: ArviZ's plots (``plot_trace``, ``plot_posterior``, ...), loaded on first use."""

from rewrax.arviz_names import PLOTS, module_getattr

__getattr__ = module_getattr(__name__, PLOTS)
__all__ = list(PLOTS)


def __dir__():
    return sorted(set(globals()) | set(PLOTS))
