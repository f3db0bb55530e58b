"""Tidy tables of a census store: one row per stored result, one value per cell.

The same table feeds :func:`write_csv`, :func:`write_parquet` and :func:`to_dataframe` (and so ``neuromanifold
census export --format csv|parquet``): every column of the store except the nested ``architecture`` JSON, the
widths also as integer columns ``d_0 … d_Lmax`` (empty / null / ``<NA>`` beyond a row's depth), booleans as
booleans, ``activation`` as its polynomial text, ``extras`` as JSON text (decoded in the DataFrame).  ``widths``
stays as ``"d_0,…,d_L"`` beside them, so an exported CSV is also a valid ``census run --architectures`` file.
"""

from __future__ import annotations

import csv
import json

from ..outputs import check_output_path, output_file
from .store import BOOLEAN_COLUMNS, COLUMNS, SCHEMA_VERSION

__all__ = ["FORMATS", "tidy_table", "write_csv", "write_parquet", "to_dataframe", "write"]

#: Export formats of :func:`write` (and ``census export --format``).
FORMATS = ("csv", "parquet")
_KINDS = {"INTEGER": "int", "REAL": "float", "TEXT": "str"}


def tidy_table(store, tool_version: str | None = None) -> tuple[list[tuple[str, str]], list[dict]]:
    """``(columns, rows)``: ``columns`` the (name, type) pairs in order (types ``int``, ``float``, ``bool``,
    ``str``), ``rows`` one dict per stored result (``extras`` still decoded)."""
    rows = store.rows(tool_version)
    depth = max((int(r["depth"]) for r in rows), default=0)
    columns = [("id", "int")]
    columns += [(name, "bool" if name in BOOLEAN_COLUMNS else _KINDS[kind.split()[0]])
                for name, kind in COLUMNS if name != "architecture"]
    columns += [(f"d_{i}", "int") for i in range(depth + 1)]
    table = []
    for r in rows:
        widths = [int(w) for w in r["widths"].split(",")]
        rec = {name: r[name] for name, _ in columns if name in r}
        rec.update({f"d_{i}": (widths[i] if i < len(widths) else None) for i in range(depth + 1)})
        table.append(rec)
    return columns, table


def write_csv(store, path, tool_version: str | None = None) -> int:
    """The tidy table as CSV (standard library); returns the number of rows."""
    check_output_path(path, "path")
    columns, rows = tidy_table(store, tool_version)
    with output_file(path, "path") as tmp, open(tmp, "w", newline="", encoding="utf-8") as fh:
        writer = csv.DictWriter(fh, fieldnames=[name for name, _ in columns])
        writer.writeheader()
        for row in rows:
            writer.writerow({**row, "extras": json.dumps(row["extras"], sort_keys=True)})
    return len(rows)


def write_parquet(store, path, tool_version: str | None = None) -> int:
    """The tidy table as Parquet with typed columns (needs pyarrow); returns the number of rows."""
    try:
        import pyarrow as pa
        import pyarrow.parquet as pq
    except ImportError:
        raise ValueError('Parquet export needs pyarrow: pip install "neuromanifold[parquet]" (or use CSV).') from None
    check_output_path(path, "path")
    columns, rows = tidy_table(store, tool_version)
    types = {"int": pa.int64(), "float": pa.float64(), "bool": pa.bool_(), "str": pa.string()}
    schema = pa.schema([pa.field(name, types[kind]) for name, kind in columns],
                       metadata={"neuromanifold_schema_version": str(SCHEMA_VERSION)})
    data = {name: [json.dumps(r[name], sort_keys=True) if name == "extras" else r[name] for r in rows]
            for name, _ in columns}
    with output_file(path, "path") as tmp:
        pq.write_table(pa.table(data, schema=schema), str(tmp))
    return len(rows)


def to_dataframe(store, tool_version: str | None = None):
    """The tidy table as a pandas DataFrame (needs pandas): ``d_i`` as nullable ``Int64``, ``extras`` decoded."""
    try:
        import pandas as pd
    except ImportError:
        raise ValueError('to_dataframe needs pandas: pip install "neuromanifold[dataframe]"') from None
    columns, rows = tidy_table(store, tool_version)
    frame = pd.DataFrame(rows, columns=[name for name, _ in columns])
    return frame.astype({name: "Int64" for name, _ in columns if name.startswith("d_")})


def write(store, path, fmt: str, tool_version: str | None = None) -> int:
    """Write the tidy table in format ``fmt`` (one of :data:`FORMATS`); returns the number of rows."""
    if fmt not in FORMATS:
        raise ValueError(f"Argument 'fmt' must be one of {', '.join(FORMATS)}, got {fmt!r}.")
    return (write_csv if fmt == "csv" else write_parquet)(store, path, tool_version)
