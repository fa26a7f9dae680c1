"""``pm.data``: data containers (``Data``, ``set_data``) and ``Minibatch``."""


from rewrax.model import Data, set_data  # noqa: F401

__all__ = ["Data", "set_data"]
try:
    from rewrax.model.minibatch import Minibatch  # noqa: F401

    __all__.append("Minibatch")
except ImportError:  # being added in this session
    pass

