"""Missing observed values: NaN or masked entries become a free variable, as PyMC does.

``rx.Normal("x", mu, sigma, observed=[1.0, nan, 2.0])`` splits ``x`` into two random
variables of the same distribution: ``x_unobserved`` (free: one entry per missing value,
sampled like any other parameter) and ``x_observed`` (the entries that were given), and
records ``x`` as a deterministic that puts both back in the data's shape. Both parts draw
their parameters from the original variable's, broadcast to the data's shape, so every
entry keeps its own parameters. Missing values are never silently used: entries of a
multivariate variable's event must be all missing or all present, and every imputation
emits PyMC's :class:`ImputationWarning` naming the variable and the number of missing values.
"""

from __future__ import annotations

import warnings

import numpy as np

import rewrax.symbolic as pt
from rewrax.model.context import UNSET
from rewrax.model.named import Deterministic
from rewrax.model.registration import register_free, register_observed, _cast_data
from rewrax.symbolic.random.op import RandomVariable


class ImputationWarning(UserWarning):
    """Observed data hold missing values, which become free variables to sample (PyMC's warning)."""


def register_partially_observed(model, rv_var, data, mask, dims, default_transform, total_size):
    name = rv_var.name
    op = rv_var.owner.op
    if not isinstance(op, RandomVariable):
        raise ValueError(
            f"observed data for {name!r} has {int(mask.sum())} missing value(s) (NaN or masked), but {name} is "
            f"not a basic distribution ({op}); missing values can only be imputed for distributions of "
            "independent entries: remove them from the data, or model them explicitly"
        )
    batch_mask = _batch_mask(name, mask, op.ndim_supp)
    miss_idx, obs_idx = np.flatnonzero(batch_mask), np.flatnonzero(~batch_mask)
    warnings.warn(f"Data in {name} contains {miss_idx.size} missing value{'s' if miss_idx.size != 1 else ''} and "
                  f"will be automatically imputed from the sampling distribution ({name}_unobserved).",
                  ImputationWarning, stacklevel=_user_level())
    n_batch = batch_mask.size
    batch_shape, event_shape = data.shape[: data.ndim - op.ndim_supp], data.shape[data.ndim - op.ndim_supp:]
    flat_params = [_flat_param(p, k, batch_shape, n_batch) for p, k in zip(rv_var.owner.inputs[2:], op.ndims_params)]

    parts = []
    if miss_idx.size:
        missing = _sub_rv(op, flat_params, miss_idx, f"{name}_unobserved")
        register_free(model, missing, None, default_transform, UNSET, None)
        parts.append((miss_idx, missing))
    if obs_idx.size:
        observed = _sub_rv(op, flat_params, obs_idx, f"{name}_observed")
        flat_data = data.reshape((n_batch,) + event_shape)[obs_idx]
        register_observed(model, observed, pt.constant(_cast_data(observed, flat_data), name=observed.name), None,
                          total_size)
        parts.append((obs_idx, observed))
    full = pt.zeros((n_batch,) + tuple(event_shape), dtype=rv_var.type.dtype)
    for idx, part in parts:
        full = pt.set_subtensor(full[idx], part)
    return Deterministic(model.name_of(name), pt.reshape(full, data.shape), model=model, dims=dims)


def _user_level():
    """The stack level of the first frame outside rewrax (the user's ``rx.Normal(...)`` line)."""
    import sys

    frame, level = sys._getframe(1), 1
    while frame is not None and frame.f_globals.get("__name__", "").startswith("rewrax."):
        frame, level = frame.f_back, level + 1
    return level


def _batch_mask(name, mask, ndim_supp):
    if ndim_supp == 0:
        return mask
    axes = tuple(range(mask.ndim - ndim_supp, mask.ndim))
    partial = mask.any(axis=axes) & ~mask.all(axis=axes)
    if partial.any():
        raise ValueError(
            f"observed data for {name!r}: some multivariate entries are only partly missing (first at batch index "
            f"{tuple(int(i) for i in np.argwhere(partial)[0])}); imputation needs whole events missing"
        )
    return mask.all(axis=axes)


def _flat_param(param, core_ndim, batch_shape, n_batch):
    param = pt.as_tensor_variable(param)
    core = tuple(param.shape[i] for i in range(param.type.ndim - core_ndim, param.type.ndim))
    core_static = param.type.shape[param.type.ndim - core_ndim:]
    core = tuple(s if s is not None else c for s, c in zip(core_static, core))
    full = pt.broadcast_to(param, tuple(batch_shape) + core)
    return pt.reshape(full, (n_batch,) + core)


def _sub_rv(op, flat_params, idx, name):
    params = [p[idx] for p in flat_params]
    rv = op(pt.shared_rng(), np.zeros(0, dtype="int64"), *params, return_list=True)[1]
    rv.name = name
    return rv

