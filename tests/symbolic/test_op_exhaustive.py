"""Every Op class anywhere in rewrax declares its whole contract.

For each concrete subclass of ``rewrax.symbolic.Op`` (every module of every rewrax package
is imported first, so Ops added later by anyone are found):

- a JAX lowering (an entry in ``rewrax.lower_jax.LOWERINGS`` for the class or a base),
- a pullback (its own ``pullback``, which may return ``None`` / ``UndefinedGrad`` entries to
  say that there is no derivative),
- a vectorization rule (its own ``vectorize`` or the ``Blockwise`` default),
- a NumPy reference (``perform``), or ``has_perform = False`` declared explicitly.

Abstract bases (a leading underscore, or ``abstract = True`` in the class body) and Ops that
tests define outside the rewrax packages are skipped.
"""

import importlib
import pkgutil

import pytest

import rewrax  # noqa: F401
from rewrax.lower_jax import LOWERINGS
from rewrax.symbolic.op import Op

PACKAGES = ("rewrax.symbolic", "rewrax.rewrites", "rewrax.lower_jax", "rewrax.model", "rewrax.samplers")


def _import_everything():
    failures = []
    for name in PACKAGES:
        pkg = importlib.import_module(name)
        for info in pkgutil.walk_packages(pkg.__path__, name + "."):
            try:
                importlib.import_module(info.name)
            except Exception as exc:  # reported by test_every_module_imports
                failures.append(f"{info.name}: {type(exc).__name__}: {exc}")
    return failures


IMPORT_FAILURES = _import_everything()


def _all_subclasses(cls):
    for sub in cls.__subclasses__():
        yield sub
        yield from _all_subclasses(sub)


def concrete_ops():
    ops = {}
    for cls in _all_subclasses(Op):
        if cls.__name__.startswith("_") or cls.__dict__.get("abstract", False):
            continue
        if not cls.__module__.startswith("rewrax."):  # Ops that tests define for themselves
            continue
        ops[f"{cls.__module__}.{cls.__qualname__}"] = cls
    return dict(sorted(ops.items()))


def _declares(cls, attr):
    """Whether some class between ``cls`` and ``Op`` (exclusive) defines ``attr``."""
    return any(attr in klass.__dict__ for klass in cls.__mro__ if klass is not Op and issubclass(klass, Op))


def missing_parts(cls):
    missing = []
    if not any(klass in LOWERINGS for klass in cls.__mro__):
        missing.append("a JAX lowering (@rewrax.lower_jax.register(OpClass) in lower_jax/)")
    if not _declares(cls, "pullback"):
        missing.append("a pullback (return None / UndefinedGrad entries if there is no derivative)")
    if not callable(getattr(cls, "vectorize", None)):
        missing.append("a vectorize rule (or leave Op.vectorize, the Blockwise default)")
    has_perform = cls.__dict__.get("has_perform", getattr(cls, "has_perform", True))
    if not _declares(cls, "perform") and not (has_perform is False and _declares(cls, "has_perform")):
        missing.append("a NumPy reference perform(node, inputs), or has_perform = False "
                       "(with the reason in no_perform_reason)")
    return missing


def test_every_module_imports():
    assert not IMPORT_FAILURES, "modules that fail to import (their Ops cannot be checked):\n" + \
        "\n".join(IMPORT_FAILURES)


def test_the_walk_finds_the_core_ops():
    names = {cls.__name__ for cls in concrete_ops().values()}
    for expected in ("Elemwise", "DimShuffle", "Sum", "Subtensor", "Cholesky", "Scan", "IfElse", "Blockwise",
                     "JaxOp", "Check"):
        assert expected in names


def test_every_op_declares_lowering_pullback_vectorize_and_reference():
    report = {name: missing_parts(cls) for name, cls in concrete_ops().items()}
    report = {name: parts for name, parts in report.items() if parts}
    lines = [f"{name} lacks " + "; ".join(parts) for name, parts in report.items()]
    assert not report, f"{len(report)} Op class(es) are incomplete:\n" + "\n".join(lines)


def test_the_check_itself_reports_a_bare_op():
    class _Bare(Op):  # leading underscore: the walk above never sees it
        def make_node(self, x):
            raise NotImplementedError

    parts = missing_parts(_Bare)
    assert any("lowering" in p for p in parts)
    assert any("pullback" in p for p in parts)
    assert any("NumPy reference" in p for p in parts)


@pytest.mark.parametrize("name", ["rewrax.symbolic.vjp.VJP"])
def test_ops_without_reference_say_so_explicitly(name):
    cls = concrete_ops()[name]
    assert cls.has_perform is False
