"""Implicit equations, Hilbert functions and degrees against hand derivations, classical theorems and
independent sympy expansions of the networks."""

import random
from fractions import Fraction
from math import comb

import pytest
import sympy

from neuromanifold import MLP
from neuromanifold.geometry.equations import coordinate_symbols, rational_reconstruction, vanishing_ideal
from neuromanifold.geometry.singular_locus import check_singular_locus, symbolic_parametrization

RAZOR = MLP((2, 2, 1), "z^3+z^2")


@pytest.fixture(scope="module")
def razor_F():
    res = vanishing_ideal(RAZOR, 3)
    assert res.ambient_dimension == 7 and res.dimension == 6 and len(res.generators) == 1
    return res.generators[0]


def test_rational_reconstruction():
    p = 2_147_483_647
    assert rational_reconstruction(3 * pow(7, -1, p) % p, p) == Fraction(3, 7)
    assert rational_reconstruction(-5 % p, p) == -5
    assert rational_reconstruction(p // 2, p) == Fraction(-1, 2)  # (p − 1)/2 ≡ −1/2
    for frac in (Fraction(-123, 457), Fraction(32000, 32001), Fraction(0)):
        a = frac.numerator * pow(frac.denominator, -1, p) % p
        assert rational_reconstruction(a, p) == frac


def test_rank_one_binary_quadratics_by_hand():
    # (a x + b y)² = a² x² + 2ab xy + b² y²:  c_11² = 4 c_20 c_02
    res = vanishing_ideal(MLP((2, 1, 1), 2), 2)
    c20, c11, c02 = coordinate_symbols(MLP((2, 1, 1), 2))
    assert len(res.generators) == 1
    assert sympy.expand(res.generators[0] - (4 * c20 * c02 - c11**2)) == 0 or \
        sympy.expand(res.generators[0] + (4 * c20 * c02 - c11**2)) == 0


def test_determinantal_cubic_is_the_determinant():
    # f = xᵀ M x with M_ii = c_{2e_i}, M_ij = c_{e_i+e_j}/2: V = {det M = 0}, degree 3, hypersurface
    arch = MLP((3, 2, 1), 2)
    res = vanishing_ideal(arch, 3)
    s = dict((str(c), c) for c in coordinate_symbols(arch))
    M = sympy.Matrix([[s["c_200"], s["c_110"] / 2, s["c_101"] / 2],
                      [s["c_110"] / 2, s["c_020"], s["c_011"] / 2],
                      [s["c_101"] / 2, s["c_011"] / 2, s["c_002"]]])
    assert len(res.generators) == 1 and res.generator_degrees == (3,)
    ratio = sympy.cancel(res.generators[0] / M.det())
    assert ratio.is_number and ratio != 0
    # Hilbert function of a cubic hypersurface in 6 variables: C(k+5, 5) − C(k+2, 5)
    assert list(res.hilbert_function) == [comb(k + 5, 5) - comb(k + 2, 5) for k in range(4)]
    assert res.degree == 3


@pytest.mark.parametrize("arch, K, expected", [
    (MLP((2, 1, 1), 3), 3, 3),  # rational normal cubic curve: degree 3
    (MLP((3, 1, 1), 2), 3, 4),  # Veronese surface v_2(P^2): degree 2^2 = 4
])
def test_veronese_degree_and_hilbert_function(arch, K, expected):
    # the coordinate ring of the Veronese cone in degree k is Sym_{rk}: H(k) = C(rk + d_0 − 1, d_0 − 1)
    r, d0 = arch.activations[0].degree, arch.input_dim
    res = vanishing_ideal(arch, K)
    assert list(res.hilbert_function) == [comb(r * k + d0 - 1, d0 - 1) for k in range(K + 1)]
    assert res.degree == expected == r ** (d0 - 1)


def test_cnn_degree_formula():
    cnn = pytest.importorskip("neuromanifold.architectures.cnn")
    # filters (2, 2), stride 1, σ = z²: dim = |k| − L + 1 = 3, degree (|k| − L)!·r^{(L−1)(k_0−1)}/(k_0−1)!·1/(k_1−1)!
    # = 2!·2/1·1 = 4 (Shahverdi–Marchetti–Kohn, docs/math.md §6)
    res = vanishing_ideal(cnn.CNN(3, (2, 2), (1, 1), 2), 4)
    assert res.dimension == 3 and res.degree == 4


def _sympy_network_coefficients(W1, a):
    """Independent route: expand a1 σ(w1·x) + a2 σ(w2·x) in sympy, σ = z³ + z²."""
    x0, x1 = sympy.symbols("x0 x1")
    sig = lambda z: z**3 + z**2  # noqa: E731
    f = sympy.Poly(sympy.expand(sum(a[i] * sig(W1[i][0] * x0 + W1[i][1] * x1) for i in range(2))), x0, x1)
    return [f.coeff_monomial(x0**i * x1**(d - i)) for d in (3, 2) for i in range(d, -1, -1)]


def test_razor_hypersurface_vanishes_on_fresh_functions_not_on_random_polynomials(razor_F):
    syms = coordinate_symbols(RAZOR)
    assert [str(s) for s in syms] == ["c_30", "c_21", "c_12", "c_03", "c_20", "c_11", "c_02"]
    rng = random.Random(2024)
    for _ in range(100):
        W1 = [[rng.randint(-20, 20) for _ in range(2)] for _ in range(2)]
        a = [rng.randint(-20, 20) for _ in range(2)]
        assert razor_F.subs(dict(zip(syms, _sympy_network_coefficients(W1, a)))) == 0
    nonzero = sum(razor_F.subs({s: rng.randint(-20, 20) for s in syms}) != 0 for _ in range(100))
    assert nonzero >= 95


def test_razor_singular_locus_is_the_subnetwork_locus(razor_F):
    params, _ = symbolic_parametrization(RAZOR)
    w = {str(s): s for s in params}
    det = w["w1_00"] * w["w1_11"] - w["w1_01"] * w["w1_10"]
    check = check_singular_locus(RAZOR, razor_F, w["w2_00"] * w["w2_01"] * det)
    assert check.vanishes_on_V and check.divisible and check.radical_contains and check.holds
    # discrimination: dropping det W1 from the locus must fail (∇F∘φ also vanishes where det W1 = 0 only)
    assert not check_singular_locus(RAZOR, razor_F, w["w2_00"] * w["w2_01"]).holds


def test_razor_singular_points_agree_with_tangent_limits(razor_F):
    # at an inactive neuron (a_2 = 0) both the equation (∇F = 0) and the tangent limits say singular;
    # at a generic point ∇F ≠ 0 and the tool says smooth
    from neuromanifold import Parameters
    from neuromanifold.geometry.singularity import singular

    syms = coordinate_symbols(RAZOR)
    grad = [sympy.diff(razor_F, s) for s in syms]
    for W1, a, sing in [([[1, 2], [3, -1]], [1, 0], True), ([[1, 2], [3, -1]], [1, 1], False)]:
        q = dict(zip(syms, _sympy_network_coefficients(W1, a)))
        assert all(g.subs(q) == 0 for g in grad) == sing
        assert singular(RAZOR, Parameters(RAZOR, (W1, [a]))).singular is sing


def test_cli_equations_and_singular(tmp_path, capsys):
    import json

    from neuromanifold import Parameters
    from neuromanifold.cli import main

    assert main(["equations", "2,2,1", "--activation", "z^3+z^2", "--max-degree", "3", "--json"]) == 0
    data = json.loads(capsys.readouterr().out)
    # a cubic hypersurface in 7 coordinates: H(k) = C(k + 6, 6) − C(k + 3, 6) = 1, 7, 28, 84 − 1
    assert data["hilbert_function"] == [comb(k + 6, 6) - comb(k + 3, 6) for k in range(4)] == [1, 7, 28, 83]
    assert data["degree"] == 3 and len(data["generators"]) == 1
    arch = MLP((3, 2, 1), 2)
    path = tmp_path / "w.json"
    Parameters(arch, ([[1, 0, 0], [0, 1, 0]], [[1, 0]])).save(path)
    assert main(["singular", "3,2,1", "--degree", "2", "--weights", str(path), "--json"]) == 0
    out = json.loads(capsys.readouterr().out)
    # f = x0², a rank-1 point of {det = 0} ⊂ Sym²(ℝ³) (dim 5): singular, tangent limits span all 6 directions.
    # dφ there: row of neuron 1 gives 2x0·{x0, x1, x2}, neuron 2's row is killed by a_2 = 0, the columns give
    # x0², x1²: span{x0², x0x1, x0x2, x1²} = 4
    assert out["singular"] is True and out["span_dimension"] == 6 and out["dimension"] == 5
    assert out["rank_at_point"] == 4 and out["curves"]
    assert main(["singular", "2,2,1", "--degree", "2", "--weights", str(path)]) == 2
    assert "weights" in capsys.readouterr().err


def test_api_refuses_interpolation_beyond_the_limit():
    """(6,6,1), z^3: A = C(3+5, 5) = 56 coordinates; degree-4 monomials in them: C(59, 4) = 455126 > 20000."""
    import pytest

    from neuromanifold import MLP
    from neuromanifold.geometry.equations import vanishing_ideal

    with pytest.raises(ValueError, match="'max_degree'.*455126"):
        vanishing_ideal(MLP((6, 6, 1), 3), 4)
