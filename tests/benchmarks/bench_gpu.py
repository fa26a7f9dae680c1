"""Throughput of rx.sample with many chains, float32 and float64: draws/s and ESS/s.

    python tests/benchmarks/bench_gpu.py                      # 4, 64, 1024 chains, both dtypes
    python tests/benchmarks/bench_gpu.py --chains 4,64 --tune 200 --draws 200 --no-write

Run it on a machine with a CUDA jaxlib (``pip install -U "jax[cuda12]"``); ``jax.devices()``
must list the GPU. The same script runs on CPU (slowly) to check that it works. For each
model of ``sampling_models.py``, dtype and chain count it reports:

- compile + first run (s): the first ``rx.sample`` call (build, compile, sample),
- sampling (s): a second call with the compiled program (cache warm), warm-up included,
- draws/s: ``chains * draws / sampling``,
- ESS/s: the minimum bulk ESS over the parameters / sampling,
- ESS/s per chain, to see where adding chains stops paying.

Results go to the "Measurements" section of docs/gpu.md (``--no-write`` to skip).
"""

from __future__ import annotations

import argparse
import platform
import sys
import time
import warnings
from pathlib import Path

import numpy as np

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
from benchdoc import write_marked  # noqa: E402


def min_ess(result, names):
    from rewrax.samplers.diagnostics import diagnostics

    draws = np.concatenate([result.posterior[n].values.reshape(result.posterior[n].values.shape[:2] + (-1,))
                            for n in names], axis=-1)
    # ESS over thousands of chains: a random subset of 64 chains keeps the diagnostic cheap;
    # scale by the share of chains used (chains are independent).
    n_chains = draws.shape[0]
    pick = np.random.default_rng(0).choice(n_chains, min(n_chains, 64), replace=False)
    _, ess, _ = diagnostics(draws[pick])
    return float(np.min(ess)) * n_chains / len(pick)


def measure(name, dtype, chains, tune, draws):
    import rewrax as rx
    import sampling_models as sm

    with rx.config.change_flags(floatX=dtype):
        model = sm.rewrax_model(name)
    kwargs = dict(tune=tune, chains=chains, model=model, progressbar=False, return_inferencedata=False,
                  compute_convergence_checks=False)
    start = time.perf_counter()
    rx.sample(draws, random_seed=1, **kwargs)
    first = time.perf_counter() - start
    start = time.perf_counter()
    result = rx.sample(draws, random_seed=2, **kwargs)
    sampling = time.perf_counter() - start
    ess = min_ess(result, sm.free_names(name))
    return {"model": name, "dtype": dtype, "chains": chains, "first": first, "sampling": sampling,
            "draws/s": chains * draws / sampling, "ESS/s": ess / sampling, "ESS/s/chain": ess / sampling / chains,
            "divergences": int(result.sample_stats["diverging"].values.sum())}


def table(rows):
    lines = ["| model | dtype | chains | compile + first run (s) | sampling (s) | draws/s | ESS/s | ESS/s per chain | divergences |",
             "|---|---|---:|---:|---:|---:|---:|---:|---:|"]
    for r in rows:
        lines.append(f"| {r['model']} | {r['dtype']} | {r['chains']} | {r['first']:.1f} | {r['sampling']:.1f} | "
                     f"{r['draws/s']:.0f} | {r['ESS/s']:.0f} | {r['ESS/s/chain']:.1f} | {r['divergences']} |")
    return "\n".join(lines)



def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--models", default="hierarchical,logistic")
    parser.add_argument("--chains", default="4,64,1024")
    parser.add_argument("--dtypes", default="float32,float64")
    parser.add_argument("--tune", type=int, default=500)
    parser.add_argument("--draws", type=int, default=500)
    parser.add_argument("--no-write", action="store_true")
    args = parser.parse_args()
    import jax

    warnings.simplefilter("ignore")
    rows = []
    for name in args.models.split(","):
        for dtype in args.dtypes.split(","):
            for chains in (int(c) for c in args.chains.split(",")):
                rows.append(measure(name, dtype, chains, args.tune, args.draws))
                print(table(rows[-1:]).splitlines()[-1], flush=True)
    device = ", ".join(sorted({d.device_kind for d in jax.devices()}))
    text = (f"Measured on {device} ({jax.default_backend()}), {platform.node() or 'unnamed host'}, jax "
            f"{jax.__version__}; {args.tune} tune + {args.draws} draws per chain.\n\n" + table(rows))
    print(text)
    if not args.no_write:
        write_marked("gpu-measurements", text, "gpu.md")


if __name__ == "__main__":
    main()
