"""The numerical search for critical non-subnetwork points (docs/criticality.md, "The numerical search"):
minimise σ_g/σ_1 away from subnetworks and input bottlenecks, gauge, snap to rationals, confirm exactly."""

from __future__ import annotations

import numpy as np

from ..architectures import MLP, Parameters
from ..parametrization import Float64, jacobian, to_rationals
from ..randomness import stream
from .critical_points import SCAN_EXACT_LIMIT, PointCheck, check_point, explain
from .criticality import generic_rank
from .subnetworks import detect_subnetwork

__all__ = ["numerical_search", "PENALTY"]

#: Weight of the log-barrier keeping the numerical search away from subnetworks.
PENALTY = 6.0


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

    cands = [list(to_rationals(theta, b)) for b in (1, 2, 4, 12, 60)]
    theta = theta.copy()
    fixed = np.zeros(theta.size, dtype=bool)
    twelfths = to_rationals(theta, 12)
    gaps = np.abs(theta - twelfths.astype(float))
    reopt = 0
    for j in np.argsort(gaps, kind="stable"):
        if reopt >= max_reopt:
            break
        trial = theta.copy()
        trial[j] = float(to_rationals(theta[j], 12)[()])
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
        cands.append(list(np.where(fixed, to_rationals(theta, 12), to_rationals(theta, b))))
    return cands


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
    rng = stream(seed, "critical.search")
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
                chk = check_point("numerical", f"numerical search (start {start})", p, exact_limit, seed)
                if chk.critical:
                    chk = PointCheck("numerical", f"numerical search (start {start}): {explain(p)}", p, chk.rank,
                                     chk.subnetwork)
                    stats["confirmed"] += 1
                    checks.append(chk)
                    break
        if progress is not None:
            progress.update(1)
    return stats, checks


