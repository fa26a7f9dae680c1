"""Running the Python examples of a Markdown page of this repository, as a reader would."""

from __future__ import annotations

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PYTHON_BLOCK = re.compile(r"```python\n(.*?)```", re.S)


def python_blocks(page: str) -> list[str]:
    """The ```python blocks of ``page`` (a path from the repository root), in order."""
    return PYTHON_BLOCK.findall((ROOT / page).read_text(encoding="utf-8"))


def run_blocks(page: str, blocks=None, namespace=None) -> dict:
    """Run ``blocks`` (default: all of ``page``'s) in order in one namespace; a failure names its block."""
    namespace = {} if namespace is None else namespace
    for k, block in enumerate(python_blocks(page) if blocks is None else blocks):
        try:
            exec(compile(block, f"{page} block {k}", "exec"), namespace)  # noqa: S102 - our own docs
        except Exception as exc:
            raise AssertionError(f"{page} block {k} failed: {exc!r}\n{block}") from exc
    return namespace
