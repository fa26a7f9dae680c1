"""``jacobian`` and ``hessian``: one pullback, applied to every row of an identity matrix.

The pullback of ``expression`` from a symbolic seed ``u`` is built once; ``vectorize=True``
(the default) batches it over the rows of ``eye(n)`` with :func:`vectorize_graph` (one
vectorized graph, which JAX runs as batched kernels), ``vectorize=False`` loops over the rows
with ``scan`` (PyTensor's default, less memory for very large jacobians).
"""

from __future__ import annotations

from rewrax.symbolic.basic import as_tensor_variable
from rewrax.symbolic.graph import ancestors
from rewrax.symbolic.op import UndefinedGrad


def _dims(var):
    """Static sizes where known, symbolic ``shape(var)[i]`` elsewhere."""
    from rewrax.symbolic.shape_api import shape

    return [d if d is not None else shape(var)[i] for i, d in enumerate(var.type.shape)]


def _rows_over_basis(rows, u, n, dtype, vectorize):
    """Each pullback in ``rows`` evaluated at every row of ``eye(n)``, stacked on axis 0."""
    from rewrax.symbolic.control import scan
    from rewrax.symbolic.graph import graph_replace
    from rewrax.symbolic.shape_api import eye
    from rewrax.symbolic.vectorize import vectorize_graph

    basis = eye(n, dtype=dtype)
    live = [r for r in rows if r is not None and any(v is u for v in ancestors([r]))]
    if not live:
        stacked = []
    elif vectorize:
        stacked = vectorize_graph(live, {u: basis})
    else:
        stacked, _ = scan(lambda row: graph_replace(live, {u: row}, strict=False), sequences=[basis],
                          return_list=True)
    by_id = {id(r): s for r, s in zip(live, stacked)}
    return [by_id.get(id(r)) if r is not None else None for r in rows]


def jacobian(expression, wrt, consider_constant=None, disconnected_inputs="raise", vectorize=True):
    """The Jacobian of ``expression`` with respect to ``wrt``: shape ``expr.shape + wrt.shape``.

    Parameters
    ----------
    expression : Variable
        Any float tensor; a scalar gives its gradient.
    wrt : Variable or list of Variable
        The result has the same structure.
    vectorize : bool
        Batch the pullback over the basis with ``vectorize_graph`` (default), or loop over it
        with ``scan``.

    Examples
    --------
    >>> import numpy as np, rewrax as rx, rewrax.symbolic as pt
    >>> x = pt.vector("x")
    >>> J = rx.jacobian(x ** 2, x)
    >>> J.eval({x: np.array([1.0, 2.0])})
    array([[2., 0.],
           [0., 4.]])
    """
    from rewrax.symbolic.gradient import _as_var_list, grad
    from rewrax.symbolic.shape_api import alloc, reshape

    expression = as_tensor_variable(expression)
    ws, single = _as_var_list(wrt, "jacobian: wrt")
    if expression.type.ndim == 0:
        out = grad(expression, ws, consider_constant=consider_constant,
                   disconnected_inputs=disconnected_inputs, add_names=False)
        return out[0] if single else out
    flat = expression if expression.type.ndim == 1 else expression.flatten()
    u = flat.type.make_variable(name="jacobian_seed")
    rows = grad(None, ws, consider_constant=consider_constant, known_grads={flat: u},
                disconnected_inputs=disconnected_inputs, return_disconnected="none", stabilize=False)
    n = _dims(flat)[0]
    stacked = _rows_over_basis(rows, u, n, flat.type.dtype, vectorize)
    out = []
    for w, row, j in zip(ws, rows, stacked):
        target = [*_dims(expression), *_dims(w)]
        if isinstance(row, UndefinedGrad):
            raise row.error(str(w))
        if j is None:  # disconnected, or a pullback that does not depend on the seed
            from rewrax.symbolic.math import zeros_like

            j = alloc(row if row is not None else zeros_like(w), n, *_dims(w))
        out.append(j if expression.type.ndim == 1 else reshape(j, target))
    return out[0] if single else out


def hessian(cost, wrt, consider_constant=None, disconnected_inputs="raise", vectorize=True):
    """The Hessian of a scalar ``cost`` with respect to each ``wrt``: shape ``wrt.shape * 2``.

    Examples
    --------
    >>> import numpy as np, rewrax as rx, rewrax.symbolic as pt
    >>> x = pt.vector("x")
    >>> H = rx.hessian((x ** 3).sum(), x)
    >>> H.eval({x: np.array([1.0, 2.0])})
    array([[ 6.,  0.],
           [ 0., 12.]])
    """
    from rewrax.symbolic.gradient import _as_var_list, grad

    ws, single = _as_var_list(wrt, "hessian: wrt")
    out = []
    for w in ws:
        g = grad(cost, w, consider_constant=consider_constant, disconnected_inputs=disconnected_inputs,
                 add_names=False)
        out.append(jacobian(g, w, consider_constant=consider_constant, disconnected_inputs="ignore",
                            vectorize=vectorize))
    return out[0] if single else out

