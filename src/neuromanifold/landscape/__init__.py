"""Loss landscape: square losses, training, critical exposure, learning coefficients.

Torch is imported only inside the functions that train or sample (training, llc, Monte-Carlo exposure).
"""

from ..geometry.strata import (
    CoordinateStratum,
    MergedStratum,
    cnn_stratum,
    default_stratum,
    merged_stratum,
    mlp_stratum,
)
from .exposure import (
    ExposureCertificate,
    ExposureEstimate,
    exact_exposure,
    exposure_probability,
)
from .losses import (
    Criticality,
    Inertia,
    SquareLoss,
    bombieri_weyl_gram,
    data_loss,
    inertia,
    target_loss,
)
from .statistics import wilson_interval

__all__ = [
    "CoordinateStratum", "Criticality", "MergedStratum", "ExposureCertificate", "ExposureEstimate", "Inertia", "SquareLoss",
    "bombieri_weyl_gram", "cnn_stratum", "data_loss", "default_stratum", "exact_exposure", "exposure_probability",
    "inertia", "merged_stratum", "mlp_stratum", "target_loss", "wilson_interval",
]
