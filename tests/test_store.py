"""The census results store: round trip, durability settings, schema versioning, exports.

Rows here are written by hand (not produced by the census), so what comes back is compared with
values we chose.
"""

import csv
import json
import sqlite3

import pytest

from neuromanifold import __version__
from neuromanifold.experiments.store import COLUMNS, SCHEMA_VERSION, ResultStore


def hand_row(widths="3,5,1", degree=4, dim=14, **over):
    """The row of the Alexander–Hirschowitz exception (3, 4, 5), written out by hand."""
    row = {
        "key": f"mlp:{widths}:monomial:{degree}",
        "tool_version": __version__,
        "kind": "monomial",
        "widths": widths,
        "depth": 2,
        "input_dim": 3,
        "output_dim": 1,
        "degree": degree,
        "activation": f"z^{degree}",
        "bias": False,
        "dimension": dim,
        "expected_dimension": 15,
        "ambient_dimension": 15,
        "parameters": 20,
        "symmetry_dimension": 5,
        "upper_bound": 14,
        "upper_bound_source": "Alexander–Hirschowitz theorem",
        "certified": True,
        "error_bound": 0.0,
        "defective": True,
        "filling": False,
        "identifiable": False,
        "seed": 7,
        "trials": 2,
        "prime": 2147483647,
        "seconds": 0.25,
        "extras": {"strata": {"items": [{"codimension": 2}]}},
        "architecture": {"kind": "mlp", "widths": [3, 5, 1], "activations": [["0", "0", "0", "0", "1"]], "bias": False},
    }
    row.update(over)
    return row


def test_round_trip_and_reopen(tmp_path):
    path = tmp_path / "s.sqlite"
    with ResultStore(path) as store:
        assert store.put(hand_row())
        assert store.put(hand_row(widths="3,4,1", dim=12, defective=False, error_bound=1e-6, certified=False))
    with ResultStore(path) as store:  # survives closing
        rows = store.rows()
        assert len(store) == 2 and [r["widths"] for r in rows] == ["3,5,1", "3,4,1"]
        first = rows[0]
        for name, value in hand_row().items():
            if name == "architecture":
                assert json.loads(first[name]) == value
            else:
                assert first[name] == value, name
        assert rows[1]["certified"] is False and rows[1]["error_bound"] == 1e-6
        assert store.keys() == {"mlp:3,5,1:monomial:4", "mlp:3,4,1:monomial:4"}
        assert store.has("mlp:3,5,1:monomial:4") and not store.has("mlp:3,5,1:monomial:4", "0.0.0")
        assert [r["widths"] for r in store.rows(defective=True)] == ["3,5,1"]
        assert store.meta()["created_by"] == __version__


def test_one_row_per_key_and_tool_version(tmp_path):
    with ResultStore(tmp_path / "s.sqlite") as store:
        assert store.put(hand_row())
        assert not store.put(hand_row(dim=13))  # same key and version: ignored, first value kept
        assert store.put(hand_row(tool_version="0.0.1"))  # another tool version is another row
        assert len(store) == 2
        assert store.rows(tool_version=__version__)[0]["dimension"] == 14


def test_durability_settings_and_schema_version(tmp_path):
    path = tmp_path / "s.sqlite"
    ResultStore(path).close()
    db = sqlite3.connect(path)
    assert db.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    assert db.execute("PRAGMA user_version").fetchone()[0] == SCHEMA_VERSION == 1
    cols = [r[1] for r in db.execute("PRAGMA table_info(results)")]
    assert cols == ["id"] + [name for name, _ in COLUMNS]
    db.execute("PRAGMA user_version = 99")
    db.commit()
    db.close()
    with pytest.raises(ValueError, match="Argument 'path'.*newer"):
        ResultStore(path)


def test_rejects_foreign_files_and_bad_rows(tmp_path):
    other = tmp_path / "other.sqlite"
    db = sqlite3.connect(other)
    db.execute("CREATE TABLE accounts (x)")
    db.commit()
    db.close()
    with pytest.raises(ValueError, match="Argument 'path'"):
        ResultStore(other)
    text = tmp_path / "notes.txt"
    text.write_text("not a database, just some text that is long enough " * 20)
    with pytest.raises(ValueError, match="Argument 'path'"):
        ResultStore(text)
    with pytest.raises(ValueError, match="Argument 'path'"):
        ResultStore(tmp_path / "missing-folder" / "s.sqlite")
    with ResultStore(":memory:") as store:
        bad = hand_row()
        del bad["prime"]
        with pytest.raises(ValueError, match="Argument 'row' lacks the column.*prime"):
            store.put(bad)
        with pytest.raises(ValueError, match="Argument 'colour'"):
            store.rows(colour="red")


def test_export_csv_and_parquet(tmp_path):
    with ResultStore(tmp_path / "s.sqlite") as store:
        store.put(hand_row())
        store.put(hand_row(widths="2,2,1", degree=2, dim=3, defective=False, filling=True, extras={}))
        assert store.export_csv(tmp_path / "out.csv") == 2
        assert store.export_parquet(tmp_path / "out.parquet") == 2
    with open(tmp_path / "out.csv", newline="") as fh:
        rows = list(csv.DictReader(fh))
    assert [r["widths"] for r in rows] == ["3,5,1", "2,2,1"]
    assert rows[0]["dimension"] == "14" and rows[0]["upper_bound_source"] == "Alexander–Hirschowitz theorem"
    assert json.loads(rows[0]["extras"]) == {"strata": {"items": [{"codimension": 2}]}}
    # tidy: the widths as integer columns, no nested architecture JSON, booleans as booleans
    assert [(r["d_0"], r["d_1"], r["d_2"]) for r in rows] == [("3", "5", "1"), ("2", "2", "1")]
    assert "architecture" not in rows[0] and rows[0]["certified"] == "True" and rows[0]["activation"] == "z^4"

    pq = pytest.importorskip("pyarrow.parquet")
    table = pq.read_table(tmp_path / "out.parquet")
    assert table.num_rows == 2
    data = table.to_pydict()
    assert data["dimension"] == [14, 3] and data["certified"] == [True, True] and data["filling"] == [False, True]
    assert data["error_bound"] == [0.0, 0.0] and data["prime"] == [2147483647] * 2
    assert data["d_1"] == [5, 2] and str(table.schema.field("d_1").type) == "int64" and "architecture" not in data
    assert table.schema.metadata[b"neuromanifold_schema_version"] == b"1"


def test_to_dataframe_is_tidy(tmp_path):
    pd = pytest.importorskip("pandas")
    with ResultStore(tmp_path / "s.sqlite") as store:
        store.put(hand_row())
        store.put(hand_row(widths="2,2,2,1", depth=3, input_dim=2, degree=2, dim=5, extras={}))
        frame = store.to_dataframe()
    assert list(frame["d_0"]) == [3, 2] and list(frame["d_1"]) == [5, 2] and list(frame["d_2"]) == [1, 2]
    assert frame["d_3"].isna().tolist() == [True, False] and int(frame["d_3"][1]) == 1
    assert all(str(frame[f"d_{i}"].dtype) == "Int64" for i in range(4))
    assert frame["activation"].tolist() == ["z^4", "z^2"] and "architecture" not in frame.columns
    assert frame["certified"].dtype == bool and frame["dimension"].tolist() == [14, 5]
    assert isinstance(frame, pd.DataFrame)


def test_an_exported_csv_is_an_architecture_file(tmp_path):
    """The exported table (widths, degree, activation, bias columns) reads back as ``census run --architectures``."""
    from neuromanifold.experiments.tables import read_architectures

    with ResultStore(tmp_path / "s.sqlite") as store:
        store.put(hand_row())
        store.put(hand_row(widths="2,2,2,1", depth=3, input_dim=2, degree=2, dim=5, extras={}))
        store.export_csv(tmp_path / "out.csv")
    tasks = read_architectures(tmp_path / "out.csv")
    assert [(t.widths, t.degree) for t in tasks] == [((3, 5, 1), 4), ((2, 2, 2, 1), 2)]
