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

The **subnetwork strata** of an architecture are indexed by how many neurons are removed and merged
in each hidden layer; the functions they compute form the neuromanifold of the reduced widths
d' (d'_ℓ = d_ℓ − removed_ℓ − merged_ℓ), whose dimension :func:`~neuromanifold.geometry.dimension`
computes.  V(d') ⊆ V(d'') whenever d' ≤ d'' componentwise (pad with inactive neurons): that is the
inclusion order reported.
"""

from __future__ import annotations

import itertools
import math
from dataclasses import dataclass, field
from fractions import Fraction
from functools import lru_cache

import numpy as np

from ..architectures import MLP, Parameters
from ..results import Result

#: Most subnetwork strata :func:`subnetwork_strata` enumerates (each costs a dimension computation).
MAX_STRATA = 5000

__all__ = ["SubnetworkReport", "Stratum", "detect_subnetwork", "reduce_network", "subnetwork_strata",
           "strata_order", "scaling_factor"]


# --------------------------------------------------------------------------- number handling
class _Exact:
    """Exact comparisons on object arrays of Fractions."""

    exact = True

    def __init__(self):
        self.tol = 0

    def is_zero(self, v) -> bool:
        return all(x == 0 for x in v)

    def ratio(self, row_i, row_j):
        """c with row_j = c·row_i, or None (a zero row_i only matches a zero row_j, with c = 1)."""
        k = next((k for k, x in enumerate(row_i) if x != 0), None)
        if k is None:
            return 1 if self.is_zero(row_j) else None
        c = row_j[k] / row_i[k]
        return c if all(row_j[t] == c * row_i[t] for t in range(len(row_i))) else None

    def close(self, a, b) -> bool:
        return a == b


def scaling_factor(activation, c, arith=None):
    """λ with σ(c z) = λ σ(z) for every z, or None when no such constant exists.

    σ(cz) = Σ a_k c^k z^k, so λ exists iff c^k is the same for every exponent k of σ: any c for a
    monomial (λ = c^r), otherwise c = 1, or c = −1 when all exponents have one parity."""
    arith = arith or _Exact()
    support = activation.support
    powers = [c**k for k in support]
    if all(arith.close(p, powers[0]) for p in powers[1:]):
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
    """Augmented layer matrices [W_ℓ | b_ℓ] as lists of lists in the chosen arithmetic."""
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
    arith, conv = _Exact(), Fraction
    arch = params.architecture
    mats = _matrices(params, conv)
    inactive, groups, widths = _reduce(arch, mats, arith)
    reduced_arch = reduced_params = None
    if all(w >= 1 for w in widths):
        reduced_arch = arch.with_widths(widths)
        reduced_params = _to_parameters(reduced_arch, mats, arith)
    return SubnetworkReport(arch, tuple(sorted(inactive)), tuple(sorted(groups)), tuple(widths),
                            reduced_arch, reduced_params, arith.tol)


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


def _reduce(arch, mats, arith):
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
                drop = arith.is_zero(col)
                if not drop and arith.is_zero(weights):
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
                    c = arith.ratio(W_in[i], W_in[j])
                    lam = None if c is None else scaling_factor(act, c, arith)
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


def _to_parameters(arch, mats, arith):
    weights, biases = [], []
    for rows, layer in zip(mats, arch.layers):
        if arch.bias:
            weights.append(np.array([r[:-1] for r in rows], dtype=object if arith.exact else float)
                           .reshape(layer.out_dim, layer.in_dim))
            biases.append(np.array([r[-1] for r in rows], dtype=object if arith.exact else float))
        else:
            weights.append(np.array(rows, dtype=object if arith.exact else float).reshape(layer.out_dim, layer.in_dim))
    return Parameters(arch, weights, biases if arch.bias else None)


# --------------------------------------------------------------------------- strata
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
            params = _expand(self, np.random.default_rng([seed, attempt]), removal)
            if detect_subnetwork(params).counts == (self.removed, self.merged):
                return params
        raise RuntimeError(f"no generic point found on stratum {self.label} after 50 attempts")  # pragma: no cover

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


@lru_cache(maxsize=1024)
def _dimension(arch):
    from .dimension import dimension

    return dimension(arch)


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
