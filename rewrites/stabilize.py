"""The stabilize database: numerically stable forms of naive expressions.

Every rule here marks the matched form as unstable, so extraction prefers the replacement
even where it costs more operations. Together with canonicalize they make a density written
naively (``log(exp(-0.5 * z**2) / sqrt(2 * pi))``) exact in the tails, and a Bernoulli with
``p=sigmoid(l)`` the same graph as one with ``logit_p=l``.
"""

from __future__ import annotations

import rewrax.symbolic as pt
from rewrax.rewrites.rulesets import rule, rules
from rewrax.symbolic.reduce import LogSoftmax, LogSumExp, Softmax

FORMS = [
    # log(1 + x) and friends
    "log1p_from_log:          log(add(1, ?x...)) -> log1p(?x)",
    "log1p_neg_from_log:      log(sub(1, ?x)) -> log1p(neg(?x))",
    "expm1_from_sub:          sub(exp(?x), 1) -> expm1(?x)",
    "expm1_from_add:          add(-1, exp(?x)) -> expm1(?x)",
    "softplus_from_log1p:     log1p(exp(?x)) -> softplus(?x)",
    "log1mexp_from_log1p:     log1p(neg(exp(?x))) -> log1mexp(?x)",
    "log1mexp_from_expm1:     log(neg(expm1(?x))) -> log1mexp(?x)",
    "log_expm1:               log(expm1(?x)) -> add(?x, log1mexp(neg(?x)))",
    "softplus_minus_x:        sub(softplus(?x), ?x) -> softplus(neg(?x))",
    # sigmoid
    "log_sigmoid:             log(sigmoid(?x)) -> neg(softplus(neg(?x)))",
    "log1m_sigmoid:           log1p(neg(sigmoid(?x))) -> neg(softplus(?x))",
    "one_minus_sigmoid:       sub(1, sigmoid(?x)) -> sigmoid(neg(?x))",
    "sigmoid_from_exp:        true_div(exp(?x), add(1, exp(?x))) -> sigmoid(?x)",
    "sigmoid_from_reciprocal: reciprocal(add(1, exp(neg(?x)))) -> sigmoid(?x)",
    "sigmoid_from_div:        true_div(1, add(1, exp(neg(?x)))) -> sigmoid(?x)",
    # sums and differences of exponentials
    "logaddexp_from_log:      log(add(exp(?a), exp(?b))) -> logaddexp(?a, ?b)",
    "logdiffexp_from_log:     log(sub(exp(?a), exp(?b))) -> add(?a, log1mexp(sub(?b, ?a)))",
    # error functions
    "erfc_from_one_minus_erf: sub(1, erf(?x)) -> erfc(?x)",
    "erfc_from_one_plus_erf:  add(1, erf(?x)) -> erfc(neg(?x))",
    "erfc_from_erf_minus_one: sub(erf(?x), 1) -> neg(erfc(?x))",
    # logarithms of products, quotients and powers
    "log_exp_div:             log(true_div(exp(?a), ?c)) -> sub(?a, log(?c))",
    "log_div_exp:             log(true_div(?c, exp(?a))) -> sub(log(?c), ?a)",
    "log_mul_exp:             log(mul(exp(?a), ?b...)) -> add(?a, log(?b))",
    "log_div:                 log(true_div(?a, ?b)) -> sub(log(?a), log(?b)) if positive(?a), positive(?b)",
    "log_mul:                 log(mul(?a, ?b)) -> add(log(?a), log(?b)) if positive(?a), positive(?b)",
    "log_pow:                 log(pow(?x, ?k)) -> mul(?k, log(?x)) if positive(?x)",
    "log_sqr:                 log(sqr(?x)) -> mul(2, log(abs(?x)))",
    "log_sqrt:                log(sqrt(?x)) -> mul(0.5, log(?x))",
    "log_reciprocal:          log(reciprocal(?x)) -> neg(log(?x))",
]


def _logsumexp(m):
    """``log(sum(exp(x))) -> logsumexp(x)``, the max-shifted form."""
    return LogSumExp(m.op("s").axes)(m.x)


def _log_softmax(m):
    """``log(softmax(x)) -> log_softmax(x)``."""
    return LogSoftmax(m.op("s").axis)(m.x)


def _softmax(m):
    """``exp(x) / expand_dims(sum(exp(x), axis)) -> softmax(x, axis)``."""
    s, d = m.op("s"), m.op("d")
    ndim = m.cls("x").type.ndim
    axes = tuple(range(ndim)) if s.axes is None else s.axes
    if len(axes) != 1 and ndim != 1:
        return None
    (axis,) = axes if len(axes) == 1 else (0,)
    expected = tuple("x" if i == axis else i - (i > axis) for i in range(ndim))
    if d.new_order != expected:
        return None
    return Softmax(axis)(m.x)


def _log_erfc(m):
    """``log(erfc(x))``: ``log(erfcx(x)) - x**2`` for ``x > 0`` (no underflow), else
    ``log1p(-erf(x))`` (``erfc(x)`` is in [1, 2] there).

    Each branch sees a harmless input where it is not selected, so gradients stay finite.
    """
    x = m.x
    pos = pt.gt(x, 0)
    xp = pt.switch(pos, x, 0)
    xn = pt.switch(pos, 0, x)
    return pt.switch(pos, pt.sub(pt.log(pt.erfcx(xp)), pt.sqr(xp)), pt.log1p(pt.neg(pt.erf(xn))))


CODE = [
    rule("logsumexp_from_log", "log(Sum:s(exp(?x)))", _logsumexp),
    rule("log_softmax_from_log", "log(Softmax:s(?x))", _log_softmax),
    rule("softmax_from_exp", "true_div(exp(?x), DimShuffle:d(Sum:s(exp(?x))))", _softmax),
    rule("log_erfc", "log(erfc(?x))", _log_erfc),
]

STABILIZE = rules("stabilize", FORMS + CODE, penalize=True)
