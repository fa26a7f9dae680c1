"""Traced sampler programs kept on disk, so a new process skips JAX's tracing and lowering.

JAX's persistent compilation cache (cache.py) spares a new process XLA's compilation, but
finding the cached executable needs the lowered program, hence a trace of NUTS (about half a
second) and a lowering (a third of a second) first. Here the chunk program is exported
(``jax.export``) once and stored under a fingerprint of everything it is built from:

- the model's log density, by its jaxpr and the values of the constants in it (a trace of
  the density alone: milliseconds),
- the kernels' keys (algorithm, blocks, target_accept, tree depth, mass matrix, ...), the
  argument shapes and dtypes, the 64-bit mode, the platform,
- the versions of JAX, jaxlib and BlackJAX, and the source of ``rewrax.samplers``.

A fingerprint that matches loads the exported program, which compiles from JAX's cache. Any
doubt (no persistent cache, sharded arguments, a missing serializer, a file that does not
load) falls back to tracing: the store only ever saves time.
"""

from __future__ import annotations

import hashlib
import os
import tempfile
from pathlib import Path

import numpy as np

import jax

from rewrax.samplers import cache

#: bump when the stored format or the fingerprint's recipe changes
FORMAT = "rewrax-chunk-1"
#: programs loaded from and saved to the store in this process (tests and curious users)
COUNTS = {"loaded": 0, "saved": 0}
_SOURCE_HASH: dict = {}


def program_dir() -> Path | None:
    """Where exported programs go: a folder inside JAX's cache folder (JAX's own files there
    end in ``-cache`` and its eviction only looks at those); None when caching is off."""
    if not cache.cache_enabled():
        return None
    jax_dir = jax.config.jax_compilation_cache_dir
    if not jax_dir:
        return None
    return Path(jax_dir) / "rewrax-programs"


def available() -> bool:
    """Whether JAX can serialize exported programs here (it needs ``flatbuffers``)."""
    try:
        import flatbuffers  # noqa: F401
        from jax import export  # noqa: F401
    except ImportError:
        return False
    return True


def fingerprint(program, args) -> str:
    """A digest of everything the chunk program for ``args`` is built from."""
    carry, data, stages = args
    h = hashlib.sha256()

    def put(*parts):
        for p in parts:
            h.update(repr(p).encode())
            h.update(b"\0")

    import blackjax
    import jaxlib

    put(FORMAT, jax.__version__, jaxlib.__version__, blackjax.__version__, _source_hash())
    put(jax.config.jax_enable_x64, jax.default_backend(), jax.devices()[0].device_kind)
    put(_stable([k.key() for k in program.kernels]), _stable(program.layout.blocks))
    leaves, tree = jax.tree.flatten(args)
    put(str(tree), [(tuple(np.shape(x)), str(x.dtype), bool(getattr(x, "weak_type", False))) for x in leaves])
    # the density as the kernels call it: all blocks' flat vectors -> log density
    flats = [jax.ShapeDtypeStruct((b.size,), b.dtype) for b in program.layout.blocks]
    data_specs = jax.tree.map(arg_spec, data)
    closed = jax.make_jaxpr(lambda f, d: program.jm.logdensity(program.layout.to_dict(f), d))(flats, data_specs)
    put(str(closed.jaxpr))
    for c in closed.consts:
        c = np.asarray(c)
        put(str(c.dtype), c.shape)
        h.update(np.ascontiguousarray(c).tobytes())
    return h.hexdigest()


def exported_chunk(program, args):
    """``(exported, output tree)`` of the chunk program for ``args``, from disk or traced now.

    Returns None when the store cannot be used (the caller then traces as usual).
    """
    folder = program_dir()
    leaves, in_tree = jax.tree.flatten(args)
    if folder is None or not available() or any(_sharded(x) for x in leaves):
        return None
    from jax import export

    expected = _output_tree(program, args)
    try:
        key = fingerprint(program, args)
    except Exception:  # e.g. a kernel key without a stable description: no store
        return None
    path = folder / f"{key}.jaxexport"
    if path.exists():
        try:
            exported = export.deserialize(bytearray(path.read_bytes()))
        except Exception:  # a damaged file: trace again (and overwrite it)
            pass
        else:
            COUNTS["loaded"] += 1
            return exported, expected
    seen = []

    def flat(*leaves):
        out = program._run_chunk(*jax.tree.unflatten(in_tree, leaves))
        seen.append(jax.tree.structure(out))
        return jax.tree.leaves(out)

    exported = export.export(jax.jit(flat))(*[arg_spec(x) for x in leaves])
    if seen and seen[0] == expected:  # only a program whose outputs we can rebuild is stored
        if _write(path, exported.serialize()):
            COUNTS["saved"] += 1
    return exported, seen[0]


def _output_tree(program, args):
    """The structure of the chunk program's output: (carry, (positions per block, stats))."""
    positions = tuple(0 for _ in program.layout.blocks)
    stats = {name: 0 for name, _ in program.stat_names.values()}
    return jax.tree.structure((args[0], (positions, stats)))


class FlatExecutable:
    """A compiled exported program called with the chunk program's pytrees."""

    def __init__(self, compiled, out_tree):
        self.compiled, self.out_tree = compiled, out_tree

    def __call__(self, *args):
        return jax.tree.unflatten(self.out_tree, self.compiled(*jax.tree.leaves(args)))


def arg_spec(x):
    return jax.ShapeDtypeStruct(np.shape(x), x.dtype if hasattr(x, "dtype") else np.asarray(x).dtype,
                                weak_type=bool(getattr(x, "weak_type", False)))


def _sharded(x):
    sharding = getattr(x, "sharding", None)
    return sharding is not None and not isinstance(sharding, jax.sharding.SingleDeviceSharding)


def _stable(obj):
    """A repr that does not depend on the process (arrays by their bytes)."""
    if isinstance(obj, np.ndarray) or hasattr(obj, "__array__") and not isinstance(obj, (int, float, str)):
        a = np.asarray(obj)
        return ("array", str(a.dtype), a.shape, hashlib.sha256(np.ascontiguousarray(a).tobytes()).hexdigest())
    if isinstance(obj, (list, tuple)):
        return (type(obj).__name__, tuple(_stable(o) for o in obj))
    if isinstance(obj, dict):
        return ("dict", tuple((repr(k), _stable(v)) for k, v in sorted(obj.items(), key=lambda kv: repr(kv[0]))))
    if obj is None or isinstance(obj, (bool, int, float, str, np.generic)):
        return repr(obj)
    raise TypeError(f"no stable description for {type(obj).__name__}")


def _source_hash() -> str:
    """A digest of this package's source: a changed sampler never loads an old program."""
    if "value" not in _SOURCE_HASH:
        h = hashlib.sha256()
        for path in sorted(Path(__file__).resolve().parent.glob("*.py")):
            h.update(path.name.encode())
            h.update(path.read_bytes())
        _SOURCE_HASH["value"] = h.hexdigest()
    return _SOURCE_HASH["value"]


def _write(path: Path, payload: bytes) -> bool:
    """Write atomically (another process may be reading the folder); False if it failed."""
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=path.parent, suffix=".tmp")
        with os.fdopen(fd, "wb") as f:
            f.write(payload)
        os.replace(tmp, path)
    except OSError:  # a read-only cache folder: run without storing
        return False
    return True
