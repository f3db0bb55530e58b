"""Mason–Stothers (docs/math.md §5): textbook examples with hand-counted radicals."""

import pytest

from neuromanifold.geometry.mason import mason


def test_binomial_square():
    # x² + (2x + 1) = (x + 1)²: roots of abc are 0, −1/2, −1 → rad degree 3; max deg 2 = 3 − 1 (sharp)
    r = mason("x**2", "2*x + 1", "(x + 1)**2")
    assert (r.max_degree, r.radical_degree, r.coprime, r.holds, r.slack) == (2, 3, True, True, 0)


def test_pythagorean_triple_is_sharp():
    # (x² − 1)² + (2x)² = (x² + 1)²: distinct roots 1, −1, 0, i, −i → 5; max deg 4
    r = mason("(x**2 - 1)**2", "(2*x)**2", "(x**2 + 1)**2")
    assert (r.max_degree, r.radical_degree, r.holds) == (4, 5, True)


def test_cube_plus_one():
    # x³ + 1: roots 0 and the three cube roots of −1 → 4 > 3
    r = mason("x**3", 1)
    assert (r.max_degree, r.radical_degree, r.holds) == (3, 4, True)


def test_non_coprime_triples_can_violate_the_bound():
    # x⁶ − x² = x²(x⁴ − 1): gcd x² — the hypothesis fails, and so does the inequality (6 > 5 − 1)
    r = mason("x**6", "-x**2")
    assert not r.coprime and not r.holds and r.radical_degree == 5


def test_errors():
    with pytest.raises(ValueError, match="a \\+ b = c"):
        mason("x", "1", "x + 2")
    with pytest.raises(ValueError, match="constant"):
        mason(1, 2, 3)
    with pytest.raises(ValueError, match="'a'"):
        mason("x*y", "1")
