"""The code blocks of docs/gradients.md run, in order, in one namespace."""

from __future__ import annotations

import pytest

from doc_examples import ROOT, python_blocks, run_blocks

PAGE = "docs/gradients.md"


@pytest.mark.skipif(not (ROOT / PAGE).exists(), reason="docs/gradients.md is not in this checkout")
def test_gradients_guide_examples_run(capsys):
    assert len(python_blocks(PAGE)) >= 8
    run_blocks(PAGE)
    printed = capsys.readouterr().out
    assert "integer-valued" in printed and "input 0 of gammainc" in printed and "random draws" in printed
