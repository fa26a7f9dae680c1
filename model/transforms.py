"""Transforms: bijections from a variable's support to unconstrained space, as PyMC has them.

A free random variable whose support is constrained (``sigma > 0``, ``p`` in (0, 1), a
simplex, ...) is sampled through an unconstrained *value variable*: ``sigma_log__`` holds
``log(sigma)``. A transform says how to go both ways and how volume changes:

- ``forward(x)``: constrained value -> unconstrained value (``log``),
- ``backward(y)``: unconstrained -> constrained (``exp``),
- ``log_jac_det(y)``: ``log |det d backward(y) / dy|``, summed over the transform's event
  dimensions (``ndim_supp``); the model adds it to the log-density when ``jacobian=True``.

``default_transform(constraint)`` (bottom of this file) picks a free variable's transform
from its support, as data: one line per constraint.

Transforms hold their parameters (``Interval(lower, upper)`` bounds may be symbolic, even
other random variables: the model replaces those by their values). ``*inputs`` in the
methods is accepted for PyMC compatibility and unused.
"""

from __future__ import annotations

import numpy as np

import rewrax.symbolic as pt


class Transform:
    """Base class: a bijection between a support and unconstrained space.

    Attributes
    ----------
    name : str
        Suffix of the value variable (``x_<name>__``).
    ndim_supp : int
        Number of trailing dimensions of the *unconstrained* value that ``log_jac_det``
        reduces over (0 for element-wise transforms).
    """

    name = "transform"
    ndim_supp = 0

    def forward(self, value, *inputs):
        raise NotImplementedError(f"{type(self).__name__}.forward")

    def backward(self, value, *inputs):
        raise NotImplementedError(f"{type(self).__name__}.backward")

    def log_jac_det(self, value, *inputs):
        raise NotImplementedError(f"{type(self).__name__}.log_jac_det")

    def __eq__(self, other):
        return type(self) is type(other) and self._key() == other._key()

    def __hash__(self):
        return hash((type(self), self._key()))

    def _key(self):
        return ()

    def __repr__(self):
        return f"{type(self).__name__}()"


class LogTransform(Transform):
    """``(0, inf) <-> R`` by ``log``; value variable ``x_log__``."""

    name = "log"

    def forward(self, value, *inputs):
        return pt.log(value)

    def backward(self, value, *inputs):
        return pt.exp(value)

    def log_jac_det(self, value, *inputs):
        return pt.as_tensor_variable(value)


class LogExpM1(Transform):
    """``(0, inf) <-> R`` by ``log(expm1(x))`` (inverse softplus); value ``x_log_exp_m1__``."""

    name = "log_exp_m1"

    def forward(self, value, *inputs):
        return pt.log(pt.expm1(value))

    def backward(self, value, *inputs):
        return pt.softplus(value)

    def log_jac_det(self, value, *inputs):
        return -pt.softplus(-value)


class LogOddsTransform(Transform):
    """``(0, 1) <-> R`` by ``logit``; value variable ``p_logodds__``."""

    name = "logodds"

    def forward(self, value, *inputs):
        return pt.log(value) - pt.log1p(-value)

    def backward(self, value, *inputs):
        return pt.sigmoid(value)

    def log_jac_det(self, value, *inputs):
        # log(sigmoid(y) * (1 - sigmoid(y))), written without cancellation for large |y|
        return -pt.softplus(-value) - pt.softplus(value)


def _bound(b):
    return None if b is None else pt.as_tensor_variable(b)


class Interval(Transform):
    """``(lower, upper) <-> R``; either bound may be ``None`` (one-sided); value ``u_interval__``.

    Bounds may be numbers or symbolic variables (including other random variables).

    Examples
    --------
    >>> import numpy as np, rewrax.model.transforms as tr
    >>> t = tr.Interval(0.0, 2.0)
    >>> float(t.backward(np.float64(0.0)).eval())
    1.0
    """

    name = "interval"

    def __init__(self, lower=None, upper=None):
        if lower is None and upper is None:
            raise ValueError("Interval needs a lower bound, an upper bound or both; "
                             "a variable without bounds needs no transform")
        self.lower, self.upper = _bound(lower), _bound(upper)

    def _key(self):
        return (id(self.lower), id(self.upper))

    def forward(self, value, *inputs):
        a, b = self.lower, self.upper
        if a is not None and b is not None:
            return pt.log(value - a) - pt.log(b - value)
        if a is not None:
            return pt.log(value - a)
        return pt.log(b - value)

    def backward(self, value, *inputs):
        a, b = self.lower, self.upper
        if a is not None and b is not None:
            return a + (b - a) * pt.sigmoid(value)
        if a is not None:
            return a + pt.exp(value)
        return b - pt.exp(value)

    def log_jac_det(self, value, *inputs):
        a, b = self.lower, self.upper
        if a is not None and b is not None:
            return pt.log(b - a) - pt.softplus(-value) - pt.softplus(value)
        return pt.as_tensor_variable(value)

    def __repr__(self):
        return f"Interval(lower={self.lower}, upper={self.upper})"


class Simplex(Transform):
    """Open simplex of ``K`` entries (last axis) <-> ``R^(K-1)`` by centred log-ratios.

    ``backward`` appends ``-sum(y)`` and takes a softmax, so ``y = 0`` is the uniform point.
    The value variable (``w_simplex__``) has one entry fewer on the last axis.
    """

    name = "simplex"
    ndim_supp = 1

    def forward(self, value, *inputs):
        log_x = pt.log(value)
        k = log_x.shape[-1]
        shift = pt.sum(log_x, axis=-1, keepdims=True) / pt.cast(k, log_x.type.dtype)
        return log_x[..., :-1] - shift

    def backward(self, value, *inputs):
        full = pt.concatenate([value, -pt.sum(value, axis=-1, keepdims=True)], axis=-1)
        return pt.softmax(full, axis=-1)

    def log_jac_det(self, value, *inputs):
        # x = softmax([y, -sum y]); the Jacobian of the first K-1 coordinates has
        # log-determinant log(K) + sum_k log x_k (matrix determinant lemma).
        full = pt.concatenate([value, -pt.sum(value, axis=-1, keepdims=True)], axis=-1)
        k = pt.cast(full.shape[-1], full.type.dtype)
        return pt.log(k) + pt.sum(pt.log_softmax(full, axis=-1), axis=-1)


class Ordered(Transform):
    """Increasing vectors (last axis) <-> ``R^K``: ``y_0 = x_0``, ``y_k = log(x_k - x_{k-1})``.

    Examples
    --------
    >>> import numpy as np, rewrax.model.transforms as tr
    >>> tr.ordered.backward(np.array([0.0, 0.0, 0.0])).eval()
    array([0., 1., 2.])
    """

    name = "ordered"
    ndim_supp = 1

    def forward(self, value, *inputs):
        value = pt.as_tensor_variable(value)
        return pt.concatenate([value[..., :1], pt.log(value[..., 1:] - value[..., :-1])], axis=-1)

    def backward(self, value, *inputs):
        value = pt.as_tensor_variable(value)
        return pt.cumsum(pt.concatenate([value[..., :1], pt.exp(value[..., 1:])], axis=-1), axis=-1)

    def log_jac_det(self, value, *inputs):
        value = pt.as_tensor_variable(value)
        return pt.sum(value[..., 1:], axis=-1)


class Circular(Transform):
    """Angles: values are wrapped into ``[-pi, pi)``; the Jacobian is 1."""

    name = "circular"

    def forward(self, value, *inputs):
        return pt.as_tensor_variable(value)

    def backward(self, value, *inputs):
        value = pt.as_tensor_variable(value)
        return value - 2 * np.pi * pt.floor((value + np.pi) / (2 * np.pi))

    def log_jac_det(self, value, *inputs):
        return pt.zeros_like(value)


class SumTo1(Transform):
    """Vectors summing to 1 (last axis) <-> their first ``K - 1`` entries; the last is ``1 - sum``.

    Unlike ``simplex`` the entries are not kept positive; the Jacobian is 1.

    Examples
    --------
    >>> import numpy as np, rewrax.model.transforms as tr
    >>> tr.sum_to_1.backward(np.array([0.2, 0.3])).eval()
    array([0.2, 0.3, 0.5])
    """

    name = "sumto1"
    ndim_supp = 1

    def forward(self, value, *inputs):
        return pt.as_tensor_variable(value)[..., :-1]

    def backward(self, value, *inputs):
        value = pt.as_tensor_variable(value)
        return pt.concatenate([value, 1 - pt.sum(value, axis=-1, keepdims=True)], axis=-1)

    def log_jac_det(self, value, *inputs):
        return pt.sum(pt.zeros_like(pt.as_tensor_variable(value)), axis=-1)


def _packed_diag(n):
    # positions of the diagonal in a row-major packed lower triangle of an n x n matrix
    return np.cumsum(np.arange(1, n + 1)) - 1


class CholeskyCovPacked(Transform):
    """Packed lower-triangular Cholesky factors (row-major, as LKJCholeskyCov packs them):
    the ``n`` diagonal entries are log-transformed, the others left as they are.

    Value variable ``x_cholesky-cov-packed__``.
    """

    name = "cholesky-cov-packed"
    ndim_supp = 1

    def __init__(self, n):
        self.n = int(n)
        self.diag_idxs = _packed_diag(self.n)

    def _key(self):
        return (self.n,)

    def forward(self, value, *inputs):
        value = pt.as_tensor_variable(value)
        return pt.set_subtensor(value[..., self.diag_idxs], pt.log(value[..., self.diag_idxs]))

    def backward(self, value, *inputs):
        value = pt.as_tensor_variable(value)
        return pt.set_subtensor(value[..., self.diag_idxs], pt.exp(value[..., self.diag_idxs]))

    def log_jac_det(self, value, *inputs):
        value = pt.as_tensor_variable(value)
        return pt.sum(value[..., self.diag_idxs], axis=-1)

    def __repr__(self):
        return f"CholeskyCovPacked(n={self.n})"


class CholeskyCorr(Transform):
    """Cholesky factors of ``n x n`` correlation matrices <-> ``R^(n(n-1)/2)``.

    ``tanh`` maps the unconstrained vector to canonical partial correlations ``z`` (filled
    into the strictly lower triangle, row-major); row ``i`` of the factor is
    ``L_ij = z_ij * sqrt(prod_{k<j} (1 - z_ik^2))`` with ``L_ii`` closing the unit norm.
    Value variable ``x_cholesky_corr__``.
    """

    name = "cholesky_corr"
    ndim_supp = 1

    def __init__(self, n):
        self.n = int(n)
        self.rows, self.cols = np.tril_indices(self.n, -1)

    def _key(self):
        return (self.n,)

    def _fill(self, vec):
        batch = tuple(vec.shape[i] for i in range(vec.type.ndim - 1))
        zeros = pt.zeros((*batch, self.n, self.n), dtype=vec.type.dtype)
        return pt.set_subtensor(zeros[..., self.rows, self.cols], vec)

    def _log_remaining(self, z):
        # log prod_{k<j} (1 - z_ik^2), an exclusive cumulative sum along each row
        w = pt.log1p(-pt.sqr(z))
        return pt.cumsum(w, axis=-1) - w

    def backward(self, value, *inputs):
        z = self._fill(pt.tanh(pt.as_tensor_variable(value)))
        eye = pt.eye(self.n, dtype=z.type.dtype)
        return (z + eye) * pt.exp(0.5 * self._log_remaining(z))

    def forward(self, value, *inputs):
        L = pt.as_tensor_variable(value)
        sq = pt.sqr(L)
        remaining = 1.0 - (pt.cumsum(sq, axis=-1) - sq)
        z = L / pt.sqrt(remaining)
        return pt.arctanh(z[..., self.rows, self.cols])

    def log_jac_det(self, value, *inputs):
        value = pt.as_tensor_variable(value)
        # d tanh: log(1 - tanh(y)^2) = 2 (log 2 - y - softplus(-2 y))
        dtanh = 2.0 * (np.log(2.0) - value - pt.softplus(-2.0 * value))
        log_rem = self._log_remaining(self._fill(pt.tanh(value)))[..., self.rows, self.cols]
        return pt.sum(dtanh + 0.5 * log_rem, axis=-1)

    def __repr__(self):
        return f"CholeskyCorr(n={self.n})"


class CorrMatrix(CholeskyCorr):
    """``n x n`` correlation matrices <-> ``R^(n(n-1)/2)``: :class:`CholeskyCorr`, then ``L L^T``.

    Value variable ``x_cholesky_corr__`` (the same unconstrained coordinates as for the factor).
    """

    def backward(self, value, *inputs):
        L = super().backward(value)
        return L @ pt.swapaxes(L, -1, -2)

    def forward(self, value, *inputs):
        return super().forward(pt.cholesky(pt.as_tensor_variable(value)))

    def log_jac_det(self, value, *inputs):
        # L -> L L^T on the strictly lower entries: log|det| = sum_i (n - 1 - i) log L_ii
        L = super().backward(value)
        weights = np.arange(self.n - 1, -1, -1, dtype="float64")
        log_diag = pt.log(pt.diagonal(L, axis1=-2, axis2=-1))
        return super().log_jac_det(value) + pt.sum(weights * log_diag, axis=-1)

    def __repr__(self):
        return f"CorrMatrix(n={self.n})"


class Chain(Transform):
    """Transforms applied one after the other: ``forward`` runs them in order.

    Examples
    --------
    >>> import rewrax.model.transforms as tr
    >>> tr.Chain([tr.log, tr.ordered]).name
    'log_ordered'
    """

    def __init__(self, transform_list):
        self.transform_list = list(transform_list)
        if not self.transform_list:
            raise ValueError("Chain needs at least one transform")
        self.name = "_".join(t.name for t in self.transform_list)
        self.ndim_supp = max(t.ndim_supp for t in self.transform_list)

    def _key(self):
        return tuple(self.transform_list)

    def forward(self, value, *inputs):
        for t in self.transform_list:
            value = t.forward(value, *inputs)
        return value

    def backward(self, value, *inputs):
        for t in reversed(self.transform_list):
            value = t.backward(value, *inputs)
        return value

    def log_jac_det(self, value, *inputs):
        total = None
        for t in reversed(self.transform_list):
            term = t.log_jac_det(value, *inputs)
            value = t.backward(value, *inputs)
            total = term if total is None else _add_event_aware(total, term)
        return total

    def __repr__(self):
        return f"Chain({self.transform_list})"


def _add_event_aware(a, b):
    """``a + b`` where the one with more dimensions is summed over its extra trailing axes."""
    a, b = pt.as_tensor_variable(a), pt.as_tensor_variable(b)
    if a.type.ndim > b.type.ndim:
        a = pt.sum(a, axis=tuple(range(b.type.ndim, a.type.ndim)))
    elif b.type.ndim > a.type.ndim:
        b = pt.sum(b, axis=tuple(range(a.type.ndim, b.type.ndim)))
    return a + b


# -- the default transform of each support (NumPyro's ``biject_to`` idea) ---------------------------
def _event_size(rv, what):
    n = None if rv is None else rv.type.shape[-1]
    if n is None:
        raise ValueError(f"the {what} transform needs the static size of the last dimension of {rv}")
    return n


_DEFAULTS = [  # (constraint name, transform factory(constraint, rv)); the first match wins
    ("positive", lambda c, rv: log),
    ("nonnegative", lambda c, rv: log),
    ("unit_interval", lambda c, rv: logodds),
    ("circular", lambda c, rv: circular),
    ("greater_than", lambda c, rv: Interval(c.lower, None)),
    ("greater_than_eq", lambda c, rv: Interval(c.lower, None)),
    ("less_than", lambda c, rv: Interval(None, c.upper)),
    ("interval", lambda c, rv: Interval(c.lower, c.upper)),
    ("simplex", lambda c, rv: simplex),
    ("ordered", lambda c, rv: ordered),
    ("corr_cholesky", lambda c, rv: CholeskyCorr(_event_size(rv, "corr_cholesky"))),
    ("corr_matrix", lambda c, rv: CorrMatrix(_event_size(rv, "corr_matrix"))),
    ("cov_cholesky", lambda c, rv: CholeskyCovPacked(c.n)),
]


def default_transform(constraint, rv=None):
    """The transform a free variable with support ``constraint`` gets by default, or None.

    Unconstrained and discrete supports get none; so do supports with no bijection to
    unconstrained space that PyMC transforms by default (``positive_definite``, ``censored``).

    Examples
    --------
    >>> from rewrax.model import constraints
    >>> from rewrax.model.transforms import default_transform
    >>> default_transform(constraints.positive).name, default_transform(constraints.unit_interval).name
    ('log', 'logodds')
    """
    if constraint is None or constraint.is_discrete:
        return None
    name = getattr(constraint, "name", None)
    for key, factory in _DEFAULTS:
        if key == name:
            return factory(constraint, rv)
    return None


# PyMC's module-level instances
log = LogTransform()
log_exp_m1 = LogExpM1()
logodds = LogOddsTransform()
simplex = Simplex()
ordered = Ordered()
circular = Circular()
sum_to_1 = SumTo1()
interval = Interval
ChainedTransform = Chain

__all__ = [
    "Transform", "LogTransform", "LogExpM1", "LogOddsTransform", "Interval", "Simplex", "Ordered",
    "Circular", "CholeskyCovPacked", "CholeskyCorr", "CorrMatrix", "Chain", "ChainedTransform", "log", "log_exp_m1",
    "logodds", "simplex", "ordered", "circular", "SumTo1", "sum_to_1", "interval", "default_transform",
]
