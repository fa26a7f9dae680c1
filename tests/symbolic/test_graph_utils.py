"""Graph walking and surgery: ancestors, graph_inputs, toposort, clone_replace, graph_replace."""

import numpy as np
import pytest

import rewrax as rx
import rewrax.symbolic as pt


def _graph():
    x, y = pt.scalar("x"), pt.vector("y")
    z = x + y
    z.name = "x + y"
    w = pt.log(z)
    w.name = "log(x + y)"
    return x, y, z, w


def test_roots_owners_and_the_bipartite_structure():
    x, y, z, w = _graph()
    assert x.owner is None and y.owner is None
    node = z.owner
    assert node.outputs == [z] and z.index == 0 and node.op == pt.add(x, y).owner.op
    assert node.inputs[1] is y and node.inputs[0].owner.inputs == [x]
    assert w.owner.inputs[0] is z


def test_ancestors_graph_inputs_and_toposort():
    x, y, z, w = _graph()
    anc = rx.ancestors([w])
    assert anc[0] is w and {id(v) for v in anc} >= {id(x), id(y), id(z)}
    assert set(map(id, rx.graph_inputs([w]))) == {id(x), id(y)}
    assert rx.graph_inputs([w], blockers=[z]) == [z]
    order = rx.toposort(w)
    assert [str(n.op) for n in order] == ["ExpandDims{axis=0}", "Add", "Log"]
    assert rx.io_toposort([z], [w]) == [w.owner]
    c = pt.constant(2.0)
    shared = rx.shared(np.ones(2), name="s")
    assert set(map(id, rx.explicit_graph_inputs([w * c + shared]))) == {id(x), id(y)}


def test_toposort_of_a_deep_graph_does_not_recurse():
    x = pt.scalar("x")
    out = x
    for _ in range(5000):
        out = pt.exp(out) * 0.5
    assert len(rx.toposort(out)) == 10000


def test_clone_replace_list_in_list_out_variable_in_variable_out():
    x, y, z, w = _graph()
    new = rx.clone_replace([w], replace={z: pt.exp(z)})
    assert isinstance(new, list) and len(new) == 1
    assert new[0] is not w and new[0].name == "log(x + y)"
    assert str(new[0].owner.inputs[0].owner.op) == "Exp"
    assert set(map(id, rx.graph_inputs(new))) == {id(x), id(y)}  # roots are not copied
    single = rx.clone_replace(w, {z: pt.exp(z)})
    assert isinstance(single, pt.Variable) and single.name == "log(x + y)"
    np.testing.assert_allclose(single.eval({x: 0.0, y: [1.0, np.e]}), [1.0, np.e])
    assert w.owner.inputs[0] is z  # the original is untouched


def test_clone_replace_without_replacements_copies_every_node():
    *_, w = _graph()
    copy = rx.clone_replace(w)
    assert copy is not w and copy.owner is not w.owner
    assert rx.dprint(copy, file="str") == rx.dprint(w, file="str")


def test_graph_replace_reuses_untouched_nodes_and_checks_types():
    x, y, z, w = _graph()
    m = pt.vector("other") * 2
    out = pt.stack([w.sum(), m.sum()])
    new = rx.graph_replace(out, {x: pt.exp(x)})
    assert any(node is m.owner for node in rx.toposort(new))  # the branch without x is reused
    assert not any(node is w.owner for node in rx.toposort(new))
    truncated = rx.graph_replace(w, {z: pt.vector("x_plus_1", shape=(None,))})
    assert [v.name for v in rx.graph_inputs([truncated])] == ["x_plus_1"]
    with pytest.raises(ValueError, match="is not part of the graph"):
        rx.graph_replace(w, {pt.scalar("q"): x})
    with pytest.raises(TypeError, match="the dtype and the number of dimensions must match"):
        rx.graph_replace(w, {y: pt.matrix("m")})


def test_replacing_with_a_non_variable_builds_a_constant():
    x, y, z, w = _graph()
    new = rx.clone_replace(w, {x: 1.0})
    np.testing.assert_allclose(new.eval({y: [0.0, 1.0]}), np.log([1.0, 2.0]))


def test_graphs_are_immutable_under_every_manipulation():
    x, y, z, w = _graph()
    before = rx.dprint(w, file="str")
    rx.clone_replace(w, {z: pt.exp(z)})
    rx.graph_replace(w, {x: pt.exp(x)})
    rx.vectorize_graph(w, {y: pt.matrix("Y")})
    rx.function([x, y], w)
    w.eval({x: 0.0, y: [1.0]})
    assert rx.dprint(w, file="str") == before


def test_eval_with_intermediate_values():
    x, y, z, w = _graph()
    np.testing.assert_allclose(w.eval({z: [1.0, np.e]}), [0.0, 1.0])
    np.testing.assert_allclose(w.eval({z: [np.e ** 2, 10.0]}), [2.0, np.log(10.0)])
    np.testing.assert_allclose(w.eval({x: 0, y: [1, np.e]}), [0.0, 1.0])
