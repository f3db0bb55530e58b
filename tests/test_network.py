"""The network algebra against independent computations: finite differences, sympy, big integers."""

import numpy as np
import pytest
import sympy

from neuromanifold import MLP, Float64, Parameters, PrimeField, evaluate, jacobian, parse_activation
from neuromanifold.parametrization.symbolic import symbolic_outputs


def test_float_jacobian_matches_central_differences():
    arch = MLP((3, 4, 2, 2), parse_activation("z^3+z^2-2"), bias=True)
    params = Parameters.random(arch, seed=3, kind="float")
    X = np.random.default_rng(0).standard_normal((5, 3))
    F = Float64()
    J = jacobian(arch, params, X, F)
    theta, eps = params.flatten(), 1e-6
    numeric = np.empty_like(J)
    for j in range(theta.size):
        e = np.zeros_like(theta)
        e[j] = eps
        numeric[:, j] = ((evaluate(arch, theta + e, X, F) - evaluate(arch, theta - e, X, F)) / (2 * eps)).ravel()
    assert np.allclose(J, numeric, atol=1e-5)


def test_exact_jacobian_matches_sympy_derivatives_mod_p():
    arch = MLP((2, 2, 2), parse_activation("z^2 - 3z/2"))
    K = PrimeField(1_000_003)
    rng = np.random.default_rng(1)
    theta = [int(v) for v in rng.integers(-20, 20, arch.n_params)]
    X = rng.integers(-5, 5, (3, 2))
    J = jacobian(arch, np.array(theta), X, K)
    outputs, xs, ts = symbolic_outputs(arch)
    point = dict(zip(ts, theta))
    for i, x in enumerate(X):
        sub = {**point, **{xs[a]: int(x[a]) for a in range(2)}}
        for k, f in enumerate(outputs):
            for j, t in enumerate(ts):
                exact = sympy.Rational(sympy.diff(f, t).subs(sub))
                assert J[i * 2 + k, j] == int(exact.p) * pow(int(exact.q), -1, K.p) % K.p


def test_projected_rows_match_sympy_gradients_of_projected_outputs():
    # row i = ∇_θ ⟨c_i, f_θ(x_i)⟩, by sympy: differentiate the expanded outputs, substitute, reduce mod p
    arch = MLP((3, 3, 2), 2)
    K = PrimeField()
    rng = np.random.default_rng(2)
    theta, X, C = K.random(rng, arch.n_params), K.random(rng, (4, 3)), K.random(rng, (4, 2))
    projected = jacobian(arch, theta, X, K, projections=C)
    outputs, xs, ts = symbolic_outputs(arch)
    grads = [[sympy.diff(f, t) for t in ts] for f in outputs]
    point = {t: int(v) for t, v in zip(ts, theta)}
    for i in range(4):
        sub = {**point, **{xs[a]: int(X[i, a]) for a in range(3)}}
        row = [sum(int(C[i, k]) * int(grads[k][j].subs(sub)) for k in range(2)) % K.p for j in range(len(ts))]
        assert projected[i].tolist() == row
    # and the full rows project to the same vectors (⟨c, ·⟩ is linear)
    full = jacobian(arch, theta, X, K).reshape(4, 2, -1)
    assert np.array_equal(projected, np.stack([(C[i, 0] * full[i, 0] + C[i, 1] * full[i, 1]) % K.p for i in range(4)]))


def test_prime_field_matmul_has_no_overflow():
    K = PrimeField()
    rng = np.random.default_rng(0)
    a, b = K.random(rng, (3, 70)), K.random(rng, (70, 4))
    exact = [[sum(int(a[i, k]) * int(b[k, j]) for k in range(70)) % K.p for j in range(4)] for i in range(3)]
    assert K.matmul(a, b).tolist() == exact


def test_evaluate_matches_hand_value():
    arch = MLP((2, 2, 1), parse_activation("z^3+z^2"))
    params = Parameters(arch, ([[1, 2], [3, -1]], [[2, -1]]))
    # z = (1+4, 3-2) = (5, 1) at x = (1, 2); σ = (150, 2); f = 300 - 2
    assert evaluate(arch, params, np.array([[1, 2]]), Float64())[0, 0] == 298
    assert evaluate(arch, params, np.array([[1, 2]]), PrimeField(101))[0, 0] == 298 % 101


def test_prime_field_rejects_non_primes_and_floats():
    with pytest.raises(ValueError, match="prime"):
        PrimeField(2**31 - 3)
    with pytest.raises(TypeError, match="float"):
        PrimeField().asarray(np.array([0.5]))


def test_unreduced_int64_arrays_are_reduced_before_the_field_arithmetic():
    # int64 θ and X with entries far outside [0, p) (10^15, −2^33, 10^12): the values mod p must be those of the
    # exact rational evaluation.  Taken as residues unreduced, the split products of PrimeField.matmul
    # overflowed and gave a wrong second value (317504771 instead of 662320282).
    from neuromanifold.parametrization import BlasPrimeField, PrimeField, Rationals

    arch = MLP((2, 3, 1), 2)
    theta = np.array([10**15, -7, 3, 2**40, -5, 1, 4, -(2**33), 9], dtype=np.int64)
    X = np.array([[1, -2], [3, 10**12]], dtype=np.int64)
    exact = evaluate(arch, theta.astype(object), X.astype(object), Rationals())
    for ns in (PrimeField(2_147_483_647), BlasPrimeField(4_194_301)):
        got = evaluate(arch, theta, X, ns)
        assert [int(v) % ns.p for v in got.ravel()] == [int(v) % ns.p for v in exact.ravel()]


def test_jacobian_refuses_a_batch_of_parameter_vectors():
    arch = MLP((2, 3, 1), 2)
    with pytest.raises(ValueError, match="one parameter vector"):
        jacobian(arch, np.zeros((2, arch.n_params)), np.ones((3, 2)), Float64())
