"""Derivatives of the scalar ops, as graphs: one short rule per op.

A rule takes ``(inputs, output, gz)`` and returns one gradient per input: a variable,
``None`` (the output does not depend on that input) or an ``UndefinedGrad``.
``elemwise_pullback`` then sums each gradient back to its input's (broadcast) shape.
"""

from __future__ import annotations

import math

from rewrax.symbolic import math as m
from rewrax.symbolic.op import UndefinedGrad
from rewrax.symbolic.reduce import sum as sum_
from rewrax.symbolic.type import is_discrete_dtype

_SQRT_PI = math.sqrt(math.pi)


def _zero(x):
    return m.zeros_like(x)


def _nonzero_mask(x):
    return m.cast(m.neq(x, 0), x.type.dtype if x.type.dtype.startswith("float") else "float64")


def _mul_rule(xs, out, gz):
    out_grads = []
    for i in range(len(xs)):
        others = [x for j, x in enumerate(xs) if j != i]
        out_grads.append(m.mul(gz, *others) if others else gz)
    return out_grads


def _pow_rule(xs, out, gz):
    a, b = xs
    ga = m.mul(gz, b, m.pow(a, m.sub(b, 1)))
    gb = m.mul(gz, m.switch(m.eq(a, 0), 0, m.mul(out, m.log(a))))
    return [ga, gb]


RULES = {
    "add": lambda xs, out, gz: [gz] * len(xs),
    "mul": _mul_rule,
    "sub": lambda xs, out, gz: [gz, m.neg(gz)],
    "true_div": lambda xs, out, gz: [m.true_div(gz, xs[1]), m.neg(m.true_div(m.mul(gz, xs[0]), m.sqr(xs[1])))],
    "int_div": lambda xs, out, gz: [_zero(xs[0]), _zero(xs[1])],
    "mod": lambda xs, out, gz: [gz, m.neg(m.mul(gz, m.int_div(xs[0], xs[1])))],
    "pow": _pow_rule,
    "neg": lambda xs, out, gz: [m.neg(gz)],
    "abs": lambda xs, out, gz: [m.mul(gz, m.sign(xs[0]))],
    "sign": lambda xs, out, gz: [_zero(xs[0])],
    "sqr": lambda xs, out, gz: [m.mul(gz, 2, xs[0])],
    "reciprocal": lambda xs, out, gz: [m.neg(m.mul(gz, m.sqr(out)))],
    "maximum": lambda xs, out, gz: [m.mul(gz, m.ge(xs[0], xs[1])), m.mul(gz, m.lt(xs[0], xs[1]))],
    "minimum": lambda xs, out, gz: [m.mul(gz, m.le(xs[0], xs[1])), m.mul(gz, m.gt(xs[0], xs[1]))],
    "second": lambda xs, out, gz: [None, gz],
    "switch": lambda xs, out, gz: [None, m.switch(xs[0], gz, 0), m.switch(xs[0], 0, gz)],
    "identity": lambda xs, out, gz: [gz],
    "clip": lambda xs, out, gz: [
        m.mul(gz, m.and_(m.ge(xs[0], xs[1]), m.le(xs[0], xs[2]))),
        m.mul(gz, m.lt(xs[0], xs[1])),
        m.mul(gz, m.gt(xs[0], xs[2])),
    ],
    "exp": lambda xs, out, gz: [m.mul(gz, out)],
    "exp2": lambda xs, out, gz: [m.mul(gz, out, math.log(2.0))],
    "expm1": lambda xs, out, gz: [m.mul(gz, m.exp(xs[0]))],
    "log": lambda xs, out, gz: [m.true_div(gz, xs[0])],
    "log2": lambda xs, out, gz: [m.true_div(gz, m.mul(xs[0], math.log(2.0)))],
    "log10": lambda xs, out, gz: [m.true_div(gz, m.mul(xs[0], math.log(10.0)))],
    "log1p": lambda xs, out, gz: [m.true_div(gz, m.add(1, xs[0]))],
    "log1mexp": lambda xs, out, gz: [m.neg(m.true_div(gz, m.expm1(m.neg(xs[0]))))],
    "softplus": lambda xs, out, gz: [m.mul(gz, m.sigmoid(xs[0]))],
    "sigmoid": lambda xs, out, gz: [m.mul(gz, out, m.sub(1, out))],
    "logit": lambda xs, out, gz: [m.true_div(gz, m.mul(xs[0], m.sub(1, xs[0])))],
    "logaddexp": lambda xs, out, gz: [m.mul(gz, m.exp(m.sub(xs[0], out))), m.mul(gz, m.exp(m.sub(xs[1], out)))],
    "xlogy": lambda xs, out, gz: [
        m.mul(gz, m.xlogy(_nonzero_mask(xs[0]), xs[1])),
        m.mul(gz, m.switch(m.eq(xs[0], 0), 0, m.true_div(xs[0], xs[1]))),
    ],
    "xlog1py": lambda xs, out, gz: [
        m.mul(gz, m.xlog1py(_nonzero_mask(xs[0]), xs[1])),
        m.mul(gz, m.switch(m.eq(xs[0], 0), 0, m.true_div(xs[0], m.add(1, xs[1])))),
    ],
    "sqrt": lambda xs, out, gz: [m.true_div(m.mul(gz, 0.5), out)],
    "cbrt": lambda xs, out, gz: [m.true_div(gz, m.mul(3, m.sqr(out)))],
    "sin": lambda xs, out, gz: [m.mul(gz, m.cos(xs[0]))],
    "cos": lambda xs, out, gz: [m.neg(m.mul(gz, m.sin(xs[0])))],
    "tan": lambda xs, out, gz: [m.mul(gz, m.add(1, m.sqr(out)))],
    "arcsin": lambda xs, out, gz: [m.true_div(gz, m.sqrt(m.sub(1, m.sqr(xs[0]))))],
    "arccos": lambda xs, out, gz: [m.neg(m.true_div(gz, m.sqrt(m.sub(1, m.sqr(xs[0])))))],
    "arctan": lambda xs, out, gz: [m.true_div(gz, m.add(1, m.sqr(xs[0])))],
    "arctan2": lambda xs, out, gz: [
        m.true_div(m.mul(gz, xs[1]), m.add(m.sqr(xs[0]), m.sqr(xs[1]))),
        m.neg(m.true_div(m.mul(gz, xs[0]), m.add(m.sqr(xs[0]), m.sqr(xs[1])))),
    ],
    "sinh": lambda xs, out, gz: [m.mul(gz, m.cosh(xs[0]))],
    "cosh": lambda xs, out, gz: [m.mul(gz, m.sinh(xs[0]))],
    "tanh": lambda xs, out, gz: [m.mul(gz, m.sub(1, m.sqr(out)))],
    "arcsinh": lambda xs, out, gz: [m.true_div(gz, m.sqrt(m.add(m.sqr(xs[0]), 1)))],
    "arccosh": lambda xs, out, gz: [m.true_div(gz, m.sqrt(m.sub(m.sqr(xs[0]), 1)))],
    "arctanh": lambda xs, out, gz: [m.true_div(gz, m.sub(1, m.sqr(xs[0])))],
    "erf": lambda xs, out, gz: [m.mul(gz, 2 / _SQRT_PI, m.exp(m.neg(m.sqr(xs[0]))))],
    "erfc": lambda xs, out, gz: [m.mul(gz, -2 / _SQRT_PI, m.exp(m.neg(m.sqr(xs[0]))))],
    "erfcx": lambda xs, out, gz: [m.mul(gz, m.sub(m.mul(2, xs[0], out), 2 / _SQRT_PI))],
    "erfinv": lambda xs, out, gz: [m.mul(gz, _SQRT_PI / 2, m.exp(m.sqr(out)))],
    "erfcinv": lambda xs, out, gz: [m.mul(gz, -_SQRT_PI / 2, m.exp(m.sqr(out)))],
    # phi(x) / Phi(x) = sqrt(2 / pi) / erfcx(-x / sqrt(2)): no exp of a difference of huge numbers
    "log_ndtr": lambda xs, out, gz: [
        m.true_div(m.mul(gz, math.sqrt(2 / math.pi)), m.erfcx(m.mul(-1 / math.sqrt(2), xs[0])))
    ],
    "ndtri": lambda xs, out, gz: [m.mul(gz, math.sqrt(2 * math.pi), m.exp(m.mul(0.5, m.sqr(out))))],
    "gammaln": lambda xs, out, gz: [m.mul(gz, m.digamma(xs[0]))],
    "digamma": lambda xs, out, gz: [m.mul(gz, m.trigamma(xs[0]))],
    "trigamma": lambda xs, out, gz: [m.mul(gz, m.polygamma(2, xs[0]))],
    "polygamma": lambda xs, out, gz: [None, m.mul(gz, m.polygamma(m.add(xs[0], 1), xs[1]))],
    "betaln": lambda xs, out, gz: [
        m.mul(gz, m.sub(m.digamma(xs[0]), m.digamma(m.add(xs[0], xs[1])))),
        m.mul(gz, m.sub(m.digamma(xs[1]), m.digamma(m.add(xs[0], xs[1])))),
    ],
    "gammainc": lambda xs, out, gz: [
        UndefinedGrad("gammainc", 0, "no closed-form derivative with respect to the shape parameter"),
        m.mul(gz, m.exp(m.sub(m.sub(m.mul(m.sub(xs[0], 1), m.log(xs[1])), xs[1]), m.gammaln(xs[0])))),
    ],
    "gammaincc": lambda xs, out, gz: [
        UndefinedGrad("gammaincc", 0, "no closed-form derivative with respect to the shape parameter"),
        m.neg(m.mul(gz, m.exp(m.sub(m.sub(m.mul(m.sub(xs[0], 1), m.log(xs[1])), xs[1]), m.gammaln(xs[0]))))),
    ],
    "betainc": lambda xs, out, gz: [
        UndefinedGrad("betainc", 0, "no closed-form derivative with respect to a"),
        UndefinedGrad("betainc", 1, "no closed-form derivative with respect to b"),
        m.mul(gz, m.exp(m.sub(m.add(m.mul(m.sub(xs[0], 1), m.log(xs[2])),
                                    m.mul(m.sub(xs[1], 1), m.log1p(m.neg(xs[2])))), m.betaln(xs[0], xs[1])))),
    ],
    "i0e": lambda xs, out, gz: [m.mul(gz, m.sub(m.i1e(xs[0]), m.mul(m.sign(xs[0]), out)))],
    "i1e": lambda xs, out, gz: [
        m.mul(gz, m.switch(m.eq(xs[0], 0), 0.5,
                           m.sub(m.i0e(xs[0]), m.mul(out, m.add(m.sign(xs[0]), m.true_div(1, xs[0]))))))
    ],
}

for _name in ("floor", "ceil", "trunc", "round_half_to_even"):
    RULES[_name] = lambda xs, out, gz: [_zero(xs[0])]
for _name in ("isnan", "isinf", "isfinite", "eq", "neq", "lt", "le", "gt", "ge", "and_", "or_", "xor", "invert"):
    RULES[_name] = lambda xs, out, gz: [None] * len(xs)


def reduce_to(g, x):
    """Sum ``g`` over the dimensions along which ``x`` was broadcast (static size 1)."""
    axes = [i for i, (dx, dg) in enumerate(zip(x.type.shape, g.type.shape)) if dx == 1 and dg != 1]
    return sum_(g, axis=axes, keepdims=True) if axes else g


def elemwise_pullback(op, inputs, outputs, output_grads):
    scalar = op.scalar_op
    (gz,) = output_grads
    if is_discrete_dtype(outputs[0].type.dtype):
        return [None] * len(inputs)
    if hasattr(scalar, "dtype"):  # Cast
        x = inputs[0]
        return [m.cast(gz, x.type.dtype) if not is_discrete_dtype(x.type.dtype) else None]
    rule = RULES.get(scalar.name)
    if rule is None:
        return [UndefinedGrad(op, i, f"no derivative rule for {scalar.name}") for i in range(len(inputs))]
    grads = rule(inputs, outputs[0], gz)
    result = []
    for x, g in zip(inputs, grads):
        if g is None or isinstance(g, UndefinedGrad) or is_discrete_dtype(x.type.dtype):
            result.append(None if is_discrete_dtype(x.type.dtype) else g)
            continue
        result.append(reduce_to(g, x))
    return result
