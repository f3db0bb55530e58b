"""Claims about critical points of the parametrisation and subnetworks (docs/math.md §4–5)."""

from __future__ import annotations

from ...architectures import MLP
from ..registry import Verdict, claim

SOURCE = "Occam's razor paper (Kohn–Marchetti–Shabir–Shahverdi–Wang), critical ⇔ subnetwork for large r"


@claim("critical ⇔ subnetwork on the scan of (2,3,1) at r = 6", topic="criticality", source=SOURCE, quick=True)
def _large_r_shallow(ctx):
    from ...geometry.critical_scan import scan

    res = scan(MLP((2, 3, 1), 6), seed=ctx.seed, numerical_starts=1, numerical_steps=10)
    return Verdict(res.holds, f"{res.verdict}; {sum(c.kind == 'subnetwork' for c in res.checks)} subnetwork points")


@claim("filling (2,2,1) at r = 2 has non-critical subnetworks", topic="criticality", source=SOURCE, quick=True)
def _filling_subnetworks(ctx):
    from ...geometry.critical_scan import scan

    res = scan(MLP((2, 2, 1), 2), seed=ctx.seed, numerical_starts=1, numerical_steps=5)
    bad = sorted({c.label for c in res.noncritical_subnetworks})
    return Verdict(bool(bad), f"non-critical subnetwork types: {bad}")


@claim("(3,4,1) at r = 2 has a critical point that is not a subnetwork", topic="criticality", source=SOURCE, quick=True)
def _small_r_counterexample(ctx):
    from ...geometry.critical_scan import scan

    res = scan(MLP((3, 4, 1), 2), seed=ctx.seed, numerical_starts=1, numerical_steps=5)
    found = [c for c in res.counterexamples if c.rank.certified]
    ev = (f"{len(found)} certified counterexample(s), e.g. {found[0].label}: rank {found[0].rank.rank} < "
          f"{res.generic_rank}, weights {found[0].params.to_json()['weights']}") if found else res.verdict
    return Verdict(bool(found), ev)


@claim("degree sweep of (2,3,3,1), r = 2..6: critical ⇔ subnetwork holds from the known sufficient degree on",
       topic="criticality", source=SOURCE, quick=False)
def _sweep(ctx):
    # The theorem promises the equivalence only for large r; the literature's sufficient degrees for the
    # largest hidden width k = 3 are Newman–Slater r > k(k−2) = 3, Crăciun r > 3·C(2,2) = 3 and
    # Usevich et al. r ≥ 2·3 − 1 = 5.  The claim: from r = 5 on, every test of the scan agrees.
    # Below that the scan is free to find counterexamples (and does, at r = 2 and 3).
    from ...geometry.critical_scan import degree_sweep

    sw = degree_sweep((2, 3, 3, 1), range(2, 7), seed=ctx.seed)
    return Verdict(sw.threshold is not None and sw.threshold <= 5, sw.summary().replace("\n", " | "))


@claim("numerical search finds an exact non-subnetwork critical point of (3,3,2) at r = 2", topic="criticality",
       source=SOURCE, quick=True)
def _numerical_search(ctx):
    from ...geometry.critical_scan import numerical_search

    stats, found = numerical_search(MLP((3, 3, 2), 2), seed=ctx.seed, starts=2, steps=60)
    ok = [c for c in found if c.rank.certified]
    ev = (f"{c.label}: rank {c.rank.rank} < {c.rank.generic_rank} (certified), weights {c.params.to_json()['weights']}"
          if (c := (ok[0] if ok else None)) else f"nothing confirmed; best σ_g/σ_1 = {stats['best_ratio']:.1e}")
    return Verdict(bool(ok), ev)
