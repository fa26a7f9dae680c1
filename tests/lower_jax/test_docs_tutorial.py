"""docs/tutorial.md runs as written and prints what it shows."""

import contextlib
import io
import re
from pathlib import Path

import pytest

TUTORIAL = Path(__file__).resolve().parents[2] / "docs" / "tutorial.md"
BLOCK = re.compile(r"```python\n(.*?)```\n(?:\n```text\n(.*?)```\n)?", re.S)


def _blocks():
    return BLOCK.findall(TUTORIAL.read_text(encoding="utf-8"))


def test_the_tutorial_has_code():
    assert len(_blocks()) >= 10


def test_every_block_prints_what_the_tutorial_shows():
    namespace = {}
    for k, (code, shown) in enumerate(_blocks()):
        buf = io.StringIO()
        with contextlib.redirect_stdout(buf):
            exec(compile(code, f"{TUTORIAL.name}, block {k}", "exec"), namespace)
        printed = "\n".join(line.rstrip() for line in buf.getvalue().rstrip("\n").splitlines())
        if printed or shown:
            assert printed == shown.rstrip("\n"), f"block {k}:\n{code}"


@pytest.mark.parametrize("page", ["architecture.md", "tutorial.md"])
def test_docs_exist(page):
    assert (TUTORIAL.parent / page).exists()
