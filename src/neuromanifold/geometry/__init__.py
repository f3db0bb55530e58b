"""Geometry of neurovarieties: dimension, bounds, exact ranks (and, later, subnetworks,
criticality, singularities, equations)."""

from .bounds import UpperBound, expected_dimension, symmetry_dimension, upper_bound
from .dimension import DimensionResult, dimension
from .rank import nullspace_mod_p, rank_mod_p, schwartz_zippel

__all__ = [
    "DimensionResult",
    "UpperBound",
    "dimension",
    "expected_dimension",
    "nullspace_mod_p",
    "rank_mod_p",
    "schwartz_zippel",
    "symmetry_dimension",
    "upper_bound",
]
