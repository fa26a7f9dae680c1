"""``rx.fit``: variational inference from BlackJAX (mean-field ADVI or Pathfinder).

Both approximate the posterior of the continuous free variables in the unconstrained space
(the density with Jacobian terms, as ``rx.sample`` uses). ``method="advi"`` runs BlackJAX's
mean-field VI with PyMC's default optimiser (``adagrad_window``, or any optax transformation
given as ``obj_optimizer``), in jitted chunks of ``lax.scan`` (progress bar, Ctrl-C
keeps the fit so far); ``method="pathfinder"`` runs BlackJAX's single-path Pathfinder.
The :class:`Approximation` draws from the fit and maps the draws to the constrained space
with the deterministics, like ``rx.sample``'s results.
"""

from __future__ import annotations

import warnings

import numpy as np

import jax
import jax.numpy as jnp

from rewrax.samplers.cache import compilation_cache
from rewrax.samplers.layout import make_block

METHODS = ("advi", "pathfinder")


class Approximation:
    """A fitted Gaussian approximation of the posterior (unconstrained space).

    Attributes
    ----------
    method : str
        ``"advi"`` or ``"pathfinder"``.
    hist : np.ndarray
        The loss (negative ELBO) per optimisation step (ADVI) or per Pathfinder iterate.
    mean, std : dict
        Per value variable: the approximation's mean and standard deviation (ADVI), or the
        Pathfinder optimum and the marginal standard deviations of its draws.
    """

    def __init__(self, method, jm, block, data, sampler, hist, mean, std):
        self.method, self.jm, self.block, self.data = method, jm, block, data
        self._sampler = sampler
        self.hist = np.asarray(hist)
        self.mean = {k: np.asarray(v) for k, v in block.unravel(np.asarray(mean)).items()}
        self.std = {k: np.asarray(v) for k, v in block.unravel(np.asarray(std)).items()}

    def sample(self, draws=1000, random_seed=None, return_inferencedata=True):
        """``draws`` draws of the approximation, as a result with one chain (like rx.sample)."""
        from rewrax.samplers.results import arviz_available, make_inference_data, make_light_result

        if isinstance(draws, bool) or not isinstance(draws, (int, np.integer)) or draws < 1:
            raise ValueError(f"draws must be a positive integer, got {draws!r}")
        key = jax.random.PRNGKey(np.random.default_rng(random_seed).integers(2**31 - 1))
        with _precision(self.jm, self.block.dtype):
            flat = self._sampler(key, int(draws))
            position = {**{k: jnp.broadcast_to(jnp.asarray(v), (int(draws),) + np.shape(v))
                           for k, v in self.jm.initial_position.items() if k not in self.block.names},
                        **jax.vmap(self.block.unravel)(flat)}
            values = jax.device_get(jax.jit(jax.vmap(self.jm.constrain, in_axes=(0, None)))(position, self.data))
        groups = {"posterior": {k: np.asarray(v)[None] for k, v in values.items()}}
        dims = {k: v for k, v in dict(getattr(self.jm, "dims", {}) or {}).items() if v}
        coords = dict(getattr(self.jm, "coords", {}) or {})
        if return_inferencedata and arviz_available():
            return make_inference_data(groups, dims, coords, {"method": self.method})
        return make_light_result(groups, dims, coords, {"method": self.method})

    def __repr__(self):
        return f"<Approximation {self.method} of [{', '.join(self.block.names)}]>"


def fit(n=10_000, method="advi", model=None, random_seed=None, progressbar=True, learning_rate=None,
        obj_n_mc=1, obj_optimizer=None, **kwargs):
    """Fit a variational approximation of the posterior with BlackJAX.

    Parameters
    ----------
    n : int
        ADVI: optimisation steps. Pathfinder: most L-BFGS iterations.
    method : {"advi", "pathfinder"}
        Mean-field ADVI (BlackJAX ``meanfield_vi``) or Pathfinder.
    learning_rate : float, optional
        Step size of the default optimiser, PyMC's ``adagrad_window`` (default 0.001, PyMC's).
    obj_n_mc : int
        ADVI: Monte Carlo draws per ELBO gradient (1, as PyMC). Pathfinder: draws per ELBO estimate.
    obj_optimizer : optax.GradientTransformation, optional
        ADVI's optimiser (PyMC's argument), e.g. ``rx.adagrad_window(learning_rate=0.01)`` or
        ``optax.adam(0.01)``; default ``adagrad_window(learning_rate)``.

    Returns
    -------
    Approximation

    Examples
    --------
    >>> import rewrax as rx
    >>> with rx.Model():
    ...     z = rx.Normal("z", 0.0, 5.0)
    ...     x = rx.Normal("x", z, 1.0, observed=5.0)
    ...     approx = rx.fit(method="pathfinder", random_seed=1, progressbar=False)  # doctest: +SKIP
    >>> round(float(approx.mean["z"]), 1)  # doctest: +SKIP
    4.8
    """
    from rewrax.samplers.initial import resolve_model
    from rewrax.samplers.sample import _float_dtype

    if method not in METHODS:
        raise ValueError(f"unknown fit method {method!r}; use one of {METHODS}")
    if isinstance(n, bool) or not isinstance(n, (int, np.integer)) or n < 1:
        raise ValueError(f"n must be a positive integer, got {n!r}")
    model, jm = resolve_model(model)
    discrete = [k for k in jm.value_names if jm.discrete.get(k, False)]
    if discrete:
        raise ValueError(f"fit approximates continuous variables only; the model has discrete {discrete}")
    block = make_block(jm.value_names, jm.shapes, jm.dtypes, _float_dtype(jm))
    data = {k: np.asarray(v) for k, v in dict(jm.data).items()}
    key = jax.random.PRNGKey(np.random.default_rng(random_seed).integers(2**31 - 1))
    x0 = block.ravel_numpy({k: np.asarray(v) for k, v in jm.initial_position.items()})
    with _precision(jm, block.dtype), compilation_cache():
        logdensity = lambda x: jm.logdensity(block.unravel(x), data)  # noqa: E731
        if method == "advi":
            logdensity = _minibatch_logdensity(jm, block, data) or logdensity
            optimizer = _optimizer(obj_optimizer, learning_rate)
            return _advi(jm, block, data, logdensity, x0, key, int(n), optimizer, obj_n_mc, progressbar)
        return _pathfinder(jm, block, data, logdensity, x0, key, int(n), obj_n_mc, **kwargs)


def _minibatch_logdensity(jm, block, data):
    """For models with ``rx.Minibatch`` data: ``logdensity(key) -> (x -> logp)`` with every rng key
    the density reads replaced by one derived from ``key``, so each optimisation step sees new rows
    (None for models without rng keys in their data)."""
    from rewrax.symbolic.type import RandomKeyType

    variables = jm.data.variables() if hasattr(jm.data, "variables") else {}
    names = [n for n, v in variables.items() if isinstance(v.type, RandomKeyType) and n in data]
    if not names:
        return None

    def at_key(key):
        step_data = {**data, **{n: jax.random.fold_in(key, i).astype(jnp.uint32) for i, n in enumerate(names)}}
        return lambda x: jm.logdensity(block.unravel(x), step_data)

    at_key.per_step = True
    return at_key


def _optimizer(obj_optimizer, learning_rate):
    from rewrax.samplers.vi_updates import adagrad_window

    if obj_optimizer is None:
        return adagrad_window(0.001 if learning_rate is None else learning_rate)
    if learning_rate is not None:
        raise ValueError("give learning_rate= (for the default adagrad_window) or obj_optimizer=, not both")
    if not (hasattr(obj_optimizer, "init") and hasattr(obj_optimizer, "update")):
        raise TypeError(f"obj_optimizer must be an optax GradientTransformation (init/update), got {obj_optimizer!r}")
    return obj_optimizer


def _advi(jm, block, data, logdensity, x0, key, n, optimizer, obj_n_mc, progressbar, chunk=100):
    from blackjax.vi import meanfield_vi

    state = meanfield_vi.init(jnp.asarray(x0), optimizer)
    state = state._replace(mu=jnp.asarray(x0))  # start at the model's initial point, not at 0

    @jax.jit
    def run(state, keys):
        def body(state, k):
            if getattr(logdensity, "per_step", False):  # minibatches: new rows at every step
                k, k_data = jax.random.split(k)
                state, info = meanfield_vi.step(k, state, logdensity(k_data), optimizer, obj_n_mc)
                return state, info.elbo
            state, info = meanfield_vi.step(k, state, logdensity, optimizer, obj_n_mc)
            return state, info.elbo  # BlackJAX's field holds the loss E[log q - log p] = -ELBO
        return jax.lax.scan(body, state, keys)

    bar = _bar(n, progressbar)
    losses, done = [], 0
    try:
        while done < n:
            keys = jax.random.split(jax.random.fold_in(key, done), chunk)
            state, loss = run(state, keys)
            take = min(chunk, n - done)  # the last chunk's extra steps are run but not kept
            losses.append(np.asarray(loss)[:take])
            done += take
            if bar is not None:
                bar.set_postfix({"loss": f"{float(np.mean(losses[-1])):.4g}"}, refresh=False)
                bar.update(take)
    except KeyboardInterrupt:
        warnings.warn(f"fit interrupted after {done} of {n} steps; returning the fit so far", RuntimeWarning,
                      stacklevel=3)
    finally:
        if bar is not None:
            bar.close()
    mu, sigma = state.mu, jnp.exp(state.rho)

    def sampler(k, draws):
        return mu + sigma * jax.random.normal(k, (draws,) + mu.shape, mu.dtype)

    return Approximation("advi", jm, block, data, sampler, np.concatenate(losses) if losses else [], mu, sigma)


def _pathfinder(jm, block, data, logdensity, x0, key, n, obj_n_mc, **kwargs):
    from blackjax.vi import pathfinder

    k1, k2 = jax.random.split(key)
    state, info = jax.jit(lambda k, x: pathfinder.approximate(k, logdensity, x, num_samples=max(obj_n_mc, 20),
                                                              maxiter=n, **kwargs))(k1, jnp.asarray(x0))
    draws, _ = pathfinder.sample(k2, state, 1000)

    def sampler(k, n_draws):
        return pathfinder.sample(k, state, n_draws)[0]

    elbo = np.asarray(info.path.elbo)
    hist = -elbo[np.isfinite(elbo)]
    return Approximation("pathfinder", jm, block, data, sampler, hist, state.position, jnp.std(draws, axis=0))


def _bar(total, enabled):
    if not enabled:
        return None
    from tqdm.auto import tqdm

    return tqdm(total=total, desc="Fitting (ADVI)", unit="step", leave=True)


def _precision(jm, float_dtype):
    from rewrax.samplers.sample import _precision as precision

    return precision(jm, float_dtype)
