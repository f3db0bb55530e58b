"""The one helper the tests share: run the command-line tool in a fresh interpreter, as a user would."""

import json
import subprocess
import sys


def run_cli(*args, timeout: float = 300):
    """``python -m neuromanifold ARGS`` in a subprocess: the CompletedProcess (returncode, stdout, stderr)."""
    return subprocess.run([sys.executable, "-m", "neuromanifold", *map(str, args)], capture_output=True, text=True,
                          timeout=timeout)


def cli_json(*args, timeout: float = 300):
    """Run a command that must succeed and print JSON; return the parsed value."""
    proc = run_cli(*args, timeout=timeout)
    assert proc.returncode == 0, proc.stderr
    return json.loads(proc.stdout)
