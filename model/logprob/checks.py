"""Parameter checks and support bounds of log-densities.

``check_parameters(logp, sigma > 0, msg="sigma > 0")`` wraps a density in a
``Check{sigma > 0}`` node: evaluated or compiled by a user, a violated condition raises
``ParameterValueError("sigma > 0")``; the densities that samplers use turn the check into
``-inf`` (the model layer rewrites it). Values outside the support are not errors: they get
``-inf`` through ``bound``.
"""

from __future__ import annotations

import numpy as np

import rewrax.symbolic as pt
from rewrax.symbolic.check import Check
from rewrax.symbolic.shape_ops import MakeVector


def check_parameters(expr, *conditions, msg: str = ""):
    """``expr`` guarded by the boolean ``conditions`` (each reduced with ``all``).

    The guard is ``All(MakeVector(All(c1), All(c2), ...))``, the form PyMC prints.

    Examples
    --------
    >>> import rewrax.symbolic as pt
    >>> from rewrax.model.logprob.checks import check_parameters
    >>> s = pt.scalar("s")
    >>> out = check_parameters(-pt.log(s), pt.gt(s, 0), msg="s > 0")
    >>> print(out.owner.op)
    Check{s > 0}
    """
    if not conditions:
        return expr
    reduced = [pt.all(pt.as_tensor_variable(c)) for c in conditions]
    cond = pt.all(MakeVector("bool")(*reduced))
    return Check(msg or "parameter check")(expr, cond)


def bound(expr, *conditions):
    """``expr`` where all ``conditions`` hold (element-wise), else ``-inf``."""
    if not conditions:
        return expr
    cond = conditions[0]
    for c in conditions[1:]:
        cond = pt.and_(cond, c)
    return pt.switch(cond, expr, -np.inf)
