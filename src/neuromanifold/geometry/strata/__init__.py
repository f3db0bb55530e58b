"""Subnetwork strata of parameter space, one protocol (:mod:`.base`) with MLP and CNN implementations."""

from .base import SubnetworkStratum
from .cnn import Padding, StratumReport, detect_padding, enumerate_strata, stratum_report, transport, twins
from .coordinate import CoordinateStratum, cnn_stratum, default_stratum, mlp_stratum
from .merged import MergedStratum, merged_stratum
from .mlp import MAX_STRATA, Stratum, strata_order, subnetwork_strata

__all__ = ["SubnetworkStratum", "Padding", "StratumReport", "detect_padding", "enumerate_strata", "stratum_report",
           "transport", "twins", "CoordinateStratum", "cnn_stratum", "default_stratum", "mlp_stratum",
           "MergedStratum", "merged_stratum", "MAX_STRATA", "Stratum", "strata_order", "subnetwork_strata"]
