"""Fibres φ^{-1}(φ(W_0)): other points of the fibre by the subnetwork moves of docs/math.md §4, and the
identifiability of CNNs (finite fibres exactly, one-to-one up to rescaling by a numerical preimage search).

Limits of tangent spaces along curves through *one* parameter point often coincide even at a
singular point q: e.g. for σ = z² and (3, 2, 1), at W_0 with an inactive second neuron (a_2 = 0,
w_2 ≠ 0) every curve through W_0 gives the tangent space {N : kᵀNk = 0} with k ⊥ w_1, w_2 — which
depends on the arbitrary row w_2.  The tangent cone of V at q collects the limits over the whole
fibre.  Each move below provably preserves f_W (so φ(W') = φ(W_0)):

* neuron i of hidden layer ℓ with zero outgoing column W_{ℓ+1}[:, i] = 0: its incoming row (and
  bias) is arbitrary;
* zero incoming row (no bias) and σ_ℓ(0) = 0: its outgoing column is arbitrary;
* equal incoming rows w_i = w_j (equal biases): only a_i + a_j matters (a = outgoing columns);
* σ_ℓ = c·z^r, w_j = λ w_i (with bias: the whole incoming row [w | b] scaled by λ):
  σ(λz) = λ^r σ(z), only a_i + λ^r a_j matters;
* σ_ℓ not a monomial but with all exponents of one parity (even: σ(−z) = σ(z), odd: σ(−z) = −σ(z)),
  incoming rows [w_j | b_j] = −[w_i | b_i]: σ(z_j) = ε σ(z_i) with ε = (−1)^{parity}, only a_i + ε a_j
  matters (the c = −1 redundancy of :mod:`~neuromanifold.geometry.subnetworks`).

For CNNs (:func:`cnn_fiber_points`) the second preimages are the twins of a zero-padded point
(:func:`~neuromanifold.geometry.strata.cnn.twins`, :func:`~neuromanifold.geometry.strata.cnn.transport`): the same
kept filters placed with the same total input shift τ compute the same function.

Points are produced over F_p (the field of the singularity computation) and checked by evaluation.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from ..architectures.cnn import check_cnn
from ..architectures.parameters import Parameters
from ..limits import check_count, check_seed
from ..parametrization import Float64, PrimeField, evaluate, jacobian
from ..randomness import stream
from ..results import Result
from .dimension import DimensionResult, dimension

__all__ = ["mlp_fiber_points", "cnn_fiber_points", "fiber_points", "canonical_form", "Identifiability", "identifiability"]


def _blocks(arch):
    """(offset of W_ℓ, offset of b_ℓ or None) per layer in the flat θ."""
    out, pos = [], 0
    for layer in arch.layers:
        out.append((pos, pos + layer.n_weights if arch.bias else None))
        pos += layer.n_params
    return out


def _moves(arch, theta, ns: PrimeField):
    """Random fibre moves available at θ: list of callables rng -> θ'."""
    p = ns.p
    blocks = _blocks(arch)
    d = arch.widths
    moves = []
    for ell in range(1, len(d) - 1):
        (w_off, b_off), (a_off, _) = blocks[ell - 1], blocks[ell]
        W = theta[w_off : w_off + d[ell] * d[ell - 1]].reshape(d[ell], d[ell - 1])
        a = theta[a_off : a_off + d[ell + 1] * d[ell]].reshape(d[ell + 1], d[ell])
        b = theta[b_off : b_off + d[ell]] if b_off is not None else None
        act = arch.activations[ell - 1]
        row_idx = lambda i: w_off + i * d[ell - 1] + np.arange(d[ell - 1])  # noqa: E731
        col_idx = lambda i: a_off + np.arange(d[ell + 1]) * d[ell] + i  # noqa: E731
        for i in range(d[ell]):
            if not a[:, i].any():
                idx = row_idx(i) if b is None else np.append(row_idx(i), b_off + i)
                moves.append(("inactive (zero outgoing column)", ell, i, None, idx, None))
            if not W[i].any() and act.coeffs[0] == 0 and (b is None or b[i] == 0):
                moves.append(("inactive (zero incoming row)", ell, i, None, col_idx(i), None))
        rows = W if b is None else np.hstack([W, b.reshape(-1, 1)])  # incoming rows [w | b]
        parity = {e % 2 for e in act.support}
        for i in range(d[ell]):
            for j in range(i + 1, d[ell]):
                if not W[i].any() or not W[j].any():
                    continue
                if np.array_equal(rows[i], rows[j]):
                    moves.append(("redundant (equal rows)", ell, i, j, (col_idx(i), col_idx(j)), 1))
                elif act.is_monomial:
                    k = int(np.nonzero(rows[i])[0][0])
                    lam = int(rows[j][k]) * pow(int(rows[i][k]), -1, p) % p
                    if np.array_equal(ns.mul(rows[i], lam), rows[j]):
                        moves.append(("redundant (proportional rows)", ell, i, j, (col_idx(i), col_idx(j)),
                                      pow(lam, act.degree, p)))
                elif len(parity) == 1 and np.array_equal((p - rows[i]) % p, rows[j]):
                    eps = 1 if parity == {0} else p - 1  # σ(−z) = ±σ(z)
                    moves.append(("redundant (opposite rows, σ(−z) = " + ("σ(z))" if eps == 1 else "−σ(z))"), ell,
                                  i, j, (col_idx(i), col_idx(j)), eps))
    return moves


def mlp_fiber_points(arch, theta0: np.ndarray, count: int, seed: int, ns: PrimeField) -> list[tuple[np.ndarray, str]]:
    """Up to ``count`` random points θ' ≠ θ_0 (over F_p) with f_{θ'} = f_{θ_0}, each with a label naming
    the moves used; [] when θ_0 is not a subnetwork in the sense of docs/math.md §4."""
    from ..architectures.mlp import MLP

    if not isinstance(arch, MLP):
        return []
    moves = _moves(arch, theta0, ns)
    if not moves:
        return []
    out = []
    check_rng = stream(seed, "fibers.mlp.check")
    X = ns.random(check_rng, (4, arch.input_dim))
    f0 = evaluate(arch, theta0, X, ns)
    for c in range(count):
        rng = stream(seed, "fibers.mlp.move", c)
        theta = theta0.copy()
        name, ell, i, j, idx, factor = moves[c % len(moves)]  # one move per point: moves need not commute
        if j is None:
            theta[idx] = ns.random(rng, len(idx))
        else:
            ci, cj = idx
            s = ns.random(rng, len(ci))
            theta[ci] = ns.add(theta[ci], ns.mul(s, factor))
            theta[cj] = ns.sub(theta[cj], s)
        label = f"fibre point #{c}: {name} at layer {ell}, neuron {i}" + (f" ~ {j}" if j is not None else "")
        if not np.array_equal(evaluate(arch, theta, X, ns), f0):  # pragma: no cover - a move is a theorem
            raise AssertionError("fibre move changed the network function")
        out.append((theta, label))
    return out


def cnn_fiber_points(arch, theta0: np.ndarray, count: int, seed: int, ns: PrimeField) -> list[tuple[np.ndarray, str]]:
    """The twins of a zero-padded CNN point (module docstring), up to ``count``, checked by evaluation;
    [] when θ_0 has no twin (or ``arch`` is not a CNN)."""
    from ..architectures.cnn import CNN
    from ..architectures.parameters import Parameters
    from .strata.cnn import detect_padding, transport, twins

    if not isinstance(arch, CNN):
        return []
    params = Parameters.unflatten(arch, np.asarray(theta0, dtype=np.int64))
    out = []
    check_rng = stream(seed, "fibers.cnn.check")
    X = ns.random(check_rng, (4, arch.input_dim))
    f0 = evaluate(arch, theta0, X, ns)
    for k, target in enumerate(twins(detect_padding(params))[:count]):
        theta = np.asarray(transport(params, target).flatten(), dtype=np.int64)
        if not np.array_equal(evaluate(arch, theta, X, ns), f0):  # pragma: no cover - a twin is a theorem
            raise AssertionError("twin transport changed the network function")
        out.append((theta, f"twin #{k}: {target.label}"))
    return out


def fiber_points(arch, theta0: np.ndarray, count: int, seed: int, ns: PrimeField) -> list[tuple[np.ndarray, str]]:
    """Other preimages of φ(θ_0): subnetwork moves for MLPs, twins for CNNs."""
    return mlp_fiber_points(arch, theta0, count, seed, ns) + cnn_fiber_points(arch, theta0, count, seed, ns)


def canonical_form(params: Parameters, reference: Parameters | None = None) -> np.ndarray:
    """θ with the filter rescalings fixed: for every hidden layer ℓ with σ_ℓ = a z^r, divide w_ℓ by its
    entry at the position j where the reference |w_ℓ| is largest and multiply w_{ℓ+1} by that entry^r
    (the orbit (w_ℓ c, w_{ℓ+1} c^{−r}) meets this slice once).  Non-homogeneous layers are left alone."""
    arch = params.architecture
    ref = reference if reference is not None else params
    ws = [np.asarray(w, dtype=np.float64).copy() for w in params.weights]
    for ell, act in enumerate(arch.activations):
        if not act.is_monomial:
            continue
        j = int(np.argmax(np.abs(np.asarray(ref.weights[ell], dtype=np.float64))))
        c = ws[ell][j]
        if c == 0:
            continue
        ws[ell] = ws[ell] / c
        ws[ell + 1] = ws[ell + 1] * c ** act.degree
    parts = []
    for i, w in enumerate(ws):
        parts.append(w)
        if params.biases is not None:
            parts.append(np.asarray(params.biases[i], dtype=np.float64))
    return np.concatenate(parts)


@dataclass(frozen=True)
class Identifiability(Result):
    """Is the fibre of φ at a random point finite / one-to-one up to the rescalings?

    ``finite_fibres``: dim V = N − (symmetry dimension) — exact (certified when dim V is);
    numerical search: from ``starts`` random starts Levenberg–Marquardt (scipy) fits f_θ to f_{θ*} on random
    inputs; ``converged`` fits reached relative residual ≤ ``tol``; ``distinct`` counts their distinct
    canonical forms (rescalings fixed).  distinct = 1 is evidence (not proof) that the fibre is one
    point up to rescaling."""

    dimension: DimensionResult
    finite_fibres: bool
    starts: int
    converged: int
    distinct: int
    max_distance_to_truth: float
    other_preimages: tuple = field(default=(), repr=False)

    @property
    def one_to_one(self) -> bool | None:
        if self.converged == 0:
            return None
        return self.finite_fibres and self.distinct == 1 and self.max_distance_to_truth < 1e-5

    def to_dict(self) -> dict:
        r = self.dimension
        return {"dimension": r.dimension, "parameters": r.parameters, "symmetry_dimension": r.symmetry_dimension,
                "finite_fibres": self.finite_fibres, "finite_fibres_certified": r.certified,
                "starts": self.starts, "converged": self.converged, "distinct_preimages": self.distinct,
                "max_distance_to_truth": self.max_distance_to_truth, "one_to_one_up_to_symmetry": self.one_to_one,
                "search": "numerical (float64 Levenberg–Marquardt), evidence only"}

    def summary(self) -> str:
        r = self.dimension
        fin = "finite" if self.finite_fibres else "positive-dimensional"
        how = "certified" if r.certified else f"probabilistic, error ≤ {r.error_bound:.1e}"
        verdict = {True: "one-to-one up to rescaling", False: "NOT one-to-one", None: "undecided (no fit converged)"}[self.one_to_one]
        return (f"{r.architecture!r}\n  generic fibres: {fin} (dim V = {r.dimension} vs N − symmetries = "
                f"{r.parameters - r.symmetry_dimension}; {how})\n  numerical search: {self.converged}/{self.starts} "
                f"starts converged, {self.distinct} distinct preimage(s) up to rescaling, max distance to the "
                f"true filters {self.max_distance_to_truth:.1e} → {verdict} (evidence, not proof)")


def _fit(arch, theta0, X, target, ns, iters: int = 300):
    """Least-squares fit of f_θ(X) to ``target`` from θ_0 (scipy's Levenberg–Marquardt with the exact
    Jacobian of the network algebra); returns (θ, ‖residual‖²)."""
    from scipy.optimize import least_squares

    def resid(t):
        return (evaluate(arch, t, X, ns) - target).ravel()

    def jac(t):
        return jacobian(arch, t, X, ns)

    with np.errstate(all="ignore"):
        fit = least_squares(resid, theta0, jac=jac, method="lm", xtol=1e-15, ftol=1e-15, gtol=1e-15,
                            max_nfev=iters * (arch.n_params + 1))
    r = resid(fit.x)
    cost = float(r @ r)
    return fit.x, cost if np.isfinite(cost) else float("inf")


def identifiability(architecture, seed: int = 0, starts: int = 8, tol: float = 1e-16, at: Parameters | None = None) -> Identifiability:
    """Fibre of φ at a random point (or at ``at``): exact finiteness test plus a multi-start numerical
    preimage search (docs/math.md §6: CNNs are generically injective, up to rescaling for monomial σ).
    At a twin point (:func:`~neuromanifold.geometry.strata.cnn.twins`) the search is expected to find the second preimage."""
    arch = check_cnn(architecture)
    if at is not None and (not isinstance(at, Parameters) or at.architecture != arch):
        raise ValueError(f"Argument 'at' must be Parameters of {arch!r}.")
    check_count(starts, "starts", "MAX_STARTS")
    check_seed(seed)
    dres = dimension(arch, seed=seed)
    finite = dres.dimension == dres.parameters - dres.symmetry_dimension
    ns = Float64()
    rng = stream(seed, "fibers.identifiability")
    truth = Parameters.random(arch, seed=seed + 1000, kind="float") if at is None else Parameters.unflatten(
        arch, np.asarray(at.flatten(), dtype=np.float64))
    m = max(8, 3 * arch.n_params)
    X = rng.standard_normal((m, arch.input_dim))
    target = evaluate(arch, truth, X, ns)
    scale = float(np.sum(target**2)) or 1.0
    ref = canonical_form(truth)
    found, converged, dists = [], 0, []
    for i in range(starts):
        start = Parameters.random(arch, seed=seed + 2000 + i, kind="float").flatten()
        theta, cost = _fit(arch, start, X, target, ns)
        if cost / scale > tol:
            continue
        converged += 1
        canon = canonical_form(Parameters.unflatten(arch, theta), truth)
        dists.append(float(np.max(np.abs(canon - ref))))
        if not any(np.max(np.abs(canon - f)) < 1e-5 for f in found):
            found.append(canon)
    others = tuple(f for f in found if np.max(np.abs(f - ref)) >= 1e-5)
    return Identifiability(dres, finite, starts, converged, len(found), max(dists) if dists else float("nan"), others)
