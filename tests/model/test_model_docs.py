"""The code blocks of docs/model.md run, in order, in one namespace."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

DOC = Path(__file__).resolve().parents[2] / "docs" / "model.md"


@pytest.mark.skipif(not DOC.exists(), reason="docs/model.md is not in this checkout")
def test_model_guide_examples_run(capsys):
    pytest.importorskip("blackjax")
    blocks = re.findall(r"```python\n(.*?)```", DOC.read_text(), re.S)
    assert len(blocks) >= 10
    namespace = {}
    for k, block in enumerate(blocks):
        try:
            exec(compile(block, f"docs/model.md block {k}", "exec"), namespace)
        except Exception as exc:  # say which block failed
            raise AssertionError(f"docs/model.md block {k} failed: {exc!r}\n{block}") from exc
    printed = capsys.readouterr().out
    # the printed forms the guide shows
    for line in ("   mu ~ Normal(0, 2)", "sigma ~ HalfNormal(0, 3)", "'sigma_log___logprob'",
                 "This does not respect one of the following constraints: sigma > 0",
                 "['x_unobserved'] ['x_observed'] ['x']", "[('mu', 'x'), ('sigma', 'x')]"):
        assert line in printed, line
