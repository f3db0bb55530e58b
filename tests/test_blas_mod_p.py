"""Exact F_p linear algebra in float64 BLAS (parametrization.blas_mod_p, BlasPrimeField) against FLINT.

Oracle: FLINT's nmod_mat rank and reduced row echelon form, an independent implementation.
"""

import flint
import numpy as np
import pytest

from neuromanifold import MLP, jacobian
from neuromanifold.parametrization import BLAS_PRIMES, BlasPrimeField, PrimeField
from neuromanifold.parametrization import blas_mod_p as B

P = BLAS_PRIMES[0]


def low_rank(rng, m, n, r, p=P):
    if r == 0:
        return np.zeros((m, n), dtype=np.int64)
    L = rng.integers(0, p, (m, r), dtype=np.int64)
    R = rng.integers(0, p, (r, n), dtype=np.int64)
    return PrimeField(p).matmul(L, R)  # the int64 route (16-bit splitting), not the code under test


def flint_rref(M, p=P):
    R, rank = flint.nmod_mat(M.shape[0], M.shape[1], np.mod(M, p).ravel().tolist(), p).rref()
    return rank, np.array([int(x) for x in R.entries()], dtype=np.int64).reshape(M.shape)[:rank]


@pytest.mark.parametrize("m, n, r", [(1, 1, 0), (1, 1, 1), (5, 7, 3), (7, 5, 3), (40, 30, 30), (30, 40, 30),
                                     (100, 120, 57), (120, 100, 57), (300, 200, 0), (64, 64, 64), (257, 300, 250),
                                     (33, 500, 20), (500, 33, 33), (600, 1200, 555)])
def test_rank_and_rref_equal_flint(m, n, r):
    rng = np.random.default_rng(m * 1000 + n + r)
    M = low_rank(rng, m, n, r)
    rank, R = flint_rref(M)
    assert rank == r  # the construction has rank r with overwhelming probability; FLINT decides
    assert B.rank(B.to_centred(M, P), P) == rank
    pivots, E = PrimeField(P).rref(M)
    assert np.array_equal(E, R) and len(pivots) == rank


def test_structured_deficient_matrix_and_large_entries():
    # repeated rows, zero columns, entries given by large and negative representatives
    rng = np.random.default_rng(5)
    M = low_rank(rng, 80, 90, 40)
    M[:, 7] = 0
    M[10] = M[3]
    M = M - 3 * P  # other representatives of the same residues
    rank, R = flint_rref(M)
    assert BlasPrimeField(P).rank(M) == PrimeField(P).rank(M) == rank
    assert np.array_equal(PrimeField(P).rref(M)[1], R)


def test_inner_dimensions_beyond_one_exact_block():
    # k > k_max (2,047 at p < 2^22): products split into exact blocks and reduced in between
    rng = np.random.default_rng(6)
    a = rng.integers(0, P, (3, 5000))
    b = rng.integers(0, P, (5000, 2))
    want = np.array((a.astype(object) @ b.astype(object)) % P, dtype=np.int64)
    got = np.mod(B.matmul(B.to_centred(a, P), B.to_centred(b, P), P), P).astype(np.int64)
    assert np.array_equal(got, want)


def test_the_network_algebra_in_float64_residues_is_the_same_field():
    arch = MLP((3, 4, 2), "z^3 + 2*z")
    rng = np.random.default_rng(7)
    theta = rng.integers(0, P, arch.n_params)
    X = rng.integers(0, P, (6, 3))
    exact = jacobian(arch, theta, X, PrimeField(P))
    fast = jacobian(arch, theta, X, BlasPrimeField(P))
    assert fast.dtype == np.float64 and np.array_equal(np.mod(fast, P).astype(np.int64), exact)


def test_blas_field_refuses_large_primes():
    with pytest.raises(ValueError, match="'p'"):
        BlasPrimeField(2_147_483_647)


@pytest.mark.parametrize("m, n, r", [(1, 1, 0), (1, 1, 1), (7, 5, 3), (40, 30, 30), (30, 40, 30), (120, 100, 57),
                                     (300, 200, 0), (64, 64, 64), (33, 500, 20), (500, 33, 33), (600, 1200, 555)])
def test_the_same_elimination_on_torch_tensors_equals_flint(m, n, r):
    """The elimination is written against array operations, so torch tensors (CPU here; any device) run the same
    code: rank and reduced echelon form equal FLINT's, rectangular both ways, ranks 0 and full included."""
    torch = pytest.importorskip("torch")
    rng = np.random.default_rng(m * 1000 + n + r + 1)
    M = low_rank(rng, m, n, r)
    rank, R = flint_rref(M)
    T = torch.as_tensor(B.to_centred(M, P))
    assert B.rank(T, P) == rank
    pivots, E = B.rref(T, P)
    assert isinstance(E, torch.Tensor) and int(pivots.numel()) == rank
    order = np.argsort(pivots.numpy())  # rows in the order found; FLINT sorts them by pivot
    assert np.array_equal(np.mod(E.numpy()[order], P).astype(np.int64), R)
    prod = B.matmul(T, T.T.contiguous(), P)
    assert isinstance(prod, torch.Tensor)
    assert np.array_equal(np.mod(prod.numpy(), P).astype(np.int64), PrimeField(P).matmul(M, M.T) % P)
    with pytest.raises(TypeError, match="float64"):
        B.rank(T.float(), P)
