"""Tangent-space limits and singular points, checked against hand computations and textbook varieties.

Oracle for MLP (3, 2, 1), σ = z²: f = a_1 (w_1·x)² + a_2 (w_2·x)² ↔ the symmetric matrix
a_1 w_1 w_1ᵀ + a_2 w_2 w_2ᵀ, so V = {symmetric 3 × 3 matrices of rank ≤ 2} = {det = 0}, a cubic
hypersurface (dim 5 in ℝ⁶) whose singular locus is exactly the matrices of rank ≤ 1 (the gradient of
det is the adjugate, zero iff rank ≤ 1).
"""

import numpy as np
import pytest
import sympy

from neuromanifold import MLP, Parameters
from neuromanifold.geometry.series import column_space_basis, limit_column_space
from neuromanifold.geometry.singularity import singular

P = 2_147_483_647


def _span_equal(B, vectors, p=P):
    """col B = span(vectors) over F_p."""
    from neuromanifold.geometry.rank import rank_mod_p

    V = np.array(vectors, dtype=np.int64).T % p
    return rank_mod_p(B, p) == rank_mod_p(V, p) == rank_mod_p(np.hstack([B, V]), p)


def test_limit_of_secant_plane_by_hand():
    # columns (1, 0, t), (1, t, 0): their difference divided by t is (0, −1, 1), so the limit plane is
    # span{(1,0,0), (0,−1,1)} although A_0 has rank 1.
    A0 = np.array([[1, 1], [0, 0], [0, 0]])
    A1 = np.array([[0, 0], [0, 1], [1, 0]])
    lim = limit_column_space([A0, A1], P, target_rank=2)
    assert lim.dimension == 2 and lim.complete and lim.dimensions == (1, 2)
    assert _span_equal(lim.basis, [[1, 0, 0], [0, -1, 1]])


def test_limit_needs_second_order():
    # columns v1 = (1, t, t²), v2 = (1, t, 0): v1 − v2 = (0, 0, t²) — the limit appears only at order t².
    A0 = np.array([[1, 1], [0, 0], [0, 0]])
    A1 = np.array([[0, 0], [1, 1], [0, 0]])
    A2 = np.array([[0, 0], [0, 0], [1, 0]])
    lim = limit_column_space([A0, A1, A2], P, target_rank=2)
    assert lim.dimensions == (1, 1, 2)
    assert _span_equal(lim.basis, [[1, 0, 0], [0, 0, 1]])


def test_limit_of_tangent_lines_of_the_cusp():
    # the cusp y² = x³ parametrised by (t², t³): tangent line col (2t, 3t²) → the x-axis (1, 0).
    A1 = np.array([[2], [0]])
    A2 = np.array([[0], [3]])
    lim = limit_column_space([np.zeros((2, 1), dtype=np.int64), A1, A2], P, target_rank=1)
    assert _span_equal(lim.basis, [[1, 0]])


def test_column_space_basis_matches_sympy():
    # col M = span{(1, 2, 0), (2, 4, 1)} (column 3 = column 1 + column 2): rank 2.  Independent check over
    # GF(p) with sympy: B has full column rank 2 and [B | M] still has rank 2, so col B = col M.
    from sympy import GF
    from sympy.polys.matrices import DomainMatrix

    M = np.array([[1, 2, 3], [2, 4, 6], [0, 1, 1]])
    B = column_space_basis(M, P)

    def rank_gf(A):
        return DomainMatrix([[GF(P)(int(v)) for v in row] for row in np.asarray(A).tolist()], np.shape(A), GF(P)).rank()

    assert B.shape == (3, 2) and rank_gf(B) == 2 == sympy.Matrix(M).rank()
    assert rank_gf(np.hstack([B % P, M])) == 2


ARCH = MLP((3, 2, 1), 2)


def _sym_matrix(W1, a):
    W1 = sympy.Matrix(W1)
    return sum((a[i] * W1[i, :].T * W1[i, :] for i in range(W1.rows)), sympy.zeros(3, 3))


@pytest.mark.parametrize(
    "W1, a, expected",
    [
        ([[1, 0, 0], [0, 1, 0]], [1, 1], False),   # x0² + x1²: rank 2, smooth point of {det = 0}
        ([[1, 2, -1], [3, 0, 1]], [2, -5], False),  # a generic rank-2 point
        ([[1, 0, 0], [0, 1, 0]], [1, 0], True),    # x0²: rank 1 (inactive neuron) — singular
        ([[1, 2, 0], [2, 4, 0]], [1, 1], True),    # proportional rows: rank 1 — singular
        ([[1, 2, 3], [0, 1, 1]], [0, 0], True),    # f = 0: rank 0 — singular (the vertex of the cone)
    ],
)
def test_determinantal_cubic(W1, a, expected):
    M = _sym_matrix(W1, a)
    assert M.det() == 0 and (M.rank() <= 1) == expected  # the oracle: Sing{det = 0} = {rank ≤ 1}
    res = singular(ARCH, Parameters(ARCH, (W1, [a])), seed=1)
    assert res.dimension == 5 and res.dimension_certified
    if expected:
        assert res.singular is True and res.certified and res.span_dimension == 6
    else:
        # the Jacobian criterion with the proven equation det = 0 certifies the smooth points (∇det = adj ≠ 0)
        assert res.singular is False and res.certified and res.rank_at_point == 5
        assert res.method == "jacobian-criterion"
        tangent_only = singular(ARCH, Parameters(ARCH, (W1, [a])), seed=1, equations=False)
        assert tangent_only.singular is False and not tangent_only.certified and tangent_only.method == "tangent-limits"
        # smooth by tangent limits alone: probabilistic (a mod-p rank may miss), with the bound it reports
        assert tangent_only.known.kind == "probabilistic" and tangent_only.known.error_bound == tangent_only.error_bound
        assert res.known.kind == "certified" and res.to_dict()["known"]["method"] == "jacobian-criterion"
    d = res.to_dict()
    assert set(d) >= {"singular", "span_dimension", "dimension", "rank_at_point", "curves"}
    assert res.verdict in res.summary().lower()


def test_filling_architecture_has_no_singular_points():
    # (2, 2, 1), σ = z²: binary quadratic forms, V = ℝ³ — smooth everywhere, even at subnetworks.
    arch = MLP((2, 2, 1), 2)
    res = singular(arch, Parameters(arch, ([[1, 0], [0, 1]], [[1, 0]])))
    assert res.dimension == 3 and res.span_dimension == 3 and res.singular is False


def test_explicit_fibre_points_must_compute_the_same_function():
    P0 = Parameters(ARCH, ([[1, 0, 0], [0, 1, 0]], [[1, 0]]))
    other = Parameters(ARCH, ([[1, 0, 0], [0, 1, 0]], [[1, 1]]))
    with pytest.raises(ValueError, match="fiber"):
        singular(ARCH, P0, fiber=[other])


def test_given_direction_through_single_point_is_not_enough_for_inactive_neuron():
    # every curve through W_0 (a_2 = 0, w_2 = e_2) has the limit {N : kᵀ N k = 0}, k = e_3 (k ⊥ w_1, w_2):
    # without other fibre points the tool must not claim singularity.
    P0 = Parameters(ARCH, ([[1, 0, 0], [0, 1, 0]], [[1, 0]]))
    res = singular(ARCH, P0, curves=3, fiber=None, equations=False)
    assert res.singular is None and res.span_dimension == 5
    assert all(c.complete and c.dimension == 5 for c in res.curves)
    # the hypersurface certificate decides it without fibre points: f = x0² is a rank-1 matrix, ∇det = adj = 0
    res = singular(ARCH, P0, curves=3, fiber=None)
    assert res.singular is True and res.certified and res.method == "hypersurface-gradient"


def test_subnetwork_strata_table_discriminates():
    # non-filling (3,2,1) z²: both strata are rank-≤1 matrices, singular on {det = 0} (oracle above);
    # filling (2,2,1) z²: V = R³, no singular points at all.
    from neuromanifold.geometry.singular_strata import subnetwork_singularity_table

    rows = subnetwork_singularity_table(ARCH, seed=3)
    assert rows and all(r.result.singular is True and r.result.certified for r in rows)
    # Thm 4.2 hypotheses (reading): (3,2,1) z² is defective (dim V = 5 < N − rescalings = 6, hand: the
    # symmetric-matrix model) and z² is a monomial — no prediction, so no (dis)agreement is claimed
    assert all(r.prediction is None and r.agrees is None for r in rows)
    assert all(set(r.hypotheses.failing()) == {"identifiable", "enough_coefficients"} for r in rows)
    rows = subnetwork_singularity_table(MLP((2, 2, 1), 2), seed=3)
    assert rows and all(r.result.singular is False and r.result.certified and r.agrees for r in rows)
    assert all(r.prediction is False and r.hypotheses.non_filling is False for r in rows)
    # (2,2,1) z³+z²: dim V = 6 = N < A = 7 (a hypersurface), σ has non-zero z³ and z² coefficients, the
    # strata are width-1 networks with 3 parameters (dim ≤ 3 < 6): hypotheses hold, prediction singular
    rows = subnetwork_singularity_table(MLP((2, 2, 1), "z^3+z^2"), seed=3)
    assert rows and all(r.hypotheses.holds and r.prediction is True and r.agrees is True for r in rows)


def test_architecture_agnostic_on_a_cnn():
    cnn = pytest.importorskip("neuromanifold.architectures.cnn")
    arch = cnn.CNN(3, (2, 2), (1, 1), 2)
    # filters (1, 2), (1, 1): f = (x0 + 2x1)² + (x1 + 2x2)² ≠ 0. docs/math.md §6: dim V = |k| − L + 1 = 3 and φ is
    # regular away from φ⁻¹(0), so rank dφ = 3 = dim V here
    res = singular(arch, np.array([1, 2, 1, 1]), curves=2)
    assert res.dimension == 3 and res.rank_at_point == 3 and res.singular is False


def test_singular_goes_on_to_quartic_equations():
    """(3, 3, 1), σ = z³: V = cubic ternary forms of Waring rank ≤ 3, a hypersurface in the 10 cubics (the
    Aronhold invariant, of degree 4, vanishes on sums of three cubes).  Degree-3 equations do not exist, so
    only the quartic decides: a generic point is smooth; a point with rank W₁ = 2 (rows in a plane: f is a
    binary cubic in two linear forms) is singular.  Both certified now (degree 3 left them open)."""
    arch = MLP((3, 3, 1), 3)
    generic = Parameters(arch, [[[1, 0, 2], [0, 1, -1], [1, 3, 1]], [[1, 2, -3]]])
    flat = Parameters(arch, [[[1, 0, 0], [0, 1, 0], [1, 1, 0]], [[1, 2, 3]]])
    smooth, sing = singular(arch, generic), singular(arch, flat)
    assert smooth.singular is False and smooth.certified
    assert sing.singular is True and sing.certified
