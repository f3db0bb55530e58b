"""The ambient space of a neurovariety and polynomials on it (docs/math.md §1, §5).

V lives in the space of d_L-tuples of polynomials of the occurring degrees; its coordinates are the coefficients
c_{k,α} of output k at monomial x^α (:func:`coordinates`, named by :func:`coordinate_symbols`).  At a network
point the coordinates are computed exactly by collocation at unisolvent inputs (:func:`coefficients`), and
equations in them (sympy polynomials) are evaluated and differentiated exactly there."""

from __future__ import annotations

import math
from fractions import Fraction
from functools import lru_cache
from math import comb

import numpy as np

from ..parametrization import Float64, evaluate
from ..parametrization.monomials import exponents

__all__ = ["MAX_COLLOCATION_ENTRIES", "ambient_monomials", "coordinate_symbols", "coordinates", "coefficients", "polynomial_terms", "evaluate_polynomial", "gradient_polynomial"]


#: Largest (inputs × ambient monomials) of the exact collocation system of :func:`coefficients`.
MAX_COLLOCATION_ENTRIES = 4_000_000


def ambient_monomials(arch) -> list[tuple[int, ...]]:
    """Exponents α with |α| ∈ output_degrees(), highest degree first, then lexicographically decreasing."""
    return exponents(arch.input_dim, arch.output_degrees(), descending=True)


def coordinate_symbols(arch):
    """sympy symbols c_{α} (one output) or c{k}_{α}: ``c_21`` is the coefficient of x0²·x1."""
    import sympy

    mons = ambient_monomials(arch)
    sep = "_" if any(a >= 10 for al in mons for a in al) else ""
    names = []
    for k in range(arch.output_dim):
        prefix = "c" if arch.output_dim == 1 else f"c{k}"
        names += [f"{prefix}_{sep.join(str(a) for a in al)}" for al in mons]
    return sympy.symbols(names)


def coordinates(arch) -> list[tuple[int, tuple[int, ...]]]:
    """(output k, exponent α) of every ambient coordinate c_{k,α}, in the order of :func:`coordinate_symbols`
    (output-major, then :func:`ambient_monomials`): c_{k,α} is the coefficient of x^α in output k of f_W."""
    mons = ambient_monomials(arch)
    return [(k, al) for k in range(arch.output_dim) for al in mons]


def coefficients(params) -> np.ndarray:
    """c(W) = φ(W): the coefficients of f_W in the ambient coordinates (:func:`coordinates` order).

    Computed from evaluations, not by expansion: f_W at the unisolvent inputs X of
    :func:`~neuromanifold.geometry.point_kernel.unisolvent_inputs` (where a polynomial of the architecture's
    degrees is determined by its values) and the collocation system (x^α)_{x ∈ X, α} c = f_W(X), solved through
    its normal equations.  Integer or rational W: exact over ℚ (an object array of Fractions; the solution is
    checked to reproduce every value).  Float W: float64 least squares.
    """
    from ..architectures import Parameters
    from ..parametrization import Rationals
    from .point_kernel import unisolvent_inputs

    if not isinstance(params, Parameters):
        raise TypeError(f"Argument 'params' must be a Parameters, not {type(params).__name__}.")
    arch = params.architecture
    d0 = arch.input_dim
    m = comb(arch.total_degree + d0, d0)  # ≥ the number of unisolvent inputs
    M = sum(comb(d0 + k - 1, k) for k in arch.output_degrees())  # ambient monomials, counted before listing them
    if m * M > MAX_COLLOCATION_ENTRIES:
        raise ValueError(f"Argument 'params': the collocation system of {arch!r} has about {m} × {M} entries, "
                         f"more than MAX_COLLOCATION_ENTRIES = {MAX_COLLOCATION_ENTRIES}.")
    mons = ambient_monomials(arch)
    X = unisolvent_inputs(arch)
    powers = [[math.prod(int(x) ** a for x, a in zip(row, al)) for al in mons] for row in X]  # exact Python ints
    if params.kind == "float":
        V = np.array(powers, dtype=float)
        values = evaluate(arch, params, X.astype(float), Float64())
        return np.linalg.lstsq(V, values, rcond=None)[0].T.ravel()
    q = Rationals()
    values = evaluate(arch, params, X.astype(object), q)  # m × d_L, ints or Fractions
    try:  # M × d_L; full column rank because X is unisolvent
        C = q.solve(np.array(powers, dtype=object), values)
    except ArithmeticError:  # pragma: no cover - f_W has a monomial outside the ambient space
        raise ArithmeticError("the collocation system is inconsistent: f_W is not in the ambient space") from None
    return C.T.ravel()


@lru_cache(maxsize=4096)
def polynomial_terms(g, syms: tuple) -> tuple[tuple[Fraction, tuple[int, ...]], ...]:
    """g (a sympy polynomial in ``syms``) as ((coefficient, exponent vector), …) over ℚ."""
    import sympy

    return tuple((Fraction(int(sympy.Rational(c).p), int(sympy.Rational(c).q)), tuple(int(e) for e in m))
                 for m, c in sympy.Poly(g, *syms, domain="QQ").terms())


def evaluate_polynomial(g, syms: tuple, point):
    """g(point), exactly for rational points (Fractions/ints) and in floats for float points."""
    total = 0
    for c, m in polynomial_terms(g, tuple(syms)):
        term = c if not isinstance(point[0], float) else float(c)
        for v, e in zip(point, m):
            if e:
                term = term * v ** e
        total = total + term
    return total


def gradient_polynomial(g, syms: tuple, point) -> list:
    """∇g(point) = (∂g/∂c_i)(point), exactly for rational points and in floats for float points."""
    flt = isinstance(point[0], float)
    out = [0.0 if flt else Fraction(0)] * len(point)
    for c, m in polynomial_terms(g, tuple(syms)):
        for i, e in enumerate(m):
            if not e:
                continue
            term = (float(c) if flt else c) * e
            for j, f in enumerate(m):
                k = f - 1 if j == i else f
                if k:
                    term = term * point[j] ** k
            out[i] = out[i] + term
    return out
