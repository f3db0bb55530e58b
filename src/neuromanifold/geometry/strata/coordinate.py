"""Coordinate strata of parameter space (an implementation of the stratum protocol of :mod:`.base`).

Both kinds of subnetwork the loss-landscape experiments need are *coordinate subspaces* of θ-space:

* MLP, inactive neurons (docs/math.md §4): neuron i of hidden layer ℓ has W_ℓ[i, :] = 0 (and b_ℓ[i] = 0) and
  W_{ℓ+1}[:, i] = 0.  The network then computes a function of the narrower MLP, and the points of the
  stratum are exactly the lifts θ = ι(θ') of points θ' of the narrower network (zero weights for the
  removed neurons).  By the permutation symmetry we remove the last neurons of each layer.
* CNN, zero-padded filters (Razor's Edge §4, CNN paragraph of docs/math.md §6): the first ``left`` and last
  ``right`` entries of filter w_ℓ vanish; the network computes a CNN with a shorter filter, shifted.

A stratum S = {θ : θ_j = 0 for j ∈ Z}; the "reduced network" is θ restricted to the free coordinates,
the lift ι fills Z with zeros.

Redundant (merged) neurons are not coordinate strata: see :mod:`.merged`.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from ...architectures.cnn import is_cnn
from ...architectures.parameters import Parameters
from .base import lift_to_coordinates

__all__ = ["CoordinateStratum", "mlp_stratum", "cnn_stratum", "default_stratum"]


@dataclass(frozen=True, eq=False)
class CoordinateStratum:
    """S = {θ ∈ K^N : θ_j = 0 for j ∈ ``zero``} inside ``architecture``'s parameter space.

    Inactive MLP neurons and zero-padded CNN filters are such coordinate strata (docs/math.md §4, §6).
    """

    architecture: object
    zero: tuple[int, ...]
    label: str
    reduced_architecture: object = None  # the narrower network whose parameters are the free coordinates

    @property
    def free(self) -> np.ndarray:
        mask = np.ones(self.architecture.n_params, dtype=bool)
        mask[list(self.zero)] = False
        return np.nonzero(mask)[0]

    def lift(self, theta_free) -> np.ndarray:
        """ι(θ'): the full parameter vector with zeros on the stratum's removed coordinates."""
        return lift_to_coordinates(self.architecture.n_params, self.free, theta_free, "theta_free")

    def contains(self, theta, tol: float = 0.0) -> bool:
        """Whether every coordinate of ``theta`` (Parameters or flat θ) in ``zero`` is at most ``tol`` in size."""
        theta = theta.flatten() if isinstance(theta, Parameters) else np.asarray(theta)
        return all(abs(theta[j]) <= tol for j in self.zero)

    def to_dict(self) -> dict:
        return {"label": self.label, "zero": list(self.zero), "architecture": self.architecture.to_json()}


def mlp_stratum(architecture, removed) -> CoordinateStratum:
    """The MLP stratum where the last ``removed[ℓ−1]`` neurons of hidden layer ℓ are inactive (zero
    incoming row and bias, zero outgoing column).

    Inactive neurons as in docs/math.md §4; this stratum is critically exposed when σ(0) = 0 (Razor's Edge, docs/math.md
    §6).
    """
    hidden = architecture.hidden_widths
    removed = tuple(int(k) for k in removed)
    if len(removed) != len(hidden) or any(k < 0 for k in removed) or any(k >= d for k, d in zip(removed, hidden)):
        raise ValueError(f"Argument 'removed' must give for each of the {len(hidden)} hidden layers a count "
                         f"0 <= k < width (widths {list(hidden)}), got {list(removed)}.")
    if not any(removed):
        raise ValueError("Argument 'removed' must remove at least one neuron.")
    zero = set()
    for ell, k in enumerate(removed, start=1):
        for i in range(hidden[ell - 1] - k, hidden[ell - 1]):
            zero |= set(architecture.neuron_coordinates(ell, i))
    label = ", ".join(f"{k} inactive in layer {ell + 1}" for ell, k in enumerate(removed) if k)
    reduced = architecture.with_widths([w - k for w, k in zip(architecture.widths, (0,) + removed + (0,))])
    return CoordinateStratum(architecture, tuple(sorted(zero)), f"MLP {list(architecture.widths)}: {label}", reduced)


def cnn_stratum(architecture, pads) -> CoordinateStratum:
    """The CNN stratum where filter ℓ has its first ``pads[ℓ−1][0]`` and last ``pads[ℓ−1][1]``
    entries zero (a zero-padded shorter filter).

    The zero-padding strata of docs/math.md §6; not critically exposed (Razor's Edge Prop 4.5).
    """
    pads = tuple((int(a), int(b)) for a, b in pads)
    if len(pads) != architecture.depth:
        raise ValueError(f"Argument 'pads' must give (left, right) for each of the {architecture.depth} filters, got {len(pads)}.")
    from .cnn import Padding

    for ell, ((a, b), k) in enumerate(zip(pads, architecture.filters)):
        if a < 0 or b < 0 or a + b >= k:
            raise ValueError(f"Argument 'pads': filter {ell + 1} has size {k}; padding ({a}, {b}) must leave one entry.")
    pattern = Padding(architecture, tuple(a for a, _ in pads), tuple(b for _, b in pads))
    zero = sorted(set(range(architecture.n_params)) - set(pattern.free_indices.tolist()))
    if not zero:
        raise ValueError("Argument 'pads' must pad at least one filter entry.")
    label = ", ".join(f"filter {ell + 1} padded ({a}, {b})" for ell, (a, b) in enumerate(pads) if a or b)
    return CoordinateStratum(architecture, tuple(zero), f"CNN k={list(architecture.filters)}: {label}",
                             pattern.sub_architecture())


def default_stratum(architecture) -> CoordinateStratum:
    """One neuron of the first hidden layer inactive (MLP) / the first filter padded by one on the right (CNN).

    MLP: critically exposed when σ(0) = 0; CNN: not critically exposed (docs/math.md §6, Razor's Edge Prop 4.5).
    """
    if is_cnn(architecture):
        return cnn_stratum(architecture, [(0, 1)] + [(0, 0)] * (architecture.depth - 1))
    return mlp_stratum(architecture, [1] + [0] * (len(architecture.hidden_widths) - 1))
