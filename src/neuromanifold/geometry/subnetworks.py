"""Subnetworks of a polynomial MLP: detection at a parameter point, reduction, and the strata.

Notation of docs/math.md §1, §4: widths d = (d_0, …, d_L), W_ℓ ∈ K^{d_ℓ × d_{ℓ−1}}, hidden layers
ℓ = 1..L−1 (numbered as in docs/math.md), neurons numbered from 0.  With biases the *incoming row* of
neuron i of layer ℓ is [W_ℓ[i, :] | b_ℓ[i]].

* Neuron i of hidden layer ℓ is **inactive** if its outgoing column W_{ℓ+1}[:, i] = 0, or its incoming
  weights W_ℓ[i, :] = 0 and the neuron is constant: σ_ℓ(0) = 0 without biases (it outputs 0), or any
  σ_ℓ with biases (it outputs σ_ℓ(b_ℓ[i]), absorbed into b_{ℓ+1}).  Without biases and σ_ℓ(0) ≠ 0 a
  zero row feeds the constant σ_ℓ(0), which no smaller network reproduces, so it is *not* inactive
  (reading).
* Neuron j is **redundant** with neuron i if row_j = c · row_i with σ_ℓ(c z) = λ σ_ℓ(z) for a constant λ:
  any c ≠ 0 for monomial σ = a z^r (λ = c^r, docs/math.md §4 "(cz)^r = c^r z^r"), c = 1 (λ = 1) for a general
  σ, and also c = −1 when every exponent of σ has the same parity.
* **Reduction**: delete inactive neurons; merge a redundant group {i, j, …} into neuron i with outgoing
  column col_i + Σ_j λ_j col_j.  The reduced network computes the same function (docs/math.md §4).  Deleting
  or merging can expose new inactive/redundant neurons downstream (e.g. merged columns that cancel),
  so reduction repeats until nothing changes; reports use the original neuron numbers.

The strata these points lie on: :mod:`~neuromanifold.geometry.strata`.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from fractions import Fraction

import numpy as np

from ..architectures import MLP, Parameters
from ..results import Result

__all__ = ["SubnetworkReport", "detect_subnetwork", "reduce_network", "scaling_factor"]


def _is_zero(v) -> bool:
    return all(x == 0 for x in v)


def _ratio(row_i, row_j):
    """c with row_j = c·row_i exactly, or None (a zero row_i only matches a zero row_j, with c = 1)."""
    k = next((k for k, x in enumerate(row_i) if x != 0), None)
    if k is None:
        return 1 if _is_zero(row_j) else None
    c = row_j[k] / row_i[k]
    return c if all(row_j[t] == c * row_i[t] for t in range(len(row_i))) else None


def scaling_factor(activation, c):
    """λ with σ(c z) = λ σ(z) for every z, or None when no such constant exists.

    σ(cz) = Σ a_k c^k z^k, so λ exists iff c^k is the same for every exponent k of σ: any c for a
    monomial (λ = c^r), otherwise c = 1, or c = −1 when all exponents have one parity."""
    support = activation.support
    powers = [c**k for k in support]
    if all(p == powers[0] for p in powers[1:]):
        return powers[0]
    return None


# --------------------------------------------------------------------------- report
@dataclass(frozen=True)
class SubnetworkReport(Result):
    """Result of :func:`detect_subnetwork`.

    Inactive and redundant neurons as defined in docs/math.md §4; W is a subnetwork iff one of the two lists is
    non-empty.

    ``inactive`` lists (layer, neuron) with hidden layers 1..L−1 and neurons from 0; ``redundant``
    lists (layer, (neurons…)) groups merged into one neuron.  A redundant group whose merged
    outgoing column cancels also appears under ``inactive``.  ``reduced_params`` is a point of
    ``reduced_architecture`` computing the same function (``None`` if a hidden layer empties: then
    f_W is constant)."""

    architecture: object
    inactive: tuple[tuple[int, int], ...]
    redundant: tuple[tuple[int, tuple[int, ...]], ...]
    reduced_widths: tuple[int, ...]
    reduced_architecture: object
    reduced_params: object = field(repr=False)
    tol: float = 0.0

    @property
    def is_subnetwork(self) -> bool:
        """True iff some hidden neuron is inactive or redundant (docs/math.md §4)."""
        return bool(self.inactive or self.redundant)

    @property
    def counts(self) -> tuple[tuple[int, ...], tuple[int, ...]]:
        """(removed, merged) per hidden layer: the index of the :class:`Stratum` the point lies on."""
        return _counts(self)

    def to_dict(self) -> dict:
        return {
            "inactive": [[layer, neuron] for layer, neuron in self.inactive],
            "redundant": [[layer, list(group)] for layer, group in self.redundant],
            "reduced_widths": list(self.reduced_widths),
            "is_subnetwork": self.is_subnetwork,
        }

    def summary(self) -> str:
        if not self.is_subnetwork:
            return f"not a subnetwork: no inactive or redundant neuron; widths {list(self.reduced_widths)}"
        parts = []
        if self.inactive:
            parts.append("inactive " + ", ".join(f"(layer {a}, neuron {b})" for a, b in self.inactive))
        if self.redundant:
            parts.append("redundant " + ", ".join(f"layer {a}: {list(g)}" for a, g in self.redundant))
        return f"subnetwork: {'; '.join(parts)}; reduces to widths {list(self.reduced_widths)}"


def _check_params(params) -> None:
    if not isinstance(params, Parameters):
        raise TypeError(f"Argument 'params' must be a Parameters, not {type(params).__name__}.")
    if not isinstance(params.architecture, MLP):
        raise TypeError(f"Argument 'params' must belong to an MLP, not {params.architecture!r}.")


def _matrices(params, conv):
    """Augmented layer matrices [W_ℓ | b_ℓ] as lists of lists (exact: Fractions)."""
    mats = []
    for i, w in enumerate(params.weights):
        rows = [[conv(x) for x in row] for row in w.tolist()]
        if params.biases is not None:
            for row, b in zip(rows, params.biases[i].tolist()):
                row.append(conv(b))
        mats.append(rows)
    return mats


def detect_subnetwork(params, tol=None) -> SubnetworkReport:
    """Inactive neurons, redundant groups and the reduced network of the point ``params`` (docs/math.md §4).

    Parameters
    ----------
    params:
        A :class:`~neuromanifold.Parameters` of an MLP.  Integer and rational entries are compared
        exactly.  Float entries are first snapped onto every subnetwork stratum within ``tol`` of its layer's
        scale (:mod:`~neuromanifold.geometry.proximity`, the one tolerance notion of every point-wise answer),
        then compared exactly.
    tol:
        Relative tolerance for float weights (default ``proximity.DEFAULT_TOL`` = 1e-6; ``0`` compares the
        floats exactly).

    Examples
    --------
    >>> from neuromanifold import MLP, Parameters
    >>> W = Parameters(MLP((2, 3, 1), 2), [[[1, 2], [2, 4], [0, 1]], [[1, 1, 0]]])
    >>> r = detect_subnetwork(W); r.inactive, r.redundant, r.reduced_widths
    (((1, 2),), ((1, (0, 1)),), (2, 1, 1))
    """
    _check_params(params)
    if tol is not None and (isinstance(tol, bool) or not isinstance(tol, (int, float)) or not 0 <= tol < 1):
        raise ValueError(f"Argument 'tol' must be a number in [0, 1), got {tol!r}.")
    if params.kind == "float" and tol != 0:
        from .proximity import DEFAULT_TOL

        return _detect_float(params, DEFAULT_TOL if tol is None else float(tol))
    conv = Fraction
    arch = params.architecture
    mats = _matrices(params, conv)
    inactive, groups, widths = _reduce(arch, mats)
    reduced_arch = reduced_params = None
    if all(w >= 1 for w in widths):
        reduced_arch = arch.with_widths(widths)
        reduced_params = _to_parameters(reduced_arch, mats)
    return SubnetworkReport(arch, tuple(sorted(inactive)), tuple(sorted(groups)), tuple(widths),
                            reduced_arch, reduced_params, 0.0)


def _detect_float(params, tol):
    """Float weights: snap onto every subnetwork stratum within ``tol`` of its layer's scale and detect exactly at
    the float point's own dyadic values (:func:`~neuromanifold.geometry.proximity.exact_point` with no rounding),
    so detection and the point-wise commands share one tolerance notion; the reduced point is returned in floats."""
    from .proximity import exact_point

    snapped = exact_point(params, tol=tol, max_denominator=None)
    report = detect_subnetwork(snapped.exact)
    reduced = report.reduced_params
    if reduced is not None:
        reduced = Parameters(reduced.architecture, [np.asarray(w, dtype=float) for w in reduced.weights],
                             [np.asarray(b, dtype=float) for b in reduced.biases] if reduced.biases is not None else None)
    return SubnetworkReport(report.architecture, report.inactive, report.redundant, report.reduced_widths,
                            report.reduced_architecture, reduced, tol)


def reduce_network(params, tol=None) -> Parameters | None:
    """The reduced point of :func:`detect_subnetwork` (same function, smaller architecture).

    docs/math.md §4: deleting inactive neurons and merging a redundant group (outgoing columns summed with the
    factors c^r, since σ(cz) = c^r σ(z) for σ = z^r) gives a point of a smaller architecture with the same f_W.
    """
    return detect_subnetwork(params, tol).reduced_params


def _reduce(arch, mats):
    """Reduce ``mats`` in place; return (inactive, redundant groups, widths) in original numbering."""
    L = len(mats)
    bias = arch.bias
    n_in = [arch.widths[ell] for ell in range(L)]  # input width of each matrix (without bias column)
    classes = [None] + [[[i] for i in range(arch.widths[ell])] for ell in range(1, L)]
    inactive, dead_groups = set(), []
    changed = True
    while changed:
        changed = False
        for ell in range(1, L):
            W_in, W_out, act = mats[ell - 1], mats[ell], arch.activations[ell - 1]
            cls = classes[ell]
            # inactive neurons
            keep = []
            for i in range(len(W_in)):
                col = [row[i] for row in W_out]
                weights = W_in[i][: n_in[ell - 1]]
                drop = _is_zero(col)
                if not drop and _is_zero(weights):
                    const = act(W_in[i][-1]) if bias else act.coeffs[0]
                    if bias:  # the neuron is the constant σ(b_i): move it into b_{ℓ+1}
                        for row in W_out:
                            row[-1] = row[-1] + row[i] * const
                        drop = True
                    else:
                        drop = const == 0
                if drop:
                    inactive.update((ell, n) for n in cls[i])
                    if len(cls[i]) > 1:
                        dead_groups.append((ell, tuple(sorted(cls[i]))))
                    changed = True
                else:
                    keep.append(i)
            if len(keep) < len(W_in):
                _select(mats, ell, keep, bias)
                classes[ell] = cls = [cls[i] for i in keep]
                W_in, W_out = mats[ell - 1], mats[ell]
            # redundant neurons: row_j = c·row_i with σ(cz) = λσ(z)
            merged_into = {}
            for i in range(len(W_in)):
                if i in merged_into:
                    continue
                for j in range(i + 1, len(W_in)):
                    if j in merged_into:
                        continue
                    c = _ratio(W_in[i], W_in[j])
                    lam = None if c is None else scaling_factor(act, c)
                    if lam is not None:
                        merged_into[j] = i
                        for row in W_out:
                            row[i] = row[i] + lam * row[j]
                        cls[i] = cls[i] + cls[j]
            if merged_into:
                keep = [i for i in range(len(W_in)) if i not in merged_into]
                _select(mats, ell, keep, bias)
                classes[ell] = [cls[i] for i in keep]
                changed = True
            n_in[ell] = len(classes[ell])
            if not classes[ell]:
                changed = False
                break
    groups = list(dead_groups)
    for ell in range(1, L):
        groups += [(ell, tuple(sorted(c))) for c in classes[ell] if len(c) > 1]
    widths = [arch.widths[0]] + [len(classes[ell]) for ell in range(1, L)] + [arch.widths[-1]]
    return inactive, groups, widths


def _select(mats, ell, keep, bias):
    """Keep neurons ``keep`` of hidden layer ℓ: rows of matrix ℓ−1, columns of matrix ℓ (bias stays last)."""
    mats[ell - 1] = [mats[ell - 1][i] for i in keep]
    mats[ell] = [[row[i] for i in keep] + (row[-1:] if bias else []) for row in mats[ell]]


def _to_parameters(arch, mats):
    weights, biases = [], []
    for rows, layer in zip(mats, arch.layers):
        if arch.bias:
            weights.append(np.array([r[:-1] for r in rows], dtype=object)
                           .reshape(layer.out_dim, layer.in_dim))
            biases.append(np.array([r[-1] for r in rows], dtype=object))
        else:
            weights.append(np.array(rows, dtype=object).reshape(layer.out_dim, layer.in_dim))
    return Parameters(arch, weights, biases if arch.bias else None)


def _counts(report):
    """(removed per hidden layer, merged per hidden layer) of a detection report."""
    hidden = len(report.architecture.widths) - 2
    removed, merged = [0] * hidden, [0] * hidden
    dead = set(report.inactive)
    for ell, _ in report.inactive:
        removed[ell - 1] += 1
    for ell, group in report.redundant:
        if not any((ell, n) in dead for n in group):
            merged[ell - 1] += len(group) - 1
    return tuple(removed), tuple(merged)
