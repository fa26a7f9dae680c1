"""Convergence diagnostics and ``rx.summary``: ArviZ's numbers and table, vectorised.

``arviz.summary`` computes R-hat, ESS and MCSE one array element at a time (a Python call
per element and statistic); here the same formulas (rank-normalised split R-hat, bulk and
tail ESS with Geyer's initial monotone sequence, MCSE of mean and sd; Vehtari et al. 2021)
run on every element at once: one rank transform and one FFT per statistic over a
(chain, draw, element) array. The statistics are computed once per posterior and cached
(weakly, by the posterior Dataset), so the warnings after ``rx.sample`` and a later
``rx.summary`` share them. ``rx.summary`` returns ArviZ's ``pandas.DataFrame``, with ArviZ's
columns, row labels (``a[b]`` from coords) and rounding; options the fast path does not
cover go to ``arviz.summary`` itself.
"""

from __future__ import annotations

import warnings
import weakref

import numpy as np
from scipy import fft as sfft
from scipy import special, stats

STAT_NAMES = ("mcse_mean", "mcse_sd", "ess_bulk", "ess_tail", "r_hat")
_CACHE: dict = {}  # id(posterior Dataset) -> (weak reference to it, {name: statistics})


class ConvergenceWarning(UserWarning):
    """Sampling finished, but the diagnostics say the draws may not be trustworthy."""


# -- the statistics, vectorised: arrays are (k, chain, draw), draws contiguous ---------------------
def _split(x):
    half = x.shape[2] // 2
    return np.concatenate([x[:, :, :half], x[:, :, x.shape[2] - half:]], axis=1)


def _ranks(x):
    """Average ranks (1-based, ties share their mean rank) along the last axis of (k, N)."""
    k, n = x.shape
    order = np.argsort(x, axis=1)
    xs = np.take_along_axis(x, order, axis=1)
    starts = np.ones((k, n), bool)
    starts[:, 1:] = xs[:, 1:] != xs[:, :-1]  # a new value begins a run of ties
    flat_starts = np.flatnonzero(starts)
    group = np.cumsum(starts.ravel()) - 1
    ends = np.append(flat_starts[1:], k * n) - 1  # runs never cross rows: each row starts a run
    mean_rank = (flat_starts % n + ends % n) / 2 + 1
    ranks = np.empty((k, n))
    ranks[np.arange(k)[:, None], order] = mean_rank[group].reshape(k, n)
    return ranks


def _z_scale(x):
    """Rank-normalised values: ranks over (chain, draw) per element -> normal quantiles."""
    k, c, n = x.shape
    ranks = _ranks(x.reshape(k, c * n))
    return special.ndtri((ranks - 3 / 8) / (c * n - 2 * 3 / 8 + 1)).reshape(k, c, n)


def _rhat(x):
    n = x.shape[2]
    between = n * np.var(x.mean(axis=2), axis=1, ddof=1)
    within = np.mean(np.var(x, axis=2, ddof=1), axis=1)
    with np.errstate(invalid="ignore", divide="ignore"):
        return np.sqrt((between / within + n - 1) / n)


def _ess(x):
    """ESS of every element (Geyer's initial positive + monotone sequence), as ArviZ's ``_ess``."""
    x = np.asarray(x, dtype=float)
    k, c, n = x.shape
    m = sfft.next_fast_len(2 * n)
    spec = sfft.rfft(x - x.mean(axis=2, keepdims=True), n=m, axis=2, workers=-1)
    acov = sfft.irfft(np.abs(spec) ** 2, n=m, axis=2, workers=-1)[:, :, :n] / n
    mean_var = acov[:, :, 0].mean(axis=1) * n / (n - 1.0)
    var_plus = mean_var * (n - 1.0) / n
    if c > 1:
        var_plus = var_plus + np.var(x.mean(axis=2), axis=1, ddof=1)
    with np.errstate(invalid="ignore", divide="ignore"):
        rho = 1.0 - (mean_var[:, None] - acov.mean(axis=1)) / var_plus[:, None]  # (k, n)
    rho[:, 0] = 1.0
    n_pairs = n // 2
    psum = rho[:, : 2 * n_pairs].reshape(k, n_pairs, 2).sum(axis=2)  # P_m = rho[2m] + rho[2m+1]
    m_max = min(max((n - 3) // 2, 0), n_pairs - 1)  # pairs 1..m_max are looked at (t = 2m - 1 < n - 3)
    nonpos = psum[:, :m_max] <= 0  # the first pair m with P_m <= 0 ends the positive sequence
    last = np.where(nonpos.any(axis=1), nonpos.argmax(axis=1), m_max) if m_max else np.zeros(k, int)
    # Geyer's monotone sequence: pair sums made non-increasing (a running minimum)
    mono = np.minimum.accumulate(psum, axis=1)
    body = np.where(np.arange(n_pairs)[None, :] < last[:, None], mono, 0.0).sum(axis=1)
    rows = np.arange(k)
    even = rho[rows, 2 * last]
    keep_even = (last == 0) | (even > 0) | (psum[rows, last] >= 0)
    tau = np.maximum(-1.0 + 2.0 * body + np.where(keep_even, even, 0.0), 1 / np.log10(c * n))
    flat = x.reshape(k, c * n)
    constant = (flat.max(axis=1) - flat.min(axis=1)) < np.finfo(float).resolution
    return np.where(constant, float(c * n), np.where(np.isnan(rho).any(axis=1), np.nan, c * n / tau))


def multichain_statistics(draws) -> dict:
    """ArviZ's ``mcse_mean, mcse_sd, ess_bulk, ess_tail, r_hat`` for every column of ``draws``.

    ``draws`` is (chain, draw, k). Columns with NaN, or fewer than 4 draws, give NaN; R-hat
    needs 2 chains.

    Examples
    --------
    >>> import numpy as np
    >>> x = np.random.default_rng(0).normal(size=(4, 1000, 2))
    >>> out = multichain_statistics(x)
    >>> bool(np.all(np.abs(out["r_hat"] - 1) < 0.01)), bool(np.all(out["ess_bulk"] > 3000))
    (True, True)
    """
    x = np.asarray(draws, dtype=float)
    c, n, k = x.shape
    nan = np.full(k, np.nan)
    if n < 4 or k == 0:
        return {name: nan.copy() for name in STAT_NAMES}
    x = np.ascontiguousarray(np.moveaxis(x, 2, 0))  # (k, chain, draw)
    bad = np.isnan(x).any(axis=(1, 2))
    x[bad] = 0.0  # computed on zeros, reported as NaN
    split = _split(x)
    z_split = _z_scale(split)
    flat = x.reshape(k, c * n)
    q05, q95 = np.quantile(flat, [0.05, 0.95], axis=1)
    ess_tail = np.minimum(_ess(_split((x <= q05[:, None, None]).astype(float))),
                          _ess(_split((x <= q95[:, None, None]).astype(float))))
    if c > 1:
        folded = np.abs(x - np.median(flat, axis=1)[:, None, None])
        r_hat = np.maximum(_rhat(z_split), _rhat(_z_scale(_split(folded))))
    else:
        r_hat = nan.copy()
    centred2 = (x - flat.mean(axis=1)[:, None, None]) ** 2
    mcse_mean = np.sqrt(centred2.sum(axis=(1, 2)) / (c * n - 1) / _ess(split))
    evar = centred2.mean(axis=(1, 2))
    varvar = ((centred2**2).mean(axis=(1, 2)) - evar**2) / _ess(_split(centred2))
    with np.errstate(invalid="ignore", divide="ignore"):
        mcse_sd = np.sqrt(varvar / evar / 4)
    out = {"mcse_mean": mcse_mean, "mcse_sd": mcse_sd, "ess_bulk": _ess(z_split), "ess_tail": ess_tail,
           "r_hat": r_hat}
    return {name: np.where(bad, np.nan, v) for name, v in out.items()}


def diagnostics(draws):
    """``(r_hat, ess_bulk, ess_tail)`` of ``draws`` shaped (chain, draw, k), each of shape (k,)."""
    out = multichain_statistics(draws)
    return out["r_hat"], out["ess_bulk"], out["ess_tail"]


def hdi(samples, prob=0.94):
    """ArviZ's highest-density interval (unimodal) of every column of ``samples`` (n, k)."""
    x = np.sort(np.asarray(samples, float), axis=0)
    n = x.shape[0]
    inc = int(np.floor(prob * n))
    if n - inc < 1:
        raise ValueError("Too few elements for interval calculation.")
    widths = x[inc:] - x[: n - inc]
    best = np.argmin(widths, axis=0)
    cols = np.arange(x.shape[1])
    return x[best, cols], x[best + inc, cols]


# -- cache: statistics per posterior variable, computed once ------------------------------------------
def variable_statistics(dataset, names) -> dict:
    """``{name: {stat: array of the variable's shape}}``, cached on ``dataset`` (weakly)."""
    entry = _CACHE.get(id(dataset))
    if entry is None or entry[0]() is not dataset:  # Datasets are unhashable: keyed by id, checked by identity
        key = id(dataset)
        entry = _CACHE[key] = (weakref.ref(dataset, lambda _: _CACHE.pop(key, None)), {})
    cache = entry[1]
    todo = [n for n in names if n not in cache]
    if todo:
        arrays = [np.asarray(dataset[n].transpose("chain", "draw", ...).values) for n in todo]
        lead = arrays[0].shape[:2]
        flat = np.concatenate([a.reshape(lead + (-1,)).astype(float) for a in arrays], axis=2)
        out = multichain_statistics(flat)
        start = 0
        for name, arr in zip(todo, arrays):
            size = int(np.prod(arr.shape[2:], dtype=int))
            cache[name] = {s: v[start:start + size].reshape(arr.shape[2:]) for s, v in out.items()}
            start += size
    return {n: cache[n] for n in names}


# -- rx.summary ---------------------------------------------------------------------------------------
def summary(data, var_names=None, filter_vars=None, group=None, fmt="wide", kind="all", round_to=None,
            circ_var_names=None, stat_focus="mean", stat_funcs=None, extend=True, hdi_prob=None, skipna=False,
            labeller=None, coords=None, **kwargs):
    """ArviZ's summary table (``arviz.summary``): mean, sd, HDI, MCSE, bulk/tail ESS and R-hat.

    The same arguments, columns, row labels and numbers as ``arviz.summary``; the default
    table is computed vectorised and reuses the diagnostics ``rx.sample`` computed for its
    warnings. Other options (``fmt="long"``, ``stat_focus="median"``, ``circ_var_names``,
    ``stat_funcs``, ``coords``, ``labeller``, ``skipna``) are passed to ``arviz.summary``.

    Examples
    --------
    >>> import numpy as np, arviz as az, rewrax as rx
    >>> idata = az.from_dict(posterior={"mu": np.random.default_rng(0).normal(size=(2, 100))})
    >>> table = rx.summary(idata)
    >>> list(table.columns)[:4], table.index[0]
    (['mean', 'sd', 'hdi_3%', 'hdi_97%'], 'mu')
    """
    import arviz as az

    fast = (fmt == "wide" and circ_var_names is None and stat_focus == "mean" and stat_funcs is None and extend
            and not skipna and labeller is None and not coords and not kwargs and kind in ("all", "stats",
                                                                                          "diagnostics"))
    if not fast:
        return az.summary(data, var_names=var_names, filter_vars=filter_vars, group=group, fmt=fmt, kind=kind,
                          round_to=round_to, circ_var_names=circ_var_names, stat_focus=stat_focus,
                          stat_funcs=stat_funcs, extend=extend, hdi_prob=hdi_prob, skipna=skipna,
                          labeller=labeller, coords=coords, **kwargs)
    dataset = _dataset(az, data, group)
    names = _var_names(az, var_names, dataset, filter_vars)
    hdi_prob = az.rcParams["stats.ci_prob"] if hdi_prob is None else hdi_prob
    if not 1 >= hdi_prob > 0:
        raise ValueError("The value of hdi_prob should be in the interval (0, 1]")
    return _table(dataset, names, kind, hdi_prob, round_to)


def _dataset(az, data, group):
    if isinstance(data, az.InferenceData):
        if group is None:
            if not data.groups():
                raise TypeError("InferenceData does not contain any groups")
            group = "posterior" if "posterior" in data.groups() else (
                "prior" if "prior" in data.groups() else data.groups()[0])
        elif group not in data.groups():
            raise TypeError(f"InferenceData does not contain group: {group}")
        return data[group]
    return az.convert_to_dataset(data, group="posterior")


def _var_names(az, var_names, dataset, filter_vars):
    from arviz.utils import _var_names as arviz_var_names

    names = arviz_var_names(var_names, dataset, filter_vars)
    return list(dataset.data_vars) if names is None else list(names)


def _table(dataset, names, kind, hdi_prob, round_to):
    import pandas as pd
    from arviz.labels import BaseLabeller

    labeller = BaseLabeller()
    columns, labels, blocks = [], [], []
    if kind in ("all", "stats"):
        alpha = 1 - hdi_prob
        columns += ["mean", "sd", f"hdi_{100 * alpha / 2:g}%", f"hdi_{100 * (1 - alpha / 2):g}%"]
    if kind in ("all", "diagnostics"):
        columns += list(STAT_NAMES)
        diag = variable_statistics(dataset, names)
    for name in names:
        var = dataset[name].transpose("chain", "draw", ...)
        values = np.asarray(var.values, dtype=float)
        flat = values.reshape(values.shape[:2] + (-1,))
        cols = []
        if kind in ("all", "stats"):
            pooled = flat.reshape(-1, flat.shape[2])
            lo, hi = hdi(pooled, hdi_prob)
            cols += [pooled.mean(axis=0), pooled.std(axis=0, ddof=1), lo, hi]
        if kind in ("all", "diagnostics"):
            cols += [np.ravel(diag[name][s]) for s in STAT_NAMES]
        blocks.append(np.stack(cols, axis=1))
        labels += _labels(labeller, name, var)
    data = np.concatenate(blocks, axis=0) if blocks else np.zeros((0, len(columns)))
    table = pd.DataFrame(data, index=labels, columns=columns)
    if round_to is not None and round_to not in ("None", "none"):
        return table.round(round_to)
    if round_to in ("None", "none"):
        return table
    return table.round({c: 2 if c == "r_hat" else 0 if c.startswith("ess") else 3 for c in columns})


def _labels(labeller, name, var):
    dims = list(var.dims[2:])
    if not dims:
        return [labeller.make_label_flat(name, {}, {})]
    values = [np.asarray(var.coords[d].values) if d in var.coords else np.arange(var.sizes[d]) for d in dims]
    out = []
    for idx in np.ndindex(*[len(v) for v in values]):
        sel = {d: v[i] for d, v, i in zip(dims, values, idx)}
        out.append(labeller.make_label_flat(name, sel, dict(zip(dims, idx))))
    return out


# -- warnings after sampling ------------------------------------------------------------------------
def check_convergence(idata, n_tune_draws, max_treedepth=None, var_names=None):
    """Warn (``ConvergenceWarning``) about divergences, tree depth, R-hat > 1.01 and low ESS.

    R-hat and ESS of ``var_names`` (default: every posterior variable) are computed once
    and cached for ``rx.summary``.
    """
    stats_ds = idata.sample_stats if "sample_stats" in idata.groups() else {}
    messages = []
    if "diverging" in stats_ds:
        div = np.asarray(stats_ds["diverging"].values)
        n_div = int(div.sum())
        if n_div:
            per_chain = ", ".join(str(int(c)) for c in div.sum(axis=1))
            were = "There was 1 divergence" if n_div == 1 else f"There were {n_div} divergences"
            messages.append(f"{were} after tuning (per chain: {per_chain}). "
                            "Increase `target_accept` or reparameterize.")
    if max_treedepth is not None and "reached_max_treedepth" in stats_ds:
        hits = float(np.mean(np.asarray(stats_ds["reached_max_treedepth"].values)))
        if hits > 0.05:
            messages.append(f"{hits:.0%} of the draws reached the maximum tree depth ({max_treedepth}); "
                            "increase `max_treedepth` or reparameterize.")
    messages += _rhat_ess_messages(idata.posterior, var_names)
    for message in messages:
        warnings.warn(message, ConvergenceWarning, stacklevel=4)  # -> the caller of rx.sample
    return messages


def _rhat_ess_messages(posterior, var_names):
    names = [n for n in (list(posterior.data_vars) if var_names is None else var_names) if n in posterior]
    names = [n for n in names if np.issubdtype(posterior[n].dtype, np.number) and posterior[n].size]
    if not names or posterior.sizes.get("draw", 0) < 4:
        return []
    n_chains, n_draws = posterior.sizes["chain"], posterior.sizes["draw"]
    diag = variable_statistics(posterior, names)
    messages = []
    if n_chains > 1:
        bad = [(n, float(np.nanmax(diag[n]["r_hat"]))) for n in names
               if np.any(np.nan_to_num(diag[n]["r_hat"]) > 1.01)]
        if bad:
            shown = ", ".join(f"{n} ({r:.3f})" for n, r in bad[:10])
            shown += f" and {len(bad) - 10} more" if len(bad) > 10 else ""
            messages.append(f"The rhat statistic is larger than 1.01 for some parameters: {shown}. "
                            "This indicates problems during sampling. See https://arxiv.org/abs/1903.08008 for details")
    low = [n for n in names if np.any(np.nan_to_num(diag[n]["ess_bulk"], nan=np.inf) < 100 * n_chains)]
    if low and n_chains * n_draws >= 400:
        messages.append(f"The effective sample size per chain is smaller than 100 for some parameters "
                        f"({', '.join(low[:10])}). A higher number is needed for reliable rhat and ess computation. "
                        "See https://arxiv.org/abs/1903.08008 for details")
    return messages
