"""Census throughput (architectures per second): in-process, and a local process pool of 1 and 2 workers.

Run standalone: ``python benchmarks/bench_census.py [--quick]`` prints a Markdown table;
``benchmarks/run.py`` picks up :func:`main` and appends it.

Each configuration sweeps the same family into a fresh SQLite store (one commit per result, WAL),
so the numbers include everything a user pays: enumeration, pool start-up, pickling, the dimension
computation and the durable write.
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time
from pathlib import Path

from neuromanifold.experiments.census import SerialExecutor, enumerate_tasks, run_census
from neuromanifold.experiments.store import ResultStore

#: The swept family: L = 2, 3; d_0 ∈ {4, 6}; hidden widths 2, 4, 6, 8; d_L ∈ {1, 3}; σ = z^2, z^3.
FAMILY = dict(depths=(2, 3), input_widths=(4, 6), widths=(2, 4, 6, 8), output_widths=(1, 3), degrees=(2, 3))
QUICK_FAMILY = dict(depths=(2, 3), input_widths=(3,), widths=(2, 3, 4), output_widths=(1, 2), degrees=(2, 3))


def measure(tasks, label: str, executor=None, workers: int = 1) -> tuple[str, int, float]:
    with tempfile.TemporaryDirectory() as tmp:
        with ResultStore(Path(tmp) / "bench.sqlite") as store:
            start = time.perf_counter()
            summary = run_census(tasks, store, executor=executor, workers=workers)
            seconds = time.perf_counter() - start
    if summary.failed:
        raise RuntimeError(f"{label}: {summary.failed} tasks failed: {summary.errors[:3]}")
    return label, summary.computed, seconds


def main(quick: bool = False) -> str:
    family = QUICK_FAMILY if quick else FAMILY
    tasks = enumerate_tasks(**family)
    results = [
        measure(tasks, "in-process (SerialExecutor)", executor=SerialExecutor()),
        measure(tasks, "process pool, 1 worker", workers=1),
        measure(tasks, "process pool, 2 workers", workers=2),
    ]
    largest = max(t.architecture().n_params for t in tasks)
    lines = [
        "### Census throughput",
        "",
        f"{len(tasks)} architectures (L ∈ {family['depths']}, d_0 ∈ {family['input_widths']}, hidden widths "
        f"∈ {family['widths']}, d_L ∈ {family['output_widths']}, σ = z^r, "
        f"r ∈ {family['degrees']}; up to {largest} parameters), each committed to a fresh SQLite store; "
        f"{os.cpu_count()} CPU(s) visible.",
        "",
        "| execution | architectures | seconds | architectures / s |",
        "|---|---:|---:|---:|",
    ]
    for label, n, seconds in results:
        lines.append(f"| {label} | {n} | {seconds:.2f} | {n / seconds:.0f} |")
    return "\n".join(lines)


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="a smaller family")
    args = parser.parse_args()
    print(main(quick=args.quick))
    sys.exit(0)
