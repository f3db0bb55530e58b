"""The stratum protocol: one interface for every kind of subnetwork stratum (docs/math.md §4, §6).

A subnetwork stratum S of an architecture's parameter space is a set of parameters at which the network computes
a function of a smaller network: inactive MLP neurons, merged (redundant) MLP neurons, zero-padded CNN filters.
Every implementation provides

* ``architecture`` — the full architecture; ``label`` — a short human description;
* ``reduced_architecture`` — the smaller network (None when S computes no network of the same family, e.g. a
  zero CNN filter);
* ``contains(params, tol=0.0)`` — whether the point (:class:`~neuromanifold.architectures.Parameters` or flat θ)
  lies on S: exactly for ``tol = 0`` in every implementation; a positive ``tol`` is absolute on the vanishing
  coordinates of the coordinate, merged and padding strata, and relative to each layer's scale (the notion of
  :mod:`~neuromanifold.geometry.proximity`) for the MLP :class:`~.mlp.Stratum`;
* ``lift(theta_reduced)`` — a flat θ on S computing the same function as the reduced parameters θ';
* ``to_dict()`` — JSON.

Implementations: :class:`~.mlp.Stratum` (an MLP stratum indexed by how many neurons are removed and merged per
layer, with its dimension), :class:`~.coordinate.CoordinateStratum` (inactive neurons, padded filters: the
coordinate subspaces the landscape experiments train on), :class:`~.merged.MergedStratum` (two merged
neurons) and :class:`~.cnn.Padding` (a zero-padding pattern of a CNN).
"""

from __future__ import annotations

from typing import Protocol, runtime_checkable

import numpy as np

__all__ = ["SubnetworkStratum", "lift_to_coordinates"]


@runtime_checkable
class SubnetworkStratum(Protocol):
    """What every subnetwork stratum provides (module docstring)."""

    architecture: object

    @property
    def label(self) -> str: ...

    @property
    def reduced_architecture(self): ...

    def contains(self, params, tol: float = 0.0) -> bool: ...

    def lift(self, theta_reduced): ...

    def to_dict(self) -> dict: ...


def lift_to_coordinates(n_params: int, free: np.ndarray, values, name: str = "theta_reduced") -> np.ndarray:
    """The flat θ ∈ K^N with ``values`` on the coordinates ``free`` and zeros elsewhere (exact 0 for object
    arrays): the lift of a coordinate stratum, whose free coordinates are the reduced network's parameters."""
    values = np.asarray(values)
    if values.shape != (free.size,):
        raise ValueError(f"Argument '{name}' must have length {free.size}, not shape {values.shape}.")
    out = np.zeros(n_params, dtype=values.dtype)
    if values.dtype == object:
        out[:] = 0
    out[free] = values
    return out
