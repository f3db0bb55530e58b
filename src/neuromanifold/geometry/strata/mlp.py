"""The subnetwork strata of an MLP (docs/math.md §4), indexed by how many neurons are removed and merged
(the MLP implementation of the stratum protocol of :mod:`.base`).

The **subnetwork strata** of an architecture are indexed by how many neurons are removed and merged
in each hidden layer; the functions they compute form the neuromanifold of the reduced widths
d' (d'_ℓ = d_ℓ − removed_ℓ − merged_ℓ), whose dimension :func:`~neuromanifold.geometry.dimension`
computes.  V(d') ⊆ V(d'') whenever d' ≤ d'' componentwise (pad with inactive neurons): that is the
inclusion order reported.
"""

from __future__ import annotations

import itertools
import math
from dataclasses import dataclass
from fractions import Fraction

import numpy as np

from ...architectures import MLP, Parameters
from ...randomness import stream
from ..subnetworks import detect_subnetwork, scaling_factor

#: Most subnetwork strata :func:`subnetwork_strata` enumerates (each costs a dimension computation).
MAX_STRATA = 5000

__all__ = ["Stratum", "subnetwork_strata", "strata_order", "MAX_STRATA"]


@dataclass(frozen=True)
class Stratum:
    """A subnetwork stratum of an MLP: ``removed[ℓ−1]`` neurons of hidden layer ℓ are inactive and
    ``merged[ℓ−1]`` are redundant (merged into others), ℓ = 1..L−1.

    Its functions form the neuromanifold of ``reduced_architecture`` (widths
    d'_ℓ = d_ℓ − removed_ℓ − merged_ℓ), of dimension ``dimension`` (computed by
    :func:`~neuromanifold.geometry.dimension`; ``certified`` / ``error_bound`` as there) and
    codimension ``codimension`` = dim V − dim V(d') in V (docs/math.md §4)."""

    architecture: MLP
    removed: tuple[int, ...]
    merged: tuple[int, ...]
    reduced_architecture: MLP
    dimension: int
    codimension: int
    certified: bool
    error_bound: float

    @property
    def reduced_widths(self) -> tuple[int, ...]:
        return self.reduced_architecture.widths

    @property
    def label(self) -> str:
        parts = []
        for ell, (k, m) in enumerate(zip(self.removed, self.merged), start=1):
            if k:
                parts.append(f"-{k}@{ell}")
            if m:
                parts.append(f"~{m}@{ell}")
        return " ".join(parts)

    def lies_in(self, other: "Stratum") -> bool:
        """V(d') ⊆ V(d'') is known (by padding with inactive neurons) when d' ≤ d'' componentwise."""
        return all(a <= b for a, b in zip(self.reduced_widths, other.reduced_widths))

    def random_point(self, seed: int = 0, removal: str = "out") -> Parameters:
        """A random integer point of the full architecture on this stratum.

        A random integer point of the reduced architecture (non-zero entries in [−4, 4]) is
        expanded layer by layer: each removed neuron gets a zero outgoing column and a random
        incoming row (``removal='out'``) or a zero incoming row and a random outgoing column
        (``removal='in'``, needs σ(0) = 0); each merged neuron copies c·row_k of a surviving neuron k
        (c random with σ(cz) = λσ(z)), gets a random outgoing column u, and col_k becomes
        col_k − λu — so the function is unchanged.  The point is re-drawn until
        :func:`detect_subnetwork` reduces it to exactly ``reduced_widths``."""
        if removal not in ("out", "in"):
            raise ValueError(f"Argument 'removal' must be 'out' or 'in', got {removal!r}.")
        for attempt in range(50):
            params = _expand(self, stream(seed, "strata.mlp.point", attempt), removal)
            if detect_subnetwork(params).counts == (self.removed, self.merged):
                return params
        raise RuntimeError(f"no generic point found on stratum {self.label} after 50 attempts")  # pragma: no cover

    def contains(self, params, tol: float = 0.0) -> bool:
        """Whether ``params`` lies on this stratum or a deeper one: :func:`detect_subnetwork` (at ``tol``)
        reduces it to widths ≤ ``reduced_widths`` componentwise."""
        found = detect_subnetwork(params, tol=tol).reduced_architecture.widths
        return all(a <= b for a, b in zip(found, self.reduced_widths))

    def lift(self, theta_reduced) -> np.ndarray:
        """ι(θ'): a point of the full MLP computing f_{θ'} of the reduced one.  Per hidden layer the d'_ℓ
        reduced neurons come first; then the merged ones, each a copy of reduced neuron t mod d'_ℓ (same
        incoming row and bias); then the removed ones (zero incoming row, bias and outgoing column).  A neuron
        and its copies share its outgoing column equally, so the sum through them is unchanged — for every σ.
        Exact for integer/Fraction input (object arrays)."""
        arch, red = self.architecture, self.reduced_architecture
        flat = np.asarray(theta_reduced.flatten() if isinstance(theta_reduced, Parameters) else theta_reduced)
        if flat.shape != (red.n_params,):
            raise ValueError(f"Argument 'theta_reduced' must have length {red.n_params} (parameters of "
                             f"{red.describe()}), not shape {flat.shape}.")
        small = Parameters.unflatten(red, flat)
        exact = flat.dtype == object or flat.dtype.kind in "iu"
        # source[ℓ][n]: the reduced neuron that full neuron n of layer ℓ copies (None: removed); ℓ = 0 input
        source = [list(range(arch.widths[0]))]
        for ell, d in enumerate(arch.hidden_widths):
            kept = red.widths[ell + 1]
            source.append(list(range(kept)) + [t % kept for t in range(self.merged[ell])] + [None] * self.removed[ell])
        source.append(list(range(arch.widths[-1])))
        weights, biases = [], []
        for ell in range(arch.depth):
            prev, cur = source[ell], source[ell + 1]
            share = [sum(1 for q in prev if q == src) for src in range(red.widths[ell])]
            W = np.zeros((len(cur), len(prev)), dtype=object if exact else np.float64)
            b = np.zeros(len(cur), dtype=W.dtype)
            for o, so in enumerate(cur):
                if so is None:
                    continue
                for i, si in enumerate(prev):
                    if si is not None:
                        w = small.weights[ell][so, si]
                        W[o, i] = Fraction(w) / share[si] if exact else w / share[si]
                if arch.bias:
                    b[o] = small.biases[ell][so]
            weights.append(W)
            biases.append(b)
        return Parameters(arch, weights, biases if arch.bias else None).flatten()

    def to_dict(self) -> dict:
        return {
            "removed": list(self.removed),
            "merged": list(self.merged),
            "reduced_widths": list(self.reduced_widths),
            "dimension": self.dimension,
            "codimension": self.codimension,
            "certified": self.certified,
            "error_bound": self.error_bound,
        }


def _nonzero_ints(rng, shape, bound=9):
    values = rng.integers(1, bound + 1, size=shape) * rng.choice([-1, 1], size=shape)
    return values.astype(object)


def _expand(stratum: Stratum, rng, removal: str) -> Parameters:
    arch, small = stratum.architecture, stratum.reduced_architecture
    L, bias = arch.depth, arch.bias
    mats = []  # augmented integer matrices as object arrays
    for layer in small.layers:
        mats.append(_nonzero_ints(rng, (layer.out_dim, layer.in_dim + (1 if bias else 0))))
    zero_cols: list[int] = []
    for ell in range(1, L):
        act = arch.activations[ell - 1]
        W_in, W_out = mats[ell - 1], mats[ell]
        if ell == 1:
            zero_cols = []
        survivors = W_in.shape[0]
        new_rows, new_cols = [], []
        for t in range(stratum.merged[ell - 1]):
            k = t % survivors
            choices = [c for c in (2, -2, 3, -1, 1) if scaling_factor(act, c) is not None]
            c = int(rng.choice(choices))
            lam = scaling_factor(act, c)
            u = _nonzero_ints(rng, (W_out.shape[0],))
            W_out[:, k] = W_out[:, k] - lam * u
            new_rows.append(c * W_in[k])
            new_cols.append(u)
        for _ in range(stratum.removed[ell - 1]):
            row = _nonzero_ints(rng, (W_in.shape[1],))
            row[zero_cols] = 0  # columns of inactive neurons of layer ℓ−1 stay zero
            col = _nonzero_ints(rng, (W_out.shape[0],))
            if removal == "out":
                col = col * 0
            else:
                if act.coeffs[0] != 0:
                    raise ValueError("Argument 'removal'='in' needs σ(0) = 0 (a zero row must output 0).")
                row = row * 0
            new_rows.append(row)
            new_cols.append(col)
        n_old = W_in.shape[0]
        zero_cols = [n_old + t for t, col in enumerate(new_cols) if removal == "out" and not any(col)]
        if new_rows:
            mats[ell - 1] = np.vstack([W_in] + [r[None, :] for r in new_rows])
            weight_cols = W_out[:, : W_out.shape[1] - (1 if bias else 0)]
            extra = np.stack(new_cols, axis=1)
            pieces = [weight_cols, extra] + ([W_out[:, -1:]] if bias else [])
            mats[ell] = np.hstack(pieces)
    # random permutation of each hidden layer, so that detection does not rely on positions
    for ell in range(1, L):
        perm = rng.permutation(mats[ell - 1].shape[0])
        mats[ell - 1] = mats[ell - 1][perm]
        cols = list(perm) + ([mats[ell].shape[1] - 1] if bias else [])
        mats[ell] = mats[ell][:, cols]
    weights = [m[:, : m.shape[1] - (1 if bias else 0)].astype(np.int64) for m in mats]
    biases = [m[:, -1].astype(np.int64) for m in mats] if bias else None
    return Parameters(arch, weights, biases)


def _dimension(arch):
    from ..dimension import cached_dimension

    return cached_dimension(arch)


def subnetwork_strata(architecture) -> list[Stratum]:
    """Every subnetwork stratum of an MLP: for each hidden layer ℓ a pair (removed_ℓ, merged_ℓ) with
    removed_ℓ + merged_ℓ ≤ d_ℓ − 1 (at least one neuron stays), not all zero.  Sorted by
    codimension, then by label.  Merging needs a second neuron, so merged_ℓ ≤ d_ℓ − 1 − removed_ℓ.

    docs/math.md §4: φ(stratum) is the neuromanifold of the reduced architecture (embedded in V), so its
    ``dimension`` is dim V of that smaller architecture (:func:`dimension`, certified or with its error bound)
    and ``codimension`` = dim V − dimension.

    Examples
    --------
    >>> [s.reduced_widths for s in subnetwork_strata(MLP((2, 2, 1), 2))]
    [(2, 1, 1), (2, 1, 1)]
    """
    if not isinstance(architecture, MLP):
        raise TypeError(f"Argument 'architecture' must be an MLP, not {type(architecture).__name__}.")
    hidden = architecture.hidden_widths
    per_layer = [[(k, m) for k in range(d) for m in range(d - k)] for d in hidden]
    count = math.prod(len(options) for options in per_layer) - 1
    if count > MAX_STRATA:
        raise ValueError(f"Argument 'architecture' {architecture!r} has {count} subnetwork strata; "
                         f"enumerating more than {MAX_STRATA} (one dimension computation each) is refused.")
    full = _dimension(architecture)
    strata = []
    for choice in itertools.product(*per_layer):
        if all(k == 0 and m == 0 for k, m in choice):
            continue
        removed = tuple(k for k, _ in choice)
        merged = tuple(m for _, m in choice)
        widths = (architecture.widths[0],) + tuple(d - k - m for d, (k, m) in zip(hidden, choice)) + (architecture.widths[-1],)
        if not _minimal(architecture, widths):
            continue
        small = architecture.with_widths(widths)
        res = _dimension(small)
        strata.append(Stratum(architecture, removed, merged, small, res.dimension, full.dimension - res.dimension,
                              res.certified and full.certified, max(res.error_bound, full.error_bound)))
    strata.sort(key=lambda s: (s.codimension, s.removed, s.merged))
    return strata


def _minimal(architecture, widths) -> bool:
    """False when every point of the reduced widths is itself a subnetwork: a monomial layer ℓ without
    bias fed by a single neuron (d'_{ℓ−1} = 1) has proportional rows, so it must have d'_ℓ = 1."""
    for ell in range(1, len(widths) - 1):
        act = architecture.activations[ell - 1]
        if act.is_monomial and not architecture.bias and widths[ell - 1] == 1 and widths[ell] > 1:
            return False
    return True


def strata_order(strata) -> list[tuple[int, int]]:
    """Covering pairs (i, j) of the inclusion order: stratum i's functions lie in stratum j's
    (reduced widths d'_i ≤ d'_j, different), with no stratum strictly between.

    Inclusion of subnetwork strata (docs/math.md §4): the functions of a narrower reduced architecture are functions
    of a wider one.
    """
    strata = list(strata)
    less = {(i, j) for i, a in enumerate(strata) for j, b in enumerate(strata)
            if a.reduced_widths != b.reduced_widths and a.lies_in(b)}
    covers = []
    for i, j in sorted(less):
        if not any((i, k) in less and (k, j) in less for k in range(len(strata))):
            covers.append((i, j))
    return covers
