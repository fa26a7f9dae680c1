"""What needs a fresh process: chains sharded over devices, the persistent compilation cache."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

HERE = Path(__file__).resolve().parent


def run_python(code, env=None, timeout=600):
    proc = subprocess.run([sys.executable, "-c", textwrap.dedent(code)], capture_output=True, text=True,
                          env={**os.environ, **(env or {})}, cwd=HERE, timeout=timeout)
    assert proc.returncode == 0, proc.stderr[-3000:]
    return json.loads(proc.stdout.strip().splitlines()[-1])


PARALLEL = """
    import json, numpy as np, jax
    import rewrax.samplers as rs
    from jaxmodels import conjugate_model
    jm = conjugate_model()
    kw = dict(draws=500, tune=300, chains=4, model=jm, random_seed=1, progressbar=False,
              compute_convergence_checks=False)
    par = rs.sample(chain_method="parallel", **kw).posterior["z"].values
    vec = rs.sample(chain_method="vectorized", **kw).posterior["z"].values
    try:
        rs.sample(chain_method="parallel", **{**kw, "chains": 3})
        error = ""
    except ValueError as exc:
        error = str(exc)
    print(json.dumps({"devices": len(jax.devices()), "max_diff": float(np.max(np.abs(par - vec))),
                      "mean": float(par.mean()), "error": error}))
"""


@pytest.mark.slow
def test_parallel_chains_over_two_cpu_devices():
    out = run_python(PARALLEL, env={"XLA_FLAGS": "--xla_force_host_platform_device_count=2",
                                    "REWRAX_COMPILATION_CACHE": "0"})
    assert out["devices"] == 2
    assert out["max_diff"] < 1e-8  # same program, same keys: same draws, only placed differently
    assert abs(out["mean"] - 5 / 1.04) < 0.15
    assert "divide evenly" in out["error"] and "use a multiple of 2" in out["error"]


CACHED = """
    import collections, json, jax
    seconds = collections.defaultdict(float)
    jax.monitoring.register_event_duration_secs_listener(lambda n, d, **k: seconds.__setitem__(n, seconds[n] + d))
    hits = []
    jax.monitoring.register_event_listener(lambda n, **k: hits.append(n))
    import rewrax.samplers as rs
    from jaxmodels import eight_schools
    rs.sample(200, tune=200, chains=2, model=eight_schools(), random_seed=1, progressbar=False,
              compute_convergence_checks=False)
    print(json.dumps({"backend": seconds["/jax/core/compile/backend_compile_duration"],
                      "hits": hits.count("/jax/compilation_cache/cache_hits")}))
"""


@pytest.mark.slow
def test_persistent_cache_spares_a_new_process_the_compilation(tmp_path):
    env = {"REWRAX_CACHE_DIR": str(tmp_path)}
    cold = run_python(CACHED, env=env)
    assert any(tmp_path.iterdir()), "nothing was written to the cache folder"
    warm = run_python(CACHED, env=env)
    assert cold["hits"] == 0 and warm["hits"] >= 1
    assert warm["backend"] < 0.5 * cold["backend"]
    off = run_python(CACHED, env={**env, "REWRAX_COMPILATION_CACHE": "0"})
    assert off["hits"] == 0


STORED = """
    import json, jax
    traced = []
    jax.monitoring.register_event_duration_secs_listener(
        lambda n, d, **k: traced.append(d) if n == "/jax/core/compile/jaxpr_trace_duration" else None)
    import rewrax.samplers as rs
    from rewrax.samplers import stored
    import jaxmodels
    out = rs.sample(200, tune=200, chains=2, model=getattr(jaxmodels, MODEL)(), random_seed=1, progressbar=False,
                    compute_convergence_checks=False)
    name = sorted(out.posterior)[0]
    print(json.dumps({"trace": sum(traced), "draws": out.posterior[name].values.ravel().tolist(),
                      **stored.COUNTS}))
"""


@pytest.mark.slow
def test_stored_program_spares_a_new_process_the_trace(tmp_path):
    env = {"REWRAX_CACHE_DIR": str(tmp_path)}
    run = lambda model: run_python(STORED.replace("MODEL", repr(model)), env=env)  # noqa: E731
    cold = run("eight_schools")
    files = list((tmp_path / "rewrax-programs").glob("*.jaxexport"))
    assert cold["saved"] == 1 and cold["loaded"] == 0 and len(files) == 1
    warm = run("eight_schools")
    assert warm["loaded"] == 1 and warm["saved"] == 0
    assert warm["draws"] == cold["draws"]  # the stored program is the same program
    assert warm["trace"] < 0.5 * cold["trace"]
    # another model has another fingerprint: its own program, never the first one's
    other = run("conjugate_model")
    assert other["loaded"] == 0 and other["saved"] == 1
    assert len(list((tmp_path / "rewrax-programs").glob("*.jaxexport"))) == 2
    # a damaged file is traced again and replaced, with the same draws
    files[0].write_bytes(b"not a program")
    again = run("eight_schools")
    assert again["loaded"] == 0 and again["saved"] == 1 and again["draws"] == cold["draws"]
    # with the cache off nothing is stored or loaded
    off = run_python(STORED.replace("MODEL", repr("eight_schools")), env={**env, "REWRAX_COMPILATION_CACHE": "0"})
    assert off["loaded"] == 0 and off["saved"] == 0


IMPORT_ONLY = """
    import json, jax
    before = jax.config.jax_compilation_cache_dir
    import rewrax as rx
    after_import = jax.config.jax_compilation_cache_dir
    from jaxmodels import conjugate_model
    rx.sample(50, tune=50, chains=1, model=conjugate_model(), progressbar=False, compute_convergence_checks=False,
              return_inferencedata=False)
    print(json.dumps([before, after_import, jax.config.jax_compilation_cache_dir, jax.config.jax_enable_x64]))
"""


@pytest.mark.slow
def test_no_jax_flag_is_touched_at_import(tmp_path):
    before, after_import, after_sample, x64 = run_python(IMPORT_ONLY, env={"REWRAX_CACHE_DIR": str(tmp_path)})
    assert before is None and after_import is None  # importing rewrax changes nothing
    assert after_sample == str(tmp_path)  # the first sampler run points JAX's cache at ours
    assert x64 is False  # float64 sampling ran inside jax.enable_x64(True), not by the global flag


USER_CACHE = """
    import json, jax
    jax.config.update("jax_compilation_cache_dir", USER_DIR)
    import rewrax as rx
    from jaxmodels import conjugate_model
    rx.sample(50, tune=50, chains=1, model=conjugate_model(), progressbar=False, compute_convergence_checks=False,
              return_inferencedata=False)
    print(json.dumps(jax.config.jax_compilation_cache_dir))
"""


@pytest.mark.slow
def test_the_users_jax_cache_folder_wins(tmp_path):
    mine, theirs = tmp_path / "rewrax", tmp_path / "user"
    out = run_python(USER_CACHE.replace("USER_DIR", repr(str(theirs))), env={"REWRAX_CACHE_DIR": str(mine)})
    assert out == str(theirs) and not mine.exists()
