"""``rx.Minibatch``: random rows of data, redrawn at every optimisation step (PyMC 5's API).

``Minibatch(x, y, batch_size=B)`` returns ``x[idx], y[idx]`` for one index vector ``idx`` of
``B`` rows drawn uniformly with replacement (as PyMC does) by a ``MinibatchIndexRV``. The
index is data, not a model variable: observed variables may depend on it, and its rng is a
shared key. Every compiled density reads that key as data; ``rx.fit`` replaces it with a new
key at each step inside its JAX loop, so every step sees new rows (the same rows across
all the tensors of one ``Minibatch`` call). Give the observed variable ``total_size=N`` so that
its log-likelihood is scaled by ``N / B`` to the full data set.
"""

from __future__ import annotations

import numpy as np

import rewrax.symbolic as pt
from rewrax.symbolic.basic import shared_rng
from rewrax.symbolic.graph import ancestors, graph_inputs
from rewrax.symbolic.random.custom import MinibatchIndexRV
from rewrax.symbolic.random.op import RandomVariable, make_rv
from rewrax.symbolic.variable import Constant, SharedVariable, Variable


def is_minibatch_index(var) -> bool:
    """Whether ``var`` is the index draw of a ``Minibatch`` (data, not a model variable)."""
    owner = getattr(var, "owner", None)
    return owner is not None and isinstance(owner.op, MinibatchIndexRV)


def uses_minibatch(var) -> bool:
    """Whether the graph of ``var`` reads minibatch rows."""
    return any(is_minibatch_index(v) for v in ancestors([var]))


def _check_tensor(i, v):
    roots = [r for r in graph_inputs([v]) if not isinstance(r, (Constant, SharedVariable))]
    rvs = [a for a in ancestors([v]) if a.owner is not None and isinstance(a.owner.op, RandomVariable)]
    if roots or rvs:
        raise ValueError(f"{i}: {v} is not valid for Minibatch, only non-random variables are allowed "
                         "(arrays, data containers or graphs of them)")
    if v.type.ndim == 0:
        raise ValueError(f"{i}: Minibatch takes rows of arrays; {v} is a scalar")


def _length(v):
    if v.type.shape[0] is not None:
        return v.type.shape[0]
    if isinstance(v, SharedVariable):
        return int(np.shape(v.get_value(borrow=True))[0])
    return None


def Minibatch(variable, *variables, batch_size):
    """Random minibatch views (the same random rows of each) of ``variable`` and ``variables``.

    Parameters
    ----------
    variable, *variables : array_like or tensor
        Data with the rows along the first axis, all of the same length.
    batch_size : int
        Rows per minibatch (drawn uniformly, with replacement, as in PyMC).

    Returns
    -------
    tensor or list of tensors
        One minibatch view per input (a single view for a single input), named
        ``minibatch.0``, ``minibatch.1``, ...

    Examples
    --------
    >>> import numpy as np, rewrax as rx
    >>> x, y = np.arange(100.0), 2 * np.arange(100.0)
    >>> xb, yb = rx.Minibatch(x, y, batch_size=10)
    >>> a, b = rx.draw([xb, yb], random_seed=1)
    >>> a.shape, bool(np.all(b == 2 * a))
    ((10,), True)
    """
    if isinstance(batch_size, bool) or not isinstance(batch_size, (int, np.integer)):
        raise TypeError(f"batch_size must be an integer, got {batch_size!r}")
    if batch_size < 1:
        raise ValueError(f"batch_size must be positive, got {batch_size}")
    tensors = [v if isinstance(v, Variable) else pt.as_tensor_variable(np.asarray(v)) for v in (variable, *variables)]
    for i, v in enumerate(tensors):
        _check_tensor(i, v)
    lengths = [_length(v) for v in tensors]
    known = {n for n in lengths if n is not None}
    if len(known) > 1:
        raise ValueError(f"All variables shape[0] in Minibatch should be equal, got lengths {lengths}")
    first = tensors[0]
    upper = first.type.shape[0] if first.type.shape[0] is not None else first.shape[0]  # data: its current length
    idx = make_rv(MinibatchIndexRV(), 0, upper - 1, size=(int(batch_size),), rng=shared_rng(name="minibatch_rng"))
    views = []
    for i, v in enumerate(tensors):
        view = v[idx]
        view.name = f"minibatch.{i}"
        views.append(view)
    return views if variables else views[0]


__all__ = ["Minibatch", "is_minibatch_index", "uses_minibatch"]
