"""The model's density over one flat vector of values (what samplers and optimizers move).

``FlatLayout`` ravels value variables, in model order, into one vector and back.
``flat_density`` builds the log-density graph *over that vector*: each value variable
becomes a slice of it, and log-density terms that are the same graph over different
variables (a model written as a loop) are batched, their stacked leaves taken as one
contiguous slice when the variables are neighbours in the layout. A 200-variable chain
then compiles to the program a hand-written vectorized density gives.
"""

from __future__ import annotations

import numpy as np

import rewrax.symbolic as pt
from rewrax.model.batching import batch_terms
from rewrax.model.density import replace_present
from rewrax.model.lowering import _Lowered, prepare


class FlatLayout:
    """Value variables raveled in order into one vector.

    Examples
    --------
    >>> import numpy as np, rewrax as rx
    >>> with rx.Model() as m:
    ...     a = rx.Normal("a", 0, 1); b = rx.Normal("b", 0, 1, shape=2)
    >>> layout = FlatLayout(m.value_vars, m.initial_point())
    >>> layout.unravel(np.arange(3.0))["b"]
    array([1., 2.])
    """

    def __init__(self, value_vars, point, dtype=None):
        self.value_vars = list(value_vars)
        self.names = [v.name for v in self.value_vars]
        self.shapes = [tuple(np.shape(point[n])) for n in self.names]
        self.sizes = [int(np.prod(s)) for s in self.shapes]
        self.offsets = [int(o) for o in np.cumsum([0] + self.sizes)]
        self.size = self.offsets[-1]
        self.dtype = np.dtype(dtype) if dtype is not None else (
            np.result_type(*[v.type.dtype for v in self.value_vars]) if self.value_vars else np.dtype("float64"))
        self._index = {id(v): k for k, v in enumerate(self.value_vars)}

    def ravel(self, position):
        """``position`` (dict by name) -> flat array (NumPy or JAX, as given)."""
        parts = [position[n] for n in self.names]
        if not parts:
            return np.zeros(0, dtype=self.dtype)
        if any(type(p).__module__.startswith("jax") for p in parts):
            import jax.numpy as jnp

            return jnp.concatenate([jnp.ravel(jnp.asarray(p, dtype=self.dtype)) for p in parts])
        return np.concatenate([np.ravel(np.asarray(p, dtype=self.dtype)) for p in parts])

    def unravel(self, x) -> dict:
        """Flat array -> ``{name: array}``."""
        return {n: x[a:b].reshape(s) for n, a, b, s in zip(self.names, self.offsets, self.offsets[1:], self.shapes)}

    def slices(self, flat):
        """``{value variable: its part of the symbolic vector flat}``."""
        out = {}
        for k, v in enumerate(self.value_vars):
            if self.shapes[k] == ():
                part = flat[self.offsets[k]]
            else:
                part = flat[self.offsets[k]:self.offsets[k + 1]]
                part = pt.reshape(part, self.shapes[k]) if len(self.shapes[k]) != 1 else part
            out[v] = part if part.type.dtype == v.type.dtype else pt.cast(part, v.type.dtype)
        return out

    def stacker(self, flat):
        """``stack(column)`` for batching: neighbouring variables of equal shape -> one slice."""
        def stack(column):
            ks = [self._index.get(id(v)) for v in column]
            contiguous = None not in ks and ks == list(range(ks[0], ks[0] + len(ks)))
            if contiguous and len({self.shapes[k] for k in ks}) == 1 and all(v.type.dtype == self.dtype for v in column):
                part = flat[self.offsets[ks[0]]:self.offsets[ks[-1] + 1]]
                return pt.reshape(part, (len(ks),) + self.shapes[ks[0]])
            return pt.stack(column)

        return stack


def flat_density(model, layout, parts, jacobian=True):
    """``(flat, [logp graphs])`` over a symbolic flat vector ``flat`` of ``layout``.

    ``parts`` lists groups of model variables (random variables and potentials); one scalar
    graph is returned per group (one group: the joint density; two: prior and likelihood).
    """
    flat = pt.tensor("flat", shape=(layout.size,), dtype=layout.dtype)
    selected = [v for group in parts for v in group]
    terms = dict(zip(selected, model.logp(vars=selected, jacobian=jacobian, sum=False))) if selected else {}
    stack = layout.stacker(flat)
    outs = []
    for group in parts:
        pieces = batch_terms([terms[v] for v in group], stack=stack)
        total = pt.add(*pieces) if len(pieces) > 1 else (pieces[0] if pieces else pt.constant(0.0))
        outs.append(total)
    return flat, replace_present(outs, layout.slices(flat))


class FlatDensity:
    """The model's density lowered to JAX over a flat vector of ``grad_vars`` (and the others).

    ``fn(flat, *extra_values, *data_values)`` returns one value per group of ``parts``;
    ``extra_vars`` are the model's other value variables (discrete ones, or those a
    conditional density holds fixed), ``data_names`` name the data it reads.
    """

    def __init__(self, model, grad_vars, parts, jacobian=True, point=None, data_names=None):
        point = model.initial_point() if point is None else point
        self.layout = FlatLayout(grad_vars, point)
        grad_ids = {id(v) for v in grad_vars}
        self.extra_vars = [v for v in model.value_vars if id(v) not in grad_ids]
        flat, outs = flat_density(model, self.layout, parts, jacobian=jacobian)
        self.lowered = _Lowered([flat] + self.extra_vars, prepare(model, outs), {} if data_names is None else data_names)
        self.fn = self.lowered.fn
        self.x64 = self.lowered.x64
        self.data_names = self.lowered.data_names
