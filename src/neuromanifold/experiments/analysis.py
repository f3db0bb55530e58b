"""Analyses over a census store: activation thresholds, defective architectures, minimal filling widths.

All functions read rows of a :class:`~neuromanifold.experiments.store.ResultStore` (or any list of
row dicts with the store's columns) and only ever report what the stored grid shows: "smallest",
"minimal" and "from which" are relative to the degrees and widths that were swept.

* **Activation threshold** (docs/math.md §3; Finkel–Rodriguez–Wu–Yahl): for a width vector d the
  smallest stored degree r such that dim V(d, r') = edim(d, r') for every stored r' ≥ r.  Without
  width-one bottlenecks such an r̃(d) exists; with them the architecture stays defective.
* **Defective**: dim V < edim (Kileel–Trager–Bruna expected dimension, docs/math.md §2).
* **Minimal filling widths** for fixed (L, d_0, d_L, r): the stored width vectors with dim V = A
  (filling) that are minimal for the componentwise order among the stored filling ones.  Filling is
  monotone in the widths (a narrower network is a wider one with a neuron switched off), so once the
  grid contains the whole box below a vector, minimality among stored vectors is minimality outright.
  Each is tested for **unimodality** of (d_0, …, d_L): weakly increasing, then weakly decreasing
  (KTB ask whether minimal filling widths are unimodal).
"""

from __future__ import annotations

from dataclasses import dataclass

__all__ = [
    "FillingWidths",
    "Threshold",
    "activation_thresholds",
    "defective_architectures",
    "is_unimodal",
    "minimal_filling_widths",
]


def _rows(source, **equal) -> list[dict]:
    """Rows from a store (current tool version) or a list of row dicts; the newest row per key."""
    if hasattr(source, "rows"):
        from .. import __version__

        rows = source.rows(tool_version=__version__)
    elif isinstance(source, (list, tuple)):
        rows = list(source)
    else:
        raise TypeError(f"Argument 'source' must be a ResultStore or a list of rows, not {type(source).__name__}.")
    latest: dict[str, dict] = {}
    for row in rows:
        if all(row.get(k) == v for k, v in equal.items() if v is not None):
            latest[row["key"]] = row
    return list(latest.values())


def _widths(row) -> tuple[int, ...]:
    w = row["widths"]
    return tuple(int(x) for x in w.split(",")) if isinstance(w, str) else tuple(w)


@dataclass(frozen=True)
class Threshold:
    """The activation threshold of one width vector over the stored degrees.

    ``threshold`` is the smallest stored r with dim = edim at every stored degree ≥ r, or ``None``
    when the largest stored degree is still defective.  ``certified`` says every row used was
    certified (otherwise the dimensions hold with the stored error bounds).
    """

    widths: tuple[int, ...]
    kind: str
    bias: bool
    degrees: tuple[int, ...]
    defective_degrees: tuple[int, ...]
    threshold: int | None
    certified: bool

    def to_dict(self) -> dict:
        return {
            "widths": list(self.widths),
            "kind": self.kind,
            "bias": self.bias,
            "degrees": list(self.degrees),
            "defective_degrees": list(self.defective_degrees),
            "threshold": self.threshold,
            "certified": self.certified,
            "error_bound": 0.0 if self.certified else None,  # uncertified: each row's own bound, in `census list`
        }


def activation_thresholds(source, kind: str | None = "monomial", depth: int | None = None) -> list[Threshold]:
    """Activation threshold of every stored width vector (of activation ``kind``, optionally one depth).

    Examples
    --------
    Alexander–Hirschowitz: (3, 5, 1) is defective exactly at r = 4, so over r = 2..5 the threshold is 5.
    """
    groups: dict[tuple, list[dict]] = {}
    for row in _rows(source, kind=kind, depth=depth):
        groups.setdefault((_widths(row), row["kind"], bool(row["bias"])), []).append(row)
    out = []
    for (widths, k, bias), rows in sorted(groups.items()):
        rows.sort(key=lambda r: r["degree"])
        degrees = tuple(r["degree"] for r in rows)
        bad = tuple(r["degree"] for r in rows if r["dimension"] < r["expected_dimension"])
        if not bad:
            threshold = degrees[0]
        elif bad[-1] == degrees[-1]:
            threshold = None
        else:
            threshold = min(d for d in degrees if d > bad[-1])
        out.append(Threshold(widths, k, bias, degrees, bad, threshold, all(bool(r["certified"]) for r in rows)))
    return out


def defective_architectures(source, kind: str | None = None, depth: int | None = None) -> list[dict]:
    """Stored rows with dim V < edim, as dicts with widths, kind, degree, dimension, expected_dimension,
    defect = edim − dim, certified and error_bound (sorted by depth, widths, degree).

    Defective means dim V < edim, the Kileel–Trager–Bruna expected dimension edim = min{d_L + Σ_i (d_{i−1} − 1)
    d_i, A} (docs/math.md §2); for shallow one-output nets these are the Alexander–Hirschowitz exceptions (docs/math.md
    §3).
    """
    out = []
    for row in _rows(source, kind=kind, depth=depth):
        if row["dimension"] < row["expected_dimension"]:
            out.append({
                "widths": list(_widths(row)),
                "kind": row["kind"],
                "degree": row["degree"],
                "bias": bool(row["bias"]),
                "dimension": row["dimension"],
                "expected_dimension": row["expected_dimension"],
                "defect": row["expected_dimension"] - row["dimension"],
                "certified": bool(row["certified"]),
                "error_bound": row["error_bound"],
            })
    out.sort(key=lambda r: (len(r["widths"]), r["widths"], r["kind"], r["degree"]))
    return out


def is_unimodal(widths) -> bool:
    """True iff the sequence weakly increases and then weakly decreases (e.g. (2, 3, 3, 1); not (3, 1, 2)).

    >>> is_unimodal((2, 4, 3, 1)), is_unimodal((3, 1, 2))
    (True, False)
    """
    w = list(widths)
    i = 0
    while i + 1 < len(w) and w[i] <= w[i + 1]:
        i += 1
    while i + 1 < len(w) and w[i] >= w[i + 1]:
        i += 1
    return i == len(w) - 1


@dataclass(frozen=True)
class FillingWidths:
    """A minimal filling width vector among the stored ones.

    ``certain`` is True when every stored non-filling vector below it is certified (so no smaller
    stored vector might fill after all); filling itself is always certain (dim = A is the maximum).
    """

    widths: tuple[int, ...]
    kind: str
    degree: int
    ambient_dimension: int
    unimodal: bool
    certain: bool

    def to_dict(self) -> dict:
        return {
            "widths": list(self.widths),
            "kind": self.kind,
            "degree": self.degree,
            "ambient_dimension": self.ambient_dimension,
            "unimodal": self.unimodal,
            "certain": self.certain,
            "certified": self.certain,  # docs/json.md: minimality certified (every smaller stored vector certified)
            "error_bound": 0.0 if self.certain else None,
        }


def minimal_filling_widths(source, depth: int, input_dim: int, output_dim: int, degree: int,
                           kind: str = "monomial") -> list[FillingWidths]:
    """Minimal filling width vectors for fixed (L, d_0, d_L, r) among the stored ones (module docstring).

    Filling means dim V = A, the ambient dimension (docs/math.md §2); minimal is componentwise over the hidden widths
    (d_1, …, d_{L−1}).

    Examples
    --------
    (2, d_1, 1) with σ = z^2 fills the 3 binary quadratics from d_1 = 2 on (AH: min{2 d_1, 3}), so the
    answer over d_1 ∈ {1, 2, 3} is the single unimodal vector (2, 2, 1).
    """
    for value, name in ((depth, "depth"), (input_dim, "input_dim"), (output_dim, "output_dim"), (degree, "degree")):
        if isinstance(value, bool) or not isinstance(value, int) or value < 1:
            raise ValueError(f"Argument '{name}' must be a positive int, got {value!r}.")
    rows = [r for r in _rows(source, kind=kind, depth=depth, input_dim=input_dim, output_dim=output_dim, degree=degree)
            if not r["bias"]]

    def below(a, b):  # a ≤ b componentwise, a ≠ b
        return a != b and all(x <= y for x, y in zip(a, b))

    filling = {_widths(r): r for r in rows if r["dimension"] == r["ambient_dimension"]}
    others = [(_widths(r), r) for r in rows if r["dimension"] < r["ambient_dimension"]]
    out = []
    for w, row in sorted(filling.items()):
        if any(below(v, w) for v in filling):
            continue
        certain = all(bool(r["certified"]) for v, r in others if below(v, w))
        out.append(FillingWidths(w, row["kind"], degree, row["ambient_dimension"], is_unimodal(w), certain))
    return out
