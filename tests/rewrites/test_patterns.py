"""The rule language: parsing, errors, and compiled matching == the reference interpreter."""

from __future__ import annotations

import pytest
from hypothesis import given, settings

import rewrax.symbolic as pt
from rewrax.rewrites import DEFAULT_RULES, PatternError, RuleSet, parse_rule, rule, rules
from rewrax.rewrites.egraph import EGraph
from rewrax.rewrites.matcher import compile_pattern
from rewrax.rewrites.pattern import match_node, parse_term, variables
from rewrax.rewrites.pipeline import ingest, saturate
from test_rewrite_properties import anything


def _matches(pattern, expr):
    eg = EGraph()
    (root,), _ = ingest(eg, [expr])
    pat = parse_term(pattern)
    fast, slow = [], []
    for node in eg[root].nodes:
        if pat.accepts(eg.ops[node[0]]):
            compile_pattern(pat)(eg, node, fast, eg.head_ids(compile_pattern(pat).heads))
            slow.extend(match_node(eg, pat, node, {}))
    return eg, fast, slow


def test_parse_shows_the_pattern_back():
    assert repr(parse_term("log(add(1, ?x...))")) == "log(add(1, ?x...))"
    assert repr(parse_term("Sum:s(exp(?x))")) == "Sum:s(exp(?x))"
    assert repr(parse_term("Subtensor(Elemwise:e, ...)")) == "Subtensor(Elemwise:e, ...)"
    assert variables(parse_term("mul(?b, true_div(?a, ?b))")) == ["b", "a"]


@pytest.mark.parametrize("text, message", [
    ("log1p_bad: logg(?x) -> ?x", "unknown element-wise op"),
    ("bad: Nope(?x) -> ?x", "unknown Op class"),
    ("bad: log(?x -> ?x", "unbalanced"),
    ("bad: sub(?x...) -> ?x", "associative"),
    ("bad: log(?x) -> exp(?y)", "unbound"),
    ("bad: log(?x) -> frob(?x)", "unknown function"),
    ("bad: log(?x) -> ?x if shiny(?x)", "unknown guard"),
    ("no arrow here", "name: pattern -> replacement"),
])
def test_bad_rules_are_reported(text, message):
    with pytest.raises(PatternError, match=message):
        parse_rule(text, {"mine"})


def test_rule_names_and_sets():
    with pytest.raises(ValueError, match="snake_case"):
        parse_rule("BadName: log(?x) -> ?x", {"t"})
    one = rules("t", ["first: log(exp(?x)) -> ?x"])
    with pytest.raises(ValueError, match="unique"):
        one + one
    both = one + rules("u", ["second: exp(log(?x)) -> ?x"])
    assert [r.name for r in both] == ["first", "second"] and both.tags == ["t", "u"]
    assert [r.name for r in both.select(("u",))] == ["second"]
    assert [r.name for r in both.select(("t", "u"), exclude=("first",))] == ["second"]
    assert "first" in both and both["second"].tags == {"u"}


def test_commutative_ops_match_in_both_orders():
    x, y = pt.vector("x"), pt.vector("y")
    for expr in (pt.mul(y, pt.true_div(x, y)), pt.mul(pt.true_div(x, y), y)):
        _, fast, slow = _matches("mul(?b, true_div(?a, ?b))", expr)
        assert len(fast) == len(slow) == 1


def test_rest_variables_take_the_remaining_children():
    a, b, c = pt.scalar("a"), pt.scalar("b"), pt.scalar("c")
    eg, fast, slow = _matches("add(1.5, ?x...)", pt.add(a, 1.5, b, c))
    assert len(fast) == len(slow) == 1
    _, op_id, kids = fast[0]["x"]
    assert len(kids) == 3


def test_literals_match_constant_classes_of_any_shape():
    x = pt.vector("x")
    _, fast, _ = _matches("add(1, ?x)", 1 + x)  # the 1 is ExpandDims(1), folded to [1]
    assert len(fast) == 1
    _, fast, _ = _matches("add(2, ?x)", 1 + x)
    assert fast == []


@pytest.mark.filterwarnings("ignore::rewrax.rewrites.RewriteLimitWarning")  # 3 iterations on purpose
@settings(max_examples=40, deadline=None)
@given(expr=anything(3))
def test_compiled_matchers_agree_with_the_interpreter(expr):
    eg = EGraph()
    ingest(eg, [expr])
    saturate(eg, ("canonicalize", "stabilize"), iter_limit=3)
    eg.canonicalize_all()
    for r in DEFAULT_RULES:
        fn = r.matcher
        heads = eg.head_ids(fn.heads)
        for cid, cls in list(eg.classes.items()):
            for node in cls.nodes:
                if not r.accepts(eg.ops[node[0]]):
                    continue
                fast = []
                fn(eg, node, fast, heads)
                slow = list(match_node(eg, r.pattern, node, {}))
                assert _canon(eg, fast) == _canon(eg, slow), r.name


def _canon(eg, substs):
    out = []
    for s in substs:
        items = []
        for k, v in s.items():
            if type(v) is int:
                items.append((k, eg.find(v)))
            elif v[0] == "rest":
                items.append((k, tuple(sorted(eg.find(c) for c in v[2]))))
            else:
                items.append((k, eg.canon(v)))
        out.append(tuple(sorted(items)))
    return sorted(out)


def test_code_rules_see_the_match():
    seen = {}

    def spy(m):
        seen["x"] = m.x
        seen["const"] = m.const("c")
        return None

    r = rule("spy_rule", "mul(?c, exp(?x))", spy, guard="const(?c)")
    assert isinstance(RuleSet([r]), RuleSet)
    eg = EGraph()
    x = pt.vector("x")
    (root,), _ = ingest(eg, [2.0 * pt.exp(x)])
    from rewrax.rewrites.runner import Runner

    Runner(eg).run("spy", [r])
    assert seen["x"] is x and float(seen["const"][0]) == 2.0
