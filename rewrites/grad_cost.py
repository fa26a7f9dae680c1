"""Stabilize a cost before ``rx.grad`` differentiates it.

The derivative of a naive graph is naive too: ``grad(log(1 + exp(x)))`` is
``exp(x) / (1 + exp(x))``, which is ``nan`` at ``x = 800``. Registered in
``rewrax.symbolic.gradient.COST_PREPROCESSORS``, ``stabilize_cost`` rewrites the cost with
the stabilize database first (``softplus(x)``, whose derivative is ``sigmoid(x)``). The
variables the gradient is taken with respect to (and any the caller keeps) stay in the
graph as they are. When no stabilize rule applies, the cost is returned unchanged: the
very same graph objects.
"""

from __future__ import annotations

from rewrax.rewrites.pipeline import rewrite_graph
from rewrax.symbolic.gradient import COST_PREPROCESSORS


def stabilize_cost(cost, keep=()):
    """``cost`` in numerically stable form, or ``cost`` itself when it has none to take.

    Examples
    --------
    >>> import rewrax.symbolic as pt
    >>> x = pt.scalar("x")
    >>> print(stabilize_cost(pt.log(1 + pt.exp(x)), [x]).owner.op)
    Softplus
    """
    if cost.owner is None:
        return cost
    new, report = rewrite_graph(cost, include=("stabilize",), cut=list(keep), return_report=True)
    if not report.fired:
        return cost
    return new


if stabilize_cost not in COST_PREPROCESSORS:
    COST_PREPROCESSORS.append(stabilize_cost)
