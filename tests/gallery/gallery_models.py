"""The gallery's models by name: ``MODELS[name] = (make_data, build)``.

``build(pm, pt, data)`` runs with PyMC (``pm = pymc``, ``pt = pytensor.tensor``) and with rewrax
(``pm = rewrax``, ``pt = rewrax.symbolic``) unchanged. ``make_reference.py`` records PyMC's
numbers for each; ``test_gallery.py`` checks rewrax against them.
"""

import numpy as np

import gallery_models_a as a
import gallery_models_b as b

MODELS = {
    "eight_schools": (a.eight_schools_data, a.eight_schools),
    "radon": (a.radon_data, a.radon),
    "logistic": (a.logistic_data, a.logistic),
    "negbin": (a.negbin_data, a.negbin),
    "poisson_offset": (a.poisson_offset_data, a.poisson_offset),
    "normal_mixture": (a.mixture_data, a.normal_mixture),
    "mixture_ordered": (a.mixture_data, a.mixture_ordered),
    "zero_inflated_poisson": (a.zip_data, a.zero_inflated_poisson),
    "hurdle": (a.hurdle_data, a.hurdle),
    "categorical": (a.categorical_data, a.categorical),
    "dirichlet_multinomial": (a.dirichlet_multinomial_data, a.dirichlet_multinomial),
    "missing": (a.missing_data, a.missing),
    "stochastic_volatility": (b.stochastic_volatility_data, b.stochastic_volatility),
    "ar2": (b.ar2_data, b.ar2),
    "garch11": (b.garch11_data, b.garch11),
    "ordinal": (b.ordinal_data, b.ordinal),
    "censored": (b.censored_data, b.censored),
    "truncated": (b.truncated_data, b.truncated),
    "lkj": (b.lkj_data, b.lkj),
    "custom_dist": (b.custom_dist_data, b.custom_dist),
    "zerosum_anova": (b.zerosum_anova_data, b.zerosum_anova),
    "changepoint": (b.changepoint_data, b.changepoint),
    "linreg": (b.linreg_data, b.linreg),
    "logsumexp_trend": (b.logsumexp_trend_data, b.logsumexp_trend),
}

# Models whose likelihood reads a random minibatch: their logp is random, so they are checked by
# fitting (ADVI) against the posterior of their full-data twin.
MINIBATCH = {"minibatch_advi": (b.linreg_data, b.minibatch_advi, "linreg")}

PREDICT = {"radon": a.radon_predict}


def data_fingerprint(data):
    """A short, order-independent summary of a model's data: a check that both sides drew the same."""
    out = {}
    for key, value in sorted(data.items()):
        arr = np.asarray(value)
        if arr.dtype.kind in "biuf":
            out[key] = [list(arr.shape), float(np.sum(arr.astype(float) ** 2, where=~np.isnan(arr.astype(float))))]
        else:
            out[key] = [list(arr.shape), len("".join(map(str, arr.ravel())))]
    return out
