"""``pm.exceptions``: the exception classes PyMC users catch, with PyMC's names and bases."""

from rewrax.model.debug import SamplingError  # noqa: F401

__all__ = ["SamplingError", "IncorrectArgumentsError", "TraceDirectoryError", "ShapeWarning", "ShapeError",
           "DtypeError"]


class IncorrectArgumentsError(ValueError):
    """A function got a combination of arguments that does not make sense."""


class TraceDirectoryError(ValueError):
    """A trace directory is missing or invalid."""


class ShapeWarning(UserWarning):
    """Something about a shape looks wrong but is not an error."""


def _with_sizes(message, actual, expected):
    if actual is not None and expected is not None:
        return f"{message} (actual {actual} != expected {expected})"
    if actual is not None:
        return f"{message} (actual {actual})"
    if expected is not None:
        return f"{message} (expected {expected})"
    return message


class ShapeError(Exception):
    """A variable or value has the wrong shape; ``actual`` and ``expected`` are added to the message.

    Examples
    --------
    >>> str(ShapeError("bad observed", actual=(3,), expected=(4,)))
    'bad observed (actual (3,) != expected (4,))'
    """

    def __init__(self, message, actual=None, expected=None):
        super().__init__(_with_sizes(message, actual, expected))


class DtypeError(TypeError):
    """A variable or value has the wrong dtype; ``actual`` and ``expected`` are added to the message."""

    def __init__(self, message, actual=None, expected=None):
        super().__init__(_with_sizes(message, actual, expected))
