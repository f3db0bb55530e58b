"""Censuses from a user's table (census run --architectures, census compare) against a published census.

Oracle: 150 rows of the census of Dao and Rodriguez (Minimal Filling Architectures of Polynomial Neural
Networks), copied with provenance into tests/data/ (see tests/data/README.md).
"""

import json
import subprocess
import sys
from pathlib import Path

import pytest

from neuromanifold.experiments.census import run_census
from neuromanifold.experiments.store import ResultStore
from neuromanifold.experiments.tables import compare, read_architectures

PUBLISHED = Path(__file__).parent / "data" / "mfa_r2_dimensions_150.csv"


def cli(*args):
    return subprocess.run([sys.executable, "-m", "neuromanifold", *args], capture_output=True, text=True, timeout=600)


def test_published_dimensions_are_reproduced_through_the_cli(tmp_path):
    store = str(tmp_path / "s.sqlite")
    run = cli("census", "run", "--architectures", str(PUBLISHED), "--store", store, "--no-progress", "--json")
    assert run.returncode == 0, run.stderr
    assert json.loads(run.stdout)["computed"] == 150
    out = cli("census", "compare", str(PUBLISHED), "--store", store, "--json")
    assert out.returncode == 0, out.stderr
    res = json.loads(out.stdout)
    assert res["compared"] == 150 and res["agree"] == 150 and res["disagree"] == 0
    for column in ("ambient_dimension", "parameters", "expected_dimension"):
        assert json.loads(cli("census", "compare", str(PUBLISHED), "--store", store, "--json", "--column",
                              column).stdout)["disagree"] == 0


def test_a_disagreement_is_listed_and_exits_1(tmp_path):
    table = tmp_path / "t.csv"
    table.write_text('widths,degree,dimension\n"2,2,1",2,3\n"3,2,1",2,99\n"4,1,1",3,4\n')  # (4,1,1): cubes a(w·x)^3, dim 4
    with ResultStore(tmp_path / "s.sqlite") as store:
        run_census(read_architectures(table), store)
        res = compare(table, store)
    assert res.compared == 3 and res.agree == 2  # (3,2,1) at r = 2: dim 5 (hand: rank-2 ternary quadrics)
    (bad,) = res.disagreements
    assert bad["key"] == "mlp:3,2,1:monomial:2" and bad["table"] == 99 and bad["stored"] == 5
    out = cli("census", "compare", str(table), "--store", str(tmp_path / "s.sqlite"))
    assert out.returncode == 1 and "99 vs stored 5" in out.stdout


def test_json_tables_and_optional_columns(tmp_path):
    table = tmp_path / "t.json"
    table.write_text(json.dumps([{"widths": [2, 2, 1], "degree": 2, "bias": "yes"},
                                 {"widths": "2,2,1", "degree": 3, "kind": "generic"}]))
    keys = [t.key for t in read_architectures(table)]
    assert keys == ["mlp:2,2,1:monomial:2:bias", "mlp:2,2,1:generic:3"]


@pytest.mark.parametrize("text, fragment", [
    ('widths,degree\n"2,x,1",2\n', "'widths'"),
    ('widths,degree\n"2,2,1",0\n', "'degree'"),
    ('widths\n"2,2,1"\n', "'degree' is required"),
    ('widths,degree,kind\n"2,2,1",2,weird\n', "'kind'"),
    ('widths,degree,bias\n"2,2,1",2,maybe\n', "'bias'"),
    ('widths,degree\n"2,2,1",2,7\n', "more fields"),
    ("[1, 2]", "JSON list of objects"),
    ("", "no CSV header"),
])
def test_bad_tables_name_the_row_and_column(tmp_path, text, fragment):
    table = tmp_path / "t.csv"
    table.write_text(text)
    with pytest.raises(ValueError, match=fragment.replace("(", r"\(")):
        read_architectures(table)
    out = cli("census", "run", "--architectures", str(table), "--store", str(tmp_path / "s.sqlite"))
    assert out.returncode == 2 and len(out.stderr.strip().splitlines()) == 1 and "Traceback" not in out.stderr


def test_architectures_and_ranges_exclude_each_other(tmp_path):
    out = cli("census", "run", "--architectures", str(PUBLISHED), "--width", "1..2",
              "--store", str(tmp_path / "s.sqlite"))
    assert out.returncode == 2 and "drop --width" in out.stderr
