"""``rx.grad`` stabilizes a naive cost before differentiating it."""

from __future__ import annotations

import numpy as np
import scipy.special as sps

import rewrax as rx
import rewrax.symbolic as pt
from rewrax.rewrites import stabilize_cost
from rewrax.symbolic.gradient import COST_PREPROCESSORS


def test_the_stabilizer_is_registered_once():
    assert COST_PREPROCESSORS.count(stabilize_cost) == 1


def test_softplus_gradient_is_sigmoid_and_finite():
    x = pt.vector("x")
    g = rx.grad(pt.sum(pt.log(1 + pt.exp(x))), x)
    assert "Sigmoid" in rx.dprint(g, file="str")
    vals = np.array([-800.0, -30.0, 0.0, 30.0, 800.0])
    got = rx.function([x], g)(vals)
    want = sps.expit(vals)
    np.testing.assert_allclose(got, want, rtol=1e-14)


def test_unchanged_costs_are_the_same_objects():
    x = pt.vector("x")
    cost = pt.sum(pt.log1p(x))
    assert stabilize_cost(cost, [x]) is cost
    g = rx.grad(cost, x)
    # the gradient is built on the caller's graph: its Log1p is the cost's own
    assert any(v is cost.owner.inputs[0] for v in pt.graph.ancestors([g]))


def test_intermediate_wrt_and_consider_constant_survive():
    x = pt.vector("x")
    z = pt.exp(x)
    cost = pt.sum(pt.log(1 + z))
    gz = rx.grad(cost, z)  # z would vanish into softplus(x) if it were not kept
    np.testing.assert_allclose(rx.function([x], gz)(np.array([0.0, 1.0])), 1 / (1 + np.exp([0.0, 1.0])))
    gx = rx.grad(cost + pt.sum(x), x, consider_constant=[z])
    np.testing.assert_allclose(rx.function([x], gx)(np.array([0.5])), [1.0])


def test_stabilize_false_differentiates_the_graph_as_written():
    x = pt.scalar("x")
    cost = pt.log(1 + pt.exp(x))
    naive = rx.grad(cost, x, stabilize=False)
    assert "Sigmoid" not in rx.dprint(naive, file="str")
    assert np.isnan(rx.function([x], naive, mode="FAST_COMPILE")(800.0))
    assert rx.function([x], rx.grad(cost, x))(800.0) == 1.0


def test_gradient_of_a_naive_normal_density_matches_jax():
    z = pt.vector("z")
    logp = pt.sum(pt.log(pt.exp(-0.5 * z**2) / np.sqrt(2 * np.pi)))
    g = rx.function([z], rx.grad(logp, z))
    vals = np.array([-40.0, -1.0, 0.5, 40.0])
    np.testing.assert_allclose(g(vals), -vals, rtol=1e-14)
