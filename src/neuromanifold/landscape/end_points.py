"""Where training ended: unit norms, the nearby coordinate stratum, refinement on it, and the rank there.

docs/math.md §4, §6: an end point near an inactive MLP neuron (or a zero-padded CNN filter) is snapped onto that
coordinate stratum and refined towards a critical point of the reduced problem; a vanishing gradient in the
snapped coordinates means training ended on a subnetwork critical point of the full loss (critical exposure).
The tolerance notion is that of :mod:`neuromanifold.geometry.proximity`.
"""

from __future__ import annotations

import math

import numpy as np

from ..architectures import Parameters
from ..architectures.cnn import is_cnn
from ..parametrization import Float64, evaluate, layer_matrices, to_rationals

__all__ = ["unit_norms", "unit_labels", "snap_candidates", "refine_on_stratum", "analyse_end_point", "point_rank",
           "CATEGORIES"]


def unit_labels(arch) -> list[str]:
    if is_cnn(arch):
        return [f"w{ell + 1}[{t}]" for ell, k in enumerate(arch.filters) for t in range(k)]
    return [f"layer {ell + 1} neuron {i}" for ell, d in enumerate(arch.hidden_widths) for i in range(d)]


def unit_norms(arch, theta: np.ndarray) -> np.ndarray:
    """MLP: per hidden neuron √(‖incoming row‖² + ‖outgoing column‖²); CNN: |w_{ℓ,t}| per filter entry.

    Small unit norms flag nearby subnetworks: inactive MLP neurons (docs/math.md §4) or zero-padded CNN filters
    (docs/math.md §6).
    """
    theta = np.asarray(theta, dtype=np.float64)
    if is_cnn(arch):
        return np.abs(theta[: sum(arch.filters)]) if not arch.bias else np.abs(
            np.concatenate([theta[o : o + k] for o, k in zip(arch.offsets, arch.filters)]))
    mats = layer_matrices(arch, theta, Float64())
    norms = []
    for ell in range(len(arch.hidden_widths)):
        inc = np.sum(mats[ell] ** 2, axis=1)
        out = np.sum(mats[ell + 1][:, : arch.layers[ell + 1].in_dim] ** 2, axis=0)
        norms.append(np.sqrt(inc + out))
    return np.concatenate(norms)


def _cnn_detect(arch, theta, tol):
    """Zero-padded filters (entries ≤ tol · ‖w_ℓ‖, the layer scale of geometry.proximity) via :func:`~neuromanifold.geometry.strata.cnn.detect_padding`:
    (description, coordinates of θ that vanish on the stratum)."""
    from ..geometry.strata.cnn import detect_padding

    pad = detect_padding(Parameters.unflatten(arch, theta), tol, relative=True)
    if pad.is_generic:
        return "no zero-padded filter", []
    filters, pos = [], 0
    for layer, k in zip(arch.layers, arch.filters):
        filters.extend(range(pos, pos + k))
        pos += layer.n_params
    zeros = sorted(set(filters) - set(pad.free_indices.tolist()))
    return f"zero-padded filters {pad.label}", zeros


def snap_candidates(arch, theta, tol: float) -> tuple[list[int], str, list[tuple[int, int]]]:
    """Coordinates Z of a nearby coordinate stratum, its description and its inactive MLP neurons (ℓ, i).

    The candidate strata are those of docs/math.md §4 (inactive neurons) and §6 (zero-padded filters), with the
    tolerance notion of :mod:`neuromanifold.geometry.proximity` (shared with ``detect_subnetwork`` and the
    point-wise commands): MLP — a hidden neuron whose outgoing column or incoming weights are within
    tol × (its layer's scale) of zero is taken inactive, and its incoming row, bias and outgoing column go to Z
    (the coordinate stratum, invariant under the gradient flow when σ(0) = 0); CNN — leading/trailing filter
    entries ≤ tol · ‖w_ℓ‖ (zero padding).  Redundant neurons are not coordinate strata; ``detect_subnetwork``
    reports them beside."""
    theta = np.asarray(theta, dtype=np.float64)
    if is_cnn(arch):
        detail, zeros = _cnn_detect(arch, theta, tol)
        return zeros, detail, []
    from ..geometry.proximity import events

    small = sorted({(e.layer, e.units[0]) for e in events(Parameters.unflatten(arch, theta), within=0.0)
                    if e.kind in ("inactive-out", "inactive-in") and e.relative_distance <= tol})
    zeros, parts = set(), []
    for ell, i in small:
        parts.append(f"layer {ell} neuron {i}")
        zeros |= set(arch.neuron_coordinates(ell, i))
    return sorted(zeros), ("small neurons: " + ", ".join(parts)) if parts else "no small neuron", small


def refine_on_stratum(arch, X, Y, theta, zeros, max_iter: int = 400):
    """Snap θ_Z := 0, minimise the loss over the free coordinates and return (θ, ∇L(θ), L(θ)) at the refined
    point — or at the snapped point if the refinement did not lower the loss.  ``zeros = ()`` polishes θ in
    the full parameter space.  This is the exposure test of :mod:`.exposure` applied at the end point of
    training.

    The loss is a sum of squares, L(θ) = (1/m)|r(θ)|² with r = f_θ(X) − Y, so the minimiser is
    Levenberg–Marquardt (``scipy.optimize.least_squares(method="lm")``) on r restricted to the free
    coordinates, with the Jacobian of the network algebra (:func:`~neuromanifold.parametrization.jacobian`
    over float64): quadratic convergence at a non-degenerate critical point of the reduced problem, where
    first-order methods (and L-BFGS, used here before) stalled at |∇L| ≈ 10⁻³.  ``max_iter`` bounds the number
    of Jacobian evaluations.

    docs/math.md §6: a zero gradient there means the stratum carries a critical point of the full loss (critical
    exposure).
    """
    from scipy.optimize import least_squares

    from ..parametrization import jacobian
    from .objective import mse_and_gradient

    ns = Float64()
    X, Y = np.asarray(X, dtype=np.float64), np.asarray(Y, dtype=np.float64)
    m = X.shape[0]
    mask = np.ones(arch.n_params, dtype=bool)
    mask[list(zeros)] = False
    base = np.where(mask, np.asarray(theta, dtype=np.float64), 0.0)
    scale = 1.0 / math.sqrt(m)

    def full(free):
        th = base.copy()
        th[mask] = free
        return th

    def at(th):
        value, grad = mse_and_gradient(arch, th, X, Y)
        return th, grad, value

    snapped = at(base)
    if not mask.any():
        return snapped
    with np.errstate(all="ignore"):
        try:
            fit = least_squares(lambda f: scale * (evaluate(arch, full(f), X, ns) - Y).ravel(), base[mask],
                                jac=lambda f: scale * jacobian(arch, full(f), X, ns)[:, mask], method="lm",
                                xtol=1e-15, ftol=1e-15, gtol=1e-15, max_nfev=max_iter)
        except (ValueError, np.linalg.LinAlgError):  # non-finite residuals: the reduced problem ran away
            return snapped
        refined = at(full(fit.x))
    ok = math.isfinite(refined[2]) and np.all(np.isfinite(refined[1])) and refined[2] <= snapped[2]
    return refined if ok else snapped


#: With ``exact_inertia``, end points of networks with at most this many parameters also get the exact Hessian
#: inertia over ℚ (about 2 s per run for MLP (3,4,1): the default study took 5 min 8 s with it, 2 min 46 s without).
EXACT_INERTIA_PARAMETERS = 16

CATEGORIES = ("subnetwork minimum", "subnetwork saddle", "subnetwork degenerate", "zero network", "off subnetwork",
              "not converged", "at infinity", "diverged")


def analyse_end_point(arch, X, Y, theta, tol: float, seed: int = 0, crit_tol: float = 1e-7,
                      bound: float = 100.0, near: float = 0.25, exact_inertia: bool = False) -> dict:
    """Where a training run ended, as one of :data:`CATEGORIES`.

    ``diverged``: non-finite; ``at infinity``: a coordinate beyond ``bound`` (the loss decreases along a path to
    infinity); ``zero network``: an output below ``tol``·max|y| with weights below 1 — the run stalls on the
    plateau at θ = 0 (f ≡ 0, a stratum of every architecture, excluded by Prop 4.5; σ(0) = σ'(0) = 0 makes it a
    critical point, classified like the others).  Units below ``tol`` (relative, :func:`snap_candidates`) are snapped to 0 and the free coordinates
    refined (:func:`refine_on_stratum`, Levenberg–Marquardt, which turns a slowly converging end point into the
    critical point it approaches on the stratum): if the full gradient vanishes there (sup-norm ≤ ``crit_tol``),
    the run ends on the subnetwork (its distance from where training stopped is reported: a run that stalls on
    a plateau near the stratum is still moving along it) — a critical point of the full
    loss on the stratum (docs/math.md §6: MLP strata are gradient-invariant since σ(0) = 0, CNN strata are not,
    Razor's Edge Prop 4.5) — and :func:`~neuromanifold.landscape.classify.classify_critical_point` names it a
    minimum, saddle or degenerate point of the full network.  Otherwise θ is polished in the full space: a
    critical point within ``near``·max(1, |θ|) of where training stopped is ``off subnetwork``; anything else (the gradient does not vanish, or
    the nearest critical point is far from where training stopped) is ``not converged``.
    """
    from .classify import classify_critical_point

    theta = np.asarray(theta, dtype=np.float64)
    out = {"category": "diverged", "stratum": None, "units": [], "near": False, "distance": None, "loss": None,
           "gradient": None, "theta": None, "type": None}
    if not np.all(np.isfinite(theta)):
        return out
    if float(np.max(np.abs(theta))) > bound:
        return {**out, "category": "at infinity"}
    reach = near * max(1.0, float(np.linalg.norm(theta)))
    zeros, detail, units = snap_candidates(arch, theta, tol)
    f = evaluate(arch, theta, np.asarray(X, dtype=np.float64), Float64())
    if float(np.max(np.abs(f))) <= tol * float(np.max(np.abs(Y))) and float(np.max(np.abs(theta))) <= 1.0:
        # f_θ ≈ 0 with weights of the initial scale: the run stalls on the plateau at θ = 0, the zero network,
        # a stratum of MLPs and CNNs alike (f ≡ 0, where Prop 4.5 does not speak): its own category
        th = np.zeros(arch.n_params)
        units = [] if is_cnn(arch) else [(ell, i) for ell in range(1, arch.depth) for i in range(arch.layers[ell - 1].out_dim)]
        _, g, loss = refine_on_stratum(arch, X, Y, th, range(arch.n_params))
        kind = classify_critical_point(arch, X, Y, th, units=units, seed=seed) if not np.any(g) else None
        out.update(category="zero network", stratum="the zero network (θ = 0: every unit inactive)", near=True,
                   loss=loss, gradient=float(np.max(np.abs(g))), theta=th.tolist(),
                   distance=float(np.linalg.norm(theta)), type=kind.to_dict() if kind else None)
        return out
    out.update(category="not converged", stratum=detail, near=bool(zeros))
    if zeros:
        th, g, loss = refine_on_stratum(arch, X, Y, theta, zeros)
        gmax, dist = float(np.max(np.abs(g))), float(np.linalg.norm(th - theta))
        if gmax <= crit_tol and float(np.max(np.abs(th))) <= bound:
            kind = classify_critical_point(arch, X, Y, th, units=units, seed=seed,
                                           exact_inertia=exact_inertia and arch.n_params <= EXACT_INERTIA_PARAMETERS)
            out.update(category=f"subnetwork {kind.kind}", loss=loss, gradient=gmax, theta=th.tolist(), distance=dist,
                       type=kind.to_dict(), units=[list(u) for u in units])
            return out
    th, g, loss = refine_on_stratum(arch, X, Y, theta, (), max_iter=200)
    if not (np.all(np.isfinite(th)) and math.isfinite(loss)):
        return out
    gmax, dist = float(np.max(np.abs(g))), float(np.linalg.norm(th - theta))
    out.update(loss=loss, gradient=gmax, distance=dist, theta=th.tolist())
    if gmax <= crit_tol and dist <= reach:
        out["category"] = "off subnetwork"
    return out


def point_rank(arch, theta, seed: int = 0):
    """rank dφ(θ) at a float end point, by :func:`~neuromanifold.geometry.criticality.rank_at_point` (the one
    rank-at-a-point routine) at θ rationalised to denominators ≤ 2^20: a
    :class:`~neuromanifold.geometry.criticality.PointRank` whose ``critical`` (rank < dim V, docs/math.md §5) is
    certified when its ``certified`` says so — exact kernels over ℚ, not only a mod-p lower bound."""
    from ..geometry.criticality import rank_at_point

    q = Parameters.unflatten(arch, to_rationals(np.asarray(theta, dtype=float), 2**20))
    return rank_at_point(q, seed=seed, kernel=False)
