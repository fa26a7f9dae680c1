"""Time-series random variables: random walks, autoregressions, GARCH(1,1), Euler-Maruyama SDEs.

Like ``CensoredRV``, their parameters include the draws of other random variables: the
initial values (``init``, a draw of the user's ``init_dist``) and the innovations or the
standard-normal noise of each step. A forward draw is then a deterministic function of the
parameters (a cumulative sum, or a ``lax.scan`` in the JAX lowering), every random number
comes from an ordinary random variable, and the length of the series follows the shape of
the noise (``steps``). The time axis is the last axis (before the support axis of a
multivariate walk); the output holds the initial values and then ``steps`` new values.
"""

from __future__ import annotations

from rewrax.symbolic.random.op import RandomVariable


def _plus(a, b):
    return None if a is None or b is None else a + b


class RandomWalkRV(RandomVariable):
    """``cumsum(concatenate([init, innovations]))`` along the time axis.

    ``inner_ndim_supp`` is the support rank of one step (0: ``init`` has the batch shape and
    ``innovations`` shape ``(*batch, steps)``; 1: ``(*batch, k)`` and ``(*batch, steps, k)``).
    """

    __props__ = ("inner_ndim_supp", "dtype")
    name, print_name, param_names = "random_walk", "RandomWalk", ("init_dist", "innovation_dist")

    def __init__(self, inner_ndim_supp=0, dtype=None):
        if inner_ndim_supp not in (0, 1):
            raise ValueError(f"RandomWalkRV: steps must be scalars or vectors, got support rank {inner_ndim_supp}")
        self.inner_ndim_supp = inner_ndim_supp
        super().__init__(dtype)

    @property
    def signature(self):
        return "(k),(t,k)->(s,k)" if self.inner_ndim_supp else "(),(t)->(s)"

    def support_shape(self, params):
        init, innov = params
        steps = innov.type.shape[innov.type.ndim - 1 - self.inner_ndim_supp]
        if self.inner_ndim_supp:
            k = innov.type.shape[-1] if innov.type.shape[-1] is not None else init.type.shape[-1]
            return (_plus(steps, 1), k)
        return (_plus(steps, 1),)

    def support_dim_source(self, k):
        """Support dimension ``k`` is ``(param, axis)``'s size plus ``offset`` (for symbolic lengths)."""
        if k == 0:
            return (1, -1 - self.inner_ndim_supp, 1)
        return (1, -1, 0)


class AutoRegressiveRV(RandomVariable):
    """``x[t] = c + sum_i rho_i x[t - i] + sigma * noise[t]`` after ``ar_order`` initial values.

    Parameters ``(rho, sigma, init, noise)``: ``rho`` has ``ar_order (+ 1 with a constant)``
    entries on its last axis, ``init`` the ``ar_order`` initial values, ``noise`` one standard
    normal draw per step. With ``constant_term`` the constant ``c`` is ``rho[..., 0]``.
    """

    __props__ = ("ar_order", "constant_term", "dtype")
    name, print_name, param_names = "ar", "AR", ("rho", "sigma", "init_dist", "noise")
    signature = "(r),(),(p),(t)->(s)"

    def __init__(self, ar_order, constant_term=False, dtype=None):
        if int(ar_order) != ar_order or ar_order < 1:
            raise ValueError(f"AutoRegressiveRV: ar_order must be a positive integer, got {ar_order!r}")
        self.ar_order, self.constant_term = int(ar_order), bool(constant_term)
        super().__init__(dtype)

    def __str__(self):
        return f"ar_rv{{ar_order={self.ar_order}, constant={self.constant_term}, {self.dtype}}}"

    def support_shape(self, params):
        return (_plus(params[3].type.shape[-1], self.ar_order),)

    def support_dim_source(self, k):
        return (3, -1, self.ar_order)


class GARCH11RV(RandomVariable):
    """GARCH(1,1): ``y[t] = sigma[t] * noise[t]``, ``sigma[t]**2 = omega + alpha_1 y[t-1]**2 + beta_1 sigma[t-1]**2``.

    Parameters ``(omega, alpha_1, beta_1, initial_vol, init, noise)``; ``init`` is the first
    value (a draw of ``Normal(0, initial_vol)``).
    """

    name, print_name = "garch11", "GARCH11"
    param_names = ("omega", "alpha_1", "beta_1", "initial_vol", "init_dist", "noise")
    signature = "(),(),(),(),(),(t)->(s)"

    def support_shape(self, params):
        return (_plus(params[5].type.shape[-1], 1),)

    def support_dim_source(self, k):
        return (5, -1, 1)


class EulerMaruyamaRV(RandomVariable):
    """An SDE ``dx = f(x) dt + g(x) dW`` discretized with the Euler-Maruyama method.

    Props: ``sde_fn(x, *sde_pars) -> (f, g)``, a function building graphs. Parameters
    ``(dt, init, *sde_pars, path)``: ``path`` is the draw itself, a ``scan`` graph of ``init``
    and standard normal noise, so the lowering passes it through.
    """

    __props__ = ("sde_fn", "n_pars", "dtype")
    name, print_name = "euler_maruyama", "EulerMaruyama"

    def __init__(self, sde_fn, n_pars, dtype=None):
        if not callable(sde_fn):
            raise TypeError(f"EulerMaruyamaRV: sde_fn must be callable, got {sde_fn!r}")
        self.sde_fn, self.n_pars = sde_fn, int(n_pars)
        super().__init__(dtype)

    def __str__(self):
        return f"euler_maruyama_rv{{{getattr(self.sde_fn, '__name__', 'sde_fn')}, {self.dtype}}}"

    @property
    def signature(self):
        return ",".join(["()", "()"] + ["()"] * self.n_pars + ["(s)"]) + "->(s)"

    @property
    def param_names(self):
        return ("dt", "init_dist") + tuple(f"sde_par_{k}" for k in range(self.n_pars)) + ("path",)


__all__ = ["RandomWalkRV", "AutoRegressiveRV", "GARCH11RV", "EulerMaruyamaRV"]
