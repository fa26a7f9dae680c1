"""Writing a benchmark's results into its place in a docs page (``--write``)."""

from __future__ import annotations

import re
from pathlib import Path

DOCS = Path(__file__).resolve().parents[2] / "docs"


def write_section(heading: str, text: str, page: str = "benchmarks.md") -> None:
    """Replace the ``## heading`` section of ``docs/page`` with ``text`` (which starts with that
    heading), up to the next ``## `` heading; append it when the page has no such section."""
    path = DOCS / page
    old = path.read_text() if path.exists() else "# Benchmarks\n\n"
    pattern = re.compile(rf"## {re.escape(heading)}\n.*?(?=\n## |\Z)", re.S)
    if pattern.search(old):
        new = pattern.sub(lambda _: text.rstrip() + "\n", old)  # a function: text is not a template
    else:
        new = old.rstrip() + "\n\n" + text
    path.write_text(new)


def write_marked(name: str, text: str, page: str, heading: str | None = None) -> None:
    """Replace what stands between ``<!-- name:start -->`` and ``<!-- name:end -->`` in
    ``docs/page`` (text around the markers stays); without the markers, append a ``## heading``
    section holding them, or fail when no heading is given."""
    path = DOCS / page
    start, end = f"<!-- {name}:start -->", f"<!-- {name}:end -->"
    doc = path.read_text() if path.exists() else "# Benchmarks\n"
    block = f"{start}\n{text}\n{end}"
    if start in doc:
        head, rest = doc.split(start, 1)
        doc = head + block + rest.split(end, 1)[1]
    elif heading is not None:
        doc = doc.rstrip() + f"\n\n## {heading}\n\n" + block + "\n"
    else:
        raise RuntimeError(f"{path} has no {start} marker")
    path.write_text(doc)
