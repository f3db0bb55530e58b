"""The stratum protocol: every kind of subnetwork stratum lifts reduced parameters to a point on it that
computes the same function (checked exactly, with sympy), and recognises its own points.

Hand-derived values: the coordinates of a neuron are read off the parameter layout θ = (W_1 row-major, b_1,
W_2 row-major, b_2); the degree recurrence deg z_{ℓ+1} = deg σ_ℓ · deg z_ℓ + [layer ℓ+1 counted] by hand.
"""

from fractions import Fraction

import numpy as np
import pytest
import sympy as sp

from neuromanifold import CNN, MLP, Parameters
from neuromanifold.geometry.bounds import degree_bound
from neuromanifold.geometry.strata import (
    CoordinateStratum,
    MergedStratum,
    Padding,
    SubnetworkStratum,
    cnn_stratum,
    merged_stratum,
    mlp_stratum,
    subnetwork_strata,
)
from neuromanifold.geometry.subnetworks import detect_subnetwork


def _sympy_function(params, xs):
    """f_θ(x) expanded by sympy from the user-facing weight matrices / filters (independent of the index maps)."""
    arch = params.architecture
    h = sp.Matrix(xs)
    for ell, W in enumerate(params.weights):
        if isinstance(arch, CNN):
            w = [sp.Rational(str(v)) for v in np.ravel(W)]
            s, k = arch.strides[ell], len(w)
            z = [sum(w[t] * h[s * o + t] for t in range(k)) for o in range((len(h) - k) // s + 1)]
            z = sp.Matrix(z)
        else:
            z = sp.Matrix([[sp.Rational(str(v)) for v in row] for row in np.asarray(W)]) * h
        if arch.bias:
            b = [sp.Rational(str(v)) for v in np.ravel(params.biases[ell])]
            z += b[0] * sp.ones(z.shape[0], 1) if isinstance(arch, CNN) else sp.Matrix(b)
        if ell < arch.depth - 1:
            coeffs = arch.activations[ell].coeffs
            z = z.applyfunc(lambda v: sum(sp.Rational(str(c)) * v**k for k, c in enumerate(coeffs)))
        h = z
    return [sp.expand(v) for v in h]


def _ints(rng, n):
    return np.array([Fraction(int(v)) for v in rng.integers(-5, 6, size=n)], dtype=object)


@pytest.mark.parametrize("arch, removed, merged", [
    (MLP((2, 3, 1), 2), (1,), (0,)),
    (MLP((2, 4, 2), "z^3+z", bias=True), (1,), (1,)),
    (MLP((2, 3, 3, 1), 2, bias=True), (0, 1), (1, 1)),
])
def test_mlp_stratum_lift_computes_the_reduced_function(arch, removed, merged):
    stratum = next(s for s in subnetwork_strata(arch) if (s.removed, s.merged) == (removed, merged))
    assert isinstance(stratum, SubnetworkStratum)
    red = stratum.reduced_architecture
    theta_r = _ints(np.random.default_rng(3), red.n_params)
    lifted = Parameters.unflatten(arch, stratum.lift(theta_r))
    xs = sp.symbols(f"x0:{arch.input_dim}")
    assert _sympy_function(lifted, xs) == _sympy_function(Parameters.unflatten(red, theta_r), xs)
    assert stratum.contains(lifted)
    # a generic point of the full MLP is on no stratum
    assert not stratum.contains(Parameters.random(arch, seed=5, kind="float"))
    assert detect_subnetwork(lifted).reduced_architecture.widths == red.widths


def test_coordinate_merged_and_padding_strata_lift_and_contain():
    xs = sp.symbols("x0:6")
    cases = []
    mlp = MLP((2, 3, 1), "z^2+z", bias=True)
    cases.append((mlp_stratum(mlp, [1]), MLP((2, 2, 1), "z^2+z", bias=True)))
    cases.append((merged_stratum(mlp, layer=1, pair=(0, 2)), MLP((2, 2, 1), "z^2+z", bias=True)))
    cnn = CNN(6, (3, 2), (2, 1), "z^2", bias=True)
    cases.append((cnn_stratum(cnn, [(1, 0), (0, 0)]), None))
    cases.append((Padding(cnn, (1, 0), (0, 0)), None))
    for stratum, expected_reduced in cases:
        assert isinstance(stratum, SubnetworkStratum)
        red = stratum.reduced_architecture
        if expected_reduced is not None:
            assert red == expected_reduced
        theta_r = _ints(np.random.default_rng(7), red.n_params)
        lifted = Parameters.unflatten(stratum.architecture, stratum.lift(theta_r))
        assert stratum.contains(lifted), stratum.label
        assert not stratum.contains(Parameters.random(stratum.architecture, seed=2, kind="float")), stratum.label
        if isinstance(stratum.architecture, MLP):
            assert _sympy_function(lifted, xs[:2]) == _sympy_function(Parameters.unflatten(red, theta_r), xs[:2])
        else:  # padded by one leading zero in layer 1: f(x) = f'(x shifted by τ = 1)
            small = Parameters.unflatten(red, theta_r)
            got = _sympy_function(lifted, xs)
            shifted = _sympy_function(small, xs[1 : 1 + red.input_dim])
            assert got[: len(shifted)] == shifted
    assert {type(s) for s, _ in cases} == {CoordinateStratum, MergedStratum, Padding}


def test_neuron_coordinates_by_hand():
    # (2, 3, 1) with bias: θ = W1 (3×2: 0..5), b1 (6..8), W2 (1×3: 9..11), b2 (12)
    arch = MLP((2, 3, 1), 2, bias=True)
    assert arch.offsets == (0, 9, 13)
    assert arch.neuron_coordinates(1, 1, "in") == (2, 3, 7)
    assert arch.neuron_coordinates(1, 1, "out") == (10,)
    assert arch.neuron_coordinates(1, 2) == (4, 5, 8, 11)
    assert arch.bias_coordinates(1) == (6, 7, 8) and arch.bias_coordinates(2) == (12,)
    assert MLP((2, 3, 1), 2).bias_coordinates(1) == ()
    with pytest.raises(ValueError, match="'ell'"):
        arch.bias_coordinates(3)
    # CNN d0 = 5, filters (2, 2), stride 1: neuron 1 of layer 1 reads filter 1 (θ_0, θ_1) and feeds
    # output positions 0 and 1 of layer 2 through θ_3 and θ_2
    cnn = CNN(5, (2, 2), None, 2)
    assert cnn.neuron_coordinates(1, 1) == (0, 1, 2, 3)
    for bad in [dict(ell=0, i=0), dict(ell=2, i=0), dict(ell=1, i=3), dict(ell=1, i=0, part="all")]:
        with pytest.raises(ValueError):
            arch.neuron_coordinates(**bad)


def test_one_degree_recurrence_by_hand():
    arch = MLP((2, 3, 3, 1), ["z^2", "z^3"])
    # θ only: z1 = 1, z2 = 2·1 + 1 = 3, z3 = 3·3 + 1 = 10; (θ, x): 2 → 5 → 16
    assert degree_bound(arch) == 10
    assert degree_bound(arch, inputs=True) == 16
    # one layer alone: Π of the later σ degrees: layer 1: 2·3, layer 2: 3, layer 3: 1
    assert [degree_bound(arch, layers=[ell]) for ell in (1, 2, 3)] == [6, 3, 1]
    # the inputs alone: the total degree D = Π deg σ
    assert degree_bound(arch, layers=[], inputs=True) == arch.total_degree
