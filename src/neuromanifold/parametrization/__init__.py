"""Parametrisation φ: θ ↦ f_θ — evaluation and Jacobians, one network algebra per number system."""

from .network import as_theta, directional_derivative, evaluate, jacobian, layer_matrices, random_functionals
from .numbers import (
           BLAS_PRIMES,
           DEFAULT_PRIME,
           BlasPrimeField,
           Float64,
           NumberSystem,
           PrimeField,
           point_primes,
           random_prime,
)
from .rationals import Rationals, integer_rows, rational_reconstruction, to_rationals
from .torch_numbers import Torch, require_torch

__all__ = ["BLAS_PRIMES", "BlasPrimeField", "DEFAULT_PRIME", "Float64", "NumberSystem", "PrimeField", "Rationals", "Torch", "as_theta", "directional_derivative", "evaluate", "jacobian", "layer_matrices", "random_functionals", "to_rationals", "integer_rows",
           "random_prime", "point_primes", "rational_reconstruction", "require_torch"]
