"""What every result type shares: ``str(result)`` is its human summary, and notebooks show it as a table.

A result is a frozen dataclass with ``to_dict()`` (JSON) and ``summary()`` (text); inheriting
:class:`Result` adds ``__str__`` (the summary, so ``print(result)`` reads well instead of dumping the
dataclass) and ``_repr_markdown_`` (Jupyter: the scalar fields of ``to_dict()`` as a table under the
summary).  This module imports nothing from the package, so every layer may use it.
"""

from __future__ import annotations

__all__ = ["Result"]


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
