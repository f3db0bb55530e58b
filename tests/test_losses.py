"""Square losses: gradient, exact Hessian and inertia against hand-computed values (Rationals) and the
Bombieri–Weyl reproducing property ‖(v·x)^D‖²_BW = |v|^{2D}."""

from fractions import Fraction as F

import numpy as np
import pytest
import sympy

from neuromanifold import MLP, Parameters
from neuromanifold.landscape.losses import data_loss, inertia, target_loss
from neuromanifold.parametrization import Float64, PrimeField


def _p(arch, *ws):
    return Parameters(arch, tuple(np.array(w, dtype=object) for w in ws))


def test_gradient_and_hessian_by_hand():
    # f = b (a x)^2, data (x, y) = (1, 1): L = (a²b − 1)².  At a = 1/2, b = 3:
    # ∇L = 2(a²b − 1)(2ab, a²) = (−3/2, −1/8);  H = 2∇g∇gᵀ + 2r∇²g = [[15, 1], [1, 1/8]] (hand-derived).
    arch = MLP((1, 1, 1), 2)
    loss = data_loss(arch, [[1]], [1])
    p = _p(arch, [[F(1, 2)]], [[3]])
    assert loss.value(p) == F(1, 16)
    assert list(loss.gradient(p)) == [F(-3, 2), F(-1, 8)]
    assert loss.hessian(p).tolist() == [[15, 1], [1, F(1, 8)]]
    assert np.allclose(loss.hessian(p, Float64()).astype(float), [[15, 1], [1, 0.125]], atol=1e-5)
    crit = loss.criticality(p)
    assert not crit.critical and crit.certified


def test_inertia_hand_examples():
    lin = MLP((1, 1, 1), 1)  # f = a b x, L = (ab − 1)² on (1, 1)
    loss = data_loss(lin, [[1]], [1])
    origin = _p(lin, [[0]], [[0]])
    assert loss.criticality(origin).critical  # ∇L = 2(ab−1)(b, a) = 0
    inert = loss.inertia(origin)  # H = −2[[0,1],[1,0]]: eigenvalues ±2
    assert (inert.positive, inert.negative, inert.zero, inert.kind) == (1, 1, 0, "saddle") and inert.certified
    valley = loss.inertia(_p(lin, [[1]], [[1]]))  # H = 2[[1,1],[1,1]]: eigenvalues 4, 0
    assert (valley.positive, valley.negative, valley.zero, valley.kind) == (1, 0, 1, "degenerate")
    # L = ((a1 − 1)² + (a2 − 2)²)/2 (the mean over m = 2 points): H = I, strict minimum
    reg = data_loss(MLP((2, 1), 1), [[1, 0], [0, 1]], [1, 2])
    m = reg.inertia(_p(MLP((2, 1), 1), [[1, 2]]))
    assert m.kind == "minimum" and m.positive == 2


def test_inertia_matrix_exact_and_float():
    H = [[2, 1, 0], [1, 2, 0], [0, 0, 0]]  # eigenvalues 3, 1, 0
    assert (inertia(H).positive, inertia(H).zero) == (2, 1)
    assert inertia(np.array([[1.0, 0], [0, -1e-3]])).kind == "saddle"
    with pytest.raises(ValueError, match="'H'"):
        inertia([[1, 2], [3, 4]])


def test_gradient_over_q_and_f_p_matches_sympy():
    # independent oracle: L(θ) = (1/m) Σ_i (a_1 σ(w_1·x_i) + a_2 σ(w_2·x_i) − y_i)², σ = z³ + z², by sympy
    arch = MLP((2, 2, 1), "z^3+z^2")
    X, Y = [[1, 2], [F(1, 3), -1], [0, 1]], [1, 0, F(2, 5)]
    loss = data_loss(arch, X, Y)
    p = Parameters.random(arch, seed=3)
    w = sympy.symbols("w0:6")  # θ = (W_1 row-major, a_1, a_2)
    sig = lambda z: z**3 + z**2  # noqa: E731
    Q = sympy.Rational
    L = sum((w[4] * sig(w[0] * Q(str(x0)) + w[1] * Q(str(x1))) + w[5] * sig(w[2] * Q(str(x0)) + w[3] * Q(str(x1)))
             - Q(str(y))) ** 2 for (x0, x1), y in zip(X, Y)) / len(X)
    point = dict(zip(w, (int(v) for v in p.flatten())))
    exact = [sympy.Rational(sympy.diff(L, t).subs(point)) for t in w]
    gq = loss.gradient(p)
    assert [F(int(g.p), int(g.q)) for g in exact] == list(gq)
    K = PrimeField()
    want = [int(g.p) * pow(int(g.q), -1, K.p) % K.p for g in exact]
    assert loss.gradient(p, K).tolist() == want


def test_bombieri_weyl_reproducing_property():
    # ‖(v·x)^D‖²_BW = |v|^{2D}: teacher f = 1·(v·x)², v = (1, 2) gives 25; for D = 3 with σ = z³, v = (1, −1): 8.
    for r, v, expected in [(2, [1, 2], 25), (3, [1, -1], 8)]:
        arch = MLP((2, 1, 1), r)
        teacher = Parameters(arch, ([v], [[1]]))
        loss = target_loss(arch, teacher, form="bw")
        assert loss.value(Parameters(arch, ([[0, 0]], [[0]]))) == expected


def test_bad_inputs_name_the_argument():
    arch = MLP((2, 1, 1), 2)
    with pytest.raises(ValueError, match="'X'"):
        data_loss(arch, [[1, 2, 3]], [1])
    with pytest.raises(ValueError, match="'Y'"):
        data_loss(arch, [[1, 2]], [1, 2])
    with pytest.raises(ValueError, match="'form'"):
        target_loss(arch, Parameters.random(arch), form="l3")


def test_the_certified_loss_is_the_training_objective():
    # one loss: data_loss over ℚ and the torch/float64 training objective give the same value and gradient
    pytest.importorskip("torch")
    import torch

    from neuromanifold.landscape.objective import mse, mse_and_gradient

    arch = MLP((2, 3, 1), 2)
    X, Y = [[1, 2], [F(1, 3), -1], [0, 1], [2, -2]], [1, 0, F(2, 5), -1]
    p = Parameters.random(arch, seed=5)
    loss = data_loss(arch, X, Y)
    theta = np.array([float(v) for v in p.flatten()])
    Xf, Yf = np.array(X, dtype=float), np.array(Y, dtype=float).reshape(-1, 1)
    value, grad = mse_and_gradient(arch, theta, Xf, Yf)
    assert float(loss.value(p)) == pytest.approx(value, rel=1e-12)
    assert np.allclose([float(g) for g in loss.gradient(p)], grad, rtol=1e-12)
    assert float(mse(arch, torch.tensor(theta), torch.tensor(Xf), torch.tensor(Yf))) == pytest.approx(value, rel=1e-12)
