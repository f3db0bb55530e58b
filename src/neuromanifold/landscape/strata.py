"""Coordinate strata of parameter space and the Wilson interval.

Both kinds of subnetwork the loss-landscape experiments need are *coordinate subspaces* of θ-space:

* MLP, inactive neurons (docs/math.md §4): neuron i of hidden layer ℓ has W_ℓ[i, :] = 0 (and b_ℓ[i] = 0) and
  W_{ℓ+1}[:, i] = 0.  The network then computes a function of the narrower MLP, and the points of the
  stratum are exactly the lifts θ = ι(θ') of points θ' of the narrower network (zero weights for the
  removed neurons).  By the permutation symmetry we remove the last neurons of each layer.
* CNN, zero-padded filters (Razor's Edge §4, CNN paragraph of docs/math.md §6): the first ``left`` and last
  ``right`` entries of filter w_ℓ vanish; the network computes a CNN with a shorter filter, shifted.

A stratum S = {θ : θ_j = 0 for j ∈ Z}; the "reduced network" is θ restricted to the free coordinates,
the lift ι fills Z with zeros.

Redundant (merged) neurons (docs/math.md §4) are not coordinate strata: :class:`MergedStratum` is the set of
MLP parameters where neurons i and j of hidden layer ℓ have equal incoming rows (and biases).  Such a
network computes the function of the MLP with one neuron fewer in layer ℓ whose neuron i carries the
summed outgoing column; conversely the lift ι_α of a point θ' of that narrower MLP copies the incoming
row of its neuron i to neurons i and j and splits the outgoing column c as α·c and (1 − α)·c.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

__all__ = ["CoordinateStratum", "MergedStratum", "merged_stratum", "mlp_stratum", "cnn_stratum", "default_stratum", "wilson_interval", "is_cnn"]


def is_cnn(architecture) -> bool:
    """Whether ``architecture`` is a 1-D CNN: its subnetwork strata are zero-padded filters, which are not
    critically exposed (Razor's Edge Prop 4.5, docs/math.md §6), unlike MLP strata."""
    return getattr(architecture, "filters", None) is not None and type(architecture).__name__ == "CNN"


@dataclass(frozen=True, eq=False)
class CoordinateStratum:
    """S = {θ ∈ K^N : θ_j = 0 for j ∈ ``zero``} inside ``architecture``'s parameter space.

    Inactive MLP neurons and zero-padded CNN filters are such coordinate strata (docs/math.md §4, §6).
    """

    architecture: object
    zero: tuple[int, ...]
    label: str

    @property
    def free(self) -> np.ndarray:
        mask = np.ones(self.architecture.n_params, dtype=bool)
        mask[list(self.zero)] = False
        return np.nonzero(mask)[0]

    def lift(self, theta_free) -> np.ndarray:
        """ι(θ'): the full parameter vector with zeros on the stratum's removed coordinates."""
        theta_free = np.asarray(theta_free) if not isinstance(theta_free, np.ndarray) else theta_free
        free = self.free
        if theta_free.shape != (free.size,):
            raise ValueError(f"Argument 'theta_free' must have length {free.size}, not shape {theta_free.shape}.")
        out = np.zeros(self.architecture.n_params, dtype=theta_free.dtype)
        if theta_free.dtype == object:
            out[:] = 0
        out[free] = theta_free
        return out

    def contains(self, theta, tol: float = 0.0) -> bool:
        theta = np.asarray(theta)
        return all(abs(theta[j]) <= tol for j in self.zero)

    def to_dict(self) -> dict:
        return {"label": self.label, "zero": list(self.zero), "architecture": self.architecture.to_json()}


def _offsets(architecture) -> list[int]:
    return np.cumsum([0] + [layer.n_params for layer in architecture.layers]).tolist()


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
    offs = _offsets(architecture)
    zero = set()
    for ell, k in enumerate(removed):  # hidden layer ell+1 = output of linear layer ell
        for i in range(hidden[ell] - k, hidden[ell]):
            idx_in = architecture.layers[ell].index[i, :]
            zero |= {offs[ell] + int(j) for j in idx_in if j >= 0}
            idx_out = architecture.layers[ell + 1].index[:, i]
            zero |= {offs[ell + 1] + int(j) for j in idx_out if j >= 0}
    label = ", ".join(f"{k} inactive in layer {ell + 1}" for ell, k in enumerate(removed) if k)
    return CoordinateStratum(architecture, tuple(sorted(zero)), f"MLP {list(architecture.widths)}: {label}")


@dataclass(frozen=True, eq=False)
class MergedStratum:
    """Neurons ``i`` and ``j`` of hidden layer ``layer`` (1-based) of an MLP have equal incoming rows and
    biases; ``split`` = α is the share of the merged outgoing column given to neuron i by :meth:`lift`.

    Redundant neurons as in docs/math.md §4; the lift ι_α maps critical points of the narrower MLP to critical points
    (critically exposed for every σ, docs/math.md §6).
    """

    architecture: object
    layer: int
    i: int
    j: int
    split: object
    label: str

    @property
    def reduced_architecture(self):
        """The MLP with one neuron fewer in hidden layer ``layer`` (neuron j deleted)."""
        widths = list(self.architecture.widths)
        widths[self.layer] -= 1
        return self.architecture.with_widths(widths)

    def _reduced_neuron(self, k: int) -> int:
        return k if k < self.j else k - 1

    def lift(self, theta_reduced) -> np.ndarray:
        """ι_α(θ'): rows i, j ← row i of θ'; outgoing columns i ← α·c, j ← (1 − α)·c with c the column of the
        merged neuron; every other entry copied.  Exact for Fraction/object arrays."""
        arch, red = self.architecture, self.reduced_architecture
        theta_reduced = np.asarray(theta_reduced)
        if theta_reduced.shape != (red.n_params,):
            raise ValueError(f"Argument 'theta_reduced' must have length {red.n_params} (parameters of "
                             f"{red.describe()}), not shape {theta_reduced.shape}.")
        out = np.zeros(arch.n_params, dtype=theta_reduced.dtype)
        if theta_reduced.dtype == object:
            out[:] = 0
        a = self.split
        offs, roffs = _offsets(arch), _offsets(red)
        for ell, (layer, rlayer) in enumerate(zip(arch.layers, red.layers)):
            for o in range(layer.index.shape[0]):
                for c in range(layer.index.shape[1]):
                    p = layer.index[o, c]
                    if p < 0:
                        continue
                    ro, rc, factor = o, c, None
                    if ell == self.layer - 1:  # incoming rows of hidden layer `layer`
                        ro = self._reduced_neuron(self.i if o == self.j else o)
                    if ell == self.layer and c < layer.in_dim:  # outgoing columns
                        rc = self._reduced_neuron(self.i if c == self.j else c)
                        factor = a if c == self.i else (1 - a) if c == self.j else None
                    elif ell == self.layer:  # bias column of the outgoing layer shifts by one
                        rc = c - 1
                    value = theta_reduced[roffs[ell] + int(rlayer.index[ro, rc])]
                    out[offs[ell] + int(p)] = value if factor is None else factor * value
        return out

    def contains(self, theta, tol: float = 0.0) -> bool:
        """Rows (and biases) of neurons i and j agree up to ``tol``."""
        theta = np.asarray(theta)
        layer, off = self.architecture.layers[self.layer - 1], _offsets(self.architecture)[self.layer - 1]
        ri = [theta[off + int(p)] for p in layer.index[self.i] if p >= 0]
        rj = [theta[off + int(p)] for p in layer.index[self.j] if p >= 0]
        return all(abs(x - y) <= tol for x, y in zip(ri, rj))

    def to_dict(self) -> dict:
        return {"label": self.label, "layer": self.layer, "pair": [self.i, self.j], "split": str(self.split),
                "architecture": self.architecture.to_json()}


def merged_stratum(architecture, layer: int = 1, pair=(0, 1), split=None) -> MergedStratum:
    """The MLP stratum where neurons ``pair`` = (i, j) of hidden layer ``layer`` (1-based) are redundant
    (equal incoming rows and biases).  ``split`` α (default the exact 1/3, so that neither copy is silent).

    Redundant neurons as in docs/math.md §4; critically exposed for every σ (docs/math.md §6, :mod:`.exposure`).
    """
    from fractions import Fraction

    if is_cnn(architecture) or not hasattr(architecture, "hidden_widths"):
        raise ValueError("Argument 'architecture' must be an MLP: merged neurons are an MLP stratum.")
    hidden = architecture.hidden_widths
    if isinstance(layer, bool) or not isinstance(layer, int) or not 1 <= layer <= len(hidden):
        raise ValueError(f"Argument 'layer' must be a hidden layer 1..{len(hidden)}, got {layer!r}.")
    i, j = (int(v) for v in pair)
    if not (0 <= i < hidden[layer - 1] and 0 <= j < hidden[layer - 1]) or i == j:
        raise ValueError(f"Argument 'pair' must be two different neurons of hidden layer {layer} "
                         f"(width {hidden[layer - 1]}), got {tuple(pair)!r}.")
    split = Fraction(1, 3) if split is None else split
    label = f"MLP {list(architecture.widths)}: neurons {i}, {j} of layer {layer} merged (split {split})"
    return MergedStratum(architecture, layer, i, j, split, label)


def cnn_stratum(architecture, pads) -> CoordinateStratum:
    """The CNN stratum where filter ℓ has its first ``pads[ℓ−1][0]`` and last ``pads[ℓ−1][1]``
    entries zero (a zero-padded shorter filter).

    The zero-padding strata of docs/math.md §6; not critically exposed (Razor's Edge Prop 4.5).
    """
    pads = tuple((int(a), int(b)) for a, b in pads)
    if len(pads) != architecture.depth:
        raise ValueError(f"Argument 'pads' must give (left, right) for each of the {architecture.depth} filters, got {len(pads)}.")
    from ..geometry.cnn import Padding

    for ell, ((a, b), k) in enumerate(zip(pads, architecture.filters)):
        if a < 0 or b < 0 or a + b >= k:
            raise ValueError(f"Argument 'pads': filter {ell + 1} has size {k}; padding ({a}, {b}) must leave one entry.")
    pattern = Padding(architecture, tuple(a for a, _ in pads), tuple(b for _, b in pads))
    zero = sorted(set(range(architecture.n_params)) - set(pattern.free_indices.tolist()))
    if not zero:
        raise ValueError("Argument 'pads' must pad at least one filter entry.")
    label = ", ".join(f"filter {ell + 1} padded ({a}, {b})" for ell, (a, b) in enumerate(pads) if a or b)
    return CoordinateStratum(architecture, tuple(zero), f"CNN k={list(architecture.filters)}: {label}")


def default_stratum(architecture) -> CoordinateStratum:
    """One neuron of the first hidden layer inactive (MLP) / the first filter padded by one on the right (CNN).

    MLP: critically exposed when σ(0) = 0; CNN: not critically exposed (docs/math.md §6, Razor's Edge Prop 4.5).
    """
    if is_cnn(architecture):
        return cnn_stratum(architecture, [(0, 1)] + [(0, 0)] * (architecture.depth - 1))
    return mlp_stratum(architecture, [1] + [0] * (len(architecture.hidden_widths) - 1))


def wilson_interval(successes: int, trials: int, confidence: float = 0.95) -> tuple[float, float]:
    """Wilson score interval for a binomial proportion (95 % by default), from
    ``scipy.stats.binomtest(...).proportion_ci(method="wilson")``:
    (p̂ + z²/2n ∓ z √(p̂(1−p̂)/n + z²/4n²)) / (1 + z²/n).  It contains p̂ exactly (0/n gives a lower end of
    exactly 0, n/n an upper end of exactly 1: the hand-written formula gave 3e-17 and 0.9999999999999999,
    and matplotlib refused the resulting negative error bar)."""
    if trials <= 0:
        return (0.0, 1.0)
    from scipy.stats import binomtest

    ci = binomtest(int(successes), int(trials)).proportion_ci(confidence_level=confidence, method="wilson")
    p = successes / trials
    return (min(float(ci.low), p), max(float(ci.high), p))
