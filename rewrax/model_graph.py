"""``pm.model_graph``: a model's dependency graph as Graphviz, Mermaid or a networkx ``DiGraph``."""

from __future__ import annotations

from rewrax.model import ModelGraph, model_to_graphviz, modelcontext  # noqa: F401

__all__ = ["ModelGraph", "model_to_graphviz", "model_to_mermaid", "model_to_networkx"]

_MERMAID_SHAPES = {"free": "rounded", "observed": "rounded", "deterministic": "rect", "potential": "diam",
                   "data": "db"}


def _label(graph, var):
    kind = graph.kind(var)
    if kind in ("free", "observed") and hasattr(var.owner.op, "print_name"):
        return f"{var.name} ~ {var.owner.op.print_name}"
    return f"{var.name} ~ {kind.capitalize()}"


def model_to_mermaid(model=None, *, var_names=None, include_dim_lengths: bool = True) -> str:
    """The model graph as a Mermaid flowchart (nodes, edges, then one subgraph per plate).

    Examples
    --------
    >>> import rewrax as pm
    >>> with pm.Model() as m:
    ...     mu = pm.Normal("mu")
    ...     x = pm.Normal("x", mu, 1, observed=[0.0, 1.0])
    >>> print(pm.model_to_mermaid(m).splitlines()[0])
    graph TD
    """
    graph = ModelGraph(modelcontext(model))
    lines = ["graph TD", "%% Nodes:"]
    for var in graph.vars(var_names):
        kind = graph.kind(var)
        lines.append(f"{var.name}([{_label(graph, var)}])")
        lines.append(f"{var.name}@{{ shape: {_MERMAID_SHAPES.get(kind, 'rounded')} }}")
        if kind == "observed":
            lines.append(f"style {var.name} fill:#757575")
    lines += ["", "%% Edges:"] + [f"{a} --> {b}" for a, b in graph.edges(var_names)]
    lines += ["", "%% Plates:"]
    for label, names in graph.plates(var_names).items():
        if label:
            lines.append(f'subgraph "{label}"')
            lines += [f"    {n}" for n in names]
            lines.append("end")
    return "\n".join(lines)


def model_to_networkx(model=None, *, var_names=None, formatting: str = "plain"):
    """The model graph as a ``networkx.DiGraph`` (node attributes: ``label``, ``kind``, ``plate``)."""
    try:
        import networkx
    except ImportError:
        raise ImportError("model_to_networkx requires the python library networkx: pip install networkx") from None
    graph = ModelGraph(modelcontext(model))
    out = networkx.DiGraph()
    plate_of = {n: label for label, names in graph.plates(var_names).items() for n in names}
    for var in graph.vars(var_names):
        out.add_node(var.name, label=_label(graph, var), kind=graph.kind(var), plate=plate_of.get(var.name, ""))
    out.add_edges_from(graph.edges(var_names))
    return out
