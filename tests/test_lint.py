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
