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
from .geometry import (
    DimensionResult,
    detect_subnetwork,
    dimension,
    expected_dimension,
    rank_at_point,
    scan_criticality,
    singular,
    subnetwork_strata,
    upper_bound,
    vanishing_ideal,
)
from .parametrization import Float64, PrimeField, Rationals, evaluate, jacobian

__version__ = "0.1.0"


def __getattr__(name):
    """``from_torch``/``to_torch`` live in :mod:`neuromanifold.nn`, imported (with torch) on first use."""
    if name in ("from_torch", "to_torch"):
        from . import nn

        return getattr(nn, name)
    raise AttributeError(f"module 'neuromanifold' has no attribute {name!r}")

__all__ = [
    "CNN",
    "DimensionResult",
    "Float64",
    "MLP",
    "Monomial",
    "Parameters",
    "Polynomial",
    "PrimeField",
    "Rationals",
    "scan_criticality",
    "detect_subnetwork",
    "dimension",
    "evaluate",
    "expected_dimension",
    "from_torch",
    "generic_polynomial",
    "jacobian",
    "parse_activation",
    "rank_at_point",
    "singular",
    "subnetwork_strata",
    "to_torch",
    "upper_bound",
    "vanishing_ideal",
    "__version__",
]
