"""NUTS and HMC on one block of continuous variables: BlackJAX's kernels plus the warm-up.

A kernel object here is a bundle of pure functions over pytrees (BlackJAX style):
``init(key, x, logdensity) -> (state, adapt_state)``, ``step(key, state, adapt_state,
logdensity, stage) -> (state, adapt_state, stats)`` and ``refresh(state, logdensity)`` (the
cached density and gradient recomputed after other blocks of a compound step moved).
"""

from __future__ import annotations

import jax
import jax.numpy as jnp
import blackjax.mcmc.hmc as bj_hmc
import blackjax.mcmc.nuts as bj_nuts
from blackjax.mcmc import metrics

from rewrax.samplers.adaptation import hmc_adaptation

_nuts_kernel = bj_nuts.build_kernel()
_hmc_kernel = bj_hmc.build_kernel()


class HMCFamilyKernel:
    """NUTS (``algorithm="nuts"``) or static-path HMC (``"hmc"``) with warm-up.

    Parameters
    ----------
    block : Block
        The continuous value variables this kernel updates.
    target_accept : float
        Acceptance rate the step size is tuned to (0.8 for NUTS, as PyMC).
    max_treedepth : int
        NUTS: most trajectory doublings per draw.
    path_length : float
        HMC: integration time; the number of leapfrog steps is ``path_length / step_size``.
    mass_matrix : str
        ``"diag"``, ``"dense"``, ``"fisher_diag"`` or ``"low_rank"`` (see adaptation.py).
    buffer_size : int
        Rows kept by the low-rank estimator (the longest warm-up window).
    """

    def __init__(self, block, algorithm="nuts", target_accept=0.8, max_treedepth=10, path_length=2.0,
                 max_steps=1024, mass_matrix="diag", buffer_size=1, step_scale=None, adapt=True,
                 restart_step_size=False):
        self.block = block
        self.algorithm = algorithm
        self.target_accept = float(target_accept)
        self.max_treedepth = int(max_treedepth)
        self.path_length = float(path_length)
        self.max_steps = int(max_steps)
        self.mass_matrix = mass_matrix
        self.step_scale = step_scale
        self.adapt = adapt
        self.restart_step_size = bool(restart_step_size)
        self.buffer_size = int(buffer_size)
        self._adapt_init, self._adapt_update = hmc_adaptation(mass_matrix, block.size, self.target_accept,
                                                               buffer_size, self.restart_step_size)
        self.stats = _NUTS_STATS if algorithm == "nuts" else _HMC_STATS

    def key(self):
        """What the compiled program depends on (the kernel's cache key)."""
        return (self.algorithm, self.block, self.target_accept, self.max_treedepth, self.path_length,
                self.max_steps, self.mass_matrix, self.step_scale, self.adapt, self.restart_step_size,
                self.buffer_size if self.mass_matrix == "low_rank" else None)  # only low-rank reads it

    # -- state ---------------------------------------------------------------------------------
    def init(self, x, logp, grad):
        """State at ``x`` (density and gradient already known) and the adaptation's start.

        The first step size is PyMC's ``step_scale / n**0.25`` (``step_scale`` 0.25): dual
        averaging moves it within a few iterations, and no search loop (with its own
        copy of the gradient code to compile) is needed.
        """
        state = bj_hmc.HMCState(x, logp, grad)
        scale = 0.25 if self.step_scale is None else self.step_scale
        return state, self._adapt_init(jnp.asarray(scale / max(x.shape[0], 1) ** 0.25, x.dtype))

    def refresh(self, state, logdensity):
        return bj_hmc.init(state.position, logdensity)

    # -- one iteration -------------------------------------------------------------------------
    def step(self, key, state, adapt_state, logdensity, stage):
        step_size, imm = adapt_state.step_size, adapt_state.inverse_mass_matrix
        if self.algorithm == "nuts":
            new_state, info = _nuts_kernel(key, state, logdensity, step_size, imm,
                                           max_num_doublings=self.max_treedepth)
            n_steps = info.num_integration_steps
            stats = {"tree_depth": info.num_trajectory_expansions,
                     "reached_max_treedepth": info.num_trajectory_expansions >= self.max_treedepth}
        else:
            n_steps = jnp.clip(jnp.round(self.path_length / step_size), 1, self.max_steps).astype(jnp.int32)
            new_state, info = _hmc_kernel(key, state, logdensity, step_size, imm, n_steps)
            stats = {"accepted": info.is_accepted}
        kinetic = metrics.default_metric(imm).kinetic_energy
        initial_energy = -state.logdensity + kinetic(info.momentum)
        stats.update(
            acceptance_rate=info.acceptance_rate, diverging=info.is_divergent, energy=info.energy,
            energy_error=info.energy - initial_energy, n_steps=n_steps, step_size=step_size,
            lp=new_state.logdensity,
        )
        if self.adapt:
            adapt_state = self._adapt_update(adapt_state, stage, new_state.position, new_state.logdensity_grad,
                                             info.acceptance_rate)
        return new_state, adapt_state, stats


_NUTS_STATS = {
    "tree_depth": "int64", "reached_max_treedepth": "bool", "acceptance_rate": "float64",
    "diverging": "bool", "energy": "float64", "energy_error": "float64", "n_steps": "int64",
    "step_size": "float64", "lp": "float64",
}
_HMC_STATS = {
    "accepted": "bool", "acceptance_rate": "float64", "diverging": "bool", "energy": "float64",
    "energy_error": "float64", "n_steps": "int64", "step_size": "float64", "lp": "float64",
}
