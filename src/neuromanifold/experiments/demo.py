"""A short tour: certified dimensions of a handful of architectures (one defective, one filling)."""

from __future__ import annotations

from ..architectures import MLP, Monomial, parse_activation
from ..geometry import dimension

__all__ = ["DEMO_ARCHITECTURES", "demo_table"]

#: (architecture, why it is interesting)
DEMO_ARCHITECTURES = (
    (MLP((3, 5, 1), Monomial(4)), "Alexander–Hirschowitz exception: defective by 1"),
    (MLP((5, 3, 1), Monomial(2)), "quadratic, rank ≤ 3 symmetric matrices: defective"),
    (MLP((3, 4, 1), Monomial(2)), "filling: every quadratic form"),
    (MLP((4, 6, 6, 2), Monomial(3)), "equi-width-like deep net: expected dimension"),
    (MLP((3, 3, 3), Monomial(1)), "linear network: all 3×3 matrices"),
    (MLP((4, 2, 4), Monomial(1)), "linear bottleneck: rank ≤ 2 matrices"),
    (MLP((2, 2, 1), parse_activation("z^3+z^2")), "Razor's Edge example: hypersurface in R^7"),
    (MLP((3, 1, 3, 3), Monomial(2)), "width-one bottleneck: defective"),
)


def demo_table(seed: int = 0) -> list[tuple[object, object, str]]:
    """[(architecture, DimensionResult, note)] for :data:`DEMO_ARCHITECTURES`."""
    return [(arch, dimension(arch, seed=seed), note) for arch, note in DEMO_ARCHITECTURES]
