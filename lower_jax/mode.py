"""Compilation modes: which rewrite databases ``rx.function`` runs before lowering."""

from __future__ import annotations

from rewrax.rewrites import rewrite_graph

DEFAULT_INCLUDE = ("canonicalize", "stabilize", "specialize")


class Mode:
    """Rewrites to run at compile time.

    Parameters
    ----------
    include : tuple of str
        Rewrite databases (tags) to run, in the pipeline's declared order.
    exclude : tuple of str
        Rule names or tags to leave out.
    optimize : bool
        ``False`` compiles the graph as written.
    rules : RuleSet, optional
        The rules to select from (default: rewrax's rules and the registered ones), e.g.
        ``rx.rewrites.DEFAULT_RULES + my_rules`` with ``include=(..., "mydb")``.
    **limits
        Rewriting limits (``node_limit``, ``iter_limit``, ``time_limit``, ...).

    Examples
    --------
    >>> import rewrax as rx, rewrax.symbolic as pt
    >>> x = pt.vector("x")
    >>> f = rx.function([x], pt.log(1 + x), mode=rx.Mode(exclude=("log1p_from_log",)))
    >>> [str(n.op) for n in f._order]
    ['Add', 'Log']
    """

    def __init__(self, include=DEFAULT_INCLUDE, exclude=(), optimize=True, name=None, rules=None, **limits):
        if isinstance(include, str) or isinstance(exclude, str):
            raise TypeError("Mode: include and exclude are tuples of names, e.g. include=('stabilize',)")
        self.include = tuple(include)
        self.exclude = tuple(exclude)
        self.optimize = bool(optimize)
        self.name = name
        self.rules = rules
        self.limits = limits

    def rewrite(self, outputs, inputs=()):
        if not self.optimize or not outputs:
            return list(outputs)
        return rewrite_graph(list(outputs), include=self.include, exclude=self.exclude, rules=self.rules,
                             **self.limits)

    def __repr__(self):
        return f"Mode(include={self.include}, exclude={self.exclude}, optimize={self.optimize})"


MODES = {
    None: Mode(name="JAX"),
    "JAX": Mode(name="JAX"),
    "FAST_RUN": Mode(name="FAST_RUN"),
    "FAST_COMPILE": Mode(optimize=False, name="FAST_COMPILE"),
}


def get_mode(mode):
    if isinstance(mode, Mode):
        return mode
    if mode not in MODES:
        raise ValueError(f"unknown mode {mode!r}; use one of {[m for m in MODES if m]} or a rx.Mode")
    return MODES[mode]
