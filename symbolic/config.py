"""Process-wide settings of rewrax (``rx.config``).

Only what graphs need to know at build time lives here: the default float dtype.
Changing a flag never touches JAX's own global configuration.
"""

from __future__ import annotations

import contextlib
import threading

_FLOAT_DTYPES = ("float64", "float32")


class Config(threading.local):
    """Settings read when a graph is built or compiled.

    Attributes
    ----------
    floatX : str
        The dtype given to float constants and placeholders built without an
        explicit dtype: ``"float64"`` (default, as in PyMC) or ``"float32"``
        (for GPUs).
    """

    def __init__(self):
        self._floatX = "float64"

    @property
    def floatX(self) -> str:
        return self._floatX

    @floatX.setter
    def floatX(self, value: str) -> None:
        if value not in _FLOAT_DTYPES:
            raise ValueError(f"config.floatX must be one of {_FLOAT_DTYPES}, got {value!r}")
        self._floatX = value

    @contextlib.contextmanager
    def change_flags(self, **flags):
        """Temporarily change settings: ``with rx.config.change_flags(floatX="float32"): ...``."""
        old = {}
        for key, value in flags.items():
            if not hasattr(type(self), key):
                raise AttributeError(f"unknown config flag {key!r}; known: floatX")
            old[key] = getattr(self, key)
            setattr(self, key, value)
        try:
            yield self
        finally:
            for key, value in old.items():
                setattr(self, key, value)


config = Config()
