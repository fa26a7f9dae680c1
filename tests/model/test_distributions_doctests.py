"""The runnable examples in the docstrings of the random-variable and distribution modules run."""

import doctest
import importlib
import warnings

import pytest

MODULES = [
    "rewrax.symbolic.random.basic", "rewrax.symbolic.random.discrete", "rewrax.symbolic.random.multivariate",
    "rewrax.symbolic.random.meta", "rewrax.model.constraints", "rewrax.model.forward",
    "rewrax.model.logprob.abstract", "rewrax.model.logprob.checks", "rewrax.model.logprob.conditional",
    "rewrax.model.distributions.distribution", "rewrax.model.distributions.continuous",
    "rewrax.model.distributions.discrete", "rewrax.model.distributions.multivariate",
    "rewrax.model.distributions.wrappers", "rewrax.model.distributions.params",
]


@pytest.mark.parametrize("name", MODULES)
def test_docstring_examples(name):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        result = doctest.testmod(importlib.import_module(name), optionflags=doctest.ELLIPSIS | doctest.NORMALIZE_WHITESPACE)
    assert result.failed == 0
