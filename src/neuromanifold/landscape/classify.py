"""Is a critical point of the square loss on a subnetwork a minimum or a saddle of the *full* network?

Razor's Edge leaves this open (docs/math.md §6).  At a point θ* of a coordinate stratum S (inactive MLP
neurons, zero-padded CNN filters) where ∇L(θ*) = 0, :func:`classify_critical_point` decides, in this order:

1. **global minimum** — L(θ*) = 0 up to ``floor``: L ≥ 0 everywhere.
2. **strict saddle** — the Hessian H = ∇²L(θ*) has an eigenvalue below −cut (second-order test).
3. **higher-order saddle** — for an inactive MLP neuron i of layer ℓ (incoming row w, outgoing column a, both
   zero at θ*), L(θ*_free, w, a = 0) = L(θ*) for every w, because the neuron's output is multiplied by a = 0.
   Its a-gradient there is g(w) = ∇_a L(θ*_free, w, 0) = (2/m) Σ_j J_j^T r_j σ(w·h_j + b), a polynomial in w (r
   the residual, J_j the derivative of f at x_j with respect to the neuron's output, h_j its input).  If g ≢ 0,
   then g(w) ≠ 0 at points w arbitrarily close to 0 and a = −ε g(w) gives
   L = L(θ*) − ε|g(w)|² + O(ε²) < L(θ*) arbitrarily close to θ*: **θ* is not a local minimum**, although for
   σ'(0) = 0 the Hessian is positive semidefinite there (a non-strict saddle, which gradient descent can reach
   from a set of initialisations of positive measure).  g ≢ 0 is tested at random w of the layer's scale, by
   the cosine ρ = |g(w)| / ((2/m) |r| ‖J_a‖) against ``rho_tol``.  At θ* = 0 (every unit inactive; deep
   networks from a small initialisation stall there) the same argument runs along rays: f_(td) = t^k g_d + O(t^{k+1})
   and the output layer is linear, so ⟨r, f_(td)⟩ ≠ 0 for a random d gives descent along +d or −d.
4. **strict minimum modulo the fibre** — H restricted to the complement of ker dφ(θ*) (the tangent of the
   fibre through θ*, e.g. the rescalings of a monomial activation: the loss is constant along the fibre)
   is positive definite, and S has no inactive MLP neuron (whose fibre {a = 0} ∪ {w = 0} is not smooth).
5. **local search** — otherwise the loss is evaluated on ``starts`` seeded rays θ* ± t·d (t = 1, 10 × ``radius``
   · max(1, |θ*|)) and the perturbations at radius t are polished (Levenberg–Marquardt); a loss below L(θ*) − δ
   within 10× the radius is a saddle, none is a minimum
   (numerical: "no descent found").  If H has a kernel outside the fibre and no descent is found the point is
   **degenerate** (undecided).

Verdicts are numerical (float64 Hessian, tolerances and the eigenvalue gap stated in ``how``), except "global
minimum" at L = 0 exactly and, with ``exact=True``, rules 2 and 3 decided over ℚ at a point that is exactly critical
(certified).
"""

from __future__ import annotations

import math
from dataclasses import asdict, dataclass, replace

import numpy as np

from ..architectures.cnn import is_cnn
from ..parametrization import Float64, evaluate, jacobian
from ..parametrization.rationals import Rationals, to_rationals
from ..randomness import stream
from ..results import Known, Result

__all__ = ["CriticalPointType", "classify_critical_point", "loss_hessian"]

@dataclass(frozen=True)
class CriticalPointType(Result):
    """``kind`` (minimum / saddle / degenerate), ``order`` (2: a negative Hessian eigenvalue; 3: the
    higher-order descent of rule 3; 0 otherwise), ``rule`` (1–5 of the module docstring), the Hessian
    eigenvalue range off the fibre with the cut used, and ``how`` in words.  Numerical unless ``certified``."""

    kind: str
    order: int
    rule: int
    loss: float
    min_eigenvalue: float
    cut: float
    fibre_dimension: int
    how: str
    certified: bool = False
    exact_inertia: tuple | None = None  # (n₊, n₋, n₀) of the exact Hessian at the rationalised point, if computed

    @property
    def known(self) -> Known:
        """Certified (exact rules over ℚ), else numerical with the Hessian eigenvalue ``cut``."""
        return Known.from_tolerance(self.certified, self.cut, self.how)

    def to_dict(self) -> dict:
        return {**asdict(self), "error_bound": self.known.error_bound, "known": self.known.to_dict()}

    def summary(self) -> str:
        return f"{self.kind} ({self.how})"


def loss_hessian(arch, X, Y, theta) -> np.ndarray:
    """∇²L(θ) of L = (1/m) Σ |f_θ(x_i) − y_i|² in float64 (torch autograd through the network algebra)."""
    from ..parametrization import require_torch
    from .objective import mse

    torch = require_torch()
    Xt, Yt = torch.as_tensor(np.asarray(X, dtype=np.float64)), torch.as_tensor(np.asarray(Y, dtype=np.float64))
    th = torch.as_tensor(np.asarray(theta, dtype=np.float64))
    H = torch.autograd.functional.hessian(lambda t: mse(arch, t, Xt, Yt), th)
    H = H.numpy()
    return (H + H.T) / 2


def _fibre_basis(arch, theta, rng, rtol: float = 1e-9) -> np.ndarray:
    """An orthonormal basis of ker dφ(θ) (numerical: Jacobian at 2N + 4 random inputs, singular values below
    rtol · the largest count as zero)."""
    ns = Float64()
    P = rng.standard_normal((2 * arch.n_params + 4, arch.input_dim))
    J = jacobian(arch, np.asarray(theta, dtype=np.float64), P, ns)
    _, s, vt = np.linalg.svd(J, full_matrices=True)
    rank = int(np.sum(s > rtol * max(s[0], 1e-300))) if s.size else 0
    return vt[rank:].T


def _neuron_rho(arch, X, Y, theta, ell: int, i: int, rng, trials: int = 3) -> float:
    """max over random w of the cosine ρ = |g(w)| / ((2/m)|r| ‖J_a‖) of rule 3 for neuron i of hidden layer ℓ
    (1-based), at the stratum point θ (its incoming row and outgoing column zero)."""
    ns = Float64()
    theta = np.asarray(theta, dtype=np.float64)
    incoming = np.asarray(arch.neuron_coordinates(ell, i, "in"))
    outgoing = np.asarray(arch.neuron_coordinates(ell, i, "out"))
    block = np.arange(arch.offsets[ell - 1], arch.offsets[ell])
    others = theta[np.setdiff1d(block, incoming)]
    layer_scale = float(np.sqrt(np.mean(others**2))) if others.size else 1.0
    m = X.shape[0]
    best = 0.0
    for _ in range(trials):
        th = theta.copy()
        th[incoming] = max(layer_scale, 1e-3) * rng.standard_normal(incoming.size)
        r = (evaluate(arch, th, X, ns) - Y).ravel()
        Ja = jacobian(arch, th, X, ns)[:, outgoing]
        g = (2.0 / m) * Ja.T @ r
        denom = (2.0 / m) * float(np.linalg.norm(r)) * float(np.linalg.norm(Ja, 2))
        if denom > 0:
            best = max(best, float(np.linalg.norm(g)) / denom)
    return best


def _zero_rho(arch, X, Y, rng, trials: int = 3, t: float = 1e-2) -> float:
    """max over random directions d of |cos(r, f_{td}(X))| at θ = 0 (r = −Y), the zero-network case of rule 3."""
    best = 0.0
    for _ in range(trials):
        f = evaluate(arch, t * rng.standard_normal(arch.n_params), X, Float64()).ravel()
        denom = float(np.linalg.norm(Y)) * float(np.linalg.norm(f))
        if denom > 0:
            best = max(best, abs(float(f @ Y.ravel())) / denom)
    return best


def _local_search(arch, X, Y, theta, loss, rng, starts: int, radius: float) -> tuple[bool, float]:
    """(descent found, lowest loss): polish ``starts`` perturbations of θ of size radius·max(1, |θ|)."""
    from .end_points import refine_on_stratum

    theta = np.asarray(theta, dtype=np.float64)
    size = radius * max(1.0, float(np.linalg.norm(theta)))
    lowest = loss
    ns = Float64()
    for _ in range(starts):
        d = rng.standard_normal(theta.size)
        d /= np.linalg.norm(d)
        for t in (size, 10 * size):  # the rays θ ± t·d themselves: at a high-order saddle (θ = 0 of a deep net)
            for sign in (1, -1):     # the descent is of order t^k, too flat for the polisher to follow
                r = (evaluate(arch, theta + sign * t * d, X, ns) - Y).ravel()
                lowest = min(lowest, float(r @ r) / X.shape[0])
        start = theta + size * d
        th, _, value = refine_on_stratum(arch, X, Y, start, (), max_iter=100)
        if np.linalg.norm(th - theta) <= 10 * size:
            lowest = min(lowest, value)
    delta = 1e-9 * max(loss, 1e-12)
    return lowest < loss - delta, lowest


def _exact(arch, X, Y, theta, units, rng):
    """Rules 2 and 3 over ℚ at the given point and data, taken exactly (floats are dyadic rationals): a
    :class:`CriticalPointType` with ``certified=True`` if ∇L = 0 exactly there and the Hessian has a negative
    eigenvalue (Sylvester inertia from the characteristic polynomial, :func:`~neuromanifold.landscape.inertia.inertia`)
    or some inactive neuron's g(w) is non-zero at a rational w; otherwise None (the numerical rules decide)."""
    from fractions import Fraction

    from .losses import data_loss

    q = Rationals()
    Xq, Yq, tq = to_rationals(X), to_rationals(Y), to_rationals(theta)
    loss = data_loss(arch, Xq, Yq)  # the mean square loss, as in training
    if any(v != 0 for v in loss.gradient(tq, q)):
        return None
    value = float(loss.value(tq, q)) / len(Xq)
    inert = loss.inertia(tq, q)
    if inert.negative:
        return CriticalPointType("saddle", 2, 2, value, float("nan"), 0.0, 0,
                                 f"strict saddle, certified over ℚ: ∇L = 0 exactly and the Hessian has inertia "
                                 f"(+{inert.positive}, −{inert.negative}, 0×{inert.zero})", True)
    for ell, i in units:
        incoming = list(arch.neuron_coordinates(ell, i, "in"))
        outgoing = list(arch.neuron_coordinates(ell, i, "out"))
        th = tq.copy()
        th[incoming] = [Fraction(int(v)) for v in rng.integers(1, 5, size=len(incoming))]
        g = loss.gradient(th, q)
        if any(g[k] != 0 for k in outgoing):
            return CriticalPointType("saddle", 3, 3, value, float("nan"), 0.0, 0,
                                     f"higher-order saddle, certified over ℚ: ∇L = 0 exactly, Hessian inertia "
                                     f"(+{inert.positive}, −0, 0×{inert.zero}), and g(w) ≠ 0 exactly at a rational w "
                                     f"for inactive neuron {i} of layer {ell}", True)
    return None


def classify_critical_point(arch, X, Y, theta, units=(), seed: int = 0, floor: float = 1e-12,
                            rho_tol: float = 1e-6, cut: float = 1e-6, starts: int = 6,
                            radius: float = 1e-2, grad_tol: float = 1e-6, exact: bool = False,
                            exact_inertia: bool = False) -> CriticalPointType:
    """Minimum, saddle or degenerate for the full loss at a critical point θ (rules 1–5 of the module docstring).

    ``units``: the inactive MLP neurons (ℓ, i) of the stratum θ lies on (ℓ 1-based; ignored for CNNs);
    ``floor``: rule 1 relative to the mean |y|²; ``cut``: Hessian eigenvalues below cut·max(1, max|λ|) in absolute
    value count as zero; ``rho_tol``: rule 3; ``starts``/``radius``: rule 5; a point whose gradient exceeds
    ``grad_tol``·max(1, mean|y|²) is refused (ValueError).  ``exact=True`` first takes point and data as exact
    rationals and decides rules 2 and 3 over ℚ (certified) when the gradient vanishes exactly there — for small
    networks and rational points (planted cases, snapped points); a trained end point is critical only up to
    rounding, so the study uses the numerical rules.  ``exact_inertia=True`` adds the Sylvester inertia of the exact
    Hessian over ℚ at the point and data rationalised (denominators ≤ 2²⁰) as a cross-check (``exact_inertia``;
    about a second for N = 16, m = 32).
    """
    result = _classify(arch, X, Y, theta, units, seed, floor, rho_tol, cut, starts, radius, grad_tol, exact)
    if not exact_inertia or result.certified:
        return result
    from .losses import data_loss

    inert = data_loss(arch, to_rationals(X, 2**20), to_rationals(Y, 2**20)).inertia(to_rationals(theta, 2**20), Rationals())
    agree = (inert.negative > 0) == (result.order == 2) if result.kind == "saddle" else inert.negative == 0
    note = (f"; exact Hessian at the rationalised point: inertia (+{inert.positive}, −{inert.negative}, "
            f"0×{inert.zero}){'' if agree else ' — DISAGREES with the float eigenvalues'}")
    return replace(result, exact_inertia=(inert.positive, inert.negative, inert.zero), how=result.how + note)


def _classify(arch, X, Y, theta, units, seed, floor, rho_tol, cut, starts, radius, grad_tol, exact):
    X, Y = np.asarray(X, dtype=np.float64), np.asarray(Y, dtype=np.float64)
    theta = np.asarray(theta, dtype=np.float64)
    from .objective import mse_and_gradient

    rng = stream(seed, "classify.critical_point")
    loss, grad = mse_and_gradient(arch, theta, X, Y)
    scale = float(np.mean(Y**2)) or 1.0
    if float(np.max(np.abs(grad), initial=0.0)) > grad_tol * max(1.0, scale):
        raise ValueError(f"Argument 'theta' is not a critical point of the loss: |∇L|_∞ = {np.max(np.abs(grad)):.1e} > "
                         f"{grad_tol:g}.")
    if loss <= floor * scale:  # certified only if f_θ(X) = Y exactly over ℚ (a float 0.0 can be an underflow)
        exact_zero = loss == 0.0 and bool(np.all(evaluate(arch, to_rationals(theta), to_rationals(X), Rationals())
                                                 == to_rationals(Y)))
        return CriticalPointType("minimum", 0, 1, loss, 0.0, 0.0, 0,
                                 f"global: L = {loss:.1e} ≤ {floor:g}·mean|y|² and L ≥ 0"
                                 + (" (f_θ(X) = Y exactly over ℚ: certified)" if exact_zero else ""), exact_zero)
    if exact:
        found = _exact(arch, X, Y, theta, () if is_cnn(arch) else tuple(units), rng)
        if found is not None:
            return found
    H = loss_hessian(arch, X, Y, theta)
    lam = np.linalg.eigvalsh(H)
    c = cut * max(1.0, float(np.max(np.abs(lam))))
    K = _fibre_basis(arch, theta, rng)
    if lam[0] < -c:
        return CriticalPointType("saddle", 2, 2, loss, float(lam[0]), c, K.shape[1],
                                 f"strict saddle: Hessian eigenvalue {lam[0]:.2e} < −{c:.1e}")
    if not np.any(theta):  # the zero network: f_{td} = t^k g_d + O(t^{k+1}); the output layer is linear, so
        rho = _zero_rho(arch, X, Y, rng)  # flipping its sign flips f, and ⟨r, f_{td}⟩ ≠ 0 gives descent
        if rho > rho_tol:
            return CriticalPointType("saddle", 3, 3, loss, float(lam[0]), c, K.shape[1],
                                     f"higher-order saddle at θ = 0: the data correlate with f_(td) (ρ = {rho:.1e} > "
                                     f"{rho_tol:g}); descent along ±t·d")
    units = () if is_cnn(arch) else tuple(units)
    for ell, i in units:
        rho = _neuron_rho(arch, X, Y, theta, ell, i, rng)
        if rho > rho_tol:
            return CriticalPointType("saddle", 3, 3, loss, float(lam[0]), c, K.shape[1],
                                     f"higher-order saddle: H ⪰ 0 (λ_min = {lam[0]:.1e}), but the residual correlates "
                                     f"with inactive neuron {i} of layer {ell} (ρ = {rho:.1e} > {rho_tol:g}): descent "
                                     "along a = −ε∇_aL")
    if K.shape[1] < theta.size:
        Q = np.linalg.svd(K.T, full_matrices=True)[2][K.shape[1]:].T if K.shape[1] else np.eye(theta.size)
        mu = np.linalg.eigvalsh(Q.T @ H @ Q)
    else:
        mu = np.zeros(0)
    off = float(mu[0]) if mu.size else math.inf
    gap = (f"eigenvalues off the fibre (dim {K.shape[1]}) in [{off:.2e}, {float(lam[-1]):.2e}], cut {c:.1e}" if mu.size
           else f"the fibre tangent is everything (dim {K.shape[1]}): dφ = 0")
    if mu.size and off > c and not units:
        return CriticalPointType("minimum", 0, 4, loss, off, c, K.shape[1], f"strict modulo the fibre: {gap}")
    descent, lowest = _local_search(arch, X, Y, theta, loss, rng, starts, radius)
    if descent:
        return CriticalPointType("saddle", 0, 5, loss, off, c, K.shape[1],
                                 f"descent found: L = {lowest:.6g} < {loss:.6g} within {10 * radius:g}·|θ|; {gap}")
    if mu.size and off > c:
        return CriticalPointType("minimum", 0, 5, loss, off, c, K.shape[1],
                                 f"no descent from {starts} starts at radius {radius:g}·|θ|, H ≻ 0 off the fibre; {gap}")
    return CriticalPointType("degenerate", 0, 5, loss, off, c, K.shape[1],
                             f"H has a kernel off the fibre and no descent was found ({starts} starts); {gap}")
