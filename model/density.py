"""The model's joint log-density over its value variables.

For every basic random variable the distributions layer gives its log-density term given
the *values* of the other variables (``conditional_logp``). The model supplies those values:
observed variables get their data; free variables their value variable, or, when
transformed, ``transform.backward(value)`` (the constrained value), plus the transform's
log-Jacobian term (``jacobian=True``). Potentials are added with the random variables in
their graphs replaced by values. Terms are named ``<value variable>_logprob``.
"""

from __future__ import annotations

import numpy as np

import rewrax.symbolic as pt
from rewrax.model.minibatch import is_minibatch_index
from rewrax.model.transforms import _add_event_aware
from rewrax.symbolic.graph import ancestors, rebuild
from rewrax.symbolic.random.op import RandomVariable
from rewrax.symbolic.variable import Variable


def replace_present(graphs, mapping):
    """``graphs`` with the keys of ``mapping`` that occur in them replaced (others untouched).

    The walk stops at the keys: what lies above a replaced variable is never visited, so
    replacing along a chain of n variables costs O(n), not O(n^2).
    """
    single = isinstance(graphs, Variable)
    outs = [graphs] if single else list(graphs)
    present = {v: mapping[v] for v in ancestors(outs, blockers=mapping) if v in mapping and mapping[v] is not v}
    if present:
        outs = rebuild(outs, present)
    return outs[0] if single else outs


def value_replacements(model):
    """``({rv: its value graph}, {rv: log-Jacobian graph})`` for the model's basic variables.

    Free variables are processed in creation order, so transform bounds that depend on
    earlier variables get those variables' values.
    """
    key = ("value_replacements", len(model.free_RVs), len(model.observed_RVs))
    cached = model._cache.get(key)
    if cached is not None:
        return cached
    values, jacobians = {}, {}
    for rv in model.observed_RVs:
        values[rv] = model.rvs_to_values[rv]
    for rv in model.free_RVs:
        value, transform = model.rvs_to_values[rv], model.rvs_to_transforms[rv]
        if transform is None:
            values[rv] = value
            continue
        constrained = transform.backward(value)
        if constrained.type.dtype != rv.type.dtype:
            constrained = pt.cast(constrained, rv.type.dtype)
        jac = pt.as_tensor_variable(transform.log_jac_det(value))
        values[rv], jacobians[rv] = replace_present([constrained, jac], values)
    model._cache[key] = (values, jacobians)
    return values, jacobians


def replace_rvs_by_values(model, graphs):
    """``graphs`` with the model's random variables replaced by their (constrained) values."""
    values, _ = value_replacements(model)
    return replace_present(graphs, values)


def _select(model, vars):
    """Split ``vars`` (random variables, value variables, names, potentials) into ordered parts."""
    if vars is None:
        return model.basic_RVs + model.potentials
    if isinstance(vars, (Variable, str)):
        vars = [vars]
    selected = []
    for var in vars:
        var = model.rv_of(var)
        if var not in model.basic_RVs and var not in model.potentials:
            raise ValueError(f"Requested variable {var} not found among the model variables "
                             f"(basic random variables and potentials: {[v.name for v in model.basic_RVs + model.potentials]})")
        selected.append(var)
    return selected


def rv_logp_terms(model, rvs, jacobian=True):
    """One named log-density term per random variable in ``rvs``."""
    from rewrax.model.logprob import conditional_logp

    if not rvs:
        return []
    values, jacobians = value_replacements(model)
    rv_values, placeholders = {}, {}
    for rv in model.basic_RVs:
        if rv in jacobians:  # transformed: the density sees a constrained placeholder, replaced below
            ph = rv.type.make_variable(name=rv.name)
            rv_values[rv], placeholders[ph] = ph, values[rv]
        else:
            rv_values[rv] = values[rv]
    raw = conditional_logp(rv_values, warn_rvs=False)  # unregistered variables: a clear error below
    if isinstance(raw, (list, tuple)):
        raw = dict(zip(rv_values, raw))
    terms = replace_present([_term_of(raw, rv, rv_values[rv]) for rv in rvs], placeholders)
    named = []
    for rv, term in zip(rvs, terms):
        if jacobian and rv in jacobians:
            term = _add_event_aware(term, jacobians[rv])
        if rv in model.rvs_to_total_sizes:
            term = term * _minibatch_scale(rv, model.rvs_to_values[rv], model.rvs_to_total_sizes[rv])
        if term.owner is None:  # a root (a constant density) is shared: name a copy
            term = pt.as_tensor_variable(term).copy()
        term.name = _term_name(model, rv)
        named.append(term)
    return named


def _term_of(raw, rv, value):
    for key in (rv, value):
        if key in raw:
            return raw[key]
    raise KeyError(f"conditional_logp returned no term for {rv}")


def _term_name(model, rv):
    value = model.rvs_to_values[rv]
    name = value.name if rv in model.free_RVs else rv.name
    return f"{name}_logprob"


def _minibatch_scale(rv, value, total_size):
    """PyMC's scaling of a minibatch term: ``total_size / batch size`` per dimension given (the leading
    one for an int; a list is already expanded around its Ellipsis)."""
    if rv.type.ndim == 0:
        raise ValueError(f"{rv.name}: total_size scales a minibatch along the leading dimension, but {rv.name} "
                         "is a scalar")
    sizes = [total_size] if isinstance(total_size, (int, np.integer)) else list(total_size)
    shape = [s if s is not None else value.shape[i] for i, s in enumerate(value.type.shape)]
    scale = 1.0
    for axis, size in enumerate(sizes):
        if size is not None:
            scale = scale * (pt.cast(size, "float64") / pt.cast(shape[axis], "float64"))
    return pt.cast(scale, pt.config.floatX)


def check_no_random_variables(model, graphs, what):
    for v in ancestors(graphs):
        if v.owner is not None and isinstance(v.owner.op, RandomVariable) and v.owner.outputs[1] is v \
                and not is_minibatch_index(v):
            raise ValueError(
                f"{what} depends on the random variable {v}, which is not registered in the model "
                "(a .dist(...) variable used inside the model?); register it with a name, e.g. rx.Normal('name', ...)"
            )


def model_logp(model, vars=None, jacobian=True, sum=True):
    selected = _select(model, vars)
    rvs = [v for v in selected if v in model.basic_RVs]
    pots = [v for v in selected if v in model.potentials]
    rv_terms = dict(zip(rvs, rv_logp_terms(model, rvs, jacobian)))
    pot_terms = dict(zip(pots, replace_rvs_by_values(model, pots))) if pots else {}
    factors = [rv_terms[v] if v in rv_terms else pot_terms[v] for v in selected]
    check_no_random_variables(model, factors, "the model's logp")
    if not sum:
        return factors
    floatx = pt.config.floatX
    if not factors:
        total = pt.constant(np.asarray(0.0, dtype=floatx))
    else:
        parts = [pt.sum(f) if f.type.ndim else f for f in factors]
        # a single scalar factor is one of the named terms: name a copy, not the term itself
        total = pt.add(*parts) if len(parts) > 1 else (parts[0].copy() if parts[0] is factors[0] else parts[0])
    total.name = ("__logp" if jacobian else "__logp_nojac") + (f"_{model.name}" if model.name else "")
    return total


def _value_vars(model, vars):
    if vars is None:
        return model.continuous_value_vars
    if isinstance(vars, (Variable, str)):
        vars = [vars]
    out = []
    for var in vars:
        rv = model.rv_of(var)
        if rv not in model.free_RVs:
            raise ValueError(f"{var} is not a free random variable (or value variable) of the model")
        out.append(model.rvs_to_values[rv])
    return out


def model_dlogp(model, vars=None, jacobian=True):
    value_vars = _value_vars(model, vars)
    cost = model_logp(model, jacobian=jacobian)
    if not value_vars:
        return pt.zeros((0,), dtype=pt.config.floatX)
    grads = pt.grad(cost, value_vars, disconnected_inputs="ignore")
    flat = [pt.flatten(g) for g in grads]
    return flat[0] if len(flat) == 1 else pt.concatenate(flat)


def model_d2logp(model, vars=None, jacobian=True, negate_output=True):
    value_vars = _value_vars(model, vars)
    g = model_dlogp(model, vars=value_vars, jacobian=jacobian)
    blocks = pt.jacobian(g, value_vars, disconnected_inputs="ignore")
    blocks = [pt.reshape(b, (g.shape[0], -1)) for b in blocks]
    hess = blocks[0] if len(blocks) == 1 else pt.concatenate(blocks, axis=1)
    return -hess if negate_output else hess
