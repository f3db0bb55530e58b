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
from dataclasses import dataclass

import numpy as np

from ..architectures import Parameters
from ..limits import MAX_CURVES, check_count, check_prime, check_seed
from ..parametrization import (
    DEFAULT_PRIME,
    PrimeField,
    as_theta,
    point_primes,
)
from ..results import Known, Result
from .tangent_limits import TangentLimit, limits_at, tangent_limit

__all__ = ["SingularityResult", "singular", "tangent_limit", "TangentLimit"]


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

    @property
    def known(self) -> Known:
        """How the verdict is known: certified, probabilistic with ``error_bound``, or unproven (undecided)."""
        if self.singular is None:
            return Known("unproven", self.method)
        return Known.from_certificate(self.certified, self.error_bound, self.method)

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
            "known": self.known.to_dict(),
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


def singular(architecture, params, curves=4, curve_degree: int = 1, seed: int = 0, prime: int | PrimeField | None = None,
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
    prime = check_prime(prime)
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
    found = [limits_at(architecture, point, p, R, curves, curve_degree, fiber, fiber_curves, seed) for p in primes]
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
