"""Benchmark: 10^6 forward draws of a three-level hierarchical prior with ``rx.draw``, in one run.

Run ``python tests/benchmarks/bench_draw.py`` (``--write`` updates the "Distributions" section
of docs/benchmarks.md; ``--quick`` uses 10^5 draws and skips PyMC).

The prior (float64)::

    mu    ~ Normal(0, 5)              level 1
    tau   ~ HalfNormal(2)
    theta ~ Normal(mu, tau), 8 groups level 2
    sigma ~ HalfNormal(1)
    y     ~ Normal(theta, sigma)      level 3 (one observation per group)

Compared in the same process:

- ``rx.draw([mu, tau, theta, sigma, y], draws=N)``: first call (lowering + XLA compile + run) and
  later calls (cached, one vmapped jitted call);
- NumPy by hand: the same prior written with ``numpy.random.Generator`` on whole arrays;
- JAX by hand: the same prior as a ``jax.jit(jax.vmap(...))`` function over N keys;
- ``pm.draw`` (PyMC): it loops over draws in Python, so it is timed on fewer draws and its rate
  is reported per draw (``--pymc-draws``; the 10^6 figure is that rate times 10^6).
"""

from __future__ import annotations

import argparse
import platform
import time

import numpy as np

from benchdoc import write_section

J = 8


def build_rewrax():
    import rewrax as rx

    mu = rx.Normal.dist(0.0, 5.0)
    tau = rx.HalfNormal.dist(2.0)
    theta = rx.Normal.dist(mu, tau, size=J)
    sigma = rx.HalfNormal.dist(1.0)
    y = rx.Normal.dist(theta, sigma)
    return [mu, tau, theta, sigma, y]


def numpy_by_hand(n, seed):
    rng = np.random.default_rng(seed)
    mu = rng.normal(0.0, 5.0, size=n)
    tau = np.abs(rng.normal(0.0, 2.0, size=n))
    theta = rng.normal(mu[:, None], tau[:, None], size=(n, J))
    sigma = np.abs(rng.normal(0.0, 1.0, size=n))
    y = rng.normal(theta, sigma[:, None])
    return [mu, tau, theta, sigma, y]


def jax_by_hand():
    import jax
    import jax.numpy as jnp

    def one(key):
        k1, k2, k3, k4, k5 = jax.random.split(key, 5)
        mu = 5.0 * jax.random.normal(k1, (), jnp.float64)
        tau = 2.0 * jnp.abs(jax.random.normal(k2, (), jnp.float64))
        theta = mu + tau * jax.random.normal(k3, (J,), jnp.float64)
        sigma = jnp.abs(jax.random.normal(k4, (), jnp.float64))
        y = theta + sigma * jax.random.normal(k5, (J,), jnp.float64)
        return mu, tau, theta, sigma, y

    fn = jax.jit(lambda key, n: jax.vmap(one)(jax.random.split(key, n)), static_argnums=1)

    def run(n, seed):
        with jax.enable_x64(True):
            out = fn(jax.random.PRNGKey(seed), n)
            jax.block_until_ready(out)
        return [np.asarray(o) for o in out]

    return run


def build_pymc():
    import pymc as pm

    mu = pm.Normal.dist(0.0, 5.0)
    tau = pm.HalfNormal.dist(2.0)
    theta = pm.Normal.dist(mu, tau, size=J)
    sigma = pm.HalfNormal.dist(1.0)
    y = pm.Normal.dist(theta, sigma)
    return pm, [mu, tau, theta, sigma, y]


def _timed(fn, repeat):
    best, out = np.inf, None
    for _ in range(repeat):
        t0 = time.perf_counter()
        out = fn()
        best = min(best, time.perf_counter() - t0)
    return best, out


def _check(name, draws):
    """The draws of every method have the prior's moments (a benchmark of wrong code is no benchmark)."""
    mu, tau, theta, sigma, y = draws
    assert abs(mu.std() - 5.0) < 0.1 and abs(tau.mean() - 2.0 * np.sqrt(2 / np.pi)) < 0.05, name
    assert theta.shape[-1] == J and y.shape == theta.shape and (sigma > 0).all(), name
    return f"{name}: std(y) = {y.std():.3f}"


def run(n, pymc_draws, repeat):
    rows, notes = [], []
    import rewrax as rx

    outs = build_rewrax()
    t0 = time.perf_counter()
    first = rx.draw(outs, draws=n, random_seed=1)
    first_s = time.perf_counter() - t0
    notes.append(_check("rx.draw", first))
    steady, _ = _timed(lambda: rx.draw(outs, draws=n), repeat)
    rows.append(("rx.draw, first call (lower + compile + run)", first_s))
    rows.append(("rx.draw, later calls", steady))
    np_s, np_out = _timed(lambda: numpy_by_hand(n, 2), repeat)
    notes.append(_check("NumPy", np_out))
    rows.append(("NumPy by hand (Generator, whole arrays)", np_s))
    jax_run = jax_by_hand()
    t0 = time.perf_counter()
    jax_run(n, 3)
    jax_first = time.perf_counter() - t0
    jax_s, jax_out = _timed(lambda: jax_run(n, 4), repeat)
    notes.append(_check("JAX", jax_out))
    rows.append(("JAX by hand, first call", jax_first))
    rows.append(("JAX by hand (jit + vmap), later calls", jax_s))
    if pymc_draws:
        try:
            pm, pm_outs = build_pymc()
        except ImportError:
            notes.append("PyMC not installed: skipped")
        else:
            t0 = time.perf_counter()
            pm_out = pm.draw(pm_outs, draws=pymc_draws, random_seed=5)
            pm_s = time.perf_counter() - t0
            notes.append(_check("pm.draw", pm_out))
            rows.append((f"pm.draw ({pymc_draws:,} draws timed, scaled to {n:,})", pm_s * n / pymc_draws))
    return rows, notes, steady


def report(rows, notes, steady, n):
    machine = f"{platform.processor() or platform.machine()}, {platform.system()}, JAX CPU"
    lines = ["## Distributions", "",
             f"`python tests/benchmarks/bench_draw.py --write`: {n:,} draws of a three-level hierarchical prior "
             f"(mu, tau -> theta[{J}] -> y[{J}], float64; {machine}). Ratio = time / `rx.draw` later calls.", "",
             "| method | seconds | ratio |", "|---|---:|---:|"]
    for name, s in rows:
        lines.append(f"| {name} | {s:.3f} | {s / steady:.2f} |")
    lines += ["", "Sanity checks on the draws: " + "; ".join(notes) + ".", ""]
    return "\n".join(lines)



def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--write", action="store_true", help="update docs/benchmarks.md")
    parser.add_argument("--quick", action="store_true", help="10^5 draws, no PyMC")
    parser.add_argument("--draws", type=int, default=10**6)
    parser.add_argument("--pymc-draws", type=int, default=20_000, help="draws timed for pm.draw (0: skip)")
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args(argv)
    n = 10**5 if args.quick else args.draws
    rows, notes, steady = run(n, 0 if args.quick else args.pymc_draws, args.repeat)
    text = report(rows, notes, steady, n)
    print(text)
    if args.write:
        write_section("Distributions", text)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
