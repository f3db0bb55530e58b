"""Figures for census analyses and reproduce reports, in the project's figure style (:mod:`neuromanifold.plotting`)."""

from __future__ import annotations

from pathlib import Path

from ..outputs import check_output_path
from ..plotting import pyplot, save

__all__ = ["census_heatmap"]

#: What a census heatmap can colour each (architecture, degree) cell by.
HEATMAP_VALUES = ("defect", "fill")


#: A panel lists at most this many width vectors per column; longer panels wrap into columns side by side, so
#: a sweep of hundreds of architectures stays a readable page rather than a strip metres long.
ROWS_PER_COLUMN = 40


def _panels(rows):
    """{(depth, kind): {widths: {degree: row}}} of census rows, widths as int tuples."""
    out = {}
    for r in rows:
        w = r["widths"]
        w = tuple(int(x) for x in w.split(",")) if isinstance(w, str) else tuple(int(x) for x in w)
        out.setdefault((len(w) - 1, r["kind"]), {}).setdefault(w, {})[int(r["degree"])] = r
    return out


def _cell(r, value):
    """(number, text) of one cell: the integer defect edim − dim or the fill ratio dim / A; ``?`` when uncertified."""
    if value == "defect":
        v = r["expected_dimension"] - r["dimension"]
        text = str(v)
    else:
        v = r["dimension"] / r["ambient_dimension"]
        text = f"{v:.2f}"
    return v, text + ("" if r["certified"] else "?")


def census_heatmap(rows, path, value: str = "defect", title: str | None = None) -> tuple[str, str]:
    """Heatmap of census rows: one panel per (depth L, activation kind), one row per width vector, one column per
    degree r, the value written in every cell.

    ``value="defect"`` colours a cell by the integer edim − dim on a discrete scale (one colour per value, 0 = the
    expected dimension; docs/math.md §2) and ``value="fill"`` by dim / A (1 = filling).  Uncertified dimensions
    carry a ``?``; a degree not computed for a width vector is a blank grey cell.  A panel with more than
    :data:`ROWS_PER_COLUMN` width vectors wraps into columns side by side.  Writes ``<path>.png`` and
    ``<path>.svg`` (suffix of ``path`` ignored) and returns both paths.
    """
    import numpy as np
    from matplotlib.colors import BoundaryNorm, ListedColormap

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
    panels = _panels(rows)
    degrees = sorted({int(r["degree"]) for r in rows})
    plt = pyplot()
    if value == "defect":
        top = max(1, max(_cell(r, value)[0] for r in rows))
        base = plt.get_cmap("Reds")
        cmap = ListedColormap([base(0.05 + 0.9 * k / top) for k in range(top + 1)])
        norm = BoundaryNorm(np.arange(-0.5, top + 1.5), cmap.N)
    else:
        cmap, norm = plt.get_cmap("viridis"), None
    cmap = cmap.with_extremes(bad="#eeeeee")
    layout = []  # per panel: its key and its chunks of width vectors
    for key in sorted(panels):
        widths = sorted(panels[key])
        layout.append((key, [widths[i:i + ROWS_PER_COLUMN] for i in range(0, len(widths), ROWS_PER_COLUMN)]))
    ncols = max(len(chunks) for _, chunks in layout)
    heights = [max(3, len(chunks[0])) for _, chunks in layout]
    col_width = 1.3 + 0.42 * len(degrees)
    fig = plt.figure(figsize=(min(0.8 + col_width * ncols, 60.0), min(1.0 + sum(0.2 * h + 0.7 for h in heights), 300.0)),
                     constrained_layout=True)
    grid = fig.add_gridspec(len(layout), ncols, height_ratios=heights)
    image = None
    for p, ((depth, kind), chunks) in enumerate(layout):
        for c, widths in enumerate(chunks):
            ax = fig.add_subplot(grid[p, c])
            data = np.full((len(widths), len(degrees)), np.nan)
            for i, w in enumerate(widths):
                for j, d in enumerate(degrees):
                    if d in panels[(depth, kind)][w]:
                        v, text = _cell(panels[(depth, kind)][w][d], value)
                        data[i, j] = v
                        dark = value == "defect" and v > top / 2 or value == "fill" and v < 0.5
                        ax.text(j, i, text, ha="center", va="center", fontsize=7, color="white" if dark else "black")
            image = ax.imshow(np.ma.masked_invalid(data), aspect="auto", cmap=cmap, norm=norm,
                              vmin=None if norm else 0.0, vmax=None if norm else 1.0, interpolation="nearest")
            ax.set_ylim(len(chunks[0]) - 0.5, -0.5)  # every cell of a panel the same height, also in its last column
            ax.set_xticks(range(len(degrees)), [str(d) for d in degrees])
            ax.set_yticks(range(len(widths)), [",".join(map(str, w)) for w in widths], fontsize=7)
            ax.grid(False)
            ax.tick_params(length=0)
            ax.set_xlabel("degree r", fontsize=8)
            if c == 0:
                ax.set_title(f"depth L = {depth}, {kind} σ" + (f" ({len(panels[(depth, kind)])} width vectors)"
                                                              if len(chunks) > 1 else ""), loc="left", fontsize=9)
    bar = fig.colorbar(image, ax=fig.axes, shrink=min(1.0, 8.0 / max(1.0, sum(heights) * 0.2)), aspect=30,
                       label="edim − dim" if value == "defect" else "dim / A")
    if value == "defect":
        bar.set_ticks(range(top + 1))
    fig.suptitle((title or ("defect edim − dim" if value == "defect" else "dim / ambient dimension"))
                 + "   (? = not certified)", fontsize=10)
    save(fig, stem, "path")
    return png, svg
