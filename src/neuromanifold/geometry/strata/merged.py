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
        offs, roffs = arch.offsets, red.offsets
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
        theta = theta.flatten() if isinstance(theta, Parameters) else np.asarray(theta)
        layer, off = self.architecture.layers[self.layer - 1], self.architecture.offsets[self.layer - 1]
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
