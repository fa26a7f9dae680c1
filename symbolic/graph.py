"""Walking and rebuilding graphs: ancestors, graph_inputs, toposort, clone_replace, graph_replace.

Every function here leaves its input graph untouched: replacement builds new Apply nodes
(types inferred again by ``make_node``) and reuses roots and untouched subgraphs.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping

from rewrax.symbolic.variable import Constant, Variable


def _as_list(outputs):
    if isinstance(outputs, Variable):
        return [outputs], True
    outputs = list(outputs)
    for o in outputs:
        if not isinstance(o, Variable):
            raise TypeError(f"expected symbolic variables, got {o!r} ({type(o).__name__})")
    return outputs, False


def ancestors(graphs, blockers=None):
    """Every variable the ``graphs`` depend on (including themselves), depth-first, once each."""
    graphs, _ = _as_list(graphs)
    blockers = set(blockers or ())
    seen, order, stack = set(), [], list(reversed(graphs))
    while stack:
        var = stack.pop()
        if id(var) in seen:
            continue
        seen.add(id(var))
        order.append(var)
        if var.owner is not None and var not in blockers:
            stack.extend(reversed(var.owner.inputs))
    return order


def graph_inputs(graphs, blockers=None):
    """The root variables (no owner, or in ``blockers``) that ``graphs`` depend on.

    Examples
    --------
    >>> import rewrax as rx, rewrax.symbolic as pt
    >>> x, y = pt.scalar("x"), pt.vector("y")
    >>> rx.graph_inputs([pt.log(x + y)])
    [x, y]
    """
    blockers = set(blockers or ())
    return [v for v in ancestors(graphs, blockers) if v.owner is None or v in blockers]


def explicit_graph_inputs(graphs):
    """Root variables that are neither constants nor shared variables."""
    from rewrax.symbolic.variable import SharedVariable

    return [v for v in graph_inputs(graphs) if not isinstance(v, (Constant, SharedVariable))]


def io_toposort(inputs, outputs):
    """Apply nodes between ``inputs`` and ``outputs`` in an order where inputs come first."""
    outputs, _ = _as_list(outputs)
    stop = {id(v) for v in inputs or ()}
    order, done = [], set()
    for out in outputs:
        stack = [(out.owner, 0)] if out.owner is not None and id(out) not in stop else []
        while stack:
            node, i = stack.pop()
            if id(node) in done:
                continue
            if i < len(node.inputs):
                stack.append((node, i + 1))
                inp = node.inputs[i]
                if inp.owner is not None and id(inp) not in stop and id(inp.owner) not in done:
                    stack.append((inp.owner, 0))
            else:
                done.add(id(node))
                order.append(node)
    return order


def toposort(outputs):
    """All Apply nodes ``outputs`` depend on, inputs first."""
    return io_toposort([], outputs)


def _pairs(replace):
    if replace is None:
        return []
    items = replace.items() if isinstance(replace, Mapping) else replace
    pairs = []
    for item in items:
        old, new = item
        if not isinstance(old, Variable):
            raise TypeError(f"replacement keys must be symbolic variables, got {old!r}")
        if not isinstance(new, Variable):
            from rewrax.symbolic.basic import as_tensor_variable

            new = as_tensor_variable(new)
        pairs.append((old, new))
    return pairs


def _check_replacement(old, new):
    t_old, t_new = old.type, new.type
    if getattr(t_old, "ndim", None) != getattr(t_new, "ndim", None) or getattr(t_old, "dtype", None) != getattr(t_new, "dtype", None):
        raise TypeError(
            f"cannot replace {old} of type {t_old} with {new} of type {t_new}: "
            "the dtype and the number of dimensions must match"
        )
    if hasattr(t_old, "is_compatible") and not t_old.is_compatible(t_new):
        raise TypeError(f"cannot replace {old} of type {t_old} with {new} of type {t_new}: the static shapes disagree")


def rebuild(outputs, memo, clone_all=False):
    """Rebuild the nodes of ``outputs`` with variables substituted per ``memo`` (updated in place).

    Nodes none of whose inputs changed are reused unless ``clone_all``.
    """
    for node in io_toposort(list(memo), outputs):
        new_inputs = [memo.get(i, i) for i in node.inputs]
        if not clone_all and all(a is b for a, b in zip(new_inputs, node.inputs)):
            continue
        new_node = node.clone_with_new_inputs(new_inputs)
        new_node.tag.__dict__.update(node.tag.__dict__)
        for old, new in zip(node.outputs, new_node.outputs):
            new.name = old.name
            new.tag.__dict__.update(old.tag.__dict__)
            memo[old] = new
    return [memo.get(o, o) for o in outputs]


def clone_replace(output, replace=None, **kwargs):
    """A copy of the graph of ``output`` with the variables in ``replace`` substituted.

    A list in gives a list out; a single variable gives a variable. Roots are not copied
    and names are kept.

    Examples
    --------
    >>> import rewrax as rx, rewrax.symbolic as pt
    >>> x = pt.scalar("x"); y = pt.log(x)
    >>> z = rx.clone_replace(y, {x: pt.exp(x)})
    >>> float(z.eval({x: 2.0}))
    2.0
    """
    outputs, single = _as_list(output)
    memo = {}
    for old, new in _pairs(replace):
        memo[old] = new
    result = rebuild(outputs, memo, clone_all=True)
    return result[0] if single else result


def graph_replace(outputs, replace, strict=True):
    """``outputs`` with variables replaced; raises if a replaced variable is not in the graph.

    Unlike :func:`clone_replace`, nodes that do not depend on a replaced variable are reused.
    """
    outs, single = _as_list(outputs)
    pairs = _pairs(replace)
    present = {id(v) for v in ancestors(outs)}
    missing = [old for old, _ in pairs if id(old) not in present]
    if missing:
        raise ValueError(f"graph_replace: {', '.join(str(m) for m in missing)} is not part of the graph to replace in")
    memo = {}
    for old, new in pairs:
        if strict:
            _check_replacement(old, new)
        memo[old] = new
    result = rebuild(outs, memo)
    return result[0] if single else result


def vars_between(inputs, outputs):
    """Variables on the paths from ``inputs`` to ``outputs``."""
    inputs = set(inputs)
    return [v for v in ancestors(outputs, blockers=inputs)]


def is_in_ancestors(var, graphs) -> bool:
    return any(v is var for v in ancestors(graphs))


def flatten_outputs(outputs) -> list:
    """Outputs as a flat list of variables; nested lists are a TypeError."""
    if isinstance(outputs, Variable):
        return [outputs]
    if not isinstance(outputs, Iterable):
        raise TypeError(f"outputs must be a variable or a list of variables, got {outputs!r}")
    flat = []
    for o in outputs:
        if isinstance(o, (list, tuple)):
            raise TypeError(
                "outputs must be a flat list of variables, got a nested list; "
                "unpack it, e.g. rx.function(inputs, [logp, *grads])"
            )
        if not isinstance(o, Variable):
            raise TypeError(f"outputs must be symbolic variables, got {o!r} ({type(o).__name__})")
        flat.append(o)
    return flat
