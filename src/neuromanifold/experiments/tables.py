"""Architectures from a user's table (CSV or JSON), and comparing stored census results with a column of it.

A census is often started from someone else's table — e.g. the census of Dao and Rodriguez (*Minimal Filling
Architectures of Polynomial Neural Networks*) lists widths, degree and dim V.  :func:`read_architectures`
turns such a file into :class:`~neuromanifold.experiments.census.CensusTask` s; :func:`compare` checks the
stored results against one of its columns and lists every disagreement.

File formats (parsed, never evaluated):

* CSV with a header: ``widths`` ("d_0,…,d_L", quoted) and ``degree`` are required; ``kind`` (``monomial`` —
  the default — or ``generic``) and ``bias`` (true/false/1/0/yes/no) are optional; other columns are kept for
  :func:`compare`.
* JSON: a list of objects with the same keys (``widths`` may be a list of ints).
"""

from __future__ import annotations

import csv
import io
import json
from dataclasses import dataclass
from pathlib import Path

from ..limits import check_seed
from ..results import Result

__all__ = ["read_table", "read_architectures", "compare", "Comparison", "MAX_TABLE_ROWS"]

#: Most rows :func:`read_table` reads (the published census of Dao–Rodriguez has 46,625).
MAX_TABLE_ROWS = 1_000_000
#: Largest table file read, in bytes.
MAX_TABLE_BYTES = 256 * 2**20

_TRUE, _FALSE = {"true", "1", "yes", "y", "t"}, {"false", "0", "no", "n", "f", ""}


def _where(path, line) -> str:
    return f"{str(path)!r}, row {line}"


def read_table(path) -> list[dict]:
    """The rows of a CSV (header line) or JSON (list of objects) file as dicts, with their 1-based row number
    under ``"_row"``.  Refuses directories, files over 256 MiB and more than :data:`MAX_TABLE_ROWS` rows."""
    p = Path(path)
    if not p.is_file():
        raise ValueError(f"Argument 'path': {str(path)!r} is not a readable file.")
    if p.stat().st_size > MAX_TABLE_BYTES:
        raise ValueError(f"Argument 'path': {str(path)!r} is larger than {MAX_TABLE_BYTES // 2**20} MiB.")
    text = p.read_text(encoding="utf-8", errors="strict")
    stripped = text.lstrip()
    if stripped.startswith("[") or p.suffix.lower() == ".json":
        try:
            data = json.loads(text)
        except json.JSONDecodeError as exc:
            raise ValueError(f"Argument 'path': {str(path)!r} is not valid JSON ({exc.msg}, line {exc.lineno}).") from None
        if not isinstance(data, list) or not all(isinstance(r, dict) for r in data):
            raise ValueError(f"Argument 'path': {str(path)!r} must hold a JSON list of objects.")
        rows = [dict(r, _row=i + 1) for i, r in enumerate(data)]
    else:
        reader = csv.DictReader(io.StringIO(text))
        if not reader.fieldnames:
            raise ValueError(f"Argument 'path': {str(path)!r} has no CSV header line.")
        rows = []
        for i, r in enumerate(reader):
            if None in r:
                raise ValueError(f"{_where(path, i + 1)}: more fields than header columns.")
            rows.append(dict(r, _row=i + 1))
            if len(rows) > MAX_TABLE_ROWS:
                break
    if len(rows) > MAX_TABLE_ROWS:
        raise ValueError(f"Argument 'path': {str(path)!r} has more than {MAX_TABLE_ROWS} rows (MAX_TABLE_ROWS).")
    if not rows:
        raise ValueError(f"Argument 'path': {str(path)!r} has no rows.")
    return rows


def _widths(value, where) -> tuple[int, ...]:
    from ..limits import MAX_LAYERS

    if isinstance(value, str):
        parts = [v.strip() for v in value.replace(";", ",").split(",") if v.strip()]
        if not parts or not all(v.isdigit() for v in parts):
            raise ValueError(f"{where}: 'widths' must be positive integers like \"3,4,1\", got {value!r}.")
        out = tuple(int(v) for v in parts)
    elif isinstance(value, list) and all(isinstance(v, int) and not isinstance(v, bool) for v in value):
        out = tuple(value)
    else:
        raise ValueError(f"{where}: 'widths' must be a string \"d_0,…,d_L\" or a list of ints, got {value!r}.")
    if len(out) < 2 or min(out) < 1 or len(out) > MAX_LAYERS + 1:
        raise ValueError(f"{where}: 'widths' needs 2..{MAX_LAYERS + 1} positive entries, got {value!r}.")
    return out


def _int(value, name, where, minimum=1) -> int:
    if isinstance(value, bool):
        raise ValueError(f"{where}: {name!r} must be an integer, got {value!r}.")
    if isinstance(value, int):
        out = value
    elif isinstance(value, str) and value.strip().lstrip("-").isdigit() and len(value.strip()) <= 18:
        out = int(value.strip())
    else:
        raise ValueError(f"{where}: {name!r} must be an integer, got {value!r}.")
    if out < minimum:
        raise ValueError(f"{where}: {name!r} must be >= {minimum}, got {out}.")
    return out


def _bool(value, where) -> bool:
    if isinstance(value, bool):
        return value
    if value is None or (isinstance(value, str) and value.strip().lower() in _FALSE):
        return False
    if isinstance(value, str) and value.strip().lower() in _TRUE:
        return True
    raise ValueError(f"{where}: 'bias' must be true/false, got {value!r}.")


def _task_fields(row, path) -> tuple[tuple[int, ...], str, int, bool]:
    from ..architectures.activations import MAX_DEGREE
    from .census import KINDS

    where = _where(path, row["_row"])
    for name in ("widths", "degree"):
        if name not in row or row[name] in (None, ""):
            raise ValueError(f"{where}: the column {name!r} is required.")
    widths = _widths(row["widths"], where)
    degree = _int(row["degree"], "degree", where)
    if degree > MAX_DEGREE:
        raise ValueError(f"{where}: 'degree' must be <= {MAX_DEGREE}, got {degree}.")
    kind = str(row.get("kind") or "monomial").strip()
    if kind not in KINDS:
        raise ValueError(f"{where}: 'kind' must be one of {', '.join(KINDS)}, got {kind!r}.")
    return widths, kind, degree, _bool(row.get("bias"), where)


def read_architectures(path, seed: int = 0, trials: int = 2, analyses=()) -> list:
    """One :class:`~neuromanifold.experiments.census.CensusTask` per row of the table at ``path`` (module
    docstring), in file order, each architecture once."""
    from .census import CensusTask, check_analyses

    check_seed(seed)
    analyses = check_analyses(analyses)
    seen, tasks = set(), []
    for row in read_table(path):
        widths, kind, degree, bias = _task_fields(row, path)
        task = CensusTask(widths, kind, degree, bias, seed, trials, None, analyses)
        if task.key not in seen:
            seen.add(task.key)
            tasks.append(task)
    return tasks


@dataclass(frozen=True)
class Comparison(Result):
    """Stored census results against the column ``column`` of a table: rows that agree, disagree (listed with
    both values), and rows of the table not in the store."""

    path: str
    column: str
    compared: int
    agree: int
    disagreements: tuple[dict, ...]
    missing: tuple[str, ...]

    @property
    def all_agree(self) -> bool:
        return not self.disagreements

    def to_dict(self) -> dict:
        return {"path": self.path, "column": self.column, "compared": self.compared, "agree": self.agree,
                "disagree": len(self.disagreements), "disagreements": list(self.disagreements),
                "missing": len(self.missing), "missing_keys": list(self.missing[:1000])}

    def summary(self) -> str:
        lines = [f"{self.compared} rows of {self.path} compared on {self.column!r}: {self.agree} agree, "
                 f"{len(self.disagreements)} disagree, {len(self.missing)} not in the store"]
        for d in self.disagreements[:50]:
            lines.append(f"  {d['key']}: table {d['table']} vs stored {d['stored']} "
                         f"({'certified' if d['certified'] else 'probabilistic'})")
        if len(self.disagreements) > 50:
            lines.append(f"  … and {len(self.disagreements) - 50} more (--json lists all)")
        return "\n".join(lines)


def compare(path, store, column: str = "dimension", tool_version: str | None = None) -> Comparison:
    """Compare the store's ``column`` (dimension, expected_dimension, ambient_dimension, parameters, …) with the
    same-named column of the table at ``path``, row by row (matched by architecture key)."""
    from .. import __version__
    from .census import CensusTask
    from .store import COLUMNS

    names = {name for name, _ in COLUMNS}
    if column not in names or column in ("architecture", "extras"):
        raise ValueError(f"Argument 'column' must be a stored column such as 'dimension', got {column!r}.")
    stored = {r["key"]: r for r in store.rows(tool_version or __version__)}
    agree, bad, missing, compared = 0, [], [], 0
    for row in read_table(path):
        where = _where(path, row["_row"])
        if column not in row:
            raise ValueError(f"{where}: the table has no column {column!r}.")
        widths, kind, degree, bias = _task_fields(row, path)
        key = CensusTask(widths, kind, degree, bias).key
        if key not in stored:
            missing.append(key)
            continue
        compared += 1
        want = _int(row[column], column, where, minimum=0) if column != "activation" else row[column]
        got = stored[key][column]
        if got == want:
            agree += 1
        else:
            bad.append({"key": key, "row": row["_row"], "table": want, "stored": got,
                        "certified": bool(stored[key]["certified"])})
    return Comparison(str(path), column, compared, agree, tuple(bad), tuple(missing))
