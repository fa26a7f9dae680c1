"""Helpers for checking that an Op's JAX lowering agrees with its NumPy reference.

``assert_lowering_matches`` compiles a graph with ``mode="FAST_COMPILE"`` (so the rewrite
engine is not involved), runs it, evaluates the same graph with the Ops' ``perform``
(``evaluate_numpy``), and optionally with a NumPy expression written independently, and
checks values, dtypes and shapes.
"""

from __future__ import annotations

import numpy as np
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp

import rewrax as rx
import rewrax.symbolic as pt
from rewrax.symbolic.numpy_eval import evaluate_numpy

#: (rtol, atol) per dtype when comparing JAX with NumPy/SciPy.
TOLERANCE = {"float64": (1e-10, 1e-12), "float32": (2e-5, 1e-6), "float16": (2e-3, 1e-3)}

_COMPILED: dict = {}


def compile_fast(inputs, outputs):
    """``rx.function`` without rewrites; inputs not used by the outputs are allowed."""
    return rx.function(inputs, outputs, mode="FAST_COMPILE", on_unused_input="ignore")


def _as_list(x):
    return list(x) if isinstance(x, (list, tuple)) else [x]


def assert_close(got, want, dtype=None, rtol=None, atol=None, what=""):
    """Same shape, same dtype (when ``dtype`` is given) and close values (NaNs where NaNs)."""
    got, want = np.asarray(got), np.asarray(want)
    assert got.shape == want.shape, f"{what}: shape {got.shape} != {want.shape}"
    if dtype is not None:
        assert got.dtype == np.dtype(dtype), f"{what}: dtype {got.dtype} != {dtype}"
    if got.dtype.kind in "biu" or got.dtype == bool:
        np.testing.assert_array_equal(got, want, err_msg=what)
        return
    default_rtol, default_atol = TOLERANCE.get(got.dtype.name, TOLERANCE["float64"])
    np.testing.assert_allclose(got, want, rtol=rtol or default_rtol, atol=atol or default_atol,
                               equal_nan=True, err_msg=what)


def assert_lowering_matches(inputs, outputs, values, numpy_ref=None, rtol=None, atol=None):
    """Compare ``rx.function`` with ``evaluate_numpy`` (and ``numpy_ref(*values)`` if given)."""
    outs = _as_list(outputs)
    f = compile_fast(inputs, outs)
    got = f(*values)
    ref = evaluate_numpy(outs, dict(zip(inputs, values)))
    for k, (g, r, o) in enumerate(zip(got, ref, outs)):
        assert_close(g, r, o.type.dtype, rtol, atol, what=f"output {k} ({o}) JAX vs perform")
        for axis, size in enumerate(o.type.shape):
            assert size is None or np.shape(g)[axis] == size, f"output {k}: static shape {o.type.shape} violated"
    if numpy_ref is not None:
        for k, (g, n) in enumerate(zip(got, _as_list(numpy_ref(*values)))):
            assert_close(g, n, None, rtol, atol, what=f"output {k} JAX vs NumPy")
    return got


# -- strategies ----------------------------------------------------------------------------------
def static_shape(shape, draw_known):
    """A static shape for a run-time ``shape``: size-1 dims stay 1 (so they broadcast), the
    others are known or unknown (None) as ``draw_known`` says."""
    return tuple(1 if d == 1 else (d if known else None) for d, known in zip(shape, draw_known))


@st.composite
def broadcast_inputs(draw, n, dtype="float64", elements=None, max_dims=3, max_side=4):
    """``n`` symbolic inputs with mutually broadcastable shapes, and values for them."""
    shapes = draw(hnp.mutually_broadcastable_shapes(num_shapes=n, min_dims=0, max_dims=max_dims,
                                                    min_side=1, max_side=max_side)).input_shapes
    dtypes = dtype if isinstance(dtype, (list, tuple)) else [dtype] * n
    variables, values = [], []
    for k, (shape, dt) in enumerate(zip(shapes, dtypes)):
        known = draw(st.lists(st.booleans(), min_size=len(shape), max_size=len(shape)))
        variables.append(pt.tensor(f"i{k}", shape=static_shape(shape, known), dtype=dt))
        elems = elements[k] if isinstance(elements, (list, tuple)) else elements
        values.append(draw(hnp.arrays(np.dtype(dt), shape, elements=elems)))
    return variables, values


def floats_in(lo, hi, dtype="float64", exclude=None):
    """Finite floats in ``[lo, hi]`` representable in ``dtype`` (``exclude``: an open interval)."""
    width = 32 if dtype == "float32" else 64
    if width == 32:  # hypothesis wants bounds that float32 represents exactly: round inwards
        lo = float(np.nextafter(np.float32(lo), np.float32(np.inf)) if np.float32(lo) < lo else np.float32(lo))
        hi = float(np.nextafter(np.float32(hi), np.float32(-np.inf)) if np.float32(hi) > hi else np.float32(hi))
    # no subnormals: XLA on CPU flushes them to zero, NumPy does not (a platform difference)
    base = st.floats(lo, hi, allow_nan=False, allow_infinity=False, allow_subnormal=False, width=width)
    if exclude is None:
        return base
    a, b = exclude
    return base.filter(lambda v: not a < v < b)
