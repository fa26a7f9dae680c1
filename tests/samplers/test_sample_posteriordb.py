"""rx.sample against posteriordb's reference posteriors (tests/data/posteriordb).

Tolerances follow tests/data/posteriordb/README.md and issue 7: each posterior mean within
``4 * sqrt(sd_ref**2 / ESS + mcse_ref**2)`` of the reference and within 0.1 reference sd
(plus that Monte Carlo error); each sd within 10 % (15 % for heavy-tailed scales); R-hat below
1.01; at most a handful of divergences. The models are the model layer's builders
(tests/model/posteriordb_models.py). The centred eight schools has the same posterior and a
funnel: sampling it must report divergences.
"""

from __future__ import annotations

import sys
import warnings
from pathlib import Path

import numpy as np
import pytest

import rewrax as rx
from rewrax.samplers.diagnostics import diagnostics

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "model"))
import posteriordb_models as pdb  # noqa: E402

#: name -> sample() settings (as posteriordb's Stan runs needed: adapt_delta, dense metric)
CASES = {
    "eight_schools-eight_schools_noncentered": dict(target_accept=0.9),
    "kidiq-kidscore_momiq": {},
    "mesquite-logmesquite": {},
    "earnings-log10earn_height": {},
    "arK-arK": {},
    "gp_pois_regr-gp_pois_regr": dict(target_accept=0.99),
    "nes1972-nes": {},
    "sblrc-blr": {},
    "garch-garch11": {},
    "low_dim_gauss_mix-low_dim_gauss_mix": {},
    "kilpisjarvi_mod-kilpisjarvi": dict(init="jitter+adapt_full"),
    "diamonds-diamonds": dict(init="jitter+adapt_full"),
}
HEAVY_TAILED = {"tau"}


def reference_draws(result, key):
    """The draws of ``theta[3]``-style reference entry ``key`` (1-based indices), (chain, draw)."""
    name, _, index = key.partition("[")
    values = result.posterior[name].values
    if index:
        idx = tuple(int(i) - 1 for i in index.rstrip("]").split(","))
        values = values[(slice(None), slice(None)) + idx]
    return values


@pytest.mark.slow
@pytest.mark.parametrize("name", list(CASES))
def test_posterior_matches_reference(name):
    model, _, reference = pdb.load(name)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        result = rx.sample(1000, tune=1000, chains=4, model=model, random_seed=20250429, progressbar=False,
                           **CASES[name])
    warned = [str(w.message) for w in caught if issubclass(w.category, rx.ConvergenceWarning)]
    assert not [m for m in warned if "divergence" not in m]  # no R-hat / ESS / tree-depth warning
    assert result.sample_stats["diverging"].values.sum() <= 4
    keys = list(reference)
    draws = np.stack([reference_draws(result, k) for k in keys], axis=-1)
    rhat, ess, _ = diagnostics(draws)
    assert np.all(rhat < 1.01), dict(zip(keys, rhat))
    for j, key in enumerate(keys):
        ref, x = reference[key], draws[..., j].ravel()
        mc_error = np.sqrt(ref["sd"] ** 2 / ess[j] + ref["mcse_mean_approx"] ** 2)
        assert abs(x.mean() - ref["mean"]) <= min(4 * mc_error, 0.1 * ref["sd"] + mc_error), key
        sd_tol = 0.15 if key.split("[")[0] in HEAVY_TAILED else 0.1
        assert abs(x.std(ddof=1) / ref["sd"] - 1) <= sd_tol, key


@pytest.mark.slow
def test_centred_eight_schools_reports_divergences():
    data, _ = pdb._read("eight_schools-eight_schools_noncentered")
    with rx.Model() as model:
        mu = rx.Normal("mu", 0.0, 5.0)
        tau = rx.HalfCauchy("tau", 5.0)
        rx.Normal("theta", mu, tau, shape=data["J"])
        rx.Normal("y", model["theta"], np.asarray(data["sigma"], float), observed=np.asarray(data["y"], float))
    with pytest.warns(rx.ConvergenceWarning, match="divergences after tuning"):
        result = rx.sample(1000, tune=1000, chains=4, model=model, random_seed=1, progressbar=False)
    assert result.sample_stats["diverging"].values.sum() > 10
