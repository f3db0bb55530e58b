"""Explicit critical points that are not subnetworks (docs/math.md §5; the constructions listed in
:mod:`~neuromanifold.geometry.critical_scan`): plane rows, equal hidden functions, first-layer rows in a
hyperplane, the Pythagorean triple."""

from __future__ import annotations

from fractions import Fraction
from math import comb

import numpy as np

from ..architectures import MLP, Parameters
from ..randomness import stream
from .critical_points import nonzero_ints, random_weights
from .mason import mason

__all__ = ["constructions"]


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
    u, v = nonzero_ints(rng, n_cols), nonzero_ints(rng, n_cols)
    while np.linalg.matrix_rank(np.stack([u, v]).astype(float)) < 2:  # pragma: no cover - rare
        v = nonzero_ints(rng, n_cols)
    return np.stack([u + t * v for t in _TS[:n_rows]])


def constructions(arch: MLP, seed: int = 0) -> list[tuple[str, Parameters]]:
    """Structured non-subnetwork candidates (module docstring): plane rows, equal hidden functions,
    Pythagorean triples.  Only for hidden layers with monomial σ and no biases."""
    out = []
    if arch.bias:
        return out
    d = arch.widths
    rng = stream(seed, "critical.constructions")
    if d[0] >= 3 and d[1] >= 2 and arch.activations[0].is_monomial:
        W = random_weights(arch, rng)
        W[0] = nonzero_ints(rng, (d[1], d[0] - 1)) @ nonzero_ints(rng, (d[0] - 1, d[0]))
        out.append((f"layer-1 rows in a hyperplane (rank W_1 = {d[0] - 1} < d_0)", Parameters(arch, W)))
    for ell in range(1, arch.depth):
        act = arch.activations[ell - 1]
        if not act.is_monomial:
            continue
        r = act.degree
        if d[ell] >= r + 2 and d[ell - 1] >= 2:
            W = random_weights(arch, rng)
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
    W = random_weights(arch, rng)
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


