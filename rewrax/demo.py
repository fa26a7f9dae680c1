"""The README demo: a graph, its rewriting, compilation and result."""

from __future__ import annotations

import numpy as np


def main() -> None:
    import rewrax as rx
    import rewrax.symbolic as pt

    print("rewrax demo: build a graph, print it, compile it with JAX, run it\n")
    x = pt.scalar(name="x")
    y = pt.vector(name="y")
    z = x + y
    z.name = "x + y"
    w = pt.log(z)
    w.name = "log(x + y)"
    print("The graph of w = log(x + y):")
    rx.dprint(w)
    f = rx.function(inputs=[x, y], outputs=w)
    print("\nCompiled (topological order on the right):")
    rx.dprint(f)
    print(f"\nf(x=0, y=[1, e]) = {f(x=0, y=[1, np.e])}")
