"""ChEES-HMC: jittered HMC whose step size, trajectory length and mass matrix adapt across chains.

Hoffman, Radul & Sountsov (2021), "An adaptive MCMC scheme for setting trajectory lengths in
Hamiltonian Monte Carlo". Every chain runs HMC with the *same* step size and the same
(quasi-randomly jittered) number of leapfrog steps, so a batch of chains moves in lockstep
without waiting for the longest NUTS tree. During warm-up:

- the step size follows dual averaging (BlackJAX's ``dual_averaging``) towards a harmonic-mean
  acceptance of ``target_accept`` (0.651, the optimum for HMC) over all chains;
- the trajectory length climbs the ChEES criterion (the change in the ensemble's expected
  squared distance from its mean) with Adam on its logarithm, updates clipped to +-0.35 and
  averaged with weights ``t**-0.5``, as in TFP and BlackJAX's ``chees_adaptation``;
- the diagonal mass matrix is the pooled variance of all chains over rewrax's warm-up windows
  (adaptation.py's schedule), with the criterion measured in the metric it induces.

Written for one chain: the cross-chain sums are ``psum`` over the chunk program's chain axis
(pooled.py), so the same code runs vectorized on one device or sharded over many.
"""

from __future__ import annotations

from typing import Any, NamedTuple

import jax
import jax.numpy as jnp
import optax
import blackjax.mcmc.hmc as bj_hmc
from blackjax.mcmc import metrics
from blackjax.optimizers.dual_averaging import dual_averaging

from rewrax.samplers.pooled import (
    PooledMoments, jitter_fraction, moments_init, moments_update, moments_variance, pooled_mean, psum,
)
from rewrax.samplers.steps import StepMethod, _reject_unknown

_hmc_kernel = bj_hmc.build_kernel()
#: the largest change of log(trajectory length) per warm-up step (TFP, BlackJAX)
LOG_UPDATE_CLIP = 0.35


class ChEESState(NamedTuple):
    """Shared parameters (the same in every chain) and the state of their adaptation."""

    step_size: Any
    trajectory_length: Any
    inverse_mass_matrix: Any
    iteration: Any  # warm-up and draws so far: indexes the Halton jitter
    da: Any  # dual averaging of log(step size)
    log_length: Any  # the Adam iterate of log(trajectory length)
    adam: Any
    log_step_ma: Any  # moving averages that become the final parameters
    log_length_ma: Any
    moments: PooledMoments


class ChEESKernel:
    """Jittered HMC on one block with ChEES warm-up (see the module docstring)."""

    stats = {"acceptance_rate": "float64", "diverging": "bool", "energy": "float64", "energy_error": "float64",
             "n_steps": "int64", "step_size": "float64", "trajectory_length": "float64", "lp": "float64"}

    def __init__(self, block, target_accept=0.651, max_steps=1000, learning_rate=0.025, decay_rate=0.5,
                 jitter=1.0, adapt_mass_matrix=True):
        self.block = block
        self.target_accept = float(target_accept)
        self.max_steps = int(max_steps)
        self.learning_rate = float(learning_rate)
        self.decay_rate = float(decay_rate)
        self.jitter = float(jitter)
        self.adapt_mass_matrix = bool(adapt_mass_matrix)
        self._da = dual_averaging()
        # beta1 = 0, beta2 = 0.95: the gradient scale is forgotten quickly (Hoffman et al. 2021)
        self._adam = optax.adam(self.learning_rate, b1=0.0, b2=0.95)

    def key(self):
        return ("chees", self.block, self.target_accept, self.max_steps, self.learning_rate, self.decay_rate,
                self.jitter, self.adapt_mass_matrix)

    def init(self, x, logp, grad):
        n, dtype = max(x.shape[0], 1), x.dtype
        step_size = jnp.asarray(0.25 / n**0.25, dtype)  # PyMC's first step, as NUTS here
        log_length = jnp.log(step_size)
        zero = jnp.zeros((), dtype)
        state = ChEESState(step_size, step_size, jnp.ones(x.shape, dtype), jnp.zeros((), jnp.int32),
                           self._da[0](step_size), log_length, self._adam.init(log_length), zero, zero,
                           moments_init(x.shape[0], dtype))
        return bj_hmc.HMCState(x, logp, grad), _cast_like(state, state)

    def refresh(self, state, logdensity):
        return bj_hmc.init(state.position, logdensity)

    def step(self, key, state, params, logdensity, stage):
        u = self._jitter(params.iteration)
        n_steps = jnp.clip(jnp.ceil(u * params.trajectory_length / params.step_size), 1, self.max_steps)
        n_steps = n_steps.astype(jnp.int32)
        new_state, info = _hmc_kernel(key, state, logdensity, params.step_size, params.inverse_mass_matrix, n_steps)
        kinetic = metrics.default_metric(params.inverse_mass_matrix).kinetic_energy
        stats = {"acceptance_rate": info.acceptance_rate, "diverging": info.is_divergent, "energy": info.energy,
                 "energy_error": info.energy - (-state.logdensity + kinetic(info.momentum)), "n_steps": n_steps,
                 "step_size": params.step_size, "trajectory_length": params.trajectory_length,
                 "lp": new_state.logdensity}
        moved = _Move(state.position, info.proposal.position, info.proposal.momentum, info.acceptance_rate,
                      info.is_divergent, new_state.position, u)
        branches = (self._fast, self._slow, self._window_end, self._last_tune, _frozen, _frozen)
        new_params = jax.lax.switch(stage, [_keep_dtypes(b) for b in branches], params, moved)
        return new_state, new_params._replace(iteration=params.iteration + 1), stats

    def _jitter(self, iteration):
        return jitter_fraction(iteration) * self.jitter + (1.0 - self.jitter)

    # -- warm-up stages (adaptation.py's codes) ------------------------------------------------
    def _fast(self, params, moved):
        return self._chees_update(params, moved)

    def _slow(self, params, moved):
        params = self._chees_update(params, moved)
        if not self.adapt_mass_matrix:
            return params
        ok = jnp.all(jnp.isfinite(moved.new_position))
        return params._replace(moments=moments_update(params.moments, moved.new_position, ok))

    def _window_end(self, params, moved):
        params = self._slow(params, moved)
        if not self.adapt_mass_matrix:
            return params
        imm = moments_variance(params.moments, params.inverse_mass_matrix)
        return params._replace(inverse_mass_matrix=imm, moments=_reset(params.moments))

    def _last_tune(self, params, moved):
        params = self._chees_update(params, moved)
        step_size = jnp.exp(params.log_step_ma)
        length = jnp.clip(jnp.exp(params.log_length_ma), step_size, self.max_steps * step_size)
        return params._replace(step_size=step_size, trajectory_length=length)

    def _chees_update(self, params, moved):
        """One ChEES step: dual averaging of the step size, Adam on log(trajectory length)."""
        ok = ~moved.diverging & jnp.isfinite(moved.acceptance)
        accept = jnp.where(ok, moved.acceptance, 0.0)
        okf = ok.astype(accept.dtype)
        # harmonic mean of the acceptance over chains that did not diverge
        inverse_sum = psum(jnp.where(ok, 1.0 / jnp.maximum(accept, 1e-20), 0.0))
        harmonic = jnp.where(inverse_sum > 0, psum(okf) / jnp.where(inverse_sum > 0, inverse_sum, 1.0), 0.0)
        da = self._da[1](params.da, self.target_accept - harmonic)
        step_size = jnp.where(jnp.isfinite(da.log_x), jnp.exp(da.log_x), params.step_size)
        da = jax.tree.map(lambda new, old: jnp.where(jnp.isfinite(da.log_x), new, old), da, params.da)
        gradient = self._criterion_gradient(params, moved, ok, accept)
        updates, adam = self._adam.update(gradient, params.adam, params.log_length)
        log_length = params.log_length + jnp.clip(updates, -LOG_UPDATE_CLIP, LOG_UPDATE_CLIP)
        finite = jnp.isfinite(log_length)
        log_length = jnp.where(finite, log_length, params.log_length)
        adam = jax.tree.map(lambda new, old: jnp.where(finite, new, old), adam, params.adam)
        t = (params.iteration + 1).astype(accept.dtype)
        weight = t ** (-self.decay_rate)
        log_step_ma = (1 - weight) * params.log_step_ma + weight * jnp.log(step_size)
        log_length_ma = (1 - weight) * params.log_length_ma + weight * log_length
        length = jnp.clip(jnp.exp(log_length_ma), step_size, self.max_steps * step_size)
        return params._replace(step_size=step_size, trajectory_length=length, da=da, log_length=log_length,
                               adam=adam, log_step_ma=log_step_ma, log_length_ma=log_length_ma)

    def _criterion_gradient(self, params, moved, ok, accept):
        """The acceptance-weighted ChEES gradient w.r.t. log(trajectory length), negated.

        ChEES = E[(|x' - E x'|^2 - |x - E x|^2)^2] / 4; its pathwise derivative along the
        trajectory is ``(|x'c|^2 - |xc|^2) <x'c, v'>``, measured in the whitened metric of the
        mass matrix (where ``<x'c, v'>`` is the plain ``<x'c, p'>``).
        """
        okx = ok & jnp.all(jnp.isfinite(moved.proposal), axis=-1)
        proposal = jnp.where(okx, moved.proposal, 0.0)
        momentum = jnp.where(okx, moved.momentum, 0.0)
        w = jnp.where(okx, accept, 0.0)
        prop_c = proposal - pooled_mean(proposal, w * jnp.ones_like(proposal))
        init_c = moved.position - pooled_mean(moved.position, jnp.ones_like(moved.position))
        scale = 1.0 / jnp.sqrt(params.inverse_mass_matrix)
        change = jnp.sum((prop_c * scale) ** 2) - jnp.sum((init_c * scale) ** 2)
        g = moved.jitter * params.trajectory_length * change * jnp.dot(prop_c, momentum)
        total = psum(w) + 1e-20
        gradient = psum(jnp.where(okx, w * g, 0.0)) / total
        # BlackJAX hands back the end point's momentum flipped (for reversibility), so this is
        # minus the ChEES gradient: Adam, which descends, climbs ChEES with it
        return gradient


class _Move(NamedTuple):
    position: Any
    proposal: Any
    momentum: Any
    acceptance: Any
    diverging: Any
    new_position: Any
    jitter: Any


def _frozen(params, moved):
    return params


def _reset(moments):
    return jax.tree.map(jnp.zeros_like, moments)


def _cast_like(new, old):
    return jax.tree.map(lambda n, o: jnp.asarray(n).astype(jnp.asarray(o).dtype), new, old)


def _keep_dtypes(branch):
    def wrapped(params, moved):
        return _cast_like(branch(params, moved), params)
    return wrapped


class ChEES(StepMethod):
    """ChEES-HMC: HMC with step size, trajectory length and mass matrix adapted across chains.

    Made for many chains (hundreds to thousands, e.g. on a GPU): all chains take the same
    number of leapfrog steps, so none waits for another's longer trajectory, and warm-up
    pools what every chain sees. With few chains (under ~16) the pooled estimates are
    noisy; use NUTS there.

    Parameters
    ----------
    vars : list, optional
        Continuous variables to update (default: all continuous free variables).
    target_accept : float
        Harmonic-mean acceptance the step size is tuned to (default 0.651, optimal for HMC).
    max_steps : int
        Cap on the leapfrog steps per draw (default 1000).
    learning_rate : float
        Adam's learning rate for log(trajectory length) (default 0.025, as TFP).
    decay_rate : float
        Weight ``t**-decay_rate`` of warm-up step ``t`` in the final parameters' averages.
    jitter : float
        Fraction of the trajectory length drawn at random each step (default 1: uniform
        on (0, L]).
    adapt_mass_matrix : bool
        Pool the chains' variances into a diagonal mass matrix over the warm-up windows.

    Examples
    --------
    >>> import rewrax as rx
    >>> rx.ChEES(target_accept=0.7)
    ChEES([all])
    """

    name = "ChEES"

    def __init__(self, vars=None, target_accept=0.651, max_steps=1000, learning_rate=0.025, decay_rate=0.5,
                 jitter=1.0, adapt_mass_matrix=True, **kwargs):
        _reject_unknown(self.name, kwargs)
        if not 0 < float(target_accept) < 1:
            raise ValueError(f"ChEES: target_accept must be in (0, 1), got {target_accept}")
        if int(max_steps) < 1:
            raise ValueError(f"ChEES: max_steps must be a positive integer, got {max_steps}")
        if not 0 <= float(jitter) <= 1:
            raise ValueError(f"ChEES: jitter must be in [0, 1], got {jitter}")
        super().__init__(vars, target_accept=target_accept, max_steps=max_steps, learning_rate=learning_rate,
                         decay_rate=decay_rate, jitter=jitter, adapt_mass_matrix=adapt_mass_matrix)

    def build(self, block, ctx):
        return ChEESKernel(block, **self.settings)


