"""Critical exposure: MLP subnetwork critical points lift (exactly over ℚ), CNN ones do not."""

from fractions import Fraction as F

import numpy as np
import pytest

from neuromanifold import MLP
from neuromanifold.architectures.cnn import CNN
from neuromanifold.landscape.exposure import exact_exposure, exposure_probability
from neuromanifold.landscape.strata import cnn_stratum, mlp_stratum, wilson_interval

torch = pytest.importorskip("torch")
torch.set_num_threads(1)


@pytest.mark.parametrize("act", ["z^3+z^2", "z^2"])
def test_mlp_lift_is_critical_exactly(act):
    # Theorem (σ(0) = 0): a neuron with zero in- and out-weights contributes nothing to the gradient.
    s = mlp_stratum(MLP((2, 3, 1), act), [1])
    cert = exact_exposure(s, seed=1)
    assert cert.reduced_critical and cert.certified
    assert cert.residual_norm2 > 0  # a genuine critical point, not an interpolant
    assert cert.lift_critical and all(v == 0 for v in cert.removed_gradient)


def test_mlp_lift_at_given_rational_point():
    s = mlp_stratum(MLP((2, 2, 1), "z^3+z^2"), [1])
    cert = exact_exposure(s, theta_free=[F(1, 2), -1, 2], X=[[1, 0], [0, 1], [1, 1], [2, -1], [F(1, 3), 1]])
    assert cert.reduced_critical and cert.lift_critical


def test_cnn_lift_is_not_critical():
    # Razor's Edge example: d0 = 5, filters (3, 2), strides (2, 1), σ = z² + z; first filter padded by one.
    s = cnn_stratum(CNN(5, (3, 2), (2, 1), "z^2+z"), [(0, 1), (0, 0)])
    cert = exact_exposure(s, seed=0)
    assert cert.reduced_critical and not cert.lift_critical and cert.certified


def test_monte_carlo_contrast():
    mlp = exposure_probability(architecture=MLP((3, 3, 1), "z^2"), trials=6, seed=0)
    cnn = exposure_probability(architecture=CNN(5, (3, 2), (2, 1), "z^2"), trials=6, seed=0)
    assert mlp.converged >= 4 and mlp.exposed == mlp.converged
    assert cnn.converged >= 4 and cnn.exposed == 0


def test_wilson_interval_known_values():
    # Wilson (1927): 0 successes in 10 trials → upper bound z²/(n + z²) = 0.2775 (z = 1.96).
    lo, hi = wilson_interval(0, 10)
    assert lo == 0 and abs(hi - 3.8415 / 13.8415) < 1e-3
    lo, hi = wilson_interval(5, 10)
    assert abs(lo - 0.2366) < 1e-3 and abs(hi - 0.7634) < 1e-3


def test_bad_stratum_arguments():
    with pytest.raises(ValueError, match="'removed'"):
        mlp_stratum(MLP((2, 2, 1), 2), [2])
    with pytest.raises(ValueError, match="'pads'"):
        cnn_stratum(CNN(5, (3, 2), (2, 1), 2), [(2, 1), (0, 0)])
