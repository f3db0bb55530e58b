"""Answers at a user's point hold over ℚ even when the point is built against the primes the code uses.

Point-wise computations draw their primes at random (seeded) and skip primes modulo which the point is
not faithful, so an entry equal to a prime cannot pose as zero.  Each adversarial point below is built
from the very primes the code draws (or from the old fixed prime 2^31 − 1), and the verdicts are checked
against hand derivations and exact computations over ℚ.
"""

import numpy as np
import pytest
import sympy

from neuromanifold import MLP, Parameters, generic_polynomial
from neuromanifold.geometry import singular
from neuromanifold.geometry.criticality import rank_at_point
from neuromanifold.parametrization import PrimeField, point_primes

MERSENNE = 2**31 - 1


def _exact_rank_sympy(arch, params) -> int:
    """rank over ℚ of dφ(W): the Jacobian of the coefficient vector of f_W, expanded by sympy."""
    x = sympy.symbols(f"x0:{arch.input_dim}")
    theta = sympy.symbols(f"t0:{arch.n_params}")
    sizes = [layer.n_weights for layer in arch.layers]
    W1 = sympy.Matrix(arch.widths[1], arch.widths[0], theta[: sizes[0]])
    W2 = sympy.Matrix(arch.widths[2], arch.widths[1], theta[sizes[0]:])
    r = arch.activations[0].degree
    f = (W2 * (W1 * sympy.Matrix(x)).applyfunc(lambda h: h**r))[0]
    poly = sympy.Poly(sympy.expand(f), *x)
    J = sympy.Matrix([[sympy.diff(c, t) for t in theta] for c in poly.coeffs()])
    values = dict(zip(theta, [sympy.Rational(v) for v in params.flatten()]))
    return J.subs(values).rank()


def test_issue_examples_at_the_old_fixed_prime():
    """(3,2,1), σ = z²: f_W = a x0² + b x1² (rank-2 quadric) lies on the smooth part of the hypersurface
    det = 0 of 3×3 symmetric matrices (its singular locus is rank ≤ 1): smooth, by hand."""
    arch = MLP((3, 2, 1), 2)
    for weights in ([[[1, 0, 0], [0, 1, 0]], [[MERSENNE, 1]]], [[[1, 1, 0], [1, MERSENNE + 1, 0]], [[1, 1]]]):
        W = Parameters(arch, weights)
        assert PrimeField(MERSENNE).unfaithful(list(W.weights)) is not None
        res = singular(arch, W, curves=2)
        assert res.singular is False and res.certified, res.evidence
        assert MERSENNE not in res.primes and len(set(res.primes)) == 2


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_point_built_from_the_drawn_primes_is_not_fooled(seed):
    arch = MLP((3, 2, 1), 2)
    base = Parameters(arch, [[[1, 0, 0], [0, 1, 0]], [[1, 1]]])
    p, q = point_primes(base, seed, count=2, stream=1)  # what singular() would draw at the base point
    adversary = Parameters(arch, [[[1, 0, 0], [0, 1, 0]], [[p, q]]])  # vanishes modulo both
    res = singular(arch, adversary, curves=2, seed=seed)
    assert p not in res.primes and q not in res.primes
    assert res.singular is False and res.certified  # rank-2 quadric p x0² + q x1²: smooth (as above)
    # rows equal modulo the drawn prime but distinct over ℚ
    p0 = point_primes(base, seed, count=1)[0]
    rows = Parameters(arch, [[[1, 1, 0], [1, p0 + 1, 0]], [[1, 1]]])
    rank = rank_at_point(rows, seed=seed)
    assert p0 not in rank.primes
    # f = (x0 + x1)² + (x0 + (p0+1) x1)²: rank over ℚ of dφ(W) by sympy
    assert rank.rank == _exact_rank_sympy(arch, rows) == 5 and not rank.critical


def test_critical_verdicts_against_exact_ranks():
    """(5,5,1), σ = z⁴: an output weight equal to a drawn prime is not an inactive neuron (the rank stays
    generic, certified by a lower bound at a prime of the test's own choosing), while a true zero is."""
    arch = MLP((5, 5, 1), 4)
    W1 = np.random.default_rng(5).integers(-3, 4, (5, 5)).tolist()
    base = Parameters(arch, [W1, [[1, 1, 1, 1, 1]]])
    p = point_primes(base, 0, count=1)[0]
    adversary = Parameters(arch, [W1, [[p, 1, 1, 1, 1]]])
    res = rank_at_point(adversary)
    assert res.rank == res.generic_rank == 25 and not res.critical and res.certified
    assert p not in res.primes
    # independent lower bound: the projected Jacobian at a prime the code never uses, ranked by FLINT
    import flint

    from neuromanifold.parametrization import jacobian

    ns = PrimeField(1_000_003)
    rng = np.random.default_rng(99)
    J = jacobian(arch, adversary, ns.random(rng, (25, 5)), ns, projections=ns.random(rng, (25, 1)))
    assert flint.nmod_mat(25, arch.n_params, J.ravel().tolist(), 1_000_003).rank() == 25  # N = 30
    zero = Parameters(arch, [W1, [[0, 1, 1, 1, 1]]])  # a genuinely inactive neuron
    assert rank_at_point(zero).critical


def test_explicit_unfaithful_prime_is_refused():
    arch = MLP((3, 2, 1), 2)
    W = Parameters(arch, [[[1, 0, 0], [0, 1, 0]], [[MERSENNE, 1]]])
    with pytest.raises(ValueError, match="'prime'"):
        rank_at_point(W, prime=MERSENNE)
    with pytest.raises(ValueError, match="'prime'"):
        singular(arch, W, prime=MERSENNE)


def test_generic_activations_are_not_shifted_monomials():
    """Seed 654 used to give 6(z − 1/3)³ + c, affinely equivalent to z³ with biases."""
    for seed in range(300):
        sigma = generic_polynomial(3, seed)
        a3, a2, a1 = sigma.coeffs[3], sigma.coeffs[2], sigma.coeffs[1]
        # a (z − c)³ + d has a2 = −3ac and a1 = 3ac², i.e. a2² = 3 a3 a1
        assert a2 * a2 != 3 * a3 * a1, (seed, sigma)
