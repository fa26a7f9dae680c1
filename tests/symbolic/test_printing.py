"""dprint in the seeds' format: ids, names, sharing, elision, types, depth, inner graphs."""

import io
import sys

import numpy as np

import rewrax as rx
import rewrax.symbolic as pt


def _graph():
    x, y = pt.scalar("x"), pt.vector("y")
    z = x + y
    z.name = "x + y"
    w = pt.log(z)
    w.name = "log(x + y)"
    return x, y, z, w


def test_the_seed_graph_prints_exactly():
    *_, w = _graph()
    assert rx.dprint(w, file="str") == (
        "Log [id A] 'log(x + y)'\n"
        " └─ Add [id B] 'x + y'\n"
        "    ├─ ExpandDims{axis=0} [id C]\n"
        "    │  └─ x [id D]\n"
        "    └─ y [id E]\n"
    )


def test_print_type_and_unnamed_variables():
    x = pt.tensor(shape=(3,), dtype="float64")
    y = pt.log(1 + x)
    text = y.dprint(file="str", print_type=True)
    assert text.splitlines()[0] == "Log [id A] <Vector(float64, shape=(3,))>"
    assert "1 [id D] <Scalar(int8, shape=())>" in text
    assert "<Vector(float64, shape=(3,))> [id E] <Vector(float64, shape=(3,))>" in text


def test_repeated_nodes_share_ids_and_are_elided():
    a, b = pt.scalar("a"), pt.scalar("b")
    c = a / b
    c.name = "a / b"
    d = b * c
    text = rx.dprint(d, file="str")
    assert text.count("b [id B]") == 2 and "True_div [id C] 'a / b'" in text
    e = pt.exp(a)
    text = rx.dprint(e + e * 2, file="str")
    lines = text.splitlines()
    assert sum("Exp [id B]" in line for line in lines) == 2
    assert "···" in lines[lines.index(next(line for line in lines[2:] if "Exp [id B]" in line)) + 1]


def test_ids_go_past_z():
    xs = [pt.scalar(f"v{k}") for k in range(30)]
    text = rx.dprint(pt.add(*xs), file="str")
    assert "[id BE]" in text and "v29 [id BE]" in text


def test_several_outputs_depth_and_apply_nodes():
    x = pt.vector("x")
    s, logdet = pt.slogdet(pt.outer(x, x) + pt.eye(2))
    text = rx.dprint([s, logdet], file="str")
    assert text.startswith("SlogDet.0 [id A]") and "SlogDet.1 [id A]" in text
    shallow = rx.dprint(pt.exp(pt.sin(pt.cos(x))), depth=2, file="str")
    assert shallow.splitlines() == ["Exp [id A]", " └─ Sin [id B]"]
    assert rx.dprint(pt.exp(x).owner, file="str").startswith("Exp [id A]")


def test_constants_print_their_values_and_long_ones_their_type():
    x = pt.vector("x")
    assert "[1. 2.] [id" in rx.dprint(x + np.array([1.0, 2.0]), file="str")
    assert "Constant<Vector(float64, shape=(100,))> [id" in rx.dprint(x + np.zeros(100), file="str")


def test_inner_graphs_section():
    x = pt.vector("x")
    ys, _ = pt.scan(lambda v, acc: acc + pt.exp(v), sequences=[x], outputs_info=[np.float64(0)])
    text = rx.dprint(ys, file="str")
    main, inner = text.split("Inner graphs:")
    assert main.startswith("Scan{n_seqs=1, n_states=1, n_outputs=0}")
    assert "Scan{" in inner and "← Add" in inner and "Exp" in inner


def test_output_goes_to_stdout_or_a_stream_and_the_stream_is_returned(capsys):
    *_, w = _graph()
    assert rx.dprint(w) is sys.stdout
    assert "Log [id A] 'log(x + y)'" in capsys.readouterr().out
    buf = io.StringIO()
    assert rx.dprint(w, file=buf) is buf
    assert buf.getvalue() == rx.dprint(w, file="str")
    assert w.dprint(file="str") == rx.debugprint(w, file="str")


def test_string_forms_of_variables_and_nodes():
    x, y, z, w = _graph()
    assert str(z.owner) == "Add(ExpandDims{axis=0}.0, y)"
    assert str(z.owner.inputs[0]) == "ExpandDims{axis=0}.0"
    assert str(pt.vector(shape=(3,))) == "<Vector(float64, shape=(3,))>"
    assert repr(pt.log(y).owner.op) == "Elemwise(scalar_op=log,nin=1)"
    assert str(pt.sum(y).owner.op) == "Sum{axes=None}" and str(pt.sum(pt.matrix(), axis=1).owner.op) == "Sum{axis=1}"
    assert str(pt.matrix().T.owner.op) == "Transpose{axes=[1, 0]}"
    assert str(pt.matrix()[0, 1].owner.op) == "Subtensor{i, j}"
    assert str(pt.check(y, y > 0, msg="y > 0").owner.op) == "Check{y > 0}"
