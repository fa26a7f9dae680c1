"""``rx.sample(nuts_sampler="numpyro")``: NumPyro's NUTS on rewrax's pure-JAX density.

The model is handed over as what the design promises: ``jm.logdensity(position, data)``, a
pure JAX function of the unconstrained values (``potential_fn`` = its negative). NumPyro
runs its own warm-up (Stan's windowed step-size and diagonal mass-matrix adaptation) and
NUTS; rewrax then maps the draws to the constrained space with deterministics (one
``vmap``-ped call) and builds the same InferenceData as its own sampler. What differs from
rewrax's NUTS: NumPyro's warm-up schedule and random streams (other draws for the same
seed), no ``step=`` / compound steps or discrete variables, no ``init="adapt_full"`` etc.
(``nuts_sampler_kwargs={"dense_mass": True}`` is NumPyro's own switch), and the sampler
statistics NumPyro reports (no ``tree_depth``; ``n_steps``, ``energy``, ``diverging``,
``acceptance_rate``, ``step_size``, ``lp`` are given).
"""

from __future__ import annotations

import contextlib
import time

import numpy as np

import jax

from rewrax.samplers.initial import initial_positions

_EXTRA = ("diverging", "num_steps", "accept_prob", "energy", "potential_energy", "adapt_state.step_size")
_STATS = {"diverging": "diverging", "num_steps": "n_steps", "accept_prob": "acceptance_rate", "energy": "energy",
          "adapt_state.step_size": "step_size"}


def _import_numpyro():
    try:
        import numpyro.infer  # noqa: F401
    except ImportError as exc:
        raise ImportError("nuts_sampler='numpyro' needs NumPyro, which is not installed: `pip install numpyro` "
                          "(or `pip install rewrax[bench]`); nuts_sampler='pymc' or 'blackjax' runs rewrax's own "
                          "NUTS") from exc
    return numpyro


def sample_numpyro(jm, model, *, draws, tune, chains, target_accept, random_seed, initvals, progressbar,
                   max_treedepth, jitter, jitter_max_retries, **nuts_kwargs):
    """NumPyro NUTS on ``jm``: ``(groups, attrs)`` as rewrax's own sampler returns them."""
    numpyro = _import_numpyro()
    discrete = [n for n in jm.value_names if jm.discrete.get(n, False)]
    if discrete:
        raise ValueError(f"nuts_sampler='numpyro' samples continuous variables only; {discrete} are discrete "
                         "(use nuts_sampler='pymc', which gives them a Metropolis step)")
    rng = np.random.default_rng(random_seed)
    starts, _, _ = initial_positions(jm, model, None, chains, rng, initvals, jitter, jitter_max_retries)
    init = {n: np.stack([s[n] for s in starts]) for n in jm.value_names}
    data = {k: np.asarray(v) for k, v in dict(jm.data).items()}

    def potential(position):
        return -jm.logdensity(position, data)

    kernel = numpyro.infer.NUTS(potential_fn=potential, target_accept_prob=target_accept,
                                max_tree_depth=max_treedepth, **nuts_kwargs)
    mcmc = numpyro.infer.MCMC(kernel, num_warmup=tune, num_samples=draws, num_chains=chains,
                              chain_method="vectorized", progress_bar=progressbar)
    key = jax.random.PRNGKey(int(rng.integers(2**31 - 1)))
    precision = jax.enable_x64(True) if getattr(jm, "x64", False) else contextlib.nullcontext()
    with precision:
        start = time.perf_counter()
        mcmc.run(key, init_params=init, extra_fields=_EXTRA)
        samples = jax.device_get(mcmc.get_samples(group_by_chain=True))
        sampling_time = time.perf_counter() - start
        extra = jax.device_get(mcmc.get_extra_fields(group_by_chain=True))
        flat = {k: np.asarray(v).reshape((chains * draws,) + np.shape(v)[2:]) for k, v in samples.items()}
        values = jax.device_get(jax.jit(jax.vmap(jm.constrain, in_axes=(0, None)))(flat, data))
    posterior = {k: np.asarray(v).reshape((chains, draws) + np.shape(v)[1:]) for k, v in values.items()}
    stats = {new: np.asarray(extra[old]) for old, new in _STATS.items() if old in extra}
    stats["lp"] = -np.asarray(extra["potential_energy"])
    stats["reached_max_treedepth"] = stats["n_steps"] >= 2**max_treedepth - 1
    attrs = {"sampling_time": sampling_time, "tuning_steps": tune, "draws": draws, "chains": chains,
             "sampler": "NUTS (NumPyro)"}
    groups = {"posterior": posterior, "sample_stats": stats}
    observed = dict(getattr(jm, "observed_data", {}) or {})
    if observed:
        groups["observed_data"] = {k: np.asarray(v) for k, v in observed.items()}
    return groups, attrs
