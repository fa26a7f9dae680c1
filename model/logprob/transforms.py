"""Change of variables through element-wise bijections: one inverse per scalar op.

An entry ``name -> inverse(k, others, value)`` returns the ``Inverse`` of the element-wise op
``name`` as a function of its random input ``k`` (the other inputs are constants or
parameters): the preimage of ``value``, ``log |d preimage / d value|``, whether the map is
increasing (``True``, ``False`` or a symbolic condition) and the open interval of values
it can reach. ``None`` means "not invertible in that input".
"""

from __future__ import annotations

from typing import NamedTuple

import numpy as np

import rewrax.symbolic as pt
from rewrax.model.logprob.abstract import NotMeasurableError


class Inverse(NamedTuple):
    x: object
    log_jac: object
    increasing: object
    domain: tuple | None = None  # the open interval of reachable values
    excluded: object = None  # a value that is never reached (``c / x`` never gives 0)


def _sum(xs):
    return xs[0] if len(xs) == 1 else pt.add(*xs)


def _prod(xs):
    return xs[0] if len(xs) == 1 else pt.mul(*xs)


def _sub(k, o, v):
    return Inverse(v + o[0], 0.0, True) if k == 0 else Inverse(o[0] - v, 0.0, False)


def _true_div(k, o, v):
    if k == 0:  # x / c
        return Inverse(v * o[0], pt.log(pt.abs(o[0])), pt.gt(o[0], 0))
    # c / x, a bijection of (0, inf) or of (-inf, 0)
    return Inverse(o[0] / v, pt.log(pt.abs(o[0])) - 2 * pt.log(pt.abs(v)), pt.lt(o[0], 0), excluded=0.0)


def _pow(k, o, v):
    c = o[0]
    if k == 1:  # c ** x
        return Inverse(pt.log(v) / pt.log(c), -pt.log(v) - pt.log(pt.abs(pt.log(c))), pt.gt(c, 1), (0, np.inf))
    # x ** c is only a bijection for positive x; the caller checks the support
    return Inverse(v ** (1.0 / c), -pt.log(pt.abs(c)) + (1.0 / c - 1) * pt.log(v), pt.gt(c, 0), (0, np.inf))


INVERSES = {
    "exp": lambda k, o, v: Inverse(pt.log(v), -pt.log(v), True, (0, np.inf)),
    "log": lambda k, o, v: Inverse(pt.exp(v), v, True),
    "neg": lambda k, o, v: Inverse(-v, 0.0, False),
    "add": lambda k, o, v: Inverse(v - _sum(o), 0.0, True),
    "sub": _sub,
    "mul": lambda k, o, v: Inverse(v / _prod(o), -pt.log(pt.abs(_prod(o))), pt.gt(_prod(o), 0)),
    "true_div": _true_div,
    "pow": _pow,
    "sigmoid": lambda k, o, v: Inverse(pt.logit(v), -pt.log(v) - pt.log1p(-v), True, (0, 1)),
    "logit": lambda k, o, v: Inverse(pt.sigmoid(v), -pt.softplus(-v) - pt.softplus(v), True),
    "log1p": lambda k, o, v: Inverse(pt.expm1(v), v, True),
    "expm1": lambda k, o, v: Inverse(pt.log1p(v), -pt.log1p(v), True, (-1, np.inf)),
    "sqrt": lambda k, o, v: Inverse(pt.sqr(v), pt.log(2 * v), True, (0, np.inf)),
    "tanh": lambda k, o, v: Inverse(pt.arctanh(v), -pt.log1p(-pt.sqr(v)), True, (-1, 1)),
    "arctanh": lambda k, o, v: Inverse(pt.tanh(v), pt.log1p(-pt.sqr(pt.tanh(v))), True),
    "sinh": lambda k, o, v: Inverse(pt.arcsinh(v), -0.5 * pt.log1p(pt.sqr(v)), True),
    "arcsinh": lambda k, o, v: Inverse(pt.sinh(v), pt.log(pt.cosh(v)), True),
}


def _positive_support(x) -> bool:
    from rewrax.model.distributions.distribution import support
    from rewrax.model import constraints

    try:
        c = support(x)
    except Exception:  # noqa: BLE001 - an unknown support is "not known to be positive"
        return False
    return isinstance(c, (type(constraints.positive), type(constraints.nonnegative), type(constraints.unit_interval)))


def _inverse(node, k, value):
    name = node.op.scalar_op.name
    rule = INVERSES.get(name)
    if rule is None:
        return None
    others = [i for j, i in enumerate(node.inputs) if j != k]
    if name == "pow" and k == 0 and not _positive_support(node.inputs[0]):
        raise NotMeasurableError(
            f"{node.inputs[0]} ** c is only invertible for a positive random variable, and the support of "
            f"{node.inputs[0]} is not known to be positive")
    return rule(k, others, value)


def _in_domain(value, domain):
    lo, hi = domain
    return pt.and_(pt.gt(value, lo), pt.lt(value, hi))


def invertible_transform(kind, node, k, x, value, derive, discrete):
    """The ``kind`` graph of ``node``'s output at ``value`` through the inverse of input ``k``."""
    inv = _inverse(node, k, value)
    if inv is None:
        return None
    if kind == "logp":
        out = derive("logp", x, inv.x)
        if not discrete:  # counts have no Jacobian
            out = out + inv.log_jac
        if inv.excluded is not None:
            out = pt.switch(pt.eq(value, inv.excluded), -np.inf, out)
        return out if inv.domain is None else pt.switch(_in_domain(value, inv.domain), out, -np.inf)
    if kind == "logcdf":
        clipped = value if inv.domain is None else pt.clip(value, *inv.domain)
        inc = _inverse(node, k, clipped)
        up = derive("logcdf", x, inc.x)
        if inc.increasing is True:
            return up
        if discrete:
            raise NotMeasurableError(f"the logcdf of a decreasing transform ({node.op}) of a discrete variable")
        down = pt.log1mexp(up)
        return down if inc.increasing is False else pt.switch(inc.increasing, up, down)
    q_up = derive("icdf", x, value) if inv.increasing is not False else None
    q_down = derive("icdf", x, 1 - value) if inv.increasing is not True else None
    q = q_up if q_down is None else q_down if q_up is None else pt.switch(inv.increasing, q_up, q_down)
    return node.op(*[q if j == k else i for j, i in enumerate(node.inputs)])


def absolute_value(kind, var, value, derive, is_random):
    """``abs(x)``: the density of ``x`` folded onto ``[0, inf)``."""
    node = var.owner
    if node is None or getattr(getattr(node.op, "scalar_op", None), "name", None) != "abs":
        return None
    x = node.inputs[0]
    if not is_random(x):
        return None
    if kind != "logp":
        lc_hi, lc_lo = derive("logcdf", x, value), derive("logcdf", x, -value)
        if kind == "icdf":
            raise NotMeasurableError("the icdf of abs(x) is not derived")
        return pt.switch(pt.lt(value, 0), -np.inf, lc_hi + pt.log1mexp(lc_lo - lc_hi))
    both = pt.logaddexp(derive("logp", x, value), derive("logp", x, -value))
    if x.type.dtype.startswith(("int", "uint")):
        both = pt.switch(pt.eq(value, 0), derive("logp", x, value), both)
    return pt.switch(pt.lt(value, 0), -np.inf, both)
