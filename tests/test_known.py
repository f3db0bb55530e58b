"""One shape for how an answer is known (results.Known), read off the results that carry it."""

import numpy as np
import pytest

from neuromanifold import MLP, Parameters, dimension
from neuromanifold.geometry.criticality import rank_at_point
from neuromanifold.landscape.losses import data_loss
from neuromanifold.parametrization import Float64, Rationals
from neuromanifold.results import Known


def test_from_certificate_distinguishes_the_three_cases():
    assert Known.from_certificate(True, 0.0, "m").kind == "certified"
    k = Known.from_certificate(False, 1e-9, "m")
    assert k.kind == "probabilistic" and k.error_bound == 1e-9
    assert Known.from_certificate(False, float("nan")).kind == "unproven"
    assert Known.from_tolerance(False, 1e-8).kind == "numerical" and Known.from_tolerance(False).kind == "unproven"
    assert str(Known.from_certificate(False, 1e-9, "mod-p")) == "probabilistic, P(wrong) ≤ 1e-09 (mod-p)"
    with pytest.raises(ValueError, match="kind"):
        Known("proven")


def test_dimension_and_point_rank_say_how_they_are_known():
    d = dimension(MLP((3, 4, 1), 2))  # AH: d_0 d_1 − C(d_1, 2) = 12 − 6 = 6 = A, a proven bound
    assert d.dimension == 6 and d.known.kind == "certified" and d.to_dict()["known"]["kind"] == "certified"
    # (2, 2, 1) at σ = z²: dim V = 4 − C(2, 2) = 3; with neuron 2 inactive the rank is 2 (docs/math.md §5)
    arch = MLP((2, 2, 1), 2)
    W = Parameters(arch, [np.array([[1, 2], [0, 0]], dtype=object), np.array([[1, 0]], dtype=object)])
    r = rank_at_point(W, seed=0)
    assert r.rank == 2 and r.critical and r.known.kind == "certified"


def test_a_float_gradient_verdict_is_numerical_with_its_tolerance():
    arch = MLP((1, 1, 1), 2)
    X, Y = np.array([[1.0], [2.0]]), np.array([[1.0], [4.0]])
    loss = data_loss(arch, X, Y)
    c = loss.criticality(np.array([1.0, 1.0]), Float64(), tol=1e-8)  # f = x², an exact fit: ∇L = 0
    assert c.critical and c.known.kind == "numerical" and c.known.tolerance == pytest.approx(1e-8)
    exact_loss = data_loss(arch, np.array([[1], [2]], dtype=object), np.array([[1], [4]], dtype=object))
    exact = exact_loss.criticality(np.array([1, 1], dtype=object), Rationals())
    assert exact.critical and exact.known.kind == "certified"
