"""Jacobian-criterion certificates, CNN twin fibres and the c = −1 redundancy, checked against hand
derivations, the Razor's Edge statements (docs/math.md §6) and independent sympy computations."""

import random

import numpy as np
import pytest
import sympy

from neuromanifold import CNN, MLP, Parameters
from neuromanifold.geometry.equations import ambient_monomials, coordinate_symbols
from neuromanifold.geometry.jacobian_criterion import jacobian_certificate, proven_equations
from neuromanifold.geometry.singularity import singular

P = 2_147_483_647


def _coefficients(arch, weights):
    """Independent route: expand f with sympy from the weights (MLP: one hidden layer; CNN: (3,2) stride
    (2,1)), coefficients in coordinate_symbols order."""
    xs = sympy.symbols(f"x0:{arch.input_dim}")
    sig = arch.activations[0].to_sympy
    if isinstance(arch, CNN):
        u, v = weights
        z = [sum(u[t] * xs[2 * o + t] for t in range(3)) for o in range(2)]
        f = sum(v[o] * sig(z[o]) for o in range(2))
    else:
        W1, a = weights
        f = sum(a[i] * sig(sum(W1[i][j] * xs[j] for j in range(len(xs)))) for i in range(len(W1)))
    poly = sympy.Poly(sympy.expand(f), *xs)
    return [poly.coeff_monomial(al) for al in ambient_monomials(arch)]


# --- the cone over a conic: V = {4 c20 c02 = c11²} ------------------------------------------------------
CONE = MLP((2, 1, 1), 2)


@pytest.mark.parametrize("W1, a, sing", [
    ([[1, 1]], [1], False),   # (x0 + x1)²: ∇(4c20c02 − c11²) = (4c02, −2c11, 4c20) = (4, −4, 4) ≠ 0
    ([[2, -3]], [5], False),
    ([[1, 2]], [0], True),    # f = 0, the vertex: ∇ = 0
])
def test_cone_over_conic_by_hand(W1, a, sing):
    cert = jacobian_certificate(CONE, Parameters(CONE, (W1, [a])), max_degree=2)
    assert cert.certified and cert.singular is sing
    assert cert.method == ("hypersurface-gradient" if sing else "jacobian-criterion")
    res = singular(CONE, Parameters(CONE, (W1, [a])))
    assert res.singular is sing and res.certified


def test_given_equations_are_proven_or_refused():
    c20, c11, c02 = coordinate_symbols(CONE)
    with pytest.raises(ValueError, match="equations"):
        proven_equations(CONE, 2, equations=[c20 * c02 - c11**2])  # off by the factor 4: does not vanish on V
    # a reducible equation: the irreducible factor vanishing on V is found (c20 itself does not vanish)
    pe = proven_equations(CONE, 2, equations=[c20 * (4 * c20 * c02 - c11**2)])
    assert pe.hypersurface and sympy.cancel(pe.generator / (4 * c20 * c02 - c11**2)) in (1, -1)
    with pytest.raises(TypeError, match="equations"):
        jacobian_certificate(CONE, Parameters(CONE, ([[1, 1]], [[1]])), equations="x")


# --- (2,2,1), σ = z³ + z²: det W1 = 0 points that are not parameter subnetworks ---------------------------
RAZOR = MLP((2, 2, 1), "z^3+z^2")


@pytest.mark.parametrize("W1", [[[1, 2], [2, 4]], [[1, 2], [-1, -2]], [[3, -1], [-6, 2]]])
def test_razor_det_zero_points_are_certified_singular(W1):
    # rows proportional but unequal, σ not a monomial and not of one parity: no neuron is inactive or
    # redundant in the parameter sense (docs/math.md §4).  Razor's Edge (docs/math.md §6): ∇F(φ(W)) = 0 ⇔
    # a1·a2·det W1 = 0 (checked exactly in test_equations), and I(V) = (F): singular.
    a = [2, -3]
    params = Parameters(RAZOR, (W1, [a]))
    res = singular(RAZOR, params)
    assert res.singular is True and res.certified and res.method == "hypersurface-gradient"
    # tangent limits through W0 alone cannot decide these points (the gap the criterion closes)
    assert singular(RAZOR, params, equations=False).singular is None
    # independent: ∇F at the sympy-expanded coefficients is zero
    F = proven_equations(RAZOR, 3).generator
    q = dict(zip(coordinate_symbols(RAZOR), _coefficients(RAZOR, (W1, a))))
    assert all(sympy.diff(F, s).subs(q) == 0 for s in coordinate_symbols(RAZOR))


def test_razor_generic_point_is_certified_smooth():
    res = singular(RAZOR, Parameters(RAZOR, ([[1, 2], [3, -1]], [[1, 1]])))
    assert res.singular is False and res.certified and res.method == "jacobian-criterion"


# --- CNN stride (2,1), filters (3,2), σ = y² + y: one smooth and one singular zero-padded configuration -----
NET = CNN(5, (3, 2), (2, 1), "z^2+z")


def test_cnn_twin_free_padding_is_certified_smooth():
    # ((0,u1,u2),(v,0)): a shift by 1 is not a multiple of s_1 = 2 — no twin; Razor's Edge: smooth
    params = Parameters(NET, ([0, 4, -3], [2, 0]))
    res = singular(NET, params)
    assert res.singular is False and res.certified and res.method == "jacobian-criterion"
    # independent re-derivation of the certificate: the equations vanish on 30 sympy-expanded network
    # functions, and their Jacobian at q has rank A − dim V = 20 − |k| = 15 (dim V = |k| for generic σ,
    # docs/math.md §6), computed here with sympy
    pe = proven_equations(NET, 2)
    syms = coordinate_symbols(NET)
    rng = random.Random(5)
    for _ in range(30):
        w = ([rng.randint(-9, 9) for _ in range(3)], [rng.randint(-9, 9) for _ in range(2)])
        q = dict(zip(syms, _coefficients(NET, w)))
        assert all(g.subs(q) == 0 for g in pe.equations)
    q = dict(zip(syms, _coefficients(NET, ([0, 4, -3], [2, 0]))))
    J = sympy.Matrix([[sympy.diff(g, s).subs(q) for s in syms] for g in pe.equations])
    assert len(syms) == 20 and J.rank() == 20 - 5


def test_cnn_twin_padding_is_certified_singular():
    # ((0,0,u),(v,0)) has the twin ((u,0,0),(0,v)) (2 = s_1·1): a node.  singular() finds the twin as a
    # fibre point; the two preimages compute the same function (independent sympy expansion).
    params = Parameters(NET, ([0, 0, 3], [2, 0]))
    assert _coefficients(NET, ([0, 0, 3], [2, 0])) == _coefficients(NET, ([3, 0, 0], [0, 2]))
    res = singular(NET, params)
    assert res.singular is True and res.certified and res.span_dimension > res.dimension == 5
    assert any("twin" in c.label for c in res.curves)
    assert singular(NET, params, fiber=None, equations=False).singular is False  # one branch alone looks smooth
    # the Jacobian criterion cannot certify smoothness there (rank < 15), consistent with the node
    assert jacobian_certificate(NET, params, max_degree=2).singular is None


# --- the c = −1 redundancy in fibres ------------------------------------------------------------------------
@pytest.mark.parametrize("act, eps", [("z^3+z", -1), ("z^4+z^2", 1), ("z^2+1", 1)])
def test_opposite_rows_fibre_points(act, eps):
    from neuromanifold.geometry.fibers import mlp_fiber_points
    from neuromanifold.parametrization import PrimeField, as_theta

    ns = PrimeField(P)
    arch = MLP((2, 2, 1), act)
    W1, a = [[1, 2], [-1, -2]], [3, 5]
    theta0 = as_theta(arch, Parameters(arch, (W1, [a])), ns)
    pts = mlp_fiber_points(arch, theta0, 3, 0, ns)
    assert pts and all("opposite rows" in label for _, label in pts)
    want = [c % P for c in _coefficients(arch, (W1, a))]
    for theta, _ in pts:
        a1, a2 = int(theta[4]), int(theta[5])
        assert np.array_equal(theta[:4], theta0[:4]) and (a1 + eps * a2) % P == (a[0] + eps * a[1]) % P
        assert (a1, a2) != tuple(a)
        got = [c % P for c in _coefficients(arch, (W1, [a1, a2]))]  # σ(−z) = ε σ(z) by hand
        assert got == want


def test_no_opposite_rows_move_for_mixed_parity():
    from neuromanifold.geometry.fibers import mlp_fiber_points
    from neuromanifold.parametrization import PrimeField, as_theta

    ns = PrimeField(P)
    theta0 = as_theta(RAZOR, Parameters(RAZOR, ([[1, 2], [-1, -2]], [[3, 5]])), ns)  # σ(−z) = −z³ + z² ≠ ±σ(z)
    assert mlp_fiber_points(RAZOR, theta0, 3, 0, ns) == []
