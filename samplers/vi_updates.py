"""Optimisers of ``rx.fit`` with PyMC's names (``pymc.variational.updates``), as optax transformations.

``adagrad_window`` is PyMC's default ADVI optimiser: Adagrad whose squared-gradient sum covers
only the last ``n_win`` steps, so the step size follows the recent gradient scale. Its steps
are small (about ``learning_rate / sqrt(n_win)`` per unit gradient), so the last iterate of a
fit on noisy minibatch gradients stays close to the optimum, where Adam's steps of about
``learning_rate`` keep jittering.
"""

from __future__ import annotations

import jax
import jax.numpy as jnp


def adagrad_window(learning_rate=0.001, epsilon=0.1, n_win=10):
    """PyMC's windowed Adagrad: ``x -= learning_rate * g / sqrt(sum of the last n_win g**2 + epsilon)``.

    Parameters
    ----------
    learning_rate : float
        Step size.
    epsilon : float
        Added to the windowed sum of squared gradients (PyMC's default 0.1).
    n_win : int
        How many recent squared gradients the sum covers.

    Returns
    -------
    optax.GradientTransformation

    Examples
    --------
    >>> import jax.numpy as jnp
    >>> opt = adagrad_window(learning_rate=0.1, n_win=2)
    >>> state = opt.init(jnp.zeros(1))
    >>> updates, state = opt.update(jnp.array([3.0]), state)
    >>> round(float(updates[0]), 4)  # -0.1 * 3 / sqrt(9 + 0.1)
    -0.0994
    """
    import optax

    if isinstance(n_win, bool) or not isinstance(n_win, int) or n_win < 1:
        raise ValueError(f"adagrad_window: n_win must be a positive integer, got {n_win!r}")

    def init(params):
        window = jax.tree_util.tree_map(lambda p: jnp.zeros((n_win,) + jnp.shape(p), jnp.result_type(p)), params)
        return window, jnp.zeros((), jnp.int32)

    def update(grads, state, params=None):
        window, step = state
        window = jax.tree_util.tree_map(lambda w, g: w.at[step % n_win].set(g * g), window, grads)
        updates = jax.tree_util.tree_map(lambda w, g: -learning_rate * g / jnp.sqrt(w.sum(0) + epsilon), window, grads)
        return updates, (window, step + 1)

    return optax.GradientTransformation(init, update)


__all__ = ["adagrad_window"]
