"""Testing "critical ⇔ subnetwork" (Kohn–Marchetti–Shabir–Shahverdi–Wang; docs/math.md §5) on an architecture.

:func:`scan` checks, for a monomial MLP σ = z^r:

(a) random integer points are non-critical (they should be: the generic rank is attained on a dense
    open set);
(b) every subnetwork stratum type (:func:`~neuromanifold.geometry.subnetworks.subnetwork_strata`, each
    with zero outgoing columns and, where σ(0) = 0, zero incoming rows) is critical — this direction
    fails in general for small r (e.g. filling architectures);
(c) points that are *not* subnetworks are searched for criticality:

    * **plane construction** — rows of W_ℓ of the form u + t_i v (pairwise non-proportional).  The
      pre-activations p_i = (u + t_i v)·h are then binary forms in (u·h, v·h), whose r-th powers live in
      a space of dimension r + 1; with d_ℓ ≥ r + 2 neurons they are linearly dependent, and the
      outgoing weights can move along the dependency without changing f (docs/math.md §5, "r-th powers of
      the hidden pre-activations become linearly dependent");
    * **equal hidden functions** — if Σ λ_i h_{ℓ−1,i} ≡ 0 (the plane construction one layer down,
      λ from the Vandermonde relations Σ λ_i t_i^k = 0, k ≤ r), two neurons of layer ℓ with rows
      w and w + λ compute the same function with non-proportional weights;
    * **rank-deficient first layer** — rows of W_1 in a hyperplane of ℝ^{d_0} (f depends on fewer
      linear forms of x than d_0, although no neuron is inactive or redundant);
    * **Pythagorean construction** (r_ℓ = 2, r_{ℓ−1} = 2k even): pre-activations P² − Q², 2PQ, P² + Q²
      with P = s^k, Q = t^k satisfy (P² − Q²)² + (2PQ)² = (P² + Q²)², a three-term identity that
      Mason–Stothers (:func:`~neuromanifold.geometry.mason.mason`) rules out for exponents ≥ 3;
    * **numerical search** (:func:`numerical_search`) — minimise σ_g/σ_1 of the Float64 Jacobian
      (g = generic rank) with L-BFGS-B over points kept away from subnetworks and input bottlenecks,
      put the minimum in a rank-preserving gauge, snap it to rational points and re-check exactly.
      Only exactly confirmed points are reported; each is labelled by :func:`explain`.

Critical non-subnetwork points with rank W_1 < d_0 are reported as **input bottlenecks**
(f = g∘P; :func:`input_bottleneck_rank_bound` proves them critical for small r; docs/criticality.md).

Every point is judged by :func:`~neuromanifold.geometry.criticality.rank_at_point` (exact or mod p,
with its certificate) and :func:`~neuromanifold.geometry.subnetworks.detect_subnetwork` (exact).
"""

from __future__ import annotations

import sys
import time
from dataclasses import dataclass, field
from fractions import Fraction
from math import comb

import numpy as np

from ..architectures import MLP, Monomial, Parameters
from ..limits import check_count, check_seed
from ..parametrization import Float64, jacobian
from ..results import Result
from .criticality import PointRank, generic_rank, rank_at_point
from .mason import mason
from .subnetworks import SubnetworkReport, detect_subnetwork, subnetwork_strata

__all__ = ["PointCheck", "ScanResult", "scan", "DegreeSweep", "degree_sweep", "known_degree_bounds", "numerical_search",
           "structure", "explain", "input_bottleneck_rank_bound"]

#: Exact (grid) rank computations in scans only below this size; above, mod-p with an error bound.
SCAN_EXACT_LIMIT = 1_500

#: Weight of the log-barrier keeping the numerical search away from subnetworks.
PENALTY = 6.0


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


@dataclass(frozen=True)
class ScanResult(Result):
    """The outcome of :func:`scan` for one architecture; ``holds`` iff all tests agree with
    "critical ⇔ subnetwork".

    The statement tested is the Kohn–Marchetti–Shabir–Shahverdi–Wang theorem (docs/math.md §5): for σ = z^r with r
    large enough, W is critical (rank dφ(W) < dim V) iff W is a subnetwork (docs/math.md §4).
    """

    architecture: MLP
    generic_rank: int
    generic_certified: bool
    checks: tuple[PointCheck, ...]
    numerical: dict
    notes: tuple[str, ...]
    seconds: float

    @property
    def random_critical(self) -> list[PointCheck]:
        return [c for c in self.checks if c.kind == "random" and c.critical]

    @property
    def noncritical_subnetworks(self) -> list[PointCheck]:
        """Subnetwork points that are not critical (⇐ fails)."""
        return [c for c in self.checks if c.is_subnetwork and not c.critical]

    @property
    def counterexamples(self) -> list[PointCheck]:
        """Critical points that are not subnetworks (⇒ fails), each exactly reproducible."""
        return [c for c in self.checks if c.critical and not c.is_subnetwork]

    @property
    def input_bottlenecks(self) -> list[PointCheck]:
        """Counterexamples with rank W_1 < min(d_0, d_1): f = g∘P factors through a projection — a
        subnetwork in the broader sense (an inactive *input* neuron after a change of coordinates;
        docs/criticality.md, :func:`input_bottleneck_rank_bound`)."""
        return [c for c in self.counterexamples if structure(c.params)["input_bottleneck"]]

    @property
    def unexplained_counterexamples(self) -> list[PointCheck]:
        """Counterexamples that are not input bottlenecks."""
        return [c for c in self.counterexamples if not structure(c.params)["input_bottleneck"]]

    @property
    def holds(self) -> bool:
        """The equivalence with docs/math.md §4's definition of subnetwork (hidden neurons only)."""
        return not self.noncritical_subnetworks and not self.counterexamples

    @property
    def holds_up_to_input_bottlenecks(self) -> bool:
        """The equivalence when input bottlenecks count as (generalised) subnetworks."""
        return not self.noncritical_subnetworks and not self.unexplained_counterexamples

    @property
    def verdict(self) -> str:
        if self.holds:
            return "critical ⇔ subnetwork holds on all tests"
        parts = []
        if self.noncritical_subnetworks:
            labels = sorted({c.label for c in self.noncritical_subnetworks})
            parts.append(f"subnetworks that are not critical: {', '.join(labels)}")
        if self.unexplained_counterexamples:
            labels = sorted({c.label for c in self.unexplained_counterexamples})
            parts.append(f"critical points that are not subnetworks: {', '.join(labels)}")
        if self.input_bottlenecks:
            parts.append(f"{len(self.input_bottlenecks)} critical input-bottleneck point(s) (rank W_1 < d_0; "
                         "subnetworks up to a change of input coordinates)")
        return "equivalence fails — " + "; ".join(parts)

    def to_dict(self) -> dict:
        return {
            "architecture": self.architecture.to_json(),
            "widths": list(self.architecture.widths),
            "degree": _degree(self.architecture),
            "generic_rank": self.generic_rank,
            "generic_certified": self.generic_certified,
            "holds": self.holds,
            "verdict": self.verdict,
            "random_points": sum(c.kind == "random" for c in self.checks),
            "random_critical": len(self.random_critical),
            "subnetwork_checks": [c.to_dict() for c in self.checks if c.kind == "subnetwork"],
            "noncritical_subnetworks": sorted({c.label for c in self.noncritical_subnetworks}),
            "counterexamples": [c.to_dict(weights=True) for c in self.counterexamples],
            "input_bottlenecks": sorted({c.label for c in self.input_bottlenecks}),
            "holds_up_to_input_bottlenecks": self.holds_up_to_input_bottlenecks,
            "constructions": [c.to_dict() for c in self.checks if c.kind == "construction"],
            "numerical": self.numerical,
            "notes": list(self.notes),
            "seconds": round(self.seconds, 3),
        }

    def summary(self) -> str:
        n_sub = sum(c.kind == "subnetwork" for c in self.checks)
        crit_sub = sum(c.kind == "subnetwork" and c.critical for c in self.checks)
        n_con = sum(c.kind == "construction" for c in self.checks)
        lines = [
            f"{self.architecture!r}: generic rank {self.generic_rank} ({'certified' if self.generic_certified else 'probabilistic'})",
            f"  (a) random points: {sum(c.kind == 'random' for c in self.checks)} checked, {len(self.random_critical)} critical",
            f"  (b) subnetwork points: {crit_sub}/{n_sub} critical",
            f"  (c) non-subnetwork constructions: {n_con} points; numerical search: "
            f"{self.numerical.get('starts', 0)} starts, best σ_g/σ_1 = {self.numerical.get('best_ratio', float('nan')):.1e}, "
            f"{self.numerical.get('confirmed', 0)} confirmed exactly",
        ]
        for c in self.counterexamples:
            how = "certified" if c.rank.certified else f"error ≤ {c.rank.error_bound:.1e}"
            kind = "input-bottleneck" if structure(c.params)["input_bottleneck"] else "counterexample"
            lines.append(f"  {kind} [{c.label}]: rank {c.rank.rank} < {self.generic_rank} ({how}); "
                         f"weights {c.params.to_json()['weights']}")
        lines += [f"  note: {n}" for n in self.notes]
        lines.append(f"  verdict: {self.verdict}")
        return "\n".join(lines)


def _degree(arch) -> int | None:
    degs = {a.degree for a in arch.activations}
    return degs.pop() if len(degs) == 1 else None


def _nonzero(rng, shape, bound=9):
    return (rng.integers(1, bound + 1, size=shape) * rng.choice([-1, 1], size=shape)).astype(np.int64)


def _random_weights(arch, rng):
    return [_nonzero(rng, (layer.out_dim, layer.in_dim)) for layer in arch.layers]


def _check(kind, label, params, exact_limit, seed) -> PointCheck:
    rank = rank_at_point(params, seed=seed, exact_limit=exact_limit, kernel=False)
    sub = detect_subnetwork(params)
    arch = params.architecture
    if (rank.critical and not sub.is_subnetwork and kind in ("random", "construction") and not arch.bias
            and all(a.is_monomial for a in arch.activations)):
        label = f"{label}: {explain(params)}"
    return PointCheck(kind, label, params, rank, sub)


# --------------------------------------------------------------------------- constructions
_TS = (0, 1, -1, 2, -2, 3, -3, 4, -4, 5, -5, 6, -6, 7, -7, 8)


def _vandermonde_relation(k: int, r: int) -> list[int]:
    """Integers λ ≠ 0 with Σ_i λ_i t_i^e = 0 for e = 0..r (t_i = _TS[i], k ≥ r + 2), so that
    Σ λ_i (u + t_i v)^r ≡ 0 identically."""
    import flint

    M = flint.fmpz_mat([[t**e for t in _TS[:k]] for e in range(r + 1)])
    basis, nullity = M.nullspace()
    assert nullity >= 1
    return [int(basis[i, 0]) for i in range(k)]


def _plane_rows(rng, n_rows, n_cols):
    u, v = _nonzero(rng, n_cols), _nonzero(rng, n_cols)
    while np.linalg.matrix_rank(np.stack([u, v]).astype(float)) < 2:  # pragma: no cover - rare
        v = _nonzero(rng, n_cols)
    return np.stack([u + t * v for t in _TS[:n_rows]])


def constructions(arch: MLP, seed: int = 0) -> list[tuple[str, Parameters]]:
    """Structured non-subnetwork candidates (module docstring): plane rows, equal hidden functions,
    Pythagorean triples.  Only for hidden layers with monomial σ and no biases."""
    out = []
    if arch.bias:
        return out
    d = arch.widths
    rng = np.random.default_rng([seed, 101])
    if d[0] >= 3 and d[1] >= 2 and arch.activations[0].is_monomial:
        W = _random_weights(arch, rng)
        W[0] = _nonzero(rng, (d[1], d[0] - 1)) @ _nonzero(rng, (d[0] - 1, d[0]))
        out.append((f"layer-1 rows in a hyperplane (rank W_1 = {d[0] - 1} < d_0)", Parameters(arch, W)))
    for ell in range(1, arch.depth):
        act = arch.activations[ell - 1]
        if not act.is_monomial:
            continue
        r = act.degree
        if d[ell] >= r + 2 and d[ell - 1] >= 2:
            W = _random_weights(arch, rng)
            W[ell - 1] = _plane_rows(rng, d[ell], d[ell - 1])
            out.append((f"plane rows in layer {ell} (d_{ell} = {d[ell]} ≥ r + 2 = {r + 2})", Parameters(arch, W)))
            # equal hidden functions one layer up: rows w and w + λ in layer ℓ+1
            if ell + 1 < arch.depth and d[ell + 1] >= 2:
                lam = np.array(_vandermonde_relation(d[ell], r)[: d[ell]], dtype=np.int64)
                W2 = [w.copy() for w in W]
                W2[ell][1] = W2[ell][0] + lam
                out.append((f"equal hidden functions in layer {ell + 1} (rows differ by a relation of layer {ell})",
                            Parameters(arch, W2)))
        if ell >= 2 and r == 2 and d[ell] >= 3 and d[0] >= 2:
            prev = arch.activations[ell - 2]
            if prev.is_monomial and prev.degree % 2 == 0 and d[ell - 1] >= prev.degree + 1:
                pyth = _pythagorean(arch, ell, rng)
                if pyth is not None:
                    out.append((f"Pythagorean triple in layer {ell} (r = 2)", pyth))
    return out


def _pythagorean(arch, ell, rng):
    """Layer ℓ−1 (σ = z^{2k}) gets rows u + t_i v, spanning the binary forms of degree 2k in
    (s, t) = (u·h, v·h); layer ℓ's first three rows express s^{2k} − t^{2k}, 2 s^k t^k, s^{2k} + t^{2k}.
    Valid when h = x (ℓ = 2); deeper layers use the same rows on their inputs."""
    import flint

    k2 = arch.activations[ell - 2].degree
    k = k2 // 2
    n = arch.widths[ell - 1]
    # Mason–Stothers sanity check of the identity (dehomogenised at t = 1)
    m = mason(f"(s**{k2} - 1)**2", f"(2*s**{k})**2", f"(s**{k2} + 1)**2", variable="s")
    if not m.holds:  # pragma: no cover - the identity satisfies it (with equality)
        return None
    W = _random_weights(arch, rng)
    W[ell - 2] = _plane_rows(rng, n, arch.widths[ell - 2])
    # (s + t_i t)^{2k} = Σ_j C(2k, j) t_i^j s^{2k−j} t^j: coefficient matrix B[j, i]
    ts = _TS[:n]
    B = flint.fmpq_mat([[comb(k2, j) * ts[i] ** j for i in range(n)] for j in range(k2 + 1)])
    targets = {"P2-Q2": {0: 1, k2: -1}, "2PQ": {k: 2}, "P2+Q2": {0: 1, k2: 1}}
    rows = []
    for coeffs in targets.values():
        rhs = flint.fmpq_mat([[coeffs.get(j, 0)] for j in range(k2 + 1)])
        sol = _solve_consistent(B, rhs)
        if sol is None:  # pragma: no cover
            return None
        rows.append(sol)
    den = 1
    for row in rows:
        for q in row:
            den = den * q.denominator // np.gcd(den, q.denominator)
    for i, row in enumerate(rows):
        W[ell - 1][i] = [int(q * den) for q in row]
    return Parameters(arch, W)


def _solve_consistent(B, rhs):
    """A rational solution of B y = rhs using the first square block of columns (B has full row rank)."""
    import flint

    rows, cols = B.nrows(), B.ncols()
    sq = flint.fmpq_mat([[B[i, j] for j in range(rows)] for i in range(rows)]) if cols >= rows else None
    if sq is None or sq.det() == 0:
        return None
    y = sq.solve(rhs)
    return [Fraction(int(y[i, 0].p), int(y[i, 0].q)) for i in range(rows)] + [Fraction(0)] * (cols - rows)


# --------------------------------------------------------------------------- numerical search
def _distance_to_subnetworks(arch, theta) -> float:
    """min over hidden neurons of |row|, |col| (relative) and 1 − |cos| between rows (≥ 0)."""
    Ws, pos = [], 0
    for layer in arch.layers:
        Ws.append(theta[pos : pos + layer.n_params].reshape(layer.out_dim, layer.in_dim))
        pos += layer.n_params
    best = np.inf
    for ell in range(1, arch.depth):
        rows, cols = Ws[ell - 1], Ws[ell].T
        rn = np.linalg.norm(rows, axis=1)
        cn = np.linalg.norm(cols, axis=1)
        best = min(best, float(np.min(rn) / max(np.linalg.norm(rows), 1e-300)),
                   float(np.min(cn) / max(np.linalg.norm(cols), 1e-300)))
        unit = rows / np.maximum(rn[:, None], 1e-300)
        cos = np.abs(unit @ unit.T)
        np.fill_diagonal(cos, 0)
        if rows.shape[0] > 1 and rows.shape[1] > 1:
            best = min(best, float(1 - np.max(cos)))
    return best


def _split(arch, theta) -> list[np.ndarray]:
    """Weight matrices (copies) of a flat float θ (no biases)."""
    Ws, pos = [], 0
    for layer in arch.layers:
        Ws.append(np.array(theta[pos : pos + layer.n_params], dtype=float).reshape(layer.out_dim, layer.in_dim))
        pos += layer.n_params
    return Ws


def _normalise(arch, theta):
    """A point of the same rank: each hidden row scaled to unit norm (σ = z^r: outgoing column × c^r),
    then W_L scaled to unit norm (scaling W_L multiplies columns of dφ: rank unchanged)."""
    Ws = _split(arch, theta)
    for ell in range(1, arch.depth):
        act = arch.activations[ell - 1]
        if not act.is_monomial:
            continue
        n = np.maximum(np.linalg.norm(Ws[ell - 1], axis=1), 1e-300)
        Ws[ell - 1] /= n[:, None]
        Ws[ell] *= n[None, :] ** act.degree
    Ws[-1] /= max(np.linalg.norm(Ws[-1]), 1e-300)
    return np.concatenate([W.ravel() for W in Ws])


def _bottleneck_distance(arch, theta) -> float:
    """σ_k(W_1)/σ_1(W_1) with k = min(d_0, d_1): 0 exactly at input bottlenecks (rank W_1 < min(d_0, d_1))."""
    W1 = _split(arch, theta)[0]
    s = np.linalg.svd(W1, compute_uv=False)
    return float(s[-1] / s[0]) if s[0] > 0 else 0.0


def _objective(arch, theta, X, C, g, avoid_bottleneck=True):
    """(value, σ_g/σ_1, distance).  σ_g of J equals σ_g of J restricted to the complement of the
    rescaling directions (they lie in ker J, so J Jᵀ is unchanged), so log(σ_g/σ_1) measures the
    distance from criticality; the penalty −PENALTY·log(4·min(dist, 1/4)) keeps the point away from
    subnetworks (and, by default, from input bottlenecks)."""
    with np.errstate(all="ignore"):
        return _objective_values(arch, theta, X, C, g, avoid_bottleneck)


def _objective_values(arch, theta, X, C, g, avoid_bottleneck):
    if not np.all(np.isfinite(theta)):
        return 1e3, 1.0, 0.0
    theta = _normalise(arch, theta)
    J = jacobian(arch, theta, X, Float64(), projections=C)
    try:
        s = np.linalg.svd(J, compute_uv=False)
    except np.linalg.LinAlgError:  # pragma: no cover - overflow far from the data
        return 1e3, 1.0, 0.0
    ratio = s[g - 1] / s[0] if s[0] > 0 and s.size >= g else 1.0
    dist = _distance_to_subnetworks(arch, theta)
    if avoid_bottleneck and arch.input_dim >= 2:
        dist = min(dist, _bottleneck_distance(arch, theta))
    if not np.isfinite(ratio) or not np.isfinite(dist):
        return 1e3, 1.0, 0.0
    return float(np.log(max(ratio, 1e-300)) - PENALTY * np.log(max(min(dist, 0.25), 1e-300) / 0.25)), float(ratio), float(dist)


def _gauge(arch, theta):
    """A point with the same rank of dφ and many entries 0 or ±1 (monomial σ, no biases).

    rank dφ is invariant under (i) W_1 ↦ W_1 M, M ∈ GL(d_0) (φ composed with the linear automorphism
    f ↦ f∘M of the function space), (ii) the rescalings (row × c, outgoing column × c^r),
    (iii) W_L ↦ N W_L, N ∈ GL(d_L) (f ↦ N f).  We make d_0 well-conditioned rows of W_1 the unit
    vectors, scale every hidden row to have largest entry 1, and make d_L columns of W_L the unit
    vectors — so that a critical family that is linear in the remaining coordinates has rational
    points that rounding finds."""
    Ws = _split(arch, theta)
    d = arch.widths
    if d[1] >= d[0]:
        import scipy.linalg

        _, _, piv = scipy.linalg.qr(Ws[0].T, pivoting=True)
        S = np.sort(piv[: d[0]])
        if np.linalg.cond(Ws[0][S]) < 1e8:
            Ws[0] = Ws[0] @ np.linalg.inv(Ws[0][S])
            Ws[0][S] = np.eye(d[0])
    for ell in range(1, arch.depth):
        r = arch.activations[ell - 1].degree
        for i in range(Ws[ell - 1].shape[0]):
            row = Ws[ell - 1][i]
            c = row[np.argmax(np.abs(row))]
            if c != 0:
                Ws[ell - 1][i] = row / c
                Ws[ell][:, i] = Ws[ell][:, i] * c**r
    if d[-2] >= d[-1]:
        import scipy.linalg

        _, _, piv = scipy.linalg.qr(Ws[-1], pivoting=True)
        T = np.sort(piv[: d[-1]])
        if np.linalg.cond(Ws[-1][:, T]) < 1e8:
            Ws[-1] = np.linalg.inv(Ws[-1][:, T]) @ Ws[-1]
            Ws[-1][:, T] = np.eye(d[-1])
    return np.concatenate([W.ravel() for W in Ws])


def _to_params(arch, values) -> Parameters:
    """Parameters from a flat list of Fractions."""
    Ws, pos = [], 0
    for layer in arch.layers:
        block = np.empty(layer.n_params, dtype=object)
        block[:] = list(values[pos : pos + layer.n_params])
        Ws.append(block.reshape(layer.out_dim, layer.in_dim))
        pos += layer.n_params
    return Parameters(arch, Ws)


def _rational(v: float, bound: int) -> Fraction:
    return Fraction(float(v)).limit_denominator(bound)


def _snap(arch, theta, X, C, g, avoid_bottleneck, max_reopt, tol=1e-9):
    """Snap a numerically critical θ (in gauge) to rational candidates.

    1. All coordinates rounded with denominators ≤ 1, 2, 4, 12, 60 (enough when the critical
       family is linear in the gauge coordinates).
    2. Progressive snapping: coordinates, closest to a fraction with denominator ≤ 12 first, are
       fixed one at a time and the others re-optimised (L-BFGS-B); a snap is kept when σ_g/σ_1 stays
       below ``tol``.  The coordinates that could not be snapped (those the critical locus
       determines) are then rounded with denominators up to 10^6.
    Every candidate is a list of Fractions; the caller confirms it exactly."""
    from scipy.optimize import minimize

    cands = [[_rational(v, b) for v in theta] for b in (1, 2, 4, 12, 60)]
    theta = theta.copy()
    fixed = np.zeros(theta.size, dtype=bool)
    gaps = np.array([abs(v - float(_rational(v, 12))) for v in theta])
    reopt = 0
    for j in np.argsort(gaps, kind="stable"):
        if reopt >= max_reopt:
            break
        trial = theta.copy()
        trial[j] = float(_rational(theta[j], 12))
        fixed[j] = True
        free = np.flatnonzero(~fixed)
        if gaps[j] > 1e-12 and free.size:
            reopt += 1

            def f(y, trial=trial, free=free):
                t = trial.copy()
                t[free] = y
                return _objective(arch, t, X, C, g, avoid_bottleneck)[0]

            res = minimize(f, trial[free], method="L-BFGS-B", options={"maxiter": 25})
            trial[free] = res.x
        _, ratio, dist = _objective(arch, trial, X, C, g, avoid_bottleneck)
        if ratio < tol and dist > 1e-3:
            theta = trial
        else:
            fixed[j] = False
    for b in (12, 100, 10**3, 10**4, 10**6):
        cands.append([_rational(v, 12) if fixed[k] else _rational(v, b) for k, v in enumerate(theta)])
    return cands


def structure(params) -> dict:
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
    return {
        "input_bottleneck": ranks[0] < min(d[0], d[1]),
        "rank_W1": ranks[0],
        "output_bottleneck": L >= 2 and ranks[-1] < min(d[-2], d[-1]),
        "rank_drops": [ell + 1 for ell in range(1, L - 1) if ranks[ell] < min(d[ell], d[ell + 1])],
        "proportional_columns": cols,
    }


def input_bottleneck_rank_bound(architecture, k: int) -> int:
    """Upper bound on rank dφ(W) at every W with rank W_1 ≤ k < d_0 (σ_1 = z^{r_1} …, no biases).

    Choose input coordinates x = (y, w), y ∈ ℚ^k, with W_1 x = A y.  Directions that keep the
    w-columns of W_1 zero move f inside {g(y): g ∈ V(k, d_1, …, d_L)}: at most dim V(k, d_1, …, d_L)
    ≤ ub(k, d_1, …, d_L) (geometry.bounds).  A direction in entry (i, m) of the w-columns gives
    w_m · ∂f/∂z_{1,i}(y), and span_i ∂f/∂z_{1,i} has dimension ≤ min(d_1, d_L·C(D − 1 + k − 1, k − 1))
    (polynomials of degree D − 1 in y).  Hence

        rank dφ(W) ≤ ub(k, d_1, …, d_L) + (d_0 − k)·min(d_1, d_L·C(D + k − 2, k − 1)).

    When this is < dim V, every such point is critical (a proof, not a test).  For large r the bound
    reaches N − Σ d_ℓ (the expected dimension), consistent with the Kohn–Marchetti–Shabir–Shahverdi–Wang
    theorem (docs/math.md §5)."""
    from .bounds import upper_bound

    d = architecture.widths
    if not 1 <= k < d[0]:
        raise ValueError(f"Argument 'k' must satisfy 1 ≤ k < d_0 = {d[0]}, got {k!r}.")
    small = architecture.with_widths((k,) + tuple(d[1:]))
    D = architecture.total_degree
    return upper_bound(small).value + (d[0] - k) * min(d[1], d[-1] * comb(D + k - 2, k - 1))


def explain(params) -> str:
    """A one-phrase classification of a critical non-subnetwork point (see :func:`structure`)."""
    s = structure(params)
    arch = params.architecture
    if s["input_bottleneck"]:
        k = s["rank_W1"]
        if k >= 1:
            b = input_bottleneck_rank_bound(arch, k)
            return (f"input-bottleneck (rank W_1 = {k} < d_0: f = g∘P; rank dφ ≤ {b} at every such point)")
        return "input-bottleneck (W_1 = 0)"
    parts = []
    if s["output_bottleneck"]:
        parts.append("output-bottleneck (rank W_L < min(d_{L-1}, d_L))")
    if s["rank_drops"]:
        parts.append("rank drop of W_ℓ for ℓ = " + ", ".join(map(str, s["rank_drops"])))
    squares = [(ell, ij) for ell, ij in s["proportional_columns"] if arch.activations[ell - 1].degree == 2]
    if squares:
        parts.append("proportional outgoing columns, σ = z² " + ", ".join(
            f"(layer {ell}, neurons {i},{j})" for ell, (i, j) in squares))
    return "; ".join(parts) if parts else "unexplained"


def numerical_search(arch: MLP, seed: int = 0, starts: int = 2, steps: int = 40, exact_limit: int = SCAN_EXACT_LIMIT,
                     progress=None, avoid_bottleneck: bool = True, max_reopt: int | None = None) -> tuple[dict, list[PointCheck]]:
    """Numerical search for critical points that are not subnetworks (issue 3 (c)).

    From ``starts`` random float points, minimise log(σ_g/σ_1) − 2 log(4·min(dist, 1/4)) with
    L-BFGS-B (≤ ``steps`` iterations, finite-difference gradients; σ_i the singular values of the
    projected Float64 Jacobian at g + 4 random inputs, g = generic rank, dist = distance to
    subnetworks and, with ``avoid_bottleneck``, to input bottlenecks).  Minima with σ_g/σ_1 < 1e−9
    are put in gauge (:func:`_gauge`), snapped to rational points (:func:`_snap`) and confirmed by
    :func:`~neuromanifold.geometry.criticality.rank_at_point` (exact/certified when the grid is small)
    and :func:`~neuromanifold.geometry.subnetworks.detect_subnetwork` (exact).  Only confirmed points
    are returned, labelled by :func:`explain`.  ``max_reopt`` bounds the re-optimisations of the
    progressive snapping (default 12 for N ≤ 24 parameters, else 0: rounding only, to keep scans of
    ≤ 60 parameters within their time budget).  Returns (statistics, checks)."""
    from scipy.optimize import minimize

    if not (all(a.is_monomial for a in arch.activations) and not arch.bias):
        return {"starts": 0, "steps": steps, "best_ratio": float("nan"), "candidates": 0, "confirmed": 0,
                "note": "numerical search needs monomial σ without biases"}, []
    g = generic_rank(arch).dimension
    if max_reopt is None:
        max_reopt = 12 if arch.n_params <= 24 else 0
    rng = np.random.default_rng([seed, 202])
    X = rng.standard_normal((g + 4, arch.input_dim))
    C = rng.standard_normal((g + 4, arch.output_dim))
    stats = {"starts": starts, "steps": steps, "best_ratio": 1.0, "candidates": 0, "confirmed": 0,
             "avoid_bottleneck": avoid_bottleneck, "minima": []}
    checks = []
    for start in range(starts):
        theta = rng.standard_normal(arch.n_params)

        def f(t):
            return _objective(arch, t, X, C, g, avoid_bottleneck)[0]

        res = minimize(f, theta, method="L-BFGS-B", options={"maxiter": steps})
        _, ratio, dist = _objective(arch, res.x, X, C, g, avoid_bottleneck)
        stats["best_ratio"] = min(stats["best_ratio"], float(ratio))
        stats["minima"].append({"ratio": float(ratio), "distance": float(dist)})
        if ratio < 1e-9 and dist > 1e-3:
            stats["candidates"] += 1
            gauged = _gauge(arch, _normalise(arch, res.x))
            seen = set()
            for values in _snap(arch, gauged, X, C, g, avoid_bottleneck, max_reopt):
                key = tuple(values)
                if key in seen or not all(any(v != 0 for v in values[pos:pos + layer.n_params])
                                          for pos, layer in zip(np.cumsum([0] + [lay.n_params for lay in arch.layers]), arch.layers)):
                    continue
                seen.add(key)
                p = _to_params(arch, values)
                if detect_subnetwork(p).is_subnetwork:
                    continue
                chk = _check("numerical", f"numerical search (start {start})", p, exact_limit, seed)
                if chk.critical:
                    chk = PointCheck("numerical", f"numerical search (start {start}): {explain(p)}", p, chk.rank,
                                     chk.subnetwork)
                    stats["confirmed"] += 1
                    checks.append(chk)
                    break
        if progress is not None:
            progress.update(1)
    return stats, checks


# --------------------------------------------------------------------------- scan
def _total_steps(arch, strata, random_points, starts):
    kinds = 2 if (not arch.bias and all(a.coeffs[0] == 0 for a in arch.activations)) else 1
    return random_points + kinds * len(strata) + len(constructions(arch)) + starts


def scan(architecture, seed: int = 0, random_points: int = 3, numerical_starts: int = 2, numerical_steps: int = 30,
         exact_limit: int = SCAN_EXACT_LIMIT, progress: bool = False) -> ScanResult:
    """Test "critical ⇔ subnetwork" on ``architecture`` (see the module docstring for (a)–(c)).

    Theorem under test (Kohn–Marchetti–Shabir–Shahverdi–Wang, docs/math.md §5): for σ = z^r, r large, rank dφ(W) <
    dim V iff W is a subnetwork (docs/math.md §4); for small r both directions may fail, and counterexamples are
    certified by exact ranks.

    ``progress=True`` shows a tqdm bar on stderr.  Every reported counterexample carries weights that
    reproduce it exactly (integers or rationals) and its certificate."""
    if not isinstance(architecture, MLP):
        raise TypeError(f"Argument 'architecture' must be an MLP, not {type(architecture).__name__}.")
    check_count(random_points, "random_points", "MAX_RANDOM_POINTS", minimum=0)
    check_count(numerical_starts, "numerical_starts", "MAX_STARTS", minimum=0)
    check_count(numerical_steps, "numerical_steps", "MAX_STEPS", minimum=0)
    check_seed(seed)
    start = time.perf_counter()
    arch = architecture
    gen = generic_rank(arch)
    strata = subnetwork_strata(arch)
    from tqdm import tqdm

    bar = tqdm(total=_total_steps(arch, strata, random_points, numerical_starts), desc=f"scan {arch.widths}",
               file=sys.stderr, disable=not progress, leave=False)
    checks, notes = [], []
    rng = np.random.default_rng([seed, 303])
    for i in range(random_points):
        checks.append(_check("random", f"random point {i}", Parameters(arch, _random_weights(arch, rng)), exact_limit, seed))
        bar.update(1)
    zero_in_ok = not arch.bias and all(a.coeffs[0] == 0 for a in arch.activations)
    for s in strata:
        for removal in ("out", "in") if zero_in_ok else ("out",):
            if removal == "in" and not any(s.removed):
                continue
            label = f"{s.label} [{'zero outgoing' if removal == 'out' else 'zero incoming'}]" if any(s.removed) else s.label
            checks.append(_check("subnetwork", label, s.random_point(seed, removal), exact_limit, seed))
            bar.update(1)
    for label, p in constructions(arch, seed):
        checks.append(_check("construction", label, p, exact_limit, seed))
        bar.update(1)
    if all(a.is_monomial for a in arch.activations) and not arch.bias:
        if all(a.degree >= 3 for a in arch.activations):
            notes.append("no three-term (Pythagorean) construction: Mason–Stothers forbids p^r + q^r = s^r for r ≥ 3")
    if all(a.is_monomial for a in arch.activations) and not arch.bias and arch.input_dim >= 2 and arch.depth >= 2:
        k = min(arch.input_dim, arch.widths[1]) - 1
        if k >= 1:
            b = input_bottleneck_rank_bound(arch, k)
            if b < gen.dimension:
                notes.append(f"input bottlenecks: rank dφ ≤ {b} < {gen.dimension} at every W with rank W_1 ≤ {k} "
                             "(proof: input_bottleneck_rank_bound), so all of them are critical")
            else:
                notes.append(f"input bottlenecks: the bound rank dφ ≤ {b} does not force criticality (dim V = {gen.dimension})")
    stats, found = numerical_search(arch, seed, numerical_starts, numerical_steps, exact_limit, progress=bar)
    checks += found
    bar.close()
    return ScanResult(arch, gen.dimension, gen.certified, tuple(checks), stats, tuple(notes), time.perf_counter() - start)


# --------------------------------------------------------------------------- degree sweep
def known_degree_bounds(architecture) -> dict:
    """Sufficient degrees from the literature (docs/math.md §3, §5), with k = the largest hidden width
    (reading: the k pre-activations of one layer whose r-th powers must be independent):
    Newman–Slater r > k(k − 2); Crăciun r > max{k·C(k − 1, 2), 2}; Usevich et al. r ≥ 2 d_ℓ − 1."""
    k = max(architecture.widths[1:-1]) if architecture.depth > 1 else 1
    return {
        "newman_slater": k * (k - 2) + 1,
        "craciun": max(k * comb(k - 1, 2), 2) + 1,
        "usevich": max(2 * d - 1 for d in architecture.widths[1:-1]) if architecture.depth > 1 else 1,
    }


@dataclass(frozen=True)
class DegreeSweep(Result):
    """Scans of one set of widths for σ = z^r, r in ``degrees``; ``threshold`` = smallest r of the sweep
    from which the equivalence held on all tests for every larger swept r (None if it fails at the
    largest)."""

    widths: tuple[int, ...]
    scans: tuple[ScanResult, ...]
    bounds: dict

    @property
    def threshold(self) -> int | None:
        return self._threshold(lambda s: s.holds)

    @property
    def threshold_up_to_input_bottlenecks(self) -> int | None:
        """As ``threshold``, counting input bottlenecks (rank W_1 < d_0) as subnetworks."""
        return self._threshold(lambda s: s.holds_up_to_input_bottlenecks)

    def _threshold(self, ok) -> int | None:
        t = None
        for s in reversed(self.scans):
            if not ok(s):
                break
            t = _degree(s.architecture)
        return t

    def to_dict(self) -> dict:
        return {"widths": list(self.widths), "threshold": self.threshold,
                "threshold_up_to_input_bottlenecks": self.threshold_up_to_input_bottlenecks,
                "known_sufficient_degrees": self.bounds,
                "scans": [s.to_dict() for s in self.scans]}

    def summary(self) -> str:
        lines = [f"widths {list(self.widths)}:"]
        for s in self.scans:
            lines.append(f"  r = {_degree(s.architecture)}: {s.verdict}")
        b = self.bounds
        lines.append(f"  equivalence held on all tests from r = {self.threshold} on" if self.threshold else
                     "  equivalence failed at the largest degree tested")
        if self.threshold_up_to_input_bottlenecks != self.threshold:
            t = self.threshold_up_to_input_bottlenecks
            lines.append(f"  counting input bottlenecks (rank W_1 < d_0) as subnetworks: from r = {t} on" if t else
                         "  counting input bottlenecks as subnetworks: still fails at the largest degree")
        lines.append(f"  known sufficient degrees (k = largest hidden width): Newman–Slater r ≥ {b['newman_slater']}, "
                     f"Crăciun r ≥ {b['craciun']}, Usevich et al. r ≥ {b['usevich']}")
        return "\n".join(lines)


def degree_sweep(widths, degrees, seed: int = 0, progress: bool = False, **scan_options) -> DegreeSweep:
    """:func:`scan` of MLP(widths, z^r) for each r in ``degrees`` (sorted).

    ``threshold`` is the smallest tested r from which "critical ⇔ subnetwork" holds on every test; compare with
    the sufficient degrees of docs/math.md §5 (Newman–Slater r > k(k − 2), Crăciun) and §3 (Usevich et al. r_ℓ ≥ 2d_ℓ
    − 1), see :func:`known_degree_bounds`.
    """
    degrees = sorted(set(degrees))
    if not degrees or any(isinstance(r, bool) or not isinstance(r, int) or r < 1 for r in degrees):
        raise ValueError(f"Argument 'degrees' must be positive ints, got {degrees!r}.")
    scans = tuple(scan(MLP(tuple(widths), Monomial(r)), seed=seed, progress=progress, **scan_options) for r in degrees)
    return DegreeSweep(tuple(widths), scans, known_degree_bounds(scans[0].architecture))
