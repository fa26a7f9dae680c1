"""Sampling benchmark: rewrax vs NumPyro, hand-written BlackJAX and PyMC, in one run.

    python tests/benchmarks/bench_sample.py [--models eight_schools,hierarchical,logistic]
                                            [--repeats 3] [--no-write]

For each model of ``sampling_models.py`` (same data and parameterisation everywhere) and each
sampler, 4 chains x (1000 tune + 1000 draws), each run in a fresh Python process:

- total wall time from building the model to the result (build + compile + sample; the
  imports of JAX, ArviZ and the sampling library come before the clock starts),
- compile time (JAX: time spent tracing, lowering and compiling, from ``jax.monitoring``),
- the minimum bulk ESS over the model's parameters (ArviZ), and ESS per second of total
  wall time, and ESS per 1,000 gradient evaluations (leapfrog steps after warm-up).

rewrax runs cold (an empty persistent compilation cache) and warm (the cache filled by the
cold run). PyMC runs with a warm PyTensor cache (its first run is discarded), as the issue's
reference numbers are. Results go to the "Sampling" section of docs/benchmarks.md.
Needs the ``bench`` extra (pymc, numpyro, arviz).
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import textwrap
from pathlib import Path

from benchdoc import write_marked

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent.parent

PRELUDE = textwrap.dedent(f"""
    import time
    import collections, json, sys, warnings
    warnings.simplefilter("ignore")
    sys.path.insert(0, {str(HERE)!r})
    import numpy as np
    import jax
    COMPILE = collections.defaultdict(float)
    def _listen(name, duration, **kw):
        if name.startswith("/jax/core/compile/"):
            COMPILE[name] += duration
    jax.monitoring.register_event_duration_secs_listener(_listen)
    import sampling_models as sm
    import arviz as az

    def start():
        global T0
        COMPILE.clear()
        T0 = time.perf_counter()

    def report(name, idata, n_steps):
        wall = time.perf_counter() - T0
        ess = az.ess(idata, method="bulk", var_names=sm.free_names(name))
        min_ess = min(float(ess[v].min()) for v in ess.data_vars)
        print("RESULT" + json.dumps(dict(wall=wall, compile=sum(COMPILE.values()), min_ess=min_ess,
                                         grads=float(n_steps))))
""")

RUNNERS = {
    "rewrax": """
        import rewrax as rx
        start()
        model = sm.rewrax_model(NAME)
        idata = rx.sample(1000, tune=1000, chains=4, model=model, random_seed=SEED, progressbar=False,
                          compute_convergence_checks=False)
        report(NAME, idata, idata.sample_stats["n_steps"].values.sum())
    """,
    "numpyro": """
        import numpyro
        numpyro.enable_x64()
        from numpyro.infer import MCMC, NUTS
        start()
        model, kwargs = sm.numpyro_model(NAME)
        mcmc = MCMC(NUTS(model), num_warmup=1000, num_samples=1000, num_chains=4, chain_method="vectorized",
                    progress_bar=False)
        mcmc.run(jax.random.PRNGKey(SEED), extra_fields=("num_steps",), **kwargs)
        steps = mcmc.get_extra_fields()["num_steps"]
        report(NAME, az.from_numpyro(mcmc), np.asarray(steps).sum())
    """,
    "blackjax": """
        jax.config.update("jax_enable_x64", True)
        import blackjax
        import jax.numpy as jnp
        start()
        logdensity, init, constrain, d = sm.hand_density(NAME)
        d = {k: jnp.asarray(v) for k, v in d.items()}
        logp = lambda p: logdensity(p, d)
        keys = jax.random.split(jax.random.PRNGKey(SEED), 8)
        inits = jax.tree.map(lambda x: jnp.asarray(x)[None] + jax.random.uniform(keys[0], (4,) + np.shape(x), minval=-1, maxval=1), init)
        warmup = blackjax.window_adaptation(blackjax.nuts, logp)
        (states, params), _ = jax.vmap(lambda k, x: warmup.run(k, x, 1000))(keys[:4], inits)
        kernel = blackjax.nuts.build_kernel()
        def chain(key, state, params):
            def one(state, k):
                state, info = kernel(k, state, logp, params["step_size"], params["inverse_mass_matrix"])
                return state, (state.position, info.num_integration_steps)
            return jax.lax.scan(one, state, jax.random.split(key, 1000))[1]
        params = {k: params[k] for k in ("step_size", "inverse_mass_matrix")}
        positions, steps = jax.jit(jax.vmap(chain))(keys[4:], states, params)
        draws = jax.vmap(jax.vmap(lambda p: constrain(p, d)))(positions)
        idata = az.from_dict(posterior={k: np.asarray(v) for k, v in draws.items()})
        report(NAME, idata, np.asarray(steps).sum())
    """,
    "pymc": """
        import pymc as pm
        start()
        with sm.pymc_model(NAME):
            idata = pm.sample(1000, tune=1000, chains=4, random_seed=SEED, progressbar=False,
                              compute_convergence_checks=False)
        report(NAME, idata, idata.sample_stats["n_steps"].values.sum())
    """,
}


def run_one(sampler, name, seed, env=None):
    code = PRELUDE + textwrap.dedent(RUNNERS[sampler]).replace("NAME", repr(name)).replace("SEED", str(seed))
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env={**os.environ, **(env or {})},
                          cwd=ROOT, timeout=3600)
    for line in proc.stdout.splitlines():
        if line.startswith("RESULT"):
            return json.loads(line[6:])
    raise RuntimeError(f"{sampler} on {name} failed:\n{proc.stderr[-3000:]}")


def bench_model(name, seed, repeats):
    """Each configuration ``repeats`` times (seeds differ), interleaved; the median run by ESS/s."""
    runs = {}
    for r in range(repeats):
        with tempfile.TemporaryDirectory() as cache:
            env = {"REWRAX_CACHE_DIR": cache}
            runs.setdefault("rewrax (cold)", []).append(run_one("rewrax", name, seed + r, env))
            runs.setdefault("rewrax (warm cache)", []).append(run_one("rewrax", name, seed + r + 100, env))
        runs.setdefault("NumPyro NUTS", []).append(run_one("numpyro", name, seed + r))
        runs.setdefault("BlackJAX by hand", []).append(run_one("blackjax", name, seed + r))
        if r == 0:
            run_one("pymc", name, seed)  # fills PyTensor's compilation cache
        runs.setdefault("PyMC (warm cache)", []).append(run_one("pymc", name, seed + r + 100))
    return {k: sorted(v, key=lambda x: x["min_ess"] / x["wall"])[len(v) // 2] for k, v in runs.items()}


def table(results):
    lines = ["| model | sampler | total wall (s) | compile (s) | min bulk ESS | ESS/s | ESS per 1k grads | vs best reference |",
             "|---|---|---:|---:|---:|---:|---:|---:|"]
    for name, rows in results.items():
        best = max(r["min_ess"] / r["wall"] for k, r in rows.items() if not k.startswith("rewrax"))
        for sampler, r in rows.items():
            ess_s = r["min_ess"] / r["wall"]
            lines.append(f"| {name} | {sampler} | {r['wall']:.1f} | {r['compile']:.1f} | {r['min_ess']:.0f} | "
                         f"{ess_s:.0f} | {1000 * r['min_ess'] / r['grads']:.0f} | {ess_s / best:.2f}x |")
    return "\n".join(lines)



def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--models", default=",".join(("eight_schools", "hierarchical", "logistic")))
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--no-write", action="store_true")
    args = parser.parse_args()
    results = {}
    for name in args.models.split(","):
        results[name] = bench_model(name, args.seed, args.repeats)
        print(table({name: results[name]}), flush=True)
    text = table(results)
    import platform

    note = (f"Machine: {os.cpu_count()} CPU cores, {platform.processor() or platform.machine()}; "
            f"command: `python tests/benchmarks/bench_sample.py`. 4 chains x (1000 tune + 1000 draws); "
            "ESS/s uses the total wall time (build + compile + sample, imports excluded) in a fresh process; "
            f"each row is the median of {args.repeats} runs (different seeds, interleaved) by ESS/s; "
            "'vs best reference' divides by the best ESS/s of NumPyro, BlackJAX and PyMC. "
            f"Load average when finished: {os.getloadavg()[0]:.1f} (other jobs share this machine).")
    if not args.no_write:
        write_marked("sampling", note + "\n\n" + text, "benchmarks.md", heading="Sampling")
    print(text)


if __name__ == "__main__":
    main()
