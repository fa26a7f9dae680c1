"""The code blocks of docs/gradients.md run, in order, in one namespace."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

DOC = Path(__file__).resolve().parents[2] / "docs" / "gradients.md"


@pytest.mark.skipif(not DOC.exists(), reason="docs/gradients.md is not in this checkout")
def test_gradients_guide_examples_run(capsys):
    blocks = re.findall(r"```python\n(.*?)```", DOC.read_text(), re.S)
    assert len(blocks) >= 8
    namespace = {}
    for k, block in enumerate(blocks):
        try:
            exec(compile(block, f"docs/gradients.md block {k}", "exec"), namespace)
        except Exception as exc:  # say which block failed
            raise AssertionError(f"docs/gradients.md block {k} failed: {exc!r}\n{block}") from exc
    printed = capsys.readouterr().out
    assert "integer-valued" in printed and "input 0 of gammainc" in printed and "random draws" in printed
