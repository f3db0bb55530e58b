"""Critical exposure: MLP subnetwork critical points lift (exactly over ℚ), CNN ones do not."""

from fractions import Fraction as F

import numpy as np
import pytest

from neuromanifold import MLP
from neuromanifold.architectures.cnn import CNN
from neuromanifold.geometry.strata import cnn_stratum, merged_stratum, mlp_stratum
from neuromanifold.landscape.exposure import exact_exposure, exposure_probability
from neuromanifold.landscape.losses import data_loss
from neuromanifold.landscape.statistics import wilson_interval
from neuromanifold.parametrization.rationals import Rationals

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


def test_merged_lift_hand_example():
    # MLP (1, 2, 1), σ = z², data x = (1, 2), y = (1, 3), L = ½ Σ (f(x_i) − y_i)² (the mean over m = 2).  Reduced
    # net (1, 1, 1): f = c v² x²; ∂L'/∂c = v² Σ r_i x_i², ∂L'/∂v = 2cv Σ r_i x_i², so with v = 1 the critical point has
    # c = Σ y x² / Σ x⁴ = 13/17, residual r = (−4/17, 1/17) (Σ r x² = 0).  The lift with α = 1/3 is
    # θ = (w₁, w₂, a₁, a₂) = (1, 1, 13/51, 26/51) and every partial derivative carries Σ r x² = 0.
    s = merged_stratum(MLP((1, 2, 1), "z^2"), 1, (0, 1), F(1, 3))
    assert s.reduced_architecture.widths == (1, 1, 1)
    theta = s.lift(np.array([F(1), F(13, 17)], dtype=object))
    assert list(theta) == [1, 1, F(13, 51), F(26, 51)]
    X, Y = [[1], [2]], [[1], [3]]
    assert all(v == 0 for v in data_loss(s.reduced_architecture, X, Y).gradient([F(1), F(13, 17)], Rationals()))
    assert all(v == 0 for v in data_loss(s.architecture, X, Y).gradient(theta, Rationals()))
    # control: c = 1 is not critical; its lift (1, 1, 1/3, 2/3) has r = (0, 1) and by hand
    # ∇L = ½ (2·2a₁w₁·4, 2·2a₂w₂·4, 2w₁²·4, 2w₂²·4) = (8/3, 16/3, 4, 4)
    g = data_loss(s.architecture, X, Y).gradient(s.lift(np.array([F(1), F(1)], dtype=object)), Rationals())
    assert list(g) == [F(8, 3), F(16, 3), 4, 4]
    cert = exact_exposure(s, theta_free=[1, F(13, 17)], X=X)
    assert cert.kind == "merged" and cert.reduced_critical and cert.lift_critical


@pytest.mark.parametrize("arch,layer,pair", [
    (MLP((2, 3, 1), "z^3+z^2"), 1, (0, 1)),
    (MLP((2, 3, 1), "z^2+z+1", bias=True), 1, (2, 0)),  # σ(0) ≠ 0: the inactive-neuron argument fails, merging works
    (MLP((2, 2, 3, 1), "z^2+z", bias=True), 2, (1, 2)),
])
def test_merged_lift_is_critical_exactly(arch, layer, pair):
    # Derivation in the exposure module docstring: ∂L/∂(columns i, j) = ∂L'/∂c, ∂L/∂(rows i, j) = (α, 1 − α)·∂L'/∂v.
    cert = exact_exposure(merged_stratum(arch, layer, pair), seed=1)
    assert cert.reduced_critical and cert.residual_norm2 > 0
    assert cert.lift_critical and all(v == 0 for v in cert.removed_gradient)


def test_merged_monte_carlo():
    # Every reduced critical point found lifts to a critical point of the full loss (merged strata are exposed
    # for every σ).  Only some trials converge: on the others L-BFGS runs off to infinity (|θ| ~ 1e5, the
    # infimum of a polynomial network's loss need not be attained), so the test asks for several converged trials
    # and all of them exposed, not for a convergence rate.
    est = exposure_probability(merged_stratum(MLP((3, 3, 1), "z^2+z")), trials=6, seed=0)
    assert est.converged >= 2 and est.exposed == est.converged


def test_bad_stratum_arguments():
    with pytest.raises(ValueError, match="'pair'"):
        merged_stratum(MLP((2, 2, 1), 2), 1, (0, 0))
    with pytest.raises(ValueError, match="'layer'"):
        merged_stratum(MLP((2, 2, 1), 2), 2)
    with pytest.raises(ValueError, match="'architecture'"):
        merged_stratum(CNN(5, (3, 2), (2, 1), 2))
    with pytest.raises(ValueError, match="'removed'"):
        mlp_stratum(MLP((2, 2, 1), 2), [2])
    with pytest.raises(ValueError, match="'pads'"):
        cnn_stratum(CNN(5, (3, 2), (2, 1), 2), [(2, 1), (0, 0)])


def test_exact_exposure_refuses_architectures_beyond_its_size_limit():
    """(20,20,1): N = 20·20 + 20 = 420 > 300 parameters — refused before any Fraction arithmetic."""
    import pytest

    from neuromanifold import MLP
    from neuromanifold.geometry.strata import default_stratum
    from neuromanifold.landscape.exposure import exact_exposure

    with pytest.raises(ValueError, match="'stratum'.*420 parameters"):
        exact_exposure(default_stratum(MLP((20, 20, 1), "z^3+z^2")))
