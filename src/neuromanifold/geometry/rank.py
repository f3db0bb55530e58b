"""Ranks and kernels over F_p (delegating to :class:`~neuromanifold.PrimeField`, which owns its linear
algebra) and the Schwartz–Zippel error bound."""

from __future__ import annotations

import numpy as np

from ..parametrization import PrimeField

__all__ = ["rank_mod_p", "nullspace_mod_p", "canonical_kernel_mod_p", "schwartz_zippel"]


def rank_mod_p(matrix: np.ndarray, p: int) -> int:
    """rank of an integer matrix over F_p: :meth:`PrimeField(p).rank <neuromanifold.PrimeField.rank>`.

    docs/math.md §2: a rank over F_p of an integer matrix is ≤ its rank over ℚ, so for d(ev_X ∘ φ)(θ) at integer
    points it is a certified lower bound on dim V."""
    return PrimeField(p).rank(matrix)


def nullspace_mod_p(matrix: np.ndarray, p: int) -> np.ndarray:
    """A basis of the right kernel {v : A v = 0} over F_p, as the columns of an int64 array (the canonical one,
    :meth:`PrimeField.nullspace <neuromanifold.PrimeField.nullspace>`); used for kernels of dφ(W) at a point
    (docs/math.md §2, §5)."""
    matrix = np.asarray(matrix)
    if matrix.ndim == 2 and matrix.shape[0] == 0:
        return np.eye(matrix.shape[1], dtype=np.int64)
    return PrimeField(p).nullspace(matrix)[1]


def canonical_kernel_mod_p(matrix: np.ndarray, p: int) -> tuple[tuple[int, ...], np.ndarray]:
    """(pivot columns, canonical kernel basis) of A over F_p: :meth:`PrimeField.nullspace
    <neuromanifold.PrimeField.nullspace>` (docs/math.md §5, exact kernel certificates)."""
    matrix = np.asarray(matrix)
    if matrix.ndim == 2 and 0 in matrix.shape:
        return (), np.eye(matrix.shape[1], dtype=np.int64)
    return PrimeField(p).nullspace(matrix)


def schwartz_zippel(minor_size: int, entry_degree: int, p: int, trials: int = 1) -> float:
    """Probability bound that ``trials`` independent uniform points of F_p all miss the generic rank:
    a non-zero ρ × ρ minor of entries of degree ≤ e has degree ≤ ρe and vanishes at a random point
    with probability ≤ ρe/p (Schwartz–Zippel), so all trials fail with probability ≤ (ρe/p)^trials.

    The bound concerns the generic rank over F_p, which equals the one over ℚ unless p divides every
    maximal minor — for p ≈ 2^31 and integer-coefficient activations this is the standing assumption
    of every modular method; certified answers do not rely on it."""
    single = min(1.0, minor_size * max(entry_degree, 1) / p)
    return single**trials
