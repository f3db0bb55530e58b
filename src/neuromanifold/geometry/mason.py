"""The Mason–Stothers theorem for univariate polynomials (docs/math.md §5, tools).

For polynomials a + b = c over ℂ, coprime and not all constant,

    max{deg a, deg b, deg c} ≤ deg rad(abc) − 1,

where deg rad(abc) is the number of distinct complex roots of abc.  Consequence (Fermat for
polynomials): p^r + q^r = s^r has no solution in coprime non-constant polynomials for r ≥ 3, since
r·n ≤ 3n − 1 fails; for r = 2 the Pythagorean triple (x² − 1)² + (2x)² = (x² + 1)² attains equality.
This is why the three-term constructions of :mod:`~neuromanifold.geometry.critical_scan` only exist for
r = 2.
"""

from __future__ import annotations

from dataclasses import dataclass

__all__ = ["MasonResult", "mason"]


@dataclass(frozen=True)
class MasonResult:
    """``max_degree`` = max deg of a, b, c; ``radical_degree`` = number of distinct roots of abc;
    ``holds`` = max_degree ≤ radical_degree − 1; ``coprime`` = gcd(a, b) is constant (the hypothesis)."""

    max_degree: int
    radical_degree: int
    coprime: bool
    holds: bool

    @property
    def slack(self) -> int:
        """radical_degree − 1 − max_degree (0: Mason–Stothers is sharp)."""
        return self.radical_degree - 1 - self.max_degree


#: Largest degree the Mason–Stothers check accepts (it factors the polynomials).
MAX_MASON_DEGREE = 1000


def _poly(value, x, name):
    """A sympy Poly in x from a sympy expression/Poly, or from text parsed (never evaluated) by
    :func:`neuromanifold.architectures.parsing.parse_polynomial`."""
    import sympy

    from ..architectures.parsing import parse_polynomial

    if isinstance(value, sympy.Poly):
        p = value
    elif isinstance(value, str):
        coeffs = parse_polynomial(value, name, MAX_MASON_DEGREE, variable=str(x))
        p = sympy.Poly([sympy.Rational(c.numerator, c.denominator) for c in reversed(coeffs)], x)
    elif isinstance(value, (sympy.Basic, int)) and not isinstance(value, bool):
        try:
            p = sympy.Poly(value, x)
        except sympy.PolynomialError as exc:
            raise ValueError(f"Argument '{name}' is not a univariate polynomial: {value!r} ({exc}).") from None
    else:
        raise TypeError(f"Argument '{name}' must be a sympy polynomial or a string, not {type(value).__name__}.")
    if p.free_symbols - {x}:
        raise ValueError(f"Argument '{name}' must be a polynomial in one variable {x}, got {value!r}.")
    if p.degree() > MAX_MASON_DEGREE:
        raise ValueError(f"Argument '{name}' has degree {p.degree()}; at most {MAX_MASON_DEGREE} is accepted.")
    return p


def mason(a, b, c=None, variable="x") -> MasonResult:
    """Check Mason–Stothers for a + b = c (``c`` defaults to a + b) and return the radical degree.

    Raises ValueError if ``a + b ≠ c`` or all three are constant.

    Examples
    --------
    >>> mason("x**2", "2*x + 1", "(x + 1)**2")
    MasonResult(max_degree=2, radical_degree=3, coprime=True, holds=True)
    """
    import sympy

    x = sympy.Symbol(variable)
    pa, pb = _poly(a, x, "a"), _poly(b, x, "b")
    pc = pa + pb if c is None else _poly(c, x, "c")
    if not (pa + pb - pc).is_zero:
        raise ValueError(f"Arguments must satisfy a + b = c; a + b − c = {(pa + pb - pc).as_expr()}.")
    degrees = [p.degree() if not p.is_zero else 0 for p in (pa, pb, pc)]
    if max(degrees) < 1:
        raise ValueError("Arguments 'a', 'b', 'c' must not all be constant.")
    product = pa * pb * pc
    radical = sympy.Poly(sympy.quo(product, sympy.gcd(product, product.diff(x))), x)
    rad_deg = radical.degree()
    coprime = sympy.gcd(pa, pb).degree() == 0
    return MasonResult(max(degrees), rad_deg, coprime, max(degrees) <= rad_deg - 1)
