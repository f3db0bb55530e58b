"""Redundant (merged) neurons as a stratum of an MLP (docs/math.md §4; the stratum protocol of :mod:`.base`).

:class:`MergedStratum` is the set of MLP parameters where neurons i and j of hidden layer ℓ have equal incoming
rows (and biases).  Such a network computes the function of the MLP with one neuron fewer in layer ℓ whose
neuron i carries the summed outgoing column; conversely the lift ι_α of a point θ' of that narrower MLP copies
the incoming row of its neuron i to neurons i and j and splits the outgoing column c as α·c and (1 − α)·c.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from ...architectures.cnn import is_cnn
from ...architectures.parameters import Parameters

__all__ = ["MergedStratum", "merged_stratum"]


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
        """Neuron k ≠ j of hidden layer ``layer`` in the reduced MLP."""
        return k if k < self.j else k - 1

    def lift(self, theta_reduced) -> np.ndarray:
        """ι_α(θ'): rows i, j ← row i of θ'; outgoing columns i ← α·c, j ← (1 − α)·c with c the column of the
        merged neuron; every other entry copied.  Exact for Fraction/object arrays."""
        arch, red = self.architecture, self.reduced_architecture
        theta_reduced = np.asarray(theta_reduced)
        if theta_reduced.shape != (red.n_params,):
            raise ValueError(f"Argument 'theta_reduced' must have length {red.n_params} (parameters of "
                             f"{red.describe()}), not shape {theta_reduced.shape}.")
        red_params = Parameters.unflatten(red, theta_reduced)
        k, i, j, a = self.layer, self.i, self.j, self.split
        ri = self._reduced_neuron(i)
        weights = [np.array(w, dtype=theta_reduced.dtype) for w in red_params.weights]
        biases = None if red_params.biases is None else [np.array(b, dtype=theta_reduced.dtype)
                                                         for b in red_params.biases]
        weights[k - 1] = np.insert(weights[k - 1], j, weights[k - 1][ri], axis=0)  # neuron j: a copy of i's row
        if biases is not None:
            biases[k - 1] = np.insert(biases[k - 1], j, biases[k - 1][ri])
        c = weights[k][:, ri].copy()  # the merged neuron's outgoing column, split α : (1 − α)
        weights[k] = np.insert(weights[k], j, [(1 - a) * v for v in c], axis=1)
        weights[k][:, i] = [a * v for v in c]
        return Parameters(arch, weights, biases).flatten()

    def contains(self, theta, tol: float = 0.0) -> bool:
        """Rows (and biases) of neurons i and j agree up to ``tol``."""
        theta = theta.flatten() if isinstance(theta, Parameters) else np.asarray(theta)
        coords = self.architecture.neuron_coordinates
        ri = [theta[p] for p in coords(self.layer, self.i, "in")]
        rj = [theta[p] for p in coords(self.layer, self.j, "in")]
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
