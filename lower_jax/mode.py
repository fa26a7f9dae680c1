"""Compilation modes: which rewrite databases ``rx.function`` runs before lowering."""

from __future__ import annotations

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
    """

    def __init__(self, include=DEFAULT_INCLUDE, exclude=(), optimize=True, name=None):
        self.include = tuple(include)
        self.exclude = tuple(exclude)
        self.optimize = bool(optimize)
        self.name = name

    def rewrite(self, outputs, inputs=()):
        if not self.optimize or not outputs:
            return list(outputs)
        from rewrax.rewrites import rewrite_graph

        return rewrite_graph(list(outputs), include=self.include, exclude=self.exclude)

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
