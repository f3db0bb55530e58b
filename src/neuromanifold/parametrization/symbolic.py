"""The symbolic cross-check: expand f_θ into coefficients with sympy and take ranks over ℚ.

This is the approach a user would otherwise write — expand every output as a polynomial in x with
symbolic weights, differentiate its coefficient vector c(θ) ∈ ℚ^A with respect to θ, and take the
rank of ∂c/∂θ at a random rational point.  It is exponentially more expensive than the evaluation
engine (the coefficient list has A entries, each a large polynomial in θ), so it is meant for tiny
architectures: it validates the fast engine in the tests and serves as the baseline of the
benchmarks.  It shares only the architecture description with the fast engine (layer index maps
and activation coefficients), not its arithmetic.
"""

from __future__ import annotations

import random
from functools import lru_cache

import sympy
from sympy.polys.domains import QQ
from sympy.polys.matrices import DomainMatrix

__all__ = ["symbolic_outputs", "coefficient_polynomials", "coefficient_jacobian", "symbolic_rank"]


def _weight_symbols(architecture):
    return sympy.symbols(f"t0:{architecture.n_params}")


def symbolic_outputs(architecture, theta=None):
    """(outputs, x, θ): the outputs f_θ(x)_k as expanded sympy expressions in x = (x_0, …) with
    symbolic θ (or the given numeric θ)."""
    xs = sympy.symbols(f"x0:{architecture.input_dim}")
    ts = _weight_symbols(architecture) if theta is None else [sympy.nsimplify(v) for v in theta]
    h = list(xs)
    pos = 0
    for ell, layer in enumerate(architecture.layers):
        block = ts[pos : pos + layer.n_params]
        pos += layer.n_params
        h_in = h + [sympy.Integer(1)] if architecture.bias else h
        z = []
        for o in range(layer.out_dim):
            terms = [block[j] * h_in[i] for i, j in enumerate(layer.index[o]) if j >= 0]
            z.append(sympy.Add(*terms))
        if ell < len(architecture.layers) - 1:
            sigma = architecture.activations[ell].to_sympy(sympy.Symbol("z"))
            h = [sympy.expand(sigma.subs(sympy.Symbol("z"), zi)) for zi in z]
        else:
            h = [sympy.expand(zi) for zi in z]
    return h, xs, ts


@lru_cache(maxsize=32)
def coefficient_polynomials(architecture):
    """(θ symbols, coordinates): the ambient coordinates of f_θ — the coefficient of x^α in output k, for the
    monomials α of ``architecture.output_degrees()`` highest degree first (output-major) — as sympy ``Poly``
    objects in θ over ℚ.  The parametrisation φ as a polynomial map (docs/math.md §1), for exports and for
    exact substitution; expanded with sympy, independently of the evaluation engine."""
    from .monomials import exponents

    outputs, xs, ts = symbolic_outputs(architecture)
    mons = exponents(architecture.input_dim, architecture.output_degrees(), descending=True)
    coords = []
    for f in outputs:
        poly = sympy.Poly(f, *xs)
        known = set(poly.monoms())
        if not known <= set(mons):
            raise ValueError(f"Argument 'architecture': f_θ has monomials outside the ambient space ({known - set(mons)}).")
        for al in mons:
            coords.append(sympy.Poly(poly.coeff_monomial(al), *ts, domain="QQ"))
    return tuple(ts), tuple(coords)


def coefficient_jacobian(architecture, seed: int = 0, height: int = 10**6) -> sympy.Matrix:
    """∂c/∂θ at a random integer point θ ∈ [−height, height]^N, where c(θ) lists the coefficients of
    all outputs (every monomial in x that occurs)."""
    outputs, xs, ts = symbolic_outputs(architecture)
    rng = random.Random(seed)
    point = {t: rng.randint(-height, height) for t in ts}
    rows = []
    for f in outputs:
        poly = sympy.Poly(f, *xs)
        for coeff in poly.coeffs():
            rows.append([sympy.diff(coeff, t).subs(point) for t in ts])
    return sympy.Matrix(rows) if rows else sympy.zeros(0, len(ts))


def symbolic_rank(architecture, seed: int = 0) -> int:
    """rank over ℚ of ∂c/∂θ at a random integer point: equal to dim V with high probability
    (a lower bound always)."""
    J = coefficient_jacobian(architecture, seed)
    if J.rows == 0:
        return 0
    return DomainMatrix.from_Matrix(J).convert_to(QQ).rank()
