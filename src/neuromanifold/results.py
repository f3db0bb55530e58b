"""What every result type shares: ``str(result)`` is its human summary, and notebooks show it as a table.

A result is a frozen dataclass with ``to_dict()`` (JSON) and ``summary()`` (text); inheriting
:class:`Result` adds ``__str__`` (the summary, so ``print(result)`` reads well instead of dumping the
dataclass) and ``_repr_markdown_`` (Jupyter: the scalar fields of ``to_dict()`` as a table under the
summary).  This module imports nothing from the package, so every layer may use it.

Every result says how its answer is known in one field shape, :class:`Known` (``result.known``, and ``"known"``
in its ``to_dict()``): *certified* (true over ℚ for every input), *probabilistic* with the proven
``error_bound`` on the probability of a wrong answer, *numerical* with the ``tolerance`` the verdict used, or
*unproven* (a bound that holds, with no proven probability that it is attained).
"""

from __future__ import annotations

import math
from dataclasses import dataclass

__all__ = ["Result", "Known", "KNOWN_KINDS"]

#: The ways an answer can be known (:class:`Known`).
KNOWN_KINDS = ("certified", "probabilistic", "numerical", "unproven")


@dataclass(frozen=True)
class Known:
    """How an answer is known: ``kind`` ∈ :data:`KNOWN_KINDS`; ``error_bound`` (probabilistic: a proven bound on
    the probability that the answer is wrong; 0 when certified), ``tolerance`` (numerical: the threshold the
    verdict used) and ``method`` (the computation that decided, e.g. ``"mod-p"``, ``"exact-kernel"``)."""

    kind: str
    method: str = ""
    error_bound: float | None = None
    tolerance: float | None = None

    def __post_init__(self):
        if self.kind not in KNOWN_KINDS:
            raise ValueError(f"Argument 'kind' must be one of {KNOWN_KINDS}, got {self.kind!r}.")

    @classmethod
    def from_certificate(cls, certified: bool, error_bound=None, method: str = "") -> "Known":
        """Certified, else probabilistic when a finite ``error_bound`` is proven, else unproven."""
        if certified:
            return cls("certified", method, 0.0)
        if error_bound is not None and math.isfinite(float(error_bound)):
            return cls("probabilistic", method, float(error_bound))
        return cls("unproven", method)

    @classmethod
    def from_tolerance(cls, certified: bool, tolerance=None, method: str = "") -> "Known":
        """Certified, else numerical at ``tolerance`` (a float verdict), else unproven (no tolerance: e.g. a
        zero mod p, a necessary condition only)."""
        if certified:
            return cls("certified", method, 0.0)
        if tolerance is not None:
            return cls("numerical", method, None, float(tolerance))
        return cls("unproven", method)

    def to_dict(self) -> dict:
        return {"kind": self.kind, "method": self.method, "error_bound": self.error_bound, "tolerance": self.tolerance}

    def summary(self) -> str:
        text = self.kind
        if self.kind == "probabilistic":
            text += f", P(wrong) ≤ {self.error_bound:.2g}"
        elif self.kind == "numerical":
            text += f", tolerance {self.tolerance:.2g}"
        return text + (f" ({self.method})" if self.method else "")

    __str__ = summary


class Result:
    """Mixin for result dataclasses that define ``summary()`` and ``to_dict()``."""

    def __str__(self) -> str:
        return self.summary()

    def _repr_markdown_(self) -> str:
        lines = self.summary().splitlines() or [type(self).__name__]
        out = [f"**{_escape(lines[0])}**", ""]
        rows = [(k, v) for k, v in self.to_dict().items() if isinstance(v, (bool, int, float, str, type(None)))]
        if rows:
            out += ["| field | value |", "|---|---|"]
            out += [f"| {k} | {_escape(_fmt(v))} |" for k, v in rows]
        if len(lines) > 1:
            out += ["", "```", *lines[1:], "```"]
        return "\n".join(out)


def _fmt(value) -> str:
    if isinstance(value, float):
        return f"{value:.3g}"
    return "—" if value is None else str(value)


def _escape(text: str) -> str:
    return str(text).replace("|", "\\|")
