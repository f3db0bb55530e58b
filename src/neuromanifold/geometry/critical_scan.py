"""Testing "critical ⇔ subnetwork" (Kohn–Marchetti–Shabir–Shahverdi–Wang; docs/math.md §5) on an architecture.

:func:`scan` checks, for a monomial MLP σ = z^r:

(a) random integer points are non-critical (they should be: the generic rank is attained on a dense
    open set);
(b) every subnetwork stratum type (:func:`~neuromanifold.geometry.strata.mlp.subnetwork_strata`, each
    with zero outgoing columns and, where σ(0) = 0, zero incoming rows) is critical — this direction
    fails in general for small r (e.g. filling architectures);
(c) points that are *not* subnetworks are searched for criticality:

    * **plane construction** — rows of W_ℓ of the form u + t_i v (pairwise non-proportional).  The
      pre-activations p_i = (u + t_i v)·h are then binary forms in (u·h, v·h), whose r-th powers live in
      a space of dimension r + 1; with d_ℓ ≥ r + 2 neurons they are linearly dependent, and the
      outgoing weights can move along the dependency without changing f (docs/math.md §5, "r-th powers of
      the hidden pre-activations become linearly dependent");
    * **equal hidden functions** — if Σ λ_i h_{ℓ−1,i} ≡ 0 (the plane construction one layer down,
      λ from the Vandermonde relations Σ λ_i t_i^k = 0, k ≤ r), two neurons of layer ℓ with rows
      w and w + λ compute the same function with non-proportional weights;
    * **rank-deficient first layer** — rows of W_1 in a hyperplane of ℝ^{d_0} (f depends on fewer
      linear forms of x than d_0, although no neuron is inactive or redundant);
    * **Pythagorean construction** (r_ℓ = 2, r_{ℓ−1} = 2k even): pre-activations P² − Q², 2PQ, P² + Q²
      with P = s^k, Q = t^k satisfy (P² − Q²)² + (2PQ)² = (P² + Q²)², a three-term identity that
      Mason–Stothers (:func:`~neuromanifold.geometry.mason.mason`) rules out for exponents ≥ 3;
    * **numerical search** (:func:`numerical_search`) — minimise σ_g/σ_1 of the Float64 Jacobian
      (g = generic rank) with L-BFGS-B over points kept away from subnetworks and input bottlenecks,
      put the minimum in a rank-preserving gauge, snap it to rational points and re-check exactly.
      Only exactly confirmed points are reported; each is labelled by :func:`explain`.

Critical non-subnetwork points with rank W_1 < d_0 are reported as **input bottlenecks**
(f = g∘P; :func:`input_bottleneck_rank_bound` proves them critical for small r; docs/criticality.md).

Every point is judged by :func:`~neuromanifold.geometry.criticality.rank_at_point` (exact or mod p,
with its certificate) and :func:`~neuromanifold.geometry.subnetworks.detect_subnetwork` (exact).
"""

from __future__ import annotations

import sys
import time
from dataclasses import dataclass

from ..architectures import MLP, Monomial, Parameters
from ..limits import check_count, check_seed
from ..randomness import stream
from ..results import Result
from .bounds import KnownDegreeBounds, input_bottleneck_rank_bound, known_degree_bounds
from .critical_constructions import constructions
from .critical_points import (
    SCAN_EXACT_LIMIT,
    PointCheck,
    check_point,
    explain,
    random_weights,
    single_degree,
    structure,
)
from .critical_search import numerical_search
from .criticality import generic_rank
from .strata.mlp import subnetwork_strata

__all__ = ["PointCheck", "ScanResult", "scan", "DegreeSweep", "degree_sweep", "numerical_search",
           "structure", "explain", "input_bottleneck_rank_bound"]


@dataclass(frozen=True)
class ScanResult(Result):
    """The outcome of :func:`scan` for one architecture; ``holds`` iff all tests agree with
    "critical ⇔ subnetwork".

    The statement tested is the Kohn–Marchetti–Shabir–Shahverdi–Wang theorem (docs/math.md §5): for σ = z^r with r
    large enough, W is critical (rank dφ(W) < dim V) iff W is a subnetwork (docs/math.md §4).
    """

    architecture: MLP
    generic_rank: int
    generic_certified: bool
    checks: tuple[PointCheck, ...]
    numerical: dict
    notes: tuple[str, ...]
    seconds: float

    @property
    def random_critical(self) -> list[PointCheck]:
        return [c for c in self.checks if c.kind == "random" and c.critical]

    @property
    def noncritical_subnetworks(self) -> list[PointCheck]:
        """Subnetwork points that are not critical (⇐ fails)."""
        return [c for c in self.checks if c.is_subnetwork and not c.critical]

    @property
    def counterexamples(self) -> list[PointCheck]:
        """Critical points that are not subnetworks (⇒ fails), each exactly reproducible."""
        return [c for c in self.checks if c.critical and not c.is_subnetwork]

    @property
    def input_bottlenecks(self) -> list[PointCheck]:
        """Counterexamples with rank W_1 < min(d_0, d_1): f = g∘P factors through a projection — a
        subnetwork in the broader sense (an inactive *input* neuron after a change of coordinates;
        docs/criticality.md, :func:`input_bottleneck_rank_bound`)."""
        return [c for c in self.counterexamples if structure(c.params).input_bottleneck]

    @property
    def unexplained_counterexamples(self) -> list[PointCheck]:
        """Counterexamples that are not input bottlenecks."""
        return [c for c in self.counterexamples if not structure(c.params).input_bottleneck]

    @property
    def holds(self) -> bool:
        """The equivalence with docs/math.md §4's definition of subnetwork (hidden neurons only)."""
        return not self.noncritical_subnetworks and not self.counterexamples

    @property
    def holds_up_to_input_bottlenecks(self) -> bool:
        """The equivalence when input bottlenecks count as (generalised) subnetworks."""
        return not self.noncritical_subnetworks and not self.unexplained_counterexamples

    @property
    def verdict(self) -> str:
        if self.holds:
            return "critical ⇔ subnetwork holds on all tests"
        parts = []
        if self.noncritical_subnetworks:
            labels = sorted({c.label for c in self.noncritical_subnetworks})
            parts.append(f"subnetworks that are not critical: {', '.join(labels)}")
        if self.unexplained_counterexamples:
            labels = sorted({c.label for c in self.unexplained_counterexamples})
            parts.append(f"critical points that are not subnetworks: {', '.join(labels)}")
        if self.input_bottlenecks:
            parts.append(f"{len(self.input_bottlenecks)} critical input-bottleneck point(s) (rank W_1 < d_0; "
                         "subnetworks up to a change of input coordinates)")
        return "equivalence fails — " + "; ".join(parts)

    def to_dict(self) -> dict:
        return {
            "architecture": self.architecture.to_json(),
            "widths": list(self.architecture.widths),
            "degree": single_degree(self.architecture),
            "generic_rank": self.generic_rank,
            "generic_certified": self.generic_certified,
            "holds": self.holds,
            "verdict": self.verdict,
            "random_points": sum(c.kind == "random" for c in self.checks),
            "random_critical": len(self.random_critical),
            "subnetwork_checks": [c.to_dict() for c in self.checks if c.kind == "subnetwork"],
            "noncritical_subnetworks": sorted({c.label for c in self.noncritical_subnetworks}),
            "counterexamples": [c.to_dict(weights=True) for c in self.counterexamples],
            "input_bottlenecks": sorted({c.label for c in self.input_bottlenecks}),
            "holds_up_to_input_bottlenecks": self.holds_up_to_input_bottlenecks,
            "constructions": [c.to_dict() for c in self.checks if c.kind == "construction"],
            "numerical": self.numerical,
            "notes": list(self.notes),
            "seconds": round(self.seconds, 3),
        }

    def summary(self) -> str:
        n_sub = sum(c.kind == "subnetwork" for c in self.checks)
        crit_sub = sum(c.kind == "subnetwork" and c.critical for c in self.checks)
        n_con = sum(c.kind == "construction" for c in self.checks)
        lines = [
            f"{self.architecture!r}: generic rank {self.generic_rank} ({'certified' if self.generic_certified else 'probabilistic'})",
            f"  (a) random points: {sum(c.kind == 'random' for c in self.checks)} checked, {len(self.random_critical)} critical",
            f"  (b) subnetwork points: {crit_sub}/{n_sub} critical",
            f"  (c) non-subnetwork constructions: {n_con} points; numerical search: "
            f"{self.numerical.get('starts', 0)} starts, best σ_g/σ_1 = {self.numerical.get('best_ratio', float('nan')):.1e}, "
            f"{self.numerical.get('confirmed', 0)} confirmed exactly",
        ]
        for c in self.counterexamples:
            how = "certified" if c.rank.certified else f"error ≤ {c.rank.error_bound:.1e}"
            kind = "input-bottleneck" if structure(c.params).input_bottleneck else "counterexample"
            lines.append(f"  {kind} [{c.label}]: rank {c.rank.rank} < {self.generic_rank} ({how}); "
                         f"weights {c.params.to_json()['weights']}")
        lines += [f"  note: {n}" for n in self.notes]
        lines.append(f"  verdict: {self.verdict}")
        return "\n".join(lines)


# --------------------------------------------------------------------------- scan
def _total_steps(arch, strata, random_points, starts):
    kinds = 2 if (not arch.bias and all(a.coeffs[0] == 0 for a in arch.activations)) else 1
    return random_points + kinds * len(strata) + len(constructions(arch)) + starts


def scan(architecture, seed: int = 0, random_points: int = 3, numerical_starts: int = 2, numerical_steps: int = 30,
         exact_limit: int = SCAN_EXACT_LIMIT, progress: bool = False) -> ScanResult:
    """Test "critical ⇔ subnetwork" on ``architecture`` (see the module docstring for (a)–(c)).

    Theorem under test (Kohn–Marchetti–Shabir–Shahverdi–Wang, docs/math.md §5): for σ = z^r, r large, rank dφ(W) <
    dim V iff W is a subnetwork (docs/math.md §4); for small r both directions may fail, and counterexamples are
    certified by exact ranks.

    ``progress=True`` shows a tqdm bar on stderr.  Every reported counterexample carries weights that
    reproduce it exactly (integers or rationals) and its certificate."""
    if not isinstance(architecture, MLP):
        raise TypeError(f"Argument 'architecture' must be an MLP, not {type(architecture).__name__}.")
    check_count(random_points, "random_points", "MAX_RANDOM_POINTS", minimum=0)
    check_count(numerical_starts, "numerical_starts", "MAX_STARTS", minimum=0)
    check_count(numerical_steps, "numerical_steps", "MAX_STEPS", minimum=0)
    check_seed(seed)
    start = time.perf_counter()
    arch = architecture
    gen = generic_rank(arch)
    strata = subnetwork_strata(arch)
    from tqdm import tqdm

    bar = tqdm(total=_total_steps(arch, strata, random_points, numerical_starts), desc=f"scan {arch.widths}",
               file=sys.stderr, disable=not progress, leave=False)
    checks, notes = [], []
    rng = stream(seed, "critical.scan")
    for i in range(random_points):
        checks.append(check_point("random", f"random point {i}", Parameters(arch, random_weights(arch, rng)), exact_limit, seed))
        bar.update(1)
    zero_in_ok = not arch.bias and all(a.coeffs[0] == 0 for a in arch.activations)
    for s in strata:
        for removal in ("out", "in") if zero_in_ok else ("out",):
            if removal == "in" and not any(s.removed):
                continue
            label = f"{s.label} [{'zero outgoing' if removal == 'out' else 'zero incoming'}]" if any(s.removed) else s.label
            checks.append(check_point("subnetwork", label, s.random_point(seed, removal), exact_limit, seed))
            bar.update(1)
    for label, p in constructions(arch, seed):
        checks.append(check_point("construction", label, p, exact_limit, seed))
        bar.update(1)
    if all(a.is_monomial for a in arch.activations) and not arch.bias:
        if all(a.degree >= 3 for a in arch.activations):
            notes.append("no three-term (Pythagorean) construction: Mason–Stothers forbids p^r + q^r = s^r for r ≥ 3")
    if all(a.is_monomial for a in arch.activations) and not arch.bias and arch.input_dim >= 2 and arch.depth >= 2:
        k = min(arch.input_dim, arch.widths[1]) - 1
        if k >= 1:
            b = input_bottleneck_rank_bound(arch, k)
            if b < gen.dimension:
                notes.append(f"input bottlenecks: rank dφ ≤ {b} < {gen.dimension} at every W with rank W_1 ≤ {k} "
                             "(proof: input_bottleneck_rank_bound), so all of them are critical")
            else:
                notes.append(f"input bottlenecks: the bound rank dφ ≤ {b} does not force criticality (dim V = {gen.dimension})")
    stats, found = numerical_search(arch, seed, numerical_starts, numerical_steps, exact_limit, progress=bar)
    checks += found
    bar.close()
    return ScanResult(arch, gen.dimension, gen.certified, tuple(checks), stats, tuple(notes), time.perf_counter() - start)


# --------------------------------------------------------------------------- degree sweep
@dataclass(frozen=True)
class DegreeSweep(Result):
    """Scans of one set of widths for σ = z^r, r in ``degrees``; ``threshold`` = smallest r of the sweep
    from which the equivalence held on all tests for every larger swept r (None if it fails at the
    largest)."""

    widths: tuple[int, ...]
    scans: tuple[ScanResult, ...]
    bounds: KnownDegreeBounds

    @property
    def threshold(self) -> int | None:
        return self._threshold(lambda s: s.holds)

    @property
    def threshold_up_to_input_bottlenecks(self) -> int | None:
        """As ``threshold``, counting input bottlenecks (rank W_1 < d_0) as subnetworks."""
        return self._threshold(lambda s: s.holds_up_to_input_bottlenecks)

    def _threshold(self, ok) -> int | None:
        t = None
        for s in reversed(self.scans):
            if not ok(s):
                break
            t = single_degree(s.architecture)
        return t

    def to_dict(self) -> dict:
        return {"widths": list(self.widths), "threshold": self.threshold,
                "threshold_up_to_input_bottlenecks": self.threshold_up_to_input_bottlenecks,
                "known_sufficient_degrees": self.bounds.to_dict(),
                "scans": [s.to_dict() for s in self.scans]}

    def summary(self) -> str:
        lines = [f"widths {list(self.widths)}:"]
        for s in self.scans:
            lines.append(f"  r = {single_degree(s.architecture)}: {s.verdict}")
        lines.append(f"  equivalence held on all tests from r = {self.threshold} on" if self.threshold else
                     "  equivalence failed at the largest degree tested")
        if self.threshold_up_to_input_bottlenecks != self.threshold:
            t = self.threshold_up_to_input_bottlenecks
            lines.append(f"  counting input bottlenecks (rank W_1 < d_0) as subnetworks: from r = {t} on" if t else
                         "  counting input bottlenecks as subnetworks: still fails at the largest degree")
        lines.append(f"  {self.bounds.summary()}")
        return "\n".join(lines)


def degree_sweep(widths, degrees, seed: int = 0, progress: bool = False, **scan_options) -> DegreeSweep:
    """:func:`scan` of MLP(widths, z^r) for each r in ``degrees`` (sorted).

    ``threshold`` is the smallest tested r from which "critical ⇔ subnetwork" holds on every test; compare with
    the sufficient degrees of docs/math.md §5 (Newman–Slater r > k(k − 2), Crăciun) and §3 (Usevich et al. r_ℓ ≥ 2d_ℓ
    − 1), see :func:`known_degree_bounds`.
    """
    degrees = sorted(set(degrees))
    if not degrees or any(isinstance(r, bool) or not isinstance(r, int) or r < 1 for r in degrees):
        raise ValueError(f"Argument 'degrees' must be positive ints, got {degrees!r}.")
    scans = tuple(scan(MLP(tuple(widths), Monomial(r)), seed=seed, progress=progress, **scan_options) for r in degrees)
    return DegreeSweep(tuple(widths), scans, known_degree_bounds(scans[0].architecture))
