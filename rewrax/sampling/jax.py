"""``pm.sampling.jax``: PyMC's ``sample_blackjax_nuts`` / ``sample_numpyro_nuts``, both rewrax's JAX NUTS.

rewrax always samples inside JAX (BlackJAX's NUTS kernel with rewrax's warm-up), so the two
entry points are ``rx.sample`` with PyMC's arguments mapped: ``chain_method`` ('parallel',
'vectorized') and ``nuts_kwargs`` (``max_treedepth``, ``target_accept``) pass through; the
postprocessing options only concern PyMC's own pipeline and are accepted and ignored.
"""

from __future__ import annotations

__all__ = ["sample_blackjax_nuts", "sample_numpyro_nuts", "sample_jax_nuts"]

_IGNORED = ("postprocessing_backend", "postprocessing_vectorize", "postprocessing_chunks", "keep_untransformed",
            "nuts_sampler")


def sample_jax_nuts(draws=1000, *, tune=1000, chains=4, target_accept=0.8, random_seed=None, initvals=None,
                    jitter=True, model=None, var_names=None, nuts_kwargs=None, progressbar=True,
                    chain_method="parallel", idata_kwargs=None, compute_convergence_checks=True, **kwargs):
    """NUTS on the model's JAX log-density; returns InferenceData (PyMC's ``sample_jax_nuts``)."""
    from rewrax.samplers import sample

    for name in _IGNORED:
        kwargs.pop(name, None)
    nuts_kwargs = dict(nuts_kwargs or {})
    if "max_treedepth" in nuts_kwargs:
        kwargs["max_treedepth"] = nuts_kwargs.pop("max_treedepth")
    target_accept = nuts_kwargs.pop("target_accept", target_accept)
    if nuts_kwargs:
        raise TypeError(f"nuts_kwargs {sorted(nuts_kwargs)} are not supported by rewrax's NUTS "
                        "(it takes max_treedepth and target_accept)")
    if not jitter:
        kwargs.setdefault("init", "adapt_diag")
    chain_method = "vectorized" if chain_method in ("vectorized", "sequential") else chain_method
    return sample(draws, tune=tune, chains=chains, target_accept=target_accept, random_seed=random_seed,
                  initvals=initvals, model=model, var_names=var_names, progressbar=progressbar,
                  chain_method=chain_method, idata_kwargs=idata_kwargs,
                  compute_convergence_checks=compute_convergence_checks, **kwargs)


def sample_blackjax_nuts(draws=1000, tune=1000, chains=4, target_accept=0.8, random_seed=None, **kwargs):
    """PyMC's ``pm.sampling.jax.sample_blackjax_nuts``: rewrax's NUTS (BlackJAX kernel)."""
    return sample_jax_nuts(draws, tune=tune, chains=chains, target_accept=target_accept, random_seed=random_seed,
                           **kwargs)


def sample_numpyro_nuts(draws=1000, tune=1000, chains=4, target_accept=0.8, random_seed=None, **kwargs):
    """PyMC's ``pm.sampling.jax.sample_numpyro_nuts``: rewrax's NUTS (no NumPyro needed)."""
    return sample_jax_nuts(draws, tune=tune, chains=chains, target_accept=target_accept, random_seed=random_seed,
                           **kwargs)
