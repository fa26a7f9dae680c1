"""Recursive time series with PyMC's names: AR, GARCH11, EulerMaruyama.

Each series starts with draws of an initial distribution and continues with a recursion
driven by standard normal noise. The density is vectorised wherever the recursion is on the
observed values: AR is the normal density of each value given its lags (slices of the value),
Euler-Maruyama the normal density of each step given the previous value. GARCH(1,1)'s
volatility depends on its own past, so its density runs a ``scan`` (which has a gradient).
Forward draws scan over time in JAX (``lax.scan``).
"""

from __future__ import annotations

import numpy as np

import rewrax.symbolic as pt
from rewrax.model.distributions.continuous import Normal
from rewrax.model.distributions.distribution import Distribution, _check_shape, resize
from rewrax.model.distributions.params import get_tau_sigma
from rewrax.model.distributions.timeseries import batch_of, check_init_dist, infer_steps, time_concat, warn_default_init
from rewrax.model.logprob.derive import derive
from rewrax.model.logprob.shapes import broadcast_to_shape, infer_shape
from rewrax.symbolic.random.op import make_rv
from rewrax.symbolic.random.timeseries import AutoRegressiveRV, EulerMaruyamaRV, GARCH11RV
from rewrax.symbolic.scalar import upcast


def _noise(batch, steps, time_first=False):
    return Normal.dist(0.0, 1.0, size=(steps, *batch) if time_first else (*batch, steps))


# -- AR ------------------------------------------------------------------------------------------
def _ar_order(rho, constant, ar_order):
    n = rho.type.shape[-1]
    if ar_order is None:
        if n is None:
            raise ValueError("AR: Could not infer ar_order from last dimension of rho. Pass it explicitly or make sure "
                             "rho have a static shape")
        ar_order = n - int(constant)
        if ar_order < 1:
            raise ValueError(f"AR: Inferred ar_order is smaller than 1 (rho has {n} entries on its last axis with "
                             f"constant={constant}). Increase the last dimension of rho or remove constant_term")
        return ar_order
    if int(ar_order) != ar_order or ar_order < 1:
        raise ValueError(f"AR: ar_order must be a positive integer, got {ar_order!r}")
    want = int(ar_order) + int(constant)
    if n is not None and n not in (1, want):
        raise ValueError(f"AR: rho has {n} coefficients on its last axis, but ar_order={ar_order} with "
                         f"constant={constant} needs {want}")
    return int(ar_order)


class AR(Distribution):
    r"""Autoregressive process with ``p = ar_order`` lags and normal innovations.

    ``x[t] = rho[0] + rho[1] x[t-1] + ... + rho[p] x[t-p] + eps[t]`` with ``constant=True``
    (without: ``rho[0] x[t-1] + ... + rho[p-1] x[t-p]``), ``eps ~ Normal(0, sigma)``. The first
    ``p`` values come from ``init_dist`` (default ``Normal.dist(0, 100)``, with PyMC's warning).
    ``ar_order`` is read from ``rho``'s last axis when not given; ``shape[-1] == ar_order + steps``.

    Examples
    --------
    >>> import numpy as np, rewrax as rx
    >>> x = rx.AR.dist(rho=[0.5], sigma=1.0, init_dist=rx.Normal.dist(0, 1), steps=3)
    >>> x.type.shape
    (4,)
    >>> v = np.array([1.0, 0.0, 2.0, 1.0])
    >>> expected = rx.logp(rx.Normal.dist(0, 1), 1.0) + rx.logp(rx.Normal.dist(0.5 * v[:-1], 1.0), v[1:]).sum()
    >>> bool(np.isclose(rx.logp(x, v).eval(), expected.eval()))
    True
    """

    rv_type = AutoRegressiveRV
    needs_op = True

    @classmethod
    def dist(cls, rho, sigma=None, tau=None, *, init_dist=None, steps=None, constant=False, ar_order=None,
             shape=None, size=None, rng=None, **kwargs):
        if kwargs:
            raise TypeError(f"AR.dist() got unexpected keyword argument(s): {', '.join(sorted(kwargs))}")
        _, sigma = get_tau_sigma(tau=tau, sigma=sigma)
        sigma, rho = pt.as_tensor_variable(sigma), pt.atleast_1d(pt.as_tensor_variable(rho))
        p = _ar_order(rho, constant, ar_order)
        steps = infer_steps("AR", steps, shape, p)
        if init_dist is None:
            warn_default_init("Normal.dist(0, 100, shape=...)")
            init_dist = Normal.dist(0, 100)
        init = check_init_dist(init_dist, "AR", max_ndim_supp=1)
        multivariate = init.owner.op.ndim_supp == 1
        init_batch = infer_shape(init)[:-1] if init.type.ndim else ()
        batch = batch_of("AR", shape, size, 1, [(sigma, 0), (rho, 1), (pt.zeros(init_batch), 0)])
        init = resize(init, batch if multivariate else (*batch, p))
        if multivariate and init.type.shape[-1] not in (None, p):
            raise ValueError(f"AR: the multivariate init_dist has {init.type.shape[-1]} entries, ar_order={p} needed")
        if rho.type.shape[-1] == 1 and p + int(constant) > 1:
            rho = pt.broadcast_to(rho, (*infer_shape(rho)[:-1], p + int(constant)))
        op = AutoRegressiveRV(p, constant, upcast(rho.type.dtype, sigma.type.dtype, init.type.dtype, "float32"))
        rv = make_rv(op, rho, sigma, init, _noise(batch, steps), rng=rng)
        _check_shape(rv, shape, "AR")
        return rv

    @staticmethod
    def support_point(rv, shape, rho, sigma, init, noise, op):
        from rewrax.model.distributions.distribution import support_point

        return broadcast_to_shape(support_point(init)[..., -1:], shape)

    @staticmethod
    def logp(value, rho, sigma, init, noise, op):
        p, c = op.ar_order, int(op.constant_term)
        value = pt.as_tensor_variable(value)
        n = infer_shape(value)[-1]
        # the mean of x[t] for t >= p: lag i multiplies the slice of x shifted by i
        terms = [rho[..., c + i, None] * value[..., p - 1 - i: n - 1 - i] for i in range(p)]
        if c:
            terms.insert(0, rho[..., 0, None])
        mean = pt.add(*terms) if len(terms) > 1 else terms[0]
        innov = pt.sum(Normal.logp(value[..., p:], mean, sigma[..., None]), axis=-1)
        init_logp = derive("logp", init, value[..., :p])
        if init.owner.op.ndim_supp == 0:
            init_logp = pt.sum(init_logp, axis=-1)
        return init_logp + innov


# -- GARCH(1,1) ----------------------------------------------------------------------------------
class GARCH11(Distribution):
    r"""GARCH(1,1): ``y[t] ~ Normal(0, sigma[t])``, ``sigma[t]**2 = omega + alpha_1 y[t-1]**2 + beta_1 sigma[t-1]**2``.

    ``sigma[0] = initial_vol``; ``shape[-1] == steps + 1``. The density runs the volatility
    recursion over the values with ``scan``.

    Examples
    --------
    >>> import numpy as np, rewrax as rx
    >>> x = rx.GARCH11.dist(omega=0.1, alpha_1=0.2, beta_1=0.7, initial_vol=1.0, steps=2)
    >>> v = np.array([0.5, -1.0, 0.3])
    >>> vol1 = np.sqrt(0.1 + 0.2 * 0.5**2 + 0.7 * 1.0**2)
    >>> vol2 = np.sqrt(0.1 + 0.2 * 1.0**2 + 0.7 * vol1**2)
    >>> expected = rx.logp(rx.Normal.dist(0, [1.0, vol1, vol2]), v).sum()
    >>> bool(np.isclose(rx.logp(x, v).eval(), expected.eval()))
    True
    """

    rv_type = GARCH11RV

    @classmethod
    def dist(cls, omega, alpha_1, beta_1, initial_vol, *, steps=None, shape=None, size=None, rng=None, **kwargs):
        if kwargs:
            raise TypeError(f"GARCH11.dist() got unexpected keyword argument(s): {', '.join(sorted(kwargs))}")
        params = [pt.as_tensor_variable(x) for x in (omega, alpha_1, beta_1, initial_vol)]
        steps = infer_steps("GARCH11", steps, shape, 1)
        batch = batch_of("GARCH11", shape, size, 1, [(x, 0) for x in params])
        init = Normal.dist(0.0, params[3], size=batch)
        op = GARCH11RV(upcast(*[x.type.dtype for x in params], "float32"))
        rv = make_rv(op, *params, init, _noise(batch, steps), rng=rng)
        _check_shape(rv, shape, "GARCH11")
        return rv

    @staticmethod
    def support_point(rv, shape, omega, alpha_1, beta_1, initial_vol, init, noise):
        return pt.zeros(shape)

    @staticmethod
    def logp(value, omega, alpha_1, beta_1, initial_vol, init, noise):
        value = pt.as_tensor_variable(value)
        values = pt.moveaxis(value, -1, 0)  # time first, for scan
        vol0 = initial_vol * pt.ones_like(values[0])

        def volatility(y, vol, w, a, b):
            return pt.sqrt(w + a * pt.square(y) + b * pt.square(vol))

        vols, _ = pt.scan(volatility, sequences=[values[:-1]], outputs_info=[vol0],
                          non_sequences=[omega, alpha_1, beta_1])
        return Normal.logp(values[0], 0.0, vol0) + pt.sum(Normal.logp(values[1:], 0.0, vols), axis=0)


# -- Euler-Maruyama ------------------------------------------------------------------------------
def _sde_path(sde_fn, dt, init, noise, sde_pars):
    """``x[t] = x[t-1] + dt f(x[t-1]) + sqrt(dt) g(x[t-1]) noise[t]`` as a scan; time last."""

    def step(eps, x, dt, *pars):
        f, g = sde_fn(x, *pars)
        return x + dt * f + pt.sqrt(dt) * g * eps

    xs, _ = pt.scan(step, sequences=[noise], outputs_info=[init], non_sequences=[dt, *sde_pars])
    return pt.moveaxis(time_concat(init, xs, 0), 0, -1)


class EulerMaruyama(Distribution):
    r"""A stochastic differential equation ``dx = f dt + g dW`` discretized with the Euler-Maruyama method.

    ``sde_fn(x, *sde_pars)`` returns ``(f, g)`` (drift and diffusion) as graphs; ``dt`` is the
    time step. ``x[0]`` comes from ``init_dist`` (a univariate ``.dist()``, default
    ``Normal.dist(0, 100)`` with PyMC's warning); ``shape[-1] == steps + 1``.

    Examples
    --------
    >>> import numpy as np, rewrax as rx
    >>> def ou(x, lam):
    ...     return -lam * x, 1.0
    >>> x = rx.EulerMaruyama.dist(0.1, ou, (2.0,), init_dist=rx.Normal.dist(0, 1), steps=3)
    >>> v = np.array([1.0, 0.5, 0.4, 0.0])
    >>> mean = v[:-1] + 0.1 * (-2.0 * v[:-1])
    >>> expected = rx.logp(rx.Normal.dist(0, 1), 1.0) + rx.logp(rx.Normal.dist(mean, np.sqrt(0.1)), v[1:]).sum()
    >>> bool(np.isclose(rx.logp(x, v).eval(), expected.eval()))
    True
    """

    rv_type = EulerMaruyamaRV
    needs_op = True

    @classmethod
    def dist(cls, dt, sde_fn, sde_pars, *, init_dist=None, steps=None, shape=None, size=None, rng=None, **kwargs):
        if kwargs:
            raise TypeError(f"EulerMaruyama.dist() got unexpected keyword argument(s): {', '.join(sorted(kwargs))}")
        if not callable(sde_fn):
            raise TypeError(f"EulerMaruyama: sde_fn must be a function (x, *sde_pars) -> (drift, diffusion), "
                            f"got {sde_fn!r}")
        steps = infer_steps("EulerMaruyama", steps, shape, 1)
        dt = pt.as_tensor_variable(dt)
        sde_pars = [pt.as_tensor_variable(x) for x in sde_pars]
        if init_dist is None:
            warn_default_init("Normal.dist(0, 100, shape=...)")
            init_dist = Normal.dist(0, 100)
        init = check_init_dist(init_dist, "EulerMaruyama")
        batch = batch_of("EulerMaruyama", shape, size, 1, [(x, 0) for x in sde_pars] + [(init, 0)])
        init = resize(init, batch)
        path = _sde_path(sde_fn, dt, init, _noise(batch, steps, time_first=True), sde_pars)
        dtype = upcast(init.type.dtype, dt.type.dtype, *[x.type.dtype for x in sde_pars], "float32")
        rv = make_rv(EulerMaruyamaRV(sde_fn, len(sde_pars), dtype), dt, init, *sde_pars, path, rng=rng)
        _check_shape(rv, shape, "EulerMaruyama")
        return rv

    @staticmethod
    def support_point(rv, shape, dt, init, *rest, op):
        from rewrax.model.distributions.distribution import support_point

        return broadcast_to_shape(pt.expand_dims(support_point(init), -1), shape)

    @staticmethod
    def logp(value, dt, init, *rest, op):
        value = pt.as_tensor_variable(value)
        sde_pars = [x[..., None] for x in rest[:-1]]  # broadcast each parameter along the time axis
        before, after = value[..., :-1], value[..., 1:]
        f, g = op.sde_fn(before, *sde_pars)
        steps = Normal.logp(after, before + dt * f, pt.sqrt(dt) * g)
        return derive("logp", init, value[..., 0]) + pt.sum(steps, axis=-1)


__all__ = ["AR", "GARCH11", "EulerMaruyama"]
