"""The landscape commands `train`, `exposure`, `llc`: JSON output checked against theorems and hand values,
and one-line errors with exit code 2 on bad input.  Small, fast settings."""

import json

import pytest

from neuromanifold.cli import main

torch = pytest.importorskip("torch")
torch.set_num_threads(1)


def _one_line_error(capsys, argv):
    assert main(argv) == 2
    err = capsys.readouterr().err.strip()
    assert len(err.splitlines()) == 1 and "error" in err
    return err


def test_train_json_results_and_figures(tmp_path, capsys):
    out = tmp_path / "run"
    assert main(["train", "--seeds", "1", "--steps", "20", "--workers", "1", "--json", "--out", str(out)]) == 0
    data = json.loads(capsys.readouterr().out)
    assert {g["kind"] for g in data["arms"]} == {"MLP", "CNN"} and len(data["arms"]) == 18  # 6 architectures × 3 tasks
    for g in data["arms"]:
        assert g["runs"] == 1 and g["optimizer"] == "gd" and 0 <= g["fraction"] <= 1
        for key in ("on_subnetwork", "minima", "saddles", "degenerate"):
            lo, hi = g[f"{key}_wilson95"]
            assert 0 <= lo <= g[key] / g["runs"] <= hi <= 1
    assert {t["task"] for t in data["tests"]} == {"subnetwork", "full", "random"}
    assert all(0 <= t[f"p_{k}"] <= 1 for t in data["tests"] for k in ("on_subnetwork", "minima", "saddles"))
    stored = json.loads((out / "results.json").read_text())
    assert len(stored["runs"]) == 18 and data["results"] == str(out / "results.json")
    names = {p.split("/")[-1] for p in data["figures"]}
    for stem in ("fraction_on_subnetwork", "unit_norms", "final_losses"):
        assert {stem + ".png", stem + ".svg"} <= names and (out / (stem + ".png")).exists()


@pytest.mark.parametrize("seeds", [1, 3, 6, 7, 10])
def test_no_seed_count_crashes_the_study(seeds, tmp_path, capsys):
    # 0/n and n/n once crashed the figure step (a negative error bar); every count must run through.
    assert main(["train", "--seeds", str(seeds), "--steps", "10", "--task", "subnetwork", "--workers", "1",
                 "--out", str(tmp_path / "s")]) == 0
    assert "Fisher p" in capsys.readouterr().out


def test_train_sgd_readable(tmp_path, capsys):
    assert main(["train", "--seeds", "1", "--steps", "20", "--optimizer", "sgd", "--no-figures", "--workers", "1",
                 "--out", str(tmp_path / "sgd")]) == 0
    out = capsys.readouterr().out
    assert "sgd" in out and "MLP" in out and "CNN" in out and "results:" in out


@pytest.mark.parametrize("argv", [["train", "--seeds", "0"], ["train", "--steps", "0", "--seeds", "1"],
                                  ["train", "--lr", "-1", "--seeds", "1"]])
def test_train_bad_input(argv, capsys, tmp_path):
    _one_line_error(capsys, argv + ["--out", str(tmp_path / "x")])


def test_exposure_json_mlp_cnn_merged(capsys):
    # Razor's Edge: the lift of an MLP subnetwork critical point is critical (σ(0) = σ'(0) = 0 here),
    # a CNN zero-padded filter's is not (Prop 4.5); merged neurons lift for every σ (exposure module).
    assert main(["exposure", "--mlp", "2,3,1", "-a", "z^3+z^2", "--trials", "0", "--json"]) == 0
    mlp = json.loads(capsys.readouterr().out)
    assert mlp["exact"]["lift_critical"] and mlp["exact"]["certified"] and mlp["monte_carlo"] is None
    assert main(["exposure", "--cnn", "5:3,2:2,1", "-a", "z^2+z", "--trials", "0", "--json"]) == 0
    cnn = json.loads(capsys.readouterr().out)
    assert cnn["exact"]["reduced_critical"] and not cnn["exact"]["lift_critical"]
    assert main(["exposure", "--mlp", "2,3,1", "-a", "z^2+1", "--merged", "1:2,0", "--trials", "2", "--json"]) == 0
    merged = json.loads(capsys.readouterr().out)
    assert merged["exact"]["kind"] == "merged" and merged["exact"]["lift_critical"]
    mc = merged["monte_carlo"]
    assert mc["trials"] == 2 and mc["exposed"] == mc["converged"]


@pytest.mark.parametrize("argv", [
    ["exposure", "--mlp", "2,3,1", "--cnn", "5:3,2:2,1"],
    ["exposure", "--mlp", "2,3,1", "--trials", "-1"],
    ["exposure", "--mlp", "2,x,1"],
    ["exposure", "--cnn", "5:3,2:2,1", "--merged"],
    ["exposure", "--mlp", "2,3,1", "--merged", "1:0,7"],
])
def test_exposure_bad_input(argv, capsys):
    _one_line_error(capsys, argv)


def test_llc_json(capsys):
    assert main(["llc", "--draws", "100", "--burn-in", "20", "--chains", "2", "--json"]) == 0
    data = json.loads(capsys.readouterr().out)
    nc, rrr = data["checks"]
    assert nc["reference"] == 0.25
    assert rrr["reference"] == 2.5  # Aoyagi–Watanabe, M=2, N=3, H=2, r=1: [2·3·5 − 1 − 9]/8
    gen, sub = data["networks"]
    # rank dφ: 6 at the generic point (the (2,2,1), σ = z³+z² neuromanifold is a hypersurface in ℝ⁷, docs/math.md §6);
    # 3 at the subnetwork point (a₁, w₁ regular; σ(0) = σ'(0) = 0 kills the columns of a₂, w₂)
    assert (gen["rank"], sub["rank"]) == (6, 3) and gen["rank_over_2"] == 3
    assert all(r["sampler"] == "mala" and r["preconditioned"] for r in (gen, sub))


@pytest.mark.parametrize("argv", [["llc", "--n", "2"], ["llc", "--rrr", "1,2"], ["llc", "--rrr", "2,2,1,2"],
                                  ["llc", "--draws", "0"]])
def test_llc_bad_input(argv, capsys):
    _one_line_error(capsys, argv)


def _refuse(name):
    raise ValueError(f"non-standard JSON constant {name}")


def test_llc_that_never_moved_is_null_with_a_warning_and_fails(capsys):
    # a step of 1e300 rejects every MALA proposal: λ̂ would come out 0.0, which is not an estimate
    assert main(["llc", "--no-checks", "--chains", "2", "--draws", "20", "--burn-in", "5", "--step", "1e300",
                 "--json"]) == 1
    captured = capsys.readouterr()
    data = json.loads(captured.out, parse_constant=_refuse)
    assert all(r["llc"] is None and "did not move" in r["warning"] for r in data["networks"])
    assert "warning" in captured.err


def test_diverged_training_is_counted_and_fails(tmp_path, capsys):
    assert main(["train", "--seeds", "2", "--steps", "30", "--lr", "1e300", "--no-figures", "--json", "--workers", "1",
                 "--out", str(tmp_path / "div")]) == 1
    captured = capsys.readouterr()
    data = json.loads(captured.out, parse_constant=_refuse)
    assert all(g["diverged"] == 2 and g["median_final_loss"] is None for g in data["arms"])
    assert "diverged" in captured.err
