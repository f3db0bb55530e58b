"""``neuromanifold reproduce``: the runner's contract (JSON keys, exit codes, failures, Ctrl-C, report)
and the dimension-theorem claims themselves (their expected values are written by hand in
experiments/claims/dimension.py)."""

import json

import pytest

from neuromanifold.cli import main
from neuromanifold.experiments import reproduce
from neuromanifold.experiments.registry import Claim, Verdict, all_claims
from neuromanifold.experiments.reproduce import run_claims, select_claims, write_report

KEYS = ["claim", "topic", "verdict", "evidence", "seconds"]


def test_reproduce_quick_dimension_claims_pass(tmp_path, capsys):
    out = tmp_path / "report"
    code = main(["reproduce", "--quick", "--only", "dimension", "--json", "--output", str(out)])
    rows = json.loads(capsys.readouterr().out)
    assert code == 0, [r for r in rows if r["verdict"] != "pass"]
    assert len(rows) >= 7 and all(list(r) == KEYS for r in rows)
    assert {r["topic"] for r in rows} == {"dimension"} and {r["verdict"] for r in rows} == {"pass"}
    names = " ".join(r["claim"] for r in rows)
    for phrase in ("Alexander–Hirschowitz", "Quadratic", "Equi-width", "Linear", "width-one bottleneck",
                   "Activation thresholds"):
        assert phrase in names
    assert not (out / "report.md").exists()  # a selection is partial: it never writes (over) the full report
    report = (out / "report-partial.md").read_text()
    assert "partial (quick) run" in report
    assert report.count("| dimension | pass |") == len(rows)
    assert (out / "figures" / "dimension-tiny-census.png").is_file()
    assert "figures/dimension-tiny-census.png" in report
    assert json.loads((out / "results-partial.json").read_text()) == rows


def _claims():
    def ok(ctx):
        return Verdict(True, "1 + 1 = 2")

    def wrong(ctx):
        return Verdict(False, "dim 5, expected 6")

    def broken(ctx):
        raise ZeroDivisionError("division by zero in the check")

    def not_a_verdict(ctx):
        return True

    return [Claim("ok claim", "alpha", "", ok, True), Claim("wrong claim", "alpha", "", wrong, True),
            Claim("broken claim", "beta", "", broken, False), Claim("sloppy claim", "beta", "", not_a_verdict, True)]


def test_runner_turns_exceptions_into_failures(tmp_path):
    run = run_claims(_claims(), output=tmp_path)
    got = {r.claim: (r.verdict, r.evidence) for r in run.results}
    assert got["ok claim"] == ("pass", "1 + 1 = 2")
    assert got["wrong claim"] == ("fail", "dim 5, expected 6")
    assert got["broken claim"] == ("fail", "raised ZeroDivisionError: division by zero in the check")
    assert got["sloppy claim"][0] == "fail" and "not Verdict" in got["sloppy claim"][1]
    assert not run.passed and not run.interrupted


def test_selection_by_quick_and_topic():
    claims = _claims()
    assert [c.name for c in select_claims(quick=True, claims=claims)] == ["ok claim", "wrong claim", "sloppy claim"]
    assert [c.name for c in select_claims(topics="beta", claims=claims)] == ["broken claim", "sloppy claim"]
    with pytest.raises(ValueError, match="Argument 'topics'.*gamma"):
        select_claims(topics=["gamma"], claims=claims)


def test_exit_code_one_when_a_claim_fails(tmp_path, capsys, monkeypatch):
    monkeypatch.setattr(reproduce, "all_claims", lambda on_error=None: _claims())
    assert main(["reproduce", "--json", "--output", str(tmp_path)]) == 1
    rows = json.loads(capsys.readouterr().out)
    assert [r["verdict"] for r in rows] == ["pass", "fail", "fail", "fail"]
    assert main(["reproduce", "--only", "alpha", "--quick", "--output", str(tmp_path)]) == 1
    table = capsys.readouterr().out
    assert "FAIL" in table and "1/2 claims pass" in table
    assert main(["reproduce", "--only", "gamma"]) == 2


def test_broken_claims_module_is_a_failed_row(tmp_path, capsys, monkeypatch):
    def discover(on_error=None):
        on_error("landscape", ImportError("No module named 'torch'"))
        return _claims()[:1]

    monkeypatch.setattr(reproduce, "all_claims", discover)
    assert main(["reproduce", "--json", "--output", str(tmp_path)]) == 1
    rows = json.loads(capsys.readouterr().out)
    assert rows[1]["topic"] == "landscape" and rows[1]["verdict"] == "fail"
    assert "ImportError: No module named 'torch'" in rows[1]["evidence"]


def test_ctrl_c_keeps_finished_claims_and_writes_the_report(tmp_path, capsys, monkeypatch):
    def interrupt(ctx):
        raise KeyboardInterrupt

    claims = _claims()[:1] + [Claim("long claim", "alpha", "", interrupt, True)] + _claims()[1:2]
    monkeypatch.setattr(reproduce, "all_claims", lambda on_error=None: claims)
    assert main(["reproduce", "--output", str(tmp_path)]) == 130
    report = (tmp_path / "report-partial.md").read_text()  # interrupted: partial, a full report.md stays as it was
    assert "| ok claim | alpha | pass |" in report
    assert "Interrupted" in report and "long claim, wrong claim" in report
    assert json.loads((tmp_path / "results-partial.json").read_text())[0]["claim"] == "ok claim"
    capsys.readouterr()


def test_dimension_claims_are_registered_and_quick():
    mine = [c for c in all_claims() if c.check.__module__ == "neuromanifold.experiments.claims.dimension"]
    assert len(mine) == 7 and all(c.topic == "dimension" and c.quick and c.source for c in mine)


def test_report_embeds_png_and_links_svg(tmp_path):
    (tmp_path / "figures").mkdir()
    png, svg = tmp_path / "figures" / "f.png", tmp_path / "figures" / "f.svg"
    run = reproduce.ReproduceRun((reproduce.ClaimResult("c", "t", "pass", "e", 0.1, "", (str(svg), str(png))),))
    text = write_report(run, tmp_path).read_text()
    assert "![c](figures/f.png)" in text and "[figures/f.svg](figures/f.svg)" in text


def test_claim_ids_select_single_claims(capsys):
    # every registered claim has a unique id topic.name; --only takes an id as well as a topic
    claims = reproduce.select_claims()
    ids = [c.id for c in claims]
    assert len(set(ids)) == len(ids) and all(i.split(".")[0] == c.topic for i, c in zip(ids, claims))
    assert main(["reproduce", "--list", "--json", "--only", "landscape.mlp_lift,dimension"]) == 0
    rows = json.loads(capsys.readouterr().out)
    assert rows[0]["id"] == "dimension." + rows[0]["id"].split(".", 1)[1]
    assert "landscape.mlp_lift" in [r["id"] for r in rows] and {r["topic"] for r in rows} == {"dimension", "landscape"}


def _run_on_a_terminal(argv, cwd):
    """Run the CLI with stdout and stderr on a pseudo-terminal; returns everything it wrote."""
    import os
    import pty
    import subprocess
    import sys

    leader, follower = pty.openpty()
    proc = subprocess.Popen([sys.executable, "-m", "neuromanifold", *argv], stdout=follower, stderr=follower,
                            stdin=subprocess.DEVNULL, cwd=cwd)
    os.close(follower)
    chunks = []
    while True:
        try:
            data = os.read(leader, 4096)
        except OSError:  # the child closed the terminal
            break
        if not data:
            break
        chunks.append(data)
    proc.wait(timeout=120)
    os.close(leader)
    return proc.returncode, b"".join(chunks).decode("utf-8", "replace")


def test_a_terminal_shows_which_claim_runs_and_no_progress_silences_it(tmp_path):
    """On a terminal the running claim is named ([k/n] id …) before its row; --no-progress draws no status line."""
    code, text = _run_on_a_terminal(["reproduce", "--only", "dimension.linear", "--out", "r1"], tmp_path)
    assert code == 0 and "[1/1] dimension.linear" in text and "1/1 claims pass" in text
    code, text = _run_on_a_terminal(["reproduce", "--only", "dimension.linear", "--out", "r2", "--no-progress"],
                                    tmp_path)
    assert code == 0 and "[1/1]" not in text and "1/1 claims pass" in text


def test_on_start_is_called_before_each_claim(tmp_path):
    order = []
    claims = [c for c in all_claims() if c.id in ("dimension.linear", "dimension.bottleneck")]
    run_claims(claims, output=tmp_path, on_start=lambda k, c: order.append(("start", k, c.id)),
               on_result=lambda r: order.append(("done", r.claim)))
    assert [o[0] for o in order] == ["start", "done", "start", "done"]
    assert [o[2] for o in order if o[0] == "start"] == [c.id for c in claims]
