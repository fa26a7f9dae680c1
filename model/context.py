"""The model context stack: ``with rx.Model():`` and ``rx.modelcontext``.

Kept apart from the Model class so that the modules Model uses (registration, data,
deterministics) can find the current model without importing it.
"""

from __future__ import annotations

import threading

NO_MODEL_MESSAGE = (
    "No model on context stack, which is needed to instantiate distributions. Add variable inside "
    "a 'with model:' block, or use the '.dist' syntax for a standalone distribution."
)


class _Unset:
    def __repr__(self):
        return "UNSET"


#: "argument not given" (``None`` means "no transform", so it cannot be the default)
UNSET = _Unset()

_STACK = threading.local()


def _context_stack() -> list:
    if not hasattr(_STACK, "models"):
        _STACK.models = []
    return _STACK.models


def modelcontext(model=None):
    """``model`` if given, else the innermost model of the ``with`` stack.

    Raises
    ------
    TypeError
        When no model is given and none is on the context stack.

    Examples
    --------
    >>> import rewrax as rx
    >>> with rx.Model() as m:
    ...     assert rx.modelcontext(None) is m
    """
    if model is not None:
        if not getattr(model, "_is_rewrax_model", False):
            raise TypeError(f"expected a rx.Model, got {model!r}")
        return model
    stack = _context_stack()
    if not stack:
        raise TypeError("No model on context stack: call this inside a `with rx.Model():` block, or pass model=")
    return stack[-1]
