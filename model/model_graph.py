"""The model as a picture: ``rx.model_to_graphviz(model)`` (graphviz is optional).

Nodes are the model's named variables, with PyMC's shapes: free random variables as
ellipses, observed ones filled grey, deterministics as boxes, potentials as octagons, data
containers as rounded boxes. An edge runs from each variable to the named variables whose
graphs use it. Variables with the same dims (or shape) sit in one plate.
``ModelGraph(model).to_dot()`` gives the DOT text without needing the graphviz package.
"""

from __future__ import annotations

from rewrax.model.context import modelcontext
from rewrax.symbolic.graph import ancestors


class ModelGraph:
    """Dependencies between a model's named variables.

    Examples
    --------
    >>> import rewrax as rx
    >>> with rx.Model() as m:
    ...     mu = rx.Normal("mu", 0, 1)
    ...     x = rx.Normal("x", mu, 1, observed=[0.1, 0.2])
    >>> rx.ModelGraph(m).edges()
    [('mu', 'x')]
    """

    def __init__(self, model):
        self.model = model
        self._named = {id(v): v for v in model.named_vars.values()}

    def _graph_of(self, var):
        # a deterministic or potential is a copy node: start below it
        if var in self.model.deterministics or var in self.model.potentials:
            return var.owner.inputs[0]
        if var.owner is not None:
            op = var.owner.op
            # a random variable's own inputs: its parameters (not its rng, nor its size, which
            # may follow a data container's length without depending on its values)
            return list(op.dist_params(var.owner)) if hasattr(op, "dist_params") else var.owner.inputs
        return []

    def parents(self, var) -> list:
        """The named variables ``var``'s own graph uses directly (not through other named ones)."""
        start = self._graph_of(var)
        start = [start] if not isinstance(start, list) else start
        blockers = list(self.model.named_vars.values())
        out, seen = [], set()
        for v in ancestors(start, blockers=blockers):
            if id(v) in self._named and v is not var and id(v) not in seen:
                seen.add(id(v))
                out.append(v)
        return out

    def vars(self, var_names=None) -> list:
        if var_names is None:
            return list(self.model.named_vars.values())
        selected, todo = {}, [self.model[n] for n in var_names]
        while todo:  # the requested variables and everything they depend on
            v = todo.pop()
            if v.name not in selected:
                selected[v.name] = v
                todo.extend(self.parents(v))
        return [v for v in self.model.named_vars.values() if v.name in selected]

    def edges(self, var_names=None) -> list:
        return [(p.name, v.name) for v in self.vars(var_names) for p in self.parents(v)]

    def kind(self, var) -> str:
        m = self.model
        for kind, group in (("free", m.free_RVs), ("observed", m.observed_RVs), ("deterministic", m.deterministics),
                            ("potential", m.potentials), ("data", m.data_vars)):
            if var in group:
                return kind
        return "other"

    def plates(self, var_names=None) -> dict:
        """Plate label -> variable names (scalars have the label ``""``)."""
        plates: dict = {}
        for v in self.vars(var_names):
            dims = self.model.named_vars_to_dims.get(v.name)
            if dims:
                lengths = self.model.dim_lengths
                label = " x ".join(f"{d} ({lengths[d]})" if isinstance(lengths[d], int) else d for d in dims)
            else:
                shape = v.type.shape
                label = " x ".join("?" if s is None else str(s) for s in shape)
            plates.setdefault(label, []).append(v.name)
        return plates

    def _node_attrs(self, var):
        kind = self.kind(var)
        attrs = {"free": {"shape": "ellipse"}, "observed": {"shape": "ellipse", "style": "filled", "fillcolor": "gray"},
                 "deterministic": {"shape": "box"}, "potential": {"shape": "octagon", "style": "filled",
                                                                  "fillcolor": "white"},
                 "data": {"shape": "box", "style": "rounded, filled", "fillcolor": "white"}}.get(kind, {})
        return {**attrs, "label": self._label(var, kind)}

    def _label(self, var, kind):
        if kind in ("free", "observed") and hasattr(var.owner.op, "print_name"):
            return f"{var.name}\n~\n{var.owner.op.print_name}"
        return f"{var.name}\n~\n{kind.capitalize()}"

    def to_dot(self, var_names=None, figsize=None, dpi=None) -> str:
        """The graph in the DOT language (``figsize`` in inches, ``dpi`` as graphviz takes them)."""
        lines = ["digraph {"]
        if figsize is not None or dpi is not None:
            size = f' size="{figsize[0]},{figsize[1]}"' if figsize is not None else ""
            lines.append(f"\tgraph [{size.strip()}{' ' if size and dpi else ''}{f'dpi={dpi}' if dpi else ''}]")
        for k, (label, names) in enumerate(self.plates(var_names).items()):
            indent = "\t"
            if label:
                lines.append(f'\tsubgraph "cluster{label}" {{')
                indent = "\t\t"
            for name in names:
                attrs = self._node_attrs(self.model[name])
                text = " ".join(f'{a}="{_escape(b)}"' for a, b in attrs.items())
                lines.append(f'{indent}"{name}" [{text}]')
            if label:
                lines.append(f'\t\tlabel="{label}" labeljust=r labelloc=b style=rounded')
                lines.append("\t}")
        for a, b in self.edges(var_names):
            lines.append(f'\t"{a}" -> "{b}"')
        lines.append("}")
        return "\n".join(lines)


def _escape(text):
    return str(text).replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n")


def model_to_graphviz(model=None, var_names=None, formatting="plain", save=None, figsize=None, dpi=300):
    """A ``graphviz.Digraph`` of the model (needs the optional ``graphviz`` package).

    Parameters
    ----------
    model : rx.Model, optional
        The current model by default.
    var_names : list of str, optional
        Show only these variables and what they depend on.
    save : str, optional
        Write the picture to this file (format from the extension).
    """
    model = modelcontext(model)
    if formatting != "plain":
        raise ValueError(f"model_to_graphviz: formatting {formatting!r} is not supported; use 'plain'")
    try:
        import graphviz
    except ImportError as exc:
        raise ImportError(
            "model_to_graphviz needs the graphviz package (pip install graphviz, plus the Graphviz binaries); "
            "rx.ModelGraph(model).to_dot() gives the DOT text without it"
        ) from exc
    graph = graphviz.Source(ModelGraph(model).to_dot(var_names, figsize=figsize, dpi=dpi))
    if save is not None:
        path, _, fmt = str(save).rpartition(".")
        graph.render(filename=path or save, format=fmt or "png", cleanup=True)
    return graph
