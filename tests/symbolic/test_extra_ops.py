"""pt.extra_ops and pt.special against NumPy/SciPy, with gradients where they exist."""

from __future__ import annotations

import numpy as np
import pytest
import scipy.special as sp
from test_grad_support import check_grad

import rewrax as rx
import rewrax.symbolic as pt
from rewrax.lower_jax import LoweringError

eo, spc = pt.extra_ops, pt.special
X = np.array([3.0, 1.0, 4.0, 1.0, 5.0, 9.0])
INTS = np.array([0, 1, 1, 3, 2, 1, 7])

CASES = {
    "bartlett 5": (lambda: eo.bartlett(5), lambda: np.bartlett(5)),
    "bartlett 1": (lambda: eo.bartlett(1), lambda: np.bartlett(1)),
    "bincount": (lambda: eo.bincount(INTS), lambda: np.bincount(INTS)),
    "bincount weights minlength": (lambda: eo.bincount(INTS, X[:1].repeat(7) + np.arange(7), minlength=10),
                                   lambda: np.bincount(INTS, X[:1].repeat(7) + np.arange(7), minlength=10)),
    "compress": (lambda: eo.compress([True, False, True], np.arange(6.0).reshape(3, 2), axis=0),
                 lambda: np.compress([True, False, True], np.arange(6.0).reshape(3, 2), axis=0)),
    "diff 2": (lambda: eo.diff(X, n=2), lambda: np.diff(X, n=2)),
    "diff axis 0": (lambda: eo.diff(X.reshape(2, 3), axis=0), lambda: np.diff(X.reshape(2, 3), axis=0)),
    "fill_diagonal": (lambda: eo.fill_diagonal(np.zeros((3, 4)), 2.0), lambda: _fill(np.zeros((3, 4)), 2.0)),
    "fill_diagonal_offset": (lambda: eo.fill_diagonal_offset(np.zeros((3, 4)), 2.0, -1),
                             lambda: _offset(-1)),
    "linspace": (lambda: eo.linspace(0.0, 1.0, 7), lambda: np.linspace(0.0, 1.0, 7)),
    "linspace no endpoint axis 1": (lambda: eo.linspace([0.0, 1.0], [1.0, 3.0], 4, endpoint=False, axis=1),
                                    lambda: np.linspace([0.0, 1.0], [1.0, 3.0], 4, endpoint=False, axis=1)),
    "logspace": (lambda: eo.logspace(0.0, 2.0, 5, base=2.0), lambda: np.logspace(0.0, 2.0, 5, base=2.0)),
    "geomspace": (lambda: eo.geomspace(1.0, 1000.0, 4), lambda: np.geomspace(1.0, 1000.0, 4)),
    "ravel_multi_index": (lambda: eo.ravel_multi_index(([1, 2], [0, 3]), (3, 4)),
                          lambda: np.ravel_multi_index(([1, 2], [0, 3]), (3, 4))),
    "ravel_multi_index F wrap": (lambda: eo.ravel_multi_index(([1, 5], [0, 3]), (3, 4), mode="wrap", order="F"),
                                 lambda: np.ravel_multi_index(([1, 5], [0, 3]), (3, 4), mode="wrap", order="F")),
    "unravel_index": (lambda: eo.unravel_index([5, 11], (3, 4)), lambda: np.unravel_index([5, 11], (3, 4))),
    "searchsorted": (lambda: eo.searchsorted(np.sort(X), [1.0, 4.5, 10.0]),
                     lambda: np.searchsorted(np.sort(X), [1.0, 4.5, 10.0])),
    "searchsorted right sorter": (lambda: eo.searchsorted(X, [1.0, 4.0], side="right", sorter=np.argsort(X)),
                                  lambda: np.searchsorted(X, [1.0, 4.0], side="right", sorter=np.argsort(X))),
    "unique": (lambda: eo.unique(X), lambda: np.unique(X)),
    "unique all": (lambda: eo.unique(INTS, True, True, True), lambda: np.unique(INTS, True, True, True)),
    "concat_with_broadcast": (lambda: eo.concat_with_broadcast([np.ones((2, 1)), np.zeros((1, 3))], axis=1),
                              lambda: np.concatenate([np.ones((2, 1)), np.zeros((2, 3))], axis=1)),
    "broadcast_shape": (lambda: eo.broadcast_shape(np.ones((2, 1)), np.ones(3)), lambda: (2, 3)),
    "beta": (lambda: spc.beta(2.5, [0.5, 3.0]), lambda: sp.beta(2.5, [0.5, 3.0])),
    "betaln": (lambda: spc.betaln(2.5, 3.0), lambda: sp.betaln(2.5, 3.0)),
    "factorial": (lambda: spc.factorial(np.array([0.0, 4.0, 5.5])), lambda: sp.factorial(np.array([0.0, 4.0, 5.5]))),
    "poch": (lambda: spc.poch(np.array([3.0, -2.5]), 2.0), lambda: sp.poch(np.array([3.0, -2.5]), 2.0)),
    "softmax all axes": (lambda: spc.softmax(X.reshape(2, 3)), lambda: sp.softmax(X.reshape(2, 3))),
    "log_softmax axis": (lambda: spc.log_softmax(X.reshape(2, 3), axis=0), lambda: sp.log_softmax(X.reshape(2, 3), 0)),
    "logit": (lambda: spc.logit(0.2), lambda: sp.logit(0.2)),
}


def _fill(a, v):
    a = a.copy()
    np.fill_diagonal(a, v)
    return a


def _offset(k):
    a = np.zeros((3, 4))
    rows = np.arange(max(0, -k), 3)
    cols = rows + k
    keep = cols < 4
    a[rows[keep], cols[keep]] = 2.0
    return a


@pytest.mark.parametrize("name", list(CASES))
def test_values_match_numpy_scipy(name):
    build, ref = CASES[name]
    got, want = build(), ref()
    if isinstance(want, tuple):
        for g, w in zip(got, want):
            np.testing.assert_allclose(g.eval() if hasattr(g, "eval") else g, w, rtol=1e-12)
    else:
        np.testing.assert_allclose(got.eval(), want, rtol=1e-12)


def test_gradients():
    check_grad(lambda x: eo.diff(x, n=2), [X])
    check_grad(lambda x: eo.linspace(x[0], x[1], 5), [X[:2]])
    check_grad(lambda x: eo.fill_diagonal(x, 3.0), [X.reshape(2, 3)])
    check_grad(lambda w: eo.bincount(INTS, w), [np.arange(7.0)])
    check_grad(lambda a, b: spc.beta(a, b) + spc.poch(a, b), [np.array([2.5, 3.0]), np.array([0.7, 1.5])])


def test_data_dependent_shapes_compile_only_on_constants():
    x = pt.vector("x")
    with pytest.raises(LoweringError, match="number of unique values"):
        rx.function([x], eo.unique(x))(X)
    np.testing.assert_array_equal(rx.function([x], x[:3] + eo.unique(np.array([2.0, 1.0, 2.0, 3.0])))(X),
                                  X[:3] + [1.0, 2.0, 3.0])
    f = rx.function([x], eo.searchsorted(x, 4.2))  # a run-time sorted vector is fine
    assert int(f(np.sort(X))) == np.searchsorted(np.sort(X), 4.2)


def test_bad_input_is_named():
    with pytest.raises(ValueError, match="side must be 'left' or 'right'"):
        eo.searchsorted(X, 1.0, side="middle")
    with pytest.raises(ValueError, match="x must be a sorted vector"):
        eo.searchsorted(X.reshape(2, 3), 1.0)
    with pytest.raises(TypeError, match="bincount: x must be an integer vector"):
        eo.bincount(X)
    with pytest.raises(ValueError, match="at least one dimensional"):
        eo.diff(pt.scalar("s"))
    with pytest.raises(ValueError, match="dims must be known"):
        eo.ravel_multi_index(([0],), pt.lvector("d"))
    with pytest.raises(ValueError, match="linspace: num must be non-negative"):
        eo.linspace(0.0, 1.0, -1)
    with pytest.raises(Exception, match="ravel_multi_index: invalid entry"):
        eo.ravel_multi_index(([5],), (3,)).eval()


def test_pt_top_level_has_the_extra_ops():
    for name in ("diff", "unique", "bincount", "searchsorted", "linspace", "ravel_multi_index"):
        assert getattr(pt, name) is getattr(eo, name)
