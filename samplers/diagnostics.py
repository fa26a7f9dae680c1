"""Summary tables and convergence warnings, computed with ArviZ or BlackJAX diagnostics.

``rx.summary(result)`` is ``arviz.summary`` when ArviZ is installed and ``result`` is an
InferenceData; otherwise the same columns come from BlackJAX's rank-normalised R-hat and
bulk/tail ESS (``blackjax.diagnostics``). After sampling, :func:`check_convergence` warns
about divergences, R-hat above 1.01 and low ESS, as PyMC does.
"""

from __future__ import annotations

import warnings

import numpy as np

from rewrax.samplers.results import arviz_available


class ConvergenceWarning(UserWarning):
    """Sampling finished, but the diagnostics say the draws may not be trustworthy."""


class SummaryTable:
    """Rows of statistics by variable element; prints as an aligned table.

    ``table["r_hat"]`` is ``{label: value}``; ``table.loc("mu")`` is one row as a dict.
    """

    def __init__(self, labels, columns: dict):
        self.index = list(labels)
        self.columns = list(columns)
        self._data = {k: np.asarray(v, float) for k, v in columns.items()}

    def __getitem__(self, column):
        return dict(zip(self.index, self._data[column]))

    def loc(self, label):
        i = self.index.index(label)
        return {c: float(self._data[c][i]) for c in self.columns}

    def to_dict(self):
        return {c: self[c] for c in self.columns}

    def __str__(self):
        width = max([len(x) for x in self.index] + [4])
        head = " " * width + "".join(f"{c:>10}" for c in self.columns)
        rows = [head]
        for i, label in enumerate(self.index):
            cells = "".join(_fmt(self._data[c][i], c) for c in self.columns)
            rows.append(f"{label:<{width}}{cells}")
        return "\n".join(rows)

    __repr__ = __str__

    def to_string(self):
        """The table as text (as ``pandas.DataFrame.to_string``)."""
        return str(self)


def _fmt(value, column):
    if column.startswith("ess"):
        return f"{value:>10.0f}"
    return f"{value:>10.3f}"


def _flatten(result, var_names):
    """``[(label, (chain, draw) array)]`` for every element of the chosen posterior variables."""
    post = result.posterior
    names = list(var_names) if var_names is not None else list(getattr(post, "data_vars", post))
    out = []
    for name in names:
        values = np.asarray(post[name].values)
        shape = values.shape[2:]
        flat = values.reshape(values.shape[:2] + (-1,))
        for j, idx in enumerate(np.ndindex(*shape) if shape else [()]):
            label = name if not idx else f"{name}[{', '.join(map(str, idx))}]"
            out.append((label, flat[..., j]))
    return out


def diagnostics(draws):
    """``(rhat, ess_bulk, ess_tail)`` of ``draws`` shaped (chain, draw, n).

    ArviZ's when it is installed (NumPy, no compilation), else BlackJAX's, jitted once per
    shape and computed in float64 on the CPU whatever the sampler ran on.
    """
    draws = np.asarray(draws, dtype=float)
    n_chains, n_draws = draws.shape[:2]
    nan = np.full(draws.shape[2:], np.nan)
    if n_draws < 4 or draws.shape[2] == 0:
        return nan, nan, nan
    if arviz_available():
        import arviz as az

        ds = az.convert_to_dataset(draws[None] if draws.ndim == 2 else draws)
        rhat = az.rhat(ds)["x"].values if n_chains > 1 else nan
        ess_b, ess_t = az.ess(ds)["x"].values, az.ess(ds, method="tail")["x"].values
    else:
        import jax

        with jax.default_device(jax.devices("cpu")[0]), jax.enable_x64(True):
            rhat, ess_b, ess_t = jax.device_get(_blackjax_diagnostics()(draws))
        rhat = rhat if n_chains > 1 else nan
    return tuple(np.reshape(np.asarray(v, float), draws.shape[2:]) for v in (rhat, ess_b, ess_t))


_JITTED = {}


def _blackjax_diagnostics():
    if "fn" not in _JITTED:
        import jax
        from blackjax import diagnostics as bd

        def fn(x):
            rhat = bd.rhat(x) if x.shape[0] > 1 else x[0, 0]
            return rhat, bd.ess_bulk(x), bd.ess_tail(x)

        _JITTED["fn"] = jax.jit(fn)
    return _JITTED["fn"]


def summary(result, var_names=None, hdi_prob=0.94, round_to=None, kind="all"):
    """Posterior summary: mean, sd, HDI, MCSE, bulk/tail ESS and R-hat per element.

    Parameters
    ----------
    result : InferenceData or SamplingResult
        What ``rx.sample`` returned.
    var_names : list of str, optional
        Variables to summarise (default: all posterior variables).
    hdi_prob : float
        Probability mass of the highest-density interval.

    Examples
    --------
    >>> import rewrax as rx, numpy as np
    >>> from rewrax.samplers.results import make_light_result
    >>> res = make_light_result({"posterior": {"mu": np.random.default_rng(0).normal(size=(2, 100))}})
    >>> table = rx.summary(res)
    >>> round(table.loc("mu")["mean"], 1)
    0.0
    """
    if _is_inference_data(result):
        import arviz as az

        return az.summary(result, var_names=var_names, hdi_prob=hdi_prob, round_to=round_to, kind=kind)
    items = _flatten(result, var_names)
    labels = [lbl for lbl, _ in items]
    draws = np.stack([d for _, d in items], axis=-1) if items else np.zeros((1, 1, 0))
    rhat, ess_b, ess_t = diagnostics(draws)
    flat = draws.reshape(-1, draws.shape[-1])
    lo, hi = hdi(flat, hdi_prob)
    sd = flat.std(axis=0, ddof=1) if flat.shape[0] > 1 else np.full(flat.shape[1], np.nan)
    tail = (1 - hdi_prob) / 2 * 100
    columns = {"mean": flat.mean(axis=0), "sd": sd, f"hdi_{tail:g}%": lo, f"hdi_{100 - tail:g}%": hi,
               "mcse_mean": sd / np.sqrt(np.maximum(ess_b, 1)), "ess_bulk": ess_b, "ess_tail": ess_t,
               "r_hat": rhat}
    if kind == "stats":
        columns = {k: v for k, v in columns.items() if not k.startswith(("ess", "r_hat", "mcse"))}
    elif kind == "diagnostics":
        columns = {k: v for k, v in columns.items() if k.startswith(("ess", "r_hat", "mcse"))}
    if round_to is not None:
        columns = {k: np.round(v, round_to) for k, v in columns.items()}
    return SummaryTable(labels, columns)


def hdi(samples, prob=0.94):
    """Narrowest interval holding ``prob`` of the draws, per column of ``samples``."""
    x = np.sort(np.asarray(samples, float), axis=0)
    n = x.shape[0]
    k = max(int(np.floor(prob * n)), 1)
    if n <= k:
        return x[0], x[-1]
    widths = x[k:] - x[:n - k]
    best = np.argmin(widths, axis=0)
    cols = np.arange(x.shape[1])
    return x[best, cols], x[best + k, cols]


def check_convergence(result, n_tune_draws, max_treedepth=None):
    """Warn (``ConvergenceWarning``) about divergences, R-hat > 1.01 and low ESS."""
    stats = result.sample_stats
    messages = []
    if "diverging" in stats:
        div = np.asarray(stats["diverging"].values)
        n_div = int(div.sum())
        if n_div:
            per_chain = ", ".join(str(int(c)) for c in div.sum(axis=1))
            were = "There was 1 divergence" if n_div == 1 else f"There were {n_div} divergences"
            messages.append(f"{were} after tuning (per chain: {per_chain}). "
                            "Increase `target_accept` or reparameterize.")
    if max_treedepth is not None and "reached_max_treedepth" in stats:
        hits = float(np.mean(np.asarray(stats["reached_max_treedepth"].values)))
        if hits > 0.05:
            messages.append(f"{hits:.0%} of the draws reached the maximum tree depth ({max_treedepth}); "
                            "increase `max_treedepth` or reparameterize.")
    messages += _rhat_ess_messages(result)
    for message in messages:
        warnings.warn(message, ConvergenceWarning, stacklevel=4)  # -> the caller of rx.sample
    return messages


def _rhat_ess_messages(result):
    items = _flatten(result, None)
    if not items:
        return []
    draws = np.stack([d for _, d in items], axis=-1)
    n_chains, n_draws = draws.shape[:2]
    if n_draws < 4:
        return []
    finite = np.isfinite(draws).all(axis=(0, 1)) & (draws.std(axis=(0, 1)) > 0)
    if not finite.any():
        return []
    labels = [lbl for (lbl, _), ok in zip(items, finite) if ok]
    rhat, ess_b, _ = diagnostics(draws[..., finite])
    messages = []
    if n_chains > 1:
        bad = [f"{lbl} ({r:.3f})" for lbl, r in zip(labels, rhat) if r > 1.01]
        if bad:
            shown = ", ".join(bad[:10]) + (f" and {len(bad) - 10} more" if len(bad) > 10 else "")
            messages.append(f"The rhat statistic is larger than 1.01 for some parameters: {shown}. "
                            "This indicates problems during sampling.")
    low = [lbl for lbl, e in zip(labels, ess_b) if e < 100 * n_chains]
    if low and n_chains * n_draws >= 400:
        messages.append(f"The effective sample size per chain is smaller than 100 for {len(low)} "
                        f"parameter(s) (e.g. {low[0]}).")
    return messages


def _is_inference_data(result):
    return type(result).__name__ == "InferenceData"
