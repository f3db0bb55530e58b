"""Polynomial activation functions σ(z) = Σ_k a_k z^k with rational coefficients.

A network with polynomial activations computes polynomials (docs/math.md §1).  Two kinds matter:

* **monomial** σ(z) = a z^r (homogeneous): every hidden neuron carries the rescaling symmetry
  (row × c, outgoing column × c^{-r}), outputs are forms of degree r^{L-1};
* **general polynomial** σ: no continuous symmetry; a "generic" one has coefficients in general
  position (Razor's Edge, Thm 4.1).

An activation is an immutable value; number systems evaluate it (see
:mod:`neuromanifold.parametrization.numbers`).
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from fractions import Fraction
from functools import cached_property
from math import comb
from numbers import Rational

__all__ = ["Polynomial", "Monomial", "generic_polynomial", "parse_activation", "as_activation", "MAX_DEGREE"]

#: Largest activation degree accepted (coefficients are stored densely; far beyond any use in the papers).
MAX_DEGREE = 1000


def _check_degree(r: int, name: str) -> None:
    if r > MAX_DEGREE:
        raise ValueError(f"Argument '{name}' has degree {r}; activation degrees above {MAX_DEGREE} are refused.")


def _as_fraction(value, name: str) -> Fraction:
    if isinstance(value, bool):
        raise TypeError(f"Argument '{name}' must hold integers or rationals, not bool {value!r}.")
    if isinstance(value, (int, Rational)):
        return Fraction(value)
    if isinstance(value, str):
        try:
            return Fraction(value)
        except ValueError:
            raise ValueError(f"Argument '{name}' holds {value!r}, which is not a rational number.") from None
    # sympy Rational / Integer
    try:
        import sympy

        if isinstance(value, sympy.Rational):
            return Fraction(int(value.p), int(value.q))
    except ImportError:  # pragma: no cover - sympy is a dependency
        pass
    raise TypeError(
        f"Argument '{name}' must hold integers or rationals (int, Fraction, 'p/q'), not {type(value).__name__} {value!r}."
    )


@dataclass(frozen=True)
class Polynomial:
    """The activation σ(z) = Σ_{k=0}^{r} a_k z^k, coefficients in ascending order.

    σ acts coordinatewise on the hidden pre-activations (docs/math.md §1).  A monomial a z^r (``is_monomial``) gives
    the homogeneous case with the rescaling symmetry row × c, column × c^{−r} (docs/math.md §2); coefficients in
    general position give the generic case of Razor's Edge Thm 4.1 (generic fibres finite, dim V = N
    when N ≤ A).

    Parameters
    ----------
    coeffs:
        ``(a_0, a_1, …, a_r)``: integers, :class:`fractions.Fraction` or strings ``"p/q"``.
        The list must be non-empty with ``a_r ≠ 0`` and ``r ≥ 1`` (constants are not activations).

    Examples
    --------
    >>> Polynomial((0, 0, 1, 1))          # z^3 + z^2
    Polynomial('z^3 + z^2')
    >>> Polynomial((0, 0, 1)).is_monomial
    True
    """

    coeffs: tuple[Fraction, ...]

    def __post_init__(self):
        coeffs = self.coeffs
        if isinstance(coeffs, (str, bytes)) or not hasattr(coeffs, "__iter__"):
            raise TypeError(f"Argument 'coeffs' must be a sequence of rationals, not {type(coeffs).__name__}.")
        if hasattr(coeffs, "__len__"):
            _check_degree(len(coeffs) - 1, "coeffs")
        coeffs = tuple(_as_fraction(c, "coeffs") for c in coeffs)
        _check_degree(len(coeffs) - 1, "coeffs")
        if not coeffs:
            raise ValueError("Argument 'coeffs' must be non-empty.")
        if coeffs[-1] == 0:
            raise ValueError(f"Argument 'coeffs' must have a non-zero leading coefficient, got {_fmt_list(coeffs)}.")
        if len(coeffs) < 2:
            raise ValueError(f"Argument 'coeffs' must have degree >= 1 (a constant is no activation), got {_fmt_list(coeffs)}.")
        object.__setattr__(self, "coeffs", coeffs)

    # --- structure -------------------------------------------------------------------------
    @property
    def degree(self) -> int:
        """r = deg σ."""
        return len(self.coeffs) - 1

    def __hash__(self) -> int:  # computed once: the bound recursion hashes activations thousands of times per census
        value = self.__dict__.get("_hash")
        if value is None:
            value = self.__dict__["_hash"] = hash(self.coeffs)
        return value

    @cached_property
    def support(self) -> tuple[int, ...]:
        """Exponents k with a_k ≠ 0."""
        return tuple(k for k, a in enumerate(self.coeffs) if a != 0)

    @cached_property
    def is_monomial(self) -> bool:
        """True iff σ(z) = a z^r is homogeneous (then every hidden neuron has a rescaling symmetry)."""
        return len(self.support) == 1

    @cached_property
    def is_shifted_monomial(self) -> bool:
        """True iff σ(z) = a (z − c)^r + d for rationals a, c, d: with biases such a σ is affinely equivalent
        to z^r (the shift and the constant are absorbed by the biases), so it is not generic.

        With σ(z) = Σ a_k z^k, a (z − c)^r has a_{r−1} = −r a c, which fixes c; compare the rest.

        Examples
        --------
        >>> Polynomial((1, 3, 3, 1)).is_shifted_monomial    # (z + 1)^3
        True
        >>> Polynomial((0, 0, 1, 1)).is_shifted_monomial    # z^3 + z^2
        False
        """
        r, a = self.degree, self.coeffs[-1]
        c = -self.coeffs[-2] / (r * a)
        shifted = [a * comb(r, k) * (-c) ** (r - k) for k in range(r + 1)]
        return all(shifted[k] == self.coeffs[k] for k in range(1, r + 1))

    def derivative(self) -> tuple[Fraction, ...]:
        """Coefficients of σ' in ascending order."""
        return tuple(k * a for k, a in enumerate(self.coeffs))[1:] or (Fraction(0),)

    def __call__(self, z):
        """Evaluate σ(z) by Horner's rule (works for ints, Fractions, floats, sympy expressions)."""
        acc = 0
        for a in reversed(self.coeffs):
            acc = acc * z + (a if a.denominator != 1 else int(a))
        return acc

    def to_sympy(self, z=None):
        import sympy

        z = sympy.Symbol("z") if z is None else z
        return sum(sympy.Rational(a.numerator, a.denominator) * z**k for k, a in enumerate(self.coeffs))

    # --- text ------------------------------------------------------------------------------
    def __str__(self) -> str:
        terms = []
        for k in reversed(range(len(self.coeffs))):
            a = self.coeffs[k]
            if a == 0:
                continue
            mono = "" if k == 0 else ("z" if k == 1 else f"z^{k}")
            if mono and abs(a) == 1:
                body = mono
            elif mono:
                body = f"{abs(a)}*{mono}"
            else:
                body = str(abs(a))
            sign = "-" if a < 0 else "+"
            terms.append((sign, body))
        first_sign, first = terms[0]
        text = ("-" if first_sign == "-" else "") + first
        for sign, body in terms[1:]:
            text += f" {sign} {body}"
        return text

    def __repr__(self) -> str:
        return f"Polynomial({str(self)!r})"

    def to_json(self) -> list[str]:
        return [str(a) for a in self.coeffs]

    @classmethod
    def from_json(cls, data) -> "Polynomial":
        return cls(tuple(data))


def Monomial(r: int, coefficient=1) -> Polynomial:
    """The monomial activation σ(z) = a·z^r (default a = 1), r ≥ 1.

    r = 1 gives linear networks (docs/math.md §3, last item).
    """
    if isinstance(r, bool) or not isinstance(r, int):
        raise TypeError(f"Argument 'r' must be an int, not {type(r).__name__} {r!r}.")
    if r < 1:
        raise ValueError(f"Argument 'r' must be >= 1 (the activation degree), got {r}.")
    _check_degree(r, "r")
    return Polynomial((0,) * r + (coefficient,))


def generic_polynomial(r: int, seed: int = 0, height: int = 9) -> Polynomial:
    """A seeded "generic" polynomial of degree r: every coefficient a_0..a_r a random non-zero integer
    in [−height, height].

    Genericity is what Razor's Edge Thm 4.1 assumes (finite generic fibres, dim V = N for large r);
    a random choice realises it with high probability.  The same seed gives the same polynomial.
    For r ≥ 3 a draw of the form a (z − c)^r + d (:attr:`Polynomial.is_shifted_monomial`, affinely
    equivalent to z^r once there are biases) is redrawn; for r = 2 every polynomial has that form.
    """
    if isinstance(r, bool) or not isinstance(r, int):
        raise TypeError(f"Argument 'r' must be an int, not {type(r).__name__} {r!r}.")
    if r < 1:
        raise ValueError(f"Argument 'r' must be >= 1 (the activation degree), got {r}.")
    _check_degree(r, "r")
    rng = random.Random(seed)
    values = [v for v in range(-height, height + 1) if v != 0]
    while True:  # redraw the degenerate draws (e.g. seed 654 once gave 6(z − 1/3)³ + c)
        poly = Polynomial(tuple(rng.choice(values) for _ in range(r + 1)))
        if r <= 2 or not poly.is_shifted_monomial:  # every quadratic is a (z − c)² + d: no redraw helps
            return poly


def parse_activation(text: str) -> Polynomial:
    """Parse a polynomial in ``z`` such as ``"z^3+z^2"``, ``"2*z^3 - z/2"`` or ``"z**4"``.

    Returns the :class:`Polynomial` σ(z) = Σ_k a_k z^k of docs/math.md §1 with the parsed coefficients a_k ∈ ℚ.
    The text is parsed by :func:`neuromanifold.architectures.parsing.parse_polynomial` (a fixed grammar with
    literal exponents; nothing is evaluated), with degrees up to :data:`MAX_DEGREE` checked before expansion.

    Raises ValueError naming the text when it is not a polynomial in z with rational coefficients
    and degree ≥ 1.

    Examples
    --------
    >>> parse_activation("z^3+z^2")
    Polynomial('z^3 + z^2')
    >>> parse_activation("(z+1)**2/2")
    Polynomial('1/2*z^2 + z + 1/2')
    """
    from .parsing import parse_polynomial

    if not isinstance(text, str):
        raise TypeError(f"Argument 'activation' must be a string, not {type(text).__name__}.")
    coeffs = parse_polynomial(text, "activation", MAX_DEGREE)
    if len(coeffs) < 2:
        raise ValueError(f"Argument 'activation' must have degree >= 1: {text!r}.")
    return Polynomial(coeffs)


def as_activation(value, name: str = "activation") -> Polynomial:
    """Coerce an int r (→ z^r), a string (parsed) or a Polynomial to a Polynomial."""
    if isinstance(value, Polynomial):
        return value
    if isinstance(value, bool):
        raise TypeError(f"Argument '{name}' must be a Polynomial, an int degree or a string, not bool.")
    if isinstance(value, int):
        if value < 1:
            raise ValueError(f"Argument '{name}' must have degree >= 1, got {value}.")
        return Monomial(value)
    if isinstance(value, str):
        return parse_activation(value)
    raise TypeError(
        f"Argument '{name}' must be a Polynomial, an int degree or a string, not {type(value).__name__} {value!r}."
    )


def _fmt_list(coeffs) -> str:
    return "[" + ", ".join(str(c) for c in coeffs) + "]"
