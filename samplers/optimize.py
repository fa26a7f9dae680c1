"""``rx.find_MAP``: the posterior mode, found by SciPy's optimizers on a jitted JAX density.

As PyMC: the density is optimised over the unconstrained value variables *without* the
transforms' Jacobian terms (so the mode is the mode of the model's own density), and the
result holds the free variables in their constrained space, the deterministics, and (with
``include_transformed``) the value variables such as ``sigma_log__``.
"""

from __future__ import annotations

import weakref

import numpy as np

import jax

from rewrax.samplers.cache import compilation_cache
from rewrax.samplers.layout import make_block

_OBJECTIVES: "weakref.WeakKeyDictionary" = weakref.WeakKeyDictionary()


def find_MAP(start=None, vars=None, method="L-BFGS-B", return_raw=False, include_transformed=True,
             progressbar=True, maxeval=5000, model=None, seed=None, **kwargs):
    """Find the maximum a posteriori point of a model.

    Parameters
    ----------
    start : dict, optional
        Start values (constrained space) by variable or name; default: the initial point.
    vars : list, optional
        Continuous free variables to optimise (default: all); the others stay at ``start``.
    method : str
        A ``scipy.optimize.minimize`` method; gradient-based ones get the exact JAX gradient.
    return_raw : bool
        Also return SciPy's ``OptimizeResult``.
    include_transformed : bool
        Include the value variables of transformed variables (``sigma_log__``).
    maxeval : int
        Most density evaluations.

    Returns
    -------
    dict, or (dict, OptimizeResult) with ``return_raw``

    Examples
    --------
    >>> import rewrax as rx
    >>> with rx.Model():
    ...     z = rx.Normal("z", 0.0, 5.0)
    ...     x = rx.Normal("x", z, 1.0, observed=5.0)
    ...     point = rx.find_MAP(progressbar=False)
    >>> round(float(point["z"]), 4)
    4.8077
    """
    from scipy.optimize import minimize

    from rewrax.model import modelcontext
    from rewrax.samplers.sample import _float_dtype, _precision

    model = modelcontext(model)
    jm = model.jax_model(jacobian=False)
    names = _map_vars(jm, vars)
    overrides = None if start is None else dict(start)
    point = model.initial_point(random_seed=seed, overrides=overrides)
    block = make_block(names, jm.shapes, jm.dtypes, _float_dtype(jm))
    data = {k: np.asarray(v) for k, v in dict(jm.data).items()}
    with _precision(jm, block.dtype), compilation_cache():
        fun = _objective(jm, block)
        x0 = block.ravel_numpy(point)
        fixed = {k: np.asarray(v) for k, v in point.items() if k not in names}
        counter = _Counter(maxeval, progressbar)

        def value_and_grad(x):
            value, grad = fun(x, fixed, data)
            counter.step(float(value), x)
            return float(value), np.asarray(grad, dtype=float)

        value0, _ = fun(x0, fixed, data)
        if not np.isfinite(value0):
            model.check_start_vals(point)
        try:
            raw = minimize(value_and_grad, x0, method=method, jac=True, **kwargs)
            x = raw.x
        except StopIteration:  # maxeval reached: keep the best point seen
            raw, x = None, counter.best_x if counter.best_x is not None else x0
        finally:
            counter.close()
        position = {**fixed, **{k: np.asarray(v) for k, v in block.unravel(x).items()}}
        result = _named_point(jm, position, data, include_transformed)
    return (result, raw) if return_raw else result


def _map_vars(jm, vars):
    continuous = [n for n in jm.value_names if not jm.discrete.get(n, False)]
    if vars is None:
        if not continuous:
            raise ValueError("Model has no unobserved continuous variables: nothing for find_MAP to optimise")
        return continuous
    aliases = {n: n for n in jm.value_names}
    aliases.update({rv: value for value, rv in dict(getattr(jm, "rv_names", {}) or {}).items()})
    names = []
    for v in vars if isinstance(vars, (list, tuple)) else [vars]:
        key = v if isinstance(v, str) else getattr(v, "name", None)
        if key not in aliases:
            raise ValueError(f"find_MAP: {v} is not a free variable of the model ({sorted(aliases)})")
        name = aliases[key]
        if jm.discrete.get(name, False):
            raise ValueError(f"find_MAP optimises continuous variables; {name!r} is discrete (it keeps its start value)")
        names.append(name)
    order = {n: i for i, n in enumerate(jm.value_names)}
    return sorted(set(names), key=order.__getitem__)


def _objective(jm, block):
    """Cached jitted ``(x, fixed, data) -> (-logp, -grad)`` over the block's flat vector."""
    key = block
    cache = _OBJECTIVES.setdefault(jm.logdensity, {})
    if key not in cache:
        def negative(x, fixed, data):
            return -jm.logdensity({**fixed, **block.unravel(x)}, data)

        cache[key] = jax.jit(jax.value_and_grad(negative))
    return cache[key]


def _named_point(jm, position, data, include_transformed):
    """Constrained free variables and deterministics, plus the value variables if asked."""
    constrained = jax.device_get(jax.jit(jm.constrain)(position, data))
    out = {}
    for name in jm.value_names:
        rv_name = dict(getattr(jm, "rv_names", {}) or {}).get(name, name)
        if rv_name != name and include_transformed:
            out[name] = np.asarray(position[name])
    out.update({k: np.asarray(v) for k, v in constrained.items()})
    return out


class _Counter:
    """Counts evaluations, keeps the best point, shows progress, stops at ``maxeval``."""

    def __init__(self, maxeval, progressbar):
        self.maxeval, self.n, self.best, self.best_x = maxeval, 0, np.inf, None
        self.bar = None
        if progressbar:
            from tqdm.auto import tqdm

            self.bar = tqdm(total=maxeval, desc="find_MAP", unit="eval", leave=True)

    def step(self, value, x):
        self.n += 1
        if value < self.best:
            self.best, self.best_x = value, np.array(x, copy=True)
        if self.bar is not None:
            self.bar.set_postfix({"logp": f"{-self.best:.4g}"}, refresh=False)
            self.bar.update(1)
        if self.n >= self.maxeval:
            raise StopIteration(f"find_MAP stopped after maxeval={self.maxeval} evaluations")

    def close(self):
        if self.bar is not None:
            self.bar.close()
