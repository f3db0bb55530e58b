"""Claims of the dimension theorems (docs/math.md §2–§3), checked by ``neuromanifold reproduce``.

Every expected value below is written out by hand from the theorem it cites (the arithmetic is in
the comments), never computed by the code under test.  A computed dimension is a mod-p rank, i.e. a
certified *lower* bound on dim V (docs/math.md §2); each claim also requires the result to be certified
where the theorem gives the upper bound.
"""

from __future__ import annotations

from ...architectures import MLP, Monomial, generic_polynomial
from ...geometry import dimension
from ..registry import Verdict, claim


def _compare(cases, need_certified: bool = True):
    """cases: [(architecture, expected dim, label)] → Verdict listing computed vs expected."""
    bad, parts = [], []
    for arch, expected, label in cases:
        res = dimension(arch)
        ok = res.dimension == expected and (res.certified or not need_certified)
        parts.append(f"{label}: {res.dimension}" + ("" if ok else f" (expected {expected}"
                                                     + ("" if res.certified else ", uncertified") + ")"))
        if not ok:
            bad.append(label)
    head = "all match" if not bad else f"{len(bad)} mismatch(es)"
    return Verdict(not bad, f"{head}; " + ", ".join(parts))


@claim("Alexander–Hirschowitz exceptions (3,4,5), (4,4,9), (5,3,7), (5,4,14) are defective by exactly one",
       topic="dimension", source="docs/math.md §3; Alexander–Hirschowitz (1995)", quick=True)
def _ah_exceptions(ctx):
    # (d_0, r, d_1): min{d_0 d_1, C(d_0+r-1, r)} − 1
    #   (3,4,5):  min{15, C(6,4)=15}  − 1 = 14
    #   (4,4,9):  min{36, C(7,4)=35}  − 1 = 34
    #   (5,3,7):  min{35, C(7,3)=35}  − 1 = 34
    #   (5,4,14): min{70, C(8,4)=70}  − 1 = 69
    cases = [
        (MLP((3, 5, 1), Monomial(4)), 14, "(3,5,1) r=4"),
        (MLP((4, 9, 1), Monomial(4)), 34, "(4,9,1) r=4"),
        (MLP((5, 7, 1), Monomial(3)), 34, "(5,7,1) r=3"),
        (MLP((5, 14, 1), Monomial(4)), 69, "(5,14,1) r=4"),
    ]
    return _compare(cases)


@claim("Quadratic shallow networks: dim = d_0 d_1 − C(d_1, 2) for 2 ≤ d_1 ≤ d_0 − 1 (rank-≤d_1 symmetric matrices)",
       topic="dimension", source="docs/math.md §3; Alexander–Hirschowitz (1995), case r = 2", quick=True)
def _quadratic_regime(ctx):
    # d_0 d_1 − d_1(d_1 − 1)/2:  (4,2): 8−1 = 7;  (5,3): 15−3 = 12;  (6,4): 24−6 = 18;  (6,5): 30−10 = 20
    cases = [
        (MLP((4, 2, 1), Monomial(2)), 7, "(4,2,1)"),
        (MLP((5, 3, 1), Monomial(2)), 12, "(5,3,1)"),
        (MLP((6, 4, 1), Monomial(2)), 18, "(6,4,1)"),
        (MLP((6, 5, 1), Monomial(2)), 20, "(6,5,1)"),
    ]
    return _compare(cases)


@claim("Equi-width architectures have the expected dimension for every r ≥ 2",
       topic="dimension", source="docs/math.md §3; Finkel–Rodriguez–Wu–Yahl (2024)", quick=True)
def _equi_width(ctx):
    # edim = min{d_L + Σ_i (d_{i−1} − 1) d_i, A}
    #   (2,2,2,2): 2 + 3·(1·2) = 8;   A(r=2) = 2·C(4+1,1) = 10, so 8 for r = 2, 3
    #   (3,3,3):   3 + 2·(2·3) = 15;  A(r=2) = 3·C(2+2,2) = 18, so 15 for r = 2, 3
    #   (3,3,3,3): 3 + 3·(2·3) = 21;  A(r=2) = 3·C(4+2,2) = 45, so 21 for r = 2, 3
    #   (4,4,4):   4 + 2·(3·4) = 28;  A(r=2) = 4·C(2+3,3) = 40, so 28 for r = 2, 3
    cases = []
    for widths, edim in (((2, 2, 2, 2), 8), ((3, 3, 3), 15), ((3, 3, 3, 3), 21), ((4, 4, 4), 28)):
        for r in (2, 3):
            cases.append((MLP(widths, Monomial(r)), edim, f"{widths} r={r}"))
    return _compare(cases)


@claim("Linear networks N_0 → N_1 → N_2 with N_1 < min(N_0, N_2): dim = N_1 (N_0 + N_2 − N_1)",
       topic="dimension", source="docs/math.md §3 (determinantal variety of rank-≤N_1 matrices)", quick=True)
def _linear(ctx):
    # N_1 (N_0 + N_2 − N_1): (4,2,4): 2·6 = 12;  (5,3,4): 3·6 = 18;  (3,1,3): 1·5 = 5;  (6,2,5): 2·9 = 18
    cases = [
        (MLP((4, 2, 4), Monomial(1)), 12, "(4,2,4)"),
        (MLP((5, 3, 4), Monomial(1)), 18, "(5,3,4)"),
        (MLP((3, 1, 3), Monomial(1)), 5, "(3,1,3)"),
        (MLP((6, 2, 5), Monomial(1)), 18, "(6,2,5)"),
    ]
    return _compare(cases)


@claim("A width-one bottleneck after the input is defective for every degree: dim = d_0 + d_L − 1 < edim",
       topic="dimension", source="docs/math.md §3 (width-one bottlenecks); hand derivation in experiments/claims/dimension.py", quick=True)
def _bottleneck(ctx):
    # With d_1 = 1 the first hidden layer outputs t = (a·x)^r; every later neuron computes c·t^{r^k},
    # so f(x) = v (a·x)^D, v ∈ K^{d_L}: the cone over the Segre–Veronese P^{d_L−1} × v_D(P^{d_0−1}),
    # of dimension d_0 + d_L − 1, whatever r is.  edim = d_L + Σ_i (d_{i−1} − 1) d_i (A is larger):
    #   (3,1,3,1): dim 3, edim 1 + 2·1 + 0·3 + 2·1 = 5
    #   (3,1,3,3): dim 5, edim 3 + 2·1 + 0·3 + 2·3 = 11
    #   (4,1,4,2): dim 5, edim 2 + 3·1 + 0·4 + 3·2 = 11
    bad, parts = [], []
    for widths, dim_, edim in (((3, 1, 3, 1), 3, 5), ((3, 1, 3, 3), 5, 11), ((4, 1, 4, 2), 5, 11)):
        for r in (2, 3, 4):
            res = dimension(MLP(widths, Monomial(r)))
            ok = res.dimension == dim_ and res.expected_dimension == edim and res.certified
            if not ok:
                bad.append(f"{widths} r={r}: dim {res.dimension} (expected {dim_}), edim {res.expected_dimension} "
                           f"(expected {edim}){'' if res.certified else ', uncertified'}")
        parts.append(f"{widths}: dim {dim_} < edim {edim} for r = 2, 3, 4")
    if bad:
        return Verdict(False, "; ".join(bad))
    return Verdict(True, "all certified; " + "; ".join(parts))


@claim("Generic polynomial activations of degree 3 have finite generic fibres: dim V = N",
       topic="dimension", source="docs/math.md §2; Razor's Edge Thm 4.1", quick=True)
def _generic(ctx):
    # N = Σ d_i d_{i−1}: (2,2,1): 4+2 = 6;  (3,2,2): 6+4 = 10;  (2,2,2,1): 4+4+2 = 10;  (3,3,2): 9+6 = 15
    # (each below A, e.g. (2,2,1): C(3+2,2) = 10).  Seeded generic coefficients.
    cases = [
        (MLP((2, 2, 1), generic_polynomial(3, seed=ctx.seed)), 6, "(2,2,1)"),
        (MLP((3, 2, 2), generic_polynomial(3, seed=ctx.seed)), 10, "(3,2,2)"),
        (MLP((2, 2, 2, 1), generic_polynomial(3, seed=ctx.seed)), 10, "(2,2,2,1)"),
        (MLP((3, 3, 2), generic_polynomial(3, seed=ctx.seed)), 15, "(3,3,2)"),
    ]
    return _compare(cases)


#: Hand-derived activation thresholds of (d_0, d_1, 1), σ = z^r, over r = 2..5, d_0 ∈ {2,3,4},
#: d_1 ∈ {1..5}.  For one output edim = min{d_0 d_1, C(d_0+r−1, r)} is AH's generic value, so the
#: architecture is defective exactly at AH's exceptions: r = 2 with 2 ≤ d_1 ≤ d_0 − 1, i.e. (3,2), (4,2),
#: (4,3) → threshold 3; and (d_0, r, d_1) = (3, 4, 5) → defective at r = 4 only → threshold 5.
#: Every other pair has threshold 2.
TINY_CENSUS_THRESHOLDS = {
    (d0, d1): {(3, 2): 3, (4, 2): 3, (4, 3): 3, (3, 5): 5}.get((d0, d1), 2)
    for d0 in (2, 3, 4)
    for d1 in (1, 2, 3, 4, 5)
}


@claim("Activation thresholds of a tiny census (d_0 ≤ 4, d_1 ≤ 5, one output, r = 2..5) match Alexander–Hirschowitz",
       topic="dimension", source="docs/math.md §3 (activation thresholds; Alexander–Hirschowitz)", quick=True)
def _tiny_census(ctx):
    from ..analysis import activation_thresholds
    from ..census import SerialExecutor, enumerate_tasks, run_census
    from ..store import ResultStore

    tasks = enumerate_tasks(depths=2, input_widths=(2, 3, 4), widths=(1, 2, 3, 4, 5), output_widths=(1,),
                            degrees=(2, 3, 4, 5), seed=ctx.seed)
    with ResultStore(":memory:") as store:
        run_census(tasks, store, executor=SerialExecutor())
        rows = store.rows()
        found = {(t.widths[0], t.widths[1]): t for t in activation_thresholds(store)}
    figures = ()
    if ctx.output is not None:
        from ..figures import census_heatmap

        figures = census_heatmap(rows, ctx.output / "dimension-tiny-census", value="defect",
                                 title="edim − dim, (d_0, d_1, 1), σ = z^r")
    wrong = [f"{k}: {found[k].threshold if k in found else 'missing'} (expected {v})"
             for k, v in sorted(TINY_CENSUS_THRESHOLDS.items())
             if k not in found or found[k].threshold != v or not found[k].certified]
    if wrong:
        return Verdict(False, f"{len(wrong)} threshold(s) differ: " + "; ".join(wrong), figures)
    nontrivial = ", ".join(f"({a},{b},1): {v}" for (a, b), v in sorted(TINY_CENSUS_THRESHOLDS.items()) if v != 2)
    return Verdict(True, f"{len(tasks)} architectures, all certified; thresholds {nontrivial}, others 2", figures)
