"""Matrix polynomials over F_p and the limit of their column space as t → 0 (docs/math.md §6).

Let A(t) = Σ_{j=0}^{e} A_j t^j ∈ F_p[t]^{R×N} have rank ρ over the Laurent series field F_p((t)).
Its column space over F_p((t)) is a ρ-dimensional subspace; for t ≠ 0 near 0 the column space of
A(t) is a point of the Grassmannian Gr(ρ, R) depending algebraically on t, and its limit as t → 0 is

    L = lim_{t→0} col A(t) = { v(0) : v ∈ M },     M = col_{F_p((t))} A ∩ F_p[[t]]^R,

the space of *initial vectors* of the saturated module M (a free F_p[[t]]-module of rank ρ, so
dim L = ρ).  Computing L therefore means finding the elements of the column module whose low-order
coefficients cancel: for k ≥ 0 let

    L_k = { coefficient of t^k in A(t) u(t) : u ∈ F_p[t]^N, A(t) u(t) ≡ 0 mod t^k }.

Then L_0 = col A_0 ⊆ L_1 ⊆ L_2 ⊆ ⋯ ⊆ L (multiply u by t), and L_K = L for K ≥ a_max, the largest
exponent in the Smith form A = P·diag(t^{a_1}, …, t^{a_ρ}, 0, …)·Q over the discrete valuation ring
F_p[[t]] (P, Q invertible): the columns P e_i t^{a_i} = A Q^{-1} e_i lie in the column module, have
initial vectors P(0) e_i spanning L, and only u mod t^{K+1} matters.  Since Σ a_i is the valuation
of the ρ-th determinantal divisor, a_max ≤ Σ a_i ≤ ρ·e (the degree of a non-zero ρ × ρ minor).  So
the iteration may stop as soon as dim L_k = ρ, and must stop by k = ρ·e.

The iteration is a column echelon over F_p[[t]] done order by order: with K_{k−1} a basis of the
kernel of the block Toeplitz matrix T_{k−1} = (A_{i−j})_{0 ≤ i, j < k} (the truncated u with
A u ≡ 0 mod t^k),

    L_k = col A_0 + col( S_k K_{k−1} ),   S_k (u_0, …, u_{k−1}) = Σ_{j=1}^{k} A_j u_{k−j},
    ker T_k = { (w, u_k) : w ∈ K_{k−1}, A_0 u_k + S_k w = 0 }.

All arithmetic is exact in F_p (FLINT ranks and kernels).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from ..parametrization import PrimeField
from .rank import nullspace_mod_p, rank_mod_p

__all__ = ["interpolate_matrix_polynomial", "column_space_basis", "SeriesLimit", "limit_column_space"]


def column_space_basis(matrix: np.ndarray, p: int) -> np.ndarray:
    """A basis (as columns, reduced echelon form of the transpose) of the column space over F_p."""
    import flint

    matrix = np.mod(np.asarray(matrix, dtype=np.int64), p)
    rows, cols = matrix.shape
    if rows == 0 or cols == 0:
        return np.zeros((rows, 0), dtype=np.int64)
    T = flint.nmod_mat(cols, rows, matrix.T.ravel().tolist(), p)
    E, rank = T.rref()
    basis = np.array([[int(E[i, j]) for j in range(rows)] for i in range(rank)], dtype=np.int64)
    return basis.T.reshape(rows, rank)


def interpolate_matrix_polynomial(values: list[np.ndarray], points: list[int], p: int) -> list[np.ndarray]:
    """The coefficients A_0..A_e of the matrix polynomial with A(t_j) = values[j] (e = len − 1), by
    solving the Vandermonde system mod p (exact: a polynomial of degree ≤ e is determined by e + 1
    distinct values)."""
    import flint

    e1 = len(points)
    if len(set(int(t) % p for t in points)) != e1:
        raise ValueError("Argument 'points' must be distinct modulo p.")
    V = flint.nmod_mat(e1, e1, [pow(int(t), k, p) for t in points for k in range(e1)], p)
    Vinv = np.array(V.inv().tolist(), dtype=object).astype(np.int64).reshape(e1, e1)
    shape = values[0].shape
    stack = np.stack([np.mod(v, p) for v in values]).reshape(e1, -1)
    coeffs = PrimeField(p).matmul(Vinv, stack)
    return [coeffs[k].reshape(shape) for k in range(e1)]


@dataclass(frozen=True)
class SeriesLimit:
    """lim_{t→0} col A(t): ``basis`` (R × dim columns over F_p), reached at ``order`` k (L_k), with
    ``complete`` = (dim L_k equals ``target_rank``, the rank of A over F_p((t)) supplied by the
    caller) — then L_k = L; otherwise L_k ⊆ L is what was proven."""

    basis: np.ndarray
    order: int
    target_rank: int
    complete: bool
    dimensions: tuple[int, ...]  # dim L_0, dim L_1, …

    @property
    def dimension(self) -> int:
        return int(self.basis.shape[1])


def limit_column_space(coeffs: list[np.ndarray], p: int, target_rank: int, max_order: int | None = None) -> SeriesLimit:
    """L = lim_{t→0} col(Σ_j coeffs[j] t^j) over F_p (see the module docstring).

    ``target_rank`` is the rank ρ of A(t) over F_p((t)); the iteration stops when dim L_k = ρ or at
    ``max_order`` (default ρ·e, which always suffices when ρ is correct)."""
    ns = PrimeField(p)
    A = [np.mod(np.asarray(a, dtype=np.int64), p) for a in coeffs]
    R, N = A[0].shape
    e = len(A) - 1
    if max_order is None:
        max_order = max(1, target_rank * max(e, 1))
    A0 = A[0]
    dims = [rank_mod_p(A0, p)]
    kernel = nullspace_mod_p(A0, p)  # columns: stacked (u_0) with A_0 u_0 = 0
    k = 0
    current = A0
    while dims[-1] < target_rank and k < max_order:
        k += 1
        # S_k w for every kernel vector w = (u_0, …, u_{k−1})
        S = np.zeros((R, kernel.shape[1]), dtype=np.int64)
        for j in range(1, min(k, e) + 1):
            block = kernel[(k - j) * N : (k - j + 1) * N, :]
            S = ns.add(S, ns.matmul(A[j], block))
        current = np.hstack([A0, S])
        dims.append(rank_mod_p(current, p))
        if dims[-1] >= target_rank or k >= max_order:
            break
        # ker T_k = {(w, u_k): A_0 u_k + S w = 0}; coordinates (λ for the kernel basis, u_k)
        null = nullspace_mod_p(np.hstack([S, A0]), p)
        lam, uk = null[: kernel.shape[1], :], null[kernel.shape[1] :, :]
        kernel = np.vstack([ns.matmul(kernel, lam) if kernel.shape[1] else np.zeros((k * N, null.shape[1]), np.int64), uk])
    basis = column_space_basis(current, p)
    return SeriesLimit(basis, k, target_rank, basis.shape[1] >= target_rank, tuple(dims))
