"""Singular points of neurovarieties via limits of tangent spaces (docs/math.md §6, Razor's Edge).

A point q of the neurovariety V is **singular** if dim T_q V > dim V (Zariski tangent space).  For
smooth points q_n → q every limit of the tangent spaces T_{q_n} V lies in T_q V.  Along a curve
W(t) in parameter space with W(0) = W_0 and q = φ(W_0), the tangent spaces of V at φ(W(t)) contain
the column spaces col dφ(W(t)), which for generic t *are* the tangent spaces (dim = generic rank
along the curve = dim V for a curve through generic points).  Hence

    Λ_W = lim_{t→0} col dφ(W(t)) ⊆ T_q V,

and if the limits along several curves span a space of dimension > dim V, q is **certified
singular**.

Computation (exact over F_p): the matrix J(t) = d(ev ∘ φ)(W(t)) of R generic projected evaluations
(rows ∇_θ ⟨c_i, f_θ(x_i)⟩, R ≤ A) is a matrix polynomial in t of degree ≤ e·(deg of the curve),
with e = deg_θ f − 1.  We evaluate it with the one network algebra at e·deg + 1 values of t, interpolate
its coefficients (exact), and compute the limit of its column space by the order-by-order echelon
over F_p[[t]] of :mod:`~neuromanifold.geometry.series` (which explains why the truncation order
suffices).  The evaluation functionals are linear, so dimensions of computed spaces are lower
bounds on the dimensions of the function spaces (equal when R = A, generically).

What the verdict means:

* ``singular = True``: span dimension s > dim V.  Certified when s exceeds a proven upper bound on
  dim V; otherwise with probability ≥ 1 − ``error_bound`` (the dimension's Schwartz–Zippel bound).
* ``singular = False`` ("smooth"): rank dφ(W_0) = dim V.  Then φ is a submersion onto a smooth germ of
  dimension dim V at q, and every limit equals col dφ(W_0).  V is smooth at q unless another branch
  of V (from parameters far from W_0) passes through q — this is **not** excluded, so
  ``certified`` is False.
* ``singular = False`` and ``certified``: V fills its ambient space (dim V = A certified), so V is
  an affine space and every point is smooth.
* ``singular = None`` ("undecided"): rank dφ(W_0) < dim V but the limits found span only dim V.

When these give no certificate (and the ambient space is small), :func:`singular` adds the
**Jacobian criterion** of :mod:`~neuromanifold.geometry.jacobian_criterion`: equations proven to vanish
on V whose Jacobian at q has rank A − dim V certify q *smooth* (``method = "jacobian-criterion"``), and
for a hypersurface V = {F = 0}, F irreducible over ℚ, ∇F(q) = 0 certifies q *singular*
(``method = "hypersurface-gradient"``); both are proofs over ℚ.

All ranks are over F_p; the statements over ℚ hold for all but finitely many primes (p ≈ 2^31, the
standing assumption of modular methods).
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field

import numpy as np

from ..architectures import Parameters
from ..limits import MAX_CURVES, check_count, check_seed
from ..parametrization import (
    DEFAULT_PRIME,
    PrimeField,
    as_theta,
    jacobian,
    point_primes,
)
from ..results import Result
from .rank import rank_mod_p, schwartz_zippel
from .series import interpolate_matrix_polynomial, limit_column_space

__all__ = ["TangentLimit", "SingularityResult", "StratumSingularity", "Thm42Hypotheses", "thm42_hypotheses", "tangent_limit", "singular", "parameter_degree",
           "subnetwork_singularity_table"]


def parameter_degree(architecture) -> int:
    """deg_θ f_θ(x): z_1 has degree 1 in θ, h_ℓ = deg σ_ℓ · deg z_ℓ, z_{ℓ+1} = deg h_ℓ + 1."""
    deg = 1
    for act in architecture.activations:
        deg = act.degree * deg + 1
    return deg


@dataclass(frozen=True)
class TangentLimit:
    """Λ = lim_{t→0} col dφ(W(t)) along one curve W(t) = Σ_k t^k W_k, in evaluation coordinates.

    ``basis``: R × dim matrix over F_p (columns span Λ in the coordinates g ↦ ⟨c_i, g(x_i)⟩);
    ``generic_rank``: rank of dφ(W(t)) over F_p((t)) (probabilistic, ``error_bound``);
    ``complete``: dim Λ reached the generic rank, so Λ is the whole limit (else a subspace of it);
    ``order``: the power of t at which the echelon stopped; ``label`` describes the curve."""

    basis: np.ndarray = field(repr=False)
    generic_rank: int
    order: int
    complete: bool
    error_bound: float
    label: str
    curve_degree: int

    @property
    def dimension(self) -> int:
        return int(self.basis.shape[1])

    def to_dict(self) -> dict:
        return {"curve": self.label, "curve_degree": self.curve_degree, "limit_dimension": self.dimension,
                "generic_rank": self.generic_rank, "order": self.order, "complete": self.complete,
                "error_bound": self.error_bound}


def _functionals(architecture, rows: int, seed: int, ns: PrimeField):
    rng = np.random.default_rng([seed, 7_001])
    return ns.random(rng, (rows, architecture.input_dim)), ns.random(rng, (rows, architecture.output_dim))


def tangent_limit(architecture, curve, X, C, prime: int = DEFAULT_PRIME, label: str = "curve",
                  rank_trials: int = 2, seed: int = 0) -> TangentLimit:
    """The limit Λ of col dφ(W(t)) as t → 0 for the polynomial curve W(t) = Σ_k t^k curve[k].

    docs/math.md §6: Λ ⊆ T_q V at q = φ(W_0), computed exactly as the limit of the column space of dφ(W(t)) over
    F_p((t)).

    ``curve`` is a list of flat parameter vectors (curve[0] = W_0), exact (ints/rationals) or already
    in F_p; ``X`` (R × d_0) and ``C`` (R × d_L) give the projected evaluations.  See the module
    docstring of :mod:`~neuromanifold.geometry.series` for the algorithm and its stopping order."""
    ns = PrimeField(prime)
    if not isinstance(curve, (list, tuple)) or not curve:
        raise ValueError("Argument 'curve' must be a non-empty list of parameter vectors (W_0, W_1, …).")
    pts = [as_theta(architecture, w, ns) for w in curve]
    cdeg = len(pts) - 1
    e = max(parameter_degree(architecture) - 1, 0) * max(cdeg, 1)
    ts = list(range(e + 1))

    def at(t: int) -> np.ndarray:
        theta = pts[0].copy()
        for k in range(1, len(pts)):
            theta = ns.add(theta, ns.mul(pts[k], pow(t, k, prime)))
        return jacobian(architecture, theta, X, ns, projections=C)

    values = [at(t) for t in ts]
    coeffs = interpolate_matrix_polynomial(values, ts, prime)
    rng = np.random.default_rng([seed, 7_002])
    ranks = []
    for _ in range(rank_trials):
        t = int(rng.integers(e + 1, prime))
        ranks.append(rank_mod_p(at(t), prime))
    rho = max(ranks + [rank_mod_p(v, prime) for v in values])
    # a ρ × ρ minor of J(t) has degree ≤ ρ·e in t: a random t misses its rank with prob ≤ ρe/p
    err = schwartz_zippel(rho + 1, e, prime, rank_trials) if rho < min(X.shape[0], architecture.n_params) else 0.0
    lim = limit_column_space(coeffs, prime, rho)
    return TangentLimit(lim.basis, rho, lim.order, lim.complete, err, label, cdeg)


@dataclass(frozen=True)
class SingularityResult(Result):
    """Is q = φ(W_0) a singular point of V?  See the module docstring for what each verdict proves.

    q ∈ V is singular iff dim T_q V > dim V; every limit of tangent spaces along smooth q_n → q lies in T_q V,
    so limits whose span exceeds dim V certify a singular point (docs/math.md §6; Razor's Edge Thm 4.2 for subnetwork
    strata of MLPs).
    """

    architecture: object
    singular: bool | None
    span_dimension: int
    dimension: int
    dimension_certified: bool
    rank_at_point: int
    curves: tuple[TangentLimit, ...]
    certified: bool
    error_bound: float
    evidence: str
    rows: int
    prime: int
    seconds: float
    method: str = "tangent-limits"
    equations: object = None  # JacobianCertificate when the Jacobian criterion was run
    primes: tuple[int, ...] = ()  # the independent random primes the tangent limits were computed at

    @property
    def tangent_verdict(self) -> bool | None:
        """The verdict of the tangent limits alone (before the Jacobian criterion)."""
        if self.span_dimension > self.dimension:
            return True
        return False if self.rank_at_point == self.dimension else None

    @property
    def verdict(self) -> str:
        return {True: "singular", False: "smooth", None: "undecided"}[self.singular]

    def to_dict(self) -> dict:
        return {
            "singular": self.singular,
            "verdict": self.verdict,
            "span_dimension": self.span_dimension,
            "dimension": self.dimension,
            "dimension_certified": self.dimension_certified,
            "rank_at_point": self.rank_at_point,
            "curves": [c.to_dict() for c in self.curves],
            "certified": self.certified,
            "error_bound": self.error_bound,
            "evidence": self.evidence,
            "method": self.method,
            "equations": None if self.equations is None else self.equations.to_dict(),
            "rows": self.rows,
            "prime": self.prime,
            "primes": list(self.primes),
            "seconds": round(self.seconds, 6),
        }

    def summary(self) -> str:
        how = "certified" if self.certified else (
            f"probabilistic (error ≤ {self.error_bound:.1e})" if self.singular else "not a proof")
        lines = [
            f"{self.architecture!r}: the point is {self.verdict.upper()} ({how})",
            f"  dim V = {self.dimension}{' (certified)' if self.dimension_certified else ''}; "
            f"rank dφ(W_0) = {self.rank_at_point}; span of tangent limits = {self.span_dimension}",
            f"  {self.evidence}  [{self.method}]",
            f"  limits along {len(self.curves)} curve(s) ({self.rows} projected evaluations over F_{self.prime}):",
        ]
        for c in self.curves:
            lines.append(f"    {c.label:60} dim Λ = {c.dimension} (generic rank {c.generic_rank}, "
                         f"order t^{c.order}{'' if c.complete else ', partial'})")
        return "\n".join(lines)


def _random_curves(architecture, theta0, count: int, degree: int, seed: int, ns: PrimeField):
    out = []
    for i in range(count):
        rng = np.random.default_rng([seed, 7_100 + i])
        out.append(([theta0] + [ns.random(rng, architecture.n_params) for _ in range(degree)],
                     f"random degree-{degree} curve #{i}"))
    return out


def _fiber_specs(architecture, theta0, fiber, per_point: int, degree: int, seed: int, ns: PrimeField):
    from ..parametrization import evaluate
    from .fibers import fiber_points

    if fiber is None:
        return []
    if isinstance(fiber, str):
        if fiber != "auto":
            raise ValueError(f"Argument 'fiber' must be 'auto', None or a list of parameter points, not {fiber!r}.")
        points = fiber_points(architecture, theta0, 4, seed, ns)
    else:
        rng = np.random.default_rng([seed, 7_400])
        X = ns.random(rng, (8, architecture.input_dim))
        f0 = evaluate(architecture, theta0, X, ns)
        points = []
        for j, w in enumerate(fiber):
            theta = as_theta(architecture, w, ns)
            if not np.array_equal(evaluate(architecture, theta, X, ns), f0):
                raise ValueError(f"Argument 'fiber' point #{j} computes a different function than 'params'.")
            points.append((theta, f"given fibre point #{j}"))
    specs = []
    for j, (theta, label) in enumerate(points):
        for c in range(per_point):
            rng = np.random.default_rng([seed, 7_500 + j, c])
            specs.append(([theta] + [ns.random(rng, architecture.n_params) for _ in range(degree)],
                          f"{label} / curve {c}"))
    return specs


def singular(architecture, params, curves=4, curve_degree: int = 1, seed: int = 0, prime: int | None = None,
             rows: int | None = None, fiber="auto", fiber_curves: int = 2,
             dimension_result=None, equations="auto", equation_degree: int = 5) -> SingularityResult:
    """Decide whether φ(W_0) is a singular point of the neurovariety V (docs/math.md §6).

    Parameters
    ----------
    architecture, params:
        Any architecture (MLP, CNN) and an exact point W_0 (:class:`Parameters` or flat vector of
        ints/rationals).
    curves:
        Number of random polynomial curves W(t) = W_0 + t V_1 + ⋯ + t^deg V_deg (V_k uniform in F_p^N),
        or an explicit list of curves, each a list [W_0, V_1, …] (W_0 is replaced by ``params``) or a
        single direction vector V_1.
    curve_degree:
        deg of the random curves.
    fiber:
        Other parameter points W' with φ(W') = φ(W_0) (checked by evaluation); ``"auto"`` uses the
        subnetwork moves of :mod:`~neuromanifold.geometry.fibers` for MLPs (4 points), ``None`` none.
        Limits along ``fiber_curves`` random curves through each of them also lie in T_q V: a
        singular q is often invisible from curves through a single W_0.
    rows:
        Number R of projected evaluations (default min(A, 3·U + 8), U a proven bound on dim V);
        computed dimensions are lower bounds on the true ones, equal for R = A generically.
    dimension_result:
        A precomputed :class:`~neuromanifold.geometry.dimension.DimensionResult` for the architecture.
    equations:
        Jacobian-criterion certificates (:mod:`~neuromanifold.geometry.jacobian_criterion`): ``"auto"``
        (default) runs them when the tangent limits gave no certificate and the ambient space is small
        (A ≤ 24, N ≤ 16, ≤ 2000 monomials per degree), trying degrees 1..``equation_degree`` until one
        certifies; ``True`` runs them regardless (degrees 1..``equation_degree``); ``False``/``None``
        never; or a :class:`~neuromanifold.geometry.jacobian_criterion.ProvenEquations`.
        ``params`` must be exact for this (floats skip it in ``"auto"`` mode).
    equation_degree:
        Highest degree of equations tried (default 5; in ``"auto"`` mode the search also stops at the first
        degree that is not cheap).  Degree 4 decides, e.g., (3, 3, 1) with σ = z³ both at generic points and
        at points with rank W₁ = 2, which degree 3 left uncertified and undecided.

    Returns
    -------
    SingularityResult
        ``singular`` True / False / None (undecided) with the span dimension, dim V, rank dφ(W_0) and
        the curves used; ``certified``/``error_bound`` say how the verdict is known; ``method`` which
        certificate decided ("filling", "tangent-limits", "jacobian-criterion", "hypersurface-gradient")
        and ``equations`` the Jacobian-criterion outcome when it was run.
    """
    from .dimension import dimension as _dimension

    if not hasattr(architecture, "layers") or not hasattr(architecture, "activations"):
        raise TypeError(f"Argument 'architecture' must be an MLP or CNN, not {type(architecture).__name__}.")
    check_count(curve_degree, "curve_degree", "MAX_CURVE_DEGREE")
    if isinstance(curves, (int, np.integer)) and not isinstance(curves, bool):
        check_count(int(curves), "curves", "MAX_CURVES")
    elif isinstance(curves, (list, tuple)) and len(curves) > MAX_CURVES:
        raise ValueError(f"Argument 'curves' holds {len(curves)} curves; at most {MAX_CURVES} (MAX_CURVES) are accepted.")
    check_count(fiber_curves, "fiber_curves", "MAX_CURVES", minimum=0)
    check_seed(seed)
    if isinstance(equation_degree, bool) or not isinstance(equation_degree, int) or equation_degree < 1:
        raise ValueError(f"Argument 'equation_degree' must be an int >= 1, got {equation_degree!r}.")
    _check_equations_argument(equations)
    start = time.perf_counter()
    if isinstance(params, Parameters) and params.kind == "float":
        raise TypeError("Argument 'params' holds floats; singularity is decided at exact points: pass "
                        "neuromanifold.geometry.proximity.exact_point(params).exact (snapped onto a nearby subnetwork "
                        "stratum and rationalised) or integers/rationals.")
    as_theta(architecture, params, PrimeField(DEFAULT_PRIME))  # refuses floats in flat vectors too
    point = params if isinstance(params, Parameters) else Parameters.unflatten(
        architecture, np.asarray(params, dtype=object))
    if prime is None:  # two independent random primes at which W_0 reduces faithfully: no input can target them
        primes = point_primes(point, seed, count=2, stream=1)
    else:
        reason = PrimeField(prime).unfaithful(list(point.weights) + list(point.biases or ()))
        if reason is not None:
            raise ValueError(f"Argument 'prime': the point does not reduce faithfully ({reason}).")
        primes = (prime,)
    dres = dimension_result if dimension_result is not None else _dimension(architecture, seed=seed)
    dimV, bound = dres.dimension, dres.upper_bound
    A = architecture.ambient_dimension
    R = min(A, 3 * bound + 8) if rows is None else int(rows)
    if R < 1:
        raise ValueError(f"Argument 'rows' must be >= 1, got {rows!r}.")
    if not (isinstance(curves, (int, np.integer)) and not isinstance(curves, bool)) and not (
            isinstance(curves, (list, tuple)) and curves):
        raise TypeError(f"Argument 'curves' must be a positive int or a list of curves, not {curves!r}.")
    found = [_limits_at(architecture, point, p, R, curves, curve_degree, fiber, fiber_curves, seed) for p in primes]
    # every span and rank below is a lower bound at each prime; the verdict uses the smallest (the most cautious)
    rank0 = min(f[0] for f in found)
    span = min(f[2] for f in found)
    limits = found[0][1]
    prime = primes[0]

    method = "tangent-limits"
    if dres.certified and dimV == A:
        verdict, certified, err, method = False, True, 0.0, "filling"
        evidence = f"V fills its ambient space (dim V = A = {A}, certified): every point is smooth"
    elif span > bound:
        verdict, certified, err = True, True, 0.0
        evidence = (f"tangent limits span {span} > {bound} ≥ dim V ({dres.upper_bound_source}): "
                    "T_q V is too big for a smooth point")
    elif span > dimV:
        verdict, certified, err = True, dres.certified, dres.error_bound
        evidence = f"tangent limits span {span} > dim V = {dimV}"
    elif rank0 == dimV:
        verdict, certified, err = False, False, 0.0
        evidence = (f"rank dφ(W_0) = dim V = {dimV}: φ is a submersion onto a smooth germ at q and all "
                    "limits equal col dφ(W_0); other branches of V through q are not excluded")
    else:
        verdict, certified, err = None, False, 0.0
        evidence = (f"rank dφ(W_0) = {rank0} < dim V = {dimV}, but the limits along {len(limits)} curve(s) "
                    f"span only {span}; try more or higher-degree curves")

    eq = None
    auto = isinstance(equations, str)
    if equations is True or (auto and not certified) or not (auto or equations is None or isinstance(equations, bool)):
        eq = _equation_certificate(architecture, params, equations, equation_degree, seed, DEFAULT_PRIME, dres)
    dim_certified = dres.certified
    if eq is not None and eq.certified:
        if (certified or verdict is True) and verdict is not eq.singular:  # both are proofs: a contradiction is a bug
            raise RuntimeError(f"tangent limits ({evidence}) contradict the Jacobian criterion ({eq.evidence})")
        if not certified:
            evidence = f"{eq.evidence}; tangent limits: {evidence}"
            verdict, certified, err, method = eq.singular, True, 0.0, eq.method
        dim_certified = True  # both certificates prove dim V = δ (jacobian_criterion docstring)
    elif eq is not None:
        evidence = f"{evidence}; Jacobian criterion: {eq.evidence}"
    return SingularityResult(
        architecture=architecture, singular=verdict, span_dimension=span, dimension=dimV,
        dimension_certified=dim_certified, rank_at_point=rank0, curves=limits, certified=certified,
        error_bound=err, evidence=evidence, rows=R, prime=prime, seconds=time.perf_counter() - start,
        method=method, equations=eq, primes=tuple(primes))


def _limits_at(architecture, point, prime, R, curves, curve_degree, fiber, fiber_curves, seed):
    """(rank dφ(W_0), tangent limits, dim of their span with col dφ(W_0)) over F_prime."""
    ns = PrimeField(prime)
    theta0 = as_theta(architecture, point, ns)
    X, C = _functionals(architecture, R, seed, ns)
    if isinstance(curves, (int, np.integer)):  # checked by singular(): 1 <= curves <= MAX_CURVES
        specs = _random_curves(architecture, theta0, int(curves), curve_degree, seed, ns)
    else:
        specs = []
        for i, c in enumerate(curves):
            if isinstance(c, (list, tuple)) and c and np.ndim(c[0]) == 1:
                pts = [theta0] + [as_theta(architecture, v, ns) for v in c[1:]]
            else:
                pts = [theta0, as_theta(architecture, c, ns)]
            specs.append((pts, f"given curve #{i}"))
    specs += _fiber_specs(architecture, theta0, fiber, fiber_curves, curve_degree, seed, ns)
    J0 = jacobian(architecture, theta0, X, ns, projections=C)
    rank0 = rank_mod_p(J0, prime)
    limits = tuple(tangent_limit(architecture, pts, X, C, prime, label, seed=seed + i)
                   for i, (pts, label) in enumerate(specs))
    span = rank_mod_p(np.hstack([J0] + [lim.basis for lim in limits]), prime)
    return rank0, limits, span


def _check_equations_argument(equations) -> None:
    from .jacobian_criterion import ProvenEquations

    if equations is None or isinstance(equations, bool) or (isinstance(equations, str) and equations == "auto"):
        return
    if not isinstance(equations, ProvenEquations):
        raise ValueError("Argument 'equations' must be 'auto', True, False, None or ProvenEquations, "
                         f"not {equations!r}.")


_PROVEN: dict = {}


def _equation_certificate(architecture, params, equations, max_degree, seed, prime, dres):
    """The Jacobian-criterion certificate at φ(params) (jacobian_criterion module), trying degrees
    1..max_degree until one certifies; None when not run (too large, inexact params, no equations)."""
    from ..parametrization.rationals import Rationals
    from .jacobian_criterion import (
        ProvenEquations,
        feasible,
        jacobian_certificate,
        proven_equations,
    )

    if isinstance(equations, ProvenEquations):
        return jacobian_certificate(architecture, params, equations, seed=seed, prime=prime, dimension_result=dres)
    forced = equations is True
    try:
        as_theta(architecture, params, Rationals())
    except (TypeError, ValueError):
        if forced:
            raise ValueError("Argument 'params' must be exact (ints/rationals) for the Jacobian criterion.") from None
        return None
    last = None
    for k in range(1, max_degree + 1):
        if not forced and not feasible(architecture, k):
            break
        key = (architecture, k, seed, prime, dres.dimension)
        try:
            if key not in _PROVEN:
                _PROVEN[key] = proven_equations(architecture, k, seed=seed, prime=prime, dimension_result=dres)
        except (RuntimeError, ValueError, ArithmeticError):  # interpolation unstable / no symbolic expansion
            if forced:
                raise
            return last
        pe = _PROVEN[key]
        if not pe.equations:
            continue
        last = jacobian_certificate(architecture, params, pe, seed=seed, prime=prime, dimension_result=dres)
        if last.certified:
            return last
    return last


@dataclass(frozen=True)
class Thm42Hypotheses:
    """The hypotheses of Razor's Edge Thm 4.2 (docs/math.md §6: "subnetwork strata of MLPs are singular, under
    bottleneck/width conditions and for σ with enough non-zero coefficients"), **our precise reading**,
    each computed for one stratum S of an MLP with widths d, reduced widths d' and neuromanifold V:

    * ``non_filling``: dim V < A (certified).  Necessary: a filling V is an affine space with no singular
      points (a theorem, not a reading).
    * ``proper``: dim φ(S) < dim V — a stratum dense in V contains smooth points (its generic points are
      generic points of V), so the statement is about proper strata (reading).
    * ``connected``: every hidden layer of the reduced network keeps a neuron (d'_ℓ ≥ 1), otherwise f is
      constant — the bottleneck condition (reading).
    * ``identifiable``: dim V = N − (rescaling symmetries), i.e. finite generic fibres — the width
      condition under which the paper proves identifiability and builds its singularity argument
      (reading).
    * ``enough_coefficients``: every hidden σ has ≥ 2 non-zero coefficients in degrees ≥ 2 (reading of
      "σ with enough non-zero coefficients"; monomials z^r are homogeneous, with the extra rescaling
      symmetries the generic-σ argument excludes — they are covered by the Occam's razor paper instead).

    ``prediction``: True (singular) when all hold; False (smooth) when ``non_filling`` fails (theorem);
    None (the theorem says nothing) otherwise."""

    non_filling: bool | None
    proper: bool
    connected: bool
    identifiable: bool
    enough_coefficients: bool

    @property
    def holds(self) -> bool:
        return bool(self.non_filling and self.proper and self.connected and self.identifiable
                    and self.enough_coefficients)

    @property
    def prediction(self) -> bool | None:
        if self.non_filling is False:
            return False
        return True if self.holds else None

    def failing(self) -> list[str]:
        return [k for k in ("non_filling", "proper", "connected", "identifiable", "enough_coefficients")
                if not getattr(self, k)]

    def to_dict(self) -> dict:
        return {"non_filling": self.non_filling, "proper": self.proper, "connected": self.connected,
                "identifiable": self.identifiable, "enough_coefficients": self.enough_coefficients,
                "holds": self.holds, "prediction": self.prediction, "reading": True}


def thm42_hypotheses(architecture, stratum, dimension_result) -> Thm42Hypotheses:
    """Compute the (reading of the) Thm 4.2 hypotheses for one subnetwork stratum; see
    :class:`Thm42Hypotheses`."""
    dres = dimension_result
    A = architecture.ambient_dimension
    non_filling = (dres.dimension < A) if dres.certified else (True if dres.upper_bound < A else None)
    proper = stratum.dimension < dres.dimension
    connected = all(w >= 1 for w in stratum.reduced_widths[1:-1])
    identifiable = bool(dres.identifiable)
    enough = all(sum(1 for k in act.support if k >= 2) >= 2 for act in architecture.activations)
    return Thm42Hypotheses(non_filling, proper, connected, identifiable, enough)


@dataclass(frozen=True)
class StratumSingularity:
    """One row of :func:`subnetwork_singularity_table`: a random point of a subnetwork stratum tested,
    the computed Thm 4.2 hypotheses and whether the prediction agrees with the certified verdict."""

    stratum: object
    result: SingularityResult
    expectation: str
    hypotheses: Thm42Hypotheses | None = None

    @property
    def prediction(self) -> bool | None:
        return None if self.hypotheses is None else self.hypotheses.prediction

    @property
    def agrees(self) -> bool | None:
        """The certified verdict matches the prediction (None: no prediction, or verdict not certified)."""
        if self.prediction is None or not self.result.certified:
            return None
        return self.result.singular is self.prediction

    def to_dict(self) -> dict:
        return {"stratum": self.stratum.label, "reduced_widths": list(self.stratum.reduced_widths),
                "codimension": self.stratum.codimension, "verdict": self.result.verdict,
                "certified": self.result.certified, "method": self.result.method,
                "span_dimension": self.result.span_dimension,
                "dimension": self.result.dimension, "rank_at_point": self.result.rank_at_point,
                "expectation": self.expectation,
                "hypotheses": None if self.hypotheses is None else self.hypotheses.to_dict(),
                "prediction": self.prediction, "agrees": self.agrees}


def subnetwork_singularity_table(architecture, seed: int = 0, curves: int = 3) -> list[StratumSingularity]:
    """For every subnetwork stratum of an MLP (:func:`~neuromanifold.geometry.mlp_strata.subnetwork_strata`)
    run :func:`singular` at a random point of the stratum, compute the Thm 4.2 hypotheses
    (:class:`Thm42Hypotheses`, our reading of docs/math.md §6) and compare the prediction with the verdict.

    ``agrees``: True/False when there is a prediction and a certified verdict; None otherwise.  A
    singular verdict outside the hypotheses is no contradiction (the theorem gives sufficient
    conditions)."""
    from .dimension import dimension as _dimension
    from .mlp_strata import subnetwork_strata

    dres = _dimension(architecture, seed=seed)
    rows = []
    for i, stratum in enumerate(subnetwork_strata(architecture)):
        point = stratum.random_point(seed=seed + i)
        res = singular(architecture, point, curves=curves, seed=seed, dimension_result=dres)
        hyp = thm42_hypotheses(architecture, stratum, dres)
        if hyp.prediction is False:
            expect = "smooth (V fills its ambient space)"
        elif not hyp.proper:
            expect = "stratum dense in V: generic points smooth"
        elif hyp.prediction:
            expect = "singular (Razor's Edge Thm 4.2; hypotheses hold in our reading)"
        else:
            expect = "no prediction (Thm 4.2 hypotheses fail in our reading: " + ", ".join(hyp.failing()) + ")"
        rows.append(StratumSingularity(stratum, res, expect, hyp))
    return rows
