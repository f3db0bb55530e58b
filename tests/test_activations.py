"""Activations: parsing, validation, evaluation against hand-computed values."""

from fractions import Fraction

import pytest

from neuromanifold import Monomial, Polynomial, generic_polynomial, parse_activation


def test_parse_examples_match_hand_coefficients():
    assert parse_activation("z^3+z^2").coeffs == (0, 0, 1, 1)
    assert parse_activation("2*z^3 - z/2 + 1").coeffs == (1, Fraction(-1, 2), 0, 2)
    assert parse_activation("z**4").coeffs == (0, 0, 0, 0, 1)
    assert parse_activation("3z^2").coeffs == (0, 0, 3)


def test_monomial_and_polynomial_evaluate_by_hand():
    assert Monomial(3)(2) == 8
    assert Polynomial((1, 0, 2))(3) == 19  # 1 + 2·9
    assert Polynomial(("1/2", 1)).coeffs == (Fraction(1, 2), 1)


def test_structure_flags():
    assert Monomial(4).is_monomial and Monomial(4).degree == 4
    assert not parse_activation("z^2+z").is_monomial
    assert Polynomial((0, 0, 5)).is_monomial  # 5 z^2 is homogeneous


def test_generic_polynomial_is_seeded_and_full_support():
    p, q = generic_polynomial(4, seed=3), generic_polynomial(4, seed=3)
    assert p == q and p.degree == 4
    assert all(c != 0 for c in p.coeffs)
    assert generic_polynomial(4, seed=3) != generic_polynomial(4, seed=4)


@pytest.mark.parametrize(
    "coeffs, error, fragment",
    [
        ((), ValueError, "non-empty"),
        ((1, 0), ValueError, "leading"),
        ((5,), ValueError, "degree >= 1"),
        ((1, 1.5), TypeError, "rationals"),
        ((1, "x"), ValueError, "not a rational"),
        ("z^2", TypeError, "sequence"),
    ],
)
def test_bad_coefficients_are_named(coeffs, error, fragment):
    with pytest.raises(error, match=fragment):
        Polynomial(coeffs)


@pytest.mark.parametrize("r", [0, -2])
def test_degree_must_be_positive(r):
    with pytest.raises(ValueError, match="'r'"):
        Monomial(r)


@pytest.mark.parametrize("text", ["z^^3", "x+1", "7", "", "sin(z)", "__import__('os')"])
def test_unparsable_activation(text):
    with pytest.raises(ValueError, match="activation"):
        parse_activation(text)
