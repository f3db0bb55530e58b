"""The census worker: one task (or a batch of small ones) computed in a worker process or on a dask worker.

Everything here is a module-level function of plain data, so it pickles by reference.  A row is the
store's schema (:data:`~neuromanifold.experiments.store.COLUMNS`); optional analyses (strata, criticality) are
looked up by module path and their ``to_dict()`` kept as JSON."""

from __future__ import annotations

import inspect
import time

from ..geometry import dimension
from .census_tasks import _ANALYSES, _ENTRY, CensusTask

__all__ = ["run_task", "run_batch", "BATCH_MAX_PARAMS", "BATCH_SIZE"]


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
