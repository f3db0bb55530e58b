"""The registry of checkable claims behind ``neuromanifold reproduce``.

A claim is a function returning :class:`Verdict`; it is registered with :func:`claim` in a module
of :mod:`neuromanifold.experiments.claims` (discovered automatically), so each capability adds its
rows without touching the runner::

    @claim("AH exception (3,4,5) is defective by one", topic="dimension", quick=True)
    def _ah_345(ctx):
        r = dimension(MLP((3, 5, 1), 4))
        return Verdict(r.dimension == 14 and r.certified, f"dim = {r.dimension}, certified = {r.certified}")

``ctx`` is a :class:`Context` with the output folder (for figures) and the ``quick`` flag.
"""

from __future__ import annotations

import importlib
import pkgutil
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable

__all__ = ["Claim", "Context", "Verdict", "claim", "all_claims"]


@dataclass(frozen=True)
class Verdict:
    """Outcome of a claim: ``passed`` and a one-line ``evidence``; optional figure paths."""

    passed: bool
    evidence: str
    figures: tuple[str, ...] = ()


@dataclass(frozen=True)
class Context:
    output: Path | None = None
    quick: bool = False
    seed: int = 0


@dataclass(frozen=True)
class Claim:
    name: str
    topic: str
    source: str
    check: Callable[[Context], Verdict] = field(repr=False)
    quick: bool = True  # part of ``reproduce --quick``

    @property
    def id(self) -> str:
        """A stable short name, ``topic.check``, e.g. ``landscape.training_contrast`` (``reproduce --only`` takes it)."""
        return f"{self.topic}.{getattr(self.check, '__name__', 'claim').strip('_')}"


_REGISTRY: dict[str, Claim] = {}


def claim(name: str, topic: str, source: str = "", quick: bool = True):
    """Register the decorated function ``check(ctx) -> Verdict`` as a claim."""

    def decorate(fn):
        if name in _REGISTRY:
            raise ValueError(f"claim {name!r} registered twice")
        _REGISTRY[name] = Claim(name, topic, source, fn, quick)
        return fn

    return decorate


def all_claims(on_error: Callable[[str, BaseException], None] | None = None) -> list[Claim]:
    """Every registered claim, after importing all modules of ``experiments.claims``.

    A module that fails to import raises, unless ``on_error(module_name, exception)`` is given: then
    it is reported there and the claims of the other modules are still returned (``reproduce`` turns
    it into a failed row instead of crashing).
    """
    from . import claims

    for info in sorted(pkgutil.iter_modules(claims.__path__), key=lambda m: m.name):
        name = f"{claims.__name__}.{info.name}"
        if on_error is None:
            importlib.import_module(name)
            continue
        try:
            importlib.import_module(name)
        except Exception as exc:  # noqa: BLE001 - reported to the caller
            on_error(info.name, exc)
    return list(_REGISTRY.values())
