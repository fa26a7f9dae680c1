"""rewrax.rewrites: the e-graph rewrite engine and the canonicalize / stabilize / specialize databases."""


def rewrite_graph(graph, include=("canonicalize",), exclude=(), explain=False, **kwargs):
    """Placeholder until the e-graph engine lands: returns the graph unchanged."""
    return graph
