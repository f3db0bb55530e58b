"""Distance to the subnetwork locus, snapping and exact points for float weights (docs/math.md §4).

Oracles: closed forms computed by hand (norms of rows/columns, σ₂ of a 2 × k matrix), exact detection of the
snapped rational point, and the CLI's JSON on trained weights.
"""

import json
import math
from fractions import Fraction

import numpy as np
import pytest
from cli_helpers import run_cli

from neuromanifold import CNN, MLP, Parameters
from neuromanifold.geometry import detect_subnetwork, rank_at_point, singular
from neuromanifold.geometry.proximity import distance_to_subnetwork, events, exact_point, rationalize, snap


def test_distances_are_the_closed_forms_by_hand():
    # (2, 2, 1), σ = z²: rows (3, 4) and (0, 1e-3); outgoing (1, 2)
    W = Parameters(MLP((2, 2, 1), 2), [[[3.0, 4.0], [0.0, 1e-3]], [[1.0, 2.0]]])
    ev = {(e.kind, e.units): e for e in events(W)}
    assert ev[("inactive-out", (0,))].distance == pytest.approx(1.0)
    assert ev[("inactive-in", (1,))].distance == pytest.approx(1e-3)
    # σ₂ of [[3, 4], [0, 1e-3]]: det = 3e-3, σ₁ ≈ 5, so σ₂ ≈ 3e-3 / 5 = 6e-4 (hand value)
    assert ev[("redundant", (0, 1))].distance == pytest.approx(6e-4, rel=1e-3)
    near = distance_to_subnetwork(W)
    # relative distances: 6e-4 / ‖W_1‖ (= √25.000001) beats 1e-3 / 5 for the zero row
    assert near.kind == "redundant" and near.units == (0, 1)


def test_non_monomial_redundancy_is_equality_and_parity():
    # σ = z³ + z (odd): c = ±1 allowed; rows (1, 2), (−1, −2 − 2e-4): distance ‖r_i + r_j‖/√2 = 2e-4/√2
    W = Parameters(MLP((2, 2, 1), "z^3 + z"), [[[1.0, 2.0], [-1.0, -2.0 - 2e-4]], [[1.0, 1.0]]])
    e = min((e for e in events(W) if e.kind == "redundant"), key=lambda e: e.distance)
    assert e.factor == -1.0 and e.distance == pytest.approx(2e-4 / math.sqrt(2), rel=1e-6)


def test_snap_then_exact_point_lies_on_the_strata_exactly():
    rng = np.random.default_rng(0)
    W1 = rng.standard_normal((4, 3))
    W1[2] = 1.7 * W1[0] + 1e-9
    W2 = rng.standard_normal((1, 4))
    W2[0, 3] = 3e-8
    p = Parameters(MLP((3, 4, 1), 3), [W1, W2])
    s = exact_point(p)
    assert {(e.kind, e.units) for e in s.events} == {("redundant", (0, 2)), ("inactive-out", (3,))}
    rep = detect_subnetwork(s.exact)  # exact comparison of rationals
    assert rep.inactive == ((1, 3),) and rep.redundant == ((1, (0, 2)),)
    assert 0 < s.distance_to_exact < 1e-4 and s.distance < 1e-8
    # the float report uses the same notion and agrees
    assert detect_subnetwork(p).inactive == rep.inactive and detect_subnetwork(p).redundant == rep.redundant
    # dim V(3,4,1; z³) = 10 (filling) and the subnetwork W′ has rank 7 (redundant pair + inactive neuron): critical
    r = rank_at_point(s.exact)
    assert r.critical and r.certified and r.method in ("exact-kernel", "exact")


def test_nothing_snapped_far_from_the_locus_and_tolerance_widens_it():
    p = Parameters(MLP((2, 2, 1), 2), [[[1.0, 0.0], [0.0, 1.0]], [[1.0, 0.01]]])
    assert not snap(p).snapped
    assert [e.kind for e in snap(p, tol=0.05).events] == ["inactive-out"]


def test_rationalize_keeps_zeros_signs_and_small_entries():
    p = Parameters(MLP((2, 2, 1), 2), [[[1e-9, -1e-9], [0.0, 0.3333333]], [[-0.25, 2.5]]])
    q = rationalize(p, max_denominator=10)
    w = q.weights[0]
    assert w[0, 0] != 0 and w[0, 0] == -w[0, 1] and w[1, 0] == 0
    assert w[1, 1] == Fraction(1, 3) and q.weights[1][0, 0] == Fraction(-1, 4)


def test_cnn_padding_distance():
    c = CNN(5, (3, 2), (2, 1), 2)
    p = Parameters(c, [np.array([1e-9, 0.5, 0.3]), np.array([0.2, 0.7])])
    s = exact_point(p)
    assert [e.kind for e in s.events] == ["padded-first"] and s.exact.weights[0][0] == 0


def test_bad_arguments():
    p = Parameters(MLP((2, 2, 1), 2), [[[1.0, 0.0], [0.0, 1.0]], [[1.0, 1.0]]])
    with pytest.raises(ValueError, match="'tol'"):
        snap(p, tol=-1)
    with pytest.raises(ValueError, match="'max_denominator'"):
        exact_point(p, max_denominator=0)
    with pytest.raises(TypeError, match="'params'"):
        distance_to_subnetwork([[1.0]])
    with pytest.raises(TypeError, match="exact_point"):
        singular(p.architecture, p)


def _cli(*args):
    out = run_cli(*args)
    assert out.returncode == 0, out.stderr
    return out.stdout


def test_trained_weights_go_through_critical_singular_and_strata(tmp_path):
    _cli("train", "--seeds", "1", "--steps", "300", "--out", str(tmp_path / "run"), "--no-figures", "--save-weights",
         "--task", "subnetwork", "--workers", "1")
    files = sorted((tmp_path / "run" / "weights").glob("MLP-*.json"))
    assert files
    keys = {"input", "distance_to_subnetwork", "tolerance", "snapped", "certified", "error_bound", "primes"}
    crit = json.loads(_cli("critical", "--weights", str(files[0]), "--json"))
    sing = json.loads(_cli("singular", "--weights", str(files[0]), "--json"))
    strata = json.loads(_cli("strata", "--weights", str(files[0]), "--json", "--tol", "0.05"))
    for record in (crit, sing, strata["point"]):
        assert keys <= set(record) and record["input"] == "float"
        assert "NaN" not in json.dumps(record)
    assert crit["certified"] and crit["numerical"]["rank"] >= 0
    assert strata["point"]["tolerance"] == 0.05


def test_cnn_with_biases_and_wide_layers():
    c = CNN(5, (3, 2), (2, 1), 2, bias=True)
    p = Parameters(c, [np.array([1e-9, 0.5, 0.3]), np.array([0.2, 0.7])], [np.array([0.1]), np.array([0.4])])
    s = exact_point(p)
    assert s.exact.weights[0][0] == 0 and s.exact.biases[0][0] == Fraction(1, 10)
    # a hidden layer of 120 neurons (7,140 pairs, screened through the Gram matrix): the planted nearly
    # proportional pair is found, at the distance a direct SVD of the two rows gives (Eckart–Young)
    rng = np.random.default_rng(3)
    W1 = rng.standard_normal((120, 4))
    W1[77] = 2.5 * W1[12] + np.array([1e-7, 0, 0, 0])
    q = Parameters(MLP((4, 120, 1), 2), [W1, rng.standard_normal((1, 120))])
    near = distance_to_subnetwork(q)
    want = np.linalg.svd(np.vstack([W1[12], W1[77]]), compute_uv=False)[1]
    assert near.units == (12, 77) and near.distance == pytest.approx(want, rel=1e-9)
