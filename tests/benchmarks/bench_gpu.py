"""Many chains on one device: rewrax NUTS, rewrax's cross-chain samplers and NumPyro's NUTS.

    python tests/benchmarks/bench_gpu.py                      # 4, 1024, 8192 chains, float32
    python tests/benchmarks/bench_gpu.py --chains 4,64 --tune 100 --draws 100 --no-write
    python tests/benchmarks/bench_gpu.py --samplers nuts,chees,mams --dtype float64

On a GPU (``jax.devices()`` lists it) or, slowly, on the CPU. For each model of
``sampling_models.py``, chain count and sampler, one call that builds, compiles and samples:

- total (s): the whole call (build + compile + warm-up + draws),
- sampling (s): warm-up + draws without compilation (rewrax's ``sampling_time``; for NumPyro
  a second call with the compiled program),
- min bulk ESS over the parameters (on at most 64 chains picked at random, scaled to all
  chains: chains are independent), ESS/s of sampling and of total time, ESS per 1,000
  gradients (leapfrog steps after warm-up), divergences.

Each row is printed and appended to ``<out>/bench_gpu.jsonl`` as soon as it is measured
(``--out``, default ``$OUT`` or the current folder), so a run cut short keeps what it did.
``--budget`` seconds skips what would start after it. Results go between the
``gpu-measurements`` markers of docs/gpu.md (``--no-write`` to skip).
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import sys
import time
import warnings
from pathlib import Path

import numpy as np

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
from benchdoc import write_marked  # noqa: E402

SAMPLERS = ("nuts", "chees", "mams", "numpyro")


def min_ess(posterior, names):
    """Smallest bulk ESS over the parameters; ``posterior[name]`` is (chain, draw, ...)."""
    import arviz as az

    n_chains = np.shape(posterior[names[0]])[0]
    pick = np.random.default_rng(0).choice(n_chains, min(n_chains, 64), replace=False)
    ess = az.ess({n: np.asarray(posterior[n])[pick].astype(np.float64) for n in names}, method="bulk")
    return min(float(np.min(ess[n].values)) for n in names) * n_chains / len(pick)


def run_rewrax(sampler, name, dtype, chains, tune, draws):
    import rewrax as rx
    import sampling_models as sm

    step = {"nuts": None, "chees": rx.ChEES(), "mams": rx.MAMS()}[sampler]
    start = time.perf_counter()
    with rx.config.change_flags(floatX=dtype):
        model = sm.rewrax_model(name)
    result = rx.sample(draws, tune=tune, chains=chains, model=model, step=step, random_seed=1, progressbar=False,
                       return_inferencedata=False, compute_convergence_checks=False)
    total = time.perf_counter() - start
    posterior = {n: result.posterior[n].values for n in sm.free_names(name)}
    stats = result.sample_stats
    return {"total": total, "sampling": float(result.attrs["sampling_time"]),
            "ess": min_ess(posterior, sm.free_names(name)), "gradients": float(stats["n_steps"].values.sum()),
            "divergences": int(stats["diverging"].values.sum())}


def run_numpyro(name, dtype, chains, tune, draws, repeat_below=60.0):
    import jax
    import numpyro
    from numpyro.infer import MCMC, NUTS
    import sampling_models as sm

    if dtype == "float64":
        numpyro.enable_x64()
    start = time.perf_counter()
    model, kwargs = sm.numpyro_model(name)
    kwargs = {k: np.asarray(v, dtype if np.asarray(v).dtype.kind == "f" else None) for k, v in kwargs.items()}
    mcmc = MCMC(NUTS(model), num_warmup=tune, num_samples=draws, num_chains=chains, chain_method="vectorized",
                progress_bar=False)
    mcmc.run(jax.random.PRNGKey(1), extra_fields=("num_steps", "diverging"), **kwargs)
    samples = jax.device_get(mcmc.get_samples(group_by_chain=True))
    total = time.perf_counter() - start
    sampling = np.nan
    if total < repeat_below:  # the compiled program again: sampling alone
        again = time.perf_counter()
        mcmc.run(jax.random.PRNGKey(2), extra_fields=("num_steps", "diverging"), **kwargs)
        jax.block_until_ready(mcmc.get_samples())
        sampling = time.perf_counter() - again
    extra = mcmc.get_extra_fields()
    return {"total": total, "sampling": sampling, "ess": min_ess(samples, sm.free_names(name)),
            "gradients": float(np.sum(extra["num_steps"])), "divergences": int(np.sum(extra["diverging"]))}


def measure(sampler, name, dtype, chains, tune, draws):
    if sampler == "numpyro":
        row = run_numpyro(name, dtype, chains, tune, draws)
    else:
        row = run_rewrax(sampler, name, dtype, chains, tune, draws)
    sampling = row["sampling"] if np.isfinite(row["sampling"]) else row["total"]
    row.update(model=name, dtype=dtype, chains=chains, sampler=sampler,
               ess_per_s_sampling=row["ess"] / sampling, ess_per_s_total=row["ess"] / row["total"],
               ess_per_1k_grad=1000 * row["ess"] / max(row["gradients"], 1.0))
    return row


NAMES = {"nuts": "rewrax NUTS", "chees": "rewrax ChEES", "mams": "rewrax MAMS", "numpyro": "NumPyro NUTS"}


def table(rows):
    lines = ["| model | chains | sampler | total (s) | sampling (s) | min ESS | ESS/s sampling | ESS/s total | "
             "ESS per 1k grad | divergences |", "|---|---:|---|---:|---:|---:|---:|---:|---:|---:|"]
    for r in rows:
        if "error" in r:
            lines.append(f"| {r['model']} | {r['chains']} | {NAMES[r['sampler']]} | {r['error']} |  |  |  |  |  |  |")
            continue
        lines.append(f"| {r['model']} | {r['chains']:,} | {NAMES[r['sampler']]} | {r['total']:.1f} | "
                     f"{r['sampling']:.1f} | {r['ess']:,.0f} | {r['ess_per_s_sampling']:,.0f} | "
                     f"{r['ess_per_s_total']:,.0f} | {r['ess_per_1k_grad']:.1f} | {r['divergences']} |")
    return "\n".join(lines)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--models", default="hierarchical,logistic")
    parser.add_argument("--chains", default="4,1024,8192")
    parser.add_argument("--samplers", default=",".join(SAMPLERS))
    parser.add_argument("--dtype", default="float32")
    parser.add_argument("--tune", type=int, default=300)
    parser.add_argument("--draws", type=int, default=300)
    parser.add_argument("--numpyro-max-chains", type=int, default=1024,
                        help="NumPyro's first call at 8,192 chains did not finish in ~70 s on an H200")
    parser.add_argument("--budget", type=float, default=float("inf"), help="seconds; later runs are skipped")
    parser.add_argument("--out", default=os.environ.get("OUT", "."))
    parser.add_argument("--no-write", action="store_true")
    args = parser.parse_args()
    import jax

    warnings.simplefilter("ignore")
    out = Path(args.out) / "bench_gpu.jsonl"
    out.parent.mkdir(parents=True, exist_ok=True)
    samplers = [s for s in args.samplers.split(",") if s]
    unknown = set(samplers) - set(SAMPLERS)
    if unknown:
        parser.error(f"unknown samplers {sorted(unknown)}; choose from {SAMPLERS}")
    if "numpyro" in samplers:
        try:
            import numpyro  # noqa: F401
        except ImportError:
            print("numpyro is not installed: its rows are skipped", flush=True)
            samplers.remove("numpyro")
    rows, begin = [], time.perf_counter()
    for name in args.models.split(","):
        for chains in (int(c) for c in args.chains.split(",")):
            for sampler in samplers:
                if sampler == "numpyro" and chains > args.numpyro_max_chains:
                    continue
                if time.perf_counter() - begin > args.budget:
                    print(f"budget spent: skipping {name} {chains} {sampler}", flush=True)
                    continue
                try:
                    row = measure(sampler, name, args.dtype, chains, args.tune, args.draws)
                except Exception as exc:  # keep going: one failure must not lose the other rows
                    row = {"model": name, "chains": chains, "sampler": sampler, "error": f"{type(exc).__name__}: {exc}"[:200]}
                rows.append(row)
                with out.open("a") as f:
                    f.write(json.dumps(row) + "\n")
                print(table(rows[-1:]).splitlines()[-1], flush=True)
    device = ", ".join(sorted({d.device_kind for d in jax.devices()}))
    text = (f"Measured on {device} ({jax.default_backend()}), {platform.node() or 'unnamed host'}, jax "
            f"{jax.__version__}, {args.dtype}; {args.tune} tune + {args.draws} draws per chain.\n\n" + table(rows))
    print(text)
    if not args.no_write:
        write_marked("gpu-measurements", text, "gpu.md")


if __name__ == "__main__":
    main()
