"""The command line: output, JSON, and one-line errors with exit code 2."""

import json
import re

import numpy as np
import pytest
from cli_helpers import run_cli

from neuromanifold import MLP, Parameters, parse_activation
from neuromanifold.cli import main


def test_dim_json_keys_and_values(capsys):
    assert main(["dim", "5,5,3,1", "--degree", "2", "--json"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert list(data) == ["architecture", "dimension", "expected_dimension", "ambient_dimension", "parameters",
                          "symmetry_dimension", "certified", "error_bound", "known", "upper_bound_source", "defective", "filling",
                          "identifiable", "prime", "seconds"]
    assert data["architecture"]["widths"] == [5, 5, 3, 1] and data["architecture"]["activation"] == "z^2"
    # quartic forms in 5 variables: C(8, 4) = 70; N = 43; KTB: 1 + 4·5 + 4·3 + 2·1 = 35
    assert (data["ambient_dimension"], data["parameters"], data["expected_dimension"]) == (70, 43, 35)


def test_dim_polynomial_activation(capsys):
    assert main(["dim", "2,2,1", "--activation", "z^3+z^2", "--json"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert data["dimension"] == 6 and data["ambient_dimension"] == 7 and data["symmetry_dimension"] == 0


def test_dim_readable_summary(capsys):
    assert main(["dim", "3,5,1", "--degree", "4"]) == 0
    out = capsys.readouterr().out
    # AH exception (3, 4, 5): dim 14 < edim = A = C(6, 4) = 15 (N = 3·5 + 5 = 20, 5 rescalings)
    assert "dimension           14" in out and "expected dimension  15" in out and "ambient dimension   15" in out
    assert "defective, not filling" in out
    assert "certified (lower bound = upper bound: Alexander–Hirschowitz theorem)" in out


def test_demo_table_rows_match_the_theorems(capsys):
    assert main(["demo"]) == 0
    # columns: architecture, N, dim, edim, A, how known
    rows = {m.group(1): (int(m.group(2)), m.group(3)) for m in
            re.finditer(r"^MLP\(\(([\d, ]+)\), σ=[^)]*\)\s+\d+\s+(\d+)\s+\d+\s+\d+\s+(\S+)",
                        capsys.readouterr().out, re.M)}
    # dim V by hand (docs/math.md §3): AH exception C(6, 4) − 1; quadrics of rank ≤ 3: 5·3 − C(3, 2); all ternary
    # quadrics C(4, 2); KTB 72 − 12; all 3×3 matrices; 4×4 matrices of rank ≤ 2: 2(4 + 4 − 2); N = 6 (Razor's
    # Edge, generic fibres finite); width-one bottleneck 3 + 3 − 1
    hand = {"3, 5, 1": 14, "5, 3, 1": 12, "3, 4, 1": 6, "4, 6, 6, 2": 60, "3, 3, 3": 9, "4, 2, 4": 12, "2, 2, 1": 6,
            "3, 1, 3, 3": 5}
    assert {w: d for w, (d, _) in rows.items()} == hand
    assert all(how == "certified" for _, how in rows.values())


@pytest.mark.parametrize(
    "args, fragment",
    [
        (["dim", "5,0,1", "--degree", "2"], "WIDTHS"),
        (["dim", "5", "--degree", "2"], "WIDTHS"),
        (["dim", "5,x,1"], "WIDTHS"),
        (["dim", "3,3,1", "--degree", "0"], "--degree"),
        (["dim", "3,3,1", "--activation", "z^^2"], "activation"),
        (["dim", "3,3,1", "--activation", "7"], "activation"),
        (["dim", "3,3,1", "--degree", "2", "--activation", "z^2"], "not allowed"),
        (["dim", "3,2,2,1", "--degree", "2,3,4"], "per hidden layer"),
    ],
)
def test_bad_input_exits_2_with_one_line(args, fragment):
    proc = run_cli(*args)
    code, err = proc.returncode, proc.stderr
    assert code == 2
    assert len(err.strip().splitlines()) == 1 and fragment in err
    assert "Traceback" not in err


def test_json_output_is_strict(capsys):
    """NaN/Infinity are not JSON: --json prints null for them, and a strict parser accepts every line."""
    from neuromanifold.cli.common import print_json

    print_json({"stderr": float("nan"), "loss": [1.0, float("inf")], "arr": np.array([-np.inf, 2.0])})

    def refuse(name):
        raise ValueError(f"non-standard JSON constant {name}")

    data = json.loads(capsys.readouterr().out, parse_constant=refuse)
    assert data == {"stderr": None, "loss": [1.0, None], "arr": [None, 2.0]}
    assert main(["dim", "3,2,1", "--json"]) == 0
    json.loads(capsys.readouterr().out, parse_constant=refuse)


def test_weights_file_names_the_architecture(tmp_path, capsys):
    """--weights files carry their architecture: WIDTHS may be omitted, and a command line that contradicts
    the file (here σ = z³ against the stored z²) is an error instead of a silent override."""
    from neuromanifold import MLP, Parameters

    path = tmp_path / "w.json"
    # (5, 3, 1), σ = z², neuron 2 of layer 1 has a zero incoming row: inactive, so the point is a subnetwork
    Parameters(MLP((5, 3, 1), 2), [[[1, 2, 0, 0, 1], [0, 1, 1, 0, 0], [0, 0, 0, 0, 0]], [[1, 2, 3]]]).save(path)
    assert main(["critical", "--weights", str(path), "--json"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert data["subnetwork"]["inactive"] == [[1, 2]] and data["reduced_widths"] == [5, 2, 1]
    assert main(["critical", "5,3,1", "--degree", "3", "--weights", str(path)]) == 2
    err = capsys.readouterr().err
    assert "σ=z^3" in err and "σ=z^2" in err and len(err.strip().splitlines()) == 1
    assert main(["singular", "--weights", str(path), "--json"]) == 0
    assert json.loads(capsys.readouterr().out)["singular"] is True


def test_census_dry_run_json_is_json_and_writes_nothing(tmp_path, capsys):
    store = tmp_path / "s.sqlite"
    # depth 2, widths 1..2 for d_0, d_1, d_2 and r = 2, 3: 2·2·2·2 = 16 architectures
    assert main(["census", "run", "--width", "1..2", "--degrees", "2..3", "--dry-run", "--json", "--store", str(store)]) == 0
    data = json.loads(capsys.readouterr().out)
    assert (data["requested"], data["to_compute"], data["stored"]) == (16, 16, 0)
    assert not store.exists()


def test_results_print_as_summaries_and_render_in_notebooks():
    """print(result) shows the summary (it showed a 2,500-character dataclass); Jupyter gets a table."""
    from neuromanifold import MLP, dimension

    r = dimension(MLP((3, 5, 1), 4))  # Alexander–Hirschowitz exception (3, 4, 5): 15 − 1 = 14
    assert str(r) == r.summary() and "14" in str(r)
    md = r._repr_markdown_()
    assert md.startswith("**") and "| dimension | 14 |" in md and "| certified | True |" in md


def test_broken_pipe_that_is_not_stdout_is_a_failure(capsys):
    """A BrokenPipeError from anything but standard output (e.g. a process pool that cannot start) used to
    exit 0 with no output; it is exit 1 with one line."""
    from neuromanifold.cli import _run, build_parser

    def broken(args):
        raise BrokenPipeError(32, "Broken pipe")

    args = build_parser().parse_args(["dim", "3,2,1"])
    args.func = broken
    assert _run(args) == 1
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and "pipe" in err[0]


def _strict(text):
    def refuse(name):
        raise ValueError(f"non-standard JSON constant {name}")

    return json.loads(text, parse_constant=refuse)


JSON_COMMANDS = [
    ["dim", "3,2,1"],
    ["dim", "--cnn", "--input-length", "5", "--filters", "3,2", "--strides", "2,1"],
    ["cnn", "--input-length", "5", "--filters", "3,2", "--strides", "2,1"],
    ["critical", "2,2,1", "--degree", "3", "--starts", "1", "--steps", "3"],
    ["strata", "3,2,1"],
    ["singular", "--weights", "{weights}"],
    ["equations", "2,1,1", "-k", "2"],
    ["exposure", "--mlp", "3,3,1", "--trials", "2"],
    ["llc", "--no-checks", "--chains", "2", "--draws", "20", "--burn-in", "5"],
    ["train", "--seeds", "1", "--steps", "10", "--no-figures", "--out", "{tmp}/train"],
    ["census", "run", "-w", "1..2", "-r", "2", "--store", "{tmp}/c.sqlite", "--dry-run"],
    ["census", "run", "-w", "1..2", "-r", "2", "--store", "{tmp}/c.sqlite"],
    ["census", "list", "--store", "{tmp}/c.sqlite"],
    ["census", "thresholds", "--store", "{tmp}/c.sqlite"],
    ["census", "defective", "--store", "{tmp}/c.sqlite"],
    ["census", "filling", "-L", "2", "--input", "2", "--output", "1", "-r", "2", "--store", "{tmp}/c.sqlite"],
    ["demo"],
]


def test_every_json_output_is_strict_json(tmp_path, capsys):
    """Every command's --json prints one strict JSON document (no NaN/Infinity), in the order a user would run
    them (the census commands read the store the run wrote)."""
    weights = tmp_path / "w.json"
    Parameters(MLP((2, 2, 1), parse_activation("z^3+z^2")), [[[1, 2], [3, -1]], [[1, 0]]]).save(weights)
    for argv in JSON_COMMANDS:
        argv = [a.format(tmp=tmp_path, weights=weights) for a in argv] + ["--json"]
        code = main(argv)
        out = capsys.readouterr().out
        assert code == 0, argv
        assert isinstance(_strict(out), (dict, list)), argv


def test_every_option_has_help_text_and_long_commands_take_no_progress():
    """One CLI grammar (issue 14): no option without help; every command that can draw a progress bar has
    --no-progress."""
    import argparse

    from neuromanifold.cli import build_parser

    missing, commands = [], {}

    def walk(parser, path):
        for action in parser._actions:
            if isinstance(action, argparse._SubParsersAction):
                for name, sub in action.choices.items():
                    walk(sub, path + [name])
            elif action.help in (None, "") and not isinstance(action, argparse._HelpAction):
                missing.append((" ".join(path), action.option_strings or action.dest))
        commands[" ".join(path)] = {s for a in parser._actions for s in a.option_strings}

    walk(build_parser(), [])
    assert missing == []
    for command in ("reproduce", "census run", "train", "llc", "critical", "exposure"):
        assert "--no-progress" in commands[command], command
