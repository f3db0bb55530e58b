"""How far a (trained, floating-point) point is from a subnetwork, the point there, and an exact point to certify at.

docs/math.md §4, §7.  The subnetwork locus of an architecture is the union of its *maximal* strata, each
given by one event: for an MLP, one hidden neuron inactive (outgoing column zero, or — when the neuron is then
constant, i.e. with biases or σ(0) = 0 — incoming weights zero) or one pair of neurons redundant (incoming rows
[w | b] proportional with a factor c for which σ(cz) = λσ(z): any c for a monomial σ, c = 1, and c = −1 when all
exponents of σ have one parity); for a CNN, one filter zero-padded (its first or its last entry zero).  Every
subnetwork point lies on at least one of them, so the Euclidean distance from θ to the locus is the smallest of
the distances to these sets, each known in closed form:

* outgoing column i of W_{ℓ+1} zero: ‖W_{ℓ+1}[:, i]‖;  incoming weights zero: ‖W_ℓ[i, :]‖ (the bias stays);
* rows r_i, r_j proportional (monomial σ): σ_2 of the 2 × k matrix [r_i; r_j] — the distance to rank ≤ 1
  (Eckart–Young), attained by its best rank-1 approximation; rows equal: ‖r_i − r_j‖/√2 (both move to the
  mean); rows opposite: ‖r_i + r_j‖/√2;
* first (last) filter entry zero: |w_ℓ[0]| (|w_ℓ[−1]|); once padded, the next entry inward.

**Tolerance.**  An event is *within tolerance* when its distance is ≤ ``tol`` × the scale of the layer it
touches: the Frobenius norm of [W_ℓ | b_ℓ] for incoming rows and filters, of W_{ℓ+1} for outgoing columns.
One notion, used by :func:`distance_to_subnetwork`, :func:`snap` and hence every point-wise command given
float weights.

**Snap and rationalise.**  :func:`snap` projects onto the nearest maximal stratum, and repeats while another
event is within tolerance (a point near two inactive neurons lands on their intersection).  :func:`exact_point`
then rationalises (continued fractions of each mantissa, denominators ≤ ``max_denominator`` times a power of
two, :func:`rationalize`) *keeping the stratum's equations
exact* — zeros stay zero, a proportional row is rebuilt as c·r_i from the rationalised c and r_i — so the exact
answers of :func:`~neuromanifold.geometry.criticality.rank_at_point` and
:func:`~neuromanifold.geometry.singularity.singular` hold at a stated rational point W′ at a stated distance
from the user's W.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from fractions import Fraction

import numpy as np

from ..architectures import MLP, Parameters
from ..architectures.cnn import CNN
from ..parametrization import to_rationals
from ..results import Result

__all__ = ["DEFAULT_TOL", "DEFAULT_MAX_DENOMINATOR", "Event", "Snapped", "distance_to_subnetwork", "snap",
           "exact_point", "rationalize"]

#: Default relative tolerance for float weights: an event within 1e-6 of its layer's scale is snapped.
DEFAULT_TOL = 1e-6
#: Default denominator bound of the rationalisation of float weights.
DEFAULT_MAX_DENOMINATOR = 1000


@dataclass(frozen=True)
class Event:
    """One maximal subnetwork stratum near the point: ``kind`` is ``"inactive-out"``, ``"inactive-in"``,
    ``"redundant"`` (with factor ``factor``) or ``"padded-first"``/``"padded-last"`` (CNN); ``layer`` is the
    hidden layer (MLP, 1-based) or the filter's layer (CNN, 1-based); ``units`` the neurons (CNN: the position of
    the filter entry, 0-based, that becomes zero)."""

    kind: str
    layer: int
    units: tuple[int, ...]
    distance: float
    scale: float
    factor: float | None = None

    @property
    def relative_distance(self) -> float:
        return self.distance / self.scale if self.scale > 0 else (0.0 if self.distance == 0 else float("inf"))

    @property
    def label(self) -> str:
        names = {"inactive-out": "outgoing weights of neuron {u} zero", "inactive-in": "incoming weights of neuron {u} zero",
                 "redundant": "neurons {u} redundant", "padded-first": "filter entry {u} zero (padding at the start)",
                 "padded-last": "filter entry {u} zero (padding at the end)"}
        units = ",".join(map(str, self.units))
        return f"layer {self.layer}: " + names[self.kind].format(u=units)

    def to_dict(self) -> dict:
        return {"kind": self.kind, "layer": self.layer, "units": list(self.units), "distance": self.distance,
                "relative_distance": self.relative_distance, "factor": self.factor, "label": self.label}


@dataclass(frozen=True)
class Snapped(Result):
    """Result of :func:`snap`: the nearest maximal stratum (``nearest``, at ``distance``), the events snapped
    (those within ``tolerance``), the snapped float point and, from :func:`exact_point`, the rational point
    ``exact`` with ``max_denominator`` and its distance ``distance_to_exact`` from the input."""

    architecture: object
    nearest: Event | None
    distance: float
    tolerance: float
    events: tuple[Event, ...]
    point: Parameters = field(repr=False)
    exact: Parameters | None = field(default=None, repr=False)
    max_denominator: int | None = None
    distance_to_exact: float | None = None

    @property
    def snapped(self) -> bool:
        return bool(self.events)

    def to_dict(self) -> dict:
        return {"distance_to_subnetwork": self.distance, "nearest": self.nearest.to_dict() if self.nearest else None,
                "tolerance": self.tolerance, "snapped": [e.to_dict() for e in self.events],
                "max_denominator": self.max_denominator, "distance_to_exact_point": self.distance_to_exact}

    def summary(self) -> str:
        near = (f"nearest subnetwork stratum: {self.nearest.label} at distance {self.distance:.3g} "
                f"({self.nearest.relative_distance:.3g} of its layer's scale)") if self.nearest else "no subnetwork stratum"
        snapped = ("; snapped: " + "; ".join(e.label for e in self.events)) if self.events else (
            f"; nothing within tolerance {self.tolerance:g}")
        exact = (f"; exact point W′ (denominators ≤ {self.max_denominator}) at distance {self.distance_to_exact:.3g}"
                 if self.exact is not None else "")
        return near + snapped + exact


# --------------------------------------------------------------------------- events
def _check(params):
    if not isinstance(params, Parameters):
        raise TypeError(f"Argument 'params' must be a Parameters, not {type(params).__name__}.")
    if not isinstance(params.architecture, (MLP, CNN)):
        raise TypeError(f"Argument 'params' must belong to an MLP or CNN, not {params.architecture!r}.")


def _check_tol(tol):
    if isinstance(tol, bool) or not isinstance(tol, (int, float)) or not 0 <= tol < 1:
        raise ValueError(f"Argument 'tol' must be a number in [0, 1), got {tol!r}.")
    return float(tol)


def _rows(params, ell):
    """[W_ℓ | b_ℓ] of layer ℓ (0-based) as floats (a CNN filter and its bias: one vector)."""
    W = np.asarray(params.weights[ell], dtype=float)
    if params.biases is None:
        return W
    b = np.asarray(params.biases[ell], dtype=float)
    if W.ndim == 1:
        return np.concatenate([W, b.ravel()])
    return np.hstack([W, b.reshape(-1, 1)])


def events(params, within: float | None = None) -> list[Event]:
    """Every maximal subnetwork stratum of the architecture with the distance from ``params`` to it; with
    ``within``, of the redundancy events (O(d²) per layer) only those within ``within`` × their layer's scale
    and the nearest few are kept — all that :func:`snap` and :func:`distance_to_subnetwork` need."""
    _check(params)
    arch = params.architecture
    with np.errstate(over="ignore", invalid="ignore"):
        norm = float(np.linalg.norm(params.flatten().astype(float)))
    if not np.isfinite(norm) or norm > 1e150:
        raise ValueError("Argument 'params': the weights are so large that their norm overflows float64 (or nearly); "
                         "rescale them or pass exact integers/rationals.")
    out: list[Event] = []
    if isinstance(arch, CNN):
        for ell, w in enumerate(params.weights):
            w = np.asarray(w, dtype=float).ravel()
            nz = np.flatnonzero(w)
            if nz.size < 2:  # a zero filter, or one entry left: padding it further zeroes the filter
                continue
            scale = float(np.linalg.norm(_rows(params, ell)))
            first, last = int(nz[0]), int(nz[-1])  # pad one more entry at either end of the current support
            out.append(Event("padded-first", ell + 1, (first,), float(abs(w[first])), scale))
            out.append(Event("padded-last", ell + 1, (last,), float(abs(w[last])), scale))
        return out
    d_in = arch.widths
    for ell in range(1, arch.depth):
        act = arch.activations[ell - 1]
        rows, nxt = _rows(params, ell - 1), np.asarray(params.weights[ell], dtype=float)
        s_in, s_out = float(np.linalg.norm(rows)), float(np.linalg.norm(nxt))
        constant_ok = arch.bias or act.coeffs[0] == 0
        for i in range(arch.widths[ell]):
            out.append(Event("inactive-out", ell, (i,), float(np.linalg.norm(nxt[:, i])), s_out))
            if constant_ok:
                out.append(Event("inactive-in", ell, (i,), float(np.linalg.norm(rows[i, : d_in[ell - 1]])), s_in))
        same_parity = len({e % 2 for e in act.support}) == 1
        out += _pair_events(rows, ell, act.is_monomial, same_parity, s_in, within)
    return out


#: Pairs of a layer computed one SVD at a time; wider layers are screened through the Gram matrix first.
_EXACT_PAIRS = 2048
#: Smallest screened pairs of a wide layer recomputed exactly.
_RECHECK = 64


def _pair_events(rows: np.ndarray, ell: int, monomial: bool, same_parity: bool, scale: float,
                 within: float | None = None) -> list[Event]:
    """The redundancy events of one hidden layer (module docstring).  Up to :data:`_EXACT_PAIRS` pairs each
    distance is exact (σ₂ by SVD, ‖r_i ∓ r_j‖/√2 directly); in wider layers all pairs are first evaluated at once
    from the Gram matrix G = R Rᵀ (σ₂² = det/σ₁² of [[G_ii, G_ij], [G_ij, G_jj]], ‖r_i ∓ r_j‖² = G_ii + G_jj ∓ 2G_ij:
    absolute error about 1e-8·‖R‖ from cancellation) and the nearest :data:`_RECHECK` of each kind are
    recomputed exactly — O(d²) numpy work instead of d²/2 Python-level SVDs.  ``within``: keep only the pairs
    within ``within`` × ``scale`` and the nearest :data:`_RECHECK`."""
    d = rows.shape[0]
    iu, ju = np.triu_indices(d, 1)
    kinds = [None] if monomial else [1.0] + ([-1.0] if same_parity else [])

    def exact(i, j, c):
        a, b = rows[i], rows[j]
        if c is None:
            sv = np.linalg.svd(np.vstack([a, b]), compute_uv=False)
            return float(sv[1]) if sv.size > 1 else 0.0
        return float(np.linalg.norm(a - c * b) / np.sqrt(2))

    def factor(i, j, c):
        if c is not None:
            return c
        a, b = rows[i], rows[j]
        return float(a @ b / (a @ a)) if a @ a > 0 else None

    out = []
    for c in kinds:
        if iu.size <= _EXACT_PAIRS:
            dist = np.array([exact(i, j, c) for i, j in zip(iu, ju)])
            recheck = []
        else:
            G = rows @ rows.T
            n, g = np.diag(G)[iu], G[iu, ju]
            n2 = np.diag(G)[ju]
            if c is None:
                s1 = (n + n2 + np.sqrt((n - n2) ** 2 + 4 * g * g)) / 2
                dist = np.sqrt(np.maximum(n * n2 - g * g, 0.0) / np.where(s1 > 0, s1, 1.0))
            else:
                dist = np.sqrt(np.maximum(n + n2 - 2 * c * g, 0.0) / 2)
            recheck = np.argsort(dist)[:_RECHECK]
            for k in recheck:
                dist[k] = exact(iu[k], ju[k], c)
        keep = np.arange(dist.size)
        if within is not None:
            keep = np.union1d(np.flatnonzero(dist <= within * scale), np.argsort(dist)[:_RECHECK])
        out += [Event("redundant", ell, (int(iu[k]), int(ju[k])), float(dist[k]), scale, factor(iu[k], ju[k], c))
                for k in keep]
    return out


def _project(params, e: Event) -> Parameters:
    """The nearest point of the stratum of ``e`` (the closed forms of the module docstring)."""
    arch = params.architecture
    weights = [np.asarray(w, dtype=float).copy() for w in params.weights]
    biases = [np.asarray(b, dtype=float).copy() for b in params.biases] if params.biases is not None else None
    ell = e.layer - 1
    if e.kind in ("padded-first", "padded-last"):
        weights[ell].reshape(-1)[e.units[0]] = 0.0
    elif e.kind == "inactive-out":
        weights[ell + 1][:, e.units[0]] = 0.0
    elif e.kind == "inactive-in":
        weights[ell][e.units[0], :] = 0.0
    else:
        i, j = e.units
        rows = _rows(params, ell)
        a, b = rows[i], rows[j]
        if e.factor is not None and e.factor in (1.0, -1.0) and not arch.activations[ell].is_monomial:
            a_new = (a + e.factor * b) / 2
            b_new = e.factor * a_new
        else:  # best rank-1 approximation of [a; b]
            U, s, Vt = np.linalg.svd(np.vstack([a, b]), full_matrices=False)
            a_new, b_new = U[0, 0] * s[0] * Vt[0], U[1, 0] * s[0] * Vt[0]
        k = weights[ell].shape[1]
        weights[ell][i], weights[ell][j] = a_new[:k], b_new[:k]
        if biases is not None:
            biases[ell][i], biases[ell][j] = a_new[k], b_new[k]
    return Parameters(arch, weights, biases)


def distance_to_subnetwork(params) -> Event | None:
    """The nearest maximal subnetwork stratum (an :class:`Event`, by distance relative to its layer's scale),
    or None for an architecture without subnetworks.  ``.distance`` is the Euclidean distance in θ."""
    found = events(params, within=0.0)
    return min(found, key=lambda e: (e.relative_distance, e.distance)) if found else None


def snap(params, tol: float = DEFAULT_TOL) -> Snapped:
    """Project onto the nearest maximal stratum while one is within ``tol`` of its layer's scale (module
    docstring); the result's ``point`` lies on every stratum snapped."""
    _check(params)
    tol = _check_tol(tol)
    nearest = distance_to_subnetwork(params)
    point, done = params, []
    for _ in range(params.architecture.n_params):
        seen = {(d.kind, d.layer, d.units) for d in done}
        candidates = [e for e in events(point, within=tol) if e.relative_distance <= tol and e.distance > 0
                      and (e.kind, e.layer, e.units) not in seen]
        if not candidates:
            break
        e = min(candidates, key=lambda e: (e.relative_distance, e.distance))
        point = _project(point, e)
        done.append(e)
    return Snapped(params.architecture, nearest, nearest.distance if nearest else float("inf"), tol, tuple(done), point)


# --------------------------------------------------------------------------- exact point
def rationalize(params, max_denominator: int = DEFAULT_MAX_DENOMINATOR) -> Parameters:
    """Every float entry x = ±m·2^e (m ∈ [1/2, 1)) replaced by ±(n/d)·2^e, n/d the best approximation of m with
    d ≤ ``max_denominator``: exact zeros stay zero, non-zero entries stay non-zero, x and −x stay opposite;
    denominators are ≤ ``max_denominator`` times a power of two.  The rounding actually made is reported by
    :func:`exact_point` (``distance_to_exact``).  ``max_denominator=None``: each float's exact dyadic value (no
    rounding; large denominators).  Exact points are returned unchanged."""
    _check(params)
    if max_denominator is not None and (isinstance(max_denominator, bool) or not isinstance(max_denominator, int)
                                        or not 1 <= max_denominator <= 10**12):
        raise ValueError(f"Argument 'max_denominator' must be None or an int in [1, 10^12], got {max_denominator!r}.")
    if params.kind != "float":
        return params

    def conv(a):
        return to_rationals(np.asarray(a, dtype=float), max_denominator, relative=True)

    return Parameters(params.architecture, [conv(w) for w in params.weights],
                      [conv(b) for b in params.biases] if params.biases is not None else None)


def _enforce(exact: Parameters, snapped: Parameters, e: Event, max_denominator: int) -> Parameters:
    """Make a redundant pair of the rationalised point exactly proportional again: r_j := c·r_i with c the
    snapped point's factor, rationalised with the same denominator bound (±1 exactly for non-monomial σ).
    Zeros and padded entries are exact already.  The rebuilt row has denominators ≤ ``max_denominator``²."""
    if e.kind != "redundant":
        return exact
    arch = exact.architecture
    ell, (i, j) = e.layer - 1, e.units
    rows = _rows(snapped, ell)
    a, b = rows[i], rows[j]
    if not arch.activations[ell].is_monomial:
        c = Fraction(int(e.factor))
    elif a @ a > 0:
        c = to_rationals(float(a @ b / (a @ a)), max_denominator, relative=True)[()]
    else:
        return exact
    weights = [np.array(w, dtype=object) for w in exact.weights]
    biases = [np.array(b, dtype=object) for b in exact.biases] if exact.biases is not None else None
    weights[ell][j] = [c * v for v in weights[ell][i]]
    if biases is not None:
        biases[ell][j] = c * biases[ell][i]
    return Parameters(arch, weights, biases)


def exact_point(params, tol: float = DEFAULT_TOL, max_denominator: int = DEFAULT_MAX_DENOMINATOR) -> Snapped:
    """The exact point W′ at which point-wise answers for float ``params`` are certified: snapped onto every
    stratum within ``tol`` (:func:`snap`), rationalised with denominators ≤ ``max_denominator`` keeping each
    snapped stratum's equations exact (module docstring).  The :class:`Snapped` result carries W′ as ``exact``
    and ‖W − W′‖ as ``distance_to_exact``.  For an exact ``params``, W′ = W (nothing snapped)."""
    _check(params)
    tol = _check_tol(tol)
    if params.kind != "float":
        nearest = distance_to_subnetwork(params)
        return Snapped(params.architecture, nearest, nearest.distance if nearest else float("inf"), tol, (), params,
                       params, None, 0.0)
    s = snap(params, tol)
    W = rationalize(s.point, max_denominator)
    for e in s.events:
        W = _enforce(W, s.point, e, max_denominator)
    gap = float(np.linalg.norm(params.flatten().astype(float) - np.array([float(v) for v in W.flatten()])))
    return Snapped(s.architecture, s.nearest, s.distance, s.tolerance, s.events, s.point, W, max_denominator, gap)
