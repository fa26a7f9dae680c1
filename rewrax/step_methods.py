"""``pm.step_methods``: the step methods (``NUTS``, ``Metropolis``, ``CompoundStep``, ...) rewrax has."""

from rewrax import samplers as _samplers

_NAMES = ["NUTS", "HMC", "HamiltonianMC", "Metropolis", "BinaryMetropolis", "BinaryGibbsMetropolis",
          "CategoricalGibbsMetropolis", "CompoundStep", "BlockedStep", "Slice", "DEMetropolis", "DEMetropolisZ",
          "NormalProposal", "CauchyProposal", "LaplaceProposal", "PoissonProposal", "UniformProposal",
          "MultivariateNormalProposal", "StepMethod"]

globals().update({name: getattr(_samplers, name) for name in _NAMES if hasattr(_samplers, name)})
if "HamiltonianMC" not in globals() and "HMC" in globals():
    HamiltonianMC = globals()["HMC"]  # PyMC's name for the HMC step

#: PyMC's list of the step methods ``sample`` chooses from, restricted to those rewrax has.
_ORDER = ("NUTS", "HamiltonianMC", "Metropolis", "BinaryMetropolis", "BinaryGibbsMetropolis", "Slice",
          "CategoricalGibbsMetropolis")
STEP_METHODS = [globals()[n] for n in _ORDER if n in globals()]

__all__ = [name for name in _NAMES if name in globals()] + ["STEP_METHODS"]
