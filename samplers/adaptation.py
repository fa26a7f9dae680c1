"""Warm-up of HMC/NUTS: step size and mass matrix, one step at a time inside the JAX loop.

BlackJAX's ``window_adaptation`` runs the whole warm-up as one ``lax.scan``, which leaves no
room for a progress bar or an interrupt. Here the same pieces (BlackJAX's dual averaging and
its mass-matrix estimators, the ``MetricCore`` recipes) are driven by a *stage code* per
iteration, so warm-up and sampling run through one compiled chunk function:

=========== ==================================================================================
stage       what the adaptation does after the transition
=========== ==================================================================================
FAST        dual averaging of the step size only
SLOW        also feeds the position (and gradient) to the mass-matrix estimator
WINDOW_END  also computes the new mass matrix (the ``stan`` schedule restarts dual averaging)
LAST_TUNE   dual averaging, then fixes the step size at its running average
SAMPLE      nothing: parameters are frozen
IDLE        no transition at all (pads the last chunk)
=========== ==================================================================================

Schedules: ``"stan"`` is Stan's / BlackJAX's (75-step initial buffer, doubling windows from
25, 50-step final buffer, dual averaging restarted at every new mass matrix). ``"rewrax"``
(the default) differs where it measured better: one dual-averaging run over the whole
warm-up (PyMC does the same; see :func:`hmc_adaptation`), a short initial buffer and early
short windows, so the first mass matrix arrives sooner, and a last window covering about
half of the warm-up (see docs/sampling.md for the measurements).
"""

from __future__ import annotations

from typing import Any, NamedTuple

import numpy as np

import jax
import jax.numpy as jnp
from blackjax.adaptation.metric_recipes import lookup_recipe
from blackjax.adaptation.step_size import dual_averaging_adaptation
from blackjax.adaptation.staged_adaptation import build_schedule

from rewrax.samplers.metric import scaled_dense_core, scaled_diag_core

FAST, SLOW, WINDOW_END, LAST_TUNE, SAMPLE, IDLE = range(6)

#: mass-matrix names accepted by ``rx.sample(..., mass_matrix=...)`` -> BlackJAX recipe names
METRICS = {
    "diag": "welford_diag",  # rewrax schedule: regularised per coordinate scale (metric.py)
    "dense": "welford_dense",  # likewise
    "fisher_diag": "fisher_diag",
    "low_rank": "fisher_low_rank",
}

SCHEDULES = ("rewrax", "stan")


def stage_schedule(tune: int, draws: int, schedule: str = "rewrax") -> np.ndarray:
    """The stage code of every iteration: ``tune`` warm-up steps then ``draws`` draws."""
    if schedule not in SCHEDULES:
        raise ValueError(f"unknown warm-up schedule {schedule!r}; use one of {SCHEDULES}")
    codes = np.full(tune + draws, SAMPLE, dtype=np.int32)
    if tune == 0:
        return codes
    if schedule == "stan":
        windows = np.asarray(build_schedule(tune))
    else:
        windows = _rewrax_windows(tune)
    codes[:tune] = np.where(windows[:, 0] == 0, FAST, np.where(windows[:, 1] == 1, WINDOW_END, SLOW))
    codes[tune - 1] = LAST_TUNE
    return codes


def _rewrax_windows(tune: int) -> np.ndarray:
    """``(stage, is_window_end)`` rows: early short windows, the last one large."""
    if tune < 20:
        return np.zeros((tune, 2), dtype=np.int32)
    init_buffer = max(int(0.05 * tune), 10)
    final_buffer = max(int(0.08 * tune), 10)
    slow = tune - init_buffer - final_buffer
    # Windows grow geometrically (factor 2) from ~4% of warm-up; the last absorbs the rest so
    # that it covers about half of the warm-up (more draws for the final mass matrix).
    sizes, start, size = [], 0, max(int(0.04 * tune), 10)
    while slow - start - size >= 2 * size:
        sizes.append(size)
        start += size
        size *= 2
    sizes.append(slow - start)
    rows = [(0, 0)] * init_buffer
    for s in sizes:
        rows += [(1, 0)] * (s - 1) + [(1, 1)]
    rows += [(0, 0)] * final_buffer
    return np.asarray(rows, dtype=np.int32)


def window_buffer_size(codes: np.ndarray) -> int:
    """The longest slow window of a schedule (rows a low-rank estimator must keep)."""
    longest, run = 1, 0
    for code in codes:
        if code in (SLOW, WINDOW_END):
            run += 1
            longest = max(longest, run)
            if code == WINDOW_END:
                run = 0
    return longest


class HMCAdaptState(NamedTuple):
    """Per-chain parameters of an HMC-family kernel and the state of their adaptation."""

    step_size: Any
    inverse_mass_matrix: Any
    da: Any
    metric: Any


def hmc_adaptation(metric: str, n_dims: int, target_accept: float, buffer_size: int,
                   restart_step_size: bool = False):
    """``(init, update)`` of the step-size and mass-matrix adaptation.

    ``init(step_size)`` returns an :class:`HMCAdaptState`; ``update(state, stage, position,
    grad, acceptance_rate)`` advances it by one iteration according to ``stage``.

    ``restart_step_size`` selects Stan's / BlackJAX's behaviour throughout: dual averaging
    restarted at each new mass matrix, and the estimators' absolute ``1e-3`` ridge.
    Otherwise (the default) the diagonal and dense estimators shrink relative to each
    coordinate's own variance (metric.py: 6.7 instead of 14.7 leapfrog steps per draw on
    posteriordb's sblrc, whose coefficients have sd 1e-3), and
    one dual-averaging run spans the whole warm-up, as in PyMC:
    its late iterates move little, so the averaged step size reaches the target acceptance.
    After a short restarted final window the iterates still swing widely, and the average
    of their logarithms lands on a step size that accepts more than targeted (0.86 for a
    target of 0.8 on the benchmark's hierarchical regression): smaller steps, longer
    trajectories, about 40 % less ESS per gradient (docs/sampling.md).
    """
    if metric not in METRICS:
        raise ValueError(f"unknown mass_matrix {metric!r}; use one of {tuple(METRICS)}")
    if metric == "dense" and not restart_step_size:
        core = scaled_dense_core()
    elif metric == "diag" and not restart_step_size:
        core = scaled_diag_core()
    else:
        kwargs = {"buffer_size": buffer_size} if metric == "low_rank" else {}
        core = lookup_recipe(METRICS[metric]).build_core(**kwargs)
    da_init, da_update, _ = dual_averaging_adaptation(target_accept)

    def init(step_size) -> HMCAdaptState:
        metric_state = core.init(n_dims)
        dtype = jnp.asarray(step_size).dtype
        imm = jax.tree.map(lambda a: jnp.asarray(a, dtype), metric_state.inverse_mass_matrix)
        return HMCAdaptState(step_size, imm, da_init(step_size), metric_state)

    def _step_size(state, acceptance_rate):
        # A NaN acceptance (a trajectory that diverged at once) counts as a rejection.
        da = da_update(state.da, jnp.nan_to_num(acceptance_rate, nan=0.0))
        return state._replace(da=da, step_size=jnp.exp(da.log_step_size))

    def fast(state, position, grad, acceptance_rate):
        return _step_size(state, acceptance_rate)

    def slow(state, position, grad, acceptance_rate):
        state = state._replace(metric=core.update(state.metric, position, grad))
        return _step_size(state, acceptance_rate)

    def window_end(state, position, grad, acceptance_rate):
        state = slow(state, position, grad, acceptance_rate)
        metric_state = core.final(state.metric)
        # Stan: restart dual averaging from the window's average step size.
        if not restart_step_size:
            return state._replace(inverse_mass_matrix=metric_state.inverse_mass_matrix, metric=metric_state)
        step_size = jnp.exp(state.da.log_step_size_avg)
        return HMCAdaptState(step_size, metric_state.inverse_mass_matrix, da_init(step_size), metric_state)

    def last_tune(state, position, grad, acceptance_rate):
        state = _step_size(state, acceptance_rate)
        return state._replace(step_size=jnp.exp(state.da.log_step_size_avg))

    def frozen(state, position, grad, acceptance_rate):
        return state

    def keep_dtypes(branch):
        # Each branch returns the state in the dtypes it came in: float32 chains (a float32
        # model run with JAX's 64-bit mode on for its int64 indices) must not drift to float64.
        def wrapped(state, *args):
            new = branch(state, *args)
            return jax.tree.map(lambda n, o: jnp.asarray(n).astype(jnp.asarray(o).dtype), new, state)
        return wrapped

    branches = tuple(keep_dtypes(b) for b in (fast, slow, window_end, last_tune, frozen, frozen))

    def update(state, stage, position, grad, acceptance_rate) -> HMCAdaptState:
        return jax.lax.switch(stage, branches, state, position, grad, acceptance_rate)

    return init, update
