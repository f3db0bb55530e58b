"""Other points of the fibre φ^{-1}(φ(W_0)) of an MLP, by the subnetwork moves of docs/math.md §4.

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
(:func:`~neuromanifold.geometry.cnn.twins`, :func:`~neuromanifold.geometry.cnn.transport`): the same
kept filters placed with the same total input shift τ compute the same function.

Points are produced over F_p (the field of the singularity computation) and checked by evaluation.
"""

from __future__ import annotations

import numpy as np

from ..parametrization import PrimeField, evaluate

__all__ = ["mlp_fiber_points", "cnn_fiber_points", "fiber_points"]


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
    check_rng = np.random.default_rng([seed, 7_300])
    X = ns.random(check_rng, (4, arch.input_dim))
    f0 = evaluate(arch, theta0, X, ns)
    for c in range(count):
        rng = np.random.default_rng([seed, 7_200 + c])
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
    from .cnn import detect_padding, transport, twins

    if not isinstance(arch, CNN):
        return []
    params = Parameters.unflatten(arch, np.asarray(theta0, dtype=np.int64))
    out = []
    check_rng = np.random.default_rng([seed, 7_310])
    X = ns.random(check_rng, (4, arch.input_dim))
    f0 = evaluate(arch, theta0, X, ns)
    for k, target in enumerate(twins(detect_padding(params))[:count]):
        theta = np.asarray(transport(params, target).flatten(), dtype=np.int64)
        if not np.array_equal(evaluate(arch, theta, X, ns), f0):  # pragma: no cover - a twin is a theorem
            raise AssertionError("twin transport changed the network function")
        out.append((theta, f"twin #{k}: {target.label()}"))
    return out


def fiber_points(arch, theta0: np.ndarray, count: int, seed: int, ns: PrimeField) -> list[tuple[np.ndarray, str]]:
    """Other preimages of φ(θ_0): subnetwork moves for MLPs, twins for CNNs."""
    return mlp_fiber_points(arch, theta0, count, seed, ns) + cnn_fiber_points(arch, theta0, count, seed, ns)
