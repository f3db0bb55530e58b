"""Jacobian-criterion certificates for smooth and singular points (docs/math.md §6).

Setting.  V ⊆ K^A is the neurovariety in the coefficient coordinates of
:func:`~neuromanifold.geometry.equations.coordinate_symbols` (the coefficients of every ambient monomial
of every output; an injective linear image of the function space, so dimensions and tangent spaces are
those of docs/math.md §6).  V is the Zariski closure of φ(ℂ^N): it is **irreducible** (image of an
irreducible affine space) and **defined over ℚ** (φ has rational coefficients, so every automorphism
τ of ℂ satisfies τ(φ(W)) = φ(τ(W)), hence τ(V) = V).  The Zariski tangent space is
T_q V = {v : ∇h(q)·v = 0 for all h ∈ I(V)} and q ∈ V is singular iff dim T_q V > dim V (docs/math.md §6).

**Proven equations.**  A polynomial g ∈ ℚ[c] vanishes on V iff g∘φ = 0 in ℚ[θ].  We *prove* this by
substituting the symbolic parametrisation (:func:`~neuromanifold.parametrization.symbolic.coefficient_polynomials`, an expansion of f_θ in sympy
that shares only the layer index maps with the evaluation engine) and checking that the result expands
to 0 exactly.  The candidate equations come from :func:`~neuromanifold.geometry.equations.vanishing_ideal`
(interpolation mod p + rational reconstruction) — how they were found does not matter, only the proof.

**Certificate 1 (smooth, any codimension).**  Let g_1..g_m be proven to vanish on V, q = φ(W_0) computed
exactly over ℚ, and ρ = rank over ℚ of the m × A Jacobian (∂g_i/∂c_j)(q).  Since g_i ∈ I(V),

    dim V ≤ dim T_q V ≤ dim ker Jg(q) = A − ρ.

(dim V ≤ dim T_q V holds at every point of an irreducible variety.)  A mod-p rank of dφ at an
integer point is a certified lower bound δ ≤ dim V (docs/math.md §2).  If δ = A − ρ, then
dim V = dim T_q V = A − ρ: **q is a smooth point and dim V is certified**, whatever the other equations
of V are.  Equivalently (the form in the brief): c = A − dim V of the g_i with independent gradients cut
out a manifold Z(g) of dimension dim V near q, and V, irreducible of the same dimension and contained in
Z(g), is its component through q.  If ρ < A − δ nothing follows (q may be singular, or the equations of
the degrees used do not cut V out near q).

**Certificate 2 (hypersurfaces: both directions).**  Let F ∈ ℚ[c] be proven to vanish on V, F
irreducible over ℚ (checked by sympy's ``factor_list`` over ℚ), and δ = A − 1 (so dim V = A − 1: F ≠ 0
forces dim V ≤ A − 1).  Then F is absolutely irreducible and I(V) = (F).  Proof: F is squarefree (char
0); over ℚ̄ write F = F_1⋯F_m with pairwise non-associate irreducible F_j, which Gal(ℚ̄/ℚ) permutes
transitively (the product over an orbit is rational up to a scalar and divides F).  V irreducible and
V ⊆ ∪ Z(F_j) give V ⊆ Z(F_1), and equal dimensions give V = Z(F_1).  For τ ∈ Gal, Z(τF_1) = τ(V) = V,
so all F_j have the same zero set and are associates: m = 1.  Hence I(V) = √(F) = (F) and
T_q V = ker ∇F(q):  **∇F(q) = 0 ⇔ q singular** (T_q V = K^A, dimension A > A − 1), exactly.  If the
lowest-degree equation is reducible over ℚ, the irreducible factor vanishing on V (proven the same way)
is used.

Everything is exact over ℚ (sympy); the only modular ingredient is the lower bound δ, itself a
certified lower bound.  Practical for small ambient dimensions (A ≲ 20, degrees ≤ 3).
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from fractions import Fraction
from functools import lru_cache

import numpy as np

from ..limits import check_prime
from ..parametrization import DEFAULT_PRIME, PrimeField, as_theta
from ..parametrization.rationals import Rationals
from ..results import Known
from .equations import gradient_polynomial

__all__ = ["exact_point", "ProvenEquations", "proven_equations", "JacobianCertificate",
           "jacobian_certificate", "feasible"]

#: Default limits for the automatic use in :func:`~neuromanifold.geometry.singularity.singular`.
MAX_AMBIENT = 24
MAX_PARAMS = 16
MAX_MONOMIALS = 2_000


def feasible(architecture, degree: int) -> bool:
    """Whether proving equations of degree ``degree`` is cheap: A ≤ 24, N ≤ 16 and C(A+k−1, k) ≤ 2000."""
    from math import comb

    from .equations import coordinate_symbols

    A = len(coordinate_symbols(architecture))
    return A <= MAX_AMBIENT and architecture.n_params <= MAX_PARAMS and comb(A + degree - 1, degree) <= MAX_MONOMIALS


def exact_point(architecture, params) -> tuple[Fraction, ...]:
    """q = φ(W_0) in the coordinates of :func:`~neuromanifold.geometry.equations.coordinate_symbols`, exactly over ℚ
    (``params`` integers or rationals, a :class:`~neuromanifold.Parameters` or a flat θ; floats are refused) —
    :func:`~neuromanifold.geometry.equations.coefficients`."""
    from ..architectures import Parameters
    from .equations import coefficients

    theta = as_theta(architecture, params, Rationals())  # refuses floats, checks the length
    return tuple(coefficients(Parameters.unflatten(architecture, theta)))


def _compose_is_zero(g, syms, coords) -> bool:
    """g∘φ = 0 in ℚ[θ], by exact polynomial arithmetic (sympy Poly over ℚ)."""
    import sympy

    gp = sympy.Poly(g, *syms)
    if gp.is_zero:
        return True
    ring_one = coords[0].one if coords else None
    powers: dict = {}
    total = None
    for monom, coeff in gp.terms():
        term = ring_one * coeff
        for i, e in enumerate(monom):
            if e:
                key = (i, e)
                if key not in powers:
                    powers[key] = coords[i] ** e
                term = term * powers[key]
        total = term if total is None else total + term
    return total.is_zero


@dataclass(frozen=True)
class ProvenEquations:
    """Polynomials g_i in the coordinate symbols, each **proven** to vanish on V (g_i∘φ expands to 0 in
    ℚ[θ]), with δ = a certified lower bound on dim V and, when δ = A − 1, the ℚ-irreducible hypersurface
    equation F with I(V) = (F) (module docstring, certificate 2)."""

    architecture: object
    symbols: tuple = field(repr=False)
    equations: tuple = field(repr=False)
    degrees: tuple[int, ...]
    max_degree: int
    ambient_dimension: int
    dimension_lower_bound: int
    generator: object = field(default=None, repr=False)  # F with I(V) = (F), or None
    seconds: float = 0.0

    @property
    def hypersurface(self) -> bool:
        return self.generator is not None

    def to_dict(self) -> dict:
        return {"equations": len(self.equations), "degrees": list(self.degrees), "max_degree": self.max_degree,
                "ambient_dimension": self.ambient_dimension, "dimension_lower_bound": self.dimension_lower_bound,
                "hypersurface_generator": None if self.generator is None else str(self.generator),
                "proof": "g∘φ expands to 0 in Q[θ] (sympy, symbolic parametrisation)",
                "seconds": round(self.seconds, 6)}


def _lower_bound(architecture, seed: int, prime: int, dimension_result) -> int:
    from .dimension import dimension as _dimension

    dres = dimension_result if dimension_result is not None else _dimension(architecture, seed=seed, prime=prime)
    return int(dres.dimension)  # a mod-p rank: a certified lower bound on dim V (docs/math.md §2)


def proven_equations(architecture, max_degree: int = 3, equations=None, seed: int = 0, prime: int | PrimeField = DEFAULT_PRIME,
                     dimension_result=None) -> ProvenEquations:
    """Equations of V of degree ≤ ``max_degree`` (from :func:`vanishing_ideal`, or the sympy polynomials
    ``equations`` in :func:`coordinate_symbols`), each proven to vanish on V; see the module docstring.

    g vanishes on V iff g∘φ = 0 in ℚ[θ] (V is the closure of φ, docs/math.md §1); this identity is checked by exact
    symbolic substitution, so the equations are theorems used by the Jacobian criterion of docs/math.md §6.

    Raises ValueError naming ``equations`` if a given polynomial does not vanish on V."""
    prime = check_prime(prime)
    import sympy

    from .equations import coordinate_symbols

    if isinstance(max_degree, bool) or not isinstance(max_degree, int) or max_degree < 1:
        raise ValueError(f"Argument 'max_degree' must be an int >= 1, got {max_degree!r}.")
    start = time.perf_counter()
    syms = tuple(coordinate_symbols(architecture))
    A = len(syms)
    delta = _lower_bound(architecture, seed, prime, dimension_result)
    from ..parametrization.symbolic import coefficient_polynomials

    _, coords = coefficient_polynomials(architecture)
    if equations is None:
        ideal = _cached_ideal(architecture, max_degree, seed)
        gens = list(ideal.generators)
    else:
        if isinstance(equations, sympy.Basic) or not isinstance(equations, (list, tuple)):
            raise TypeError("Argument 'equations' must be a list of sympy polynomials in the coordinate symbols.")
        if not all(isinstance(g, sympy.Expr) for g in equations):
            raise TypeError("Argument 'equations' must hold sympy polynomials in the coordinate symbols "
                            "(text is not evaluated).")
        gens = list(equations)
        extra = set().union(*(g.free_symbols for g in gens)) - set(syms) if gens else set()
        if extra:
            raise ValueError(f"Argument 'equations' uses symbols {sorted(map(str, extra))} that are not coordinates.")
    for j, g in enumerate(gens):
        if not _compose_is_zero(g, syms, coords):
            raise ValueError(f"Argument 'equations': polynomial #{j} ({str(g)[:80]}) does not vanish on V.")
    degrees = tuple(int(sympy.Poly(g, *syms).total_degree()) for g in gens)
    generator = None
    if delta == A - 1 and gens:
        F = gens[int(np.argmin(degrees))]
        _, factors = sympy.factor_list(F, *syms)
        for fac, _mult in factors:  # the ℚ-irreducible factor that vanishes on V (V is irreducible)
            if sympy.Poly(fac, *syms).total_degree() > 0 and _compose_is_zero(fac, syms, coords):
                generator = sympy.expand(fac)
                break
    return ProvenEquations(architecture, syms, tuple(gens), degrees, max_degree, A, delta, generator,
                           time.perf_counter() - start)


@lru_cache(maxsize=32)
def _cached_ideal(architecture, max_degree: int, seed: int):
    from .equations import vanishing_ideal

    return vanishing_ideal(architecture, max_degree, seed=seed)


@dataclass(frozen=True)
class JacobianCertificate:
    """Outcome of the Jacobian criterion at q = φ(W_0) (module docstring).

    ``singular``: True / False when certified, None when inconclusive; ``certified`` is True exactly when
    ``singular`` is not None (both certificates are proofs over ℚ).  ``method``: "jacobian-criterion"
    (certificate 1), "hypersurface-gradient" (certificate 2) or "inconclusive"."""

    singular: bool | None
    method: str
    jacobian_rank: int
    ambient_dimension: int
    dimension_lower_bound: int
    equations: int
    max_degree: int
    evidence: str

    @property
    def certified(self) -> bool:
        return self.singular is not None

    @property
    def tangent_dimension_bound(self) -> int:
        """dim T_q V ≤ A − rank Jg(q) (= A when q is singular on a hypersurface)."""
        return self.ambient_dimension - self.jacobian_rank

    @property
    def known(self) -> Known:
        """Both certificates are proofs over ℚ; an inconclusive outcome proves nothing."""
        return Known.from_certificate(self.certified, None, self.method)

    def to_dict(self) -> dict:
        return {"singular": self.singular, "method": self.method, "certified": self.certified,
                "error_bound": self.known.error_bound, "known": self.known.to_dict(),
                "jacobian_rank": self.jacobian_rank, "ambient_dimension": self.ambient_dimension,
                "dimension_lower_bound": self.dimension_lower_bound, "equations": self.equations,
                "max_degree": self.max_degree, "evidence": self.evidence}


def jacobian_certificate(architecture, params, equations: ProvenEquations | None = None, max_degree: int = 3,
                         seed: int = 0, prime: int = DEFAULT_PRIME, dimension_result=None) -> JacobianCertificate:
    """Decide smoothness / singularity of q = φ(``params``) by the Jacobian criterion (module docstring).

    Smooth: equations g_i proven to vanish on V with rank ∇g(q) = A − dim V give dim T_q V = dim V.  Singular
    (hypersurface I(V) = (F)): ∇F(q) = 0 gives dim T_q V = A > dim V.  docs/math.md §6 (singular ⇔ dim T_q V > dim V;
    Razor's Edge (2,2,1) example).

    ``equations`` are :class:`ProvenEquations` (default: :func:`proven_equations` of degree ≤ ``max_degree``);
    ``params`` must be exact (ints / rationals)."""
    if equations is None:
        equations = proven_equations(architecture, max_degree, seed=seed, prime=prime, dimension_result=dimension_result)
    elif not isinstance(equations, ProvenEquations):
        raise TypeError(f"Argument 'equations' must be ProvenEquations, not {type(equations).__name__}.")
    elif equations.architecture != architecture:
        raise ValueError("Argument 'equations' belongs to another architecture.")
    q = exact_point(architecture, params)
    A, delta, syms = equations.ambient_dimension, equations.dimension_lower_bound, equations.symbols
    rows = [gradient_polynomial(g, syms, q) for g in equations.equations]
    rho = Rationals().rank(rows) if rows else 0
    base = dict(ambient_dimension=A, dimension_lower_bound=delta, equations=len(equations.equations),
                max_degree=equations.max_degree)
    if A - rho < delta:  # impossible if the g_i vanish on V and δ ≤ dim V: a bug, never a verdict
        raise RuntimeError(f"Jacobian criterion: rank {rho} > A − dim V = {A - delta}; equations or dimension wrong")
    if A - rho == delta:
        return JacobianCertificate(False, "jacobian-criterion", rho, evidence=(
            f"{len(rows)} equation(s) of degree ≤ {equations.max_degree} proven to vanish on V have Jacobian rank "
            f"{rho} = A − δ = {A} − {delta} at q (exact over Q): dim V ≤ dim T_q V ≤ {A - rho} = δ ≤ dim V, so q "
            "is smooth and dim V is certified"), **base)
    if equations.generator is not None:
        grad = gradient_polynomial(equations.generator, syms, q)
        if any(grad):  # pragma: no cover - then rho ≥ 1 = A − δ and the branch above was taken
            raise RuntimeError("hypersurface gradient non-zero but Jacobian rank too small")
        return JacobianCertificate(True, "hypersurface-gradient", rho, evidence=(
            f"V = {{F = 0}} with F irreducible over Q (degree {_degree(equations.generator, syms)}) and "
            f"dim V = A − 1 = {A - 1}: I(V) = (F); ∇F(q) = 0 exactly, so T_q V = K^{A} and q is singular"), **base)
    return JacobianCertificate(None, "inconclusive", rho, evidence=(
        f"equations of degree ≤ {equations.max_degree} have Jacobian rank {rho} < A − δ = {A - delta} at q: "
        "no certificate (q singular, or higher-degree equations needed)"), **base)


def _degree(expr, syms) -> int:
    import sympy

    return int(sympy.Poly(expr, *syms).total_degree())
