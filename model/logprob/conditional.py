"""``conditional_logp``: one log-density term per random variable, given values for all of them.

Each term is derived from the variable's own graph, then every valued random variable in
it (a parent's draw used as a parameter) is replaced by its value: the term of
``x ~ Normal(mu, 1)`` reads ``mu``'s value variable, not a draw of ``mu``.
"""

from __future__ import annotations

import warnings

from rewrax.model.logprob.abstract import is_rv
from rewrax.model.logprob.derive import derive
from rewrax.symbolic.graph import ancestors, graph_replace


def conditional_logp(rv_values, warn_rvs=True, **kwargs):
    """``{value: logp term}`` for a mapping ``{random variable: value}`` (PyMC's contract).

    Terms are named ``<value name>_logprob`` when the value is named, and come in the
    order of ``rv_values``.

    Examples
    --------
    >>> import rewrax as rx, rewrax.symbolic as pt
    >>> mu = rx.Normal.dist(0.0, 1.0); x = rx.Normal.dist(mu, 1.0)
    >>> mu_v, x_v = pt.scalar("mu"), pt.scalar("x")
    >>> terms = rx.conditional_logp({mu: mu_v, x: x_v})
    >>> sorted(v.name for v in rx.graph_inputs(list(terms.values())) if v.name)
    ['mu', 'x']
    """
    rv_values = dict(rv_values)
    raw = [derive("logp", rv, value) for rv, value in rv_values.items()]
    present = {id(v) for v in ancestors(raw)}
    replacements = {rv: value for rv, value in rv_values.items() if rv is not value and id(rv) in present}
    terms = graph_replace(raw, replacements) if replacements else raw
    out = {}
    for value, term in zip(rv_values.values(), terms):
        if getattr(value, "name", None):
            term.name = f"{value.name}_logprob"
        out[value] = term
    if warn_rvs:
        _warn_remaining_rvs(list(out.values()))
    return out


def _warn_remaining_rvs(terms):
    left = [v for v in ancestors(terms) if is_rv(v)]
    if left:
        warnings.warn(
            f"random variables {left} remain in the log-density graph: give them values "
            "(they are neither among the valued variables nor inner variables of a distribution)",
            UserWarning, stacklevel=3)
