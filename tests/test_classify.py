"""Minimum or saddle of the full network at a subnetwork critical point: planted cases derived by hand and checked
with sympy (the gradient vanishes, the Hessian is semidefinite, and the loss along an explicit curve)."""

import numpy as np
import pytest
import sympy as sp

from neuromanifold import MLP, Parameters

pytest.importorskip("torch")

from neuromanifold.landscape.classify import classify_critical_point  # noqa: E402


def _sympy_loss(widths, X, Y):
    """L(θ) = (1/m) Σ (f_θ(x) − y)² for a one-hidden-layer MLP with σ = z², written out by hand."""
    d0, d1, _ = widths
    W = sp.Matrix(d1, d0, lambda i, j: sp.Symbol(f"w{i}{j}"))
    a = sp.Matrix(1, d1, lambda i, j: sp.Symbol(f"a{j}"))
    loss = 0
    for x, y in zip(X, Y):
        h = W * sp.Matrix(x)
        loss += (sum(a[j] * h[j] ** 2 for j in range(d1)) - y) ** 2
    return sp.nsimplify(loss / len(X)), list(W) + list(a)  # θ order of Parameters.flatten: W row-major, then a


def test_planted_subnetwork_saddle_of_higher_order():
    # MLP (2, 2, 1), σ = z².  At θ* (w1 = (1, 0), a1 = 1, neuron 2 inactive) the residual r = f − y = (0, 1, 0, 0)
    # is orthogonal to x1² and x1·x2 (so θ* is critical) but not to x2²: the new neuron (w2 = (0, t), a2 = −t²)
    # lowers the loss by t⁴/2 at order t⁴, while the Hessian is positive semidefinite (σ'(0) = 0).
    X = [(1, 0), (0, 1), (1, 1), (1, -1)]
    Y = [1, -1, 1, 1]
    arch = MLP((2, 2, 1), 2)
    theta = Parameters(arch, [np.array([[1.0, 0.0], [0.0, 0.0]]), np.array([[1.0, 0.0]])]).flatten()
    L, syms = _sympy_loss((2, 2, 1), X, Y)
    at = dict(zip(syms, [sp.Integer(int(v)) for v in theta]))
    assert all(sp.diff(L, s).subs(at) == 0 for s in syms)
    H = sp.hessian(L, syms).subs(at)
    assert all(ev >= 0 for ev in H.eigenvals())  # semidefinite: the second-order test cannot tell
    t = sp.Symbol("t")
    curve = {**at, sp.Symbol("w11"): t, sp.Symbol("a1"): -t**2}
    # the new neuron adds −t⁴ at x = (0, 1) (residual 1) and at (1, ±1) (residual 0): ¼((1 − t⁴)² − 1 + 2t⁸)
    assert sp.expand(L.subs(curve) - L.subs(at)) == -t**4 / 2 + 3 * t**8 / 4  # < 0 for small t
    kind = classify_critical_point(arch, np.array(X, float), np.array(Y, float)[:, None], theta, units=[(1, 1)])
    assert (kind.kind, kind.order, kind.rule) == ("saddle", 3, 3) and not kind.certified
    exact = classify_critical_point(arch, np.array(X, float), np.array(Y, float)[:, None], theta, units=[(1, 1)],
                                    exact=True)
    assert (exact.kind, exact.order, exact.certified) == ("saddle", 3, True)


def test_planted_subnetwork_minimum():
    # MLP (1, 2, 1), σ = z²: f_θ(x) = (a1 w1² + a2 w2²) x² = c x², so L(θ) ≥ min_c (1/m) Σ (c x² − y)², attained at
    # c* = Σ y x² / Σ x⁴.  θ* = (w1 = 1, a1 = c*, neuron 2 inactive) attains it — a minimum with positive loss,
    # on a subnetwork, whose fibre (a1 w1² = c*, and the inactive neuron) is positive-dimensional.
    X, Y = [1, 2, -1, sp.Rational(1, 2)], [0, 3, 2, 1]
    c = sp.Symbol("c")
    Lc = sum((c * x**2 - y) ** 2 for x, y in zip(X, Y)) / len(X)
    (cstar,) = sp.solve(sp.diff(Lc, c), c)
    assert cstar == sum(y * x**2 for x, y in zip(X, Y)) / sum(x**4 for x in X) and Lc.subs(c, cstar) > 0
    arch = MLP((1, 2, 1), 2)
    theta = Parameters(arch, [np.array([[1.0], [0.0]]), np.array([[float(cstar), 0.0]])]).flatten()
    kind = classify_critical_point(arch, np.array(X, float)[:, None], np.array(Y, float)[:, None], theta, units=[(1, 1)])
    assert kind.kind == "minimum" and kind.loss == pytest.approx(float(Lc.subs(c, cstar)), rel=1e-12)
    # the exact Hessian over ℚ at the (rationalised) point: no negative eigenvalue, as the float test found
    crosscheck = classify_critical_point(arch, np.array(X, float)[:, None], np.array(Y, float)[:, None], theta,
                                         units=[(1, 1)], exact_inertia=True)
    assert crosscheck.kind == "minimum" and crosscheck.exact_inertia[1] == 0 and "DISAGREES" not in crosscheck.how


def test_zero_loss_is_a_global_minimum_and_a_strict_saddle_is_seen():
    arch = MLP((1, 2, 1), "z^2+z")
    X = np.array([[1.0], [2.0], [-1.0]])
    theta = np.array([1.0, 0.0, 1.0, 0.0])  # f(x) = x² + x, neuron 2 inactive
    Y = X**2 + X
    zero = classify_critical_point(arch, X, Y, theta, units=[(1, 1)])
    assert zero.rule == 1 and zero.certified  # f_θ(X) = Y holds exactly over ℚ (integer data and weights)
    nearly = classify_critical_point(arch, X, Y + 1e-9, theta, units=[(1, 1)])
    assert nearly.rule == 1 and not nearly.certified  # below the floor, but not zero: a numerical verdict
    # σ'(0) = 1: at the inactive neuron ∂²L/∂a2∂w2 = (2/m) Σ r_j x_j (σ'(0) = 1) while ∂²L/∂a2² = ∂²L/∂w2² = 0:
    # a block [[0, gᵀ], [g, 0]] with eigenvalue −|g|.  Reduced neuron w1 = (1, 0), a1 = 1, f = σ(x1); θ* is critical
    # iff r ⊥ σ(x1), σ'(x1)·x1 and σ'(x1)·x2 (sympy finds such r below); a strict saddle needs Σ r_j x_j ≠ 0.
    arch = MLP((2, 2, 1), "z^2+z")
    pts = [(1, 0), (-1, 0), (0, 1), (2, 0), (1, 1)]
    sig, dsig = (lambda z: z**2 + z), (lambda z: 2 * z + 1)
    A = sp.Matrix([[sig(x1) for x1, _ in pts], [dsig(x1) * x1 for x1, _ in pts], [dsig(x1) * x2 for x1, x2 in pts]])
    r = next(v for v in A.nullspace() if any(sum(v[j] * pts[j][k] for j in range(5)) != 0 for k in range(2)))
    X = np.array(pts, dtype=float)
    Y = np.array([[float(sig(x1) - r[j])] for j, (x1, _) in enumerate(pts)])
    theta = Parameters(arch, [np.array([[1.0, 0.0], [0.0, 0.0]]), np.array([[1.0, 0.0]])]).flatten()
    kind = classify_critical_point(arch, X, Y, theta, units=[(1, 1)])
    assert (kind.kind, kind.order) == ("saddle", 2) and kind.min_eigenvalue < 0
    exact = classify_critical_point(arch, X, Y, theta, units=[(1, 1)], exact=True)
    assert (exact.kind, exact.order, exact.certified) == ("saddle", 2, True)


def test_a_point_that_is_not_critical_is_refused():
    arch = MLP((1, 2, 1), 2)
    with pytest.raises(ValueError, match="'theta'"):
        classify_critical_point(arch, np.array([[1.0], [2.0]]), np.array([[5.0], [1.0]]), np.array([1.0, 0.0, 1.0, 0.0]))
