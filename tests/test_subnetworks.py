"""Subnetwork detection, reduction and strata (docs/math.md §4).

Oracles: hand-derived reductions (σ(cz) = c^r σ(z) for σ = z^r), exact evaluation of the original and
the reduced network on random inputs (the reduced network must compute the same function), and the
Alexander–Hirschowitz formula for the dimensions of shallow strata.
"""

from fractions import Fraction

import numpy as np
import pytest

from neuromanifold import MLP, Float64, Parameters, PrimeField, evaluate
from neuromanifold.geometry import detect_subnetwork, strata_order, subnetwork_strata

F = PrimeField()


def same_function(params, report, seed=0, m=9):
    """Exact comparison over F_p at random integer inputs (floats: Float64, relative 1e-9)."""
    arch = params.architecture
    X = np.random.default_rng(seed).integers(-7, 8, size=(m, arch.input_dim))
    if params.kind == "float":
        a = evaluate(arch, params, X.astype(float), Float64())
        b = evaluate(report.reduced_architecture, report.reduced_params, X.astype(float), Float64())
        return np.allclose(a, b, rtol=1e-9, atol=1e-9 * np.max(np.abs(a)))
    a = evaluate(arch, params, X, F)
    b = evaluate(report.reduced_architecture, report.reduced_params, X, F)
    return np.array_equal(a, b)


def test_generic_point_is_not_a_subnetwork():
    arch = MLP((3, 4, 2), 2)
    p = Parameters(arch, [[[1, 2, 3], [0, 1, -1], [2, -1, 1], [1, 1, 5]], [[1, 2, 3, 4], [-1, 0, 2, 1]]])
    r = detect_subnetwork(p)
    assert not r.is_subnetwork
    assert r.inactive == () and r.redundant == () and r.reduced_widths == (3, 4, 2)


def test_zero_outgoing_column_zero_row_and_proportional_rows_by_hand():
    # σ = z^2.  Neuron 2 has a zero outgoing column, neuron 3 a zero incoming row, and row 1 = 2·row 0,
    # so σ(row_1·x) = 4 σ(row_0·x): merged outgoing column = col_0 + 4 col_1.
    arch = MLP((2, 4, 1), 2)
    p = Parameters(arch, [[[1, -1], [2, -2], [3, 1], [0, 0]], [[5, 1, 0, 7]]])
    r = detect_subnetwork(p)
    assert r.inactive == ((1, 2), (1, 3))
    assert r.redundant == ((1, (0, 1)),)
    assert r.reduced_widths == (2, 1, 1)
    assert r.reduced_params.weights[0].tolist() == [[1, -1]]
    assert r.reduced_params.weights[1].tolist() == [[5 + 4 * 1]]
    assert same_function(p, r)


def test_cubic_negative_ratio_and_three_way_group():
    # σ = z^3, rows r, -r, 3r: (−1)^3 = −1, 3^3 = 27 → merged column c0 − c1 + 27 c2.
    arch = MLP((2, 3, 2), 3)
    p = Parameters(arch, [[[1, 2], [-1, -2], [3, 6]], [[1, 2, 1], [0, 1, -1]]])
    r = detect_subnetwork(p)
    assert r.redundant == ((1, (0, 1, 2)),)
    assert r.reduced_params.weights[1].tolist() == [[1 - 2 + 27], [0 - 1 - 27]]
    assert same_function(p, r)


def test_cancelling_merge_makes_the_neuron_inactive():
    # rows proportional with c = 2, σ = z^2: col_0 + 4·col_1 = 0 → the merged neuron is inactive.
    arch = MLP((2, 3, 1), 2)
    p = Parameters(arch, [[[1, 1], [2, 2], [1, -1]], [[-4, 1, 3]]])
    r = detect_subnetwork(p)
    assert r.redundant == ((1, (0, 1)),)
    assert r.inactive == ((1, 0), (1, 1))
    assert r.reduced_widths == (2, 1, 1)
    assert same_function(p, r)


def test_general_polynomial_needs_equal_rows_but_even_sigma_allows_sign():
    # σ = z^3 + z^2: proportional rows with c = 2 are NOT redundant, equal rows are.
    arch = MLP((2, 3, 1), "z^3 + z^2")
    p = Parameters(arch, [[[1, 2], [2, 4], [1, 2]], [[1, 1, 1]]])
    r = detect_subnetwork(p)
    assert r.redundant == ((1, (0, 2)),)
    assert r.reduced_widths == (2, 2, 1)
    assert r.reduced_params.weights[1].tolist() == [[2, 1]]
    assert same_function(p, r)
    # σ = z^4 + z^2 is even: rows r and −r compute the same neuron.
    even = MLP((2, 2, 1), "z^4 + z^2")
    q = Parameters(even, [[[1, 3], [-1, -3]], [[2, 5]]])
    assert detect_subnetwork(q).redundant == ((1, (0, 1)),)
    assert same_function(q, detect_subnetwork(q))


def test_zero_row_with_nonzero_constant_term_is_not_inactive_without_bias():
    # σ(0) = 1 ≠ 0 and no bias: the neuron feeds the constant 1, no smaller network reproduces it.
    arch = MLP((2, 2, 1), "z^2 + 1")
    p = Parameters(arch, [[[0, 0], [1, 2]], [[3, 1]]])
    assert not detect_subnetwork(p).is_subnetwork


def test_constant_neuron_with_bias_is_absorbed_into_the_next_bias():
    # weights of neuron 1 are zero, bias 2: it outputs σ(2) = 4 + 2 = 6, times outgoing weight 3.
    arch = MLP((2, 2, 1), "z^2 + z", bias=True)
    p = Parameters(arch, [[[1, 1], [0, 0]], [[1, 3]]], biases=[[1, 2], [5]])
    r = detect_subnetwork(p)
    assert r.inactive == ((1, 1),)
    assert r.reduced_params.biases[1].tolist() == [5 + 3 * 6]
    assert same_function(p, r)


def test_cascade_to_the_next_layer():
    # Layer-1 neuron 1 has a zero incoming row (outputs 0).  Layer-2 neuron 0 reads only from it,
    # so after deleting it that neuron's row is zero: inactive too.
    arch = MLP((2, 2, 2, 1), 2)
    p = Parameters(arch, [[[1, 2], [0, 0]], [[0, 5], [1, 1]], [[3, 4]]])
    r = detect_subnetwork(p)
    assert r.inactive == ((1, 1), (2, 0))
    assert r.reduced_widths == (2, 1, 1, 1)
    assert same_function(p, r)


def test_rational_and_float_weights():
    arch = MLP((2, 2, 1), 2)
    p = Parameters(arch, [[["1/2", "1/3"], ["3/2", 1]], [["2/5", 1]]])
    r = detect_subnetwork(p)
    assert r.redundant == ((1, (0, 1)),)
    assert r.reduced_params.weights[1][0, 0] == Fraction(2, 5) + 9  # c = 3, c^2 = 9
    assert same_function(p, r)
    q = Parameters(arch, [[[0.5, 1 / 3], [1.5, 1.0 + 1e-13]], [[0.4, 1.0]]])
    rq = detect_subnetwork(q)
    assert rq.redundant == ((1, (0, 1)),)
    assert same_function(q, rq)
    assert not detect_subnetwork(q, tol=0).is_subnetwork  # exact comparison of floats


def test_bad_arguments():
    arch = MLP((2, 2, 1), 2)
    with pytest.raises(TypeError, match="'params'"):
        detect_subnetwork([[1, 2]])
    with pytest.raises(ValueError, match="'tol'"):
        detect_subnetwork(Parameters.random(arch), tol=-1.0)
    with pytest.raises(ValueError, match="shape"):
        Parameters(arch, [[[1, 2, 3]], [[1, 2]]])


@pytest.mark.parametrize(
    "arch",
    [MLP((2, 3, 2, 1), 2), MLP((3, 3, 2), 3, bias=True), MLP((2, 3, 2, 1), "z^3 + z^2"), MLP((2, 2, 2, 2), (2, 3))],
    ids=str,
)
def test_random_points_on_every_stratum_reduce_to_the_same_function(arch):
    strata = subnetwork_strata(arch)
    assert strata
    for i, s in enumerate(strata):
        for removal in ("out", "in") if not arch.bias else ("out",):
            p = s.random_point(seed=i, removal=removal)
            r = detect_subnetwork(p)
            assert r.reduced_widths == s.reduced_widths
            assert same_function(p, r, seed=i)
            hidden = [0] * (arch.depth - 1)
            for ell, _ in r.inactive:
                hidden[ell - 1] += 1
            assert tuple(hidden) == s.removed  # no merged group cancels at a random point


def test_shallow_strata_dimensions_match_alexander_hirschowitz():
    # (3, 3, 1), σ = z^2: V = symmetric 3×3 matrices (dim 6); width 2 → rank ≤ 2: 3·2 − C(2,2) = 5;
    # width 1 → rank 1: 3.  Strata: remove or merge 1 (width 2) and remove 2 / merge 2 / remove1+merge1.
    strata = subnetwork_strata(MLP((3, 3, 1), 2))
    got = sorted((s.removed, s.merged, s.dimension, s.codimension) for s in strata)
    want = sorted([((1,), (0,), 5, 1), ((0,), (1,), 5, 1), ((2,), (0,), 3, 3), ((0,), (2,), 3, 3), ((1,), (1,), 3, 3)])
    assert got == want


def test_width_one_layer_forces_the_next_layer_to_collapse():
    # σ = z^2, no bias: after a width-1 layer every row of the next layer is proportional, so
    # (2, 1, 2, 1) is no stratum of its own; (2, 1, 1, 1) is.
    widths = {s.reduced_widths for s in subnetwork_strata(MLP((2, 3, 2, 1), 2))}
    assert (2, 1, 2, 1) not in widths and (2, 1, 1, 1) in widths


def test_inclusion_order():
    strata = subnetwork_strata(MLP((3, 3, 1), 2))
    covers = strata_order(strata)
    for i, j in covers:
        assert strata[i].reduced_widths < strata[j].reduced_widths
        assert strata[i].dimension < strata[j].dimension
    small = [i for i, s in enumerate(strata) if s.reduced_widths == (3, 1, 1)]
    big = [j for j, s in enumerate(strata) if s.reduced_widths == (3, 2, 1)]
    assert {(i, j) for i in small for j in big} == set(covers)
