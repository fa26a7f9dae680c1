"""The README demo, the whole path: a graph compiled with JAX, then a model, its density
before and after rewriting, NUTS (BlackJAX, one JAX program) with a progress bar, a summary."""

from __future__ import annotations

import numpy as np


def main() -> None:
    import rewrax as rx
    import rewrax.symbolic as pt

    print("rewrax demo: build a graph, print it, compile it with JAX, run it\n")
    x = pt.scalar(name="x")
    y = pt.vector(name="y")
    z = x + y
    z.name = "x + y"
    w = pt.log(z)
    w.name = "log(x + y)"
    print("The graph of w = log(x + y):")
    rx.dprint(w)
    f = rx.function(inputs=[x, y], outputs=w)
    print("\nCompiled (topological order on the right):")
    rx.dprint(f)
    print(f"\nf(x=0, y=[1, e]) = {f(x=0, y=[1, np.e])}")
    model_demo()


def model_demo() -> None:
    import rewrax as rx

    print("\n" + "-" * 78 + "\nA model: the mean and spread of twelve measurements\n")
    y = np.array([2.1, 3.4, 1.9, 2.8, 3.6, 2.4, 3.1, 2.2, 2.9, 3.3, 2.6, 1.7])
    with rx.Model() as model:
        mu = rx.Normal("mu", 0.0, 5.0)
        sigma = rx.HalfNormal("sigma", 2.0)  # sampled as sigma_log__ = log(sigma)
        obs = rx.Normal("y", mu, sigma, observed=y)
    print(model.str_repr())
    term = model.logp(vars=[obs])
    print("\nThe density of y given the value variables, as the distributions write it:")
    rx.dprint(term)
    print("\n... and after the canonicalize, stabilize and specialize rewrites "
          "(log(exp(sigma_log__)) is gone, constants are folded):")
    rx.dprint(rx.rewrite_graph(term, include=("canonicalize", "stabilize", "specialize")))
    print("\nNUTS with BlackJAX: warm-up and draws in one compiled JAX program, 4 chains vectorized")
    idata = rx.sample(1000, tune=1000, chains=4, target_accept=0.9, model=model, random_seed=1)
    print()
    print(rx.summary(idata).to_string())
