"""The Model: a context that records random variables and builds densities from them.

``with rx.Model() as m:`` makes ``m`` the current model; distributions created inside it
register themselves (``Model.register_rv``). The model is a tape: it keeps the named
variables in creation order (``free_RVs``, ``observed_RVs``, ``deterministics``,
``potentials``, ``data_vars``), gives every free random variable a *value variable*
(unconstrained through a transform where its support is constrained: ``sigma_log__``),
and builds the joint log-density over those value variables (``model.logp()``) and the
compiled functions samplers use (``compile_logp``, ``logp_dlogp_function``, ``jax_model``).
"""

from __future__ import annotations

from rewrax.model import coords as _coords
from rewrax.model import compile as _compile
from rewrax.model import data as _data
from rewrax.model import debug as _debug
from rewrax.model import density as _density
from rewrax.model import initial_point as _initial_point
from rewrax.model import model_graph as _model_graph
from rewrax.model import printing as _printing
from rewrax.model import registration as _registration
from rewrax.model.context import NO_MODEL_MESSAGE, UNSET, _context_stack, modelcontext  # noqa: F401
from rewrax.model.named import Deterministic, Potential  # noqa: F401
from rewrax.model.value_grad import ValueGradFunction


class Model:
    """A probabilistic model: a context recording variables, their values and densities.

    Parameters
    ----------
    name : str
        Prefix of the variable names of a sub-model (``"sub::x"``); empty for a top model.
    coords : dict
        Dimension names -> coordinate values (their lengths are the dimensions' lengths).
    check_bounds : bool
        ``True`` (default): compiled densities are ``-inf`` where a parameter check fails
        (``sigma > 0``); ``False`` removes the checks (faster when parameters are known valid).

    Examples
    --------
    >>> import rewrax as rx
    >>> with rx.Model() as m:
    ...     mu = rx.Normal("mu", 0, 2)
    ...     sigma = rx.HalfNormal("sigma", 3)
    >>> [v.name for v in m.value_vars]
    ['mu', 'sigma_log__']
    """

    _is_rewrax_model = True

    def __init__(self, name: str = "", coords=None, check_bounds: bool = True, *, model=UNSET):
        parent = _context_stack()[-1] if model is UNSET and _context_stack() else (
            None if model is UNSET else model)
        self.parent = parent
        self.name = str(name)
        self.prefix = (parent.prefix if parent else "") + (f"{self.name}::" if self.name else "")
        self.check_bounds = bool(check_bounds)
        self.named_vars: dict = {}
        self.named_vars_to_dims: dict = {}
        self.free_RVs: list = []
        self.observed_RVs: list = []
        self.deterministics: list = []
        self.potentials: list = []
        self.data_vars: list = []
        self.rvs_to_values: dict = {}
        self.values_to_rvs: dict = {}
        self.rvs_to_transforms: dict = {}
        self.rvs_to_initial_values: dict = {}
        self.rvs_to_total_sizes: dict = {}
        self._coords: dict = {}
        self._dim_lengths: dict = {}
        self._dims_used: set = set()
        self._dim_data: dict = {}  # dim -> (data container, axis) whose length it follows
        self._cache: dict = {}
        if coords:
            self.add_coords(coords)

    # -- context --------------------------------------------------------------------------------
    def __enter__(self):
        _context_stack().append(self)
        return self

    def __exit__(self, *exc):
        stack = _context_stack()
        if not stack or stack[-1] is not self:
            raise RuntimeError("model contexts were exited out of order")
        stack.pop()

    @classmethod
    def get_context(cls, error_if_none: bool = True):
        stack = _context_stack()
        if not stack:
            if error_if_none:
                raise TypeError(NO_MODEL_MESSAGE)
            return None
        return stack[-1]

    @property
    def root(self) -> "Model":
        return self if self.parent is None else self.parent.root

    def _lineage(self):
        model = self
        while model is not None:
            yield model
            model = model.parent

    # -- names -----------------------------------------------------------------------------------
    def name_for(self, name: str) -> str:
        if not isinstance(name, str) or not name:
            raise TypeError(f"variable names must be non-empty strings, got {name!r}")
        return name if name.startswith(self.prefix) else self.prefix + name

    def name_of(self, name: str) -> str:
        return name[len(self.prefix):] if self.prefix and name.startswith(self.prefix) else name

    def __getitem__(self, key):
        if key in self.named_vars:
            return self.named_vars[key]
        full = self.prefix + key if isinstance(key, str) else key
        if full in self.named_vars:
            return self.named_vars[full]
        known = ", ".join(repr(k) for k in self.named_vars) or "none"
        raise KeyError(f"the model has no variable named {key!r} (named variables: {known})")

    def __contains__(self, key):
        return key in self.named_vars or (isinstance(key, str) and self.prefix + key in self.named_vars)

    def add_named_variable(self, var, dims=None):
        """Register ``var`` under its name (with optional ``dims``) in this model and its parents."""
        if var.name is None:
            raise ValueError("a model variable needs a name")
        dims = self._check_dims(var, dims)
        for model in self._lineage():
            if var.name in model.named_vars:
                raise ValueError(f"Variable name {var.name} already exists.")
        for model in self._lineage():
            model.named_vars[var.name] = var
            if dims is not None:
                model.named_vars_to_dims[var.name] = dims

    def _record(self, attr, item):
        for model in self._lineage():
            getattr(model, attr).append(item)
            model._cache.clear()

    def _map(self, attr, key, value):
        for model in self._lineage():
            getattr(model, attr)[key] = value
            model._cache.clear()

    # -- coords and dims ---------------------------------------------------------------------------
    @property
    def coords(self) -> dict:
        """Dimension name -> tuple of coordinate values (``None`` where only the length is known)."""
        merged = dict(self.parent.coords) if self.parent else {}
        merged.update(self._coords)
        return merged

    @property
    def dim_lengths(self) -> dict:
        """Dimension name -> length (an int, or a symbolic length tied to a data container)."""
        merged = dict(self.parent.dim_lengths) if self.parent else {}
        merged.update(self._dim_lengths)
        return merged

    def add_coord(self, name, values=None, mutable=None, *, length=None):
        """Declare the dimension ``name`` with coordinate ``values`` (or only a ``length``).

        ``mutable`` is accepted for PyMC compatibility and has no effect: a dimension's
        length can change when a data container defines it (see :func:`rewrax.set_data`).
        """
        _coords.add_coord(self, name, values, length)

    def add_coords(self, coords, *, lengths=None):
        """Declare several dimensions at once: ``{name: values}``."""
        for name, values in coords.items():
            self.add_coord(name, values, length=(lengths or {}).get(name))

    def set_dim(self, name, new_length, coord_values=None):
        """Change the length of a dimension tied to data (see :func:`rewrax.set_data`)."""
        _coords.set_dim(self, name, new_length, coord_values)

    def shape_from_dims(self, dims) -> tuple:
        """The shape named by ``dims`` (ints, or symbolic lengths of data-backed dimensions)."""
        return _coords.shape_from_dims(self, dims)

    def _check_dims(self, var, dims):
        return _coords.check_dims(self, var, dims)

    # -- random variables ---------------------------------------------------------------------------
    def register_rv(self, rv_var, name, observed=None, total_size=None, dims=None, default_transform=UNSET,
                    transform=UNSET, initval=None):
        """Add the random variable ``rv_var`` to the model under ``name``.

        Free variables get a value variable (transformed by ``transform`` on top of the
        support's ``default_transform``; ``default_transform=None`` turns the default off).
        Observed variables use the data as their value and are never transformed; NaN or
        masked entries in ``observed`` are imputed (see :mod:`rewrax.model.missing`).
        Returns the variable to hand to the user.
        """
        return _registration.register_rv(self, rv_var, name, observed=observed, total_size=total_size, dims=dims,
                                        default_transform=default_transform, transform=transform, initval=initval)

    def set_initval(self, rv_var, initval):
        """Start value of a free variable: a value in its support, "support_point" or "prior"."""
        _registration.set_initval(self, rv_var, initval)

    # -- views ------------------------------------------------------------------------------------
    @property
    def basic_RVs(self) -> list:
        """Free then observed random variables."""
        return self.free_RVs + self.observed_RVs

    @property
    def unobserved_RVs(self) -> list:
        return self.free_RVs + self.deterministics

    @property
    def unobserved_value_vars(self) -> list:
        """Value variables, then the deterministics as graphs of the value variables."""
        return self.value_vars + (self.replace_rvs_by_values(self.deterministics) if self.deterministics else [])

    @property
    def value_vars(self) -> list:
        """Value variables of the free random variables, in creation order."""
        return [self.rvs_to_values[rv] for rv in self.free_RVs]

    @property
    def continuous_value_vars(self) -> list:
        return [v for v in self.value_vars if not _is_discrete(v)]

    @property
    def discrete_value_vars(self) -> list:
        return [v for v in self.value_vars if _is_discrete(v)]

    cont_vars = continuous_value_vars
    disc_vars = discrete_value_vars

    def rv_of(self, var):
        """The random variable of ``var`` (a random variable, a value variable or a name)."""
        if isinstance(var, str):
            by_value = {v.name: rv for rv, v in self.rvs_to_values.items() if rv in self.free_RVs}
            var = by_value[var] if var not in self and var in by_value else self[var]
        if var in self.values_to_rvs:
            return self.values_to_rvs[var]
        return var

    # -- densities (model/density.py, model/compile.py) ------------------------------------------------
    def logp(self, vars=None, jacobian: bool = True, sum: bool = True):
        """The log-density graph over the value variables.

        Parameters
        ----------
        vars : list, optional
            Random variables (or their value variables, or names) and potentials whose terms
            to include; all basic random variables and potentials by default.
        jacobian : bool
            Include the log-Jacobian terms of the transforms.
        sum : bool
            ``True``: one scalar; ``False``: a list with one term per variable, named
            ``<value variable>_logprob``.
        """
        return _density.model_logp(self, vars=vars, jacobian=jacobian, sum=sum)

    def dlogp(self, vars=None, jacobian: bool = True):
        """Gradient of ``logp`` with respect to ``vars`` (value variables), raveled and joined."""
        return _density.model_dlogp(self, vars=vars, jacobian=jacobian)

    def d2logp(self, vars=None, jacobian: bool = True, negate_output: bool = True):
        """Hessian of ``logp`` (negated by default, as PyMC 5 returns it)."""
        return _density.model_d2logp(self, vars=vars, jacobian=jacobian, negate_output=negate_output)

    @property
    def varlogp(self):
        """Log-density of the free random variables (with Jacobian terms)."""
        return self.logp(vars=self.free_RVs)

    @property
    def varlogp_nojac(self):
        return self.logp(vars=self.free_RVs, jacobian=False)

    @property
    def observedlogp(self):
        """Log-likelihood of the observed random variables."""
        return self.logp(vars=self.observed_RVs)

    @property
    def potentiallogp(self):
        """Sum of the potentials."""
        return self.logp(vars=self.potentials)

    @property
    def datalogp(self):
        """Observed log-likelihood plus potentials."""
        return self.logp(vars=self.observed_RVs + self.potentials)

    def replace_rvs_by_values(self, graphs):
        """``graphs`` with every model random variable replaced by its (constrained) value."""
        return _density.replace_rvs_by_values(self, graphs)

    def initial_point(self, random_seed=None, jitter_rvs=None, overrides=None) -> dict:
        """Start values of the value variables, by value-variable name, in model order.

        Each free variable starts at its ``initval`` (default: the distribution's support
        point), moved to unconstrained space; variables in ``jitter_rvs`` get a uniform
        (-1, 1) jitter there.
        """
        return _initial_point.initial_point(self, random_seed=random_seed, jitter_rvs=jitter_rvs, overrides=overrides)

    def compile_fn(self, outs, inputs=None, point_fn: bool = True, mode=None):
        """Compile ``outs`` of the value variables; with ``point_fn`` it takes a point dict."""
        return _compile.compile_fn(self, outs, inputs=inputs, point_fn=point_fn, mode=mode)

    def compile_logp(self, vars=None, jacobian: bool = True, sum: bool = True):
        """Compiled ``logp``: call it with a point ``{value variable name: value}``."""
        return _compile.compile_logp(self, vars=vars, jacobian=jacobian, sum=sum)

    def compile_dlogp(self, vars=None, jacobian: bool = True):
        """Compiled ``dlogp``: a point dict -> the raveled gradient."""
        return _compile.compile_dlogp(self, vars=vars, jacobian=jacobian)

    def compile_d2logp(self, vars=None, jacobian: bool = True, negate_output=UNSET):
        """Compiled ``d2logp``: the negated Hessian unless ``negate_output=False``."""
        return _compile.compile_d2logp(self, vars=vars, jacobian=jacobian, negate_output=negate_output)

    def logp_dlogp_function(self, grad_vars=None, tempered: bool = False, jacobian: bool = True, **kwargs):
        """A :class:`ValueGradFunction`: raveled array -> (logp, gradient), for samplers."""
        return ValueGradFunction(self, grad_vars=grad_vars, tempered=tempered, jacobian=jacobian, **kwargs)

    def jax_model(self, jacobian: bool = True):
        """The model as pure JAX functions of value arrays (see :class:`rewrax.model.JaxModel`)."""
        return _compile.jax_model(self, jacobian=jacobian)

    def logp_fn(self, jacobian: bool = True):
        """``(logdensity(position) -> scalar, initial_position)`` for BlackJAX, optax or any JAX code."""
        return _compile.logp_fn(self, jacobian=jacobian)

    def point_logps(self, point=None, round_vals: int = 2) -> dict:
        """Each variable's summed log-density term at ``point`` (the initial point by default)."""
        return _debug.point_logps(self, point=point, round_vals=round_vals)

    def check_start_vals(self, start):
        """Raise :class:`SamplingError` naming the variables whose density is not finite at ``start``."""
        _debug.check_start_vals(self, start)

    def debug(self, point=None, fn: str = "logp", verbose: bool = False):
        """Print which variables have a non-finite ``logp`` (or ``dlogp``) at ``point``, and why."""
        return _debug.debug(self, point=point, fn=fn, verbose=verbose)

    # -- data -------------------------------------------------------------------------------------
    def set_data(self, name, values, coords=None):
        """Change the value of the data container ``name`` (no rebuild, no recompilation)."""
        _data.set_model_data(self, name, values, coords=coords)

    # -- printing ------------------------------------------------------------------------------------
    def str_repr(self, formatting: str = "plain", include_params: bool = True) -> str:
        """The model as text: one ``name ~ Distribution(params)`` line per variable."""
        return _printing.str_for_model(self, formatting=formatting, include_params=include_params)

    def _repr_latex_(self, **kwargs):
        return self.str_repr(formatting="latex", **kwargs)

    def __str__(self):
        return self.str_repr()

    def __repr__(self):
        label = f"Model({self.name!r})" if self.name else "Model"
        return f"<{label}: {len(self.free_RVs)} free, {len(self.observed_RVs)} observed, " \
               f"{len(self.deterministics)} deterministic, {len(self.potentials)} potential>"

    def to_graphviz(self, var_names=None, formatting: str = "plain", **kwargs):
        return _model_graph.model_to_graphviz(self, var_names=var_names, formatting=formatting, **kwargs)


def _is_discrete(var) -> bool:
    return var.type.dtype == "bool" or var.type.dtype.startswith(("int", "uint"))


__all__ = ["Model", "modelcontext", "Deterministic", "Potential", "UNSET", "NO_MODEL_MESSAGE"]
