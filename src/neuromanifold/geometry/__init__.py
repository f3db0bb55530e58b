"""Geometry of neurovarieties, filed by concept: dimension (and its bounds), degree, strata (MLP and CNN
subnetworks, one protocol), subnetwork detection and proximity, criticality of the parametrisation, tangent
limits and singularity, fibres and identifiability, implicit equations and CAS export."""

from .bounds import UpperBound, expected_dimension, symmetry_dimension, upper_bound
from .critical_scan import ScanResult, degree_sweep
from .critical_scan import scan as scan_criticality
from .criticality import PointRank, rank_at_point
from .dimension import CNNDimension, DimensionResult, cnn_dimension, dimension
from .equations import IdealResult, vanishing_ideal
from .jacobian_criterion import jacobian_certificate, proven_equations
from .mason import mason
from .rank import nullspace_mod_p, rank_mod_p, schwartz_zippel
from .singular_strata import subnetwork_singularity_table, twin_singularity
from .singularity import SingularityResult, singular
from .strata import Stratum, SubnetworkStratum, detect_padding, enumerate_strata, strata_order, subnetwork_strata
from .subnetworks import SubnetworkReport, detect_subnetwork, reduce_network
from .tangent_limits import tangent_limit

__all__ = [
    "CNNDimension",
    "DimensionResult",
    "IdealResult",
    "PointRank",
    "ScanResult",
    "SingularityResult",
    "Stratum",
    "SubnetworkReport",
    "SubnetworkStratum",
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
