"""The host loop: chunks of the compiled program, a progress bar, Ctrl-C returns what is done.

Chunk ``i + 1`` is dispatched before chunk ``i``'s draws are copied to the host, so the
device never waits for Python. An interrupt (``KeyboardInterrupt``) between or during
chunks stops the loop; the draws of the finished chunks are returned with a warning.
"""

from __future__ import annotations

import time
import warnings
from typing import NamedTuple

import numpy as np

from rewrax.samplers.adaptation import IDLE, SAMPLE

#: iterations per compiled chunk (the progress bar moves this often)
DEFAULT_CHUNK = 50


class ChunkInfo(NamedTuple):
    """What ``callback`` receives after each chunk."""

    phase: str  # "tune" or "draw"
    iteration: int  # iterations done (warm-up included)
    total: int
    divergences: int  # divergent transitions after warm-up so far


class RunOutput(NamedTuple):
    positions: list  # per chunk: tuple of (steps, chains, n) arrays per block
    stats: list  # per chunk: dict name -> (steps, chains)
    warmup_positions: list  # the same for warm-up iterations (only with keep_warmup)
    warmup_stats: list
    n_tune_done: int
    n_draws_done: int
    interrupted: bool
    compile_time: float
    sampling_time: float
    carry: object


def chunk_stages(codes: np.ndarray, chunk: int) -> np.ndarray:
    """Stage codes padded with IDLE to whole chunks: shape ``(n_chunks, chunk)``."""
    n_chunks = max(-(-len(codes) // chunk), 1)
    padded = np.full(n_chunks * chunk, IDLE, dtype=np.int32)
    padded[:len(codes)] = codes
    return padded.reshape(n_chunks, chunk)


def run_chunks(program, carry, data, codes, chunk=DEFAULT_CHUNK, progressbar=True, callback=None,
               keep_warmup=False, description="Sampling"):
    """Run the whole schedule ``codes`` through ``program`` chunk by chunk."""
    import jax

    stages = chunk_stages(codes, chunk)
    total, n_tune = len(codes), int(np.sum(codes < SAMPLE))
    start = time.perf_counter()
    program.compiled_chunk(carry, data, stages[0])  # compile (or load from the cache) before the clock
    compile_time = time.perf_counter() - start
    bar = _progress(total, description, progressbar)
    positions, stats, warm_positions, warm_stats, done, divergences = [], [], [], [], 0, 0
    pending, interrupted, start = None, False, time.perf_counter()
    try:
        for i in range(len(stages) + 1):
            dispatched = None
            if i < len(stages):
                carry, out = program.run_chunk(carry, data, stages[i])
                dispatched = (out, stages[i])
            if pending is not None:
                out, st = pending
                pos, sts = jax.device_get(out)
                valid, draw = st != IDLE, st == SAMPLE
                if draw.any():
                    positions.append(tuple(p[draw] for p in pos))
                    stats.append({k: v[draw] for k, v in sts.items()})
                warm = valid & ~draw
                if keep_warmup and warm.any():
                    warm_positions.append(tuple(p[warm] for p in pos))
                    warm_stats.append({k: v[warm] for k, v in sts.items()})
                done += int(valid.sum())
                if "diverging" in sts:
                    divergences += int(np.sum(sts["diverging"][st == SAMPLE]))
                _advance(bar, int(valid.sum()), divergences, sts, st)
                if callback is not None:
                    callback(ChunkInfo("tune" if done <= n_tune else "draw", done, total, divergences))
            pending = dispatched
    except KeyboardInterrupt:
        interrupted = True
        warnings.warn(f"sampling interrupted after {done} of {total} iterations; returning the "
                      f"{max(done - n_tune, 0)} draws made so far", RuntimeWarning, stacklevel=3)
    finally:
        if bar is not None:
            bar.close()
    jax.block_until_ready(carry) if not interrupted else None
    return RunOutput(positions, stats, warm_positions, warm_stats, min(done, n_tune), max(done - n_tune, 0), interrupted,
                     compile_time, time.perf_counter() - start, carry)


def _progress(total, description, enabled):
    if not enabled:
        return None
    from tqdm.auto import tqdm

    return tqdm(total=total, desc=description, unit="it", dynamic_ncols=True, leave=True)


def _advance(bar, n, divergences, stats, stages):
    if bar is None:
        return
    postfix = {}
    if "step_size" in stats and stats["step_size"].size:
        last = stats["step_size"][stages != IDLE]
        if last.size:
            postfix["step size"] = f"{float(np.mean(last[-1])):.3g}"
    if "diverging" in stats:
        postfix["divergences"] = divergences
    bar.set_postfix(postfix, refresh=False)
    bar.update(n)
