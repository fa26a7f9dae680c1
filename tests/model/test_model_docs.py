"""The code blocks of docs/model.md run, in order, in one namespace."""

from __future__ import annotations

import pytest

from doc_examples import ROOT, python_blocks, run_blocks

PAGE = "docs/model.md"


@pytest.mark.skipif(not (ROOT / PAGE).exists(), reason="docs/model.md is not in this checkout")
def test_model_guide_examples_run(capsys):
    pytest.importorskip("blackjax")
    assert len(python_blocks(PAGE)) >= 10
    run_blocks(PAGE)
    printed = capsys.readouterr().out
    # the printed forms the guide shows
    for line in ("   mu ~ Normal(0, 2)", "sigma ~ HalfNormal(0, 3)", "'sigma_log___logprob'",
                 "This does not respect one of the following constraints: sigma > 0",
                 "['x_unobserved'] ['x_observed'] ['x']", "[('mu', 'x'), ('sigma', 'x')]"):
        assert line in printed, line
