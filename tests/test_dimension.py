"""dim V against the theorems of docs/math.md §3 and against the independent sympy expansion.

Every expected value below is a formula from the literature, written out here — not a value
produced by the code under test.
"""

import random
from math import comb

import numpy as np
import pytest

from neuromanifold import MLP, Monomial, Parameters, dimension, generic_polynomial, parse_activation
from neuromanifold.parametrization.symbolic import symbolic_rank


def ah(d0, r, d1):
    """Alexander–Hirschowitz: dim of the cone over σ_{d1}(v_r(P^{d0−1}))."""
    if r == 2 and 2 <= d1 <= d0 - 1:
        return d0 * d1 - comb(d1, 2)
    generic = min(d0 * d1, comb(d0 + r - 1, r))
    return generic - 1 if (d0, r, d1) in {(3, 4, 5), (4, 4, 9), (5, 3, 7), (5, 4, 14)} else generic


def ktb(widths, r):
    """Kileel–Trager–Bruna expected dimension."""
    L = len(widths) - 1
    A = widths[-1] * comb(r ** (L - 1) + widths[0] - 1, widths[0] - 1)
    return min(widths[-1] + sum((widths[i - 1] - 1) * widths[i] for i in range(1, L + 1)), A)


@pytest.mark.parametrize("d0, r, d1", [(3, 4, 5), (4, 4, 9), (5, 3, 7), (5, 4, 14)])
def test_alexander_hirschowitz_exceptions_are_defective_by_one(d0, r, d1):
    result = dimension(MLP((d0, d1, 1), r))
    assert result.dimension == min(d0 * d1, comb(d0 + r - 1, r)) - 1
    assert result.defective and result.expected_dimension == result.dimension + 1


@pytest.mark.parametrize("d0", [3, 4, 5, 6])
@pytest.mark.parametrize("d1", [1, 2, 3, 4, 5, 6, 7])
def test_quadratic_shallow_both_regimes(d0, d1):
    """r = 2: symmetric matrices of rank ≤ d1 (d0 d1 − C(d1, 2)) below d0, all forms above."""
    expected = d0 * d1 - comb(d1, 2) if d1 <= d0 - 1 else comb(d0 + 1, 2)
    result = dimension(MLP((d0, d1, 1), 2))
    assert result.dimension == expected == ah(d0, 2, d1)
    assert result.certified  # certified also where defective: the narrow-input bound is a theorem


@pytest.mark.parametrize(
    "d0, r, d1",
    [(3, 4, 4), (3, 4, 6), (4, 4, 8), (4, 4, 10), (5, 3, 6), (5, 3, 8), (5, 4, 13), (5, 4, 15), (3, 3, 3), (4, 3, 5),
     (3, 5, 7), (2, 6, 3)],
)
def test_non_defective_neighbours(d0, r, d1):
    result = dimension(MLP((d0, d1, 1), r))
    assert result.dimension == min(d0 * d1, comb(d0 + r - 1, r))
    assert not result.defective and result.certified and result.error_bound == 0


@pytest.mark.parametrize(
    "widths", [(2, 2, 2), (3, 3, 3), (2, 2, 2, 2), (3, 3, 3, 3), (4, 4, 4), (4, 4, 4, 4), (5, 5, 5)]
)
@pytest.mark.parametrize("r", [2, 3])
def test_equi_width_has_expected_dimension(widths, r):
    """Finkel–Rodriguez–Wu–Yahl: equi-width architectures are non-defective for every r ≥ 2."""
    result = dimension(MLP(widths, r))
    assert result.dimension == ktb(widths, r)
    assert result.certified and not result.defective


@pytest.mark.parametrize("n0, n1, n2", [(3, 1, 3), (4, 2, 4), (5, 2, 3), (4, 3, 6), (6, 2, 5), (3, 2, 3)])
def test_linear_networks(n0, n1, n2):
    """r = 1, N_1 < min(N_0, N_2): the d_2 × d_0 matrices of rank ≤ N_1."""
    result = dimension(MLP((n0, n1, n2), 1))
    assert result.dimension == n1 * (n0 + n2 - n1)
    assert result.certified


@pytest.mark.parametrize(
    "widths, r",
    [((2, 2, 1), 3), ((3, 2, 1), 3), ((2, 3, 1), 4), ((3, 2, 2), 3), ((2, 2, 2, 1), 3), ((3, 3, 2), 2)],
)
def test_generic_polynomial_activation_has_dimension_n(widths, r):
    """Razor's Edge Thm 4.1: generic polynomial σ, generic fibres finite ⇒ dim V = N (when N ≤ A)."""
    arch = MLP(widths, generic_polynomial(r, seed=7))
    assert arch.n_params <= arch.ambient_dimension
    result = dimension(arch)
    assert result.dimension == arch.n_params
    assert result.identifiable and result.certified and result.symmetry_dimension == 0


def test_razors_edge_example_is_a_hypersurface():
    result = dimension(MLP((2, 2, 1), parse_activation("z^3+z^2")))
    assert (result.dimension, result.ambient_dimension) == (6, 7)


def test_width_one_bottleneck_is_certifiably_defective():
    # x ↦ v (w·x)^4: v ∈ R^3, w ∈ R^3 up to scale — dimension 3 + 3 − 1 = 5 < KTB's 11
    result = dimension(MLP((3, 1, 3, 3), 2))
    assert result.dimension == 5 and result.expected_dimension == 11 and result.certified


def _random_tiny_architectures(count, seed=2024):
    rng = random.Random(seed)
    archs = []
    while len(archs) < count:
        depth = rng.choice([2, 2, 3])
        widths = tuple(rng.randint(1, 3) for _ in range(depth + 1))
        if rng.random() < 0.6:
            act = Monomial(rng.choice([1, 2, 3]) if depth == 2 else rng.choice([1, 2]))
        else:
            act = generic_polynomial(2, seed=rng.randint(0, 99))
        arch = MLP(widths, act, bias=rng.random() < 0.2)
        if arch.n_params <= 16 and arch.total_degree <= 4:
            archs.append(arch)
    return archs


@pytest.mark.parametrize("arch", _random_tiny_architectures(24), ids=repr)
def test_fast_engine_agrees_with_sympy_expansion(arch):
    assert dimension(arch).dimension == symbolic_rank(arch, seed=1)


@pytest.mark.parametrize("arch, dim", [
    (MLP((3, 5, 1), 4), 14),  # AH exception (3, 4, 5): C(6, 4) − 1
    (MLP((4, 6, 6, 2), 3), 60),  # N − hidden rescalings = 72 − 12 (KTB bound, met)
    (MLP((4, 2, 4), 1), 12),  # linear, rank ≤ 2 matrices: 2·(4 + 4 − 2)
    (MLP((2, 2, 1), parse_activation("z^3+z^2")), 6),  # N = 6 < A = 7 (Razor's Edge Thm 4.1)
])
def test_certified_answers_meet_a_proven_upper_bound(arch, dim):
    result = dimension(arch)
    assert result.certified and result.dimension == result.upper_bound == dim and result.error_bound == 0


def test_uncertified_answer_carries_the_schwartz_zippel_bound():
    # (1, 2, 1, 1), σ = z² + z, biases.  By hand: the hidden layer-2 pre-activation q(x) = Σ c_i σ(a_i x + b_i) + e
    # is a quadratic in x, and f = u(q² + q) + v = u(q + 1/2)² + (v − u/4) = ±s² + const with s a quadratic:
    # 3 + 1 = 4 free parameters, so dim V = 4 < 5 = A.  σ = (z + 1/2)² − 1/4 is a shifted monomial, so with
    # biases every hidden neuron rescales (bounds.rescalable) and the composition bound proves dim V ≤ 4.
    result = dimension(MLP((1, 2, 1, 1), parse_activation("z^2+z"), bias=True))
    assert result.dimension == 4 and result.certified
    # (2, 3, 2, 1), σ = z² + z, biases.  By hand: f = u1(q1 + 1/2)² + u2(q2 + 1/2)² + const with q_j general
    # quadrics in x ∈ ℝ² (3 squares of affine forms plus a constant reach every quadric); over ℂ a sum of two
    # squares is a product g·h of two quadrics (6 + 6 − 1 = 11 dimensions in the 15 quartics) plus a
    # constant: dim V = 12.  No proven bound reaches 12 (the best is U = 13), so the answer is the lower bound
    # with the Schwartz–Zippel bound (ρ·e/p)^trials: ρ = U = 13; degree in (θ, x): a·x 2 → σ 4 → layer 2: 5 →
    # σ 10 → output 11; a Jacobian entry has degree 10, plus 1 in the direction c: e = 11; two trials.
    result = dimension(MLP((2, 3, 2, 1), parse_activation("z^2+z"), bias=True))
    assert result.dimension == 12 and result.upper_bound == 13 and not result.certified
    # one factor 13·11/p_t per trial (Schwartz–Zippel), trials continuing at small BLAS primes until the bound is at
    # least as strong as two trials at 2^31 − 1 would give
    assert result.error_bound == pytest.approx(float(np.prod([13 * 11 / p for p in result.primes])), rel=1e-12)
    assert result.error_bound <= (13 * 11 / (2**31 - 1)) ** 2 and len(result.primes) == len(result.ranks)
    assert result.prime in result.primes and "probabilistic" in result.summary()
    assert result.known.kind == "probabilistic" and result.known.error_bound == result.error_bound


def test_to_dict_has_exactly_the_documented_keys():
    keys = list(dimension(MLP((3, 3, 1), 2)).to_dict())
    assert keys == ["dimension", "expected_dimension", "ambient_dimension", "parameters", "symmetry_dimension",
                    "certified", "error_bound", "known", "upper_bound_source", "defective", "filling", "identifiable", "prime",
                    "seconds"]


def test_filling_and_identifiable_flags():
    filling = dimension(MLP((3, 4, 1), 2))  # all ternary quadratic forms
    assert filling.filling and filling.dimension == 6
    identifiable = dimension(MLP((4, 6, 6, 2), 3))  # N − hidden = 72 − 12
    assert identifiable.identifiable and identifiable.dimension == 60


@pytest.mark.parametrize("kwargs, error, name", [({"seed": -1}, ValueError, "'seed'"), ({"trials": 0}, ValueError, "'trials'"),
                                                ({"seed": 1.5}, TypeError, "'seed'")])
def test_bad_arguments(kwargs, error, name):
    with pytest.raises(error, match=name):
        dimension(MLP((2, 2, 1), 2), **kwargs)
    with pytest.raises(TypeError, match="architecture"):
        dimension((2, 2, 1))


def test_shifted_monomials_with_biases_have_the_rescaling_symmetry():
    """With biases, σ(z) = a(z − c)^r + d is affinely equivalent to z^r (docs/math.md §2; bounds.rescalable),
    so each hidden neuron carries a rescaling and dim V ≤ N − Σ hidden widths.  (3, 3, 2) with biases:
    N = 4·3 + 4·2 = 20, three rescalings → 17, certified, and not defective (it used to be reported
    defective against 20 and left uncertified).  Without biases (z + 1)^3 + 2 has no such symmetry."""
    from neuromanifold import generic_polynomial, parse_activation

    for sigma in (generic_polynomial(2, 0), parse_activation("3*z^2 - z + 5"), parse_activation("(z+1)^3 + 2")):
        r = dimension(MLP((3, 3, 2), sigma, bias=True))
        assert (r.parameters, r.symmetry_dimension, r.dimension) == (20, 3, 17)
        assert r.certified and not r.defective and r.expected_dimension == 17
    r = dimension(MLP((3, 3, 2), parse_activation("(z+1)^3 + 2")))
    assert r.symmetry_dimension == 0 and r.parameters == 15


def test_first_layer_relation_bound_against_sympy_and_the_rank():
    """Bound 7 of geometry.bounds (docs/math.md §3).  Independent check of its key fact with sympy: the squares of
    4 integer linear forms in 3 variables satisfy one quartic (Steiner's Roman surface), so the 35 monomials of
    degree 4 in them span 34 = C(7, 3) − C(3, 3) forms of degree 8.  Then (3, 4, 6, 6, 1), σ = z² (G of degree 4):
    dim V ≤ 4·2 + 34 = 42 < A = 45 = every other bound, and the mod-p rank meets it, so 42 is certified."""
    import itertools

    import flint
    import sympy as sp

    x = sp.symbols("x0:3")
    rows = [(1, 0, 0), (0, 1, 0), (0, 0, 1), (2, -3, 5)]
    squares = [sum(c * v for c, v in zip(row, x)) ** 2 for row in rows]
    monos = [sp.Mul(*(q ** k for q, k in zip(squares, e)))
             for e in itertools.product(range(5), repeat=4) if sum(e) == 4]
    basis = sorted({m for p in monos for m in sp.Poly(sp.expand(p), *x).monoms()})
    polys = [sp.Poly(sp.expand(p), *x) for p in monos]
    matrix = flint.fmpz_mat([[int(p.coeff_monomial(m)) for m in basis] for p in polys])  # exact rank over ℤ
    assert len(monos) == 35 and matrix.rank() == 34

    arch = MLP((3, 4, 6, 6, 1), 2)
    r = dimension(arch)
    assert (r.dimension, r.certified, r.upper_bound) == (42, True, 42) and arch.ambient_dimension == 45
    assert r.upper_bound_source.startswith("first layer")


def test_quadratic_activation_moment_matrix_bound():
    """Bound 8 of geometry.bounds: for σ = −8z² + 5z + 4 on (2, 2, 1), the coefficients of f rebuild the moment
    matrix Σ a_i (1, w_i)(1, w_i)ᵀ, whose determinant vanishes identically (sympy, by hand: rank ≤ 2 < 3), so
    dim V ≤ 3·2 − 1 = 5 < 6 = N = A; the mod-p rank meets it, so the defect is certified."""
    import sympy as sp

    a1, a2, u1, v1, u2, v2, x, y = sp.symbols("a1 a2 u1 v1 u2 v2 x y")
    f = sp.expand(sum(a * (-8 * (u * x + v * y) ** 2 + 5 * (u * x + v * y) + 4) for a, u, v in ((a1, u1, v1), (a2, u2, v2))))
    P = sp.Poly(f, x, y)
    c = {m: P.coeff_monomial(x ** m[0] * y ** m[1]) for m in ((0, 0), (1, 0), (0, 1), (2, 0), (1, 1), (0, 2))}
    M = sp.Matrix([[c[(0, 0)] / 4, c[(1, 0)] / 5, c[(0, 1)] / 5],
                   [c[(1, 0)] / 5, -c[(2, 0)] / 8, -c[(1, 1)] / 16],
                   [c[(0, 1)] / 5, -c[(1, 1)] / 16, -c[(0, 2)] / 8]])
    assert sp.expand(M.det()) == 0 and M.subs({a1: 1, a2: 2, u1: 1, v1: 0, u2: 0, v2: 1}).rank() == 2
    r = dimension(MLP((2, 2, 1), "-8*z^2+5*z+4"))
    assert (r.dimension, r.certified, r.upper_bound, r.parameters) == (5, True, 5, 6)
    assert r.upper_bound_source.startswith("quadratic σ")


def test_a_prime_is_given_as_an_int_or_as_the_field_itself():
    # the same field either way; a bad prime names the argument 'prime' (not PrimeField's own 'p')
    from neuromanifold.geometry.criticality import rank_at_point
    from neuromanifold.parametrization import PrimeField

    arch = MLP((3, 5, 1), 4)  # AH exception (3, 4, 5): dim V = 14
    by_int, by_field = dimension(arch, prime=1_000_003), dimension(arch, prime=PrimeField(1_000_003))
    assert by_int.dimension == by_field.dimension == 14 and by_field.primes == (1_000_003,) * len(by_field.ranks)
    point = Parameters.random(MLP((2, 2, 1), 2), seed=1)
    assert rank_at_point(point, prime=PrimeField(1_000_003)).rank == rank_at_point(point, prime=1_000_003).rank
    for bad, error in [(10, ValueError), (2**31 + 11, ValueError), ("7", TypeError), (True, TypeError)]:
        with pytest.raises(error, match="'prime'"):
            dimension(arch, prime=bad)
