"""Claims about polynomial CNNs (docs/math.md §6, CNN paragraph), checked by ``neuromanifold reproduce``.

Expected values are the papers' formulas written out by hand in the comments; computed dimensions are
mod-p ranks (certified lower bounds), required to be certified.
"""

from __future__ import annotations

from ...architectures import CNN, Monomial, Parameters, generic_polynomial
from ...geometry import dimension
from ...geometry.degree import hilbert_degree
from ...geometry.singular_strata import twin_singularity
from ...geometry.strata.cnn import detect_padding, enumerate_strata, stratum_report, transport, twins
from ..registry import Verdict, claim

SMK = "Shahverdi–Marchetti–Kohn, polynomial convolutional networks (AISTATS 2025)"
RE = "Shahverdi–Marchetti–Kohn, Learning on a razor's edge (arXiv 2505.11846), §4"


@claim("CNN dimension: |k| − L + 1 for σ = z^r, |k| for a generic polynomial σ", topic="cnn",
       source=f"docs/math.md §6; {SMK}; {RE}", quick=True)
def _cnn_dimension(ctx):
    # (input length, filters, strides) → |k| − L + 1 (monomial) and |k| (generic)
    #   (5, (3,2), (2,1)):     |k| = 5, L = 2 → 4 and 5
    #   (9, (3,2,2), (2,1,1)): |k| = 7, L = 3 → 5 and 7
    #   (8, (4,3), (2,2)):     |k| = 7, L = 2 → 6 and 7
    #   (6, (2,2,2), (1,1,1)): |k| = 6, L = 3 → 4 and 6
    cases = [((5, (3, 2), (2, 1)), 4, 5), ((9, (3, 2, 2), (2, 1, 1)), 5, 7),
             ((8, (4, 3), (2, 2)), 6, 7), ((6, (2, 2, 2), (1, 1, 1)), 4, 6)]
    bad, parts = [], []
    for (d0, k, s), mono, gen in cases:
        for act, expected in ((Monomial(2), mono), (generic_polynomial(3, seed=1), gen)):
            res = dimension(CNN(d0, k, s, act))
            ok = res.dimension == expected and res.certified
            parts.append(f"k={k} s={s} {'z^2' if act.is_monomial else 'generic'}: {res.dimension}"
                         + ("" if ok else f" (expected {expected})"))
            bad += [] if ok else [k]
    return Verdict(not bad, ("all match; " if not bad else f"{len(bad)} mismatch(es); ") + ", ".join(parts))


@claim("CNN stride 2, filters (3,2), σ(y) = y² + y: dφ has full rank on every stratum except φ^{-1}(0)",
       topic="cnn", source=f"docs/math.md §6; {RE}", quick=True)
def _regular_away_from_zero(ctx):
    net = CNN(5, (3, 2), (2, 1), "z^2+z")
    dres = dimension(net)
    bad, nonzero, zero = [], 0, 0
    for pad in enumerate_strata(net):
        rep = stratum_report(pad, seed=ctx.seed, dimension_result=dres)
        if pad.zero_layers:
            zero += 1
            if not rep.rank_bound < dres.dimension:
                bad.append(pad.label)
        else:
            nonzero += 1
            if not rep.regular:
                bad.append(pad.label)
    ok = not bad and dres.certified and dres.dimension == 5
    return Verdict(ok, f"dim V = {dres.dimension} (certified {dres.certified}); rank dφ = 5 at a random point of "
                       f"all {nonzero} non-zero strata; proven rank drop (≤ k_ℓ) on {zero} zero-filter strata"
                       + (f"; failures: {bad}" if bad else ""))


@claim("CNN zero-padded subnetworks: singular iff the shift is absorbable through the strides (integrality)",
       topic="cnn", source=f"docs/math.md §6; {RE}", quick=True)
def _integrality(ctx):
    # w = ((0,u1,u2), (v,0)): layer-1 shift 1.  Stride s_1 = 1: the twin ((u1,u2,0), (0,v)) computes the
    # same function → node.  Stride s_1 = 2: moving layer 2 by one moves the input by 2 ≠ 1 → no twin.
    # w = ((0,0,u), (v,0)) with s_1 = 2: twin ((u,0,0), (0,v)) (2 = s_1 · 1) → node.
    rows, ok = [], True
    for d0, s, w, expect in [(4, (1, 1), ([0, 4, -3], [2, 0]), True), (5, (2, 1), ([0, 4, -3], [2, 0]), False),
                             (5, (2, 1), ([0, 0, 3], [2, 0]), True)]:
        net = CNN(d0, (3, 2), s, "z^2+z")
        p = Parameters(net, w)
        tw = twins(detect_padding(p))
        if tw:
            cert = twin_singularity(p, transport(p, tw[0]), seed=ctx.seed)
            verdict = cert.certified
            rows.append(f"s={s} {detect_padding(p).label}: twin {tw[0].label}, tangent span {cert.span} > "
                        f"{cert.dimension} → singular (certified {cert.certified})")
        else:
            rep = stratum_report(detect_padding(p), seed=ctx.seed)
            verdict = False
            rows.append(f"s={s} {detect_padding(p).label}: no twin, rank dφ = {rep.rank_at_point} = dim V → "
                        "regular, injective on strata (smooth per the paper)")
            ok &= rep.regular
        ok &= verdict == expect
    return Verdict(ok, "; ".join(rows))


@claim("CNN degree (|k| − L)! Π r^{(L−j−1)(k_j−1)}/(k_j−1)! matches the Hilbert function", topic="cnn",
       source=f"docs/math.md §6; {SMK}", quick=True)
def _degree(ctx):
    # k = (2,1), r = 3: 1! · 3^1/1! · 1 = 3;  k = (2,2), r = 2: 2! · 2/1! · 1/1! = 4;
    # k = (3,2), r = 2: 3! · 2^2/2! · 1/1! = 12
    cases = [(CNN(2, (2, 1), None, 3), 3), (CNN(3, (2, 2), None, 2), 4), (CNN(4, (3, 2), None, 2), 12)]
    if ctx.quick:
        cases = cases[:2]
    parts, ok = [], True
    for net, expected in cases:
        h = hilbert_degree(net, max_t=5, seed=ctx.seed)
        ok &= h.degree == expected
        parts.append(f"k={net.filters} r={net.activations[0].degree}: HF {list(h.hilbert_function)} → degree {h.degree} "
                     f"(formula {expected})")
    return Verdict(ok, "; ".join(parts) + " (Hilbert function mod p: probabilistic, regularity not certified)")


@claim("CNN zero-padded points certified both ways: twin-free ((0,u1,u2),(v,0)) smooth (Jacobian criterion), "
       "twin ((0,0,u),(v,0)) singular (tangent spaces of two preimages)", topic="cnn",
       source=f"docs/math.md §6; {RE}", quick=True)
def _padding_certified_both_ways(ctx):
    # stride (2,1), filters (3,2), σ = y² + y: dim V = |k| = 5 in A = 20 coefficient coordinates.
    # Smooth: 52 quadrics proven to vanish on V (symbolic substitution) have Jacobian rank 15 = A − dim V at q.
    # Singular: the twin ((u,0,0),(0,v)) computes the same f; the two tangent spaces span > 5.
    from ...geometry.singularity import singular

    net = CNN(5, (3, 2), (2, 1), "z^2+z")
    smooth = singular(net, Parameters(net, ([0, 4, -3], [2, 0])), seed=ctx.seed)
    node = singular(net, Parameters(net, ([0, 0, 3], [2, 0])), seed=ctx.seed)
    ok = (smooth.singular is False and smooth.certified and node.singular is True and node.certified)
    return Verdict(ok, f"(0ab, v0): {smooth.verdict} (certified {smooth.certified}, {smooth.method}: "
                       f"{smooth.evidence.split(';')[0]}); (00u, v0): {node.verdict} (certified {node.certified}, "
                       f"{node.method}: tangent span {node.span_dimension} > dim V {node.dimension} with its twin)")
