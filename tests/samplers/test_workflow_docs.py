"""docs/workflow.md: its examples run as a reader would run them, in order."""

from __future__ import annotations

import pytest

from doc_examples import python_blocks, run_blocks


@pytest.mark.slow
def test_workflow_page_examples_run():
    blocks = python_blocks("docs/workflow.md")
    assert len(blocks) == 5
    run_blocks("docs/workflow.md", blocks)
