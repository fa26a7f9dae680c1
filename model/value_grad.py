"""``ValueGradFunction``: the model's log-density and gradient over one raveled vector.

This is PyMC's sampler interface (``model.logp_dlogp_function()``): the values of the
``grad_vars`` are raveled, in value-variable order, into one flat array (``dict_to_array``
/ ``array_to_dict``); the other free variables ("extra" variables) are held fixed at values
given with ``set_extra_values`` (a conditional density, as Gibbs steps need). One jitted
JAX call returns ``(logp, gradient)``; the gradient is JAX's reverse mode over the rewritten,
lowered density graph. Data containers are read at every call, so ``rx.set_data`` needs no
recompilation.
"""

from __future__ import annotations

import numpy as np

import jax

from rewrax.model.density import _value_vars
from rewrax.model.flat import FlatDensity
from rewrax.symbolic.type import is_discrete_dtype


class ValueGradFunction:
    """Raveled array -> ``(logp, gradient)`` of the model (or a conditional of it).

    Parameters
    ----------
    model : rx.Model
    grad_vars : list, optional
        Random variables, value variables or names to differentiate with respect to
        (default: every continuous free variable).
    tempered : bool
        Split the density into the free variables' part and a weighted likelihood part
        (observed variables and potentials); ``set_weights([beta])`` sets the weight.
    jacobian : bool
        Include the transforms' log-Jacobian terms.
    compute_grads : bool
        ``False``: calls return the log-density only.

    Examples
    --------
    >>> import numpy as np, rewrax as rx
    >>> with rx.Model() as m:
    ...     z = rx.Normal("z", 0.0, 1.0, shape=2)
    >>> f = m.logp_dlogp_function()
    >>> logp, grad = f(f.dict_to_array({"z": np.array([1.0, -1.0])}))
    >>> grad
    array([-1.,  1.])
    """

    def __init__(self, model, grad_vars=None, tempered=False, jacobian=True, compute_grads=True,
                 initial_point=None, ravel_inputs=True, dtype=None, **kwargs):
        if kwargs:
            raise TypeError(f"logp_dlogp_function() got unexpected arguments {sorted(kwargs)}")
        self.model = model
        self.grad_vars = _value_vars(model, grad_vars)
        for v in self.grad_vars:
            if is_discrete_dtype(v.type.dtype):
                raise TypeError(f"cannot differentiate with respect to the discrete variable {v.name} "
                                f"({v.type.dtype}); leave it out of grad_vars")
        self.compute_grads = compute_grads
        point = initial_point if initial_point is not None else model.initial_point()
        parts = [model.free_RVs, model.observed_RVs + model.potentials] if tempered else \
            [model.basic_RVs + model.potentials]
        self._density = FlatDensity(model, self.grad_vars, parts, jacobian=jacobian, point=point)
        self._layout = self._density.layout
        self.extra_vars = self._density.extra_vars
        self.dtype = np.dtype(dtype) if dtype is not None else self._layout.dtype
        self._shapes = self._layout.shapes
        self._offsets = np.asarray(self._layout.offsets)
        self._extra_values = None if self.extra_vars else {}
        self._weights = np.ones(len(parts) - 1)
        self._jitted = jax.jit(self._build())
        self._data_cache = {}

    # -- the compiled function -----------------------------------------------------------------
    def _build(self):
        fn = self._density.fn

        def cost(flat, extras, data, weights):
            costs = fn(flat, *extras, *data)
            total = costs[0]
            for w, c in zip(weights, costs[1:]):
                total = total + w * c
            return total

        if not self.compute_grads:
            return cost
        return jax.value_and_grad(cost)

    def _data(self):
        """The data values as device arrays, converted again only when a container's value changes."""
        out = []
        for name, var in self._density.lowered.variables().items():
            host = var.get_value(borrow=True) if hasattr(var, "get_value") else var.data
            cached = self._data_cache.get(name)
            if cached is None or cached[0] is not host:
                cached = (host, jax.device_put(np.asarray(host)))
                self._data_cache[name] = cached
            out.append(cached[1])
        return out

    def __call__(self, grad_vars, grad_out=None, extra_vars=None):
        """``(logp, gradient)`` at the raveled array (or point dict) ``grad_vars``."""
        if isinstance(grad_vars, dict):
            grad_vars = self.dict_to_array(grad_vars)
        if extra_vars is not None:
            self.set_extra_values(extra_vars)
        if self._extra_values is None:
            raise ValueError("Extra values are not set. This function conditions on "
                             f"{[v.name for v in self.extra_vars]}: give their values with set_extra_values({{...}})")
        flat = np.asarray(grad_vars, dtype=self.dtype)
        if flat.shape != (self.size,):
            raise ValueError(f"expected a raveled array of {self.size} values ({self._layout_text()}), got shape {flat.shape}")
        extras = [self._extra_values[v.name] for v in self.extra_vars]
        if self._density.x64 and not jax.config.jax_enable_x64:
            with jax.enable_x64(True):
                out = self._jitted(flat, extras, self._data(), self._weights)
        else:
            out = self._jitted(flat, extras, self._data(), self._weights)
        if not self.compute_grads:
            return np.asarray(out)
        logp, grad = out
        if grad_out is not None:
            grad_out[...] = grad
            return np.asarray(logp)
        return np.asarray(logp), np.asarray(grad)

    # -- the raveled layout -------------------------------------------------------------------------
    @property
    def size(self) -> int:
        return int(self._offsets[-1])

    def _layout_text(self):
        return ", ".join(f"{v.name}: {s}" for v, s in zip(self.grad_vars, self._shapes))

    def dict_to_array(self, point) -> np.ndarray:
        """The values of the gradient variables in ``point``, raveled in value-variable order."""
        missing = [v.name for v in self.grad_vars if v.name not in point]
        if missing:
            raise KeyError(f"the point has no value for {missing}")
        parts = []
        for v, shape in zip(self.grad_vars, self._shapes):
            arr = np.asarray(point[v.name], dtype=self.dtype)
            if arr.shape != shape:
                raise ValueError(f"{v.name} has shape {shape}, got a value of shape {arr.shape}")
            parts.append(arr.ravel())
        return np.concatenate(parts) if parts else np.zeros(0, dtype=self.dtype)

    def array_to_dict(self, array) -> dict:
        """The inverse of :meth:`dict_to_array`."""
        array = np.asarray(array)
        if array.shape != (self.size,):
            raise ValueError(f"expected {self.size} values ({self._layout_text()}), got shape {array.shape}")
        return {v.name: array[self._offsets[k]:self._offsets[k + 1]].reshape(self._shapes[k]).astype(v.type.dtype)
                for k, v in enumerate(self.grad_vars)}

    def set_extra_values(self, extra_vars):
        """Values of the variables this function conditions on (``{name: value}``)."""
        missing = [v.name for v in self.extra_vars if v.name not in extra_vars]
        if missing:
            raise ValueError(f"set_extra_values: no value for {missing}")
        self._extra_values = {v.name: v.type.filter(extra_vars[v.name], v.name) for v in self.extra_vars}

    def get_extra_values(self) -> dict:
        if self._extra_values is None:
            raise ValueError("Extra values are not set.")
        return dict(self._extra_values)

    def set_weights(self, values):
        values = np.asarray(values, dtype="float64")
        if values.shape != self._weights.shape:
            raise ValueError(f"expected {self._weights.size} weight(s), got shape {values.shape}")
        self._weights = values

    def __repr__(self):
        return f"<ValueGradFunction of {[v.name for v in self.grad_vars]} (size {self.size})>"

