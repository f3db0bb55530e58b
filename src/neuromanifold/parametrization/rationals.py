"""The field ℚ as a number system: numpy ``object`` arrays of :class:`fractions.Fraction`.

Exact and slow — meant for small certificates (a gradient that is exactly zero, the inertia of an
exact Hessian), where a zero mod p would only be a necessary condition.  The network algebra of
:mod:`neuromanifold.parametrization.network` runs on it unchanged (numpy dispatches +, ·, @ on
object arrays to :class:`~fractions.Fraction`).
"""

from __future__ import annotations

from fractions import Fraction

import numpy as np

from .numbers import NumberSystem

__all__ = ["Rationals", "rational_reconstruction"]


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


class Rationals(NumberSystem):
    """ℚ, elements as :class:`~fractions.Fraction` in numpy object arrays.  Floats are refused
    (the exact backend never rounds); rationalise them first.

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
            raise TypeError("Rationals cannot represent floats; rationalise them first (Fraction(x).limit_denominator()).")
        flat = []
        for v in arr.ravel():
            if isinstance(v, (float, np.floating)):
                raise TypeError("Rationals cannot represent floats; rationalise them first.")
            flat.append(Fraction(int(v)) if isinstance(v, (int, np.integer)) else Fraction(v))
        out = np.empty(len(flat), dtype=object)
        out[:] = flat
        return out.reshape(arr.shape)

    def zeros(self, shape) -> np.ndarray:
        out = np.empty(shape, dtype=object)
        out[...] = Fraction(0)
        return out

    def random(self, rng: np.random.Generator, shape, height: int = 9) -> np.ndarray:
        """Random small integers in [−height, height] (as Fractions)."""
        return self.asarray(rng.integers(-height, height + 1, size=shape))
