"""rewrax.rewrites: the e-graph rewrite engine and the canonicalize / stabilize / specialize databases."""

from rewrax.rewrites.canonicalize import CANONICALIZE  # noqa: F401
from rewrax.rewrites.egraph import EGraph, RewriteTypeError  # noqa: F401
from rewrax.rewrites.extract import default_cost, extract  # noqa: F401
from rewrax.rewrites.grad_cost import stabilize_cost  # noqa: F401  (registers itself with rx.grad)
from rewrax.rewrites.pattern import PatternError, op_class  # noqa: F401
from rewrax.rewrites.pipeline import (  # noqa: F401
    DEFAULT_RULES, PIPELINE, all_rules, register, rewrite_graph, unregister,
)
from rewrax.rewrites.rulesets import GUARDS, Match, Rule, RuleSet, guard, parse_rule, rule, rules  # noqa: F401
from rewrax.rewrites.runner import Limits, Report, RewriteLimitWarning  # noqa: F401
from rewrax.rewrites.specialize import SPECIALIZE  # noqa: F401
from rewrax.rewrites.stabilize import STABILIZE  # noqa: F401
