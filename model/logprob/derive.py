"""Densities of graphs of random variables, derived rule by rule (PyMC's logprob idea).

``derive(kind, var, value)`` tries each rule of ``RULES`` in turn; a rule returns a graph, or
``None`` when it does not apply (the only "no match" convention). The rules:

- ``random_variable``: ``var`` is a draw: the registered density of its op.
- ``censoring``: ``clip(x, l, u)``, ``maximum(x, l)``, ``minimum(x, u)``: a censored density.
- ``invertible_transform``: an element-wise bijection of one random input
  (``exp``, ``log``, ``a + b * x``, ``-x``, ``sigmoid``, ...): change of variables.
- ``absolute_value``: ``abs(x)`` folds the density onto ``[0, inf)``.
- ``layout``: indexing, ``ExpandDims``/transposes, reshapes of random variables: the same
  element-wise density with the parameters laid out the same way.
- ``joining``: ``concatenate`` / ``stack`` of random variables: the pieces' densities joined.

Anything else raises ``NotMeasurableError`` naming the operation.
"""

from __future__ import annotations

import numpy as np

import rewrax.symbolic as pt
from rewrax.model.logprob.abstract import NotMeasurableError, is_rv, lookup, rv_function
from rewrax.model.logprob.shapes import broadcast_to_shape, infer_shape, rv_shape
from rewrax.model.logprob.transforms import absolute_value, invertible_transform
from rewrax.symbolic.elemwise import DimShuffle, Elemwise
from rewrax.symbolic.graph import ancestors
from rewrax.symbolic.random.op import RandomVariable
from rewrax.symbolic.shape_ops import Join, MakeVector, Reshape
from rewrax.symbolic.subtensor import AdvancedSubtensor, Subtensor


def is_random(var) -> bool:
    """Whether the graph of ``var`` draws from a random variable."""
    return any(is_rv(v) for v in ancestors([var]))


def is_discrete(var) -> bool:
    return var.type.dtype.startswith(("int", "uint", "bool"))


def derive(kind, var, value):
    """The ``kind`` ("logp", "logcdf" or "icdf") graph of ``var`` at ``value``."""
    for rule in RULES:
        out = rule(kind, var, value)
        if out is not None:
            return out
    owner = var.owner
    if not is_random(var):
        raise NotMeasurableError(f"cannot derive the {kind} of {var}: it is not random (no random variable in its graph)")
    what = f"the operation {owner.op}"
    raise NotMeasurableError(
        f"cannot derive the {kind} of {var}: it is {what}. rewrax derives densities of random variables and of "
        "exp/log/affine/negation/sigmoid/... transforms, clip (censoring), indexing and concatenation of them")


def random_variable(kind, var, value):
    if not is_rv(var):
        return None
    return rv_function(kind, var.owner, value)


def _random_inputs(node):
    return [k for k, i in enumerate(node.inputs) if is_random(i)]


# -- censoring ------------------------------------------------------------------------------------
def censored_density(kind, x, lower, upper, value):
    """Density / CDF of ``clip(x, lower, upper)``: point masses at the bounds."""
    if kind == "icdf":
        return pt.clip(derive("icdf", x, value), lower, upper)
    logcdf = derive("logcdf", x, value)
    if kind == "logcdf":
        out = pt.switch(pt.lt(value, lower), -np.inf, logcdf)
        return pt.switch(pt.ge(value, upper), 0.0, out)
    below = value - 1 if is_discrete(x) else value  # P(X >= u) = 1 - P(X <= u - 1) for integers
    logccdf = pt.log1mexp(derive("logcdf", x, below) if is_discrete(x) else logcdf)
    logp = derive("logp", x, value)
    out = pt.switch(pt.eq(value, lower), logcdf, pt.switch(pt.eq(value, upper), logccdf, logp))
    return pt.switch(pt.or_(pt.lt(value, lower), pt.gt(value, upper)), -np.inf, out)


def censoring(kind, var, value):
    node = var.owner
    if node is None or not isinstance(node.op, Elemwise):
        return None
    name = node.op.scalar_op.name
    if name not in ("clip", "maximum", "minimum") or _random_inputs(node) not in ([0], [1]):
        return None
    k = _random_inputs(node)[0]
    if name == "clip":
        if k != 0:
            return None
        x, lower, upper = node.inputs
    else:
        x, bound = node.inputs[k], node.inputs[1 - k]
        lower, upper = (bound, np.inf) if name == "maximum" else (-np.inf, bound)
    return censored_density(kind, x, lower, upper, value)


# -- element-wise transforms ----------------------------------------------------------------------
def transform(kind, var, value):
    node = var.owner
    if node is None or not isinstance(node.op, Elemwise):
        return None
    random = _random_inputs(node)
    if len(random) != 1:
        if len(random) > 1:
            raise NotMeasurableError(
                f"cannot derive the {kind} of {var}: several inputs of {node.op} are random "
                "(the density of a function of several random variables is not derived)")
        return None
    k = random[0]
    x = node.inputs[k]
    _check_no_broadcast(x, var)
    return invertible_transform(kind, node, k, x, value, derive, is_discrete(x))


def _check_no_broadcast(x, out):
    for d, (a, b) in enumerate(zip(x.type.shape, out.type.shape)):
        if a == 1 and b != 1:
            raise NotMeasurableError(
                f"the random input {x} is broadcast along dimension {d} by {out.owner.op}: the result repeats "
                "one draw, which has no density")


# -- new axes -------------------------------------------------------------------------------------
def expand_dims(kind, var, value):
    """``ExpandDims`` of any random graph: drop the new axes from the value, add them to the density."""
    node = var.owner
    if node is None or not isinstance(node.op, DimShuffle) or node.op.drop or not node.op.augment:
        return None
    kept = [d for d in node.op.new_order if d != "x"]
    if kept != sorted(kept) or not is_random(node.inputs[0]):
        return None
    ndim = var.type.ndim
    inner = value
    for axis in sorted(node.op.augment, reverse=True):  # negative positions survive extra batch dims
        inner = inner[(Ellipsis, 0) + (slice(None),) * (ndim - 1 - axis)]
    out = derive(kind, node.inputs[0], inner)
    dropped = inner.type.ndim - out.type.ndim  # support dimensions the density reduced
    axes = [axis - ndim for axis in node.op.augment]
    if any(-a <= dropped for a in axes):
        raise NotMeasurableError(f"{node.op} adds an axis inside the support of {node.inputs[0]}")
    return pt.expand_dims(out, [a + dropped for a in axes])


# -- indexing and reshaping -----------------------------------------------------------------------
_LAYOUT_OPS = (Subtensor, AdvancedSubtensor, DimShuffle, Reshape)


def _relayout(node, x):
    """Apply ``node``'s layout op to ``x`` in place of its first input."""
    return node.op.make_node(x, *node.inputs[1:]).outputs[0]


def layout(kind, var, value):
    node = var.owner
    if node is None or not isinstance(node.op, _LAYOUT_OPS) or not is_random(node.inputs[0]):
        return None
    if any(is_random(i) for i in node.inputs[1:]):
        raise NotMeasurableError(f"cannot derive the {kind} of {var}: its indices are random")
    x = node.inputs[0]
    if is_rv(x):
        op = x.owner.op
        if op.ndim_supp != 0 or any(op.ndims_params):
            raise NotMeasurableError(f"indexing / reshaping the multivariate {op.print_name} variable {x} is not supported")
        fn = lookup(kind, op)
        if fn is None:
            raise NotMeasurableError(f"{op.print_name} has no {kind} implementation")
        shape = rv_shape(x.owner)
        params = [_relayout(node, broadcast_to_shape(p, shape)) for p in op.dist_params(x.owner)]
        return fn(op, value, *params)
    if x.owner is not None and isinstance(x.owner.op, Elemwise):
        # lift the layout op through the element-wise op: L(f(a, b)) = f(L(a), L(b))
        shape = x.type.shape
        inputs = []
        for i in x.owner.inputs:
            if any(a == 1 and b != 1 for a, b in zip(i.type.shape, shape)):
                if None in shape:
                    raise NotMeasurableError(f"cannot move {node.op} below {x.owner.op}: unknown broadcast shape")
                i = broadcast_to_shape(i, shape)
            inputs.append(_relayout(node, i))
        return derive(kind, x.owner.op(*inputs), value)
    return None


# -- concatenation --------------------------------------------------------------------------------
def _pieces(value, sizes, axis):
    """Slices of ``value`` along ``axis`` (negative: counted from the end, so that values with
    extra leading batch dimensions split the same way)."""
    out, start = [], 0
    for size in sizes:
        idx = (Ellipsis, slice(start, start + size)) + (slice(None),) * (-axis - 1)
        out.append(value[idx])
        start = start + size
    return out


def joining(kind, var, value):
    node = var.owner
    if node is None or not isinstance(node.op, (Join, MakeVector)):
        return None
    if not any(is_random(i) for i in node.inputs):
        return None
    if not all(is_random(i) for i in node.inputs):
        raise NotMeasurableError(f"cannot derive the {kind} of {var}: some joined pieces are not random")
    if isinstance(node.op, MakeVector):
        terms = [derive(kind, x, value[..., k]) for k, x in enumerate(node.inputs)]
        return pt.stack(terms, axis=-1)
    axis = node.op.axis - var.type.ndim  # negative
    sizes = [infer_shape(x)[axis] for x in node.inputs]
    terms = [derive(kind, x, v) for x, v in zip(node.inputs, _pieces(value, sizes, axis))]
    dropped = value.type.ndim - min(t.type.ndim for t in terms)  # support dimensions the density reduced
    if -axis > dropped:
        return pt.concatenate(terms, axis=axis + dropped)
    # joined along support dimensions: independent pieces, their log-densities add
    return pt.add(*terms)


def absolute(kind, var, value):
    return absolute_value(kind, var, value, derive, is_random)


RULES = [random_variable, censoring, absolute, transform, expand_dims, layout, joining]

__all__ = ["derive", "is_random", "censored_density", "RULES", "RandomVariable"]


# -- supports and start points of derived variables --------------------------------------------------
def derived_support(var):
    """Support of a graph of random variables: censored for ``clip``, else integer or real."""
    from rewrax.model import constraints

    node = var.owner
    if node is not None and isinstance(node.op, Elemwise) and node.op.scalar_op.name == "clip" and is_random(node.inputs[0]):
        return constraints.censored(node.inputs[1], node.inputs[2])
    return constraints.integer if is_discrete(var) else constraints.real


def derived_support_point(var, support_point):
    """The graph of ``var`` with every random variable replaced by its support point."""
    from rewrax.symbolic.graph import clone_replace

    rvs = [v for v in ancestors([var]) if is_rv(v)]
    if not rvs:
        raise NotMeasurableError(f"{var} is not random: it has no support point")
    return clone_replace(var, {rv: support_point(rv) for rv in rvs})
