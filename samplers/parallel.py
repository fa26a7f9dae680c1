"""``chain_method="parallel"``: chains sharded over JAX devices (GPUs, or CPU devices).

The compiled program is the same as for ``"vectorized"``; only where the per-chain arrays
live changes. Their leading (chain) axis is split over a one-axis device mesh, the data are
replicated, and XLA partitions the ``vmap`` over chains so each device runs its share. For
several hosts, start every process with ``jax.distributed.initialize()`` first:
``jax.devices()`` then lists the devices of all hosts (see docs/gpu.md).
"""

from __future__ import annotations

import numpy as np

import jax
from jax.sharding import Mesh, NamedSharding, PartitionSpec


def chain_sharding(chains: int):
    """``(sharded, replicated)`` shardings over all devices; chains must divide evenly."""
    devices = jax.devices()
    if chains % len(devices):
        raise ValueError(f"chain_method='parallel' splits the chains evenly over the {len(devices)} devices "
                         f"({', '.join(str(d) for d in devices[:4])}{', ...' if len(devices) > 4 else ''}); "
                         f"{chains} chains do not divide evenly: use a multiple of {len(devices)}")
    mesh = Mesh(np.asarray(devices), ("chain",))
    return NamedSharding(mesh, PartitionSpec("chain")), NamedSharding(mesh, PartitionSpec())


def place_chains(chain_method: str, chains: int, flats, data):
    """Put the per-chain starts and the data where ``chain_method`` wants them."""
    if chain_method != "parallel":
        return flats, data
    sharded, replicated = chain_sharding(chains)
    flats = jax.device_put(flats, sharded)
    data = jax.device_put(data, replicated)
    return flats, data
