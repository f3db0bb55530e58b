"""Hostile and careless input (issue: parse, never evaluate; bound every resource; survive broken files).

Every case runs ``neuromanifold.cli.main`` in-process and must end in exit code 2 with exactly one
line on stderr naming the argument — and oversized requests must be refused *before* work starts:
each case runs under a wall-clock alarm and a tracemalloc peak limit, so a case that starts computing
(or allocating) fails the test instead of hanging it.  The same inputs given to the library raise
ValueError/TypeError naming the argument.
"""

import json
import os
import signal
import sqlite3
import stat
import sys
import time
import tracemalloc

import pytest

from neuromanifold import MLP, Parameters
from neuromanifold.cli import main

BIG = str(10**9)
HUGE = str(10**20)

#: A payload that defeats character blacklists: it spells its command out of symbol names and reaches
#: ``os.system`` through attribute access.  Evaluated by sympy's ``parse_expr`` it would create PWNED.
PAYLOAD = ("Symbol(bytes.fromhex(Symbol(z.name).name.encode().hex()).decode())"
           ".__class__.__init__.__globals__.get(z.name).system(Symbol(z.name).name)")

HOSTILE_ACTIVATIONS = [
    ("Symbol(z.name)^2", "'Symbol' is neither z nor a number"),
    ('__import__("os").system("touch {tmp}/PWNED")', "not a polynomial in z"),
    (PAYLOAD, "not a polynomial in z"),
    ("z.subs(z, 2)", "not a polynomial in z"),
    ("9**9**9", "chained powers"),
    ("z**(9**9**9)", "not a polynomial in z"),
    ("2**10**10", "chained powers"),
    ("1<<10**10", "not a polynomial in z"),
    ("z^" + "9" * 50, "has degree"),
    ("(z+1)^999*(z+2)^999", "has degree 1998"),
    ("(" * 500 + "z" + ")" * 500, "nested more than 100 deep"),
    ("9" * 5000 + "*z", "digits"),
    ("(" + "9" * 900 + "*z+1)^999", "coefficients of about"),
    ("z/(z-1)", "division by a non-constant"),
    ("z/0", "division by zero"),
    ("sin(z)", "'sin' is neither z nor a number"),
    ("x^2", "'x' is neither z nor a number"),
    ("z" * 20000, "characters long"),
]

CASES = [
    # hostile activation strings reach every command that parses one
    *[(["dim", "3,2,1", "-a", text, "--json"], frag) for text, frag in HOSTILE_ACTIVATIONS],
    (["train", "--seeds", "1", "-a", PAYLOAD, "--out", "{tmp}/tr"], "not a polynomial in z"),
    (["exposure", "--mlp", "3,3,1", "-a", PAYLOAD], "not a polynomial in z"),
    (["equations", "2,2,1", "-a", PAYLOAD, "--max-degree", "2"], "not a polynomial in z"),
    (["cnn", "--input-length", "5", "--filters", "3,2", "-a", PAYLOAD], "not a polynomial in z"),
    (["critical", "3,2,1", "-a", PAYLOAD], "not a polynomial in z"),
    (["strata", "3,2,1", "-a", PAYLOAD], "not a polynomial in z"),
    (["singular", "3,2,1", "-a", PAYLOAD, "--weights", "{tmp}/good.json"], "not a polynomial in z"),
    (["dim", "3,2,1", "-a", "z^2;" + PAYLOAD], "not a polynomial in z"),
    # oversized requests, refused before work
    ([ "dim", ",".join(["2"] * 1000)], "at most 100 (MAX_LAYERS)"),
    (["dim", "--cnn", "--input-length", "5000", "--filters", "3,2"], "MAX_CNN_INPUT_LENGTH"),
    (["dim", "3,2,1", "--trials", BIG], "MAX_TRIALS"),
    (["dim", "3,2,1", "--seed", HUGE], "--seed"),
    (["equations", "5,5,1", "--degree", "3", "--max-degree", "3"], "too large for interpolation"),
    (["cnn", "--input-length", "5", "--filters", "3,2", "--identify", "--starts", BIG], "MAX_STARTS"),
    (["cnn", "--input-length", "40", "--filters", "8,8,8", "--strata"], "MAX_STRATA"),
    (["critical", "3,2,1", "--random-points", BIG], "MAX_RANDOM_POINTS"),
    (["critical", "3,2,1", "--starts", BIG], "MAX_STARTS"),
    (["critical", "3,2,1", "--steps", BIG], "MAX_STEPS"),
    (["singular", "3,2,1", "--weights", "{tmp}/good.json", "--curves", BIG], "MAX_CURVES"),
    (["singular", "3,2,1", "--weights", "{tmp}/good.json", "--curve-degree", str(10**6)], "MAX_CURVE_DEGREE"),
    (["exposure", "--mlp", "3,3,1", "--trials", BIG], "MAX_TRIALS"),
    (["train", "--steps", BIG, "--out", "{tmp}/tr"], "MAX_STEPS"),
    (["train", "--seeds", BIG, "--out", "{tmp}/tr"], "MAX_RUNS"),
    (["llc", "--draws", BIG], "MAX_DRAWS"),
    (["llc", "--chains", str(10**8)], "MAX_CHAINS"),
    (["llc", "--burn-in", BIG], "MAX_DRAWS"),
    (["llc", "--n", HUGE], "MAX_SAMPLE_SIZE"),
    (["census", "run", "--width", "1.." + BIG, "--dry-run", "--store", "{tmp}/s.sqlite"], "MAX_RANGE_VALUES"),
    (["census", "run", "--workers", "100000", "--store", "{tmp}/s.sqlite"], "MAX_WORKERS"),
    (["census", "run", "--seed", HUGE, "--store", "{tmp}/s.sqlite"], "--seed"),
    (["census", "run", "--trials", HUGE, "--store", "{tmp}/s.sqlite"], "MAX_TRIALS"),
    (["census", "list", "--depth", HUGE, "--store", "{tmp}/store.sqlite"], "signed 64-bit"),
    # weights files
    (["critical", "3,2,1", "--weights", "{tmp}/deep.json"], "nests JSON arrays too deeply"),
    (["critical", "3,2,1", "--weights", "{tmp}/fifo"], "is not a regular file"),
    (["critical", "3,2,1", "--weights", "/dev/zero"], "is not a regular file"),
    (["singular", "3,2,1", "--weights", "/dev/urandom"], "is not a regular file"),
    (["critical", "3,2,1", "--weights", "{tmp}/bigint.json"], "an integer with 5000 digits"),
    (["critical", "3,2,1", "--weights", "{tmp}/exponent.json"], "exponents beyond"),
    (["critical", "3,2,1", "--weights", "{tmp}/infinity.json"], "holds Infinity"),
    (["critical", "3,2,1", "--weights", "{tmp}/overflow.json"], "beyond the floating-point range"),
    (["critical", "3,2,1", "--weights", "{tmp}/f308.json"], "overflows float64"),
    (["singular", "3,2,1", "--weights", "{tmp}/zeroden.json"], "zero denominator"),
    # broken stores: one line naming the store, file untouched
    (["census", "list", "--store", "{tmp}/corrupt.sqlite"], "corrupt.sqlite"),
    (["census", "list", "--store", "{tmp}/foreign.sqlite"], "another program"),
    (["census", "defective", "--store", "{tmp}/notable.sqlite"], "table(s) meta missing"),
    (["census", "thresholds", "--store", "{tmp}/nocolumn.sqlite"], "column(s) seconds"),
    (["census", "run", "--width", "1", "--store", "{tmp}/newer.sqlite"], "newer neuromanifold"),
    (["census", "list", "--store", "{tmp}/negative.sqlite"], "schema version -3"),
    (["census", "run", "--store", ":memory:"], "keeps nothing"),
    (["census", "run", "--dask", "127.0.0.1:1", "--store", "{tmp}/s.sqlite"], "connection refused"),
    (["census", "run", "--dask", "", "--store", "{tmp}/s.sqlite"], "Argument 'dask' is empty"),
    # unwritable outputs
    (["census", "export", "--csv", "{tmp}/no/such/dir/x.csv", "--store", "{tmp}/store.sqlite"], "does not exist"),
    (["census", "export", "--csv", "{tmp}", "--store", "{tmp}/store.sqlite"], "is a folder"),
    (["census", "export", "--csv", "{tmp}/good.json/x.csv", "--store", "{tmp}/store.sqlite"], "is a file, not a folder"),
    (["census", "export", "--csv", "/dev/full", "--store", "{tmp}/store.sqlite"], "No space left"),
    (["census", "heatmap", "--to", "{tmp}/no/such/dir/h", "--store", "{tmp}/store.sqlite"], "does not exist"),
]


@pytest.fixture(scope="module")
def files(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("hostile")
    good = {"weights": [[[1, 0, 0], [0, 1, 0]], [[1, 1]]]}
    (tmp / "good.json").write_text(json.dumps(good))
    (tmp / "deep.json").write_text('{"weights":' + "[" * 100_000 + "]" * 100_000 + "}")
    os.mkfifo(tmp / "fifo")
    (tmp / "bigint.json").write_text('{"weights":[[[1,0,0],[0,1,0]],[[' + "9" * 5000 + ',1]]]}')
    (tmp / "exponent.json").write_text('{"weights":[[["1e100000000",0,0],[0,1,0]],[[1,1]]]}')
    (tmp / "infinity.json").write_text('{"weights":[[[Infinity,0,0],[0,1,0]],[[1,1]]]}')
    (tmp / "overflow.json").write_text('{"weights":[[[1e400,0,0],[0,1,0]],[[1,1]]]}')
    (tmp / "f308.json").write_text('{"weights":[[[1e308,0,0],[0,1,0]],[[1,1]]]}')
    (tmp / "zeroden.json").write_text('{"weights":[[["1/0",0,0],[0,1,0]],[[1,1]]]}')
    (tmp / "corrupt.sqlite").write_bytes(b"SQLite format 3\x00" + bytes(range(256)) * 20)
    db = sqlite3.connect(tmp / "foreign.sqlite")
    db.execute("CREATE TABLE songs (title TEXT)")
    db.commit()
    db.close()
    assert main(["census", "run", "--width", "1..2", "--degrees", "2", "--no-progress",
                 "--store", str(tmp / "store.sqlite")]) == 0
    for name, sql in [("notable", "DROP TABLE meta"), ("nocolumn", "ALTER TABLE results DROP COLUMN seconds"),
                      ("newer", "PRAGMA user_version = 7"), ("negative", "PRAGMA user_version = -3")]:
        src = sqlite3.connect(tmp / "store.sqlite")
        dst = sqlite3.connect(tmp / f"{name}.sqlite")
        src.backup(dst)
        src.close()
        dst.execute(sql)
        dst.commit()
        dst.close()
    return tmp


class _Alarm(Exception):
    pass


def _run_bounded(argv, seconds=10, megabytes=200):
    """main(argv) under a wall-clock alarm and a tracemalloc peak bound: (code, peak MB, seconds)."""
    def on_alarm(signum, frame):
        raise _Alarm(f"still running after {seconds} s: the request was not refused before work")

    previous = signal.signal(signal.SIGALRM, on_alarm)
    signal.alarm(seconds)
    tracemalloc.start()
    start = time.perf_counter()
    try:
        try:
            code = main(argv)
        except SystemExit as exc:
            code = exc.code
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
        signal.alarm(0)
        signal.signal(signal.SIGALRM, previous)
    return code, peak / 2**20, time.perf_counter() - start


@pytest.mark.parametrize("argv, fragment", CASES, ids=[" ".join(a)[:70] for a, _ in CASES])
def test_hostile_input_is_refused_in_one_line(argv, fragment, files, capsys, monkeypatch):
    monkeypatch.chdir(files)
    argv = [a.replace("{tmp}", str(files)) for a in argv]
    stores = {p: p.read_bytes() for p in files.glob("*.sqlite") if p.name != "s.sqlite"}
    code, peak, seconds = _run_bounded(argv)
    out, err = capsys.readouterr()
    lines = [line for line in err.splitlines() if line.strip()]
    assert code == 2, (code, err, out[:200])
    assert len(lines) == 1 and "Traceback" not in err, err
    assert fragment in lines[0], lines
    assert peak < 200, f"{peak:.0f} MB allocated before refusing"
    assert not (files / "PWNED").exists()
    for path, before in stores.items():  # broken and good stores are never rewritten by a refused command
        assert path.read_bytes() == before, path


def test_activation_text_is_never_evaluated(files, monkeypatch):
    """The parser must not route user text through eval/exec/sympify/parse_expr: make them explode."""
    import builtins

    import sympy
    from sympy.parsing import sympy_parser

    from neuromanifold import parse_activation

    def boom(*args, **kwargs):
        raise AssertionError("user text reached an evaluator")

    monkeypatch.setattr(builtins, "eval", boom)
    monkeypatch.setattr(builtins, "exec", boom)
    monkeypatch.setattr(sympy, "sympify", boom)
    monkeypatch.setattr(sympy_parser, "parse_expr", boom)
    # (z + 1)^3/2 − z/3 = z³/2 + 3z²/2 + (3/2 − 1/3) z + 1/2, expanded by hand
    # ascending coefficients: (1 + 3z + 3z² + z³)/2 − z/3 = 1/2 + (3/2 − 1/3) z + 3/2 z² + 1/2 z³
    assert parse_activation("(z+1)^3/2 - z/3").coeffs == (0.5, sympy.Rational(7, 6), 1.5, 0.5)
    assert parse_activation("2z(z+1)").coeffs == (0, 2, 2)
    assert parse_activation("-z**2 + 0.25").coeffs == (0.25, 0, -1)
    # 5,001 minus signs: −z (sign runs used to recurse into a RecursionError traceback)
    assert parse_activation("-" * 5001 + "z^2").coeffs == (0, 0, -1)
    for text, _ in HOSTILE_ACTIVATIONS:
        with pytest.raises(ValueError, match="activation"):
            parse_activation(text.replace("{tmp}", str(files)))
    assert not (files / "PWNED").exists()


def test_library_raises_value_or_type_errors_naming_the_argument(files):
    from neuromanifold import CNN, dimension, parse_activation
    from neuromanifold.experiments.census import enumerate_tasks, local_executor
    from neuromanifold.experiments.store import ResultStore
    from neuromanifold.geometry import singular
    from neuromanifold.geometry.critical_scan import scan

    arch = MLP((3, 2, 1), 2)
    point = Parameters(arch, [[[1, 0, 0], [0, 1, 0]], [[1, 1]]])
    calls = [
        (lambda: parse_activation(PAYLOAD), ValueError, "'activation'"),
        (lambda: MLP((2,) * 1000, 2), ValueError, "'widths'"),
        (lambda: CNN(5000, (3, 2)), ValueError, "'input_length'"),
        (lambda: dimension(arch, trials=10**9), ValueError, "'trials'"),
        (lambda: dimension(arch, seed=10**20), ValueError, "'seed'"),
        (lambda: dimension(arch, trials=2.5), TypeError, "'trials'"),
        (lambda: scan(arch, random_points=10**9), ValueError, "'random_points'"),
        (lambda: singular(arch, point, curves=10**9), ValueError, "'curves'"),
        (lambda: singular(arch, point, curve_degree=10**6), ValueError, "'curve_degree'"),
        (lambda: enumerate_tasks(widths=(1, 2), seed=10**20), ValueError, "'seed'"),
        (lambda: local_executor(10**5), ValueError, "'workers'"),
        (lambda: Parameters.load(files / "fifo"), ValueError, "'path'"),
        (lambda: Parameters.load(files / "deep.json"), ValueError, "'path'"),
        (lambda: Parameters(arch, [[["1e100000000", 0, 0], [0, 1, 0]], [[1, 1]]]), ValueError, "'weights'"),
        (lambda: Parameters(arch, [[[10**5000, 0, 0], [0, 1, 0]], [[1, 1]]]), ValueError, "'weights'"),
        (lambda: ResultStore(files / "corrupt.sqlite"), ValueError, "'path'"),
        (lambda: ResultStore(files / "negative.sqlite", readonly=True), ValueError, "'path'"),
        (lambda: ResultStore(files / "store.sqlite", readonly=True).rows(depth=10**20), ValueError, "'depth'"),
        (lambda: ResultStore(files / "store.sqlite", readonly=True).export_csv(files / "no" / "x.csv"), ValueError,
         "'path'"),
    ]
    for call, kind, name in calls:
        with pytest.raises(kind, match=name):
            call()


def test_readonly_store_is_analysable_without_writing(files, capsys, monkeypatch):
    """An archived store (read-only file in a folder we may not write to) serves every analysis and is not
    modified: no journal switch, no migration, no WAL files created beside it.  (The suite may run as
    root, who may write anywhere, so the unwritable folder is simulated through os.access.)"""
    import shutil

    real_access = os.access
    monkeypatch.setattr(os, "access", lambda p, mode: False if "archive" in str(p) and mode == os.W_OK
                        else real_access(p, mode))
    ro = files / "archive"
    ro.mkdir()
    shutil.copy(files / "store.sqlite", ro / "store.sqlite")
    (ro / "store.sqlite").chmod(stat.S_IRUSR | stat.S_IRGRP)
    before = (ro / "store.sqlite").read_bytes()
    store = str(ro / "store.sqlite")
    for argv in (["census", "list"], ["census", "thresholds"], ["census", "defective"],
                 ["census", "filling", "--depth", "2", "--input", "2", "--output", "1", "--degree", "2"],
                 ["census", "export", "--csv", str(files / "out.csv")], ["census", "heatmap", "--to", str(files / "h")]):
        assert main([*argv, "--store", store]) == 0, capsys.readouterr().err
    assert (ro / "store.sqlite").read_bytes() == before
    assert sorted(p.name for p in ro.iterdir()) == ["store.sqlite"]  # no -wal/-shm files created
    # 2 input widths × 2 hidden × 2 output widths at r = 2: 8 rows, exported with a header
    assert len((files / "out.csv").read_text().splitlines()) == 1 + 8


def test_failed_export_leaves_no_partial_file(files, monkeypatch):
    """A write that fails midway (here: the disk fills after the header) leaves neither the target nor a
    temporary file behind."""
    import csv

    from neuromanifold.experiments.store import ResultStore

    class FullDisk:
        def __init__(self, fh, **kw):
            fh.write("id,key\n")

        def writeheader(self):
            raise OSError(28, "No space left on device")

    monkeypatch.setattr(csv, "DictWriter", FullDisk)
    target = files / "partial" / "x.csv"
    target.parent.mkdir()
    with ResultStore(files / "store.sqlite", readonly=True) as store, pytest.raises(ValueError, match="No space left"):
        store.export_csv(target)
    assert list(target.parent.iterdir()) == []


@pytest.mark.skipif(sys.platform != "linux", reason="process accounting via /proc")
def test_pool_workers_exit_when_the_parent_is_killed(tmp_path):
    """SIGKILL of a census run leaves no worker, fork server or resource tracker behind, and the store intact."""
    import sqlite3
    import subprocess

    store = tmp_path / "k.sqlite"
    sweep = ["--width", "2..6", "--depth", "3", "--degrees", "2..5", "--no-progress"]  # 2,500 architectures
    proc = subprocess.Popen([sys.executable, "-m", "neuromanifold", "census", "run", *sweep, "--workers", "2",
                             "--store", str(store)],
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True)
    deadline = time.time() + 60
    while time.time() < deadline and (not store.exists() or _count(store) < 50):
        time.sleep(0.2)
    children = _descendants(proc.pid)
    assert children, "the pool never started"
    proc.kill()
    proc.wait()
    deadline = time.time() + 15
    while time.time() < deadline and any(_alive(pid) for pid in children):
        time.sleep(0.2)
    assert not [pid for pid in children if _alive(pid)], "pool processes outlived their parent"
    db = sqlite3.connect(store)
    assert db.execute("PRAGMA integrity_check").fetchone() == ("ok",)
    keys = [r[0] for r in db.execute("SELECT key FROM results")]
    assert len(keys) == len(set(keys)) > 0
    db.close()
    # resuming completes the sweep, and it equals an uninterrupted run (in process, another store)
    assert main(["census", "run", *sweep, "--store", str(store)]) == 0
    assert main(["census", "run", *sweep, "--store", str(tmp_path / "whole.sqlite")]) == 0

    def table(path):
        with sqlite3.connect(path) as con:
            return sorted(con.execute("SELECT key, dimension, certified, upper_bound FROM results"))

    assert table(store) == table(tmp_path / "whole.sqlite") and len(table(store)) == 2500


@pytest.mark.skipif(sys.platform != "linux", reason="process accounting via /proc")
@pytest.mark.parametrize("delay", [0.4, 0.5, 0.7, 1.0])  # the pool start-up (not the first ~0.3 s of imports)
def test_ctrl_c_at_any_moment_of_start_up_is_one_line_and_leaves_no_process(tmp_path, delay):
    """A terminal's Ctrl-C (SIGINT to the whole process group) while the command line loads, the fork server
    preloads or the workers start used to print tracebacks from the children (40 lines) or the import."""
    import subprocess

    store = tmp_path / "c.sqlite"
    proc = subprocess.Popen([sys.executable, "-m", "neuromanifold", "census", "run", "-L", "3", "-w", "2..6", "-r",
                             "2..5", "--workers", "2", "--store", str(store), "--no-progress"],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, start_new_session=True)
    time.sleep(delay)
    os.killpg(proc.pid, signal.SIGINT)
    _, err = proc.communicate(timeout=60)
    assert proc.returncode == 130, err
    assert err.count("\n") == 1 and "interrupted" in err and "Traceback" not in err
    deadline = time.time() + 15
    while time.time() < deadline and _descendants(proc.pid):
        time.sleep(0.2)
    assert not [pid for pid in _descendants(proc.pid) if _alive(pid)]


def test_an_interrupt_handled_inside_a_string_exec_still_exits_130(tmp_path):
    """CPython under ``python -m`` exits by SIGINT (−2) when a KeyboardInterrupt ended any string ``exec`` — such
    as a dataclass's generated ``__init__`` during the imports — even after the program handled it; that was the
    1-in-15 failure of the start-up Ctrl-C test above.  Here the command's handled interrupt is made to happen in
    one, deterministically (a ``sitecustomize`` replaces the command line's ``main``)."""
    import subprocess

    (tmp_path / "sitecustomize.py").write_text(
        "import sys\n"
        "import neuromanifold.cli as cli\n"
        "def main(argv=None):\n"
        "    try:\n"
        "        exec('raise KeyboardInterrupt', {})\n"
        "    except KeyboardInterrupt:\n"
        "        print('neuromanifold census: interrupted; finished results were kept.', file=sys.stderr)\n"
        "        return 130\n"
        "cli.main = main\n")
    env = {**os.environ, "PYTHONPATH": os.pathsep.join([str(tmp_path), os.environ.get("PYTHONPATH", "")])}
    proc = subprocess.run([sys.executable, "-m", "neuromanifold", "census", "list"], capture_output=True, text=True,
                          env=env, timeout=60)
    assert proc.returncode == 130, (proc.returncode, proc.stderr)
    assert proc.stderr.count("\n") == 1 and "interrupted" in proc.stderr


@pytest.mark.skipif(sys.platform != "linux", reason="process accounting via /proc")
def test_sigterm_keeps_results_exits_143_and_leaves_no_process(tmp_path):
    """SIGTERM (what `timeout` and job schedulers send, to the parent only) is handled like Ctrl-C."""
    import subprocess

    store = tmp_path / "t.sqlite"
    proc = subprocess.Popen([sys.executable, "-m", "neuromanifold", "census", "run", "-L", "3", "-w", "2..6", "-r",
                             "2..5", "--workers", "2", "--store", str(store), "--no-progress"],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, start_new_session=True)
    deadline = time.time() + 60
    while time.time() < deadline and _count(store) < 50:
        time.sleep(0.1)
    children = _descendants(proc.pid)
    assert children, "the pool never started"
    proc.send_signal(signal.SIGTERM)
    _, err = proc.communicate(timeout=60)
    assert proc.returncode == 143
    assert err.strip() == "neuromanifold census: interrupted; finished results were kept."
    deadline = time.time() + 15
    while time.time() < deadline and any(_alive(pid) for pid in children):
        time.sleep(0.2)
    assert not [pid for pid in children if _alive(pid)], "pool processes outlived a SIGTERM of their parent"
    assert _count(store) >= 50


def _count(store) -> int:
    try:
        db = sqlite3.connect(f"file:{store}?mode=ro", uri=True)
        return db.execute("SELECT COUNT(*) FROM results").fetchone()[0]
    except sqlite3.Error:
        return 0


def _descendants(pid: int) -> list[int]:
    """Processes whose session is pid's (the pool's workers, fork server and resource tracker)."""
    out = []
    for entry in os.listdir("/proc"):
        if entry.isdigit() and int(entry) != pid:
            try:
                if os.getsid(int(entry)) == pid:
                    out.append(int(entry))
            except OSError:
                pass
    return out


def _alive(pid: int) -> bool:
    try:
        with open(f"/proc/{pid}/stat") as fh:
            return fh.read().split(")")[-1].split()[0] != "Z"
    except OSError:
        return False


def test_readme_lists_every_limit():
    """Each module-level MAX_* constant of the package appears in the README's limits table (and nothing
    named there is missing from the code)."""
    import pathlib
    import re

    root = pathlib.Path(__file__).resolve().parents[1]
    code = set()
    for path in (root / "src" / "neuromanifold").rglob("*.py"):
        code |= set(re.findall(r"^(MAX_[A-Z_]+) = ", path.read_text(), flags=re.M))
    readme = (root / "README.md").read_text()
    table = readme[readme.index("### Limits"):]
    table = table[:table.index("\n\n", table.index("| limit |"))]
    named = set(re.findall(r"`(MAX_[A-Z_]+)`", table))
    assert code - named == set(), f"limits missing from the README: {sorted(code - named)}"
    assert named - code == set(), f"README names limits the code lacks: {sorted(named - code)}"


@pytest.mark.parametrize("redirect", [">/dev/full", ">&-"], ids=["full disk", "closed stdout"])
def test_unwritable_standard_output_is_one_line(redirect):
    """`dim --json` into a full disk or a closed standard output: one line on stderr, exit 2."""
    import shlex
    import subprocess

    cmd = f"{shlex.quote(sys.executable)} -m neuromanifold dim 3,2,1 --json {redirect}"
    proc = subprocess.run(["sh", "-c", cmd], capture_output=False, stderr=subprocess.PIPE, text=True, timeout=60)
    lines = [line for line in proc.stderr.splitlines() if line.strip()]
    assert proc.returncode == 2 and len(lines) == 1 and "Traceback" not in proc.stderr, proc.stderr


@pytest.mark.skipif(sys.platform != "linux", reason="kills a pool process")
def test_sweep_survives_the_death_of_a_worker(tmp_path):
    """SIGKILL of one local pool worker (what an out-of-memory kill does) used to abort the sweep with
    BrokenProcessPool; now the pool is restarted and every result ends up stored."""
    import threading

    import psutil

    from neuromanifold.experiments.census import enumerate_tasks, run_census
    from neuromanifold.experiments.store import ResultStore

    tasks = enumerate_tasks(depths=3, widths=(2, 3, 4, 5, 6), degrees=(2, 3, 4, 5))  # 2,500 architectures
    killed = []

    def kill_one_worker():
        deadline = time.time() + 60
        while time.time() < deadline and not killed:
            time.sleep(0.2)
            if _count(tmp_path / "s.sqlite") >= 100:
                workers = [c for c in psutil.Process().children(recursive=True)
                           if c.ppid() != os.getpid()]  # grandchildren: the fork server's workers
                if workers:
                    workers[0].kill()
                    killed.append(workers[0].pid)

    thread = threading.Thread(target=kill_one_worker)
    thread.start()
    with ResultStore(tmp_path / "s.sqlite") as store:
        summary = run_census(tasks, store, workers=2)
        thread.join()
        assert killed, "no worker was killed (the sweep ended too soon)"
        assert summary.failed == 0 and len(store) == len(tasks) == 2500


def test_a_pool_that_cannot_start_is_a_failure_not_a_loop(tmp_path, monkeypatch):
    """If worker processes die at once every time, the sweep must end with an error naming --workers (not
    restart pools forever, and not report success)."""
    from concurrent.futures.process import BrokenProcessPool

    import neuromanifold.experiments.census as census
    from neuromanifold.experiments.store import ResultStore

    class DeadPool:
        def submit(self, *args, **kwargs):
            raise BrokenProcessPool("a child process terminated abruptly")

        def shutdown(self, wait=True, cancel_futures=False):
            pass

    monkeypatch.setattr(census, "local_executor", lambda workers: DeadPool())
    tasks = census.enumerate_tasks(depths=2, widths=(1, 2), degrees=(2,))
    with ResultStore(tmp_path / "s.sqlite") as store, pytest.raises(ValueError, match="'workers'"):
        census.run_census(tasks, store, workers=2)
