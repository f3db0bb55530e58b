"""The singular locus of a hypersurface neurovariety, pulled back to parameter space (docs/math.md §6).

When V = {F = 0} is a hypersurface (I(V) = (F)), its singular points are the zeros of ∇F on V.  The
Razor's Edge example: MLP (2, 2, 1) with σ(z) = z³ + z², where ∇F(φ(W)) = 0 exactly where
a₁·a₂·det W₁ = 0 (a = W₂) — i.e. at functions computed by subnetworks.  We verify such a statement
exactly, with sympy, for an expected polynomial e(W):

1. G_i(W) = ∂F/∂c_i (φ(W)) with φ(W) the coefficient vector obtained by **symbolic expansion** of f_W
   (independent of the evaluation route used to find F);
2. e divides every G_i (so ∇F∘φ vanishes on {e = 0});
3. 1 ∈ (G_1, …, G_A, 1 − y·e) (Rabinowitsch, a Gröbner basis over ℚ): every common zero of the G_i,
   over any extension of ℚ, satisfies e = 0.

Both inclusions together: {W : ∇F(φ(W)) = 0} = {W : e(W) = 0}, exactly.
"""

from __future__ import annotations

from dataclasses import dataclass, field

__all__ = ["symbolic_parametrization", "SingularLocusCheck", "check_singular_locus"]


def symbolic_parametrization(arch):
    """(parameter symbols in flat θ order, coordinate expressions) for a tiny MLP: f_W expanded in
    sympy, coefficients in :func:`~neuromanifold.geometry.equations.ambient_monomials` order."""
    import sympy

    from .equations import ambient_monomials

    if getattr(arch, "bias", False) or not hasattr(arch, "widths"):
        raise ValueError("Argument 'arch' must be an MLP without biases for the symbolic parametrisation.")
    d = arch.widths
    xs = sympy.symbols(f"x0:{d[0]}")
    params, h = [], list(xs)
    for ell in range(1, len(d)):
        W = sympy.Matrix(d[ell], d[ell - 1], lambda i, j: sympy.Symbol(f"w{ell}_{i}{j}"))
        params += list(W)  # row-major, like Parameters.flatten()
        z = W * sympy.Matrix(h)
        h = [sympy.expand(arch.activations[ell - 1].to_sympy(zi)) for zi in z] if ell < len(d) - 1 else list(z)
    coords = []
    for out in h:
        poly = sympy.Poly(sympy.expand(out), *xs)
        coords += [poly.coeff_monomial(sympy.Mul(*[x**a for x, a in zip(xs, al)])) for al in ambient_monomials(arch)]
    return params, coords


@dataclass(frozen=True)
class SingularLocusCheck:
    """Outcome of the exact check {∇F∘φ = 0} = {e = 0} (see the module docstring)."""

    expected: object
    gradient_pullback: tuple = field(repr=False)  # G_i factored
    divisible: bool
    radical_contains: bool
    vanishes_on_V: bool

    @property
    def holds(self) -> bool:
        return self.vanishes_on_V and self.divisible and self.radical_contains

    def to_dict(self) -> dict:
        return {"expected": str(self.expected), "F_vanishes_on_V": self.vanishes_on_V, "e_divides_grad": self.divisible,
                "grad_zeros_inside_e_zero": self.radical_contains, "holds": self.holds}


def check_singular_locus(arch, F, expected, symbols=None) -> SingularLocusCheck:
    """Check exactly that ∇F(φ(W)) = 0 ⇔ expected(W) = 0.

    ``F`` is a sympy polynomial in :func:`~neuromanifold.geometry.equations.coordinate_symbols`;
    ``expected`` a sympy polynomial in the parameter symbols of :func:`symbolic_parametrization`
    (``w1_ij`` = W_1[i, j], ``w2_ij`` = W_2[i, j], …)."""
    import sympy

    from .equations import coordinate_symbols

    syms = coordinate_symbols(arch) if symbols is None else symbols
    params, coords = symbolic_parametrization(arch)
    sub = dict(zip(syms, coords))
    vanishes = sympy.expand(F.subs(sub)) == 0
    G = [sympy.expand(sympy.diff(F, c).subs(sub)) for c in syms]
    divisible = all(sympy.div(g, expected, *params)[1] == 0 for g in G)
    y = sympy.Dummy("y")
    basis = sympy.groebner([g for g in G if g != 0] + [1 - y * expected], y, *params, order="grevlex")
    return SingularLocusCheck(expected, tuple(sympy.factor(g) for g in G), divisible,
                              list(basis.exprs) == [1], vanishes)
