"""The e-graph: hash-consed e-nodes, union-find e-classes and deferred rebuilding (egg's design).

An e-node is a tuple ``(op_id, child_class, ...)``; ``op_id`` indexes ``EGraph.ops`` (Ops are
interned once, so hashing a node hashes small ints). Roots of the input graph are leaf
e-nodes (``Leaf``), constants are ``ConstLeaf`` e-nodes keyed by value so that equal constants
share one class, and output ``i`` of a multi-output Apply is the e-node ``OutputOf(op, i)``.

Each e-class carries its analysis (``rewrites/analysis.py``): the type and symbolic shape
(uniting two classes of different types is a bug and raises), the constant value, a value
range and whether a ``Check`` hides inside. Unions only queue their parents; ``rebuild``
restores the hash-cons and congruence invariants (egg's deferred rebuilding).
"""

from __future__ import annotations

import numpy as np

from rewrax.rewrites import analysis as an
from rewrax.symbolic.basic import TensorConstant
from rewrax.symbolic.type import TensorType
from rewrax.symbolic.variable import Constant


class RewriteTypeError(TypeError):
    """Two e-classes of different types were to be united: a rule is wrong."""


class Leaf:
    """A root variable of the input graph (placeholder, shared variable, cut point)."""

    __slots__ = ("var",)

    def __init__(self, var):
        self.var = var

    def __eq__(self, other):
        return type(other) is Leaf and other.var is self.var

    def __hash__(self):
        return id(self.var)

    def __str__(self):
        return str(self.var)


class ConstLeaf:
    """A constant, equal to every other constant with the same type and bytes."""

    __slots__ = ("var", "key", "_hash")

    def __init__(self, var):
        self.var = var
        data = np.asarray(var.data)
        self.key = (var.type, data.dtype.str, data.shape, data.tobytes())
        self._hash = hash(self.key)

    def __eq__(self, other):
        return type(other) is ConstLeaf and other.key == self.key

    def __hash__(self):
        return self._hash

    def __str__(self):
        return str(self.var)


class OutputOf:
    """Output ``index`` of a multi-output Op: one e-node per output, same op and inputs."""

    __slots__ = ("op", "index", "_hash")

    def __init__(self, op, index):
        self.op, self.index = op, index
        self._hash = hash((OutputOf, op, index))

    def __eq__(self, other):
        return type(other) is OutputOf and other.index == self.index and other.op == self.op

    def __hash__(self):
        return self._hash

    def __str__(self):
        return f"{self.op}.{self.index}"


_UNSET = object()


class EClass:
    """An equivalence class of e-nodes and its analysis data."""

    __slots__ = ("id", "nodes", "parents", "type", "dims", "const", "lo", "hi", "check", "var", "_uniform",
                 "version")

    def __init__(self, cid, node, type):
        self.id = cid
        self.nodes = [node]
        self.parents = []
        self.type = type
        self.dims = ()
        self.const = None
        self.lo = -np.inf
        self.hi = np.inf
        self.check = False
        self.var = None  # placeholder variable used to build rule right-hand sides
        self._uniform = _UNSET
        self.version = 0  # bumped when the class gains e-nodes (unions)

    @property
    def uniform(self):
        """The value shared by every entry when the class is a constant, else None."""
        if self._uniform is _UNSET and self.const is not None:
            flat = self.const.reshape(-1)
            value = None
            if flat.size and flat.dtype.kind in "biuf":
                first = flat[0]
                if np.all(flat == first) and first == first:
                    value = first.item()
            self._uniform = value
        return None if self._uniform is _UNSET else self._uniform

    def __repr__(self):
        return f"EClass({self.id}, {len(self.nodes)} nodes, {self.type})"


class EGraph:
    """Hash-consed e-nodes in union-find e-classes, with analyses and deferred rebuilding.

    Examples
    --------
    >>> import rewrax.symbolic as pt
    >>> from rewrax.rewrites.egraph import EGraph
    >>> eg = EGraph()
    >>> x = pt.scalar("x")
    >>> a, b = eg.add_expr(pt.exp(x)), eg.add_expr(pt.exp(x))
    >>> a == b
    True
    """

    def __init__(self):
        self.parent = []  # union-find over class ids
        self.classes = {}  # canonical class id -> EClass
        self.memo = {}  # e-node -> class id
        self.ops = []  # op id -> op
        self._op_ids = {}  # op -> op id (by equality)
        self._op_fast = {}  # id(op) -> (op, op id): most graphs reuse a few op objects
        self.order = {}  # e-node -> creation number (stable tie-breaking in extraction)
        self.origin = {}  # e-node -> (Apply, output index) of the input graph
        self.names = {}  # e-node -> name of the input variable it came from
        self.penalty = {}  # e-node -> numerical-instability penalty set by stabilize rules
        self.var_class = {}  # id(variable) -> class id, for leaves and placeholders
        self.pending = []  # classes whose parents need re-canonicalising
        self.analysis_pending = []  # classes whose data changed: parents re-analysed
        self.touched = set()  # classes changed since the runner last looked
        self.dim_parent = {}  # union-find over symbolic dimensions (negative ints)
        self._next_dim = -1
        self.n_nodes = 0
        self.n_unions = 0
        self.fold_limit = 4096
        self._head_cache = {}
        self._stale = set()  # classes whose e-node lists need re-canonicalising
        self._keep = []  # variables whose id() keys var_class stay alive with the e-graph

    # -- ops and nodes ---------------------------------------------------------------------
    def intern(self, op) -> int:
        """The id of ``op`` (equal ops share one id)."""
        hit = self._op_fast.get(id(op))
        if hit is not None and hit[0] is op:
            return hit[1]
        op_id = self._op_ids.get(op)
        if op_id is None:
            op_id = len(self.ops)
            self.ops.append(op)
            self._op_ids[op] = op_id
        self._op_fast[id(op)] = (op, op_id)
        return op_id

    def head_ids(self, heads):
        """Interned ids of the ops ``heads`` (a tuple kept by a compiled matcher), cached."""
        ids = self._head_cache.get(id(heads))
        if ids is None:
            ids = self._head_cache[id(heads)] = (heads, tuple(self.intern(op) for op in heads))
        return ids[1]

    def op_of(self, node):
        return self.ops[node[0]]

    def find(self, a: int) -> int:
        parent = self.parent
        while parent[a] != a:
            parent[a] = parent[parent[a]]
            a = parent[a]
        return a

    def canon(self, node):
        find = self.find
        return (node[0], *[find(c) for c in node[1:]])

    def __getitem__(self, cid) -> EClass:
        return self.classes[self.find(cid)]

    def __len__(self):
        return len(self.classes)

    # -- adding -------------------------------------------------------------------------------
    def add(self, op, children, type, origin=None, name=None) -> int:
        """The class of ``op(children)``; a new class unless an equal e-node exists."""
        op_id = self.intern(op)
        find = self.find
        node = (op_id, *[find(c) for c in children])
        cid = self.memo.get(node)
        if cid is not None:
            if origin is not None and node not in self.origin:
                self.origin[node] = origin
            if name is not None and node not in self.names:
                self.names[node] = name
            return find(cid)
        cid = len(self.parent)
        self.parent.append(cid)
        cls = EClass(cid, node, type)
        self.classes[cid] = cls
        self.memo[node] = cid
        self.order[node] = self.n_nodes
        self.n_nodes += 1
        if origin is not None:
            self.origin[node] = origin
        if name is not None:
            self.names[node] = name
        for c in set(node[1:]):
            self.classes[c].parents.append((node, cid))
        self.touched.add(cid)
        an.init_class(self, cls, op, node)
        return self.find(cid)

    def add_leaf(self, var) -> int:
        """The class of a root variable or constant."""
        cid = self.var_class.get(id(var))
        if cid is not None:
            return self.find(cid)
        if isinstance(var, Constant):
            cid = self.add(ConstLeaf(var), (), var.type)
        else:
            cid = self.add(Leaf(var), (), var.type)
        self.var_class[id(var)] = cid
        self._keep.append(var)
        return cid

    def add_const(self, value, type) -> int:
        """The class of a constant with ``value`` and ``type`` (shared with equal constants)."""
        value = np.asarray(value, dtype=type.dtype)
        if isinstance(type, TensorType) and type.shape != value.shape:
            type = TensorType(type.dtype, value.shape)
        return self.add_leaf(TensorConstant(type, value))

    def add_apply_outputs(self, node, children, names=True):
        """Classes of the outputs of the Apply ``node`` whose inputs have classes ``children``."""
        outs = node.outputs
        if len(outs) == 1:
            out = outs[0]
            return [self.add(node.op, children, out.type, (node, 0), out.name if names else None)]
        return [self.add(OutputOf(node.op, i), children, o.type, (node, i), o.name if names else None)
                for i, o in enumerate(outs)]

    def add_expr(self, var, stop=None) -> int:
        """The class of the graph of ``var``; variables known to the e-graph end the walk.

        ``stop`` (a dict id(var) -> class) names extra variables that end the walk.
        """
        known = self.var_class
        stop = stop or {}
        memo = {}
        todo = [var]
        while todo:
            v = todo[-1]
            key = id(v)
            if key in memo:
                todo.pop()
                continue
            if key in stop or key in known:
                memo[key] = self.find(stop.get(key, known.get(key)))
                todo.pop()
                continue
            node = v.owner
            if node is None:
                memo[key] = self.add_leaf(v)
                todo.pop()
                continue
            missing = [i for i in node.inputs if id(i) not in memo]
            if missing:
                todo.extend(missing)
                continue
            todo.pop()
            children = [memo[id(i)] for i in node.inputs]
            for out, cid in zip(node.outputs, self.add_apply_outputs(node, children, names=False)):
                memo[id(out)] = cid
        return memo[id(var)]

    # -- union and rebuild ------------------------------------------------------------------------
    def union(self, a: int, b: int) -> int:
        """Merge the classes of ``a`` and ``b``; returns the surviving class id."""
        a, b = self.find(a), self.find(b)
        if a == b:
            return a
        A, B = self.classes[a], self.classes[b]
        if len(A.nodes) + len(A.parents) < len(B.nodes) + len(B.parents):
            a, b, A, B = b, a, B, A
        changed_a, changed_b = an.merge_data(self, A, B)
        self.parent[b] = a
        del self.classes[b]
        A.nodes.extend(B.nodes)
        A.parents.extend(B.parents)
        A.var = None
        A.version += B.version + 1
        self.n_unions += 1
        self.pending.append(a)
        self.touched.add(a)
        if changed_a or changed_b:
            # the parents of the side that learnt something are re-analysed
            self.analysis_pending.append(a)
        return a

    def rebuild(self):
        """Restore the invariants after unions: canonical e-nodes, congruence, analyses."""
        while self.pending or self.analysis_pending:
            while self.pending:
                todo = {self.find(c) for c in self.pending}
                self.pending = []
                for c in sorted(todo):
                    self._repair(self.find(c))
            while self.analysis_pending and not self.pending:
                todo = {self.find(c) for c in self.analysis_pending}
                self.analysis_pending = []
                for c in sorted(todo):
                    if c in self.classes:
                        # what a class knows (constant, range) changed: rules over its parents
                        # must look again (literals and guards read it)
                        self.touched.add(c)
                        an.propagate(self, self.classes[c])
        # e-node lists are re-canonicalised once, at the end (a big add node whose children
        # merge one by one would otherwise be rewritten after every merge)
        stale, self._stale = self._stale, set()
        for c in {self.find(c) for c in stale}:
            self._canon_nodes(self.classes[c])

    def _repair(self, cid):
        cls = self.classes[cid]
        fresh = {}
        memo, find = self.memo, self.find
        for pnode, pcls in cls.parents:
            memo.pop(pnode, None)
            node = self.canon(pnode)
            if node != pnode:
                self._move_meta(pnode, node)
            pcls = find(pcls)
            other = memo.get(node)
            if other is not None and find(other) != pcls:
                pcls = self.union(other, pcls)
            memo[node] = pcls
            fresh[node] = pcls
        cls = self.classes[find(cid)]
        cls.parents = list(fresh.items()) if cls.id == cid else cls.parents + list(fresh.items())
        self._stale.update(fresh.values())
        self._stale.add(cid)

    def canonicalize_all(self):
        """Canonical, duplicate-free e-node lists in every class (before extraction)."""
        for cls in self.classes.values():
            self._canon_nodes(cls)

    def check_invariants(self):
        """Assert the rebuilt e-graph's invariants (for tests): canonical e-nodes, hash-cons."""
        assert not self.pending and not self.analysis_pending
        for cid, cls in self.classes.items():
            assert self.find(cid) == cid
            for node in cls.nodes:
                assert self.canon(node) == node, f"e-node {node} of class {cid} is not canonical"
                assert self.find(self.memo[node]) == cid, f"e-node {node} is not hash-consed to {cid}"

    def _canon_nodes(self, cls):
        seen = {}
        for n in cls.nodes:
            c = self.canon(n)
            if c != n:
                self._move_meta(n, c)
            seen.setdefault(c, None)
        cls.nodes = list(seen)

    def _move_meta(self, old, new):
        for table in (self.origin, self.names, self.penalty):
            if old in table:
                value = table.pop(old)
                if table is self.penalty:
                    table[new] = max(value, table.get(new, 0.0))
                else:
                    table.setdefault(new, value)
        if old in self.order:
            o = self.order.pop(old)
            if new not in self.order or o < self.order[new]:
                self.order[new] = o

    # -- placeholders -------------------------------------------------------------------------------
    def placeholder(self, cid):
        """A variable standing for class ``cid`` in a rule's right-hand side."""
        cls = self[cid]
        if cls.var is None:
            var = None
            for n in cls.nodes:
                op = self.ops[n[0]]
                if type(op) is ConstLeaf:
                    var = op.var
                    break
                if type(op) is Leaf and var is None:
                    var = op.var
            if var is None:
                var = cls.type.make_variable()
            cls.var = var
            self.var_class[id(var)] = cls.id
            self._keep.append(var)
        else:
            self.var_class[id(cls.var)] = cls.id
        return cls.var

    # -- symbolic dimensions -----------------------------------------------------------------------
    def new_dim(self) -> int:
        d = self._next_dim
        self._next_dim -= 1
        return d

    def dim(self, d):
        """The representative of a dimension: an int >= 0 when known, else a negative symbol."""
        if d >= 0:
            return d
        parent = self.dim_parent
        root = d
        while root in parent:
            root = parent[root]
            if root >= 0:
                break
        while d in parent and parent[d] != root:
            parent[d], d = root, parent[d]
        return root

    def unify_dims(self, a, b) -> bool:
        """Record that dimensions ``a`` and ``b`` are equal; False if both are known and differ."""
        a, b = self.dim(a), self.dim(b)
        if a == b:
            return True
        if a >= 0 and b >= 0:
            return False
        if a >= 0:
            a, b = b, a
        self.dim_parent[a] = b
        return True

    def dims(self, cid):
        return tuple(self.dim(d) for d in self[cid].dims)

    # -- reading ----------------------------------------------------------------------------------
    def const(self, cid):
        return self[cid].const

    def take_touched(self):
        touched, self.touched = self.touched, set()
        return {self.find(c) for c in touched}

    def ancestor_levels(self, classes, depth):
        """``{class: distance}`` for ``classes`` (0) and the classes using them, ``depth`` levels up."""
        find = self.find
        out = {find(c): 0 for c in classes}
        frontier = list(out)
        for level in range(1, depth + 1):
            nxt = []
            for c in frontier:
                cls = self.classes.get(c)
                if cls is None:
                    continue
                for _, p in cls.parents:
                    p = find(p)
                    if p not in out:
                        out[p] = level
                        nxt.append(p)
            if not nxt:
                break
            frontier = nxt
        return out
