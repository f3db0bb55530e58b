"""MLP construction, parameter containers and their validation."""

import json
from fractions import Fraction

import numpy as np
import pytest

from neuromanifold import MLP, Monomial, Parameters, parse_activation


def test_parameter_count_and_ambient_dimension_by_hand():
    arch = MLP((5, 5, 3, 1), 2)
    assert arch.n_params == 25 + 15 + 3
    # outputs are quartic forms in 5 variables: C(4 + 4, 4) = 70
    assert arch.ambient_dimension == 70
    # σ = z^3 + z^2 on (2, 2, 1): polynomials with monomials of degree 2 and 3 in 2 variables: 3 + 4
    assert MLP((2, 2, 1), parse_activation("z^3+z^2")).ambient_dimension == 7
    # with biases: all polynomials of degree ≤ 4 in 2 variables: C(6, 2) = 15, N = 6 + 3 + ...
    biased = MLP((2, 3, 1), 4, bias=True)
    assert biased.ambient_dimension == 15 and biased.n_params == 6 + 3 + 3 + 1


def test_per_layer_activations():
    arch = MLP((3, 2, 2, 1), (Monomial(2), Monomial(3)))
    assert arch.total_degree == 6
    with pytest.raises(ValueError, match="one per hidden layer"):
        MLP((3, 2, 2, 1), (2, 3, 4))


@pytest.mark.parametrize(
    "widths, error",
    [((3,), ValueError), ((3, 0, 1), ValueError), ((3, -1), ValueError), ((3, 2.5), TypeError), ("3,2", TypeError),
     ((True, 2), TypeError)],
)
def test_bad_widths(widths, error):
    with pytest.raises(error, match="widths"):
        MLP(widths, 2)


def test_bad_degree():
    with pytest.raises(ValueError, match="activation"):
        MLP((3, 2, 1), 0)


def test_flatten_unflatten_roundtrip_and_order():
    arch = MLP((2, 3, 1), 2)
    W1 = np.arange(6).reshape(3, 2)
    W2 = np.array([[7, 8, 9]])
    params = Parameters(arch, (W1, W2))
    assert params.flatten().tolist() == [0, 1, 2, 3, 4, 5, 7, 8, 9]
    back = Parameters.unflatten(arch, params.flatten())
    assert all(np.array_equal(a, b) for a, b in zip(back.weights, params.weights))


def test_json_roundtrip_with_rationals(tmp_path):
    arch = MLP((2, 2, 1), 3, bias=True)
    params = Parameters(arch, ([[1, "1/2"], [0, -3]], [[2, 5]]), ([1, 2], ["-2/3"]))
    path = tmp_path / "w.json"
    params.save(path)
    loaded = Parameters.load(path)
    assert loaded.architecture == arch
    assert loaded.kind == "rational"
    assert list(loaded.flatten()) == [1, Fraction(1, 2), 0, -3, 1, 2, 2, 5, Fraction(-2, 3)]
    assert json.loads(path.read_text())["weights"][0][0] == [1, "1/2"]


def test_random_parameters_are_seeded():
    arch = MLP((3, 4, 2), 2)
    a, b = Parameters.random(arch, seed=5), Parameters.random(arch, seed=5)
    assert np.array_equal(a.flatten(), b.flatten())
    assert not np.array_equal(a.flatten(), Parameters.random(arch, seed=6).flatten())  # the seed matters
    assert a.flatten().shape == (3 * 4 + 4 * 2,) and np.all(np.abs(a.flatten()) <= 5)  # integers in [−5, 5]
    f = Parameters.random(arch, seed=5, kind="float")
    assert f.kind == "float" and f.flatten().shape == (arch.n_params,)


def test_bad_parameters_are_named():
    arch = MLP((2, 3, 1), 2)
    with pytest.raises(ValueError, match=r"shape \(3, 2\) for layer 1"):
        Parameters(arch, (np.zeros((2, 2)), np.zeros((1, 3))))
    with pytest.raises(ValueError, match="one array per layer"):
        Parameters(arch, (np.zeros((3, 2)),))
    with pytest.raises(ValueError, match="NaN"):
        Parameters(arch, (np.full((3, 2), np.nan), np.zeros((1, 3))))
    with pytest.raises(ValueError, match="length N = 9"):
        Parameters.unflatten(arch, np.zeros(8))


def test_convolution_bias_is_one_scalar_per_layer():
    from neuromanifold.architectures.cnn import CNN

    arch = CNN(6, (3, 2), (1, 1), 2, bias=True)
    assert arch.n_params == (3 + 1) + (2 + 1)
    params = Parameters.random(arch, seed=0)
    assert [b.shape for b in params.biases] == [(1,), (1,)]
    assert Parameters.unflatten(arch, params.flatten()).flatten().tolist() == params.flatten().tolist()


def test_notebook_displays_show_the_numbers():
    # Jupyter renders _repr_markdown_: the architecture as its JSON record in a table, Parameters with its arrays
    from neuromanifold import MLP, Parameters

    arch = MLP((2, 3, 1), "z^3+z^2", bias=True)
    md = arch._repr_markdown_()
    assert "| widths | [2, 3, 1] |" in md and "| activation | z^3 + z^2 |" in md and "| parameters N | 13 |" in md
    p = Parameters(arch, [[[1, 2], [3, 4], [5, 6]], [[7, 8, 9]]], [[1, 0, -1], [2]])
    text = p._repr_markdown_()
    assert "layer 1 weights" in text and "[[1 2]" in text and "layer 2 biases" in text and "[2]" in text
    assert "[7 8 9]" in str(p)
