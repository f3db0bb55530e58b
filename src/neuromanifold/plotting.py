"""The project's one figure style: matplotlib on the Agg backend, one rc style, PNG and SVG written atomically.

matplotlib is imported lazily and forced to the non-interactive Agg backend, so figures work on headless
machines and inside worker processes; every figure of the package (census heatmaps, training figures) is
drawn under :data:`STYLE` and saved by :func:`save` next to its SVG.
"""

from __future__ import annotations

from pathlib import Path

from .outputs import output_file

__all__ = ["STYLE", "pyplot", "save"]

#: rc parameters of every figure: a readable small size, no top/right spines, a light grid.
STYLE = {
    "figure.dpi": 120,
    "savefig.dpi": 120,
    "font.size": 9,
    "axes.titlesize": 10,
    "axes.labelsize": 9,
    "axes.spines.top": False,
    "axes.spines.right": False,
    "axes.grid": True,
    "grid.alpha": 0.25,
    "legend.fontsize": 8,
    "legend.frameon": False,
    "svg.fonttype": "none",  # SVG text stays text: editable in a paper, searchable
}


def pyplot():
    """matplotlib.pyplot on the Agg backend with :data:`STYLE` applied."""
    import matplotlib

    matplotlib.use("Agg", force=True)
    import matplotlib.pyplot as plt

    plt.rcParams.update(STYLE)
    return plt


def save(fig, stem, name: str = "out") -> list[str]:
    """Write ``fig`` to ``stem``.png and ``stem``.svg (each atomically: a temporary file, then a rename) and
    close it; errors name the argument ``name``.  Returns the two paths."""
    stem = Path(stem)
    paths = []
    try:
        for ext in ("png", "svg"):
            target = stem.with_name(f"{stem.name}.{ext}")
            with output_file(target, name, suffix=f".{ext}") as tmp:
                fig.savefig(tmp, format=ext, bbox_inches="tight")
            paths.append(str(target))
    finally:
        pyplot().close(fig)
    return paths
