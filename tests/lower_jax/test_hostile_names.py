"""Variable names are data, never code: hostile names print, compile and run.

rewrax's lowering does not generate Python source (the interpreter walks Apply nodes and calls
JAX), and this test proves it: ``exec``/``eval``/``compile`` are made to fail while graphs
with hostile names are compiled and run, and the names' payloads never execute.
"""

import builtins
import sys

import numpy as np
import pytest

import rewrax as rx
import rewrax.symbolic as pt

HOSTILE = [
    "__import__('os').system('touch /tmp/rewrax_pwned')",
    "x'); import os; os.system('touch /tmp/rewrax_pwned'); ('",
    'a"b\'c',
    "line1\nline2\r\n\tTab",
    "{x} {0} {{}} %s %(name)s",
    "\\u0000 \\n \\\\",
    "λ σ_log__ 数据 🙂",
    "",
    " ",
    "def f(): pass",
    "x + y",
    "[id A]",
    "└─ ···",
]


@pytest.fixture
def no_code_generation(monkeypatch):
    """Fail if any rewrax module calls exec/eval/compile (JAX and the stdlib still may)."""
    calls = []

    def guard(original):
        def wrapper(*args, **kwargs):
            caller = sys._getframe(1).f_globals.get("__name__", "")
            if caller.startswith("rewrax"):
                calls.append((caller, original.__name__))
            return original(*args, **kwargs)

        return wrapper

    for name in ("exec", "eval", "compile"):
        monkeypatch.setattr(builtins, name, guard(getattr(builtins, name)))
    yield
    assert not calls, f"rewrax generated Python source: {calls}"


@pytest.mark.parametrize("name", HOSTILE)
def test_hostile_names_print_compile_and_run(name, no_code_generation):
    x = pt.vector(name)
    s = pt.scalar(name + "2")
    z = pt.exp(x) * s
    z.name = "z:" + name
    out = pt.log(z)
    out.name = name + "!"
    text = rx.dprint(out, file="str")
    assert text.count(name) >= 1 if name.strip() else True
    assert "'" + name + "!'" in text
    f = rx.function([x, s], [out, z], mode="FAST_COMPILE")
    xv = np.array([0.0, 1.0])
    got_out, got_z = f(xv, 2.0)
    np.testing.assert_allclose(got_out, np.log(np.exp(xv) * 2.0))
    np.testing.assert_allclose(f(**{name: xv, name + "2": 2.0})[1], got_z)
    np.testing.assert_allclose(out.eval({name: xv, name + "2": 2.0}), got_out)
    assert name in rx.dprint(f, file="str")


def test_hostile_names_in_inner_graphs_and_errors(no_code_generation):
    name = HOSTILE[0]
    x = pt.vector(name)
    ys, _ = pt.scan(lambda v, acc: acc + v, sequences=[x], outputs_info=[np.float64(0)], name=name)
    branch = pt.ifelse(x.sum() > 0, ys, -ys, name=name)
    f = rx.function([x], branch, mode="FAST_COMPILE")
    np.testing.assert_allclose(f(np.array([1.0, 2.0])), [1.0, 3.0])
    assert "Inner graphs:" in rx.dprint(branch, file="str")
    with pytest.raises(TypeError, match="expects 1 dimension"):
        f(np.ones((2, 2)))


def test_payloads_never_ran():
    import os

    assert not os.path.exists("/tmp/rewrax_pwned")
