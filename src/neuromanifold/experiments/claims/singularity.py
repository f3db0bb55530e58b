"""Claims about singular points and implicit equations (docs/math.md §6, Razor's Edge), for ``reproduce``.

Expected values are hand-derived or theorems: the symmetric-matrix model of (3, 2, 1), σ = z²
(V = {det = 0}, singular exactly at rank ≤ 1, degree 3); the Veronese degrees r^{d_0 − 1}; the
Razor's Edge statement {∇F∘φ = 0} = {a₁a₂·det W₁ = 0} for (2, 2, 1), σ = z³ + z², checked exactly in
sympy on a symbolic expansion of the network.
"""

from __future__ import annotations

from ...architectures import MLP, Parameters
from ..registry import Verdict, claim


@claim("(2,2,1) with σ = z³+z² is a hypersurface F = 0 in R^7 whose singular points are exactly the subnetwork "
       "functions: ∇F(φ(W)) = 0 ⇔ a1·a2·det W1 = 0", topic="singularity",
       source="docs/math.md §6; Shahverdi–Marchetti–Kohn, Learning on a razor's edge (arXiv 2505.11846)", quick=True)
def _razor_hypersurface(ctx):
    import sympy

    from ...geometry.equations import vanishing_ideal
    from ...geometry.singular_locus import (
        check_singular_locus,
        symbolic_parametrization,
    )

    arch = MLP((2, 2, 1), "z^3+z^2")
    ideal = vanishing_ideal(arch, 3, seed=ctx.seed)
    if len(ideal.generators) != 1 or ideal.ambient_dimension != 7 or ideal.dimension != 6:
        return Verdict(False, f"expected one equation in R^7 with dim V = 6, got {ideal.to_dict()}")
    F = ideal.generators[0]
    params, _ = symbolic_parametrization(arch)
    w = {str(s): s for s in params}
    expected = w["w2_00"] * w["w2_01"] * (w["w1_00"] * w["w1_11"] - w["w1_01"] * w["w1_10"])
    check = check_singular_locus(arch, F, expected)
    return Verdict(check.holds, f"F (degree {sympy.Poly(F).total_degree()}) = {F}; F∘φ ≡ 0: {check.vanishes_on_V}; "
                                f"a1·a2·det W1 divides ∇F∘φ: {check.divisible}; common zeros of ∇F∘φ lie in "
                                f"{{a1·a2·det W1 = 0}} (Gröbner): {check.radical_contains}")


@claim("Determinantal cubic (3,2,1), σ = z²: a rank-1 point is certified singular, a rank-2 point is not",
       topic="singularity", source="docs/math.md §6 (symmetric 3×3 matrices of rank ≤ 2; Sing = rank ≤ 1)", quick=True)
def _determinantal(ctx):
    from ...geometry.singularity import singular

    arch = MLP((3, 2, 1), 2)
    rank1 = singular(arch, Parameters(arch, ([[1, 2, 0], [2, 4, 0]], [[1, 1]])), seed=ctx.seed)
    inactive = singular(arch, Parameters(arch, ([[1, 0, 0], [0, 1, 0]], [[1, 0]])), seed=ctx.seed)
    rank2 = singular(arch, Parameters(arch, ([[1, 2, -1], [3, 0, 1]], [[2, -5]])), seed=ctx.seed)
    ok = (rank1.singular is True and rank1.certified and inactive.singular is True and inactive.certified
          and rank2.singular is False)
    return Verdict(ok, f"proportional rows: {rank1.verdict} (span {rank1.span_dimension} > dim V {rank1.dimension}); "
                       f"inactive neuron: {inactive.verdict} (span {inactive.span_dimension}); "
                       f"rank-2 point: {rank2.verdict} (rank dφ = {rank2.rank_at_point})")


@claim("Hilbert-function degree matches the Veronese degree r^(d0−1) and the determinantal cubic",
       topic="singularity", source="docs/math.md §3 (shallow monomial nets = Veronese secants); classical degrees", quick=True)
def _degrees(ctx):
    from ...geometry.equations import vanishing_ideal

    # rational normal curve v_3(P^1): degree 3; Veronese surface v_2(P^2): 2^2 = 4; {det = 0} on Sym^2(R^3): 3
    cases = [(MLP((2, 1, 1), 3), 3, 3), (MLP((3, 1, 1), 2), 3, 4), (MLP((3, 2, 1), 2), 3, 3)]
    parts, ok = [], True
    for arch, k, expected in cases:
        res = vanishing_ideal(arch, k, seed=ctx.seed)
        ok &= res.degree == expected
        parts.append(f"{arch.widths} r={arch.activations[0].degree}: H = {list(res.hilbert_function)}, "
                     f"degree {res.degree} (expected {expected})")
    return Verdict(ok, "; ".join(parts))


@claim("Subnetwork strata: singular in non-filling (3,2,1) z² and (2,2,1) z³+z², smooth in filling (2,2,1) z²",
       topic="singularity", source="Razor's Edge Thm 4.2 (docs/math.md §6); filling V is an affine space", quick=True)
def _strata(ctx):
    from ...geometry.singular_strata import subnetwork_singularity_table

    parts, ok = [], True
    for arch, want in [(MLP((3, 2, 1), 2), True), (MLP((2, 2, 1), "z^3+z^2"), True), (MLP((2, 2, 1), 2), False)]:
        rows = subnetwork_singularity_table(arch, seed=ctx.seed)
        ok &= bool(rows) and all(r.result.singular is want and r.result.certified for r in rows)
        parts.append(f"{arch!r}: " + ", ".join(f"{r.stratum.label} → {r.result.verdict}" for r in rows))
    return Verdict(ok, "; ".join(parts))


@claim("(2,2,1), σ = z³+z²: points with det W1 = 0 but unequal proportional rows (not parameter subnetworks) are "
       "certified singular by the hypersurface gradient; a generic point certified smooth", topic="singularity",
       source="docs/math.md §6 (Razor's Edge: ∇F∘φ = 0 ⇔ a1·a2·det W1 = 0; I(V) = (F) for F irreducible over Q)",
       quick=True)
def _razor_det_zero(ctx):
    from ...geometry.singularity import singular

    arch = MLP((2, 2, 1), "z^3+z^2")
    parts, ok = [], True
    for W1, want in [([[1, 2], [2, 4]], True), ([[1, 2], [-1, -2]], True), ([[1, 2], [3, -1]], False)]:
        res = singular(arch, Parameters(arch, (W1, [[2, -3]])), seed=ctx.seed)
        ok &= res.singular is want and res.certified
        parts.append(f"W1 = {W1}: {res.verdict} (certified {res.certified}, {res.method})")
    return Verdict(ok, "; ".join(parts))


@claim("Razor's Edge Thm 4.2 hypotheses (our reading) computed per stratum agree with the certified verdicts",
       topic="singularity", source="docs/math.md §6 (Thm 4.2: bottleneck/width conditions, σ with enough coefficients)",
       quick=True)
def _thm42(ctx):
    from ...geometry.singular_strata import subnetwork_singularity_table

    parts, ok = [], True
    for arch in [MLP((2, 2, 1), "z^3+z^2"), MLP((2, 2, 1), 2), MLP((3, 2, 1), 2)]:
        for r in subnetwork_singularity_table(arch, seed=ctx.seed):
            ok &= r.agrees is not False
            pred = {True: "singular", False: "smooth", None: "none"}[r.prediction]
            parts.append(f"{arch.widths} {arch.activations[0]!s} {r.stratum.label}: predicted {pred}, "
                         f"{r.result.verdict} (certified {r.result.certified}), agrees {r.agrees}")
    return Verdict(ok, "; ".join(parts) + " (hypotheses are a reading of docs/math.md §6, see Thm42Hypotheses)")
