"""Adjusted microcanonical HMC (MAMS, BlackJAX's ``adjusted_mclmc``) adapted across chains.

Robnik, De Luca, Silverstein & Seljak (2025), "Metropolis adjusted microcanonical Hamiltonian
Monte Carlo". Each draw integrates isokinetic (microcanonical) dynamics with BlackJAX's
``isokinetic_mclachlan`` integrator for ``n`` steps and accepts or rejects the end point.
Every chain uses the same step size and the same number of steps (a quasi-random fraction of
``2 L / step_size``, mean ``L / step_size``), so the chains move in lockstep.

Warm-up, pooled over all chains (the chunk program's chain axis, pooled.py):

- the step size follows dual averaging towards a mean acceptance of ``target_accept`` (0.9,
  the paper's choice) over all chains;
- the trajectory length ``L`` is ``length_factor * sqrt(sum_i var_i / m_i)``: the ensemble's
  spread across chains in the metric of the mass matrix, measured at every warm-up step and
  averaged (in log) with weights ``t**-0.5``, so it tracks the chains as they settle;
- the diagonal mass matrix is the chains' pooled variance over rewrax's warm-up windows.
"""

from __future__ import annotations

from typing import Any, NamedTuple

import jax
import jax.numpy as jnp
import blackjax.mcmc.adjusted_mclmc as bj_mams
import blackjax.mcmc.hmc as bj_hmc
from blackjax.adaptation.step_size import dual_averaging_adaptation

from rewrax.samplers.pooled import (
    PooledMoments, ensemble_variance, jitter_fraction, moments_init, moments_update, moments_variance, pooled_mean,
)
from rewrax.samplers.steps import StepMethod, _reject_unknown

_mams_kernel = bj_mams.build_kernel()


class MAMSState(NamedTuple):
    """Shared parameters (the same in every chain) and the state of their adaptation."""

    step_size: Any
    trajectory_length: Any
    inverse_mass_matrix: Any
    iteration: Any
    da: Any
    log_length_ma: Any
    moments: PooledMoments


class MAMSKernel:
    """Adjusted MCLMC on one block with cross-chain warm-up (see the module docstring)."""

    stats = {"acceptance_rate": "float64", "diverging": "bool", "energy": "float64", "n_steps": "int64", "step_size": "float64", "trajectory_length": "float64", "lp": "float64"}

    def __init__(self, block, target_accept=0.9, max_steps=1000, length_factor=1.0, decay_rate=0.5,
                 adapt_mass_matrix=True):
        self.block = block
        self.target_accept = float(target_accept)
        self.max_steps = int(max_steps)
        self.length_factor = float(length_factor)
        self.decay_rate = float(decay_rate)
        self.adapt_mass_matrix = bool(adapt_mass_matrix)
        self._da = dual_averaging_adaptation(self.target_accept)

    def key(self):
        return ("mams", self.block, self.target_accept, self.max_steps, self.length_factor, self.decay_rate,
                self.adapt_mass_matrix)

    def init(self, x, logp, grad):
        n, dtype = max(x.shape[0], 1), x.dtype
        length = jnp.asarray(n**0.5, dtype)
        step_size = length * 0.2  # BlackJAX's adjusted-MCLMC starting values
        state = MAMSState(step_size, length, jnp.ones(x.shape, dtype), jnp.zeros((), jnp.int32),
                          self._da[0](step_size), jnp.log(length), moments_init(x.shape[0], dtype))
        return bj_hmc.HMCState(x, logp, grad), state

    def refresh(self, state, logdensity):
        return bj_hmc.init(state.position, logdensity)

    def step(self, key, state, params, logdensity, stage):
        u = jitter_fraction(params.iteration)
        n_steps = jnp.clip(jnp.ceil(2 * u * params.trajectory_length / params.step_size), 1, self.max_steps)
        n_steps = n_steps.astype(jnp.int32)
        new_state, info = _mams_kernel(key, state, logdensity, params.step_size, (n_steps,),
                                       inverse_mass_matrix=params.inverse_mass_matrix)
        accept = jnp.nan_to_num(info.acceptance_rate, nan=0.0)
        stats = {"acceptance_rate": accept, "diverging": info.is_divergent, "energy": info.energy,
                 "n_steps": n_steps, "step_size": params.step_size, "trajectory_length": params.trajectory_length,
                 "lp": new_state.logdensity}
        branches = (self._fast, self._slow, self._window_end, self._last_tune, _frozen, _frozen)
        new_params = jax.lax.switch(stage, [_keep_dtypes(b) for b in branches], params, new_state.position, accept)
        return new_state, new_params._replace(iteration=params.iteration + 1), stats

    # -- warm-up stages (adaptation.py's codes) ------------------------------------------------
    def _fast(self, params, position, accept):
        ok = jnp.all(jnp.isfinite(position))
        mean_accept = pooled_mean(accept, ok.astype(accept.dtype))
        da = self._da[1](params.da, mean_accept)
        step_size = jnp.exp(da.log_step_size)
        spread = ensemble_variance(jnp.where(ok, position, 0.0), ok) / params.inverse_mass_matrix
        log_length = jnp.log(self.length_factor * jnp.sqrt(jnp.maximum(jnp.sum(spread), 1e-30)))
        weight = (params.iteration + 1).astype(step_size.dtype) ** (-self.decay_rate)
        log_length_ma = (1 - weight) * params.log_length_ma + weight * log_length
        length = jnp.clip(jnp.exp(log_length_ma), step_size, self.max_steps * step_size)
        return params._replace(step_size=step_size, da=da, log_length_ma=log_length_ma, trajectory_length=length)

    def _slow(self, params, position, accept):
        params = self._fast(params, position, accept)
        if not self.adapt_mass_matrix:
            return params
        ok = jnp.all(jnp.isfinite(position))
        return params._replace(moments=moments_update(params.moments, position, ok))

    def _window_end(self, params, position, accept):
        params = self._slow(params, position, accept)
        if not self.adapt_mass_matrix:
            return params
        old = params.inverse_mass_matrix
        imm = moments_variance(params.moments, old)
        # L was measured in the old metric: carry it into the new one (sum var/m changes)
        ratio = jnp.sqrt(jnp.sum(imm / imm) / jnp.maximum(jnp.sum(imm / old), 1e-30))
        return params._replace(inverse_mass_matrix=imm, moments=jax.tree.map(jnp.zeros_like, params.moments),
                               log_length_ma=params.log_length_ma + jnp.log(ratio),
                               trajectory_length=params.trajectory_length * ratio)

    def _last_tune(self, params, position, accept):
        params = self._fast(params, position, accept)
        step_size = jnp.exp(params.da.log_step_size_avg)
        length = jnp.clip(jnp.exp(params.log_length_ma), step_size, self.max_steps * step_size)
        return params._replace(step_size=step_size, trajectory_length=length)


def _frozen(params, position, accept):
    return params


def _cast_like(new, old):
    return jax.tree.map(lambda n, o: jnp.asarray(n).astype(jnp.asarray(o).dtype), new, old)


def _keep_dtypes(branch):
    def wrapped(params, *args):
        return _cast_like(branch(params, *args), params)
    return wrapped


class MAMS(StepMethod):
    """Metropolis-adjusted microcanonical HMC (BlackJAX's ``adjusted_mclmc``), tuned across chains.

    Made for many chains: all chains take the same number of integration steps, and warm-up
    pools the step size, trajectory length and diagonal mass matrix over the ensemble.

    Parameters
    ----------
    vars : list, optional
        Continuous variables to update (default: all continuous free variables).
    target_accept : float
        Mean acceptance the step size is tuned to (default 0.9, as the MAMS paper).
    max_steps : int
        Cap on the integration steps per draw (default 1000).
    length_factor : float
        Trajectory length in units of the ensemble's spread ``sqrt(sum var / m)`` (default 1).
    adapt_mass_matrix : bool
        Pool the chains' variances into a diagonal mass matrix over the warm-up windows.

    Examples
    --------
    >>> import rewrax as rx
    >>> rx.MAMS(target_accept=0.8)
    MAMS([all])
    """

    name = "MAMS"

    def __init__(self, vars=None, target_accept=0.9, max_steps=1000, length_factor=1.0, decay_rate=0.5,
                 adapt_mass_matrix=True, **kwargs):
        _reject_unknown(self.name, kwargs)
        if not 0 < float(target_accept) < 1:
            raise ValueError(f"MAMS: target_accept must be in (0, 1), got {target_accept}")
        if int(max_steps) < 1:
            raise ValueError(f"MAMS: max_steps must be a positive integer, got {max_steps}")
        if not float(length_factor) > 0:
            raise ValueError(f"MAMS: length_factor must be positive, got {length_factor}")
        super().__init__(vars, target_accept=target_accept, max_steps=max_steps, length_factor=length_factor,
                         decay_rate=decay_rate, adapt_mass_matrix=adapt_mass_matrix)

    def build(self, block, ctx):
        return MAMSKernel(block, **self.settings)


#: BlackJAX's name for the same sampler
AdjustedMCLMC = MAMS
