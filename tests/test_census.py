"""Census sweeps: enumeration, analyses against hand-checked values, resume after a kill, dask.

Hand values come from the Alexander–Hirschowitz theorem (docs/math.md §3) for shallow one-output
networks (d_0, d_1, 1), σ = z^r: edim = min{d_0 d_1, C(d_0 + r − 1, r)} is AH's generic value, so
such a network is defective exactly at AH's exceptions — r = 2 with 2 ≤ d_1 ≤ d_0 − 1, and
(d_0, r, d_1) ∈ {(3,4,5), (4,4,9), (5,3,7), (5,4,14)}.
"""

import json
import os
import signal
import sqlite3
import subprocess
import sys
import time

import pytest

from neuromanifold.cli import main
from neuromanifold.experiments.analysis import (
    activation_thresholds,
    defective_architectures,
    is_unimodal,
    minimal_filling_widths,
)
from neuromanifold.experiments.census import SerialExecutor, enumerate_tasks, run_census
from neuromanifold.experiments.figures import census_heatmap
from neuromanifold.experiments.store import ResultStore

# --- a tiny grid: d_0 ∈ {2, 3, 4}, d_1 ∈ {1..5}, d_2 = 1, r ∈ {2..5} -------------------------------
TINY = dict(depths=2, input_widths=(2, 3, 4), widths=(1, 2, 3, 4, 5), output_widths=(1,), degrees=(2, 3, 4, 5))

#: Defective cells by hand (AH exceptions inside the grid) and their defect edim − dim:
#: (3,2,1) r=2: edim min{6, C(4,2)=6} = 6, dim 3·2 − C(2,2) = 5;  (4,2,1) r=2: min{8, 10} = 8, dim 8 − 1 = 7;
#: (4,3,1) r=2: min{12, 10} = 10, dim 12 − 3 = 9;  (3,5,1) r=4: min{15, C(6,4)=15} = 15, dim 14.
HAND_DEFECTIVE = {((3, 2, 1), 2): (5, 6), ((4, 2, 1), 2): (7, 8), ((4, 3, 1), 2): (9, 10), ((3, 5, 1), 4): (14, 15)}

#: Activation thresholds over r = 2..5: 3 when defective only at r = 2, 5 for (3,5,1), else 2.
HAND_THRESHOLDS = {(d0, d1, 1): 2 for d0 in (2, 3, 4) for d1 in (1, 2, 3, 4, 5)}
HAND_THRESHOLDS.update({(3, 2, 1): 3, (4, 2, 1): 3, (4, 3, 1): 3, (3, 5, 1): 5})


@pytest.fixture(scope="module")
def tiny_store():
    store = ResultStore(":memory:")
    summary = run_census(enumerate_tasks(**TINY), store, executor=SerialExecutor())
    assert (summary.requested, summary.computed, summary.failed) == (60, 60, 0)
    yield store
    store.close()


def test_enumeration_counts_and_errors():
    # L = 2: d_1 ∈ {1, 2} → 2 vectors; L = 3: (d_1, d_2) ∈ {1, 2}² → 4 vectors; × 2 degrees × 2 kinds = 24
    tasks = enumerate_tasks(depths=(2, 3), widths=(1, 2), input_widths=(2,), output_widths=(1,),
                            degrees=(2, 3), kinds=("monomial", "generic"))
    assert len(tasks) == 24 and len({t.key for t in tasks}) == 24
    assert {t.widths for t in tasks} == {(2, 1, 1), (2, 2, 1), (2, 1, 1, 1), (2, 1, 2, 1), (2, 2, 1, 1), (2, 2, 2, 1)}
    # N of (2,2,2,1) = 4 + 4 + 2 = 10, of (2,2,1,1) = 4 + 2 + 1 = 7: max_params=8 drops only the former
    kept = enumerate_tasks(depths=3, widths=(1, 2), input_widths=(2,), output_widths=(1,), degrees=2, max_params=8)
    assert {t.widths for t in kept} == {(2, 1, 1, 1), (2, 1, 2, 1), (2, 2, 1, 1)}
    with pytest.raises(ValueError, match="Argument 'kinds'"):
        enumerate_tasks(kinds=("relu",))
    with pytest.raises(ValueError, match="Argument 'degrees'"):
        enumerate_tasks(degrees=(0, 2))
    with pytest.raises(ValueError, match="Argument 'analyses'"):
        enumerate_tasks(analyses=("nonsense",))


def test_thresholds_on_tiny_grid_match_hand_values(tiny_store):
    found = {t.widths: t for t in activation_thresholds(tiny_store)}
    assert {w: t.threshold for w, t in found.items()} == HAND_THRESHOLDS
    assert all(t.certified for t in found.values())
    assert found[(3, 5, 1)].defective_degrees == (4,) and found[(3, 5, 1)].degrees == (2, 3, 4, 5)


def test_defective_list_on_tiny_grid_matches_hand_values(tiny_store):
    got = {(tuple(d["widths"]), d["degree"]): (d["dimension"], d["expected_dimension"])
           for d in defective_architectures(tiny_store)}
    assert got == HAND_DEFECTIVE


def test_minimal_filling_on_tiny_grid(tiny_store):
    # (2, d_1, 1), r = 2: dim = min{2 d_1, 3} = A = 3 from d_1 = 2 on.
    [fill] = minimal_filling_widths(tiny_store, depth=2, input_dim=2, output_dim=1, degree=2)
    assert fill.widths == (2, 2, 1) and fill.ambient_dimension == 3 and fill.unimodal and fill.certain
    # (3, d_1, 1): r = 2, A = 6: d_1 = 2 gives 5, d_1 = 3 gives min{9, 6} = 6 → (3,3,1);
    #              r = 3, A = 10: d_1 = 3 gives 9, d_1 = 4 gives min{12, 10} = 10 → (3,4,1);
    #              r = 4, A = 15: d_1 = 5 gives 14 (AH exception), so nothing fills for d_1 ≤ 5.
    assert [f.widths for f in minimal_filling_widths(tiny_store, 2, 3, 1, 2)] == [(3, 3, 1)]
    assert [f.widths for f in minimal_filling_widths(tiny_store, 2, 3, 1, 3)] == [(3, 4, 1)]
    assert minimal_filling_widths(tiny_store, 2, 3, 1, 4) == []
    with pytest.raises(ValueError, match="Argument 'degree'"):
        minimal_filling_widths(tiny_store, 2, 3, 1, 0)


def _row(widths, degree, dim, edim, A, certified=True):
    return {"key": f"{widths}:{degree}", "widths": widths, "kind": "monomial", "bias": False, "degree": degree,
            "depth": len(widths.split(",")) - 1, "input_dim": int(widths.split(",")[0]),
            "output_dim": int(widths.split(",")[-1]), "dimension": dim, "expected_dimension": edim,
            "ambient_dimension": A, "certified": certified, "error_bound": 0.0 if certified else 1e-9}


def test_analyses_on_hand_made_rows():
    # threshold undefined when the largest stored degree is still defective
    rows = [_row("3,1,3,1", r, 3, 5, 99) for r in (2, 3, 4)]
    [t] = activation_thresholds(rows)
    assert t.threshold is None and t.defective_degrees == (2, 3, 4)
    # minimality is componentwise: (2,3,1,1) and (2,1,4,1) both fill and neither is below the other;
    # (2,3,2,1) fills but lies above (2,3,1,1); (2,1,4,1) is not unimodal (1 < 2 and then 1 < 4).
    rows = [_row("2,3,1,1", 2, 5, 5, 5), _row("2,1,4,1", 2, 5, 5, 5), _row("2,3,2,1", 2, 5, 5, 5),
            _row("2,1,1,1", 2, 2, 2, 5, certified=False)]
    got = {f.widths: (f.unimodal, f.certain) for f in minimal_filling_widths(rows, 3, 2, 1, 2)}
    assert got == {(2, 3, 1, 1): (True, False), (2, 1, 4, 1): (False, False)}


def test_is_unimodal():
    assert is_unimodal((1,)) and is_unimodal((2, 2, 2)) and is_unimodal((1, 3, 3, 2, 1)) and is_unimodal((4, 3, 1))
    assert not is_unimodal((3, 1, 2)) and not is_unimodal((1, 2, 1, 2))


def test_heatmap_writes_png_and_svg(tiny_store, tmp_path):
    png, svg = census_heatmap(tiny_store.rows(), tmp_path / "defect.png")
    assert open(png, "rb").read(8) == b"\x89PNG\r\n\x1a\n"
    assert "<svg" in open(svg, encoding="utf-8").read(2000)
    with pytest.raises(ValueError, match="Argument 'value'"):
        census_heatmap(tiny_store.rows(), tmp_path / "x", value="colour")


# --- execution back ends ---------------------------------------------------------------------
SMALL = dict(depths=(2, 3), widths=(1, 2, 3), input_widths=(2, 3), output_widths=(1, 2), degrees=(2, 3),
             kinds=("monomial", "generic"))
COMPARED = ("key", "dimension", "expected_dimension", "ambient_dimension", "certified", "error_bound",
            "upper_bound", "activation", "seed", "prime")


def _table(store):
    return sorted(tuple(r[c] for c in COMPARED) for r in store.rows())


@pytest.fixture(scope="module")
def serial_small():
    store = ResultStore(":memory:")
    run_census(enumerate_tasks(**SMALL), store, executor=SerialExecutor())
    yield _table(store)
    store.close()


def test_process_pool_matches_serial(serial_small):
    with ResultStore(":memory:") as store:
        summary = run_census(enumerate_tasks(**SMALL), store, workers=2)
        assert summary.failed == 0 and summary.computed == len(serial_small)
        assert _table(store) == serial_small
        again = run_census(enumerate_tasks(**SMALL), store, workers=2)
        assert (again.computed, again.skipped) == (0, len(serial_small))


def test_dask_local_cluster_matches_local_run(serial_small):
    distributed = pytest.importorskip("distributed")
    from neuromanifold.experiments.census import dask_executor

    with distributed.LocalCluster(n_workers=1, threads_per_worker=2, processes=False,
                                  dashboard_address=None) as cluster:
        client, executor = dask_executor(cluster.scheduler_address)
        try:
            with ResultStore(":memory:") as store:
                summary = run_census(enumerate_tasks(**SMALL), store, executor=executor)
                assert summary.failed == 0
                assert _table(store) == serial_small
        finally:
            client.close()


class _VanishingCluster:
    """An executor whose cluster goes away after ``keep`` tasks: later futures come back cancelled, as dask's do
    when the client loses its scheduler."""

    def __init__(self, keep: int):
        self.keep, self.inner = keep, SerialExecutor()

    def submit(self, fn, *args):
        from concurrent.futures import Future

        if self.keep > 0:
            self.keep -= 1
            return self.inner.submit(fn, *args)
        fut = Future()
        fut.cancel()
        fut.set_running_or_notify_cancel()  # what an executor does with a cancelled future: waiters see it done
        return fut


def test_lost_cluster_stops_with_a_clear_error_and_the_sweep_resumes(tmp_path):
    from neuromanifold.experiments.census import ClusterLost

    tasks = enumerate_tasks(**SMALL)
    with ResultStore(tmp_path / "lost.sqlite") as store:
        with pytest.raises(ClusterLost, match="run the same command again"):
            run_census(tasks, store, executor=_VanishingCluster(keep=3), max_in_flight=1)
        assert len(store) > 0  # what finished before the loss is stored (batches of several tasks)
        again = run_census(tasks, store, workers=1)
        assert again.failed == 0 and again.skipped + again.computed == len(tasks)


@pytest.mark.skipif(sys.platform != "linux", reason="uses POSIX process control")
def test_killing_the_dask_scheduler_gives_one_line_and_a_resumable_store(tmp_path):
    pytest.importorskip("distributed")
    import shutil
    import socket

    if shutil.which("dask") is None:
        pytest.skip("the dask command is not installed")
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    address = f"tcp://127.0.0.1:{port}"
    quiet = dict(stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    scheduler = subprocess.Popen(["dask", "scheduler", "--port", str(port), "--no-dashboard"], **quiet)
    worker = None
    try:
        time.sleep(3)
        worker = subprocess.Popen(["dask", "worker", address, "--nworkers", "1", "--nthreads", "1", "--no-dashboard"],
                                  **quiet)
        time.sleep(3)
        store = tmp_path / "dask.sqlite"
        run = subprocess.Popen([sys.executable, "-m", "neuromanifold", "census", "run", "-L", "3..4", "-w", "2..9",
                                "-r", "2..6", "--dask", address, "--store", str(store), "--no-progress"],
                               stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        deadline = time.time() + 60
        while time.time() < deadline and not (store.exists() and _count_rows(store) > 0):
            time.sleep(0.5)
        scheduler.kill()
        out, err = run.communicate(timeout=120)
    finally:
        for proc in (scheduler, worker):
            if proc is not None and proc.poll() is None:
                proc.kill()
    assert run.returncode == 1, err
    assert err.strip().count("\n") == 0 and "scheduler lost" in err and "Traceback" not in err
    with ResultStore(store, readonly=True) as kept:
        assert len(kept) > 0


def _count_rows(path) -> int:
    try:
        with sqlite3.connect(f"file:{path}?mode=ro", uri=True, timeout=1) as db:
            return db.execute("SELECT COUNT(*) FROM results").fetchone()[0]
    except sqlite3.Error:
        return 0


def test_a_busy_store_is_waited_for_with_a_report_then_refused(tmp_path, monkeypatch, capsys):
    import neuromanifold.experiments.store as store_module

    monkeypatch.setattr(store_module, "LOCK_WAIT", 1.0)
    monkeypatch.setattr(store_module, "LOCK_WAIT_STEP", 0.25)
    path = tmp_path / "busy.sqlite"
    with ResultStore(path) as store:
        other = sqlite3.connect(path)
        other.execute("BEGIN IMMEDIATE")  # another program holds the write lock
        start = time.time()
        with pytest.raises(ValueError, match="locked by another program"):
            run_census(enumerate_tasks(depths=2, widths=(1,), degrees=(2,)), store, workers=1)
        assert time.time() - start >= 0.9
        assert "waiting up to 1 s" in capsys.readouterr().err
        other.rollback()  # the lock is released: the same store works again
        assert run_census(enumerate_tasks(depths=2, widths=(1,), degrees=(2,)), store, workers=1).failed == 0
        other.close()


def test_dask_unreachable_address_is_a_value_error():
    pytest.importorskip("distributed")
    from neuromanifold.experiments.census import dask_executor

    with pytest.raises(ValueError, match="Argument 'dask'"):
        dask_executor("tcp://127.0.0.1:9", timeout="1s")


# --- interruption and resume -------------------------------------------------------------------
SWEEP = ["census", "run", "-L", "2..3", "-w", "1..4", "--input", "1..4", "--output", "1..3", "-r", "2..7",
         "--kind", "monomial,generic", "--no-progress"]
# kinds × degrees × (L=2: d_0·d_1·d_L + L=3: d_0·d_1·d_2·d_L) = 2880: several seconds, so that the signal sent
# after the first 40 results always lands mid-sweep, also on a loaded machine
SWEEP_SIZE = 2 * 6 * (4 * 4 * 3 + 4 * 16 * 3)


def _count(path):
    try:
        db = sqlite3.connect(f"file:{path}?mode=ro", uri=True, timeout=5)
        try:
            return db.execute("SELECT COUNT(*) FROM results").fetchone()[0]
        finally:
            db.close()
    except sqlite3.Error:
        return 0


def _start_and_stop(store, sig, at_least=40):
    """Start the sweep in a subprocess, send ``sig`` once ``at_least`` results are committed."""
    proc = subprocess.Popen([sys.executable, "-m", "neuromanifold", *SWEEP, "--store", str(store)],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, start_new_session=True)
    deadline = time.monotonic() + 120
    try:
        while _count(store) < at_least:
            assert proc.poll() is None, f"sweep ended before the signal: {proc.communicate()}"
            assert time.monotonic() < deadline, "sweep too slow to start"
            time.sleep(0.005)
        if sig == signal.SIGKILL:
            os.killpg(proc.pid, signal.SIGKILL)  # the whole group, pool workers included
        else:
            os.kill(proc.pid, sig)  # Ctrl-C reaches the parent; it stops its own pool
        out, err = proc.communicate(timeout=60)
    finally:
        if proc.poll() is None:  # pragma: no cover - only on a failing test
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait()
    return proc.returncode, out, err


def _snapshot(path):
    db = sqlite3.connect(path)
    try:
        return {r[0]: r[1:] for r in db.execute("SELECT key, id, dimension, created FROM results")}
    finally:
        db.close()


def test_resume_after_kill_loses_nothing_and_duplicates_nothing(tmp_path):
    store = tmp_path / "census.sqlite"
    code, _, _ = _start_and_stop(store, signal.SIGKILL)
    assert code == -signal.SIGKILL
    before = _snapshot(store)
    assert 40 <= len(before) < SWEEP_SIZE, "the kill must land mid-sweep"

    assert main([*SWEEP, "--store", str(store), "--json"]) == 0
    after = _snapshot(store)
    db = sqlite3.connect(store)
    keys = [r[0] for r in db.execute("SELECT key FROM results")]
    db.close()
    assert len(keys) == len(set(keys)) == SWEEP_SIZE  # no duplicates, nothing missing
    assert all(after[k] == v for k, v in before.items())  # finished rows kept untouched (same id, time)
    # the complete store equals an uninterrupted sweep of the same family
    with ResultStore(":memory:") as fresh:
        run_census(enumerate_tasks(depths=(2, 3), widths=(1, 2, 3, 4), input_widths=(1, 2, 3, 4),
                                   output_widths=(1, 2, 3), degrees=tuple(range(2, 8)), kinds=("monomial", "generic")),
                   fresh, executor=SerialExecutor())
        with ResultStore(store) as resumed:
            assert _table(resumed) == _table(fresh)


def test_ctrl_c_stops_cleanly_and_keeps_results(tmp_path):
    store = tmp_path / "census.sqlite"
    code, out, err = _start_and_stop(store, signal.SIGINT)
    assert code == 130
    assert "interrupted" in err and "Traceback" not in err
    n = _count(store)
    assert 40 <= n < SWEEP_SIZE
    db = sqlite3.connect(store)
    assert db.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    db.close()


# --- command line ----------------------------------------------------------------------------
def test_cli_run_analyses_and_export(tmp_path, capsys):
    store = str(tmp_path / "s.sqlite")
    assert main(["census", "run", "-L", "2", "--input", "2..4", "-w", "1..5", "--output", "1", "-r", "2..5",
                 "--store", store, "--json"]) == 0
    summary = json.loads(capsys.readouterr().out)
    assert (summary["requested"], summary["computed"], summary["failed"]) == (60, 60, 0)

    assert main(["census", "thresholds", "--store", store, "--json"]) == 0
    got = {tuple(t["widths"]): t["threshold"] for t in json.loads(capsys.readouterr().out)}
    assert got == HAND_THRESHOLDS

    assert main(["census", "defective", "--store", store, "--json"]) == 0
    got = {(tuple(d["widths"]), d["degree"]) for d in json.loads(capsys.readouterr().out)}
    assert got == set(HAND_DEFECTIVE)

    assert main(["census", "filling", "-L", "2", "--input", "2", "--output", "1", "-r", "3", "--store", store,
                 "--json"]) == 0
    # (2, d_1, 1), r = 3: A = 4 = min{2 d_1, 4} from d_1 = 2 on
    assert [f["widths"] for f in json.loads(capsys.readouterr().out)] == [[2, 2, 1]]

    csv_path, pq_path, fig = tmp_path / "a.csv", tmp_path / "a.parquet", tmp_path / "heat"
    assert main(["census", "export", "--store", store, "--csv", str(csv_path), "--parquet", str(pq_path)]) == 0
    assert len(csv_path.read_text().strip().splitlines()) == 61
    tidy = tmp_path / "tidy.parquet"
    assert main(["census", "export", "--store", store, "--out", str(tidy)]) == 0  # format from the suffix
    assert "(parquet)" in capsys.readouterr().out and tidy.stat().st_size > 0
    assert main(["census", "heatmap", "--store", store, "--to", str(fig)]) == 0
    assert (tmp_path / "heat.png").is_file() and (tmp_path / "heat.svg").is_file()
    capsys.readouterr()


def test_cli_errors_are_one_line_exit_2(tmp_path, capsys):
    assert main(["census", "run", "-r", "0..2", "--store", str(tmp_path / "s.sqlite")]) == 2
    assert main(["census", "run", "--kind", "relu", "--store", str(tmp_path / "s.sqlite")]) == 2
    assert main(["census", "thresholds", "--store", str(tmp_path / "none.sqlite")]) == 2
    assert main(["census", "export", "--store", str(tmp_path / "s.sqlite")]) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 4 and all(line.startswith("neuromanifold census: error:") for line in err)


def test_strata_analysis_is_stored_and_added_to_existing_rows():
    from neuromanifold.experiments.census import available_analyses

    if "strata" not in available_analyses():
        pytest.skip("geometry.subnetworks not installed")
    with ResultStore(":memory:") as store:
        run_census(enumerate_tasks(depths=2, widths=(2,), input_widths=(2,), output_widths=(1,), degrees=2),
                   store, executor=SerialExecutor())
        assert store.rows()[0]["extras"] == {}
        # asking again with the analysis recomputes only what is missing and merges it into the same row
        summary = run_census(enumerate_tasks(depths=2, widths=(2,), input_widths=(2,), output_widths=(1,), degrees=2,
                                             analyses=("strata",)), store, executor=SerialExecutor())
        assert summary.computed == 1 and len(store) == 1
        items = store.rows()[0]["extras"]["strata"]["items"]
    # (2,2,1), σ = z^2: V = all binary quadratics (dim 3).  Removing or merging one hidden neuron leaves
    # (2,1,1): f = λ (a·x)^2, the cone over the conic, dim 2, so codimension 1 — twice.
    assert sorted((tuple(i["reduced_widths"]), i["dimension"], i["codimension"]) for i in items) == \
        [((2, 1, 1), 2, 1), ((2, 1, 1), 2, 1)]


def test_failed_analysis_is_reported_and_retried(tmp_path, monkeypatch):
    """An analysis that raises used to be stored as a finished {"error": …} entry, counted as computed and
    never retried.  Now the dimension is stored, the analysis counts as failed, and the next run retries it."""
    import neuromanifold.geometry.strata.mlp as subnetworks
    from neuromanifold.experiments.census import enumerate_tasks, run_census
    from neuromanifold.experiments.store import ResultStore

    tasks = enumerate_tasks(depths=2, widths=(2,), output_widths=(1,), degrees=(2,), analyses=("strata",))
    real = subnetworks.subnetwork_strata

    def refuse(*args, **kwargs):
        raise ValueError("strata refused for this test")

    with ResultStore(tmp_path / "s.sqlite") as store:
        monkeypatch.setattr(subnetworks, "subnetwork_strata", refuse)
        first = run_census(tasks, store, workers=1)
        assert (first.computed, first.failed) == (0, 1) and "strata refused" in first.errors[0]
        assert len(store) == 1 and store.rows()[0]["dimension"] == 3  # (2,2,1), z²: all binary quadrics
        monkeypatch.setattr(subnetworks, "subnetwork_strata", real)
        kept = run_census(tasks, store, workers=1, retry_failed=False)  # --no-retry: the failure stays
        assert (kept.computed, kept.skipped) == (0, 1) and "error" in store.rows()[0]["extras"]["strata"]
        second = run_census(tasks, store, workers=1)
        assert (second.computed, second.failed) == (1, 0)
        assert "error" not in store.rows()[0]["extras"]["strata"]


def test_a_failing_task_in_a_batch_does_not_lose_the_others():
    from neuromanifold.experiments.census import CensusTask, run_batch

    good, bad = CensusTask((2, 2, 1), "monomial", 2), CensusTask((2, 0, 1), "monomial", 2)
    rows = run_batch([good, bad, good])
    assert rows[0]["dimension"] == rows[2]["dimension"] == 3  # (2,2,1) at r = 2: all binary quadrics
    assert isinstance(rows[1], str) and "ValueError" in rows[1]


def test_the_census_recipe_of_the_docs_runs_verbatim_as_a_script(tmp_path):
    # docs/census.md's Python recipe, copied out of the page and run as a user would (python recipe.py): it once
    # died with BrokenProcessPool (no __main__ guard while the pool's workers import the script)
    import pathlib
    import re
    import subprocess
    import sys

    page = (pathlib.Path(__file__).parents[1] / "docs" / "census.md").read_text(encoding="utf-8")
    block = next(b for b in re.findall(r"```python\n(.*?)```", page, re.S) if "run_census(" in b)
    (tmp_path / "recipe.py").write_text(block)
    proc = subprocess.run([sys.executable, "recipe.py"], cwd=tmp_path, capture_output=True, text=True, timeout=600)
    assert proc.returncode == 0, proc.stderr[-2000:]
    assert "d_0" in proc.stdout and (tmp_path / "census.sqlite").exists()


def test_heatmap_at_scale_has_a_panel_per_depth_and_kind_with_values_in_the_cells(tmp_path):
    """Hand-made rows: 90 width vectors of depth 3 (wrapping into 3 columns of ≤ 40), 2 of depth 2 and a generic
    kind; every defect written in its cell, the uncertified one with ?, integer ticks on the colour bar."""
    import itertools

    def row(w, r, dim, edim, kind="monomial", certified=True):
        return {"widths": w, "degree": r, "kind": kind, "dimension": dim, "expected_dimension": edim,
                "ambient_dimension": 50, "certified": certified}

    deep = [row((2, a, b, 1), 2, 7, 7 + (a * b) % 3) for a, b in itertools.product(range(1, 10), range(1, 11))]
    rows = deep + [row((2, 2, 1), 2, 5, 5), row((2, 3, 1), 3, 4, 6, certified=False),
                   row((2, 2, 1), 2, 5, 5, kind="generic")]
    svg = open(census_heatmap(rows, tmp_path / "big")[1], encoding="utf-8").read()
    for title in ("depth L = 2, monomial σ", "depth L = 3, monomial σ (90 width vectors)", "depth L = 2, generic σ"):
        assert title in svg
    assert ">2?<" in svg and "2,9,10,1" in svg and svg.count("degree r") == 5  # 1 + 3 + 1 axes
    # (a b) ≡ 2 mod 3 for 3·3 + 3·4 = 21 of the deep vectors; plus the degree tick "2" of 5 axes and colour-bar tick 2
    assert svg.count(">2<") == 21 + 5 + 1
