"""Exponent vectors of monomials — the coordinates of the spaces neuromanifolds live in."""

from __future__ import annotations

from itertools import combinations_with_replacement

__all__ = ["exponents"]


def exponents(n: int, degrees, descending: bool = False) -> list[tuple[int, ...]]:
    """All α ∈ ℕ^n with |α| in ``degrees``: by degree (ascending, or descending with
    ``descending=True``), within a degree lexicographically decreasing (x_0^e first)."""
    out = []
    for deg in sorted(degrees, reverse=descending):
        for combo in combinations_with_replacement(range(n), deg):
            alpha = [0] * n
            for i in combo:
                alpha[i] += 1
            out.append(tuple(alpha))
    return out
