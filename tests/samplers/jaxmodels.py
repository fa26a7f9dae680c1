"""Hand-written JaxModels (pure JAX densities with known posteriors) for sampler tests.

They follow the JaxModel contract the model layer provides (``model.jax_model()``), so the
samplers are tested without the symbolic model in between.
"""

from __future__ import annotations

from typing import Callable, NamedTuple

import numpy as np

import jax.numpy as jnp
import jax.scipy.stats as jstats


class HandModel(NamedTuple):
    logdensity: Callable
    initial_position: dict
    data: dict
    value_names: list
    shapes: dict
    dtypes: dict
    discrete: dict
    constrain: Callable
    observed_data: dict
    bounds: dict = {}


def make(logdensity, initial, data=None, constrain=None, discrete=(), bounds=None, observed=None):
    initial = {k: np.asarray(v) for k, v in initial.items()}
    names = list(initial)
    return HandModel(
        logdensity=logdensity,
        initial_position=initial,
        data={k: np.asarray(v) for k, v in (data or {}).items()},
        value_names=names,
        shapes={k: v.shape for k, v in initial.items()},
        dtypes={k: str(v.dtype) for k, v in initial.items()},
        discrete={k: k in discrete for k in names},
        constrain=constrain or (lambda position, data: dict(position)),
        observed_data=dict(observed or {}),
        bounds=dict(bounds or {}),
    )


def normal_model(mu=1.0, sigma=2.0, shape=()):
    """x ~ N(mu, sigma) (no data)."""
    def logdensity(p, data):
        return jnp.sum(jstats.norm.logpdf(p["x"], mu, sigma))

    return make(logdensity, {"x": np.zeros(shape)})


def conjugate_model():
    """z ~ N(0, 5), 5 ~ N(z, 1) observed: posterior N(5/1.04, sqrt(1/1.04)). Data is an argument."""
    def logdensity(p, data):
        return jstats.norm.logpdf(p["z"], 0.0, 5.0) + jnp.sum(jstats.norm.logpdf(data["x"], p["z"], 1.0))

    return make(logdensity, {"z": np.array(0.0)}, data={"x": np.array(5.0)}, observed={"x": np.array(5.0)})


def eight_schools(centered=False):
    """Eight schools; tau sampled as log(tau) with the Jacobian; theta constrained output."""
    y = np.array([28.0, 8.0, -3.0, 7.0, -1.0, 1.0, 18.0, 12.0])
    s = np.array([15.0, 10.0, 16.0, 11.0, 9.0, 11.0, 10.0, 18.0])

    def logdensity(p, data):
        tau = jnp.exp(p["tau_log__"])
        lp = jstats.norm.logpdf(p["mu"], 0.0, 5.0)
        lp += jstats.cauchy.logpdf(tau, 0.0, 5.0) + jnp.log(2.0) + p["tau_log__"]
        if centered:
            theta = p["theta"]
            lp += jnp.sum(jstats.norm.logpdf(theta, p["mu"], tau))
        else:
            lp += jnp.sum(jstats.norm.logpdf(p["theta_t"], 0.0, 1.0))
            theta = p["mu"] + tau * p["theta_t"]
        return lp + jnp.sum(jstats.norm.logpdf(data["y"], theta, data["sigma"]))

    def constrain(p, data):
        tau = jnp.exp(p["tau_log__"])
        theta = p["theta"] if centered else p["mu"] + tau * p["theta_t"]
        return {"mu": p["mu"], "tau": tau, "theta": theta}

    name = "theta" if centered else "theta_t"
    return make(logdensity, {"mu": np.array(0.0), "tau_log__": np.array(0.0), name: np.zeros(8)},
                data={"y": y, "sigma": s}, constrain=constrain, observed={"y": y})
