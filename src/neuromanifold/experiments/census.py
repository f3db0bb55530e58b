"""Census sweeps: the dimension of every architecture in a family, computed in parallel and stored.

A sweep enumerates MLPs d = (d_0, …, d_L) by ranges of the depth L, the input width d_0, the hidden
widths d_1..d_{L−1}, the output width d_L, the activation degree r and the activation kind —

* ``monomial``: σ = z^r on every hidden layer (outputs are forms of degree r^{L−1});
* ``generic``: a seeded generic polynomial of degree r (:func:`~neuromanifold.generic_polynomial`),

— and computes dim V for each with :func:`~neuromanifold.geometry.dimension.dimension` (certified or
with a Schwartz–Zippel error bound, docs/math.md §2).  Results are committed one by one to a
:class:`~neuromanifold.experiments.store.ResultStore`; a re-run skips whatever is stored, so an
interrupted sweep resumes where it stopped.

Execution goes through one ``concurrent.futures`` executor interface: a local
``ProcessPoolExecutor`` by default, ``distributed.Client(address).get_executor()`` for a dask
cluster, or :class:`SerialExecutor` in-process.  Only the calling process writes to the store.
"""

from __future__ import annotations

import inspect
import sys
import time
from concurrent.futures import FIRST_COMPLETED, wait
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass, field

from ..limits import check_count
from ..results import Result
from .census_tasks import (  # noqa: F401  (re-exported: the census API in one module)
    KINDS,
    MAX_TASK_RETRIES,
    MAX_TASKS,
    CensusTask,
    available_analyses,
    check_analyses,
    enumerate_tasks,
)
from .census_worker import (  # noqa: F401
    BATCH_MAX_PARAMS,
    BATCH_SIZE,
    _batches,
    run_batch,
    run_task,
)
from .executors import ClusterLost, SerialExecutor, dask_executor, local_executor  # noqa: F401  (re-exported)

__all__ = [
    "KINDS",
    "CensusSummary",
    "CensusTask",
    "SerialExecutor",
    "available_analyses",
    "dask_executor",
    "enumerate_tasks",
    "pending_tasks",
    "run_census",
    "run_task",
    "run_batch",
]


# --- the worker ----------------------------------------------------------------------------


# --- the runner ----------------------------------------------------------------------------


@dataclass(frozen=True)
class CensusSummary(Result):
    """What a sweep did: tasks requested, already stored (skipped), computed now, failed."""

    requested: int
    skipped: int
    computed: int
    failed: int
    seconds: float
    interrupted: bool = False
    errors: tuple[str, ...] = field(default=())

    def to_dict(self) -> dict:
        return {
            "requested": self.requested,
            "skipped": self.skipped,
            "computed": self.computed,
            "failed": self.failed,
            "seconds": round(self.seconds, 6),
            "interrupted": self.interrupted,
            "errors": list(self.errors),
        }

    def summary(self) -> str:
        rate = self.computed / self.seconds if self.seconds > 0 else float("nan")
        text = (
            f"{self.requested} architectures: {self.computed} computed, {self.skipped} already stored, "
            f"{self.failed} failed in {self.seconds:.2f} s ({rate:.1f} architectures/s)"
        )
        return text + (" — interrupted, finished results kept" if self.interrupted else "")


def pending_tasks(tasks, store, retry_failed: bool = True) -> list[CensusTask]:
    """The tasks still to compute: not stored for this tool version (or stored without one of their
    requested analyses, or — with ``retry_failed`` — with that analysis stored as failed), each key once, in
    order."""
    from .. import __version__

    if not isinstance(retry_failed, bool):
        raise TypeError(f"Argument 'retry_failed' must be a bool, not {type(retry_failed).__name__}.")
    stored = store.analyses(__version__, succeeded=retry_failed)  # key → analyses already in its row (failed ones: again)
    seen, pending = set(), []
    for t in tasks:
        done = t.key in stored and set(t.analyses) <= stored[t.key]
        if not done and t.key not in seen:
            seen.add(t.key)
            pending.append(t)
    return pending


def run_census(tasks, store, executor=None, workers: int = 1, progress: bool = False,
               max_in_flight: int | None = None, retry_failed: bool = True) -> CensusSummary:
    """Run every task not yet in ``store``, committing each result as soon as it arrives.

    Each row holds dim V, edim, A, the proven upper bound and how the value is known (certified or
    Schwartz–Zippel error bound, docs/math.md §2).

    Parameters
    ----------
    tasks:
        :class:`CensusTask` objects (e.g. from :func:`enumerate_tasks`).
    store:
        A :class:`~neuromanifold.experiments.store.ResultStore`.
    executor:
        Any ``concurrent.futures``-compatible executor (a dask ``Client.get_executor()``,
        :class:`SerialExecutor`, …).  Default: a local process pool of ``workers`` processes, created
        and shut down here.
    workers:
        Size of the default process pool (1: the tasks run in this process, no pool is started).
    progress:
        Show a tqdm progress bar on stderr.
    retry_failed:
        Compute again the analyses stored as failed by an earlier sweep (default); ``False`` leaves them failed.
    max_in_flight:
        Batches submitted ahead of the results (default 4 per worker, at least 8): bounds memory and makes
        Ctrl-C quick.  Tasks of at most :data:`BATCH_MAX_PARAMS` parameters travel in batches of
        :data:`BATCH_SIZE` (:func:`run_batch`) when a pool or cluster runs them.

    Ctrl-C (``KeyboardInterrupt``): pending tasks are cancelled, running ones are allowed to finish
    and are stored too, the pool is shut down, and the interrupt is re-raised — every finished result
    is already committed.  A task that raises is counted as failed (not stored, so a re-run retries).

    A worker of the default pool that dies (an out-of-memory kill, a segfault) breaks the whole
    ``ProcessPoolExecutor``: the pool is then started afresh and the tasks that were in flight are
    submitted again, each at most :data:`MAX_TASK_RETRIES` times before it counts as failed.
    """
    tasks = list(tasks)
    if any(not isinstance(t, CensusTask) for t in tasks):
        raise TypeError("Argument 'tasks' must hold CensusTask objects (see enumerate_tasks).")
    check_count(workers, "workers", "MAX_WORKERS")
    start = time.perf_counter()
    pending = pending_tasks(tasks, store, retry_failed)
    skipped = len(tasks) - len(pending)
    own = executor is None
    if own:
        executor = SerialExecutor() if not pending or workers == 1 else local_executor(workers)
    limit = max_in_flight or max(8, 4 * (workers if own else 4))
    bar = _progress_bar(len(pending), progress)
    computed, errors = 0, []
    in_flight: dict = {}  # future → the batch (list of tasks) it computes
    queue = _batches(pending) if not isinstance(executor, SerialExecutor) else ([t] for t in pending)
    retry: list = []  # tasks whose worker died, to submit again (one by one)
    deaths: dict[str, int] = {}
    broken = False
    restarts = 0  # pool restarts since the last finished task

    def requeue(task) -> None:
        deaths[task.key] = deaths.get(task.key, 0) + 1
        if deaths[task.key] > MAX_TASK_RETRIES:
            errors.append(f"{task.key}: its worker process died {deaths[task.key]} times (out of memory?)")
            if bar is not None:
                bar.update(1)
        else:
            retry.append(task)

    def collect(fut) -> None:
        nonlocal computed, broken, restarts
        batch = in_flight.pop(fut)
        if fut.cancelled():  # not by us (we cancel only while stopping): the cluster behind the executor is gone
            raise ClusterLost(f"the cluster cancelled the running tasks (scheduler lost?) after {computed} results; "
                              "they are stored — run the same command again to resume")
        exc = fut.exception()
        if own and isinstance(exc, BrokenProcessPool):
            broken = True
            for task in batch:
                requeue(task)
            return
        if exc is not None and len(batch) > 1 and isinstance(exc, MemoryError):
            retry.extend(batch)  # alone, each may fit
            return
        results = [f"{type(exc).__name__}: {exc}"] * len(batch) if exc is not None else fut.result()
        for task, row in zip(batch, results):
            if isinstance(row, str):
                errors.append(f"{task.key}: {row}")
            else:
                restarts = 0
                if not store.put(row):  # stored before without some analysis: add it
                    store.add_extras(row["key"], row["tool_version"], row["extras"])
                failed = [f"{name}: {value['error']}" for name, value in row["extras"].items()
                          if isinstance(value, dict) and "error" in value]
                if failed:  # the dimension is stored; the analysis counts as failed and a re-run retries it
                    errors.append(f"{task.key}: analysis " + "; ".join(failed))
                else:
                    computed += 1
            if bar is not None:
                bar.update(1)

    interrupted = False
    try:
        while True:
            while len(in_flight) < limit and not broken:
                batch = [retry.pop()] if retry else next(queue, None)
                if batch is None:
                    break
                try:
                    in_flight[executor.submit(run_batch, batch)] = batch
                except BrokenProcessPool:
                    if not own:
                        raise
                    broken = True
                    for task in batch:
                        requeue(task)
                except (OSError, RuntimeError) as exc:
                    if own:
                        raise
                    raise ClusterLost(f"the cluster refused new tasks ({type(exc).__name__}: {exc}) after {computed} "
                                      "results; they are stored — run the same command again to resume") from None
            if broken:  # a worker died: the pool's other futures are lost too; start a new pool
                for fut in list(in_flight):
                    if fut.done() and not fut.cancelled() and fut.exception() is None:
                        collect(fut)  # finished before the death: keep it
                    else:
                        for task in in_flight.pop(fut):
                            requeue(task)
                broken = False
                restarts += 1
                _shutdown(executor, cancel=True)
                if restarts > MAX_TASK_RETRIES:  # fresh pools die before finishing anything: give up
                    executor = SerialExecutor()  # nothing left to shut down
                    raise ValueError(f"Argument 'workers': the process pool broke {restarts} times in a row without "
                                     "finishing a task (worker processes cannot start, or each is killed); finished "
                                     "results are stored — rerun with workers=1 (--workers 1)")
                executor = local_executor(workers)
                continue
            if not in_flight:
                break
            finished, _ = wait(list(in_flight), return_when=FIRST_COMPLETED)
            for fut in finished:
                collect(fut)
    except KeyboardInterrupt:
        interrupted = True
        for fut in in_flight:
            fut.cancel()
        if own:
            _shutdown(executor, cancel=True)
        for fut in list(in_flight):  # keep what finished while we were stopping
            if fut.done() and not fut.cancelled():
                try:
                    collect(fut)
                except Exception:  # pragma: no cover - best effort while stopping
                    pass
        raise
    finally:
        if bar is not None:
            bar.close()
        if own and not interrupted:
            _shutdown(executor, cancel=False)
    return CensusSummary(len(tasks), skipped, computed, len(errors), time.perf_counter() - start, False, tuple(errors))


def _shutdown(executor, cancel: bool) -> None:
    if "cancel_futures" in inspect.signature(executor.shutdown).parameters:
        executor.shutdown(wait=True, cancel_futures=cancel)
    else:  # dask's ClientExecutor
        executor.shutdown(wait=not cancel)


def _progress_bar(total: int, enabled: bool):
    if not enabled or total == 0:
        return None
    from tqdm import tqdm

    return tqdm(total=total, unit="arch", desc="census", file=sys.stderr, dynamic_ncols=True)
