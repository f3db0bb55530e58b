"""Geometry of neurovarieties: dimension and its certificates, subnetworks, critical points of the
parametrisation, singular points, implicit equations, CNN-specific geometry."""

from .bounds import UpperBound, expected_dimension, symmetry_dimension, upper_bound
from .cnn import (
    CNNDimension,
    cnn_dimension,
    detect_padding,
    enumerate_strata,
    twin_singularity,
)
from .critical_scan import ScanResult, degree_sweep
from .critical_scan import scan as scan_criticality
from .criticality import PointRank, rank_at_point
from .dimension import DimensionResult, dimension
from .equations import IdealResult, vanishing_ideal
from .jacobian_criterion import jacobian_certificate, proven_equations
from .mason import mason
from .mlp_strata import Stratum, strata_order, subnetwork_strata
from .rank import nullspace_mod_p, rank_mod_p, schwartz_zippel
from .singularity import (
    SingularityResult,
    singular,
    subnetwork_singularity_table,
    tangent_limit,
)
from .subnetworks import SubnetworkReport, detect_subnetwork, reduce_network

__all__ = [
    "CNNDimension",
    "DimensionResult",
    "IdealResult",
    "PointRank",
    "ScanResult",
    "SingularityResult",
    "Stratum",
    "SubnetworkReport",
    "UpperBound",
    "cnn_dimension",
    "scan_criticality",
    "degree_sweep",
    "detect_padding",
    "detect_subnetwork",
    "dimension",
    "enumerate_strata",
    "expected_dimension",
    "jacobian_certificate",
    "mason",
    "nullspace_mod_p",
    "proven_equations",
    "rank_at_point",
    "rank_mod_p",
    "reduce_network",
    "schwartz_zippel",
    "singular",
    "strata_order",
    "subnetwork_singularity_table",
    "subnetwork_strata",
    "symmetry_dimension",
    "tangent_limit",
    "twin_singularity",
    "upper_bound",
    "vanishing_ideal",
]
