"""JAX's persistent compilation cache for sampler programs, on by default.

A new Python process sampling the same model finds its compiled sampler on disk instead of
recompiling. rewrax touches no JAX flag at import: the cache folder is set the first time a
sampler runs, and only if the user has not configured JAX's cache already.

Where: ``$REWRAX_CACHE_DIR``, else ``$XDG_CACHE_HOME/rewrax/jax``, else
``~/.cache/rewrax/jax``. Off: ``REWRAX_COMPILATION_CACHE=0`` or
``rx.set_compilation_cache(False)``. Another folder: ``rx.set_compilation_cache(path)``.
"""

from __future__ import annotations

import contextlib
import os
from pathlib import Path

_SETTING = {"enabled": None, "path": None}  # None: decide from the environment on first use
_APPLIED = {"done": False}

#: programs compiling faster than this are not written to disk. JAX's default (1 s) would skip
#: most sampler programs of small models; a warm start should find all of them (the start
#: check, the chunk program, the constrain map), so ours are all written
MIN_COMPILE_TIME_SECS = 0.0


def default_cache_dir() -> Path:
    """The folder used when nothing else is configured."""
    if os.environ.get("REWRAX_CACHE_DIR"):
        return Path(os.environ["REWRAX_CACHE_DIR"]).expanduser()
    base = os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache")
    return Path(base) / "rewrax" / "jax"


def set_compilation_cache(path_or_enabled=True) -> None:
    """Turn the persistent cache on (``True``, or a folder) or off (``False``).

    Takes effect for the sampler programs compiled from now on; JAX reads its cache
    folder once per process, so changing the folder after the first cached compilation
    needs a new process.

    Examples
    --------
    >>> import rewrax as rx
    >>> rx.set_compilation_cache(False)
    >>> rx.set_compilation_cache(True)
    """
    if path_or_enabled is False or path_or_enabled is None:
        _SETTING.update(enabled=False, path=None)
        _APPLIED["done"] = False
        return
    _SETTING.update(enabled=True, path=None if path_or_enabled is True else Path(path_or_enabled).expanduser())
    _APPLIED["done"] = False


def cache_enabled() -> bool:
    if _SETTING["enabled"] is not None:
        return _SETTING["enabled"]
    return os.environ.get("REWRAX_COMPILATION_CACHE", "1").lower() not in ("0", "false", "off", "no")


def _apply() -> bool:
    """Point JAX's cache at our folder once, unless the user configured JAX's cache."""
    import jax

    if not cache_enabled():
        return False
    if _APPLIED["done"]:
        return True
    current = jax.config.jax_compilation_cache_dir
    wanted = _SETTING["path"] or default_cache_dir()
    if current is None:
        try:
            Path(wanted).mkdir(parents=True, exist_ok=True)
        except OSError:  # a read-only home: run without the cache rather than fail
            return False
        jax.config.update("jax_compilation_cache_dir", str(wanted))
    _APPLIED["done"] = True
    return True


@contextlib.contextmanager
def compilation_cache():
    """Context for compiling sampler programs: the persistent cache on, small programs too."""
    if not _apply():
        yield
        return
    try:  # a thread-local override, so the user's own jits keep JAX's threshold
        from jax._src import config as jax_config

        threshold = jax_config.persistent_cache_min_compile_time_secs(MIN_COMPILE_TIME_SECS)
    except (ImportError, AttributeError):  # a JAX without it: cache only what JAX would
        threshold = contextlib.nullcontext()
    with threshold:
        yield
