"""Cross-chain samplers with chains sharded over devices: the pooled sums become all-reduces."""

from __future__ import annotations

import pytest

from test_processes import run_python

SHARDED = """
    import json, numpy as np, jax
    import rewrax as rx
    with rx.Model() as m:
        rx.Normal("x", 1.0, np.array([0.1, 1.0, 10.0]), shape=3)
    kw = dict(draws=100, tune=200, chains=8, model=m, random_seed=1, progressbar=False, step=rx.ChEES(),
              compute_convergence_checks=False)
    par = rx.sample(chain_method="parallel", **kw)
    vec = rx.sample(chain_method="vectorized", **kw)
    print(json.dumps({"devices": len(jax.devices()),
                      "max_diff": float(np.max(np.abs(par.posterior["x"].values - vec.posterior["x"].values))),
                      "steps": np.unique(par.sample_stats["step_size"].values).size}))
"""


@pytest.mark.slow
def test_chees_chains_sharded_over_two_devices_match_one_device():
    out = run_python(SHARDED, env={"XLA_FLAGS": "--xla_force_host_platform_device_count=2",
                                   "REWRAX_COMPILATION_CACHE": "0"})
    assert out["devices"] == 2
    assert out["steps"] == 1  # one step size shared by the chains on both devices
    assert out["max_diff"] < 1e-8
