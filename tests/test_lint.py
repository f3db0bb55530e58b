"""The code passes the project's ruff configuration (pyproject.toml), so lint runs with the README's test command."""

import pathlib
import shutil
import subprocess

import pytest


@pytest.mark.skipif(shutil.which("ruff") is None, reason="ruff is in the [test] extra")
def test_ruff_check_is_clean():
    root = pathlib.Path(__file__).resolve().parents[1]
    proc = subprocess.run(["ruff", "check", "--no-cache", str(root)], capture_output=True, text=True, cwd=root)
    assert proc.returncode == 0, proc.stdout + proc.stderr


def test_no_reference_outside_the_repository():
    """Docstrings and docs cite docs/math.md or the papers, never a file the repository does not ship."""
    root = pathlib.Path(__file__).resolve().parents[1]
    offenders = [str(p.relative_to(root)) for p in list(root.rglob("*.py")) + list(root.rglob("*.md"))
                 if ".git" not in p.parts and p.name != "test_lint.py" and "MATH.md" in p.read_text()]
    assert offenders == []
    assert (root / "docs" / "math.md").is_file()


def test_structure_limits_of_issue_12():
    """No source module over 450 lines; every random draw goes through a named stream (randomness.py), never a
    hand-salted ``default_rng([seed, …])``; no type check by class name."""
    src = pathlib.Path(__file__).resolve().parents[1] / "src" / "neuromanifold"
    long = {str(p.relative_to(src)): n for p in src.rglob("*.py") if (n := len(p.read_text().splitlines())) > 450}
    assert long == {}
    salted = [str(p.relative_to(src)) for p in src.rglob("*.py")
              if p.name != "randomness.py" and "default_rng([" in p.read_text()]
    assert salted == []
    by_name = [str(p.relative_to(src)) for p in src.rglob("*.py") if "__name__ == \"" in p.read_text().replace("'", '"')
               and "__main__" not in p.read_text()]
    assert by_name == []


def test_random_streams_have_distinct_salts():
    from neuromanifold.randomness import STREAMS, stream

    assert len(set(STREAMS.values())) == len(STREAMS)
    a, b = stream(3, "dimension.trial", 1).integers(0, 2**31, 4), stream(3, "dimension.trial", 1).integers(0, 2**31, 4)
    assert (a == b).all()
    assert not (stream(3, "dimension.trial", 1).integers(0, 2**31, 4) == stream(3, "tangent.rank", 1).integers(0, 2**31, 4)).all()
