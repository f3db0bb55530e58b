"""The exact ℚ number system: conversion of floats, rank and canonical kernel, against sympy and by hand."""

from fractions import Fraction

import numpy as np
import pytest
import sympy

from neuromanifold.parametrization import Rationals, integer_rows, to_rationals


def test_to_rationals_exact_absolute_and_relative_by_hand():
    x = np.array([0.5, -0.1, 0.0, 3.0, 1e-9])
    exact = to_rationals(x)
    assert exact[0] == Fraction(1, 2) and exact[2] == 0 and exact[3] == 3
    assert exact[1] == Fraction(-3602879701896397, 36028797018963968)  # the double nearest −1/10, exactly
    absolute = to_rationals(x, 10)
    assert list(absolute) == [Fraction(1, 2), Fraction(-1, 10), 0, 3, 0]  # 1e-9 rounds to 0 absolutely …
    relative = to_rationals(x, 10, relative=True)
    assert relative[4] != 0 and abs(float(relative[4]) / 1e-9 - 1) < 0.05  # … but not relatively
    assert relative[1] == -to_rationals(-x, 10, relative=True)[1]  # sign-symmetric
    assert to_rationals(0.25, 4)[()] == Fraction(1, 4)
    with pytest.raises(ValueError, match="max_denominator"):
        to_rationals(x, 0)


def test_integers_stay_python_ints():
    q = Rationals()
    a = q.asarray([1, Fraction(4, 2), Fraction(1, 3)])
    assert type(a[0]) is int and type(a[1]) is int and a[2] == Fraction(1, 3)
    with pytest.raises(TypeError, match="to_rationals"):
        q.asarray(np.array([0.5]))


@pytest.mark.parametrize("shape,rank", [((5, 7), 3), ((7, 5), 2), ((4, 4), 0), ((3, 6), 3), ((6, 4), 4)])
def test_rank_and_canonical_kernel_match_sympy(shape, rank):
    rng = np.random.default_rng(shape[0] * 10 + shape[1])
    m, n = shape
    left = [[Fraction(int(a), int(b)) for a, b in zip(r1, r2)]
            for r1, r2 in zip(rng.integers(-5, 6, (m, rank)), rng.integers(1, 4, (m, rank)))]
    right = rng.integers(-4, 5, (rank, n))
    A = np.array([[sum((left[i][k] * int(right[k][j]) for k in range(rank)), Fraction(0)) for j in range(n)]
                  for i in range(m)], dtype=object)
    S = sympy.Matrix(m, n, lambda i, j: sympy.Rational(A[i, j].numerator, A[i, j].denominator))
    q = Rationals()
    assert q.rank(A) == S.rank()
    pivots, K = q.nullspace(A)
    _, sympy_pivots = S.rref()
    assert pivots == tuple(sympy_pivots)
    assert K.shape == (n, n - S.rank())
    assert all(v == 0 for v in (S * sympy.Matrix(K.tolist())))  # in the kernel …
    assert K.shape[1] == 0 or sympy.Matrix(K.tolist()).rank() == K.shape[1]  # … and independent
    free = [j for j in range(n) if j not in pivots]
    for j, f in enumerate(free):  # the canonical basis: 1 at its free column (up to scale), 0 at the others
        assert K[f, j] != 0 and all(K[g, j] == 0 for g in free if g != f)
        assert np.gcd.reduce([abs(int(v)) for v in K[:, j]]) == 1


def test_integer_rows_scale_each_row_by_its_denominators():
    assert integer_rows([[Fraction(1, 2), Fraction(1, 3)], [2, 4]]) == [[3, 2], [2, 4]]


def test_solve_returns_the_exact_solution_and_refuses_bad_systems():
    q = Rationals()
    A = np.array([[1, 0], [0, 2], [1, 1]], dtype=object)  # full column rank, 3 equations
    X = np.array([[Fraction(1, 3)], [Fraction(-5, 7)]], dtype=object)
    B = A.dot(X)
    assert q.solve(A, B).tolist() == X.tolist()
    with pytest.raises(ArithmeticError):
        q.solve(A, np.array([[1], [0], [0]], dtype=object))  # x = 1, y = 0 but x + y ≠ 0
    with pytest.raises(ValueError, match="'A'"):
        q.solve(np.array([[1, 2], [2, 4]], dtype=object), np.array([[1], [2]], dtype=object))
