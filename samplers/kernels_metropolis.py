"""Metropolis-type kernels: random walk (continuous or integer), binary and categorical Gibbs.

Same protocol as kernels_hmc.py (``init``, ``step``, ``refresh``, ``stats``, ``key``). The
random-walk and flip proposals go through BlackJAX's Rosenbluth-Metropolis-Hastings kernel;
the Gibbs sweeps over binary / categorical elements are written here (BlackJAX has none).
The proposal scale is tuned during warm-up with PyMC's rule (every ``tune_interval`` steps,
by the acceptance rate over the interval), so PyMC users see the ``scaling`` they expect.
"""

from __future__ import annotations

from typing import Any, NamedTuple

import numpy as np

import jax
import jax.numpy as jnp
import blackjax.mcmc.random_walk as bj_rw

from rewrax.samplers.adaptation import SAMPLE

_rmh = bj_rw.build_rmh()


class ScalingState(NamedTuple):
    """Proposal scale and the acceptance count of the current tuning interval."""

    scaling: Any
    accepted: Any
    count: Any


def tune_scaling(scaling, acceptance_rate):
    """PyMC's Metropolis tuning rule: shrink or grow the scale by the interval's acceptance."""
    factor = jnp.select(
        [acceptance_rate < 0.001, acceptance_rate < 0.05, acceptance_rate < 0.2,
         acceptance_rate > 0.95, acceptance_rate > 0.75, acceptance_rate > 0.5],
        [0.1, 0.5, 0.9, 10.0, 2.0, 1.1], 1.0)
    return scaling * factor


class _MetropolisBase:
    stats = {"accept": "float64", "accepted": "bool", "scaling": "float64"}

    def __init__(self, block, scaling=1.0, tune=True, tune_interval=100):
        self.block = block
        self.scaling = float(scaling)
        self.tune = bool(tune)
        self.tune_interval = int(tune_interval)

    def key(self):
        return (type(self).__name__, self.block, self.scaling, self.tune, self.tune_interval)

    def init(self, x, logp, grad):
        dtype = jnp.result_type(float)
        return bj_rw.RWState(x, logp), ScalingState(jnp.asarray(self.scaling, dtype), jnp.asarray(0, jnp.int32),
                                                       jnp.asarray(0, jnp.int32))

    def refresh(self, state, logdensity):
        return bj_rw.init(state.position, logdensity)

    def _tune(self, tstate, accepted, stage):
        if not self.tune:
            return tstate
        tuning = stage < SAMPLE
        count = tstate.count + tuning.astype(jnp.int32)
        n_acc = tstate.accepted + (tuning & accepted).astype(jnp.int32)
        due = tuning & (count >= self.tune_interval)
        scaling = jnp.where(due, tune_scaling(tstate.scaling, n_acc / jnp.maximum(count, 1)), tstate.scaling)
        return ScalingState(scaling, jnp.where(due, 0, n_acc), jnp.where(due, 0, count))


class RandomWalkKernel(_MetropolisBase):
    """Random-walk Metropolis with a normal proposal ``scaling * S * N(0, 1)``.

    For integer variables the proposal is rounded (symmetric, as PyMC's Metropolis on
    discrete variables).
    """

    def __init__(self, block, proposal_sd=None, scaling=1.0, tune=True, tune_interval=100):
        super().__init__(block, scaling, tune, tune_interval)
        sd = np.ones(block.size) if proposal_sd is None else np.broadcast_to(np.asarray(proposal_sd, float), (block.size,))
        self.proposal_sd = tuple(float(s) for s in sd)
        self.discrete = np.issubdtype(np.dtype(block.dtype), np.integer)
        self.integer_entries = tuple(bool(b) for b in block.integer_mask()) if not self.discrete else ()

    def key(self):
        return super().key() + (self.proposal_sd,)

    def step(self, key, state, tstate, logdensity, stage):
        sd = jnp.asarray(self.proposal_sd, tstate.scaling.dtype) * tstate.scaling

        def proposal(rng_key, position):
            move = sd * jax.random.normal(rng_key, position.shape, sd.dtype)
            if self.discrete:
                return position + jnp.round(move).astype(position.dtype)
            if any(self.integer_entries):  # integer variables in a mixed block move by whole steps
                move = jnp.where(jnp.asarray(self.integer_entries), jnp.round(move), move)
            return position + move.astype(position.dtype)

        new_state, info = _rmh(key, state, logdensity, proposal)
        stats = {"accept": info.acceptance_rate, "accepted": info.is_accepted, "scaling": tstate.scaling}
        return new_state, self._tune(tstate, info.is_accepted, stage), stats


class BinaryMetropolisKernel(_MetropolisBase):
    """PyMC's BinaryMetropolis: flip each element with probability ``1 - 0.5**scaling``."""

    def step(self, key, state, tstate, logdensity, stage):
        p_jump = 1.0 - 0.5 ** tstate.scaling

        def proposal(rng_key, position):
            flip = jax.random.uniform(rng_key, position.shape) < p_jump
            return jnp.where(flip, 1 - position, position)

        new_state, info = _rmh(key, state, logdensity, proposal)
        stats = {"accept": info.acceptance_rate, "accepted": info.is_accepted, "scaling": tstate.scaling}
        return new_state, self._tune(tstate, info.is_accepted, stage), stats


class _GibbsBase:
    """Element-by-element sweeps in random (or fixed) order; nothing to tune."""

    stats = {"accept": "float64"}

    def __init__(self, block, order="random"):
        if order not in ("random", "fixed"):
            raise ValueError(f"order must be 'random' or 'fixed', got {order!r}")
        self.block = block
        self.order = order

    def init(self, x, logp, grad):
        return bj_rw.RWState(x, logp), ()

    def refresh(self, state, logdensity):
        return bj_rw.init(state.position, logdensity)

    def step(self, key, state, tstate, logdensity, stage):
        n = self.block.size
        key_order, key_sweep = jax.random.split(key)
        order = jax.random.permutation(key_order, n) if self.order == "random" else jnp.arange(n)

        def body(i, carry):
            x, logp, total = carry
            x, logp, accept = self._update_element(jax.random.fold_in(key_sweep, i), x, logp, order[i], logdensity)
            return x, logp, total + accept

        x, logp, total = jax.lax.fori_loop(0, n, body, (state.position, state.logdensity, jnp.zeros((), logp_dtype(state))))
        return bj_rw.RWState(x, logp), tstate, {"accept": total / max(n, 1)}


def logp_dtype(state):
    return jnp.result_type(state.logdensity)


class BinaryGibbsKernel(_GibbsBase):
    """PyMC's BinaryGibbsMetropolis: propose flipping each 0/1 element, accept by Metropolis."""

    def key(self):
        return ("BinaryGibbsMetropolis", self.block, self.order)

    def _update_element(self, key, x, logp, i, logdensity):
        proposed = x.at[i].set(1 - x[i])
        logp_new = logdensity(proposed)
        accept = jnp.minimum(1.0, jnp.exp(jnp.nan_to_num(logp_new - logp, nan=-jnp.inf)))
        take = jax.random.uniform(key, dtype=accept.dtype) < accept
        return jnp.where(take, proposed, x), jnp.where(take, logp_new, logp), accept


class CategoricalGibbsKernel(_GibbsBase):
    """PyMC's CategoricalGibbsMetropolis for integer elements in ``[lower, lower + K)``.

    ``proposal="proportional"`` draws each element from its full conditional (K density
    evaluations, always accepted); ``"uniform"`` proposes one other category uniformly and
    accepts by Metropolis (one evaluation).
    """

    def __init__(self, block, lower, n_categories, order="random", proposal="proportional"):
        super().__init__(block, order)
        if proposal not in ("proportional", "uniform"):
            raise ValueError(f"proposal must be 'proportional' or 'uniform', got {proposal!r}")
        self.proposal = proposal
        self.lower = tuple(int(v) for v in np.broadcast_to(lower, (block.size,)))
        self.n_categories = tuple(int(v) for v in np.broadcast_to(n_categories, (block.size,)))

    def key(self):
        return ("CategoricalGibbsMetropolis", self.block, self.order, self.proposal, self.lower, self.n_categories)

    def _update_element(self, key, x, logp, i, logdensity):
        lower = jnp.asarray(self.lower, x.dtype)[i]
        k_i = jnp.asarray(self.n_categories, x.dtype)[i]
        if self.proposal == "uniform":
            shift = jax.random.randint(key, (), 1, jnp.maximum(k_i, 2), dtype=x.dtype)
            value = lower + (x[i] - lower + shift) % k_i
            proposed = x.at[i].set(value)
            logp_new = logdensity(proposed)
            accept = jnp.minimum(1.0, jnp.exp(jnp.nan_to_num(logp_new - logp, nan=-jnp.inf)))
            take = jax.random.uniform(jax.random.fold_in(key, 1), dtype=accept.dtype) < accept
            return jnp.where(take, proposed, x), jnp.where(take, logp_new, logp), accept
        candidates = jnp.arange(max(self.n_categories), dtype=x.dtype)
        logps = jax.vmap(lambda c: logdensity(x.at[i].set(lower + c)))(candidates)
        logps = jnp.where(candidates < k_i, jnp.nan_to_num(logps, nan=-jnp.inf), -jnp.inf)
        choice = jax.random.categorical(key, logps).astype(x.dtype)
        return x.at[i].set(lower + choice), logps[choice], jnp.ones((), logps.dtype)
