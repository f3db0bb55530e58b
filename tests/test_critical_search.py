"""Numerical search for non-subnetwork critical points, input bottlenecks, and the strata CLI
(docs/math.md §4–5).

Oracles: sympy ranks of the coefficient Jacobian, hand-derived images of dφ, hand-evaluated
dimension counts (Alexander–Hirschowitz, dimensions of binary forms) and hand-derived strata dimensions.
"""

import json

import numpy as np
import pytest
from cli_helpers import run_cli
from test_criticality import sympy_rank

from neuromanifold import MLP, Parameters
from neuromanifold.geometry.critical_scan import explain, input_bottleneck_rank_bound, numerical_search, scan, structure
from neuromanifold.geometry.criticality import rank_at_point


def test_numerical_search_finds_an_exact_non_subnetwork_critical_point_at_r2():
    # (3,3,2), σ = z²: V = pairs of ternary quadrics (filling, dim 12 = N − 3 rescalings).  No
    # construction of the scan applies except the hyperplane one (d_1 = 3 < r + 2 = 4), and the search
    # avoids rank W_1 < 3 — so what it finds is a new family.
    arch = MLP((3, 3, 2), 2)
    stats, found = numerical_search(arch, seed=0, starts=2, steps=60)
    assert found and stats["confirmed"] == len(found)
    for c in found:
        W1 = np.array(c.params.weights[0], dtype=float)
        W2 = np.array(c.params.weights[1], dtype=float)
        # independently not a subnetwork: no zero row/column, rows pairwise independent
        assert np.all(np.abs(W1).sum(axis=1) > 0) and np.all(np.abs(W2).sum(axis=0) > 0)
        assert all(np.linalg.matrix_rank(W1[[i, j]]) == 2 for i in range(3) for j in range(i + 1, 3))
        assert np.linalg.matrix_rank(W1) == 3  # not an input bottleneck, not the hyperplane construction
        assert c.rank.method in ("exact", "exact-kernel") and c.rank.certified
        assert sympy_rank(c.params) < 12  # exact, independent of the code under test
        assert "proportional outgoing columns" in c.label


def test_proportional_columns_at_r2_by_hand():
    # W_1 = I: image of dφ = (x², 0), (0, x²), … (6 diagonal directions) + xy·col_1, xy·col_2,
    # xz·col_1, xz·col_3, yz·col_2, yz·col_3.  col_3 = 2 col_1 → xz contributes 1 dimension: 11 < 12.
    p = Parameters(MLP((3, 3, 2), 2), [[[1, 0, 0], [0, 1, 0], [0, 0, 1]], [[1, 0, 2], [0, 1, 0]]])
    res = rank_at_point(p)
    assert res.rank == 11 == sympy_rank(p) and res.critical and res.certified
    assert structure(p).proportional_columns == ((1, (0, 2)),)
    assert "proportional outgoing columns" in explain(p)
    q = Parameters(MLP((3, 3, 2), 2), [[[1, 0, 0], [0, 1, 0], [0, 0, 1]], [[1, 0, 2], [0, 1, 3]]])
    assert rank_at_point(q).rank == 12  # columns pairwise independent: 6 + 2 + 2 + 2


def test_input_bottleneck_by_hand_and_its_rank_bound():
    # (3,3,1), σ = z³, rows x, y, x + y (rank W_1 = 2 < 3).  Image: ℓ_i²·{x, y} = all binary cubics in
    # x, y (4) and ℓ_i²·z = z·(all binary quadratics) (3): rank 7 < 9 = dim V (AH: min(9, 10)).
    p = Parameters(MLP((3, 3, 1), 3), [[[1, 0, 0], [0, 1, 0], [1, 1, 0]], [[1, 2, 3]]])
    s = structure(p)
    assert s.input_bottleneck and s.rank_W1 == 2 and s.to_dict()["rank_W1"] == 2
    assert explain(p).startswith("input-bottleneck")
    res = rank_at_point(p)
    assert res.rank == 7 == sympy_rank(p) and res.critical and res.certified
    # bound: dim V(2,3,1) at r = 3 = min(6, C(4, 3)) = 4, plus (3 − 2)·min(3, C(3, 1)) = 3 → 7 (sharp here)
    assert input_bottleneck_rank_bound(MLP((3, 3, 1), 3), 2) == 7


def test_input_bottleneck_bound_explains_the_sweep_threshold_of_3551():
    # k = 2: dim V(2,5,5,1) ≤ min(binary forms of degree r², N − rescalings = 30), plus
    # 1·min(5, r²) for the w-direction: r = 2..6 → 5 + 4, 10 + 5, 17 + 5, 26 + 5, 30 + 5.
    bounds = [input_bottleneck_rank_bound(MLP((3, 5, 5, 1), r), 2) for r in range(2, 7)]
    assert bounds == [9, 15, 22, 31, 35]
    W = [[[1, 0, 0], [0, 1, 0], [1, 1, 0], [1, -1, 0], [2, 1, 0]],
         [[1, 2, -1, 1, 3], [2, -1, 1, 3, 1], [1, 1, 2, -2, 1], [3, 1, -1, 1, 2], [1, -3, 1, 2, -1]],
         [[1, 2, -1, 3, 1]]]
    at5 = rank_at_point(Parameters(MLP((3, 5, 5, 1), 5), W))
    assert at5.generic_rank == 35 and at5.rank <= 31 and at5.critical  # proven by the bound
    at6 = rank_at_point(Parameters(MLP((3, 5, 5, 1), 6), W))
    assert at6.rank == 35 and not at6.critical  # the bound 35 no longer forces criticality


def test_scan_classifies_the_hyperplane_construction_as_input_bottleneck():
    result = scan(MLP((3, 3, 2), 2), numerical_starts=0)
    labels = {c.label for c in result.input_bottlenecks}
    assert any("hyperplane" in label for label in labels)
    assert all(structure(c.params).input_bottleneck for c in result.input_bottlenecks)
    # the proof that they are critical: k = 2, dim V(2,3,2) ≤ A = 2·C(3, 1) = 6, plus (3 − 2)·min(3, 2·C(2, 1)) = 3
    # → rank dφ ≤ 9 < 12 = dim V(3,3,2) (pairs of ternary quadrics, 2·C(4, 2), filling)
    assert input_bottleneck_rank_bound(MLP((3, 3, 2), 2), 2) == 9
    assert "input-bottleneck" in result.verdict and any("9 < 12" in note for note in result.notes)
    d = json.loads(json.dumps(result.to_dict()))
    assert d["input_bottlenecks"] and "holds_up_to_input_bottlenecks" in d


def test_cli_strata_table_and_json():
    # (3,3,1), σ = z²: symmetric 3×3 matrices (dim 6); rank ≤ 2: 3·2 − 1 = 5; rank 1: 3 (hand).
    res = run_cli("strata", "3,3,1", "--degree", "2", "--json")
    assert res.returncode == 0, res.stderr
    data = json.loads(res.stdout)
    assert data["dimension"] == 6 and data["certified"]
    got = sorted((tuple(s["removed"]), tuple(s["merged"]), s["dimension"], s["codimension"]) for s in data["strata"])
    assert got == sorted([((1,), (0,), 5, 1), ((0,), (1,), 5, 1), ((2,), (0,), 3, 3), ((0,), (2,), 3, 3),
                          ((1,), (1,), 3, 3)])
    by_index = {s["index"]: s for s in data["strata"]}
    for i, j in data["order"]:
        assert by_index[i]["reduced_widths"] == [3, 1, 1] and by_index[j]["reduced_widths"] == [3, 2, 1]
    assert data["zero_function"]["codimension"] == 6
    table = run_cli("strata", "3,3,1", "--degree", "2")
    assert table.returncode == 0 and "codim" in table.stdout and "[3, 2, 1]" in table.stdout


@pytest.mark.parametrize("args, needle", [(("strata", "3,x,1"), "WIDTHS"), (("strata", "3,1", "--degree", "2"), "hidden layer"),
                                          (("strata", "3,3,1", "--degree", "0"), "--degree")])
def test_cli_strata_errors_are_one_line(args, needle):
    res = run_cli(*args)
    assert res.returncode == 2 and needle in res.stderr and len(res.stderr.strip().splitlines()) == 1
