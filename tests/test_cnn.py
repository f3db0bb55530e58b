"""CNNs (issue 5): construction and errors, dimension against the literature formulas and an independent
sympy expansion, zero-padding strata, certified singular / non-singular configurations, degree.

Oracles: the dimension theorems of Shahverdi–Marchetti–Kohn (|k| − L + 1, monomial σ) and Razor's Edge
(|k|, generic σ), hand-derived convolution outputs, hand-derived paddings and shifts, an independent
sympy coefficient expansion, and the degree formula (|k| − L)! Π r^{(L−j−1)(k_j−1)}/(k_j−1)!.
"""

from __future__ import annotations

import json
import random

import numpy as np
import pytest
import sympy

from neuromanifold import CNN, MLP, Float64, Parameters, Polynomial, PrimeField, dimension, evaluate, generic_polynomial
from neuromanifold.architectures import architecture_from_json
from neuromanifold.cli import main
from neuromanifold.geometry.degree import degree_formula, hilbert_degree
from neuromanifold.geometry.dimension import cnn_dimension
from neuromanifold.geometry.fibers import identifiability
from neuromanifold.geometry.singular_strata import twin_singularity
from neuromanifold.geometry.strata.cnn import (
    Padding,
    detect_padding,
    enumerate_strata,
    stratum_report,
    transport,
    twins,
)

# (filters, strides): the last stride only thins the output
CONFIGS = [
    ((2, 2), (1, 1)),
    ((3, 2), (2, 1)),
    ((3, 2), (1, 1)),
    ((2, 3), (2, 1)),
    ((4, 2), (3, 1)),
    ((1, 3), (1, 1)),
    ((3, 1), (1, 1)),
    ((2, 2), (2, 2)),
    ((2, 2, 2), (1, 1, 1)),
    ((3, 2, 2), (2, 1, 1)),
    ((2, 3, 2), (2, 2, 1)),
    ((4, 3), (2, 2)),
]


def _receptive_field(k, s):
    field, step = 1, 1
    for kk, ss in zip(k, s):
        field += (kk - 1) * step
        step *= ss
    return field


# --- construction -------------------------------------------------------------------------------
def test_widths_by_hand():
    net = CNN(10, filters=(3, 2), strides=(2, 1), activation=2)
    # d_1 = floor((10 − 3)/2) + 1 = 4, d_2 = 4 − 2 + 1 = 3
    assert net.widths == (10, 4, 3)
    assert net.n_params == 5 and net.receptive_field == 5 and net.total_stride == 2
    assert net.rescaling_units(0) == 1


def test_forward_pass_by_hand():
    net = CNN(5, (3, 2), (2, 1), "z^2+z")
    p = Parameters(net, ([1, 2, 3], [1, -1]))
    x = np.array([[1, 0, 0, 0, 1], [0, 1, 2, 0, 0]])
    # h_0 = σ(x0 + 2x1 + 3x2), h_1 = σ(x2 + 2x3 + 3x4), f = h_0 − h_1, σ(y) = y² + y
    def sig(y):
        return y * y + y
    expected = [sig(1) - sig(3), sig(2 + 6) - sig(2)]
    assert evaluate(net, p, x, Float64()).ravel().tolist() == expected
    assert PrimeField(101).to_signed(evaluate(net, p, x, PrimeField(101))).ravel().tolist() == [e % 101 if e % 101 <= 50 else e % 101 - 101 for e in expected]


@pytest.mark.parametrize(
    "kwargs, message",
    [
        (dict(input_length=5, filters=(3, 4), strides=(1, 1)), "Argument 'filters': layer 2 has filter size 4 but its input has length 3"),
        (dict(input_length=2, filters=(3,)), "Argument 'filters': layer 1 has filter size 3 but its input has length 2"),
        (dict(input_length=9, filters=(3, 2), strides=(2,)), "Argument 'strides' must have one stride per filter"),
        (dict(input_length=9, filters=(3, 0)), "Argument 'filters' must hold positive ints"),
        (dict(input_length=9, filters=(3, 2), strides=(0, 1)), "Argument 'strides' must hold positive ints"),
        (dict(input_length=0, filters=(1,)), "Argument 'input_length' must be a positive int"),
        (dict(input_length=9, filters=()), "Argument 'filters' must name at least one"),
        (dict(input_length=9, filters=(2, 2, 2), activation=(2, 3, 4)), "Argument 'activation' must be one activation or one per hidden layer"),
    ],
)
def test_bad_configurations_rejected(kwargs, message):
    with pytest.raises(ValueError, match=message.replace("(", r"\(").replace(")", r"\)")):
        CNN(**kwargs)


def test_bad_types_rejected():
    with pytest.raises(TypeError, match="Argument 'filters'"):
        CNN(5, "32")
    with pytest.raises(TypeError, match="Argument 'filters'"):
        CNN(5, (2.0, 1))
    with pytest.raises(TypeError, match="Argument 'input_length'"):
        CNN(5.0, (2,))


def test_json_roundtrip_and_registry():
    net = CNN(7, (3, 2), (2, 1), ("z^3+z^2",))
    data = json.loads(json.dumps(net.to_json()))
    assert data["kind"] == "cnn"
    back = architecture_from_json(data)
    assert back == net and hash(back) == hash(net) and back != MLP((7, 3, 1), 2)
    p = Parameters.random(net, seed=3)
    assert Parameters.from_json(json.loads(json.dumps(p.to_json()))).architecture == net
    with pytest.raises(ValueError, match="input_length"):
        CNN.from_json({"kind": "cnn", "filters": [2]})


def test_ambient_dimension_is_window_polynomials():
    # σ = z^2, k = (2, 2), stride 1: each output is a quadric in K = 3 window variables: C(4, 2) = 6
    assert CNN(8, (2, 2), (1, 1), 2).ambient_dimension == 6
    # σ = z^2 + z + 1: degrees 0, 1, 2 in 3 variables: 1 + 3 + 6
    assert CNN(8, (2, 2), (1, 1), "z^2+z+1").ambient_dimension == 10


# --- dimension vs the literature ---------------------------------------------------------------------
@pytest.mark.parametrize("k, s", CONFIGS)
@pytest.mark.parametrize("act", ["z^2", "z^3", "generic2", "generic3"])
def test_dimension_formula(k, s, act):
    L = len(k)
    net = CNN(_receptive_field(k, s) + 2 * int(np.prod(s)), k, s,
              generic_polynomial(int(act[-1]), seed=7) if act.startswith("generic") else act)
    # SMK 2025: |k| − L + 1 for monomial σ; Razor's Edge: |k| for a generic polynomial
    expected = sum(k) - L + 1 if act.startswith("z") else sum(k)
    result = cnn_dimension(net)
    assert result.result.dimension == expected
    assert result.result.certified
    assert result.formula == expected and result.agrees


def _sympy_rank(d0, k, s, sigma_coeffs, rng):
    """Independent oracle: expand the network symbolically, take its coefficients in x, and the rank
    over ℚ of their Jacobian in the filter entries at a random rational point."""
    xs = sympy.symbols(f"x0:{d0}")
    ws = [sympy.symbols(f"w{ell}_0:{kk}") for ell, kk in enumerate(k)]
    def sigma(y):
        return sum(sympy.Integer(c) * y**i for i, c in enumerate(sigma_coeffs))
    h = list(xs)
    for ell, (kk, ss) in enumerate(zip(k, s)):
        out = [sum(ws[ell][t] * h[ss * o + t] for t in range(kk)) for o in range((len(h) - kk) // ss + 1)]
        h = [sigma(z) for z in out] if ell < len(k) - 1 else out
    coeffs = []
    for f in h:
        coeffs.extend(sympy.Poly(sympy.expand(f), *xs).coeffs())
    params = [w for layer in ws for w in layer]
    J = sympy.Matrix(coeffs).jacobian(params)
    point = {w: sympy.Rational(rng.randint(-20, 20), rng.randint(1, 7)) for w in params}
    return J.subs(point).rank()


@pytest.mark.parametrize(
    "d0, k, s, coeffs",
    [
        (5, (3, 2), (2, 1), (0, 1, 1)),
        (4, (2, 2), (1, 1), (0, 0, 1)),
        (5, (2, 2), (2, 1), (0, 0, 0, 1)),
        (5, (2, 2, 2), (1, 1, 1), (0, 0, 1)),
        (4, (2, 3), (1, 1), (3, -2, 5)),
    ],
)
def test_dimension_agrees_with_sympy_expansion(d0, k, s, coeffs):
    rng = random.Random(11)
    expected = _sympy_rank(d0, k, s, coeffs, rng)
    assert dimension(CNN(d0, k, s, Polynomial(coeffs))).dimension == expected


# --- zero-padding strata ------------------------------------------------------------------------------
def test_detect_padding_by_hand():
    net = CNN(11, (4, 3, 2), (2, 1, 1), 2)
    p = Parameters(net, ([0, 0, 5, 0], [0, 7, 1], [0, 0]))
    pad = detect_padding(p)
    assert pad.leading == (2, 1, 2) and pad.trailing == (1, 0, 0)
    assert pad.kept == (1, 2, 0) and pad.zero_layers == (3,)
    assert pad.label == "(00*0, 0**, 00)"
    # shift τ = a_1 + a_2·s_1 (+ a_3 s_1 s_2, but layer 3 is zero) on the non-zero analogue
    q = Parameters(net, ([0, 0, 5, 0], [0, 7, 1], [0, 3]))
    assert detect_padding(q).shift == 2 + 1 * 2 + 1 * 2
    assert detect_padding(Parameters(net, ([1, 2, 3, 4], [1, 1, 1], [1, 1]))).is_generic
    # float tolerance
    r = Parameters(net, ([1e-14, 2.0, 3.0, 1e-13], [1.0, 1.0, 1.0], [1.0, 1.0]))
    assert detect_padding(r, tol=1e-9).leading == (1, 0, 0) and detect_padding(r).leading == (0, 0, 0)


def test_enumerate_strata_count_and_twins():
    net = CNN(5, (3, 2), (2, 1), "z^2+z")
    strata = enumerate_strata(net)
    # Π k(k+1)/2 = 6 · 3 non-zero patterns, plus one zero filter per layer
    assert len(strata) == 6 * 3 + 2
    with_twin = {p.label: [t.label for t in twins(p)] for p in strata if twins(p)}
    # hand derivation: moving the layer-2 window by one position moves the input by s_1 = 2, which the
    # size-3 layer-1 filter can absorb only when its kept part has size 1
    assert with_twin == {"(*00, 0*)": ["(00*, *0)"], "(00*, *0)": ["(*00, 0*)"]}
    # with stride 1 the kept size-2 filter can move by one as well
    net1 = CNN(4, (3, 2), (1, 1), "z^2+z")
    assert [t.label for t in twins(Padding(net1, (1, 0), (0, 1)))] == ["(**0, 0*)"]
    assert twins(Padding(net, (1, 0), (0, 1))) == []


def test_transport_computes_same_function():
    net = CNN(7, (3, 2), (2, 1), "z^2+z")
    p = Parameters(net, ([0, 0, 3], [2, 0]))
    q = transport(p, twins(detect_padding(p))[0])
    assert q.weights[0].tolist() == [3, 0, 0] and q.weights[1].tolist() == [0, 2]
    X = np.random.default_rng(0).integers(-5, 6, size=(6, 7))
    assert np.array_equal(evaluate(net, p, X, Float64()), evaluate(net, q, X, Float64()))


def test_regular_away_from_zero_fibre():
    """Razor's Edge example: stride 2, filters 3 and 2, σ(y) = y² + y — rank dφ = dim V = 5 at a point
    of every stratum with non-zero filters; on zero filters the proven bound k_ℓ < 5 forces a drop."""
    net = CNN(5, (3, 2), (2, 1), "z^2+z")
    dres = dimension(net)
    assert dres.dimension == 5 and dres.certified
    for pad in enumerate_strata(net):
        rep = stratum_report(pad, seed=1, dimension_result=dres)
        if pad.zero_layers:
            assert rep.rank_bound < 5 and rep.rank_at_point <= rep.rank_bound
            assert rep.image_dimension == 0
        else:
            assert rep.regular, pad.label
            # φ(stratum) is a translate of the smaller CNN's neuromanifold: |k'| for generic σ
            assert rep.image_dimension == sum(pad.kept) and rep.image_certified


def test_singular_and_nonsingular_zero_padded_configurations():
    net = CNN(5, (3, 2), (2, 1), "z^2+z")
    # singular: w = ((0,0,u), (v,0)) and its twin ((u,0,0), (0,v)) — integrality 2 = s_1 · 1 holds
    a = Parameters(net, ([0, 0, 3], [2, 0]))
    cert = twin_singularity(a, transport(a, twins(detect_padding(a))[0]))
    assert cert.same_function and cert.rank_a == cert.rank_b == 5
    assert cert.span > 5 and cert.singular and cert.certified
    # non-singular: ((0,u1,u2), (v,0)) — a shift by 1 is not a multiple of s_1 = 2: no twin, φ regular
    b = Parameters(net, ([0, 4, -3], [2, 0]))
    assert twins(detect_padding(b)) == []
    rep = stratum_report(detect_padding(b), seed=2)
    assert rep.regular and rep.predicted_singular is False
    # the same padding with stride 1 does have a twin and is singular
    net1 = CNN(4, (3, 2), (1, 1), "z^2+z")
    c = Parameters(net1, ([0, 4, -3], [2, 0]))
    cert1 = twin_singularity(c, transport(c, twins(detect_padding(c))[0]))
    assert cert1.singular and cert1.certified


def test_singularity_module_sees_smooth_germ_at_nonsingular_point():
    singularity = pytest.importorskip("neuromanifold.geometry.singularity")
    net = CNN(5, (3, 2), (2, 1), "z^2+z")
    res = singularity.singular(net, Parameters(net, ([0, 4, -3], [2, 0])), curves=2)
    assert res.singular is False and res.rank_at_point == 5


# --- identifiability and degree -----------------------------------------------------------------------
def test_identifiability_random_point():
    for net in (CNN(5, (3, 2), (2, 1), "z^2+z"), CNN(9, (3, 2, 2), (2, 1, 1), 2)):
        rep = identifiability(net, seed=0, starts=6)
        assert rep.finite_fibres and rep.dimension.certified
        assert rep.converged >= 1 and rep.distinct == 1 and rep.max_distance_to_truth < 1e-5
        assert rep.one_to_one


@pytest.mark.parametrize("k, r, expected", [((2, 1), 3, 3), ((2, 2), 2, 4), ((1, 3), 2, 1), ((3, 2), 2, 12)])
def test_degree_formula_hand_values(k, r, expected):
    # (|k| − L)! Π_j r^{(L−j−1)(k_j−1)}/(k_j−1)!, evaluated by hand (L = 2):
    #   (2,1), r = 3: 1!·3^1/1!·3^0/0! = 3;     (2,2), r = 2: 2!·2^1/1!·2^0/1! = 4;
    #   (1,3), r = 2: 2!·2^0/0!·2^0/2! = 1;     (3,2), r = 2: 3!·2^2/2!·2^0/1! = 12
    assert degree_formula(CNN(_receptive_field(k, (1,) * len(k)), k, None, r)) == expected


@pytest.mark.parametrize("k, r", [((2, 1), 3), ((2, 2), 2), ((1, 3), 2)])
def test_degree_from_hilbert_function(k, r):
    # independent: the stable (dim V − 1)-th difference of the Hilbert function; oracle = formula by hand
    net = CNN(_receptive_field(k, (1,) * len(k)), k, None, r)
    hand = {((2, 1), 3): 3, ((2, 2), 2): 4, ((1, 3), 2): 1}[(k, r)]
    result = hilbert_degree(net, max_t=5)
    assert result.degree == hand and result.method == "hilbert" and not result.certified


def test_degree_agrees_with_equations_module():
    # independent implementation (geometry.equations: coefficient coordinates, ideal lifted to ℚ);
    # oracle: formula by hand (|k| − L)! · r^{(1)(1)}/1! · 1/1! = 2 · 2 = 4 for k = (2, 2), r = 2
    equations = pytest.importorskip("neuromanifold.geometry.equations")
    res = equations.vanishing_ideal(CNN(3, (2, 2), None, 2), max_degree=4)
    assert res.degree == 4


def test_degree_formula_needs_monomial():
    with pytest.raises(ValueError, match="Argument 'architecture'"):
        degree_formula(CNN(5, (3, 2), (2, 1), "z^2+z"))


# --- CLI ---------------------------------------------------------------------------------------------------
def test_cli_dim_cnn_json(capsys):
    assert main(["dim", "--cnn", "--input-length", "5", "--filters", "3,2", "--strides", "2,1", "--degree", "2", "--json"]) == 0
    cnn_out = json.loads(capsys.readouterr().out)
    assert main(["dim", "3,2,1", "--degree", "2", "--json"]) == 0
    mlp_out = json.loads(capsys.readouterr().out)
    assert set(cnn_out) == set(mlp_out)
    # SMK: |k| − L + 1 = 3 + 2 − 2 + 1; MLP (3,2,1), z²: AH quadratic case 3·2 − C(2, 2) = 5
    assert cnn_out["dimension"] == 3 + 2 - 2 + 1 and cnn_out["certified"]
    assert mlp_out["dimension"] == 5 and mlp_out["certified"]


def test_cli_dim_cnn_errors(capsys):
    assert main(["dim", "--cnn", "--input-length", "3", "--filters", "3,2", "--degree", "2"]) == 2
    assert "layer 2 has filter size 2 but its input has length 1" in capsys.readouterr().err
    assert main(["dim", "--cnn", "--filters", "3,2"]) == 2
    assert "--input-length" in capsys.readouterr().err
    assert main(["dim", "--degree", "2"]) == 2
    assert "WIDTHS" in capsys.readouterr().err
