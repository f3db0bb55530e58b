"""Exact facts about dφ at a point, proven over ℚ: unisolvent inputs and kernel vectors (docs/math.md §5).

* :func:`unisolvent_inputs` — inputs at which a function the architecture computes vanishes only if it is the
  zero polynomial (the lattice simplex).
* :func:`exact_kernel` — a basis of ker dφ(W) over ℚ from canonical kernels over random primes (CRT and rational
  reconstruction), each vector *verified* by a forward-mode directional derivative over ℚ at those inputs.

Used by :func:`~neuromanifold.geometry.criticality.rank_at_point` (certified critical points) and
:func:`~neuromanifold.geometry.singular_strata.twin_singularity` (exact equality of two network functions).
"""

from __future__ import annotations

from fractions import Fraction

import numpy as np

from ..parametrization.rationals import Rationals, integer_rows

__all__ = ["unisolvent_inputs", "exact_kernel", "VERIFY_LIMIT"]

#: Largest (unisolvent inputs × kernel vectors × N) checked exactly by :func:`exact_kernel`.
VERIFY_LIMIT = 20_000_000


def unisolvent_inputs(architecture) -> np.ndarray:
    """Inputs on which a function the architecture can compute is zero only if it is the zero polynomial.

    Every f_θ has total degree ≤ D = ``total_degree`` in x ∈ K^{d_0}, and the lattice simplex
    {α ∈ ℕ^{d_0} : |α| ≤ D} is unisolvent for polynomials of total degree ≤ D (induction on d_0: a polynomial
    vanishing there is x_1·q on x_1 = 0, and q vanishes on the simplex of size D − 1 shifted by e_1).  When all
    outputs are homogeneous of the single degree D (``output_degrees() == {D}``), the slice |α| = D suffices: a
    homogeneous polynomial vanishing on the hyperplane Σx = D vanishes on the cone over it, and its restriction
    there is a polynomial of degree ≤ D on the simplex of size D in d_0 − 1 coordinates.  Sizes C(D + d_0, d_0)
    and C(D + d_0 − 1, d_0 − 1), against (D + 1)^{d_0} for the tensor grid.
    """
    D, d0 = architecture.total_degree, architecture.input_dim
    homogeneous = architecture.output_degrees() == frozenset({D})
    points = list(_simplex(d0, D, homogeneous))
    return np.array(points, dtype=np.int64).reshape(-1, d0)


def _simplex(d0, D, homogeneous):
    """Compositions α of at most D (exactly D when homogeneous) into d0 parts, generated without the full grid."""
    def rec(prefix, left, parts):
        if parts == 1:
            if homogeneous:
                yield prefix + (left,)
            else:
                for a in range(left + 1):
                    yield prefix + (a,)
            return
        for a in range(left + 1):
            yield from rec(prefix + (a,), left - a, parts - 1)
    yield from rec((), D, d0)


def exact_kernel(params, jacobians, more=(), limit: int = VERIFY_LIMIT) -> tuple[np.ndarray | None, list[int]]:
    """A basis of ker dφ(W) over ℚ, proven, from kernels of projected Jacobians over random primes; or None.

    ``jacobians`` are pairs (p, J) with J ∈ F_p^{R × N} the projected evaluations at W of one rank ρ; ``more``
    pairs (p, thunk) give further ones on demand.  Each canonical kernel basis of J mod p
    (:func:`~neuromanifold.geometry.rank.canonical_kernel_mod_p`) with the same pivots is combined by the
    Chinese remainder theorem and rationally reconstructed
    (:func:`~neuromanifold.parametrization.rational_reconstruction`); every candidate v is then checked
    **exactly**: the directional derivative dφ(W)·v, evaluated over ℚ on
    :func:`unisolvent_inputs`, is zero there, so it is the zero polynomial and v ∈ ker dφ(W).  N − ρ such
    independent vectors give rank dφ(W) ≤ ρ; with ρ ≤ rank dφ(W) (a rank over F_p, docs/math.md §2) the rank is
    exactly ρ.  Returns (an integer matrix whose N − ρ columns span the kernel, or None when reconstruction
    does not stabilise on the primes given or the check is too large (inputs × vectors × N > ``limit``); the
    primes used).
    """
    from ..parametrization import directional_derivative
    from .rank import canonical_kernel_mod_p

    arch = params.architecture
    grid = unisolvent_inputs(arch)
    queue = [(p, (lambda J=J: J)) for p, J in jacobians] + list(more)
    pivots = modulus = residues = None
    used: list[int] = []
    for p, get in queue:
        if modulus is not None and modulus % p == 0:
            continue
        piv, K = canonical_kernel_mod_p(get(), p)
        used.append(p)
        if pivots is None:
            pivots = piv
            if grid.shape[0] * K.shape[1] * max(1, arch.n_params) > limit:
                return None, used
            modulus, residues = p, [[int(x) for x in row] for row in K[list(pivots)]]
        elif piv != pivots:
            continue  # a different kernel: this prime (or its random functionals) was unlucky
        else:
            inv = pow(modulus, -1, p)
            residues = [[a + modulus * (((int(b) - a) * inv) % p) for a, b in zip(ra, rb)]
                        for ra, rb in zip(residues, K[list(pivots)])]
            modulus *= p
        candidate = _reconstruct(residues, modulus, pivots, arch.n_params)
        if candidate is None:
            continue
        ns = Rationals()
        theta = ns.asarray(params.flatten())
        X = grid.astype(object)
        if all(_is_zero(directional_derivative(arch, theta, candidate[:, j], X, ns))
               for j in range(candidate.shape[1])):
            return candidate, used
    return None, used


def _reconstruct(residues, modulus, pivots, n):
    """Integer columns of the canonical kernel basis with pivot rows reconstructed from ``residues``."""
    from ..parametrization import rational_reconstruction

    free = [j for j in range(n) if j not in set(pivots)]
    cols = []
    for j in range(len(free)):
        vals = [Fraction(0)] * n
        vals[free[j]] = Fraction(1)
        for i, piv in enumerate(pivots):
            q = rational_reconstruction(residues[i][j], modulus)
            if q is None:
                return None
            vals[piv] = q
        cols.append(integer_rows([vals])[0])
    out = np.empty((n, len(free)), dtype=object)
    for j, col in enumerate(cols):
        out[:, j] = col
    return out


def _is_zero(values) -> bool:
    return all(v == 0 for v in np.asarray(values, dtype=object).ravel())
