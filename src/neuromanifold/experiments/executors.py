"""Where census tasks run: in this process, a local process pool, or a dask.distributed cluster.

Each is a ``concurrent.futures`` executor (:func:`~neuromanifold.experiments.census.run_census` takes any).  The
local pool uses the forkserver start method, gives each worker its share of BLAS/FLINT threads, and its workers
end themselves when the census process disappears.
"""

from __future__ import annotations

import signal
import time
from concurrent.futures import Future, ProcessPoolExecutor

from ..limits import check_count

__all__ = ["SerialExecutor", "local_executor", "dask_executor", "ClusterLost"]


class ClusterLost(RuntimeError):
    """The cluster behind a given executor went away (a dask scheduler that died or became unreachable): its
    futures were cancelled.  Results that finished before are stored; re-running the sweep resumes it."""


class SerialExecutor:
    """A ``concurrent.futures``-style executor that runs each task in the calling process at submit
    time — for tiny sweeps, tests and claims (no process start-up)."""

    def submit(self, fn, *args, **kwargs) -> Future:
        fut: Future = Future()
        try:
            fut.set_result(fn(*args, **kwargs))
        except BaseException as exc:  # noqa: BLE001 - delivered through the future
            if isinstance(exc, KeyboardInterrupt):
                raise
            fut.set_exception(exc)
        return fut

    def shutdown(self, wait: bool = True, cancel_futures: bool = False) -> None:
        pass

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.shutdown()


def _worker_init(parent: int, barrier=None) -> None:
    """Pool initializer: Ctrl-C is the parent's business, and the worker ends itself once ``parent`` is
    gone — whatever killed it (SIGKILL, an out-of-memory kill) — instead of idling on as an orphan.
    (With the forkserver start method the parent of a worker is the fork server, so the census process
    is watched by its pid.)"""
    import os
    import threading

    signal.signal(signal.SIGINT, signal.SIG_IGN)

    def watch() -> None:
        while True:
            time.sleep(0.5)
            try:
                os.kill(parent, 0)
            except ProcessLookupError:
                os._exit(1)
            except PermissionError:  # pragma: no cover - the pid was reused by another user's process
                os._exit(1)

    threading.Thread(target=watch, name="neuromanifold-parent-watch", daemon=True).start()
    if barrier is not None:  # every worker is up before the parent may act on a Ctrl-C (local_executor)
        barrier.wait(timeout=START_TIMEOUT)


def local_executor(workers: int) -> ProcessPoolExecutor:
    """A process pool of ``workers`` fresh processes (forkserver) that ignore SIGINT (the parent shuts
    them down on Ctrl-C)."""
    check_count(workers, "workers", "MAX_WORKERS")
    import multiprocessing

    # forkserver, not fork: forking a process whose numeric libraries already run threads (flint,
    # BLAS — e.g. after an in-process dimension computation) can deadlock the children.
    methods = multiprocessing.get_all_start_methods()
    ctx = multiprocessing.get_context("forkserver" if "forkserver" in methods else "spawn")
    if ctx.get_start_method() == "forkserver":
        ctx.set_forkserver_preload(["neuromanifold.experiments.census"])
    import os

    # every worker's BLAS (and FLINT) gets its share of the CPUs: w workers × all-core BLAS would oversubscribe
    # the machine (measured: 2 workers slower than 1).  Inherited by the fork server and the workers, which
    # read it when they load numpy; a value the user already set is kept.
    share = str(max(1, len(os.sched_getaffinity(0)) // workers) if hasattr(os, "sched_getaffinity") else 1)
    for var in ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS", "NEUROMANIFOLD_THREADS"):
        os.environ.setdefault(var, share)
    # Ctrl-C while the fork server and the workers start used to leave them half-born (40-line tracebacks from
    # the fork server's preload or a worker unpickling a semaphore the exiting parent had removed).  The fork
    # server is started with SIGINT ignored — inherited across exec, and kept by the workers it forks (the parent
    # shuts them down) — while the parent blocks SIGINT, so that a Ctrl-C of that window is kept, not lost.  During the rest of the start-up the
    # parent only notes a Ctrl-C, waits until every worker has met the others at a barrier, then raises it.
    import threading

    main = threading.current_thread() is threading.main_thread()
    interrupted: list = []
    previous = signal.getsignal(signal.SIGINT) if main else None
    try:
        if main:
            signal.signal(signal.SIGINT, lambda *_: interrupted.append(True))
        if main and ctx.get_start_method() == "forkserver":
            from multiprocessing import forkserver

            # ignored, so that the fork server inherits SIG_IGN across exec and its preload cannot be interrupted;
            # and blocked meanwhile, so that a Ctrl-C of this window stays pending (Linux keeps a blocked signal
            # pending even when ignored) and reaches the handler above once unblocked — ignored alone, it was
            # lost and the sweep ran to its end (seen under load)
            old_mask = signal.pthread_sigmask(signal.SIG_BLOCK, {signal.SIGINT})
            noting = signal.signal(signal.SIGINT, signal.SIG_IGN)
            try:
                forkserver.ensure_running()
            finally:
                signal.signal(signal.SIGINT, noting)
                signal.pthread_sigmask(signal.SIG_SETMASK, old_mask)
        barrier = ctx.Barrier(workers + 1)
        pool = ProcessPoolExecutor(max_workers=workers, initializer=_worker_init, initargs=(os.getpid(), barrier),
                                   mp_context=ctx)
        for _ in range(workers):  # each submit starts one more worker while none is idle
            pool.submit(_ready)
        try:
            barrier.wait(timeout=START_TIMEOUT)
        except threading.BrokenBarrierError:  # workers that cannot start: the caller sees BrokenProcessPool
            pass
    finally:
        if main:
            signal.signal(signal.SIGINT, previous)
    if interrupted:  # the Ctrl-C that came during start-up, now that the pool can be shut down cleanly
        pool.shutdown(wait=True, cancel_futures=True)
        raise KeyboardInterrupt
    return pool


#: Seconds the workers of a new local pool get to start before the pool is used anyway (and reports itself
#: broken if they never come up).
START_TIMEOUT = 60.0


def _ready() -> None:
    """A no-op task: the submit that starts a worker."""


def dask_executor(address, timeout: str = "10s"):
    """``(client, executor)`` for the dask.distributed scheduler at ``address`` (or a ``LocalCluster``).

    The executor is dask's ``concurrent.futures``-compatible one (``Client.get_executor()``), so the
    census runs the same code path as with a local pool.  Close the client when done.
    """
    try:
        from distributed import Client
    except ImportError:
        raise ValueError('Argument \'dask\' needs dask.distributed: pip install "neuromanifold[cluster]".') from None
    if isinstance(address, str):
        if not address.strip():
            raise ValueError("Argument 'dask' is empty; name a scheduler address like tcp://host:8786.")
        _probe(address)
    try:
        client = Client(address, timeout=timeout)
    except (OSError, TimeoutError, ValueError) as exc:  # ValueError: a malformed address
        raise ValueError(f"Argument 'dask' names no reachable scheduler ({address!r}): {exc}.") from None
    return client, client.get_executor()


def _probe(address: str) -> None:
    """Fail at once (not after dask's connect timeout) when a tcp scheduler address refuses connections."""
    import socket
    from urllib.parse import urlsplit

    text = address if "://" in address else "tcp://" + address
    parts = urlsplit(text)
    if parts.scheme != "tcp" or not parts.hostname:
        return  # other transports (inproc, tls, ucx): leave them to dask
    try:
        port = parts.port
    except ValueError:
        raise ValueError(f"Argument 'dask' has a malformed port: {address!r}.") from None
    if port is None:
        return
    try:
        socket.create_connection((parts.hostname, port), timeout=5).close()
    except ConnectionRefusedError:
        raise ValueError(f"Argument 'dask' names no reachable scheduler ({address!r}): connection refused.") from None
    except OSError:
        return  # unreachable host, timeouts: dask's own timeout reports them
