"""Random variables built from other random variables: censoring, truncation, mixtures.

Their parameters include the *draws* of other random variables (``CensoredRV`` takes the
draw it clips, ``MixtureRV`` the stacked draws of its components), so a forward draw is an
ordinary graph and the density can look at the inner variables' parameters.
``TruncatedRV`` instead carries its base op as a property and redraws from it.
"""

from __future__ import annotations

from rewrax.symbolic.blockwise import parse_signature
from rewrax.symbolic.random.op import RandomVariable, make_rv


class CensoredRV(RandomVariable):
    """``clip(dist, lower, upper)``: draws of ``dist`` censored to ``[lower, upper]``."""

    name, print_name, param_names = "censored", "Censored", ("dist", "lower", "upper")
    signature = "(),(),()->()"


class MixtureRV(RandomVariable):
    """A draw of ``comps[..., k]`` where ``k ~ Categorical(w)``; ``comps`` stacks the components."""

    name, print_name, param_names = "mixture", "Mixture", ("w", "comp_dists")
    signature = "(k),(k)->()"


class TruncatedRV(RandomVariable):
    """Draws of ``base_op`` restricted to ``[lower, upper]``; parameters ``(lower, upper, *base)``."""

    __props__ = ("base_op", "dtype")
    name, print_name = "truncated", "Truncated"

    def __init__(self, base_op, dtype=None):
        if not isinstance(base_op, RandomVariable):
            raise TypeError(f"TruncatedRV needs a RandomVariable op to truncate, got {base_op!r}")
        if base_op.ndim_supp != 0:
            raise NotImplementedError(f"truncation of the multivariate {base_op} is not supported")
        self.base_op = base_op
        super().__init__(dtype or base_op.dtype)

    @property
    def signature(self):
        ins, _ = parse_signature(self.base_op.signature)
        return ",".join(["()", "()"] + ["(" + ",".join(g) + ")" for g in ins]) + "->()"

    @property
    def param_names(self):
        return ("lower", "upper") + tuple(self.base_op.param_names)

    def __str__(self):
        return f"truncated_{self.base_op.name}_rv{{{self.signature}, {self.dtype}}}"


def censored(dist, lower, upper, size=None, rng=None, name=None):
    """Draws of ``dist`` clipped to ``[lower, upper]`` (``None`` bounds: use +-inf).

    Examples
    --------
    >>> import rewrax.symbolic as pt
    >>> x = pt.random.censored(pt.random.normal(0.0, 1.0, size=(4,)), -0.5, 0.5)
    >>> bool(((x.eval() >= -0.5) & (x.eval() <= 0.5)).all())
    True
    """
    return make_rv(CensoredRV(dist.type.dtype), dist, lower, upper, size=size, rng=rng, name=name)
