"""Benchmark: rewriting logp+gradient graphs of ~100, ~1,000 and ~10,000 nodes.

Run ``python tests/benchmarks/bench_rewrites.py`` (add ``--write`` to update the "Rewrites"
section of docs/benchmarks.md). The same graphs are built with rewrax and, when it is
installed, with PyTensor (the ``bench`` extra), and rewritten with
``include=("canonicalize", "stabilize", "specialize")`` by each. Reported: nodes before and
after, best-of-N wall time, time per node, the growth exponent (slope of log time against
log nodes) and the speed ratio against PyTensor measured in the same run.

The graph is what a PyMC-style model gives: per group a normal likelihood with a
log-transformed scale (``sigma = exp(log_sigma)``, with its Jacobian), normal and
half-normal priors, a Bernoulli likelihood written naively with ``p = sigmoid(eta)``, the
sum of all terms and its gradient with respect to every value variable.
"""

from __future__ import annotations

import argparse
import math
import statistics
import sys
import time

import numpy as np

from benchdoc import write_section

LOG_2PI = float(np.log(2 * np.pi))


def build(pt, grad, n_groups, seed=0):
    """Outputs ``[logp, *dlogp]`` of the benchmark model with ``n_groups`` groups."""
    rng = np.random.default_rng(seed)
    terms, values = [], []
    for g in range(n_groups):
        mu = pt.scalar(f"mu_{g}")
        log_sigma = pt.scalar(f"log_sigma_{g}")
        beta = pt.scalar(f"beta_{g}")
        values += [mu, log_sigma, beta]
        x = rng.normal(size=8)
        y = (rng.random(8) < 0.5).astype("float64")
        sigma = pt.exp(log_sigma)
        z = (x - mu) / sigma
        normal = -0.5 * z**2 - pt.log(sigma) - 0.5 * LOG_2PI
        prior_mu = -0.5 * (mu / 10.0) ** 2 - math.log(10.0) - 0.5 * LOG_2PI
        prior_sigma = -0.5 * (sigma / 5.0) ** 2 + math.log(2.0 / 5.0) - 0.5 * LOG_2PI + log_sigma
        p = pt.sigmoid(beta * x + mu)
        bern = y * pt.log(p) + (1 - y) * pt.log(1 - p)
        terms += [normal.sum(), prior_mu, prior_sigma, bern.sum(), -0.5 * beta**2]
    logp = terms[0]
    for t in terms[1:]:
        logp = logp + t
    return [logp, *grad(logp, values)]


def rewrax_graph(n_groups):
    import rewrax as rx
    import rewrax.symbolic as pt

    outs = build(pt, lambda c, w: rx.grad(c, w, stabilize=False), n_groups)
    return outs, len(rx.symbolic.toposort(outs))


def rewrax_rewrite(outs):
    import rewrax as rx

    return rx.rewrite_graph(outs, include=("canonicalize", "stabilize", "specialize"))


def pytensor_graph(n_groups):
    import pytensor
    import pytensor.tensor as pt
    from pytensor.graph.traversal import ancestors

    outs = build(pt, pytensor.grad, n_groups)
    return outs, sum(1 for v in ancestors(outs) if v.owner is not None and v.owner.outputs[0] is v)


def pytensor_rewrite(outs):
    from pytensor.graph.rewriting.utils import rewrite_graph

    return rewrite_graph(outs, include=("canonicalize", "stabilize", "specialize"))


def _best_time(make, rewrite, repeat):
    """Best and median CPU time of ``rewrite`` on fresh graphs.

    CPU time of this process (``time.process_time``) rather than wall time, so that other
    work on a shared machine does not blur the comparison; both libraries are measured alike.
    """
    times, result = [], None
    for _ in range(repeat):
        outs, _ = make()
        t0 = time.process_time()
        result = rewrite(outs)
        times.append(time.process_time() - t0)
    return min(times), statistics.median(times), result


def _slope(xs, ys):
    lx, ly = np.log(xs), np.log(ys)
    return float(np.polyfit(lx, ly, 1)[0])


def _pytensor_available():
    try:
        import pytensor  # noqa: F401
    except ImportError:
        return False
    return True


def run(groups=(1, 10, 100), repeat=5):
    rows = []
    have_pt = _pytensor_available()
    for n in groups:
        reps = repeat if n < 100 else max(2, repeat // 2)
        outs, nodes = rewrax_graph(n)
        best, median, result = _best_time(lambda: rewrax_graph(n), rewrax_rewrite, reps)
        import rewrax as rx

        after = len(rx.symbolic.toposort(result))
        row = {"groups": n, "nodes": nodes, "after": after, "rx_best": best, "rx_median": median}
        if have_pt:
            _, pt_nodes = pytensor_graph(n)
            pt_best, pt_median, _ = _best_time(lambda: pytensor_graph(n), pytensor_rewrite, max(2, reps // 2))
            row.update(pt_nodes=pt_nodes, pt_best=pt_best, pt_median=pt_median)
        rows.append(row)
        print(_row_text(row), flush=True)
    return rows


def _row_text(r):
    text = (f"{r['nodes']:>6} nodes -> {r['after']:>6}: rewrax {r['rx_best'] * 1e3:8.1f} ms "
            f"({r['rx_best'] / r['nodes'] * 1e6:6.1f} us/node)")
    if "pt_best" in r:
        text += (f" | pytensor {r['pt_best'] * 1e3:8.1f} ms ({r['pt_best'] / r['pt_nodes'] * 1e6:6.1f} us/node)"
                 f" | speed-up x{r['pt_best'] / r['rx_best']:.1f}")
    return text


def report(rows):
    import platform

    lines = ["## Rewrites", "",
             "`python tests/benchmarks/bench_rewrites.py --write` (logp + gradient graphs of a PyMC-style model,",
             "rewritten with canonicalize + stabilize + specialize; best CPU time of several runs; "
             f"{platform.processor() or platform.machine()}, Python {platform.python_version()}).", "",
             "| nodes | after | rewrax ms | us/node | PyTensor ms | us/node | speed-up |",
             "|---:|---:|---:|---:|---:|---:|---:|"]
    for r in rows:
        pt_cols = (f"{r['pt_best'] * 1e3:.1f} | {r['pt_best'] / r['pt_nodes'] * 1e6:.1f} | "
                   f"x{r['pt_best'] / r['rx_best']:.1f}") if "pt_best" in r else "n/a | n/a | n/a"
        lines.append(f"| {r['nodes']} | {r['after']} | {r['rx_best'] * 1e3:.1f} | "
                     f"{r['rx_best'] / r['nodes'] * 1e6:.1f} | {pt_cols} |")
    lines.append("")
    slope = _slope([r["nodes"] for r in rows], [r["rx_best"] for r in rows])
    text = f"Growth exponent (time ~ nodes^k): rewrax k = {slope:.2f}"
    if all("pt_best" in r for r in rows):
        text += f", PyTensor k = {_slope([r['pt_nodes'] for r in rows], [r['pt_best'] for r in rows]):.2f}"
    lines += [text + ".", ""]
    return "\n".join(lines)



def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--write", action="store_true", help="update docs/benchmarks.md")
    parser.add_argument("--groups", type=int, nargs="*", default=[1, 10, 100])
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args(argv)
    rows = run(tuple(args.groups), args.repeat)
    text = report(rows)
    print()
    print(text)
    if args.write:
        write_section("Rewrites", text)


if __name__ == "__main__":
    sys.exit(main())
