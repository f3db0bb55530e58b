"""The census results store: one SQLite file, one row per architecture × activation × tool version.

Every row records *how* its dimension is known — ``certified`` (the mod-p rank meets a proven upper
bound, docs/math.md §2) or the Schwartz–Zippel ``error_bound`` — together with the ``seed``, the
``prime`` and the wall time, so a stored number can always be re-derived.

Durability: the database runs in write-ahead-log mode and every result is committed on its own, so
a sweep killed at any moment keeps every result it had finished; re-running skips them (the pair
(``key``, ``tool_version``) is unique).  The schema is versioned with ``PRAGMA user_version``
(:data:`SCHEMA_VERSION`); a ``meta`` table remembers which version of neuromanifold created the file.

Exports (the tidy table of :mod:`neuromanifold.experiments.export`): :meth:`ResultStore.export_csv` (standard
library), :meth:`ResultStore.export_parquet` (needs ``pyarrow``: ``pip install "neuromanifold[parquet]"``) and
:meth:`ResultStore.to_dataframe` (needs pandas).
"""

from __future__ import annotations

import json
import os
import sqlite3
import sys
from datetime import datetime, timezone
from pathlib import Path

__all__ = ["COLUMNS", "DEFAULT_STORE", "SCHEMA_VERSION", "ResultStore"]

#: The default store file, in the working directory.
DEFAULT_STORE = "neuromanifold.sqlite"

#: Version of the table layout below; bump it (and add a migration in ``_migrate``) on any change.
SCHEMA_VERSION = 1

#: Seconds a write waits for a store that another program holds locked (reported on stderr once), in steps of
#: LOCK_WAIT_STEP; then a one-line error.
LOCK_WAIT = 30.0
LOCK_WAIT_STEP = 5.0

#: (column, SQLite type) of the ``results`` table, in order; ``id`` is added as the primary key.
COLUMNS = (
    ("key", "TEXT NOT NULL"),  # architecture × activation identity, see census.CensusTask.key
    ("tool_version", "TEXT NOT NULL"),
    ("kind", "TEXT NOT NULL"),  # 'monomial' | 'generic'
    ("widths", "TEXT NOT NULL"),  # '3,5,1'
    ("depth", "INTEGER NOT NULL"),  # L
    ("input_dim", "INTEGER NOT NULL"),  # d_0
    ("output_dim", "INTEGER NOT NULL"),  # d_L
    ("degree", "INTEGER NOT NULL"),  # r (the same for every hidden layer)
    ("activation", "TEXT NOT NULL"),  # the polynomial actually used, e.g. 'z^3' or '3*z^2 - z + 5'
    ("bias", "INTEGER NOT NULL"),
    ("dimension", "INTEGER NOT NULL"),
    ("expected_dimension", "INTEGER NOT NULL"),
    ("ambient_dimension", "INTEGER NOT NULL"),
    ("parameters", "INTEGER NOT NULL"),
    ("symmetry_dimension", "INTEGER NOT NULL"),
    ("upper_bound", "INTEGER NOT NULL"),
    ("upper_bound_source", "TEXT NOT NULL"),
    ("certified", "INTEGER NOT NULL"),
    ("error_bound", "REAL NOT NULL"),
    ("defective", "INTEGER NOT NULL"),
    ("filling", "INTEGER NOT NULL"),
    ("identifiable", "INTEGER NOT NULL"),
    ("seed", "INTEGER NOT NULL"),
    ("trials", "INTEGER NOT NULL"),
    ("prime", "INTEGER NOT NULL"),
    ("seconds", "REAL NOT NULL"),
    ("extras", "TEXT NOT NULL DEFAULT '{}'"),  # JSON: optional analyses (subnetwork strata, criticality)
    ("architecture", "TEXT NOT NULL"),  # MLP.to_json() as JSON, to rebuild the architecture exactly
    ("created", "TEXT NOT NULL"),  # UTC ISO time the row was written
)
_NAMES = tuple(name for name, _ in COLUMNS)
#: Columns stored as 0/1 integers that mean booleans.
BOOLEAN_COLUMNS = ("bias", "certified", "defective", "filling", "identifiable")


def _schema_sql() -> str:
    cols = ",\n    ".join(f"{name} {kind}" for name, kind in COLUMNS)
    return (
        "CREATE TABLE IF NOT EXISTS results (\n    id INTEGER PRIMARY KEY,\n    "
        + cols
        + ",\n    UNIQUE (key, tool_version)\n);\n"
        "CREATE INDEX IF NOT EXISTS results_shape ON results (depth, input_dim, output_dim, kind, degree);\n"
        "CREATE TABLE IF NOT EXISTS meta (name TEXT PRIMARY KEY, value TEXT NOT NULL);\n"
    )


class ResultStore:
    """An SQLite file of census results (see the module docstring).

    Parameters
    ----------
    path:
        The database file (created when missing), default :data:`DEFAULT_STORE`; ``":memory:"``
        gives a throw-away store.
    readonly:
        Open an existing store for reading only: nothing is written (no journal switch, no migration),
        so archived stores in read-only folders can be analysed.

    A file that is not a store of this schema (corrupt, another program's, missing tables or columns,
    another schema version) is refused with a ValueError naming the file and what is wrong, before
    anything is written to it.

    Examples
    --------
    >>> with ResultStore(":memory:") as store:
    ...     len(store)
    0
    """

    def __init__(self, path=DEFAULT_STORE, readonly: bool = False):
        if not isinstance(path, (str, Path)):
            raise TypeError(f"Argument 'path' must be a file path, not {type(path).__name__}.")
        if not isinstance(readonly, bool):
            raise TypeError(f"Argument 'readonly' must be a bool, not {type(readonly).__name__}.")
        self.path = str(path)
        self.readonly = readonly
        memory = self.path == ":memory:"
        if not memory:
            p = Path(self.path)
            if not p.parent.is_dir():
                raise ValueError(f"Argument 'path' must be in an existing folder, {str(p.parent)!r} does not exist.")
            if p.exists() and not p.is_file():
                raise ValueError(f"Argument 'path' ({self.path}) is not a regular file.")
            if readonly and not p.exists():
                raise ValueError(f"Argument 'path': no store {self.path!r} (run a census first).")
        try:
            if readonly and not memory:
                # In a folder we may not write to, SQLite cannot create the WAL index beside the file:
                # read it as immutable (an archive) instead.
                immutable = not os.access(Path(self.path).resolve().parent, os.W_OK)
                uri = Path(self.path).resolve().as_uri() + "?mode=ro" + ("&immutable=1" if immutable else "")
                self._db = sqlite3.connect(uri, uri=True, timeout=LOCK_WAIT)
            else:
                self._db = sqlite3.connect(self.path, timeout=LOCK_WAIT)
            self._check_schema()
            if not readonly:
                self._db.execute("PRAGMA journal_mode=WAL")
                self._db.execute("PRAGMA synchronous=NORMAL")  # durable against process kills in WAL mode
                self._migrate()
                self._db.execute(f"PRAGMA busy_timeout = {int(LOCK_WAIT_STEP * 1000)}")  # writes wait in steps
        except sqlite3.DatabaseError as exc:
            self._close_quietly()
            raise ValueError(f"Argument 'path' is not a neuromanifold store ({self.path}): {_reason(exc)}.") \
                from None
        except ValueError:
            self._close_quietly()
            raise

    def _close_quietly(self) -> None:
        db = getattr(self, "_db", None)
        if db is not None:
            try:
                db.close()
            except sqlite3.Error:  # pragma: no cover
                pass

    # --- schema ----------------------------------------------------------------------------
    def _check_schema(self) -> None:
        """Read-only checks of an existing file: schema version, tables and columns."""
        version = self._db.execute("PRAGMA user_version").fetchone()[0]
        tables = {r[0] for r in self._db.execute("SELECT name FROM sqlite_master WHERE type='table'")}
        if version < 0:
            raise ValueError(f"Argument 'path' ({self.path}) has schema version {version}, which no neuromanifold "
                             "writes: the file is damaged or not a store.")
        if version > SCHEMA_VERSION:
            raise ValueError(
                f"Argument 'path' ({self.path}) is a store of schema version {version}, written by a newer "
                f"neuromanifold (this one reads up to {SCHEMA_VERSION}): upgrade neuromanifold to read it."
            )
        if version == 0:
            if tables:
                raise ValueError(f"Argument 'path' is an SQLite file of another program ({self.path}): it has "
                                 f"tables {', '.join(sorted(tables))} but no neuromanifold schema version.")
            if self.readonly:
                raise ValueError(f"Argument 'path' ({self.path}) is an empty file, not a store.")
            return  # a new file: _migrate creates the tables
        if version < SCHEMA_VERSION and self.readonly:
            raise ValueError(f"Argument 'path' ({self.path}) is a store of the older schema version {version}; "
                             "open it once with write access (`ResultStore(path)` in Python, or any `neuromanifold census run "
                             f"--store {self.path}`) to migrate it to version {SCHEMA_VERSION}.")
        missing = {"results", "meta"} - tables
        if missing:
            raise ValueError(f"Argument 'path' ({self.path}) is a damaged store: table(s) {', '.join(sorted(missing))} "
                             "missing.")
        have = {r[1] for r in self._db.execute("PRAGMA table_info(results)")}
        lost = [name for name in _NAMES if name not in have]
        if version == SCHEMA_VERSION and lost:
            raise ValueError(f"Argument 'path' ({self.path}) is a damaged store: column(s) {', '.join(lost)} of "
                             "table results missing.")

    def _migrate(self) -> None:
        version = self._db.execute("PRAGMA user_version").fetchone()[0]
        if version == 0:
            from .. import __version__

            with self._db:
                self._db.executescript(_schema_sql())
                self._db.execute(
                    "INSERT OR IGNORE INTO meta VALUES ('created_by', ?), ('created', ?)",
                    (__version__, _now()),
                )
                self._db.execute(f"PRAGMA user_version = {SCHEMA_VERSION}")
        # future: `if version == 1: ...alter...; version = 2` — migrations run in order here.

    @property
    def schema_version(self) -> int:
        return self._db.execute("PRAGMA user_version").fetchone()[0]

    def meta(self) -> dict[str, str]:
        """The ``meta`` table (``created_by``: tool version that created the file, ``created``)."""
        return dict(self._db.execute("SELECT name, value FROM meta"))

    # --- writing ---------------------------------------------------------------------------
    def put(self, row: dict) -> bool:
        """Insert one result and commit it; False (and nothing written) if (key, tool_version) is stored.

        ``row`` must have every column of :data:`COLUMNS` except ``created`` (filled in) and
        ``extras`` (optional, a dict).
        """
        if not isinstance(row, dict):
            raise TypeError(f"Argument 'row' must be a dict, not {type(row).__name__}.")
        values = dict(row)
        values.setdefault("created", _now())
        extras = values.get("extras", {})
        values["extras"] = extras if isinstance(extras, str) else json.dumps(extras, sort_keys=True, default=str)
        if isinstance(values.get("architecture"), dict):
            values["architecture"] = json.dumps(values["architecture"], sort_keys=True)
        missing = [name for name in _NAMES if name not in values]
        if missing:
            raise ValueError(f"Argument 'row' lacks the column(s) {', '.join(missing)}.")
        for name in BOOLEAN_COLUMNS:
            values[name] = int(bool(values[name]))
        for name in _NAMES:
            _check_sqlite_int(values[name], name)
        placeholders = ", ".join("?" for _ in _NAMES)
        cur = self._write(f"INSERT OR IGNORE INTO results ({', '.join(_NAMES)}) VALUES ({placeholders})",
                          tuple(values[name] for name in _NAMES))
        return cur.rowcount == 1

    def _write(self, sql: str, args: tuple):
        """Run one statement in its own committed transaction; SQLite failures (read-only file, a lock
        held past the 30 s timeout, a full disk) become one ValueError naming the store."""
        if self.readonly:
            raise ValueError(f"Argument 'path' ({self.path}) was opened read-only; writing needs readonly=False.")
        waited = 0.0
        while True:
            try:
                with self._db:
                    return self._db.execute(sql, args)
            except sqlite3.OperationalError as exc:
                # SQLite already waited LOCK_WAIT_STEP s; report once, then keep waiting up to LOCK_WAIT s in all
                if "locked" not in str(exc) or waited + LOCK_WAIT_STEP >= LOCK_WAIT:
                    raise ValueError(f"Cannot write to the store {self.path}: {_reason(exc)}.") from None
                if waited == 0.0:
                    print(f"neuromanifold: the store {self.path} is locked by another program; waiting up to "
                          f"{LOCK_WAIT:g} s", file=sys.stderr)
                waited += LOCK_WAIT_STEP
            except sqlite3.DatabaseError as exc:
                raise ValueError(f"Cannot write to the store {self.path}: {_reason(exc)}.") from None

    def add_extras(self, key: str, tool_version: str, extras: dict) -> bool:
        """Merge ``extras`` (analysis name → JSON-able dict) into a stored row and commit; False if the
        row is missing.  Used when a sweep asks for analyses that an earlier sweep did not run."""
        found = self._db.execute("SELECT extras FROM results WHERE key = ? AND tool_version = ?",
                                 (key, tool_version)).fetchone()
        if found is None:
            return False
        merged = {**json.loads(found[0]), **extras}
        self._write("UPDATE results SET extras = ? WHERE key = ? AND tool_version = ?",
                    (json.dumps(merged, sort_keys=True, default=str), key, tool_version))
        return True

    # --- reading ---------------------------------------------------------------------------
    def analyses(self, tool_version: str | None = None, succeeded: bool = False) -> dict[str, set[str]]:
        """key → names of the optional analyses stored in its ``extras`` (for ``tool_version``, default
        this version of neuromanifold); ``succeeded=True`` leaves out analyses stored as failed
        (an ``{"error": …}`` entry), which a re-run computes again."""
        if tool_version is None:
            from .. import __version__ as tool_version
        out = {}
        for k, e in self._db.execute("SELECT key, extras FROM results WHERE tool_version = ?", (tool_version,)):
            extras = json.loads(e)
            out[k] = {name for name, value in extras.items()
                      if not (succeeded and isinstance(value, dict) and "error" in value)}
        return out

    def has(self, key: str, tool_version: str | None = None) -> bool:
        """Whether ``key`` is stored for ``tool_version`` (default: this version of neuromanifold)."""
        return key in self.keys(tool_version)

    def keys(self, tool_version: str | None = None) -> set[str]:
        """The stored keys for ``tool_version`` (default: this version of neuromanifold)."""
        if tool_version is None:
            from .. import __version__ as tool_version
        return {r[0] for r in self._db.execute("SELECT key FROM results WHERE tool_version = ?", (tool_version,))}

    def rows(self, tool_version: str | None = None, **equal) -> list[dict]:
        """Stored rows as dicts (booleans as bool, ``extras`` decoded), ordered by id.

        ``tool_version=None`` means every version; keyword filters test equality of a column, e.g.
        ``rows(kind="monomial", depth=2)``.
        """
        where, args = [], []
        if tool_version is not None:
            where.append("tool_version = ?")
            args.append(tool_version)
        for name, value in sorted(equal.items()):
            if name not in _NAMES:
                raise ValueError(f"Argument {name!r} is not a column of the store; columns: {', '.join(_NAMES)}.")
            _check_sqlite_int(value, name)
            where.append(f"{name} = ?")
            args.append(int(value) if isinstance(value, bool) else value)
        sql = f"SELECT id, {', '.join(_NAMES)} FROM results"
        if where:
            sql += " WHERE " + " AND ".join(where)
        out = []
        for rec in self._db.execute(sql + " ORDER BY id", args):
            row = dict(zip(("id",) + _NAMES, rec))
            for name in BOOLEAN_COLUMNS:
                row[name] = bool(row[name])
            row["extras"] = json.loads(row["extras"])
            out.append(row)
        return out

    def __len__(self) -> int:
        return self._db.execute("SELECT COUNT(*) FROM results").fetchone()[0]

    # --- export (the tidy table of experiments.export) -------------------------------------
    def export_csv(self, path, tool_version: str | None = None) -> int:
        """Write the tidy table (:mod:`neuromanifold.experiments.export`) of every row (or those of
        ``tool_version``) to a CSV file; returns the number of rows."""
        from .export import write_csv

        return write_csv(self, path, tool_version)

    def export_parquet(self, path, tool_version: str | None = None) -> int:
        """The tidy table as a typed Parquet file (needs pyarrow); returns the number of rows."""
        from .export import write_parquet

        return write_parquet(self, path, tool_version)

    def to_dataframe(self, tool_version: str | None = None):
        """The tidy table as a pandas DataFrame (needs pandas: ``pip install "neuromanifold[dataframe]"``): the
        widths also as integer columns ``d_0 … d_Lmax`` (``<NA>`` beyond a row's depth), ``activation`` as text,
        ``extras`` decoded; the JSON ``architecture`` column is left out."""
        from .export import to_dataframe

        return to_dataframe(self, tool_version)

    # --- lifetime --------------------------------------------------------------------------
    def close(self) -> None:
        self._db.close()

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()

    def __repr__(self):
        return f"ResultStore({self.path!r})"


def _check_sqlite_int(value, name: str) -> None:
    if isinstance(value, int) and not -(2**63) <= value < 2**63:
        raise ValueError(f"Argument '{name}' is {value}, beyond the signed 64-bit integers a store holds.")


def _reason(exc: Exception) -> str:
    text = str(exc)
    if "readonly" in text or "read-only" in text:
        return "it is read-only (open it with readonly=True to analyse it)"
    if "locked" in text:
        return f"it is locked by another program (waited {LOCK_WAIT:g} s)"
    return text


def _now() -> str:
    return datetime.now(timezone.utc).isoformat(timespec="seconds")
