"""Every command's --json output against the rules of docs/json.md (one architecture object, dimension an int,
certified with error_bound, widths a list of ints)."""

import json

import numpy as np
import pytest
from cli_helpers import run_cli

from neuromanifold import MLP, Parameters
from neuromanifold.architectures import architecture_from_json
from neuromanifold.results import KNOWN_KINDS


def _check_architecture(rec, where):
    assert isinstance(rec, dict), f"{where}: architecture must be an object, not {rec!r}"
    assert rec["kind"] in ("mlp", "cnn") and isinstance(rec["bias"], bool), where
    act = rec["activation"]
    assert isinstance(act, str) or (isinstance(act, list) and all(isinstance(a, str) for a in act)), where
    if rec["kind"] == "mlp":
        assert all(isinstance(w, int) for w in rec["widths"]), where
    else:
        assert isinstance(rec["input_length"], int) and all(isinstance(k, int) for k in rec["filters"] + rec["strides"])
    architecture_from_json(rec)  # round trip


def _check_known(known, record, where):
    """The one shape of how an answer is known (docs/json.md rule 5), consistent with the record's own fields."""
    assert known["kind"] in KNOWN_KINDS, f"{where}: kind {known['kind']!r}"
    if "certified" in record:
        assert (known["kind"] == "certified") == record["certified"], f"{where} disagrees with certified"
    if known["kind"] == "probabilistic":
        assert isinstance(known["error_bound"], float) and 0 < known["error_bound"] <= 1, where
        assert known["error_bound"] == record.get("error_bound", known["error_bound"]), where
    if known["kind"] == "numerical":
        assert isinstance(known["tolerance"], float) and known["tolerance"] >= 0, where


def _check(value, where="$"):
    if isinstance(value, dict):
        for key, v in value.items():
            here = f"{where}.{key}"
            if key == "architecture":
                _check_architecture(v, here)
            elif key == "dimension" and v is not None:
                assert isinstance(v, int) and not isinstance(v, bool), f"{here} must be an int, not {v!r}"
            elif key == "widths":
                assert isinstance(v, list) and all(isinstance(w, int) for w in v), f"{here}: {v!r}"
            if key == "certified":
                assert isinstance(v, bool) and "error_bound" in value, f"{where}: certified without error_bound"
            if key == "known":
                _check_known(v, value, here)
            if key != "architecture":
                _check(v, here)
    elif isinstance(value, list):
        for i, v in enumerate(value):
            _check(v, f"{where}[{i}]")


@pytest.fixture(scope="module")
def weights(tmp_path_factory):
    path = tmp_path_factory.mktemp("w") / "w.json"
    Parameters(MLP((2, 3, 1), 2), [np.array([[1.0, 2.0], [2.0, 4.0], [0.0, 1.0]]), np.array([[1.0, 1.0, 0.0]])]).save(path)
    return str(path)


COMMANDS = [
    (["dim", "3,4,1", "--degree", "2"], "architecture"),
    (["dim", "--cnn", "--input-length", "5", "--filters", "3,2", "--strides", "2,1", "--degree", "2"], "architecture"),
    (["cnn", "--input-length", "5", "--filters", "3,2", "--strides", "2,1", "--degree", "2"], "architecture"),
    (["critical", "2,2,1", "--degree", "2", "--starts", "1", "--steps", "3"], "architecture"),
    (["critical", "--weights", "{w}"], "architecture"),
    (["singular", "--weights", "{w}"], "architecture"),
    (["strata", "2,3,1", "--degree", "2"], "architecture"),
    (["equations", "2,2,1", "--degree", "2", "-k", "2"], "architecture"),
    (["exposure", "2,3,1", "--trials", "2"], "architecture"),
    (["exposure", "--cnn", "--input-length", "5", "--filters", "3,2", "--strides", "2,1", "--trials", "0"], "architecture"),
    (["demo"], None),
    (["reproduce", "--list"], None),
    (["census", "run", "--depth", "2", "--width", "1..2", "--degrees", "2", "--dry-run", "--store", "{tmp}/c.sqlite"],
     None),
]


@pytest.mark.parametrize("argv, top", COMMANDS, ids=[" ".join(a[:2]) for a, _ in COMMANDS])
def test_json_follows_the_schema(argv, top, weights, tmp_path):
    argv = [a.replace("{w}", weights).replace("{tmp}", str(tmp_path)) for a in argv]
    proc = run_cli(*argv, "--json")
    assert proc.returncode == 0, proc.stderr
    data = json.loads(proc.stdout)
    _check(data)
    if top:
        assert top in data
    if argv[0] == "dim":
        assert data["upper_bound_source"] and isinstance(data["dimension"], int)
        assert data["known"]["kind"] == "certified"  # (3, 4, 1) and the CNN meet a proven upper bound
    if argv[:2] == ["census", "run"]:
        assert not (tmp_path / "c.sqlite").exists()  # --dry-run writes nothing


def test_census_json_follows_the_schema(tmp_path):
    store = str(tmp_path / "c.sqlite")
    assert run_cli("census", "run", "--depth", "2", "--width", "1..3", "--input", "2", "--output", "1", "--degrees", "2",
                   "--store", store).returncode == 0
    for argv in (["census", "list"], ["census", "filling", "--depth", "2", "--input", "2", "--output", "1", "--degree", "2"],
                 ["census", "defective"], ["census", "thresholds"]):
        proc = run_cli(*argv, "--store", store, "--json")
        assert proc.returncode == 0, (argv, proc.stderr)
        data = json.loads(proc.stdout)
        _check(data)
        if argv[1] == "list":
            assert data and all(isinstance(r["architecture"], dict) and r["widths"][0] == 2 for r in data)


def test_train_json_follows_the_schema(tmp_path):
    proc = run_cli("train", "--seeds", "1", "--steps", "5", "--task", "subnetwork", "--workers", "1", "--no-figures",
                   "--out", str(tmp_path / "t"), "--json")
    assert proc.returncode == 0, proc.stderr
    data = json.loads(proc.stdout)
    _check(data)
    assert all(isinstance(a["label"], str) for a in data["arms"])


def test_the_checker_itself_rejects_the_old_shapes():
    # the shapes docs/json.md retired: a repr string as architecture, a dimension object, certified alone
    with pytest.raises(AssertionError):
        _check({"architecture": "MLP((2, 3, 1), σ=z^2)"})
    with pytest.raises(AssertionError):
        _check({"dimension": {"dimension": 3}})
    with pytest.raises(AssertionError):
        _check({"x": [{"certified": True}]})
    with pytest.raises(AssertionError):
        _check({"widths": "2,3,1"})
    with pytest.raises(AssertionError):  # "known" contradicting "certified"
        _check({"certified": False, "error_bound": 1e-9, "known": {"kind": "certified", "error_bound": 0.0}})
    with pytest.raises(AssertionError):  # a probabilistic answer without its bound
        _check({"known": {"kind": "probabilistic", "error_bound": None}})
