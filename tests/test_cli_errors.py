"""Bad input on every command: one line on stderr naming the offending argument, exit code 2, no traceback.

Runs ``neuromanifold.cli.main`` in-process (argparse errors raise SystemExit(2), API errors return 2);
one subprocess case checks the real entry point.
"""

import json
import subprocess
import sys

import pytest

from neuromanifold import MLP, Parameters
from neuromanifold.cli import main

CASES = [
    # dim (MLP)
    (["dim", "3,2,1", "--degree", "1001"], "--degree must be <= 1000"),
    (["dim", "3,2,1", "-a", "z^1000000000"], "Argument 'activation' has degree 1000000000"),
    (["dim", "3,2,1", "-a", "(z+1)^600*(z+2)^600"], "has degree 1200"),
    (["dim", "3,3,2,1", "--degree", "1000", "--generic"], "Argument 'activation': the output degree"),
    (["dim", "1000,1000,1000,1"], "Argument 'architecture'"),
    (["dim", "100000,100000,1"], "Argument 'widths'"),
    (["dim", "3,2,1", "--trials", "0"], "Argument 'trials'"),
    (["dim", "3,2,1", "--trials", "x"], "--trials"),
    (["dim", "3,2,1", "--filters", "3,2"], "--filters describe a CNN"),
    (["dim", "3,2,1", "--strides", "2"], "--strides describe a CNN"),
    # dim --cnn and cnn
    (["dim", "--cnn", "--input-length", "5", "--filters", "3,2", "3,2,1"], "cannot be combined with --cnn"),
    (["dim", "--cnn", "--input-length", "5", "--filters", "7"], "Argument 'filters'"),
    (["dim", "--cnn", "--input-length", "100000", "--filters", "3,2"], "Argument 'input_length'"),
    (["dim", "--cnn", "--input-length", "5", "--filters", "3,2", "--strides", "0,1"], "Argument 'strides'"),
    (["cnn", "--input-length", "5", "--filters", "3,2", "--identify", "--starts", "0"], "Argument 'starts'"),
    (["cnn", "--input-length", "5"], "--filters is required"),
    # demo
    (["demo", "extra"], "unrecognized arguments"),
    # critical
    (["critical", "3,2,1", "--weights", "{tmp}/missing.json"], "Argument 'path': no such file"),
    (["critical", "3,2,1", "--weights", "{tmp}"], "Argument 'path': cannot read"),
    (["critical", "3,2,1", "--weights", "{tmp}/bad.json"], "is not valid JSON"),
    (["critical", "3,2,1", "--weights", "{tmp}/shape.json"], "Argument 'weights' must have shape (2, 3)"),
    (["critical", "3,2,1", "--weights", "{tmp}/nan.json"], "holds NaN, which is not a number"),
    (["critical", "3,2,1", "--weights", "{tmp}/layers.json"], "one array per layer"),
    (["critical", "3,2,1", "--weights", "{tmp}/zerodiv.json"], "'1/0', which has a zero denominator. (at layer 1)"),
    (["critical", "3,2,1", "--seed", "-1"], "--seed"),
    (["critical", "3,2,1", "--degrees", "5..2"], "--degrees"),
    (["critical", "3,2,1", "--degrees", "x..3"], "--degrees"),
    (["critical", "3,2,1", "--degrees", "2..3000"], "--degrees must be at most"),
    (["critical", "3,2,1", "--degrees", "2..3", "--weights", "{tmp}/good.json"], "cannot be combined"),
    # strata
    (["strata", "40,40,40,40,1"], "subnetwork strata; enumerating more than"),
    (["strata", "3,1"], "WIDTHS needs at least one hidden layer"),
    # singular
    (["singular", "3,2,1", "--weights", "{tmp}"], "Argument 'path': cannot read"),
    (["singular", "3,2,1", "--weights", "{tmp}/good.json", "--curves", "0"], "Argument 'curves'"),
    (["singular", "3,2,1"], "--weights"),
    # equations
    (["equations", "30,30,30,1", "--max-degree", "2"], "too large for interpolation"),
    (["equations", "3,2,1", "--max-degree", "0"], "--max-degree"),
    # exposure
    (["exposure", "--mlp", "3,3,1", "--seed", "-1"], "--seed"),
    (["exposure", "--cnn", "x:3,2"], "--cnn input length"),
    (["exposure", "--mlp", "3,3,1", "--merged", "1:0,0"], "Argument 'pair'"),
    # train
    (["train", "--seeds", "1", "--steps", "5", "--out", "{tmp}/good.json"], "Argument 'path': cannot create"),
    (["train", "--seeds", "1", "--lr", "nan", "--out", "{tmp}/t"], "Argument 'lr'"),
    # llc
    (["llc", "--gamma", "nan"], "--gamma must be >= 0"),
    (["llc", "--seed", "-1"], "--seed"),
    (["llc", "--rrr", "2,3,2,x"], "--rrr"),
    # census
    (["census", "run", "--width", "5..2", "--store", "{tmp}/s.sqlite"], "--width"),
    (["census", "run", "--width", "x..3", "--store", "{tmp}/s.sqlite"], "--width"),
    (["census", "run", "--degrees", "2..3000", "--store", "{tmp}/s.sqlite", "--dry-run"], "Argument 'degrees'"),
    (["census", "run", "--width", "1..100", "--depth", "2..10", "--dry-run", "--store", "{tmp}/s.sqlite"],
     "a census of more than"),
    (["census", "run", "--trials", "0", "--dry-run", "--store", "{tmp}/s.sqlite"], "Argument 'trials'"),
    (["census", "run", "--seed", "-1", "--dry-run", "--store", "{tmp}/s.sqlite"], "--seed"),
    (["census", "run", "--dask", "notanaddress", "--store", "{tmp}/s.sqlite"], "Argument 'dask'"),
    (["census", "run", "--store", "{tmp}/no/dir/s.sqlite", "--dry-run"], "--store"),
    (["census", "list", "--store", "{tmp}/missing.sqlite"], "--store"),
    (["census", "list", "--store", "{tmp}/good.json"], "not a neuromanifold store"),
    (["census", "export", "--store", "{tmp}/good.json"], "--out"),
    (["census", "export", "--format", "xlsx", "--out", "{tmp}/x", "--store", "{tmp}/s.sqlite"], "--format"),
    (["census", "thresholds", "--store", "{tmp}/good.json"], "not a neuromanifold store"),
    (["census", "defective", "--store", "{tmp}/missing.sqlite"], "--store"),
    (["census", "filling", "--depth", "2", "--input", "2", "--output", "1", "--degree", "2", "--store",
      "{tmp}/missing.sqlite"], "--store"),
    (["census", "heatmap", "--store", "{tmp}/good.json"], "not a neuromanifold store"),
    # reproduce
    (["reproduce", "--only", "nosuchtopic"], "--only holds unknown topic"),
    (["reproduce", "--only", ""], "--only needs a topic"),
    (["reproduce", "--seed", "-1"], "--seed"),
    (["reproduce", "--quick", "--only", "cnn", "--output", "{tmp}/good.json"], "Argument 'output'"),
]


@pytest.fixture(scope="module")
def files(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("bad-input")
    good = Parameters.random(MLP((3, 2, 1), 2), seed=0)
    good.save(tmp / "good.json")
    data = good.to_json()
    (tmp / "bad.json").write_text("{bad json")
    for name, weights in [("shape", [[[1, 2], [3, 4]], [[1, 2]]]), ("nan", [[[1, 2, float("nan")], [3, 4, 5]], [[1, 2]]]),
                          ("layers", [[[1, 2, 3], [3, 4, 5]]]), ("zerodiv", [[["1/0", 2, 3], [3, 4, 5]], [[1, 2]]])]:
        (tmp / f"{name}.json").write_text(json.dumps({**data, "weights": weights}))
    return tmp


@pytest.mark.parametrize("argv, fragment", CASES, ids=[" ".join(a)[:60] for a, _ in CASES])
def test_bad_input_one_line_exit_2(argv, fragment, files, capsys, monkeypatch):
    monkeypatch.chdir(files)
    argv = [a.replace("{tmp}", str(files)) for a in argv]
    try:
        code = main(argv)
    except SystemExit as exc:  # argparse errors
        code = exc.code
    out, err = capsys.readouterr()
    lines = [line for line in err.splitlines() if line.strip()]
    assert code == 2, (code, err)
    assert len(lines) == 1, err
    assert "Traceback" not in err and fragment in lines[0], lines


def test_entry_point_reports_one_line(tmp_path):
    proc = subprocess.run([sys.executable, "-m", "neuromanifold", "critical", "3,2,1", "--weights", str(tmp_path)],
                          capture_output=True, text=True, timeout=60)
    assert proc.returncode == 2
    assert proc.stderr.count("\n") == 1 and "Argument 'path': cannot read" in proc.stderr
    assert "Traceback" not in proc.stderr
