"""``rx.sample``: NUTS (and compound steps) from BlackJAX, warm-up included, as one JAX program.

The pipeline: check the arguments (before anything is compiled) -> the model's pure-JAX view
(``model.jax_model()``) -> step methods per variable -> initial points per chain (jittered,
checked) -> the cached compiled program (program.py) run in chunks with a progress bar
(run.py) -> draws mapped to the constrained space with deterministics in one vectorized
call -> :func:`finish_sampling`: the total time printed as PyMC prints it, ArviZ
InferenceData (PyMC's groups; ``log_likelihood`` on request) or a ``MultiTrace``, and the
convergence warnings (R-hat / ESS computed once, cached for ``rx.summary``).

``nuts_sampler=`` takes PyMC's names: ``"pymc"`` and ``"blackjax"`` run rewrax's own NUTS
(it is BlackJAX's), ``"numpyro"`` runs NumPyro's NUTS on the same pure-JAX density
(numpyro_nuts.py). Other samplers plug in through :data:`NUTS_SAMPLERS` and
:func:`finish_sampling`.
"""

from __future__ import annotations

import contextlib
import logging
import time

import numpy as np

import jax

from rewrax.samplers.adaptation import SCHEDULES, stage_schedule, window_buffer_size
from rewrax.samplers.assign import SamplingContext, assign_step_methods, describe
from rewrax.samplers.cache import compilation_cache
from rewrax.samplers.diagnostics import check_convergence
from rewrax.samplers.initial import initial_positions, resolve_model
from rewrax.samplers.layout import Layout
from rewrax.samplers.parallel import place_chains
from rewrax.samplers.program import get_program, stack_positions
from rewrax.samplers.results import MultiTrace, make_inference_data
from rewrax.samplers.run import DEFAULT_CHUNK, run_chunks

_log = logging.getLogger("rewrax")

#: PyMC's ``init=`` names -> (jitter the initial points, mass-matrix estimator)
INIT_METHODS = {
    "auto": (True, "diag"),
    "jitter+adapt_diag": (True, "diag"),
    "adapt_diag": (False, "diag"),
    "jitter+adapt_diag_grad": (True, "fisher_diag"),
    "adapt_diag_grad": (False, "fisher_diag"),
    "jitter+adapt_full": (True, "dense"),
    "adapt_full": (False, "dense"),
    "jitter+adapt_low_rank": (True, "low_rank"),
    "adapt_low_rank": (False, "low_rank"),
}
CHAIN_METHODS = ("vectorized", "parallel")


def _numpyro(*args, **kwargs):
    from rewrax.samplers.numpyro_nuts import sample_numpyro

    return sample_numpyro(*args, **kwargs)


#: ``nuts_sampler=`` name -> None (rewrax's own NUTS, on BlackJAX) or a function
#: ``(jm, model, **settings) -> (groups, attrs)`` run instead of it
NUTS_SAMPLERS = {"pymc": None, "blackjax": None, "numpyro": _numpyro}
#: ``idata_kwargs`` keys understood (PyMC's ``to_inference_data`` arguments)
IDATA_KWARGS = ("log_likelihood", "dims", "coords")


def sample(draws=1000, *, tune=1000, chains=4, target_accept=0.8, random_seed=None, initvals=None,
           step=None, progressbar=True, chain_method="vectorized", var_names=None, max_treedepth=10,
           return_inferencedata=True, model=None, init="auto", adaptation="rewrax",
           discard_tuned_samples=True, compute_convergence_checks=True, jitter_max_retries=10,
           callback=None, cores=None, idata_kwargs=None, chunk_size=None, nuts_sampler="pymc",
           nuts_sampler_kwargs=None, **kwargs):
    """Draw from the posterior of a model with NUTS (and compound steps), all inside JAX.

    Parameters
    ----------
    draws, tune : int
        Draws kept per chain, and warm-up iterations before them.
    chains : int
        Independent chains, run vectorized (``vmap``) in one program.
    target_accept : float
        Target acceptance rate of NUTS' step-size adaptation.
    random_seed : int, optional
        Makes the run reproducible.
    initvals : dict, optional
        Starting values (constrained space) by variable or name, for every chain.
    step : step method or list, optional
        E.g. ``[rx.Metropolis([a]), rx.NUTS([b])]``; unassigned variables get NUTS
        (continuous) or a Metropolis kind (discrete).
    progressbar : bool
        Show a tqdm progress bar.
    chain_method : {"vectorized", "parallel"}
        ``"parallel"`` shards the chains over all JAX devices (GPUs or CPU devices).
    var_names : list of str, optional
        Variables kept in the posterior (default: free variables and deterministics).
    max_treedepth : int
        NUTS' most trajectory doublings.
    return_inferencedata : bool
        ArviZ InferenceData (PyMC's groups: ``posterior``, ``sample_stats``,
        ``observed_data``, ``constant_data``, ``log_likelihood`` when asked); when False,
        a :class:`~rewrax.samplers.results.MultiTrace` as PyMC's.
    model : Model or JaxModel, optional
        Default: the model on the context stack.
    init : str
        PyMC's names: ``"jitter+adapt_diag"`` (``"auto"``), ``"adapt_diag"``,
        ``"jitter+adapt_diag_grad"`` (Fisher-divergence diagonal), ``"jitter+adapt_full"``
        (dense), ``"jitter+adapt_low_rank"``.
    adaptation : {"rewrax", "stan"}
        Warm-up window schedule (see docs/sampling.md).
    callback : callable, optional
        Called after each chunk of iterations with a :class:`~rewrax.samplers.run.ChunkInfo`.
    cores : int, optional
        Accepted for PyMC compatibility; chains run vectorized in one process (use
        ``chain_method="parallel"`` to spread them over devices).
    chunk_size : int, optional
        Iterations per compiled chunk (default 50): how often the progress bar moves and an
        interrupt is honoured. Draws do not depend on it.
    idata_kwargs : dict, optional
        ``{"log_likelihood": True}`` adds the pointwise log-likelihood group (for
        ``az.loo`` / ``az.compare``); ``dims`` / ``coords`` override the model's.
    nuts_sampler : {"pymc", "blackjax", "numpyro"}
        ``"pymc"`` and ``"blackjax"`` run rewrax's NUTS (BlackJAX's kernel in one JAX
        program); ``"numpyro"`` runs NumPyro's NUTS on the model's pure-JAX density (needs
        ``pip install numpyro``; its own warm-up, ``nuts_sampler_kwargs`` go to
        ``numpyro.infer.NUTS``).

    Returns
    -------
    InferenceData or MultiTrace

    Examples
    --------
    >>> import rewrax as rx
    >>> with rx.Model():
    ...     z = rx.Normal("z", 0.0, 5.0)
    ...     x = rx.Normal("x", z, 1.0, observed=5.0)
    ...     idata = rx.sample(500, tune=500, chains=2, random_seed=1, progressbar=False)  # doctest: +SKIP
    """
    _check_counts(draws, tune, chains, max_treedepth, target_accept, chunk_size)
    if chain_method not in CHAIN_METHODS:
        raise ValueError(f"chain_method must be one of {CHAIN_METHODS}, got {chain_method!r}")
    if init not in INIT_METHODS:
        raise ValueError(f"unknown init {init!r}; use one of {sorted(INIT_METHODS)}")
    if adaptation not in SCHEDULES:
        raise ValueError(f"unknown adaptation {adaptation!r}; use one of {SCHEDULES}")
    if nuts_sampler not in NUTS_SAMPLERS:
        raise ValueError(f"unknown nuts_sampler {nuts_sampler!r}; use one of {sorted(NUTS_SAMPLERS)}")
    unknown = sorted(set(kwargs) - {"compile_kwargs", "blas_cores", "keep_warning_stat", "mp_ctx"})
    if unknown:
        raise TypeError(f"sample() got unexpected keyword argument(s) {unknown}")
    idata_kwargs = _check_idata_kwargs(idata_kwargs)
    jitter, mass_matrix = INIT_METHODS[init]
    model, jm = resolve_model(model)
    if idata_kwargs.get("log_likelihood") and model is None:
        raise ValueError("idata_kwargs={'log_likelihood': True} needs a rewrax Model (a hand-written JaxModel has no "
                         "observed variables to evaluate)")
    if var_names is not None:
        _check_var_names(var_names, jm)
    finish = dict(jm=jm, model=model, tune=int(tune), progressbar=progressbar, var_names=var_names,
                  return_inferencedata=return_inferencedata, idata_kwargs=idata_kwargs,
                  compute_convergence_checks=compute_convergence_checks, max_treedepth=max_treedepth)
    external = NUTS_SAMPLERS[nuts_sampler]
    if external is not None:
        if step is not None:
            raise ValueError(f"nuts_sampler={nuts_sampler!r} samples every variable with its own NUTS: step= is "
                             "not supported with it")
        start = time.perf_counter()
        with _precision(jm, _float_dtype(jm)):
            groups, attrs = external(jm, model, draws=int(draws), tune=int(tune), chains=int(chains),
                                     target_accept=target_accept, random_seed=random_seed, initvals=initvals,
                                     progressbar=progressbar, max_treedepth=max_treedepth, jitter=jitter,
                                     jitter_max_retries=jitter_max_retries, **dict(nuts_sampler_kwargs or {}))
        attrs["total_time"] = time.perf_counter() - start
        return finish_sampling(groups, attrs, nuts=True, **finish)
    codes = stage_schedule(int(tune), int(draws), adaptation)
    ctx = SamplingContext(jm, model, _float_dtype(jm), mass_matrix, window_buffer_size(codes),
                          target_accept=target_accept, max_treedepth=max_treedepth,
                          restart_step_size=adaptation == "stan")
    plan = assign_step_methods(step, ctx)
    with _precision(jm, ctx.float_dtype), compilation_cache():
        groups, attrs = _run(jm, model, plan, ctx, codes, draws=int(draws), tune=int(tune), chains=int(chains),
                             random_seed=random_seed, initvals=initvals, jitter=jitter,
                             jitter_max_retries=jitter_max_retries, progressbar=progressbar,
                             chain_method=chain_method, var_names=var_names,
                             discard_tuned_samples=discard_tuned_samples, callback=callback,
                             chunk_size=chunk_size or DEFAULT_CHUNK)
    return finish_sampling(groups, attrs, nuts=any(m.name == "NUTS" for m, _ in plan), **finish)


def _run(jm, model, plan, ctx, codes, *, draws, tune, chains, random_seed, initvals, jitter, jitter_max_retries,
         progressbar, chain_method, var_names, discard_tuned_samples, callback, chunk_size):
    """Rewrax's own samplers: ``(groups, attrs)`` of one run."""
    start = time.perf_counter()
    rng = np.random.default_rng(random_seed)
    seed = rng.integers(2**32, size=(chains, 2), dtype=np.uint32)  # raw per-chain PRNG keys
    layout = Layout([block for _, block in plan])
    kernels = [method.build(block, ctx) for method, block in plan]
    data = {k: np.asarray(v) for k, v in dict(jm.data).items()}
    # The starts are checked before any sampler program is built (a bad one is a clear error
    # at once); then the chunk program and the constrain map compile in the background while
    # the main thread builds the chains' initial states.
    starts, logps, grads = initial_positions(jm, model, layout, chains, rng, initvals, jitter, jitter_max_retries)
    program = get_program(jm, kernels, layout)
    if chain_method == "vectorized":
        _precompile(program, jm, layout, seed, data, chunk_size, chains * draws, ctx.float_dtype)
    flats = tuple(np.stack([b.ravel_numpy(p) for p in starts]) for b in layout.blocks)
    grads = tuple(_block_grads(b, grads, chains, ctx.float_dtype) for b in layout.blocks)
    (flats, logps, grads), data = place_chains(chain_method, chains, (flats, logps, grads), data)
    carry = program.init(seed, flats, logps, grads)
    description = f"Sampling {chains} chain{'s' if chains > 1 else ''}"
    steps = describe(plan, getattr(jm, "rv_names", None))
    if progressbar:
        print(steps, flush=True)
    out = run_chunks(program, carry, data, codes, chunk_size, progressbar, callback,
                     keep_warmup=not discard_tuned_samples, description=description)
    if out.interrupted and out.n_draws_done == 0:
        raise KeyboardInterrupt(f"sampling interrupted during warm-up ({out.n_tune_done} of {tune} iterations): "
                                "no draws to return")
    groups = _collect(program, layout, out, data, jm, var_names, not discard_tuned_samples)
    attrs = {"sampling_time": out.sampling_time, "compile_time": out.compile_time,
             "tuning_steps": out.n_tune_done, "draws": out.n_draws_done,
             "chains": chains, "sampler": steps.replace("\n", " "),
             "total_time": time.perf_counter() - start}
    return groups, attrs


def finish_sampling(groups, attrs, *, jm, model, tune, progressbar, var_names, return_inferencedata, idata_kwargs,
                    compute_convergence_checks, max_treedepth=None, nuts=False):
    """What every sampler does after its draws: the time message, the result, the warnings.

    ``groups`` is ``{group: {name: array (chain, draw, ...)}}`` with at least ``posterior``
    and ``sample_stats``; ``attrs`` has ``sampling_time``, ``tuning_steps``, ``draws`` and
    ``chains``. Returns InferenceData (with ``constant_data``, and ``log_likelihood`` when
    ``idata_kwargs`` asks) or a MultiTrace.
    """
    n_chains, n_draws = int(attrs.get("chains", 1)), int(attrs.get("draws", 0))
    n_tune = int(attrs.get("tuning_steps", tune))
    message = (f"Sampling {n_chains} chain{'s' if n_chains > 1 else ''} for {n_tune:_d} tune and {n_draws:_d} draw "
               f"iterations ({n_tune * n_chains:_d} + {n_draws * n_chains:_d} draws total) took "
               f"{attrs.get('sampling_time', 0.0):.0f} seconds.")
    _log.info(message)
    if progressbar:
        print(message, flush=True)
    groups = dict(groups)
    if var_names is not None:
        names = [var_names] if isinstance(var_names, str) else list(var_names)
        groups["posterior"] = {k: v for k, v in groups["posterior"].items() if k in names}
    if model is not None:
        groups["constant_data"] = {v.name: np.asarray(v.get_value()) for v in model.data_vars}
    dims, coords = _dims_coords(jm, idata_kwargs)
    if return_inferencedata:
        result = make_inference_data(groups, dims, coords, attrs)
        if idata_kwargs.get("log_likelihood") and model.observed_RVs:
            from rewrax.samplers.loglik import compute_log_likelihood

            names = None if idata_kwargs["log_likelihood"] is True else idata_kwargs["log_likelihood"]
            compute_log_likelihood(result, var_names=names, model=model, extend_inferencedata=True)
        checked = result
    else:
        result = MultiTrace(groups, dims, coords, attrs)
        checked = make_inference_data({g: groups[g] for g in ("posterior", "sample_stats") if g in groups})
    if compute_convergence_checks and n_draws:
        free = [n for n in dict(getattr(jm, "rv_names", None) or {}).values() if n in checked.posterior]
        check_convergence(checked, tune, max_treedepth if nuts else None, var_names=free or None)
    return result


def _precompile(program, jm, layout, seed, data, chunk_size, n_draws, float_dtype):
    """Start compiling the chunk program and the constrain map from shapes alone."""
    chains = seed.shape[0]
    flats = tuple(jax.ShapeDtypeStruct((chains, b.size), b.dtype) for b in layout.blocks)
    grads = tuple(jax.ShapeDtypeStruct((chains, b.size), b.dtype if b.dtype.startswith("float") else float_dtype)
                  for b in layout.blocks)
    logps = jax.ShapeDtypeStruct((chains,), float_dtype)
    carry = jax.eval_shape(program.init, seed, flats, logps, grads)
    stages = jax.ShapeDtypeStruct((chunk_size,), np.int32)
    positions = {n: jax.ShapeDtypeStruct((n_draws,) + tuple(jm.shapes[n]), np.dtype(jm.dtypes[n]))
                 for n in jm.value_names}

    def settings():
        stack = contextlib.ExitStack()
        stack.enter_context(_precision(jm, float_dtype))
        stack.enter_context(compilation_cache())
        return stack

    program.precompile(carry, data, stages, positions, settings)


def _block_grads(block, grads, chains, float_dtype):
    """The gradient of the start per chain, ravelled like ``block`` (zeros for discrete ones)."""
    if not all(n in grads for n in block.names):
        return np.zeros((chains, block.size), float_dtype)
    return np.concatenate([grads[n].reshape(chains, -1) for n in block.names], axis=1).astype(block.dtype)


def _collect(program, layout, out, data, jm, var_names, keep_warmup):
    """``{group: {name: array}}``: constrained draws + deterministics, stats, observed data."""
    groups = {"posterior": _constrained(program, layout, out.positions, data, var_names),
              "sample_stats": _stats(out.stats)}
    if keep_warmup:
        groups["warmup_posterior"] = _constrained(program, layout, out.warmup_positions, data, var_names)
        groups["warmup_sample_stats"] = _stats(out.warmup_stats)
    observed = dict(getattr(jm, "observed_data", {}) or {})
    if observed:
        groups["observed_data"] = {k: np.asarray(v) for k, v in observed.items()}
    return groups


def _constrained(program, layout, chunks, data, var_names):
    unconstrained = stack_positions(layout, chunks)
    n_chains, n_draws = next(iter(unconstrained.values())).shape[:2]
    if n_draws == 0:
        values = jax.eval_shape(program.jm.constrain, {k: v[0, 0] if v.size else np.zeros(v.shape[2:], v.dtype)
                                                       for k, v in unconstrained.items()}, data)
        out = {k: np.zeros((n_chains, 0) + tuple(s.shape), s.dtype) for k, s in values.items()}
    else:
        flat = {k: v.reshape((-1,) + v.shape[2:]) for k, v in unconstrained.items()}
        values = jax.device_get(program.constrain(flat, data))
        out = {k: np.asarray(v).reshape((n_chains, n_draws) + np.shape(v)[1:]) for k, v in values.items()}
    if var_names is not None:
        out = {k: out[k] for k in var_names if k in out}
    return out


def _stats(chunks):
    if not chunks:
        return {}
    return {name: np.swapaxes(np.concatenate([c[name] for c in chunks], axis=0), 0, 1) for name in chunks[0]}


def _dims_coords(jm, idata_kwargs):
    dims = {k: v for k, v in dict(getattr(jm, "dims", None) or {}).items() if v}
    coords = {k: v for k, v in dict(getattr(jm, "coords", None) or {}).items() if v is not None}
    dims.update(idata_kwargs.get("dims") or {})
    coords.update(idata_kwargs.get("coords") or {})
    return dims, coords


def _check_idata_kwargs(idata_kwargs):
    idata_kwargs = dict(idata_kwargs or {})
    unknown = sorted(set(idata_kwargs) - set(IDATA_KWARGS))
    if unknown:
        raise ValueError(f"unknown idata_kwargs {unknown}; rx.sample understands {list(IDATA_KWARGS)}")
    return idata_kwargs


# -- argument checks (all before anything is built or compiled) ---------------------------------
def _check_counts(draws, tune, chains, max_treedepth, target_accept, chunk_size):
    checks = [("draws", draws, 1), ("tune", tune, 0), ("chains", chains, 1), ("max_treedepth", max_treedepth, 1)]
    if chunk_size is not None:
        checks.append(("chunk_size", chunk_size, 1))
    for name, value, low in checks:
        if isinstance(value, bool) or not isinstance(value, (int, np.integer)):
            raise TypeError(f"{name} must be an integer, got {value!r}")
        if value < low:
            what = "a positive integer" if low == 1 else "a non-negative integer"
            raise ValueError(f"{name} must be {what}, got {value}")
    if not 0 < float(target_accept) < 1:
        raise ValueError(f"target_accept must be in (0, 1), got {target_accept}")


def _check_var_names(var_names, jm):
    """``var_names`` must name free variables or deterministics (what the posterior holds)."""
    rv_names = dict(getattr(jm, "rv_names", None) or {})
    known = {rv_names.get(n, n) for n in jm.value_names} | set(getattr(jm, "deterministic_names", None) or ())
    names = [var_names] if isinstance(var_names, str) else list(var_names)
    if not rv_names and not getattr(jm, "deterministic_names", None):
        return  # a hand-written JaxModel: its constrain() decides what exists
    unknown = [n for n in names if n not in known]
    if unknown:
        raise ValueError(f"var_names {unknown} are not free variables or deterministics of the model "
                         f"(known: {sorted(known)})")


def _float_dtype(jm) -> str:
    floats = [np.dtype(d) for d in jm.dtypes.values() if np.issubdtype(np.dtype(d), np.floating)]
    if any(d == np.float64 for d in floats):
        return "float64"
    if floats:
        return "float32"
    from rewrax.symbolic.config import config

    return config.floatX


def _precision(jm, float_dtype):
    if (float_dtype == "float64" or getattr(jm, "x64", False)) and not jax.config.jax_enable_x64:
        return jax.enable_x64(True)
    return contextlib.nullcontext()
