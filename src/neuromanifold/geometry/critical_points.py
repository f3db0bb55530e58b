"""One checked point of a criticality scan: rank dφ(W) with its certificate, subnetwork structure, and an
exact explanation of critical points that are not subnetworks (docs/math.md §5, docs/criticality.md)."""

from __future__ import annotations

from dataclasses import dataclass, field
from fractions import Fraction

import numpy as np

from ..architectures import Parameters
from ..results import Result
from .bounds import input_bottleneck_rank_bound
from .criticality import PointRank, rank_at_point
from .subnetworks import SubnetworkReport, detect_subnetwork

__all__ = ["PointCheck", "PointStructure", "check_point", "structure", "explain", "random_weights", "nonzero_ints", "SCAN_EXACT_LIMIT"]

#: Exact (grid) rank computations in scans only below this size; above, mod-p with an error bound.
SCAN_EXACT_LIMIT = 1_500


@dataclass(frozen=True)
class PointCheck:
    """One tested point: how it was made (``kind``, ``label``), its rank and its subnetwork report."""

    kind: str
    label: str
    params: Parameters = field(repr=False)
    rank: PointRank
    subnetwork: SubnetworkReport = field(repr=False)

    @property
    def critical(self) -> bool:
        return self.rank.critical

    @property
    def is_subnetwork(self) -> bool:
        return self.subnetwork.is_subnetwork

    def to_dict(self, weights: bool = False) -> dict:
        out = {"kind": self.kind, "label": self.label, "subnetwork": self.is_subnetwork, **self.rank.to_dict()}
        if weights:
            out["weights"] = self.params.to_json()["weights"]
        return out


def single_degree(arch) -> int | None:
    degs = {a.degree for a in arch.activations}
    return degs.pop() if len(degs) == 1 else None


def nonzero_ints(rng, shape, bound=9):
    return (rng.integers(1, bound + 1, size=shape) * rng.choice([-1, 1], size=shape)).astype(np.int64)


def random_weights(arch, rng):
    return [nonzero_ints(rng, (layer.out_dim, layer.in_dim)) for layer in arch.layers]


def check_point(kind, label, params, exact_limit, seed) -> PointCheck:
    rank = rank_at_point(params, seed=seed, exact_limit=exact_limit, kernel=False)
    sub = detect_subnetwork(params)
    arch = params.architecture
    if (rank.critical and not sub.is_subnetwork and kind in ("random", "construction") and not arch.bias
            and all(a.is_monomial for a in arch.activations)):
        label = f"{label}: {explain(params)}"
    return PointCheck(kind, label, params, rank, sub)


@dataclass(frozen=True)
class PointStructure(Result):
    """The exact structural features of a point W of a bias-free MLP that explain its criticality (see
    :func:`structure`); every field is certified (exact ranks over ℚ)."""

    input_bottleneck: bool
    rank_W1: int
    output_bottleneck: bool
    rank_drops: tuple[int, ...]
    proportional_columns: tuple[tuple[int, tuple[int, int]], ...]
    certified: bool = True

    def to_dict(self) -> dict:
        return {"input_bottleneck": self.input_bottleneck, "rank_W1": self.rank_W1,
                "output_bottleneck": self.output_bottleneck, "rank_drops": list(self.rank_drops),
                "proportional_columns": [[ell, list(ij)] for ell, ij in self.proportional_columns],
                "certified": self.certified}

    def summary(self) -> str:
        parts = [f"rank W_1 = {self.rank_W1}" + (" (input bottleneck)" if self.input_bottleneck else "")]
        if self.output_bottleneck:
            parts.append("output bottleneck")
        if self.rank_drops:
            parts.append("rank drop of W_ℓ for ℓ = " + ", ".join(map(str, self.rank_drops)))
        if self.proportional_columns:
            parts.append("proportional outgoing columns " + ", ".join(
                f"(layer {ell}, neurons {i},{j})" for ell, (i, j) in self.proportional_columns))
        return "; ".join(parts) + " (exact ranks over ℚ)"


def structure(params) -> PointStructure:
    """Exact structural features of a (non-subnetwork) point W of a bias-free MLP, used to explain
    critical points (docs/criticality.md):

    * ``input_bottleneck`` — rank W_1 < min(d_0, d_1): f = g∘P factors through a projection
      P: ℚ^{d_0} → ℚ^k (k = rank W_1); after a change of input coordinates an *input* neuron is
      inactive (a subnetwork in the broader sense, docs/math.md §4 only speaks of hidden neurons);
    * ``output_bottleneck`` — rank W_L < min(d_{L−1}, d_L): the outputs satisfy a linear relation;
    * ``rank_drops`` — hidden layers ℓ = 2..L−1 with rank W_ℓ < min(d_ℓ, d_{ℓ−1}) (e.g. the plane rows);
    * ``proportional_columns`` — (layer, (i, j)) with W_{ℓ+1}[:, i] ∥ W_{ℓ+1}[:, j] ≠ 0 and W_{ℓ+1} with
      ≥ 2 rows.  For σ_ℓ = z² the two neurons contribute v·(a p_i² + b p_j²), and a quadratic form in
      (p_i, p_j) has a one-parameter orthogonal-group orbit of such decompositions: a kernel direction
      of dφ that is not a rescaling (critical when the generic fibre is the rescaling torus).
    Ranks are exact (FLINT over ℚ)."""
    import flint

    def q(v):
        v = Fraction(v)
        return flint.fmpq(v.numerator, v.denominator)

    arch = params.architecture
    mats = [flint.fmpq_mat([[q(v) for v in row] for row in W.tolist()]) for W in params.weights]
    d = arch.widths
    L = arch.depth
    ranks = [m.rank() for m in mats]
    cols = []
    for ell in range(1, L):
        W = [[q(v) for v in row] for row in params.weights[ell].tolist()]
        if len(W) < 2:  # one row: every pair of columns is trivially proportional
            continue
        n = len(W[0])
        for i in range(n):
            for j in range(i + 1, n):
                M = flint.fmpq_mat([[row[i], row[j]] for row in W])
                ci, cj = any(row[i] for row in W), any(row[j] for row in W)
                if ci and cj and M.rank() == 1:
                    cols.append((ell, (i, j)))
    return PointStructure(
        input_bottleneck=ranks[0] < min(d[0], d[1]),
        rank_W1=ranks[0],
        output_bottleneck=L >= 2 and ranks[-1] < min(d[-2], d[-1]),
        rank_drops=tuple(ell + 1 for ell in range(1, L - 1) if ranks[ell] < min(d[ell], d[ell + 1])),
        proportional_columns=tuple(cols),
    )


def explain(params) -> str:
    """A one-phrase classification of a critical non-subnetwork point (see :func:`structure`)."""
    s = structure(params)
    arch = params.architecture
    if s.input_bottleneck:
        k = s.rank_W1
        if k >= 1:
            b = input_bottleneck_rank_bound(arch, k)
            return (f"input-bottleneck (rank W_1 = {k} < d_0: f = g∘P; rank dφ ≤ {b} at every such point)")
        return "input-bottleneck (W_1 = 0)"
    parts = []
    if s.output_bottleneck:
        parts.append("output-bottleneck (rank W_L < min(d_{L-1}, d_L))")
    if s.rank_drops:
        parts.append("rank drop of W_ℓ for ℓ = " + ", ".join(map(str, s.rank_drops)))
    squares = [(ell, ij) for ell, ij in s.proportional_columns if arch.activations[ell - 1].degree == 2]
    if squares:
        parts.append("proportional outgoing columns, σ = z² " + ", ".join(
            f"(layer {ell}, neurons {i},{j})" for ell, (i, j) in squares))
    return "; ".join(parts) if parts else "unexplained"


