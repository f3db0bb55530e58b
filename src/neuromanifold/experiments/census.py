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
import itertools
import sys
import time
from concurrent.futures import FIRST_COMPLETED, wait
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass, field

from ..architectures import MLP, Monomial, generic_polynomial
from ..geometry import dimension
from ..limits import check_count, check_seed
from ..results import Result
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

#: Activation kinds a census can sweep.
KINDS = ("monomial", "generic")

#: Optional per-architecture analyses → the module that must exist for them.
_ANALYSES = {
    "strata": "neuromanifold.geometry.mlp_strata",
    "criticality": "neuromanifold.geometry.critical_scan",
}
#: Entry point of each analysis module: called as fn(architecture[, seed=...]).
_ENTRY = {"strata": "subnetwork_strata", "criticality": "scan"}


@dataclass(frozen=True)
class CensusTask:
    """One unit of work: the dimension (and optional analyses) of one architecture.

    Each task computes dim V with :func:`~neuromanifold.geometry.dimension.dimension` (certified or with its
    Schwartz–Zippel error bound, docs/math.md §2) and stores it with edim, A and the bound used.

    Plain picklable data, so it travels to process-pool and dask workers alike.
    """

    widths: tuple[int, ...]
    kind: str
    degree: int
    bias: bool = False
    seed: int = 0
    trials: int = 2
    prime: int | None = None  # None: dimension()'s default (BLAS primes); the prime used is stored
    analyses: tuple[str, ...] = ()

    @property
    def key(self) -> str:
        """Identity of architecture × activation, e.g. ``'mlp:3,5,1:monomial:4'`` (``':bias'`` appended
        with biases).  A generic activation is identified by its degree: its seeded coefficients are
        one realisation of "general position", recorded in the ``activation`` column."""
        text = f"mlp:{','.join(map(str, self.widths))}:{self.kind}:{self.degree}"
        return text + (":bias" if self.bias else "")

    def architecture(self) -> MLP:
        act = Monomial(self.degree) if self.kind == "monomial" else generic_polynomial(self.degree, seed=self.seed)
        return MLP(self.widths, act, bias=self.bias)


def _int_values(values, name: str, minimum: int) -> tuple[int, ...]:
    if isinstance(values, (int,)) and not isinstance(values, bool):
        values = (values,)
    if isinstance(values, (str, bytes)) or not hasattr(values, "__iter__"):
        raise TypeError(f"Argument '{name}' must be an int or a sequence of ints, not {type(values).__name__}.")
    out = []
    for v in values:
        if isinstance(v, bool) or not isinstance(v, int):
            raise TypeError(f"Argument '{name}' must hold ints, not {type(v).__name__} {v!r}.")
        if v < minimum:
            raise ValueError(f"Argument '{name}' must hold integers >= {minimum}, got {v}.")
        out.append(v)
    if not out:
        raise ValueError(f"Argument '{name}' must not be empty.")
    return tuple(sorted(set(out)))


def available_analyses() -> tuple[str, ...]:
    """The optional analyses whose geometry modules are installed (subset of ``('strata', 'criticality')``)."""
    import importlib.util

    out = []
    for name, module in _ANALYSES.items():
        try:
            if importlib.util.find_spec(module) is not None:
                out.append(name)
        except ImportError:  # pragma: no cover
            pass
    return tuple(out)


def check_analyses(analyses) -> tuple[str, ...]:
    """``analyses`` as a tuple, each one known and installed (:func:`available_analyses`)."""
    analyses = tuple(analyses)
    have = available_analyses()
    for a in analyses:
        if a not in _ANALYSES:
            raise ValueError(f"Argument 'analyses' holds {a!r}; known analyses: {', '.join(_ANALYSES)}.")
        if a not in have:
            raise ValueError(f"Argument 'analyses' holds {a!r}, which needs {_ANALYSES[a]} (not installed yet).")
    return analyses


#: Largest census :func:`enumerate_tasks` enumerates (before --max-params filtering).
MAX_TASKS = 1_000_000

#: How often a task whose worker process died is submitted again before it counts as failed.
MAX_TASK_RETRIES = 3


def enumerate_tasks(
    depths=2,
    widths=(1, 2, 3),
    degrees=(2, 3),
    kinds=("monomial",),
    input_widths=None,
    output_widths=None,
    bias: bool = False,
    max_params: int | None = None,
    seed: int = 0,
    trials: int = 2,
    prime: int | None = None,
    analyses=(),
) -> list[CensusTask]:
    """Every architecture × activation of the family, in a deterministic order.

    Each task is one architecture d = (d_0, …, d_L) with σ = z^r (``monomial``) or a seeded generic polynomial
    of degree r (``generic``), whose dim V the census computes (docs/math.md §2–3).

    Parameters
    ----------
    depths:
        The depths L (number of layers, ≥ 1; L − 1 hidden layers).
    widths:
        The hidden widths d_1..d_{L−1} (each ranges over these values independently).
    degrees:
        The activation degrees r ≥ 1.
    kinds:
        Subset of :data:`KINDS`.
    input_widths, output_widths:
        The values of d_0 and d_L (default: ``widths``).
    bias:
        Networks with biases.
    max_params:
        Skip architectures with more than this many parameters N.
    seed, trials, prime:
        Passed to :func:`~neuromanifold.geometry.dimension.dimension` (and seed the generic activation).
    analyses:
        Optional extra analyses per architecture, from :func:`available_analyses`.

    Examples
    --------
    >>> len(enumerate_tasks(depths=2, widths=(1, 2), degrees=(2, 3), output_widths=(1,)))
    8
    """
    depths = _int_values(depths, "depths", 1)
    from ..limits import MAX_LAYERS

    if max(depths) > MAX_LAYERS:  # before counting: width choices ** depth would not finish for a huge depth
        raise ValueError(f"Argument 'depths' must be <= {MAX_LAYERS} (MAX_LAYERS), got {max(depths)}.")
    widths = _int_values(widths, "widths", 1)
    degrees = _int_values(degrees, "degrees", 1)
    d_in = widths if input_widths is None else _int_values(input_widths, "input_widths", 1)
    d_out = widths if output_widths is None else _int_values(output_widths, "output_widths", 1)
    from ..architectures.mlp import MAX_INDEX_ENTRIES

    for name, values in (("widths", widths), ("input_widths", d_in), ("output_widths", d_out)):
        if max(values) > MAX_INDEX_ENTRIES:  # no layer of such a width fits the layer-map limit
            raise ValueError(f"Argument '{name}' must hold widths <= {MAX_INDEX_ENTRIES:.0e}, got {max(values)}.")
    if isinstance(kinds, str):
        kinds = (kinds,)
    kinds = tuple(kinds)
    if not kinds or any(k not in KINDS for k in kinds):
        raise ValueError(f"Argument 'kinds' must be a non-empty subset of {', '.join(KINDS)}, got {list(kinds)}.")
    if not isinstance(bias, bool):
        raise TypeError(f"Argument 'bias' must be a bool, not {type(bias).__name__}.")
    if max_params is not None and (isinstance(max_params, bool) or not isinstance(max_params, int) or max_params < 1):
        raise ValueError(f"Argument 'max_params' must be a positive int or None, got {max_params!r}.")
    from ..architectures.activations import MAX_DEGREE

    if max(degrees) > MAX_DEGREE:
        raise ValueError(f"Argument 'degrees' must be <= {MAX_DEGREE}, got {max(degrees)}.")
    check_seed(seed)
    check_count(trials, "trials", "MAX_TRIALS")
    count = sum(len(kinds) * len(degrees) * len(d_in) * len(widths) ** (L - 1) * len(d_out) for L in depths)
    if count > MAX_TASKS:
        raise ValueError(f"Arguments 'depths'/'widths'/'degrees' span {count} architectures; a census of more than "
                         f"{MAX_TASKS} is refused (narrow the ranges).")
    analyses = check_analyses(analyses)
    tasks = []
    for L in depths:
        for kind in kinds:
            for r in degrees:
                for d0 in d_in:
                    for hidden in itertools.product(widths, repeat=L - 1):
                        for dL in d_out:
                            w = (d0, *hidden, dL)
                            if max_params is not None:
                                n = sum((w[i] + bias) * w[i + 1] for i in range(L))
                                if n > max_params:
                                    continue
                            tasks.append(CensusTask(w, kind, r, bias, seed, trials, prime, analyses))
    return tasks


# --- the worker ----------------------------------------------------------------------------
def run_task(task: CensusTask) -> dict:
    """Compute one task; returns the store row (see :data:`~neuromanifold.experiments.store.COLUMNS`).

    Runs in a worker process (or on a dask worker): a module-level function of plain data.
    """
    from .. import __version__

    start = time.perf_counter()
    arch = task.architecture()
    res = dimension(arch, seed=task.seed, trials=task.trials, prime=task.prime)
    extras = {name: _run_analysis(name, arch, res, task) for name in task.analyses}
    acts = sorted({str(a) for a in arch.activations})
    return {
        "key": task.key,
        "tool_version": __version__,
        "kind": task.kind,
        "widths": ",".join(map(str, task.widths)),
        "depth": len(task.widths) - 1,
        "input_dim": task.widths[0],
        "output_dim": task.widths[-1],
        "degree": task.degree,
        "activation": "; ".join(acts) if acts else "none",
        "bias": task.bias,
        "dimension": res.dimension,
        "expected_dimension": res.expected_dimension,
        "ambient_dimension": res.ambient_dimension,
        "parameters": res.parameters,
        "symmetry_dimension": res.symmetry_dimension,
        "upper_bound": res.upper_bound,
        "upper_bound_source": res.upper_bound_source,
        "certified": res.certified,
        "error_bound": res.error_bound,
        "defective": res.defective,
        "filling": res.filling,
        "identifiable": res.identifiable,
        "seed": task.seed,
        "trials": task.trials,
        "prime": res.prime,
        "seconds": time.perf_counter() - start,
        "extras": extras,
        "architecture": arch.to_json(),
    }


def run_batch(tasks) -> list:
    """Several small tasks in one worker call (one round trip instead of many): for each task its row, or the
    text of the exception it raised (then counted as failed).  ``MemoryError`` is not caught: the batch fails
    and its tasks are retried one by one."""
    out = []
    for task in tasks:
        try:
            out.append(run_task(task))
        except MemoryError:
            raise
        except Exception as exc:  # one bad task must not lose the others of its batch
            out.append(f"{type(exc).__name__}: {exc}")
    return out


#: Tasks with at most this many parameters are sent to workers in batches of :data:`BATCH_SIZE` (their
#: computation takes milliseconds, less than a round trip to a worker).
BATCH_MAX_PARAMS = 300
BATCH_SIZE = 32


def _batches(tasks):
    """The tasks in order, small ones grouped into lists of up to BATCH_SIZE, others alone."""
    group = []
    for t in tasks:
        if sum((t.widths[i] + t.bias) * t.widths[i + 1] for i in range(len(t.widths) - 1)) <= BATCH_MAX_PARAMS:
            group.append(t)
            if len(group) == BATCH_SIZE:
                yield group
                group = []
        else:
            yield [t]
    if group:
        yield group


def _run_analysis(name: str, arch, res, task: CensusTask) -> dict:
    """One optional analysis as a JSON-able dict (strata / criticality, when their modules exist).

    The geometry modules are written independently; we call their documented entry point and keep
    whatever ``to_dict()`` gives, so new fields flow into the store without changes here.
    """
    import importlib
    import json

    module = importlib.import_module(_ANALYSES[name])
    fn = getattr(module, _ENTRY[name], None)
    if fn is None:
        return {"error": f"{_ANALYSES[name]} has no {_ENTRY[name]}()"}
    try:
        kwargs = {"seed": task.seed} if "seed" in inspect.signature(fn).parameters else {}
        out = fn(arch, **kwargs)
    except MemoryError:
        raise  # the task fails (nothing stored), it is not a finished analysis
    except Exception as exc:  # an analysis failing must not lose the dimension; stored as failed, retried
        return {"error": f"{type(exc).__name__}: {exc}"}
    if hasattr(out, "to_dict"):
        out = out.to_dict()
    elif isinstance(out, (list, tuple)):
        out = {"items": [o.to_dict() if hasattr(o, "to_dict") else o for o in out]}
    elif not isinstance(out, dict):
        out = {"value": str(out)}
    # JSON-safe now (Fractions, numpy scalars → text), so pickling and the store never choke on it
    return json.loads(json.dumps(out, default=_jsonable))


def _jsonable(value):
    if hasattr(value, "item") and callable(value.item):  # numpy scalar
        return value.item()
    if hasattr(value, "tolist"):
        return value.tolist()
    return str(value)


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
