"""Step methods as users name them: ``rx.NUTS([b])``, ``rx.Metropolis([a])``, ``rx.CompoundStep``.

A step method is a description (which variables, which settings); ``rx.sample`` turns each
into a kernel over one block of the flat position (kernels_hmc.py, kernels_metropolis.py)
and runs them all, one after the other, inside one compiled JAX program: PyMC's
CompoundStep (Metropolis-within-Gibbs) without Python in the loop.
"""

from __future__ import annotations

import numpy as np

from rewrax.samplers.kernels_hmc import HMCFamilyKernel
from rewrax.samplers.kernels_metropolis import (
    BinaryGibbsKernel, BinaryMetropolisKernel, CategoricalGibbsKernel, RandomWalkKernel,
)


class StepMethod:
    """Base of the step methods: the variables it updates and its settings.

    Parameters
    ----------
    vars : list, optional
        Model variables (random variables, value variables or their names) this step
        updates. ``None``: every free variable the method can sample that no other step
        method claims.
    """

    name = "StepMethod"
    discrete = False  # whether it samples integer-valued variables
    continuous = True  # whether it samples real-valued variables

    def __init__(self, vars=None, **settings):
        if vars is not None and not isinstance(vars, (list, tuple)):
            vars = [vars]
        self.vars = None if vars is None else list(vars)
        self.settings = settings

    def build(self, block, ctx):
        raise NotImplementedError

    def check_block(self, block, ctx=None):
        """Raise a clear error when this method cannot sample the variables of ``block``."""
        is_int = [np.issubdtype(np.dtype(d), np.integer) or np.dtype(d) == np.bool_ for d in block.dtypes]
        for name, dtype, is_discrete in zip(block.names, block.dtypes, is_int):
            if is_discrete and not self.discrete:
                raise TypeError(f"{self.name} cannot sample the discrete variable {name!r} ({dtype}); use "
                                "rx.Metropolis, rx.BinaryGibbsMetropolis or rx.CategoricalGibbsMetropolis for it")
            if not is_discrete and not self.continuous:
                raise TypeError(f"{self.name} samples discrete variables only; {name!r} is continuous ({dtype})")

    def __repr__(self):
        names = "all" if self.vars is None else ", ".join(_label(v) for v in self.vars)
        return f"{self.name}([{names}])"


def _label(var) -> str:
    return var if isinstance(var, str) else str(getattr(var, "name", None) or var)


class NUTS(StepMethod):
    """The No-U-Turn sampler (BlackJAX's multinomial, iterative NUTS) with warm-up.

    Parameters
    ----------
    vars : list, optional
        Continuous variables to update (default: all continuous free variables).
    target_accept : float
        Target acceptance rate of the step-size adaptation (default 0.8).
    max_treedepth : int
        Most trajectory doublings per draw (default 10).
    mass_matrix : {"diag", "fisher_diag", "dense", "low_rank"}
        Mass-matrix estimator used during warm-up (default ``"diag"``).
    step_scale : float, optional
        The first step size is ``step_scale / n**0.25`` for ``n`` variables (PyMC's rule,
        default 0.25); warm-up tunes it from there.

    Examples
    --------
    >>> import rewrax as rx
    >>> step = rx.NUTS(target_accept=0.9)
    >>> step
    NUTS([all])
    """

    name = "NUTS"

    def __init__(self, vars=None, target_accept=0.8, max_treedepth=10, mass_matrix=None, step_scale=None,
                 adapt_step_size=True, **kwargs):
        _reject_unknown(self.name, kwargs)
        super().__init__(vars, target_accept=target_accept, max_treedepth=max_treedepth,
                         mass_matrix=mass_matrix, step_scale=step_scale, adapt=adapt_step_size)

    def build(self, block, ctx):
        s = self.settings
        return HMCFamilyKernel(block, "nuts", s["target_accept"], s["max_treedepth"],
                               mass_matrix=s["mass_matrix"] or ctx.mass_matrix, buffer_size=ctx.buffer_size,
                               step_scale=s["step_scale"], adapt=s["adapt"], restart_step_size=ctx.restart_step_size)


class HMC(StepMethod):
    """Hamiltonian Monte Carlo with a fixed integration time ``path_length``.

    Parameters
    ----------
    target_accept : float
        Target acceptance rate (PyMC's HMC default, 0.65).
    path_length : float
        Integration time; the leapfrog step count is ``path_length / step_size``.
    max_steps : int
        Cap on the leapfrog steps per draw.
    """

    name = "HMC"

    def __init__(self, vars=None, target_accept=0.65, path_length=2.0, max_steps=1024, mass_matrix=None,
                 step_scale=None, adapt_step_size=True, **kwargs):
        _reject_unknown(self.name, kwargs)
        super().__init__(vars, target_accept=target_accept, path_length=path_length, max_steps=max_steps,
                         mass_matrix=mass_matrix, step_scale=step_scale, adapt=adapt_step_size)

    def build(self, block, ctx):
        s = self.settings
        return HMCFamilyKernel(block, "hmc", s["target_accept"], path_length=s["path_length"],
                               max_steps=s["max_steps"], mass_matrix=s["mass_matrix"] or ctx.mass_matrix,
                               buffer_size=ctx.buffer_size, step_scale=s["step_scale"], adapt=s["adapt"],
                               restart_step_size=ctx.restart_step_size)


class Metropolis(StepMethod):
    """Random-walk Metropolis with a normal proposal (rounded for integer variables).

    Parameters
    ----------
    S : float or array, optional
        Proposal standard deviation per element (default 1).
    scaling : float
        Initial multiplier of ``S``; tuned every ``tune_interval`` warm-up steps.
    tune : bool
        Whether to tune ``scaling`` during warm-up.
    """

    name = "Metropolis"
    discrete = True

    def __init__(self, vars=None, S=None, scaling=1.0, tune=True, tune_interval=100, **kwargs):
        _reject_unknown(self.name, kwargs)
        super().__init__(vars, S=S, scaling=scaling, tune=tune, tune_interval=tune_interval)

    def build(self, block, ctx):
        s = self.settings
        return RandomWalkKernel(block, s["S"], s["scaling"], s["tune"], s["tune_interval"])


class BinaryMetropolis(StepMethod):
    """Metropolis for 0/1 variables: flip each element with probability ``1 - 0.5**scaling``."""

    name = "BinaryMetropolis"
    discrete, continuous = True, False

    def __init__(self, vars=None, scaling=1.0, tune=True, tune_interval=100, **kwargs):
        _reject_unknown(self.name, kwargs)
        super().__init__(vars, scaling=scaling, tune=tune, tune_interval=tune_interval)

    def check_block(self, block, ctx=None):
        super().check_block(block, ctx)
        if ctx is not None:
            ctx.require_binary(self.name, block)

    def build(self, block, ctx):
        s = self.settings
        return BinaryMetropolisKernel(block, s["scaling"], s["tune"], s["tune_interval"])


class BinaryGibbsMetropolis(StepMethod):
    """Metropolis-within-Gibbs for 0/1 variables: one flip proposal per element per draw."""

    name = "BinaryGibbsMetropolis"
    discrete, continuous = True, False

    def __init__(self, vars=None, order="random", **kwargs):
        _reject_unknown(self.name, kwargs)
        super().__init__(vars, order=order)

    def check_block(self, block, ctx=None):
        super().check_block(block, ctx)
        if ctx is not None:
            ctx.require_binary(self.name, block)

    def build(self, block, ctx):
        return BinaryGibbsKernel(block, self.settings["order"])


class CategoricalGibbsMetropolis(StepMethod):
    """Gibbs updates of bounded integer (categorical) variables, element by element.

    Parameters
    ----------
    proposal : {"proportional", "uniform"}
        ``"proportional"`` draws each element from its full conditional; ``"uniform"``
        proposes another category uniformly and accepts by Metropolis (PyMC's default).
    """

    name = "CategoricalGibbsMetropolis"
    discrete, continuous = True, False

    def __init__(self, vars=None, proposal="proportional", order="random", **kwargs):
        _reject_unknown(self.name, kwargs)
        super().__init__(vars, proposal=proposal, order=order)

    def check_block(self, block, ctx=None):
        super().check_block(block, ctx)
        if ctx is not None:
            ctx.categories(self.name, block)

    def build(self, block, ctx):
        lower, n_categories = ctx.categories(self.name, block)
        return CategoricalGibbsKernel(block, lower, n_categories, self.settings["order"],
                                      self.settings["proposal"])


class CompoundStep:
    """Several step methods applied one after the other in each iteration.

    ``rx.sample(step=[rx.Metropolis([a]), rx.NUTS([b])])`` is the same as
    ``rx.sample(step=rx.CompoundStep([...]))``.
    """

    def __init__(self, methods):
        flat = []
        for m in methods:
            flat.extend(m.methods if isinstance(m, CompoundStep) else [m])
        for m in flat:
            if not isinstance(m, StepMethod):
                raise TypeError(f"CompoundStep takes step methods (rx.NUTS, rx.Metropolis, ...), got {m!r}")
        self.methods = flat

    def __repr__(self):
        return "CompoundStep(" + ", ".join(repr(m) for m in self.methods) + ")"


def _reject_unknown(name, kwargs):
    if kwargs:
        raise TypeError(f"{name}() got unexpected keyword argument(s): {', '.join(sorted(kwargs))}")
