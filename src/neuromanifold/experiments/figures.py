"""Figures for census analyses and reproduce reports, in the project's figure style (:mod:`neuromanifold.plotting`)."""

from __future__ import annotations

from pathlib import Path

from ..outputs import check_output_path
from ..plotting import pyplot, save

__all__ = ["census_heatmap"]

#: What a census heatmap can colour each (architecture, degree) cell by.
HEATMAP_VALUES = ("defect", "fill")


def census_heatmap(rows, path, value: str = "defect", title: str | None = None) -> tuple[str, str]:
    """Heatmap of census rows: one row per width vector, one column per degree r.

    ``value="defect"`` colours a cell by edim − dim (0 = expected dimension; docs/math.md §2) and
    ``value="fill"`` by dim / A (1 = filling).  Cells are annotated with the number; uncertified
    dimensions carry a ``?``.  Writes ``<path>.png`` and ``<path>.svg`` (suffix of ``path`` ignored)
    and returns both paths.
    """
    import numpy as np

    if value not in HEATMAP_VALUES:
        raise ValueError(f"Argument 'value' must be one of {', '.join(HEATMAP_VALUES)}, got {value!r}.")
    stem = Path(path)
    stem = stem.with_suffix("") if stem.suffix in (".png", ".svg") else stem
    png, svg = str(stem) + ".png", str(stem) + ".svg"
    check_output_path(png, "path")
    check_output_path(svg, "path")
    rows = list(rows)
    if not rows:
        raise ValueError("Argument 'rows' is empty: nothing to draw (run a census first, or relax the filters).")

    def wkey(row):
        w = row["widths"]
        return tuple(int(x) for x in w.split(",")) if isinstance(w, str) else tuple(w)

    archs = sorted({(len(wkey(r)), wkey(r), r["kind"]) for r in rows})
    degrees = sorted({r["degree"] for r in rows})
    kinds = {a[2] for a in archs}
    labels = [",".join(map(str, w)) + (f" {k}" if len(kinds) > 1 else "") for _, w, k in archs]
    index = {(a[1], a[2]): i for i, a in enumerate(archs)}
    grid = np.full((len(archs), len(degrees)), np.nan)
    text = [[""] * len(degrees) for _ in archs]
    for r in rows:
        i, j = index[(wkey(r), r["kind"])], degrees.index(r["degree"])
        if value == "defect":
            v = r["expected_dimension"] - r["dimension"]
            label = str(v)
        else:
            v = r["dimension"] / r["ambient_dimension"]
            label = f"{v:.2f}"
        grid[i, j] = v
        text[i][j] = label + ("" if r["certified"] else "?")

    plt = pyplot()
    height = min(2.0 + 0.28 * len(archs), 40.0)
    width = min(3.0 + 0.7 * len(degrees), 20.0)
    fig, ax = plt.subplots(figsize=(width, height))
    cmap = "Reds" if value == "defect" else "viridis"
    vmax = max(1.0, float(np.nanmax(grid))) if value == "defect" else 1.0
    im = ax.imshow(grid, aspect="auto", cmap=cmap, vmin=0.0, vmax=vmax, interpolation="nearest")
    ax.set_xticks(range(len(degrees)), [str(d) for d in degrees])
    ax.set_yticks(range(len(archs)), labels, fontsize=8 if len(archs) < 40 else 5)
    ax.set_xlabel("activation degree r")
    ax.set_ylabel("widths d_0,…,d_L")
    if len(archs) * len(degrees) <= 600:
        for i in range(len(archs)):
            for j in range(len(degrees)):
                if text[i][j]:
                    dark = value == "defect" and grid[i, j] > vmax / 2
                    ax.text(j, i, text[i][j], ha="center", va="center", fontsize=7,
                            color="white" if dark else "black")
    fig.colorbar(im, ax=ax, label="edim − dim" if value == "defect" else "dim / A")
    ax.set_title(title or ("defect edim − dim" if value == "defect" else "dim / ambient dimension"))
    fig.tight_layout()
    save(fig, stem, "path")
    return png, svg
