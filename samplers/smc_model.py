"""What ``rx.sample_smc`` needs from a model: prior and likelihood apart, and prior draws.

The density is lowered over one flat vector of the (unconstrained) value variables with two
outputs, as PyMC's SMC splits it: the prior (free variables, with the transforms' Jacobians)
and the likelihood (observed variables and potentials). The first particles are draws of
the free variables from the prior, mapped to the unconstrained space, all in one call.
"""

from __future__ import annotations

import numpy as np

import jax

from rewrax.model.distributions.simulator import building_smc_density, simulator_spec
from rewrax.model.flat import FlatDensity
from rewrax.samplers.smc_simulator import SimulatedLikelihood, lower_over_flat
from rewrax.model.initial_point import initial_point_graphs
from rewrax.model.predictive import _batched_forward


class SMCModel:
    """The model's prior and likelihood over flat vectors, batched over particles.

    Attributes
    ----------
    densities : callable
        ``densities(x, data) -> (prior, likelihood)`` for particles ``x`` of shape ``(n, d)``.
    data : dict
        The data arrays ``densities`` reads.
    layout : FlatLayout
        How a flat vector maps to the value variables.
    x64 : bool
        Whether the density needs JAX's 64-bit mode.
    """

    def __init__(self, model):
        discrete = [v.name for v in model.value_vars if not v.type.dtype.startswith("float")]
        if discrete:
            raise TypeError(f"sample_smc moves continuous variables only; {discrete} are discrete")
        if not model.value_vars:
            raise ValueError("sample_smc: the model has no free variables to sample")
        simulators = [rv for rv in model.observed_RVs if simulator_spec(rv) is not None]
        sim_ids = {id(rv) for rv in simulators}
        likelihood = [rv for rv in model.observed_RVs if id(rv) not in sim_ids] + list(model.potentials)
        data_names: dict = {}
        with building_smc_density():
            density = FlatDensity(model, model.value_vars, [list(model.free_RVs), likelihood], jacobian=True,
                                  data_names=data_names)
        self.model = model
        self.layout = density.layout
        self.simulators = [SimulatedLikelihood(model, rv, density.layout, data_names) for rv in simulators]
        self.x64 = density.x64 or any(s.x64 for s in self.simulators)
        data = density.lowered.values()
        for sim in self.simulators:
            data.update(sim.lowered.values())
        self.data = {k: np.asarray(v) for k, v in data.items()}
        names = density.data_names
        fn = density.fn

        def one(x, data):
            prior, like = fn(x, *[data[n] for n in names])
            return prior, like

        batched = jax.vmap(one, in_axes=(0, None))

        def densities(x, data, key):
            prior, like = batched(x, data)
            for k, sim in enumerate(self.simulators):
                like = like + sim.loglike(x, data, jax.random.fold_in(key, k))
            # -inf (a draw outside the support) stays -inf; NaN counts as -inf
            return (jax.numpy.nan_to_num(prior, nan=-np.inf, posinf=-np.inf),
                    jax.numpy.nan_to_num(like, nan=-np.inf, posinf=-np.inf))

        self.densities = densities
        constrained = list(model.free_RVs) + list(model.deterministics)
        self.constrained_names = [v.name for v in constrained]
        self._constrained = lower_over_flat(model, self.layout, constrained, data_names, checks="remove")
        self.data.update({k: np.asarray(v) for k, v in self._constrained.values().items()})

    def constrain(self, x, data):
        """``{name: values}`` of the free variables and deterministics for particles ``x``."""
        fn, names = self._constrained.fn, self._constrained.data_names
        outs = jax.vmap(lambda one: list(fn(one, *[data[n] for n in names])))(x)
        return dict(zip(self.constrained_names, outs))

    def prior_draws(self, n, random_seed):
        """``(n, d)`` unconstrained draws from the prior."""
        overrides = {rv.name: "prior" for rv in self.model.free_RVs}
        outs = initial_point_graphs(self.model, overrides)
        values = _batched_forward(outs, {}, [], n, random_seed)
        flat = [np.asarray(v, dtype=self.layout.dtype).reshape(n, -1) for v in values]
        return np.concatenate(flat, axis=1)
