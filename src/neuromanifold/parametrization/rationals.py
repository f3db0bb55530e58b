"""The field ℚ as a number system: numpy ``object`` arrays of Python ints and :class:`fractions.Fraction`.

Exact and slow — meant for small certificates (a gradient that is exactly zero, the inertia of an
exact Hessian, an exact Jacobian at unisolvent inputs), where a zero mod p would only be a necessary
condition.  The network algebra of :mod:`neuromanifold.parametrization.network` runs on it unchanged
(numpy dispatches +, ·, @ on object arrays to int and :class:`~fractions.Fraction`).  This module is the
one exact ℚ route: floats become rationals only through :func:`to_rationals`, and ranks and kernels over ℚ
are :meth:`Rationals.rank` / :meth:`Rationals.nullspace` (FLINT's ``fmpz_mat`` / ``fmpq_mat``).
"""

from __future__ import annotations

import math
from fractions import Fraction

import numpy as np

from .numbers import NumberSystem

__all__ = ["Rationals", "rational_reconstruction", "to_rationals", "integer_rows"]


def rational_reconstruction(residue: int, modulus: int) -> Fraction | None:
    """The fraction n/d with |n|, 0 < d ≤ √(modulus/2) and n ≡ residue·d (mod modulus), or None.

    Wang's algorithm (extended Euclid on (modulus, residue), stopped at the first remainder below the bound).
    Such a fraction is unique when it exists, so a value reconstructed from enough primes is the rational it
    reduces from — a *candidate*, which callers then verify exactly.  (python-flint 0.9 does not expose
    FLINT's ``fmpq_reconstruct_fmpz``.)
    """
    from math import gcd, isqrt

    if modulus < 2:
        raise ValueError(f"Argument 'modulus' must be >= 2, got {modulus!r}.")
    bound = isqrt(modulus // 2)
    r0, r1 = modulus, residue % modulus
    t0, t1 = 0, 1
    while r1 > bound:
        q = r0 // r1
        r0, r1 = r1, r0 - q * r1
        t0, t1 = t1, t0 - q * t1
    if t1 == 0 or abs(t1) > bound or gcd(r1, abs(t1)) != 1:
        return None
    return Fraction(r1, t1)


def to_rationals(values, max_denominator: int | None = None, relative: bool = False) -> np.ndarray:
    """Float entries as exact rationals (an object array of the same shape).

    * ``max_denominator=None``: each float's own dyadic value, exactly (a float *is* a rational).
    * ``relative=False``: the best approximation with denominator ≤ ``max_denominator``
      (:meth:`fractions.Fraction.limit_denominator`).
    * ``relative=True``: x = ±m·2^e with m ∈ [1/2, 1) becomes ±(n/d)·2^e, n/d the best approximation of m
      with d ≤ ``max_denominator``.  Relative, so no non-zero entry becomes 0 (which would create a
      subnetwork the data never had), and sign-symmetric.
    """
    if max_denominator is not None and (isinstance(max_denominator, bool) or not isinstance(max_denominator, int)
                                        or max_denominator < 1):
        raise ValueError(f"Argument 'max_denominator' must be a positive int or None, got {max_denominator!r}.")

    def convert(v):
        if isinstance(v, Fraction):
            return v
        if isinstance(v, (int, np.integer)):
            return Fraction(int(v))
        x = float(v)
        if max_denominator is None:
            return Fraction(x)
        if not relative:
            return Fraction(x).limit_denominator(max_denominator)
        if x == 0:
            return Fraction(0)
        m, e = math.frexp(abs(x))
        q = Fraction(m).limit_denominator(max_denominator) * (Fraction(2) ** e)
        return -q if x < 0 else q

    arr = np.asarray(values, dtype=object)
    flat = [convert(v) for v in arr.ravel()]
    out = np.empty(len(flat), dtype=object)
    out[:] = flat
    return out.reshape(arr.shape)


def integer_rows(matrix) -> list[list[int]]:
    """Each row of a rational matrix scaled by the lcm of its denominators (same rank, same kernel)."""
    rows = []
    for row in matrix:
        den = math.lcm(*[Fraction(v).denominator for v in row]) if len(row) else 1
        rows.append([int(Fraction(v) * den) for v in row])
    return rows


class Rationals(NumberSystem):
    """ℚ in numpy object arrays: integers held as Python ints (much faster than Fraction), the others as
    :class:`~fractions.Fraction`; arithmetic is exact either way.  Floats are refused (the exact backend
    never rounds); convert them with :func:`to_rationals` first.

    Exact ranks over ℚ at rational points: rank dφ(W) at a given W (criticality, docs/math.md §5) and exact loss
    gradients (critical exposure, docs/math.md §6).
    """

    dtype = object
    name = "QQ"

    def __repr__(self):
        return "Rationals()"

    def __eq__(self, other):
        return isinstance(other, Rationals)

    def __hash__(self):
        return hash("Rationals")

    def asarray(self, values) -> np.ndarray:
        arr = values if isinstance(values, np.ndarray) else np.asarray(values, dtype=object)
        if arr.dtype.kind == "f":
            raise TypeError("Rationals cannot represent floats; convert them first (to_rationals).")
        flat = []
        for v in arr.ravel():
            if isinstance(v, (float, np.floating)):
                raise TypeError("Rationals cannot represent floats; convert them first (to_rationals).")
            q = Fraction(int(v)) if isinstance(v, (int, np.integer)) else Fraction(v)
            flat.append(int(q) if q.denominator == 1 else q)
        out = np.empty(len(flat), dtype=object)
        out[:] = flat
        return out.reshape(arr.shape)

    def zeros(self, shape) -> np.ndarray:
        out = np.empty(shape, dtype=object)
        out[...] = 0
        return out

    def rank(self, matrix) -> int:
        """rank over ℚ of a rational matrix (FLINT's ``fmpz_mat`` on the rows scaled to integers)."""
        import flint

        rows = integer_rows(np.asarray(matrix, dtype=object))
        if not rows or not rows[0]:
            return 0
        return int(flint.fmpz_mat(rows).rank())

    def solve(self, A, B) -> np.ndarray:
        """The X with A X = B over ℚ (object array of Fractions, n × k), for A of full column rank n: through the
        normal equations AᵀA X = AᵀB (FLINT's ``fmpq_mat``), then checked against A X = B exactly.  Raises
        ArithmeticError when A X = B has no solution, ValueError when A is column-rank deficient."""
        import flint

        def fmpq(M):
            M = np.asarray(M, dtype=object)
            M = M.reshape(M.shape[0], -1)
            return flint.fmpq_mat([[flint.fmpq(int(Fraction(v).numerator), int(Fraction(v).denominator)) for v in row]
                                   for row in M])

        Aq, Bq = fmpq(A), fmpq(B)
        if Aq.nrows() != Bq.nrows():
            raise ValueError(f"Argument 'B' must have {Aq.nrows()} rows (those of A), not {Bq.nrows()}.")
        At = Aq.transpose()
        normal = At * Aq
        if normal.rank() < Aq.ncols():
            raise ValueError("Argument 'A' must have full column rank.")
        X = normal.solve(At * Bq)
        if Aq * X != Bq:
            raise ArithmeticError("the system A X = B is inconsistent")
        out = np.empty((X.nrows(), X.ncols()), dtype=object)
        for i in range(X.nrows()):
            for k in range(X.ncols()):
                out[i, k] = Fraction(int(X[i, k].p), int(X[i, k].q))
        return out

    def nullspace(self, matrix) -> tuple[tuple[int, ...], np.ndarray]:
        """(pivot columns, K): the canonical kernel basis over ℚ (column j: 1 at the j-th non-pivot column f,
        −R[i, f] at pivot i, R the reduced echelon form), each column scaled to coprime integers; an object
        array of Python ints.  The same normalisation as :meth:`PrimeField.nullspace
        <neuromanifold.PrimeField.nullspace>`, up to the column scaling."""
        import flint

        A = np.asarray(matrix, dtype=object)
        n = A.shape[1] if A.ndim == 2 else 0
        rows = integer_rows(A)
        if not rows or n == 0:
            K = np.zeros((n, n), dtype=object)
            for j in range(n):
                K[j, j] = 1
            return (), K
        R, rank = flint.fmpq_mat(flint.fmpz_mat(rows)).rref()
        pivots = [next(j for j in range(n) if R[i, j] != 0) for i in range(rank)]
        pivot_set = set(pivots)
        free = [j for j in range(n) if j not in pivot_set]
        K = np.zeros((n, len(free)), dtype=object)
        for j, f in enumerate(free):
            col = [Fraction(0)] * n
            col[f] = Fraction(1)
            for i, piv in enumerate(pivots):
                e = R[i, f]
                col[piv] = -Fraction(int(e.p), int(e.q))
            K[:, j] = integer_rows([col])[0]
        return tuple(pivots), K

    def random(self, rng: np.random.Generator, shape, height: int = 9) -> np.ndarray:
        """Random small integers in [−height, height] (as Python ints)."""
        return self.asarray(rng.integers(-height, height + 1, size=shape))
