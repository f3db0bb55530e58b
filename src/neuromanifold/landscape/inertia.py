"""Critical points of a loss classified by the inertia of the Hessian (docs/math.md §6).

:class:`Criticality` states whether ∇L vanishes at a point (exactly over ℚ or numerically); :func:`inertia` counts
the positive, negative and zero eigenvalues of a symmetric matrix — exactly for rational matrices (Descartes' rule
of signs on the characteristic polynomial, exact because a symmetric matrix has only real eigenvalues),
numerically with the tolerance stated for floats — and names the point a minimum, a maximum, a saddle or
degenerate."""

from __future__ import annotations

from dataclasses import dataclass
from fractions import Fraction

import numpy as np

from ..parametrization.rationals import Rationals
from ..results import Known, Result

__all__ = ["Criticality", "Inertia", "inertia"]


def _is_exact_array(arr: np.ndarray) -> bool:
    if arr.dtype.kind in "iu":
        return True
    if arr.dtype.kind == "f":
        return False
    return all(not isinstance(v, (float, np.floating)) for v in arr.ravel())


@dataclass(frozen=True)
class Criticality(Result):
    """Whether ∇L(θ) = 0, and how it is known.

    docs/math.md §6: θ is critical for L_u∘φ iff ∇L(θ) = 0 iff f_θ − u ⊥_Q im dφ(θ).

    ``certified`` is True for exact answers: over ℚ both ways; over F_p only "not critical" (a
    gradient non-zero mod p is non-zero over ℚ, a zero mod p is a necessary condition only).
    """

    critical: bool
    gradient_norm: float
    certified: bool
    how: str
    number_system: str
    tolerance: float | None = None  # numerical verdicts: ‖∇L‖ ≤ tolerance counted as critical

    @property
    def known(self) -> Known:
        return Known.from_tolerance(self.certified, self.tolerance, self.how)

    def to_dict(self) -> dict:
        return {
            "critical": self.critical,
            "gradient_norm": self.gradient_norm,
            "certified": self.certified,
            "error_bound": self.known.error_bound,
            "known": self.known.to_dict(),
            "how": self.how,
            "number_system": self.number_system,
        }

    def summary(self) -> str:
        word = "critical" if self.critical else "not critical"
        return f"{word} (‖∇L‖ = {self.gradient_norm:.3g}; {self.how})"


@dataclass(frozen=True)
class Inertia(Result):
    """Sylvester inertia (n₊, n₋, n₀) of a Hessian and the second-order verdict at a critical point:
    ``minimum`` (positive definite), ``maximum`` (negative definite), ``saddle`` (both signs) or
    ``degenerate`` (semidefinite with a kernel: the second-order test is inconclusive).

    Second-order test at a critical point of L_u∘φ (docs/math.md §6), by Sylvester's law of inertia.
    """

    positive: int
    negative: int
    zero: int
    kind: str
    certified: bool
    how: str
    tolerance: float | None = None  # float eigenvalues: |λ| ≤ tolerance counted as 0

    @property
    def known(self) -> Known:
        return Known.from_tolerance(self.certified, self.tolerance, self.how)

    def to_dict(self) -> dict:
        return {
            "positive": self.positive,
            "negative": self.negative,
            "zero": self.zero,
            "kind": self.kind,
            "certified": self.certified,
            "error_bound": self.known.error_bound,
            "known": self.known.to_dict(),
            "how": self.how,
        }

    def summary(self) -> str:
        return f"inertia (+{self.positive}, −{self.negative}, 0×{self.zero}): {self.kind} ({self.how})"


def _kind(pos: int, neg: int, zero: int) -> str:
    if pos and neg:
        return "saddle"
    if zero == 0:
        return "minimum" if neg == 0 else "maximum"
    return "degenerate"


def _sign_changes(coeffs) -> int:
    signs = [1 if c > 0 else -1 for c in coeffs if c != 0]
    return sum(1 for a, b in zip(signs, signs[1:]) if a != b)


def inertia(H, tol: float = 1e-8) -> Inertia:
    """Inertia of a symmetric matrix H.

    Sylvester's law of inertia; used for the second-order test at critical points of L_u∘φ (docs/math.md §6).

    Exact entries (ints/Fractions): certified, from χ(t) = det(tI − H) by Descartes' rule of signs,
    which counts real roots exactly when all roots are real (H symmetric).  Float entries: eigenvalues
    λ with |λ| ≤ tol·max(1, max|λ|) counted as zero (not certified).
    """
    H = H if isinstance(H, np.ndarray) else np.asarray(H, dtype=object)
    if H.ndim != 2 or H.shape[0] != H.shape[1]:
        raise ValueError(f"Argument 'H' must be a square matrix, not shape {H.shape}.")
    n = H.shape[0]
    if n == 0:
        return Inertia(0, 0, 0, "minimum", True, "empty matrix")
    if _is_exact_array(H):
        import flint

        Hq = Rationals().asarray(H)
        if any(Hq[i, j] != Hq[j, i] for i in range(n) for j in range(i)):
            raise ValueError("Argument 'H' must be symmetric.")
        M = flint.fmpq_mat(n, n, [flint.fmpq(v.numerator, v.denominator) for v in Hq.ravel()])
        chi = [Fraction(int(c.p), int(c.q)) for c in M.charpoly().coeffs()]  # ascending, degree n
        chi += [Fraction(0)] * (n + 1 - len(chi))
        zero = next(k for k, c in enumerate(chi) if c != 0)
        pos = _sign_changes(chi)
        neg = _sign_changes([c * (-1) ** k for k, c in enumerate(chi)])
        if pos + neg + zero != n:  # impossible for a symmetric matrix: all roots real
            raise ArithmeticError("Descartes count inconsistent; matrix not symmetric?")
        return Inertia(pos, neg, zero, _kind(pos, neg, zero), True,
                       "certified: exact characteristic polynomial over ℚ + Descartes' rule")
    Hf = np.asarray(H, dtype=np.float64)
    if not np.allclose(Hf, Hf.T, rtol=1e-9, atol=1e-12 * max(1.0, float(np.max(np.abs(Hf))))):
        raise ValueError("Argument 'H' must be symmetric.")
    lam = np.linalg.eigvalsh((Hf + Hf.T) / 2)
    cut = tol * max(1.0, float(np.max(np.abs(lam))))
    pos, neg = int(np.sum(lam > cut)), int(np.sum(lam < -cut))
    zero = n - pos - neg
    return Inertia(pos, neg, zero, _kind(pos, neg, zero), False, f"float eigenvalues, |λ| ≤ {cut:.1e} counted as 0",
                   float(cut))
