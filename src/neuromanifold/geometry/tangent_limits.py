"""Limits of tangent spaces along curves in parameter space (docs/math.md §6, Razor's Edge).

Along a polynomial curve W(t) = Σ_k t^k W_k with W(0) = W_0, the column spaces col dφ(W(t)) are the tangent
spaces of V at φ(W(t)) for generic t, so their limit Λ = lim_{t→0} col dφ(W(t)) lies in T_q V at q = φ(W_0).
J(t) = d(ev ∘ φ)(W(t)) with R projected evaluations is a matrix polynomial of degree ≤ e·(deg of the curve),
e = deg_θ f − 1 (:func:`~neuromanifold.geometry.bounds.degree_bound`): it is evaluated with the one network
algebra at e·deg + 1 values of t, interpolated exactly, and its limit column space is the order-by-order
echelon of :mod:`~neuromanifold.geometry.series`.  The curves: random ones through W_0, given ones, and
curves through other points of the fibre φ^{−1}(q) (:mod:`~neuromanifold.geometry.fibers`), whose limits
the tangent cone also collects.  :mod:`~neuromanifold.geometry.singularity` turns the limits into a verdict.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from ..limits import check_prime
from ..parametrization import DEFAULT_PRIME, PrimeField, as_theta, evaluate, jacobian, random_functionals
from ..randomness import stream
from .bounds import degree_bound
from .rank import rank_mod_p, schwartz_zippel
from .series import interpolate_matrix_polynomial, limit_column_space

__all__ = ["TangentLimit", "tangent_limit", "limits_at"]


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


def tangent_limit(architecture, curve, X, C, prime: int | PrimeField = DEFAULT_PRIME, label: str = "curve",
                  rank_trials: int = 2, seed: int = 0) -> TangentLimit:
    """The limit Λ of col dφ(W(t)) as t → 0 for the polynomial curve W(t) = Σ_k t^k curve[k].

    docs/math.md §6: Λ ⊆ T_q V at q = φ(W_0), computed exactly as the limit of the column space of dφ(W(t)) over
    F_p((t)).

    ``curve`` is a list of flat parameter vectors (curve[0] = W_0), exact (ints/rationals) or already
    in F_p; ``X`` (R × d_0) and ``C`` (R × d_L) give the projected evaluations.  See the module
    docstring of :mod:`~neuromanifold.geometry.series` for the algorithm and its stopping order."""
    prime = check_prime(prime)
    ns = PrimeField(prime)
    if not isinstance(curve, (list, tuple)) or not curve:
        raise ValueError("Argument 'curve' must be a non-empty list of parameter vectors (W_0, W_1, …).")
    pts = [as_theta(architecture, w, ns) for w in curve]
    cdeg = len(pts) - 1
    e = max(degree_bound(architecture) - 1, 0) * max(cdeg, 1)
    ts = list(range(e + 1))

    def at(t: int) -> np.ndarray:
        theta = pts[0].copy()
        for k in range(1, len(pts)):
            theta = ns.add(theta, ns.mul(pts[k], pow(t, k, prime)))
        return jacobian(architecture, theta, X, ns, projections=C)

    values = [at(t) for t in ts]
    coeffs = interpolate_matrix_polynomial(values, ts, prime)
    rng = stream(seed, "tangent.rank")
    ranks = []
    for _ in range(rank_trials):
        t = int(rng.integers(e + 1, prime))
        ranks.append(rank_mod_p(at(t), prime))
    rho = max(ranks + [rank_mod_p(v, prime) for v in values])
    # a ρ × ρ minor of J(t) has degree ≤ ρ·e in t: a random t misses its rank with prob ≤ ρe/p
    err = schwartz_zippel(rho + 1, e, prime, rank_trials) if rho < min(X.shape[0], architecture.n_params) else 0.0
    lim = limit_column_space(coeffs, prime, rho)
    return TangentLimit(lim.basis, rho, lim.order, lim.complete, err, label, cdeg)


def _random_curves(architecture, theta0, count: int, degree: int, seed: int, ns: PrimeField):
    out = []
    for i in range(count):
        rng = stream(seed, "tangent.curves", i)
        out.append(([theta0] + [ns.random(rng, architecture.n_params) for _ in range(degree)],
                     f"random degree-{degree} curve #{i}"))
    return out


def _fiber_specs(architecture, theta0, fiber, per_point: int, degree: int, seed: int, ns: PrimeField):
    from .fibers import fiber_points

    if fiber is None:
        return []
    if isinstance(fiber, str):
        if fiber != "auto":
            raise ValueError(f"Argument 'fiber' must be 'auto', None or a list of parameter points, not {fiber!r}.")
        points = fiber_points(architecture, theta0, 4, seed, ns)
    else:
        rng = stream(seed, "tangent.fiber_check")
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
            rng = stream(seed, "tangent.fiber_curves", j, c)
            specs.append(([theta] + [ns.random(rng, architecture.n_params) for _ in range(degree)],
                          f"{label} / curve {c}"))
    return specs


def limits_at(architecture, point, prime, R, curves, curve_degree, fiber, fiber_curves, seed):
    """(rank dφ(W_0), tangent limits, dim of their span with col dφ(W_0)) over F_prime."""
    ns = PrimeField(prime)
    theta0 = as_theta(architecture, point, ns)
    X, C = random_functionals(architecture, R, ns, stream(seed, "tangent.functionals"))
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
