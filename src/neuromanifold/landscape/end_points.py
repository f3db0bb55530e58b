"""Where training ended: unit norms, the nearby coordinate stratum, refinement on it, and the rank there.

docs/math.md §4, §6: an end point near an inactive MLP neuron (or a zero-padded CNN filter) is snapped onto that
coordinate stratum and refined towards a critical point of the reduced problem; a vanishing gradient in the
snapped coordinates means training ended on a subnetwork critical point of the full loss (critical exposure).
The tolerance notion is that of :mod:`neuromanifold.geometry.proximity`.
"""

from __future__ import annotations

import math
from fractions import Fraction

import numpy as np

from ..architectures import Parameters
from ..architectures.cnn import is_cnn
from ..parametrization import Float64, layer_matrices, require_torch
from ..randomness import stream
from .objective import mse

__all__ = ["unit_norms", "unit_labels", "snap_candidates", "refine_on_stratum", "detect_end_point", "rank_at"]


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


def snap_candidates(arch, theta, tol: float) -> tuple[list[int], str]:
    """Coordinates Z of a nearby coordinate stratum and its description.

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
        return zeros, detail
    from ..geometry.proximity import events

    small = sorted({(e.layer, e.units[0]) for e in events(Parameters.unflatten(arch, theta), within=0.0)
                    if e.kind in ("inactive-out", "inactive-in") and e.relative_distance <= tol})
    zeros, parts = set(), []
    for ell, i in small:
        parts.append(f"layer {ell} neuron {i}")
        zeros |= set(arch.neuron_coordinates(ell, i))
    return sorted(zeros), ("small neurons: " + ", ".join(parts)) if parts else "no small neuron"


def refine_on_stratum(arch, X, Y, theta, zeros, max_iter: int = 400):
    """Snap θ_Z := 0, minimise the loss over the free coordinates (L-BFGS, strong Wolfe), and return
    (θ, ∇L(θ), L(θ)) at the refined point — or at the snapped point if the refinement did not lower the
    loss.  This is the exposure test of :mod:`.exposure` applied at the end point of training.

    docs/math.md §6: a zero gradient there means the stratum carries a critical point of the full loss (critical
    exposure).
    """
    torch = require_torch()
    Xt, Yt = torch.as_tensor(X), torch.as_tensor(Y)
    mask = np.ones(arch.n_params, dtype=bool)
    mask[list(zeros)] = False
    free_idx = torch.as_tensor(np.nonzero(mask)[0])
    base = torch.tensor(np.where(mask, theta, 0.0))
    free = base[free_idx].clone().requires_grad_(True)
    opt = torch.optim.LBFGS([free], lr=1.0, max_iter=max_iter, tolerance_grad=1e-14, tolerance_change=1e-16,
                            history_size=50, line_search_fn="strong_wolfe")

    def full(f):
        th = base.clone()
        th[free_idx] = f
        return th

    def closure():
        opt.zero_grad()
        loss = mse(arch, full(free), Xt, Yt)
        loss.backward()
        return loss

    def evaluate_at(f):
        th = full(f.detach()).requires_grad_(True)
        loss = mse(arch, th, Xt, Yt)
        loss.backward()
        return th.detach().numpy().copy(), th.grad.numpy().copy(), float(loss.detach())

    snapped = evaluate_at(free)
    try:
        opt.step(closure)
        refined = evaluate_at(free)
    except RuntimeError:  # pragma: no cover - numerical breakdown in the line search
        return snapped
    ok = math.isfinite(refined[2]) and np.all(np.isfinite(refined[1])) and refined[2] <= snapped[2]
    return refined if ok else snapped



def detect_end_point(arch, X, Y, theta, tol: float, crit_tol: float = 1e-6) -> dict:
    """Does training end on a subnetwork?

    ``near``: some unit is below ``tol`` (relative).  ``critical``: after snapping those units to 0 and
    refining the free coordinates towards a critical point of the reduced network, the gradient in the
    snapped coordinates vanishes (sup-norm ≤ ``crit_tol``): the stratum S is invariant under the gradient
    flow there, and critical points of the reduced network lift to critical points of the full one
    (MLP: always, σ(0) = 0; CNN: only on a measure-zero set of data, Razor's Edge Prop 4.5).
    ``grad_free`` reports how far the reduced problem is from critical."""
    zeros, detail = snap_candidates(arch, theta, tol)
    out = {"near": bool(zeros), "critical": False, "detail": detail, "zeros": zeros, "theta": None,
           "grad_free": None, "grad_removed": None, "mlp_report": None}
    if not is_cnn(arch):
        from ..geometry.subnetworks import detect_subnetwork

        out["mlp_report"] = detect_subnetwork(Parameters.unflatten(arch, np.asarray(theta, float)), tol=tol).summary()
    if not zeros:
        return out
    th, g, _ = refine_on_stratum(arch, X, Y, theta, zeros)
    mask = np.zeros(arch.n_params, dtype=bool)
    mask[zeros] = True
    gf, gr = float(np.max(np.abs(g[~mask]), initial=0.0)), float(np.max(np.abs(g[mask])))
    out.update(theta=th, grad_free=gf, grad_removed=gr, critical=bool(gr <= crit_tol))
    out["detail"] = (f"{detail}; on the stratum: |∇_removed L| = {gr:.1e} "
                     f"({'invariant' if gr <= crit_tol else 'not invariant'}), |∇_free L| = {gf:.1e}")
    return out


def rank_at(arch, theta, seed: int = 0) -> int:
    """rank over F_p of the projected Jacobian at the rationalised point θ and random inputs (lower bound on
    rank dφ(θ) over ℚ; equal to it with high probability).

    docs/math.md §2, §5: a mod-p rank at integer points is a lower bound; rank < dim V means critical for φ.
    """
    from ..geometry import rank_mod_p
    from ..parametrization import PrimeField, jacobian, point_primes

    q = Parameters.unflatten(arch, np.array([Fraction(float(v)).limit_denominator(2**20) for v in theta], dtype=object))
    (p,) = point_primes(q, seed, count=1)  # a random prime at which the rationalised point is faithful
    ns = PrimeField(p)
    th = ns.asarray(q.flatten())
    rng = stream(seed, "end_points.exact")
    m = arch.n_params + 1
    X = ns.random(rng, (m, arch.input_dim))
    C = ns.random(rng, (m, arch.output_dim))
    return rank_mod_p(jacobian(arch, th, X, ns, projections=C), p)
