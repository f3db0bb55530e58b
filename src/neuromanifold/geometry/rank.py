"""Exact ranks over F_p (python-flint) and the Schwartz–Zippel error bound."""

from __future__ import annotations

import os

import numpy as np

__all__ = ["rank_mod_p", "nullspace_mod_p", "canonical_kernel_mod_p", "schwartz_zippel"]


def _threads() -> int:
    env = os.environ.get("NEUROMANIFOLD_THREADS")
    if env:
        return max(1, int(env))
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except AttributeError:  # pragma: no cover - non-Linux
        return max(1, os.cpu_count() or 1)


def _nmod_mat(matrix: np.ndarray, p: int):
    import flint

    flint.ctx.threads = _threads()
    rows, cols = matrix.shape
    data = np.mod(np.asarray(matrix, dtype=np.int64), p)
    return flint.nmod_mat(rows, cols, data.ravel().tolist(), p)


def rank_mod_p(matrix: np.ndarray, p: int) -> int:
    """rank of an integer matrix over F_p, exactly (FLINT's nmod_mat LU, multithreaded).

    docs/math.md §2: a rank over F_p of an integer matrix is ≤ its rank over ℚ, so for d(ev_X ∘ φ)(θ) at integer
    points it is a certified lower bound on dim V.

    For an integer matrix this is a lower bound on its rank over ℚ."""
    matrix = np.asarray(matrix)
    if matrix.ndim != 2:
        raise ValueError(f"Argument 'matrix' must be 2-D, not shape {matrix.shape}.")
    if 0 in matrix.shape:
        return 0
    return _nmod_mat(matrix, p).rank()


def nullspace_mod_p(matrix: np.ndarray, p: int) -> np.ndarray:
    """A basis of the right kernel {v : A v = 0} over F_p, as the columns of an int64 array.

    Exact Gaussian elimination over F_p; used for kernels of dφ(W) at a point (docs/math.md §2, §5).
    """
    matrix = np.asarray(matrix)
    n = matrix.shape[1]
    if matrix.shape[0] == 0:
        return np.eye(n, dtype=np.int64)
    basis, nullity = _nmod_mat(matrix, p).nullspace()
    cols = [[int(basis[i, j]) for j in range(nullity)] for i in range(n)]
    return np.array(cols, dtype=np.int64).reshape(n, nullity)


def canonical_kernel_mod_p(matrix: np.ndarray, p: int) -> tuple[tuple[int, ...], np.ndarray]:
    """The kernel basis of A over F_p read off its reduced row echelon form: (pivot columns, K).

    Column j of K belongs to the j-th non-pivot column f: K[f, j] = 1, K[pivot_i, j] = −R[i, f], zero elsewhere.
    This basis depends only on the kernel (not on A or p), so when ker(A mod p) is the reduction of a
    rational kernel, the columns are the reductions of *its* canonical basis — the form in which rational
    reconstruction from several primes makes sense (docs/math.md §5, exact kernel certificates).
    """
    matrix = np.asarray(matrix)
    rows, n = matrix.shape
    if rows == 0 or n == 0:
        return (), np.eye(n, dtype=np.int64)
    R, rank = _nmod_mat(matrix, p).rref()
    entries = np.array([int(x) for x in R.entries()], dtype=np.int64).reshape(rows, n)[:rank]
    pivots = [int(np.flatnonzero(entries[i])[0]) for i in range(rank)]
    free = [j for j in range(n) if j not in set(pivots)]
    K = np.zeros((n, len(free)), dtype=np.int64)
    for j, f in enumerate(free):
        K[f, j] = 1
        K[pivots, j] = (-entries[:, f]) % p
    return tuple(pivots), K


def schwartz_zippel(minor_size: int, entry_degree: int, p: int, trials: int = 1) -> float:
    """Probability bound that ``trials`` independent uniform points of F_p all miss the generic rank:
    a non-zero ρ × ρ minor of entries of degree ≤ e has degree ≤ ρe and vanishes at a random point
    with probability ≤ ρe/p (Schwartz–Zippel), so all trials fail with probability ≤ (ρe/p)^trials.

    The bound concerns the generic rank over F_p, which equals the one over ℚ unless p divides every
    maximal minor — for p ≈ 2^31 and integer-coefficient activations this is the standing assumption
    of every modular method; certified answers do not rely on it."""
    single = min(1.0, minor_size * max(entry_degree, 1) / p)
    return single**trials
