"""The README's Python examples run as written (a newcomer copies them first)."""

import numpy as np
import pytest

from doc_examples import python_blocks, run_blocks

BLOCKS = python_blocks("README.md")


def test_the_readme_has_examples():
    assert len(BLOCKS) >= 2


@pytest.mark.parametrize("k", range(len(BLOCKS)))
def test_readme_example_runs(k):
    namespace = run_blocks("README.md", [BLOCKS[k]])
    if "idata" in namespace:  # the sampling example: the posterior is where the data put it
        post = namespace["idata"].posterior
        y = namespace["y"]
        assert abs(float(post["mu"].mean()) - y.mean()) < 0.1
        assert np.all(post["sigma"].values > 0)
    if "f" in namespace:  # the first graph: log(x + y)
        np.testing.assert_allclose(namespace["f"](x=0, y=[1, np.e]), [0.0, 1.0])
