"""Parametrisation φ: θ ↦ f_θ — evaluation and Jacobians, one network algebra per number system."""

from .network import as_theta, evaluate, jacobian, layer_matrices
from .numbers import DEFAULT_PRIME, Float64, NumberSystem, PrimeField, random_prime
from .rationals import Rationals


def point_primes(params, seed: int, count: int = 2, stream: int = 0) -> tuple[int, ...]:
    """``count`` distinct random primes (seeded by ``seed`` and ``stream``) at which the exact point
    ``params`` reduces faithfully (:meth:`PrimeField.unfaithful`); unfaithful draws are skipped."""
    import numpy as np

    arrays = list(params.weights) + list(params.biases or ())
    rng = np.random.default_rng([seed, 31_337, stream])
    out: list[int] = []
    for _ in range(50 * count):
        p = random_prime(rng)
        if p not in out and PrimeField(p).unfaithful(arrays) is None:
            out.append(p)
            if len(out) == count:
                return tuple(out)
    raise ValueError("Argument 'params' does not reduce faithfully modulo any of 50 random primes; "
                     "its entries are too degenerate or too large.")

__all__ = ["DEFAULT_PRIME", "Float64", "NumberSystem", "PrimeField", "Rationals", "as_theta", "evaluate", "jacobian", "layer_matrices",
           "random_prime", "point_primes"]
