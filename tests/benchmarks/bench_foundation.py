"""Benchmark: the foundation layer -- per-call overhead of rx.function, graph to first result.

Run ``python tests/benchmarks/bench_foundation.py`` (``--write`` updates the "Foundation"
section of docs/benchmarks.md; ``--quick`` skips the 10,000-node graph).

1. Per-call overhead. Small compiled functions against a hand-written ``jax.jit`` function
   with the same body, measured in the same run, interleaved, best of ``--repeat`` rounds:

   - with x64 on for both (``jax.enable_x64(True)`` around the loops, as a user who turned
     JAX's flag on), the ratio to the raw jitted call (which returns a device array) and to
     ``np.asarray(jitted(x))`` (rewrax returns NumPy arrays);
   - with JAX's flag off, where rewrax enters the x64 context itself on every call.

2. Graph to first result for random element-wise graphs of ~1,000 and ~10,000 Apply nodes:
   building the graph, ``rx.function`` (FAST_COMPILE, and the default rewrite pipeline),
   tracing the interpreter (``jax.make_jaxpr``), and the first call (trace, XLA compile, run),
   against the same computation written directly in JAX (traced and compiled the same way).
"""

from __future__ import annotations

import argparse
import platform
import sys
import time

import jax
import jax.numpy as jnp
import numpy as np

from benchdoc import write_section

import rewrax as rx
import rewrax.symbolic as pt

UNARY = [("sin", pt.sin, jnp.sin), ("cos", pt.cos, jnp.cos), ("tanh", pt.tanh, jnp.tanh),
         ("sigmoid", pt.sigmoid, jax.nn.sigmoid), ("half", lambda v: v * 0.5, lambda v: v * 0.5)]
BINARY = [("add", lambda a, b: a + b, jnp.add), ("mul", lambda a, b: a * b, jnp.multiply),
          ("sub", lambda a, b: a - b, jnp.subtract)]


# -- 1. per-call overhead ------------------------------------------------------------------------
def small_cases():
    """(label, rewrax function, JAX reference, arguments)."""
    x = pt.vector("x")
    one = rx.function([x], pt.exp(x) * 2 + 1, mode="FAST_COMPILE")
    a, b, c = pt.vector("a"), pt.vector("b"), pt.vector("c")
    three = rx.function([a, b, c], a * b + c, mode="FAST_COMPILE")
    s, y = pt.scalar("s"), pt.vector("y")
    seed = rx.function([s, y], pt.log(s + y))  # the seeds' first function, default rewrites
    v3, v10 = np.linspace(0.1, 1, 3), np.linspace(0.1, 1, 10)
    return [
        ("exp(x) * 2 + 1, x: 3 floats", one, jax.jit(lambda u: jnp.exp(u) * 2 + 1), (v3,)),
        ("a * b + c, three inputs of 10", three, jax.jit(lambda p, q, r: p * q + r), (v10, v10, v10)),
        ("log(x + y), the seeds' first graph", seed, jax.jit(lambda p, q: jnp.log(p + q)), (np.float64(0.5), v3)),
    ]


def _per_call(fn, args, number):
    start = time.perf_counter()
    for _ in range(number):
        fn(*args)
    return (time.perf_counter() - start) / number * 1e6


def measure_overhead(number, repeat):
    rows = []
    for label, f, ref, args in small_cases():
        ref_np = lambda *xs, ref=ref: np.asarray(ref(*xs))  # noqa: E731
        best = {"rx": np.inf, "ref": np.inf, "ref_np": np.inf, "rx_flag_off": np.inf}
        with jax.enable_x64(True):
            for fn in (f, ref, ref_np):  # compile and warm up
                for _ in range(50):
                    fn(*args)
            np.testing.assert_allclose(f(*args), ref_np(*args), rtol=1e-15)
        for _ in range(50):
            f(*args)
        for _ in range(repeat):  # interleaved rounds; the best of each is reported
            with jax.enable_x64(True):
                best["rx"] = min(best["rx"], _per_call(f, args, number))
                best["ref"] = min(best["ref"], _per_call(ref, args, number))
                best["ref_np"] = min(best["ref_np"], _per_call(ref_np, args, number))
            best["rx_flag_off"] = min(best["rx_flag_off"], _per_call(f, args, number))
        rows.append((label, best))
    return rows


# -- 2. graph to first result ----------------------------------------------------------------------
def random_program(n, seed=0):
    """A random element-wise DAG of ``n`` steps: (op kind, op index, other operand index)."""
    rng = np.random.default_rng(seed)
    steps = []
    for k in range(n):
        if rng.random() < 0.5:
            steps.append(("u", int(rng.integers(len(UNARY))), None))
        else:
            steps.append(("b", int(rng.integers(len(BINARY))), int(rng.integers(k + 2))))
    return steps


def build_graph(steps):
    x, y = pt.vector("x"), pt.vector("y")
    pool = [x, y]
    for kind, op, other in steps:  # each step uses the previous result, so all are needed
        if kind == "u":
            pool.append(UNARY[op][1](pool[-1]))
        else:
            pool.append(BINARY[op][1](pool[-1], pool[other]))
    return [x, y], pool[-1]


def jax_program(steps):
    def fn(x, y):
        pool = [x, y]
        for kind, op, other in steps:
            pool.append(UNARY[op][2](pool[-1]) if kind == "u" else BINARY[op][2](pool[-1], pool[other]))
        return pool[-1]

    return fn


def _timed(fn):
    start = time.perf_counter()
    out = fn()
    return out, time.perf_counter() - start


def measure_first_result(n):
    steps = random_program(n)
    args = (np.linspace(-1, 1, 16), np.linspace(0, 2, 16))
    with jax.enable_x64(True):
        (inputs, out), t_build = _timed(lambda: build_graph(steps))
        nodes = len(rx.toposort(out))
        f, t_function = _timed(lambda: rx.function(inputs, out, mode="FAST_COMPILE"))
        _, t_trace = _timed(lambda: jax.make_jaxpr(f.jax_fn)(*args))
        result, t_first = _timed(lambda: f(*args))
        _, t_default = _timed(lambda: rx.function(inputs, out))
        ref = jax_program(steps)
        _, t_ref_trace = _timed(lambda: jax.make_jaxpr(ref)(*args))
        ref_result, t_ref_first = _timed(lambda: np.asarray(jax.jit(ref)(*args)))
    np.testing.assert_allclose(result, ref_result, rtol=1e-12)
    return dict(n=n, nodes=nodes, build=t_build, function=t_function, default=t_default, trace=t_trace,
                first=t_first, ref_trace=t_ref_trace, ref_first=t_ref_first)


# -- report ------------------------------------------------------------------------------------
def report(overhead, graphs, number, repeat):
    import os

    machine = (f"{platform.processor() or platform.machine()}, {os.cpu_count()} cores, load average "
               f"{os.getloadavg()[0]:.1f}, jax {jax.__version__}, {jax.devices()[0].platform}")
    lines = ["## Foundation", "",
             f"`python tests/benchmarks/bench_foundation.py --write` ({machine}).", "",
             "### Per-call overhead of a compiled function", "",
             f"Best of {repeat} interleaved rounds of {number} calls, in microseconds per call. "
             "The reference is a hand-written `jax.jit` function with the same body, called in the same "
             "run with x64 on; it returns a device array, rewrax returns NumPy arrays, so the ratio to "
             "`np.asarray(jitted(x))` is the like-for-like one (target: within 1.2x).", "",
             "| function | rewrax | jax.jit | np.asarray(jax.jit) | ratio to raw | ratio to np.asarray | "
             "rewrax, JAX flag off |", "|---|---:|---:|---:|---:|---:|---:|"]
    for label, b in overhead:
        lines.append(f"| {label} | {b['rx']:.2f} | {b['ref']:.2f} | {b['ref_np']:.2f} | {b['rx'] / b['ref']:.2f}x "
                     f"| {b['rx'] / b['ref_np']:.2f}x | {b['rx_flag_off']:.2f} |")
    lines += ["", "\"JAX flag off\": JAX's `jax_enable_x64` is off and rewrax enters `jax.enable_x64(True)` "
              "itself on every call (it never flips the global flag).", "",
              "### Graph to first result", "",
              "Random element-wise graphs (sin, cos, tanh, sigmoid, scaling, +, *, -) of vectors; times in "
              "seconds. \"first call\" is trace + XLA compilation + run; the JAX reference is the same "
              "computation written in JAX, traced and compiled the same way.", "",
              "| Apply nodes | build graph | rx.function (FAST_COMPILE) | rx.function (default rewrites) | "
              "trace: rewrax | trace: JAX | first call: rewrax | first call: JAX | graph to result: rewrax / JAX |",
              "|---:|---:|---:|---:|---:|---:|---:|---:|---:|"]
    for g in graphs:
        total = g["build"] + g["function"] + g["first"]
        lines.append(f"| {g['nodes']:,} | {g['build']:.2f} | {g['function']:.2f} | {g['default']:.2f} | "
                     f"{g['trace']:.2f} | {g['ref_trace']:.2f} | {g['first']:.2f} | {g['ref_first']:.2f} | "
                     f"{total:.1f} / {g['ref_first']:.1f} = {total / g['ref_first']:.2f}x |")
    lines += ["", "XLA's compilation dominates the first call of large graphs for rewrax and JAX alike; "
              "rewrax's own share is building the graph, `rx.function` and its interpreter's trace.", ""]
    return "\n".join(lines)



def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--write", action="store_true", help="update docs/benchmarks.md")
    parser.add_argument("--quick", action="store_true", help="skip the 10,000-node graph")
    parser.add_argument("--number", type=int, default=2000, help="calls per timing round")
    parser.add_argument("--repeat", type=int, default=15, help="timing rounds (the best is reported)")
    args = parser.parse_args(argv)
    overhead = measure_overhead(args.number, args.repeat)
    measure_first_result(50)  # warm JAX up (its first traces pay one-time costs)
    graphs = [measure_first_result(n) for n in ((1000,) if args.quick else (1000, 10000))]
    text = report(overhead, graphs, args.number, args.repeat)
    print(text)
    if args.write:
        write_section("Foundation", text)
    return 0


if __name__ == "__main__":
    sys.exit(main())
