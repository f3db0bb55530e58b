"""neuromanifold — exact algebraic geometry of polynomial neural networks.

Layers (arrows only downward): architectures → parametrization → geometry → landscape →
experiments → cli.
"""

from .architectures import (
    CNN,
    MLP,
    Monomial,
    Parameters,
    Polynomial,
    generic_polynomial,
    parse_activation,
)
from .geometry import DimensionResult, dimension, expected_dimension, upper_bound
from .parametrization import Float64, PrimeField, evaluate, jacobian

__version__ = "0.1.0"

__all__ = [
    "CNN",
    "DimensionResult",
    "Float64",
    "MLP",
    "Monomial",
    "Parameters",
    "Polynomial",
    "PrimeField",
    "dimension",
    "evaluate",
    "expected_dimension",
    "generic_polynomial",
    "jacobian",
    "parse_activation",
    "upper_bound",
    "__version__",
]
