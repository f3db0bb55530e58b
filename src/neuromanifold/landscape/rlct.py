"""Closed-form real log canonical thresholds (RLCTs) and the losses they belong to (docs/math.md §7).

Watanabe's learning coefficient λ of a loss K at a minimum is known in closed form for normal crossings
K(w) = Π w_j^{2k_j} (λ = min_j (h_j + 1)/(2k_j)) and for reduced-rank regression (Aoyagi–Watanabe 2005); these
are the references the sampler-based estimates of :mod:`.llc` are tested against."""

from __future__ import annotations

from fractions import Fraction

import numpy as np

from ..parametrization import require_torch

__all__ = ["normal_crossing_loss", "reduced_rank_rlct", "reduced_rank_loss"]


def normal_crossing_loss(powers):
    """K(w) = Π_i w_i^{2 p_i} (λ = 1/(2 max p_i)) as a torch function of w.

    docs/math.md §7 test oracle (Watanabe 2009): the RLCT of a normal crossing Π w_i^{2p_i} is λ = 1/(2 max p_i).
    """
    powers = [int(p) for p in powers]
    if not powers or any(p < 1 for p in powers):
        raise ValueError(f"Argument 'powers' must be positive ints, got {powers!r}.")

    def K(w):  # w: (..., d); batched-friendly
        out = 1.0
        for i, p in enumerate(powers):
            out = out * w[..., i] ** (2 * p)
        return out

    return K


def reduced_rank_rlct(M: int, N: int, H: int, r: int) -> tuple[Fraction, int]:
    """(λ, m): the learning coefficient and its order (multiplicity) of reduced-rank regression, i.e. the
    two-layer linear network x ↦ BAx, A ∈ ℝ^{H×M}, B ∈ ℝ^{N×H}, at a true matrix B₀A₀ of rank r ≤ H
    (M inputs, N outputs, H hidden units).  Aoyagi & Watanabe (2005), "Stochastic complexities of reduced
    rank regression in Bayesian estimation", Neural Networks 18, 924–933, Main Theorem:

    * Case 1, N + r ≤ M + H, M + r ≤ N + H and H + r ≤ M + N:
      λ = [2(H + r)(M + N) − (M − N)² − (H + r)²] / 8, m = 1, if M + H + N + r is even;
      λ = [2(H + r)(M + N) − (M − N)² − (H + r)² + 1] / 8, m = 2, if it is odd;
    * Case 2, M + H < N + r: λ = [HM − Hr + Nr] / 2, m = 1;
    * Case 3, N + H < M + r: λ = [HN − Hr + Mr] / 2, m = 1;
    * Case 4, M + N < H + r: λ = MN / 2, m = 1.

    (Transcribed from the theorem as implemented in the sBIC package, ``learnCoef.ReducedRankRegressions``,
    Drton–Plummer 2017 §2.2.)  Checks by hand: r = H ≤ min(M, N) gives H(M + N − H)/2, half the dimension
    of the rank-H matrices (regular case); M = N = H = 1, r = 0 gives K = (ab)², λ = 1/2, m = 2 (normal
    crossing); M = N = 1, H = 2, r = 0 gives K = (a₁b₁ + a₂b₂)², λ = 1/2 (a nondegenerate quadric squared)."""
    for name, v in (("M", M), ("N", N), ("H", H)):
        if isinstance(v, bool) or not isinstance(v, int) or v < 1:
            raise ValueError(f"Argument '{name}' must be a positive int, got {v!r}.")
    if isinstance(r, bool) or not isinstance(r, int) or not 0 <= r <= min(H, M, N):
        raise ValueError(f"Argument 'r' must be an int with 0 <= r <= min(H, M, N) = {min(H, M, N)}, got {r!r}.")
    if N + r <= M + H and M + r <= N + H and H + r <= M + N:
        base = 2 * (H + r) * (M + N) - (M - N) ** 2 - (H + r) ** 2
        if (M + H + N + r) % 2 == 0:
            return Fraction(base, 8), 1
        return Fraction(base + 1, 8), 2
    if M + H < N + r:
        return Fraction(H * M - H * r + N * r, 2), 1
    if N + H < M + r:
        return Fraction(H * N - H * r + M * r, 2), 1
    return Fraction(M * N, 2), 1  # M + N < H + r


def reduced_rank_loss(C, H: int):
    """K(w) = ½‖BA − C‖²_F for w = (A row-major, B row-major), A ∈ ℝ^{H×M}, B ∈ ℝ^{N×H}, C ∈ ℝ^{N×M}: the
    population square loss E_x ½|BAx − Cx|² of reduced-rank regression with x ~ N(0, I) (Aoyagi–Watanabe
    2005).  Batched torch function (..., H·M + N·H) ↦ (...)."""
    torch = require_torch()
    C = torch.as_tensor(np.asarray(C, dtype=np.float64))
    if C.dim() != 2:
        raise ValueError(f"Argument 'C' must be a matrix, not shape {tuple(C.shape)}.")
    N, M = C.shape
    if isinstance(H, bool) or not isinstance(H, int) or H < 1:
        raise ValueError(f"Argument 'H' must be a positive int, got {H!r}.")

    def K(w):
        A = w[..., : H * M].reshape(*w.shape[:-1], H, M)
        B = w[..., H * M :].reshape(*w.shape[:-1], N, H)
        return 0.5 * ((B @ A - C) ** 2).sum((-1, -2))

    return K
