"""``dprint``: the graph as an indented tree, in PyTensor's format.

    Log [id A] 'log(x + y)'
     └─ Add [id B] 'x + y'
        ├─ ExpandDims{axis=0} [id C]
        │  └─ x [id D]
        └─ y [id E]

A node printed a second time keeps its id and shows ``···`` instead of its inputs. Ops with
inner graphs (scan, ifelse) are listed again under "Inner graphs:".
"""

from __future__ import annotations

import sys

from rewrax.symbolic.variable import SERVICES, Apply, Variable


def _id_string(n: int) -> str:
    """Base-26 ids with A as the zero digit: A..Z, BA..BZ, ... (as PyTensor)."""
    letters = ""
    while True:
        letters = chr(ord("A") + n % 26) + letters
        n //= 26
        if n == 0:
            return letters


class _Printer:
    def __init__(self, print_type, depth, topo=None, ids=None):
        self.print_type = print_type
        self.depth = depth
        self.topo = topo or {}
        self.ids = ids if ids is not None else {}
        self.expanded = set()
        self.inner = []
        self.lines = []

    def ident(self, key) -> str:
        if key not in self.ids:
            self.ids[key] = _id_string(len(self.ids))
        return self.ids[key]

    def label(self, var) -> str:
        node = var.owner
        if node is None:
            text = f"{var} [id {self.ident(id(var))}]"
        else:
            op = str(node.op)
            if len(node.outputs) > 1:
                op += f".{var.index}"
            text = f"{op} [id {self.ident(id(node))}]"
            if var.name is not None:
                text += f" '{var.name}'"
        if self.print_type:
            text += f" <{var.type}>"
        if node is not None and id(node) in self.topo:
            text += f" {self.topo[id(node)]}"
        return text

    def walk(self, var, prefix="", child_prefix="", level=0):
        self.lines.append(prefix + self.label(var))
        node = var.owner
        if node is None:
            return
        if id(node) in self.expanded:
            if node.inputs:
                self.lines.append(child_prefix + "└─ ···")
            return
        self.expanded.add(id(node))
        if getattr(node.op, "inner_outputs", None) is not None and node.op not in [n.op for n in self.inner]:
            self.inner.append(node)
        if self.depth != -1 and level + 1 >= self.depth:
            return
        for i, inp in enumerate(node.inputs):
            last = i == len(node.inputs) - 1
            self.walk(inp, child_prefix + ("└─ " if last else "├─ "), child_prefix + ("   " if last else "│  "), level + 1)

    def inner_graphs(self):
        done = set()
        while self.inner:
            node = self.inner.pop(0)
            if id(node) in done:
                continue
            done.add(id(node))
            self.lines.append("")
            self.lines.append(f"{node.op} [id {self.ident(id(node))}]")
            for out in node.op.inner_outputs:
                sub = _Printer(self.print_type, self.depth, ids=self.ids)
                sub.walk(out, " ← ", "    ")
                self.lines.extend(sub.lines)
                self.inner.extend(n for n in sub.inner if id(n) not in done)


def dprint(obj, file=None, print_type=False, depth=-1, ids="CHAR", **_ignored):
    """Print the graph of a variable, a list of variables, an Apply node or a compiled function.

    Parameters
    ----------
    file : None, "str" or a file-like object
        ``None`` prints to stdout; ``"str"`` returns the text instead. Otherwise the stream
        written to is returned (as in PyTensor).
    print_type : bool
        Show each variable's type, e.g. ``<Vector(float64, shape=(3,))>``.
    depth : int
        Print at most this many levels (-1: all).

    Examples
    --------
    >>> import rewrax as rx, rewrax.symbolic as pt
    >>> x = pt.scalar("x")
    >>> print(rx.dprint(pt.exp(x), file="str"))
    Exp [id A]
     └─ x [id B]
    """
    topo = {}
    if hasattr(obj, "__rewrax_dprint__"):
        outputs, order = obj.__rewrax_dprint__()
        topo = {id(node): i for i, node in enumerate(order)}
    elif isinstance(obj, Variable):
        outputs = [obj]
    elif isinstance(obj, Apply):
        outputs = list(obj.outputs)
    elif isinstance(obj, (list, tuple)) and all(isinstance(o, Variable) for o in obj):
        outputs = list(obj)
    else:
        raise TypeError(f"dprint takes a variable, a list of variables, an Apply node or a compiled function, got {type(obj).__name__}")
    printer = _Printer(print_type, depth, topo)
    for out in outputs:
        printer.walk(out, "", " ")
    if printer.inner:
        printer.lines.append("")
        printer.lines.append("Inner graphs:")
        printer.inner_graphs()
    text = "\n".join(printer.lines) + "\n"
    if file == "str":
        return text
    stream = sys.stdout if file is None else file
    stream.write(text)
    return stream  # as PyTensor: the stream written to (sys.stdout by default)


debugprint = dprint
SERVICES["dprint"] = dprint
