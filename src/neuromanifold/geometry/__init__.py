"""Geometry of neurovarieties: dimension, bounds, exact ranks (and, later, subnetworks,
criticality, singularities, equations)."""

from .bounds import UpperBound, expected_dimension, symmetry_dimension, upper_bound
from .dimension import DimensionResult, dimension
from .cnn import CNNDimension, cnn_dimension, detect_padding, enumerate_strata, twin_singularity
from .rank import nullspace_mod_p, rank_mod_p, schwartz_zippel
from .criticality import PointRank, rank_at_point
from .critical_scan import ScanResult, degree_sweep, scan as critical_scan
from .mason import mason
from .equations import IdealResult, vanishing_ideal
from .singularity import SingularityResult, singular, subnetwork_singularity_table, tangent_limit
from .subnetworks import Stratum, SubnetworkReport, detect_subnetwork, reduce_network, strata_order, subnetwork_strata

__all__ = [
    "CNNDimension",
    "DimensionResult",
    "IdealResult",
    "SingularityResult",
    "PointRank",
    "ScanResult",
    "Stratum",
    "SubnetworkReport",
    "UpperBound",
    "cnn_dimension",
    "detect_padding",
    "enumerate_strata",
    "twin_singularity",
    "critical_scan",
    "degree_sweep",
    "detect_subnetwork",
    "dimension",
    "expected_dimension",
    "mason",
    "nullspace_mod_p",
    "rank_at_point",
    "reduce_network",
    "rank_mod_p",
    "schwartz_zippel",
    "singular",
    "subnetwork_singularity_table",
    "tangent_limit",
    "vanishing_ideal",
    "strata_order",
    "subnetwork_strata",
    "symmetry_dimension",
    "upper_bound",
]
