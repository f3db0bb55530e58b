"""Loss landscape: square losses, training, critical exposure, learning coefficients."""
