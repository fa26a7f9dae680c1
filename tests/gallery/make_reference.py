"""Record PyMC's numbers for the gallery models into reference.json.

Run with the reference PyMC (not part of the test suite; needs no rewrax)::

    PYTHONPATH=tests/gallery /work/pymc-venv/bin/python tests/gallery/make_reference.py [name ...]

With names, only those models are recomputed and merged into the existing file. For each model it
stores the value variables (name, shape, dtype), three points in the unconstrained space (the
initial point and two seeded perturbations), ``model.compile_logp()`` and ``compile_dlogp()`` at
them (the gradient split per value variable), and posterior means, sds and bulk ESS from NUTS
(4 chains x 2000 draws after 1000 tuning steps).
"""

import json
import sys
import time
import warnings
from pathlib import Path

import arviz as az
import numpy as np
import pymc as pm
import pytensor
import pytensor.tensor as pt

from gallery_models import MINIBATCH, MODELS, PREDICT, data_fingerprint

OUT = Path(__file__).with_name("reference.json")
DRAWS, TUNE, CHAINS = 2000, 1000, 4


def fixed_points(model, seed):
    """The initial point and two perturbations of it (integers stay integers)."""
    rng = np.random.default_rng(seed)
    ip = model.initial_point()
    points = [ip]
    for scale in (0.3, 0.7):
        point = {}
        for name, value in ip.items():
            value = np.asarray(value)
            if value.dtype.kind in "iu":
                point[name] = value + rng.integers(-3, 4, size=value.shape).astype(value.dtype)
            else:
                point[name] = value + scale * rng.normal(size=value.shape)
        points.append(point)
    return points


def density_reference(model, points):
    logp_fn, dlogp_fn = model.compile_logp(), model.compile_dlogp()
    logps, grads = [], []
    for point in points:
        logps.append(float(logp_fn(point)))
        flat, k, grad = np.asarray(dlogp_fn(point)), 0, {}
        for v in model.continuous_value_vars:  # as compile_dlogp: discrete variables have no gradient
            size = int(np.prod(np.shape(point[v.name])))
            grad[v.name] = flat[k:k + size].reshape(np.shape(point[v.name])).tolist()
            k += size
        grads.append(grad)
    return logps, grads


def posterior_summary(idata, names):
    post, ess = idata.posterior, az.ess(idata, method="bulk")
    return {
        n: {
            "mean": post[n].mean(("chain", "draw")).values.tolist(),
            "sd": post[n].std(("chain", "draw")).values.tolist(),
            "ess": ess[n].values.tolist(),
        }
        for n in names
    }


def reference_for(name, make_data, build, seed):
    data = make_data()
    model = build(pm, pt, data)
    points = fixed_points(model, seed)
    logps, grads = density_reference(model, points)
    entry = {
        "data": data_fingerprint(data),
        "value_vars": [[v.name, list(np.shape(points[0][v.name])), str(np.asarray(points[0][v.name]).dtype)]
                       for v in model.value_vars],
        "free_rvs": [rv.name for rv in model.free_RVs],
        "points": [{k: np.asarray(v).tolist() for k, v in p.items()} for p in points],
        "logp": logps,
        "dlogp": grads,
    }
    start = time.perf_counter()
    with model:
        idata = pm.sample(DRAWS, tune=TUNE, chains=CHAINS, cores=1, random_seed=seed, progressbar=False,
                          compute_convergence_checks=False)
    entry["posterior"] = posterior_summary(idata, entry["free_rvs"])
    entry["divergences"] = int(idata.sample_stats["diverging"].sum())
    if name in PREDICT:
        preds = PREDICT[name](pm, model, idata, data, seed)
        entry["predictions"] = {"mean": preds.mean(("chain", "draw")).values.tolist(),
                                "sd": preds.std(("chain", "draw")).values.tolist()}
    entry["pymc_sample_seconds"] = round(time.perf_counter() - start, 1)
    return entry


def advi_reference(make_data, build, seed):
    data = make_data()
    model = build(pm, pt, data)
    with model:
        approx = pm.fit(20000, method="advi", random_seed=seed, progressbar=False)
        idata = approx.sample(2000, random_seed=seed)
    names = [rv.name for rv in model.free_RVs]
    return {"value_vars": [v.name for v in model.value_vars], "free_rvs": names,
            "advi_posterior": posterior_summary(idata, names)}


def main(names):
    warnings.simplefilter("ignore")
    ref = json.loads(OUT.read_text()) if OUT.exists() else {"models": {}, "minibatch": {}}
    ref["meta"] = {
        "pymc": pm.__version__, "pytensor": pytensor.__version__, "numpy": np.__version__,
        "sampler": f"PyMC NUTS, {CHAINS} chains x {DRAWS} draws, {TUNE} tune",
        "regenerate": "PYTHONPATH=tests/gallery /work/pymc-venv/bin/python tests/gallery/make_reference.py [name ...]",
    }
    for seed, (name, (make_data, build)) in enumerate(MODELS.items()):
        if names and name not in names:
            continue
        start = time.perf_counter()
        ref["models"][name] = reference_for(name, make_data, build, 1000 + seed)
        print(f"{name}: {time.perf_counter() - start:.1f} s", flush=True)
        OUT.write_text(json.dumps(ref, indent=1, sort_keys=True))
    for name, (make_data, build, twin) in MINIBATCH.items():
        if names and name not in names:
            continue
        ref["minibatch"][name] = {"twin": twin, **advi_reference(make_data, build, 7)}
        print(f"{name}: done", flush=True)
        OUT.write_text(json.dumps(ref, indent=1, sort_keys=True))


if __name__ == "__main__":
    main(set(sys.argv[1:]))
