"""Sequential Monte Carlo with adaptive tempering: ``rx.sample_smc``, PyMC's algorithm in JAX.

Particles start as draws from the prior (in the unconstrained space) and move through the
tempered posteriors ``p(theta) p(y | theta)**beta``, ``beta`` from 0 to 1. Each stage:

1. the next ``beta`` is the largest one whose importance weights keep an effective sample
   size of ``threshold * draws`` (bisection), and the stage's weights update the estimate of
   the log marginal likelihood;
2. the particles are resampled (systematic resampling) by those weights;
3. a kernel moves every particle, repeating its steps until the correlation of each
   coordinate with where the stage started has fallen by less than ``correlation_threshold``
   (PyMC's stopping rule): ``"IMH"`` proposes independently from a normal fitted to the
   particles, ``"MH"`` is a random walk with that covariance and per-particle scales tuned
   towards 0.234 acceptance.

All chains and all particles of a stage run as one compiled JAX program (``vmap`` over
chains); Python only loops over the stages (a few dozen) to show progress.
"""

from __future__ import annotations

import time
from typing import Any, NamedTuple

import numpy as np

import jax
import jax.numpy as jnp
from jax.scipy.special import logsumexp

from rewrax.samplers import smc_kernels

KERNELS = ("IMH", "MH")


class Particles(NamedTuple):
    """The state of one chain's population."""

    x: Any  # (draws, d) unconstrained values
    prior: Any  # (draws,) log prior (with Jacobians)
    like: Any  # (draws,) log likelihood
    beta: Any
    log_marginal_likelihood: Any
    scales: Any  # (draws,) MH proposal scales
    accept: Any  # (draws,) MH acceptance rates of the last stage
    key: Any


def next_beta(like, beta, threshold):
    """The next inverse temperature: importance-sampling ESS ``threshold * N`` (or 1)."""
    n = like.shape[0]
    target = threshold * n

    def ess(new_beta):
        lw = (new_beta - beta) * like
        lw = lw - logsumexp(lw)
        return jnp.exp(-logsumexp(2 * lw))

    def body(_, bounds):
        low, high = bounds
        mid = (low + high) / 2
        return jnp.where(ess(mid) < target, low, mid), jnp.where(ess(mid) < target, mid, high)

    low, high = jax.lax.fori_loop(0, 60, body, (beta, jnp.asarray(2.0, like.dtype)))
    return jnp.where(ess(jnp.asarray(1.0, like.dtype)) >= target, 1.0, jnp.minimum((low + high) / 2, 1.0))


def systematic_resample(key, log_weights):
    """Indices of ``N`` particles drawn by systematic resampling."""
    n = log_weights.shape[0]
    weights = jnp.exp(log_weights - logsumexp(log_weights))
    positions = (jax.random.uniform(key, dtype=weights.dtype) + jnp.arange(n)) / n
    return jnp.clip(jnp.searchsorted(jnp.cumsum(weights), positions), 0, n - 1)


def make_stage(densities, kernel, threshold, correlation_threshold, max_steps):
    """One SMC stage for one chain: ``stage(particles, data) -> (particles, stats)``."""
    mutate = smc_kernels.MUTATE[kernel]

    def stage(p: Particles, data):
        new, stats = _stage(p, data)
        done = p.beta >= 1  # a chain that has finished waits for the others unchanged
        return jax.tree.map(lambda a, b: jnp.where(done, a, b), p, new), stats

    def _stage(p: Particles, data):
        key, k_resample, k_mutate = jax.random.split(p.key, 3)
        beta = next_beta(p.like, p.beta, threshold)
        log_w = (beta - p.beta) * p.like
        lml = p.log_marginal_likelihood + logsumexp(log_w) - jnp.log(p.like.shape[0])
        idx = systematic_resample(k_resample, log_w)
        p = p._replace(x=p.x[idx], prior=p.prior[idx], like=p.like[idx], scales=p.scales[idx],
                       accept=p.accept[idx], beta=beta, log_marginal_likelihood=lml, key=key)
        p, stats = mutate(k_mutate, p, densities, data, correlation_threshold, max_steps)
        stats["beta"] = beta
        stats["log_marginal_likelihood"] = jnp.where(beta >= 1, lml, jnp.nan)
        return p, stats

    return stage


def run_stages(stage, particles, data, progressbar, max_stages=1000):
    """Stages until every chain reaches ``beta = 1``: ``(particles, [stats per stage])``."""
    step = jax.jit(jax.vmap(stage, in_axes=(0, None)))
    bar = _progress(progressbar, particles.beta.shape[0])
    history = []
    try:
        for _ in range(max_stages):
            done_before = np.asarray(particles.beta) >= 1
            if done_before.all():
                break
            particles, stats = step(particles, data)
            stats = jax.device_get(stats)
            # chains already at beta = 1 took no stage: their stats are padding (NaN)
            history.append({k: np.where(done_before, np.nan, np.asarray(v, np.float64)) for k, v in stats.items()})
            if bar is not None:
                bar.set_postfix({"beta": f"{float(np.min(stats['beta'])):.4f}"}, refresh=False)
                bar.update(1)
    finally:
        if bar is not None:
            bar.close()
    return particles, history


def _progress(enabled, chains):
    if not enabled:
        return None
    from tqdm.auto import tqdm

    return tqdm(desc=f"SMC {chains} chain{'s' if chains > 1 else ''} (stages)", unit="stage")


def sample_smc(draws=2000, kernel="IMH", *, start=None, model=None, random_seed=None, chains=None, cores=None,
               compute_convergence_checks=True, return_inferencedata=True, idata_kwargs=None, progressbar=True,
               threshold=0.5, correlation_threshold=0.01, max_steps=1000, **kernel_kwargs):
    """Sequential Monte Carlo with adaptive tempering (PyMC's ``pm.sample_smc``), in JAX.

    Parameters
    ----------
    draws : int
        Particles per chain (the posterior draws of each chain).
    kernel : {"IMH", "MH"}
        Independent Metropolis-Hastings from a normal fitted to the particles (PyMC's
        default), or a random walk with the particles' covariance. PyMC's kernel classes
        are accepted by name as well.
    chains : int, optional
        Independent SMC runs (default: the number of CPUs, at least 2, as PyMC); all run in
        one compiled program.
    threshold : float
        Effective sample size, as a fraction of ``draws``, that fixes each stage's
        temperature step (0 < threshold < 1).
    correlation_threshold : float
        A stage's kernel stops when the particles' correlation with the stage's start no
        longer falls by more than this (per coordinate).
    max_steps : int
        Cap on the kernel's steps per stage.
    random_seed, progressbar, return_inferencedata, idata_kwargs, compute_convergence_checks
        As in :func:`rewrax.sample`.

    Returns
    -------
    InferenceData or SamplingResult
        ``posterior`` (chain, draw = particle) and ``sample_stats`` per chain and stage:
        ``beta``, the acceptance rate, and ``log_marginal_likelihood`` (NaN but at the last
        stage of each chain, as PyMC).

    Examples
    --------
    >>> import rewrax as rx
    >>> with rx.Model():
    ...     mu = rx.Normal("mu", 0, 1)
    ...     y = rx.Normal("y", mu, 1, observed=[0.5, 1.0])
    ...     idata = rx.sample_smc(500, chains=2, progressbar=False)  # doctest: +SKIP
    """
    kernel = _kernel_name(kernel)
    _check_smc_args(draws, threshold, correlation_threshold, max_steps, chains, kernel_kwargs, start)
    from rewrax.model import modelcontext
    from rewrax.samplers.smc_model import SMCModel

    model = modelcontext(model)
    chains = _default_chains(chains, cores)
    smc_model = SMCModel(model)
    precision = jax.enable_x64(True) if smc_model.x64 and not jax.config.jax_enable_x64 else _null()
    started = time.perf_counter()
    with precision:
        particles = _initial_particles(smc_model, int(draws), chains, random_seed)
        stage = make_stage(smc_model.densities, kernel, float(threshold), float(correlation_threshold),
                           int(max_steps))
        particles, history = run_stages(stage, particles, smc_model.data, progressbar)
        positions = np.asarray(particles.x)
        values = _constrain(smc_model, positions)
    sampling_time = time.perf_counter() - started
    stats = {k: np.stack([h[k] for h in history], axis=1) for k in history[0]} if history else {}
    attrs = {"_n_draws": int(draws), "threshold": float(threshold), "correlation_threshold": float(correlation_threshold),
             "_t_sampling": sampling_time, "sampling_time": sampling_time, "chains": chains,
             "sampler": f"SMC ({kernel})"}
    from rewrax.samplers.results import arviz_available, make_inference_data, make_light_result

    groups = {"posterior": values, "sample_stats": stats}
    observed = _observed_data(model)
    if observed:
        groups["observed_data"] = observed
    dims = {k: v for k, v in dict(model.named_vars_to_dims).items() if v}
    coords = {k: v for k, v in dict(model.coords).items() if v is not None}
    if return_inferencedata and arviz_available():
        kwargs = dict(idata_kwargs or {})
        result = make_inference_data(groups, kwargs.pop("dims", dims), kwargs.pop("coords", coords), attrs)
    else:
        result = make_light_result(groups, dims, coords, attrs)
    if compute_convergence_checks and chains > 1:
        _warn_rhat(values)
    return result


def _initial_particles(smc_model, draws, chains, random_seed):
    rng = np.random.default_rng(random_seed)
    x = smc_model.prior_draws(draws * chains, int(rng.integers(2**31))).reshape(chains, draws, -1)
    keys = jax.random.split(jax.random.PRNGKey(int(rng.integers(2**31))), chains + 1)
    prior, like = jax.vmap(smc_model.densities, in_axes=(0, None, 0))(x, smc_model.data, keys[1:])
    bad = ~np.isfinite(np.asarray(prior))
    if bad.all():
        raise ValueError("sample_smc: every prior draw has a log prior of -inf or NaN; check the priors")
    dtype = x.dtype
    keys = jax.random.split(keys[0], chains)
    d = x.shape[-1]
    scales = np.full((chains, draws), min(1.0, 2.38**2 / d), dtype)
    return Particles(jnp.asarray(x), prior, like, jnp.zeros(chains, dtype), jnp.zeros(chains, dtype),
                     jnp.asarray(scales), jnp.full((chains, draws), jnp.nan, dtype), keys)


def _constrain(smc_model, positions):
    chains, draws, _ = positions.shape
    flat = positions.reshape(chains * draws, -1)
    values = jax.device_get(jax.jit(smc_model.constrain)(flat, smc_model.data))
    return {k: np.asarray(v).reshape((chains, draws) + np.shape(v)[1:]) for k, v in values.items()}


def _observed_data(model):
    from rewrax.model.compile import _observed_data as observed

    return observed(model)


def _kernel_name(kernel):
    name = kernel if isinstance(kernel, str) else getattr(kernel, "__name__", str(kernel))
    if name.upper() not in KERNELS:
        raise ValueError(f"sample_smc: unknown kernel {kernel!r}; use one of {KERNELS}")
    return name.upper()


def _check_smc_args(draws, threshold, correlation_threshold, max_steps, chains, kernel_kwargs, start):
    if isinstance(draws, bool) or not isinstance(draws, (int, np.integer)) or draws < 2:
        raise ValueError(f"sample_smc: draws must be an integer of at least 2, got {draws!r}")
    if not 0 < float(threshold) < 1:
        raise ValueError(f"sample_smc: threshold must be in (0, 1), got {threshold}")
    if not 0 < float(correlation_threshold) < 1:
        raise ValueError(f"sample_smc: correlation_threshold must be in (0, 1), got {correlation_threshold}")
    if int(max_steps) < 1:
        raise ValueError(f"sample_smc: max_steps must be a positive integer, got {max_steps}")
    if chains is not None and (isinstance(chains, bool) or not isinstance(chains, (int, np.integer)) or chains < 1):
        raise ValueError(f"sample_smc: chains must be a positive integer, got {chains!r}")
    if start is not None:
        raise NotImplementedError("sample_smc: start= is not supported; particles start from the prior")
    unknown = set(kernel_kwargs) - {"blas_cores", "mp_ctx", "compile_kwargs", "progressbar_theme"}
    if unknown:
        raise TypeError(f"sample_smc() got unexpected keyword argument(s): {', '.join(sorted(unknown))}")


def _default_chains(chains, cores):
    if chains is not None:
        return int(chains)
    import os

    return max(2, int(cores) if cores is not None else (os.cpu_count() or 2))


def _warn_rhat(values):
    """PyMC's check after SMC: chains whose R-hat exceeds 1.01 disagree."""
    import warnings

    from rewrax.samplers.diagnostics import ConvergenceWarning
    from rewrax.samplers.results import arviz_available

    if not arviz_available():
        return
    import arviz as az

    rhat = az.rhat(az.convert_to_dataset({k: v.astype(np.float64) for k, v in values.items()}))
    worst = max((float(np.nanmax(rhat[k].values)) for k in rhat.data_vars), default=1.0)
    if worst > 1.01:
        warnings.warn(f"The rhat statistic is larger than 1.01 for some parameters (max {worst:.3f}): the SMC "
                      "chains disagree; use more draws", ConvergenceWarning, stacklevel=3)


class _null:
    def __enter__(self):
        return self

    def __exit__(self, *exc):
        return False
