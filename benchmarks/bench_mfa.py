"""The published census end to end: the 6,000-row sample of Dao–Rodriguez through ``census run --architectures``.

Run standalone: ``python benchmarks/bench_mfa.py [--quick] [--table FILE]``; ``benchmarks/run.py`` appends it.

The table is the sample shipped beside the project (``../shared/data/mfa_r2_dimensions_sample.csv``, see its
README for provenance) or any file given with ``--table``; ``--quick`` (and the test data fallback) uses the
150 rows in ``tests/data/``.  Each configuration computes every row into a fresh SQLite store (in-process, then
a local pool of 2 workers) and compares the stored dimensions with the table's ``dimension`` column.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from pathlib import Path

from neuromanifold.experiments.census import SerialExecutor, run_census
from neuromanifold.experiments.store import ResultStore
from neuromanifold.experiments.tables import compare, read_architectures

HERE = Path(__file__).resolve().parent
SAMPLE = HERE.parent.parent / "shared" / "data" / "mfa_r2_dimensions_sample.csv"
SMALL = HERE.parent / "tests" / "data" / "mfa_r2_dimensions_150.csv"


def measure(table: Path, label: str, executor=None, workers: int = 1) -> tuple[str, int, float, object]:
    tasks = read_architectures(table)
    with tempfile.TemporaryDirectory() as tmp:
        with ResultStore(Path(tmp) / "bench.sqlite") as store:
            start = time.perf_counter()
            summary = run_census(tasks, store, executor=executor, workers=workers)
            seconds = time.perf_counter() - start
            agreement = compare(table, store)
    if summary.failed:
        raise RuntimeError(f"{label}: {summary.failed} tasks failed: {summary.errors[:3]}")
    print(f"{label}: {summary.computed} in {seconds:.1f} s", file=sys.stderr)
    return label, summary.computed, seconds, agreement


def main(quick: bool = False, table: str | None = None) -> str:
    path = Path(table) if table else (SMALL if quick or not SAMPLE.exists() else SAMPLE)
    results = [measure(path, "in-process", executor=SerialExecutor()),
               measure(path, "process pool, 2 workers", workers=2)]
    lines = [
        "### A published census end to end",
        "",
        f"`neuromanifold census run --architectures {path.name}` ({results[0][1]} architectures of Dao–Rodriguez, "
        "σ = z², no bias), each committed to a fresh SQLite store, then `census compare` on `dimension`.",
        "",
        "| execution | architectures | seconds | architectures / s | agree with the table | disagree |",
        "|---|---:|---:|---:|---:|---:|",
    ]
    for label, n, seconds, agreement in results:
        lines.append(f"| {label} | {n} | {seconds:.1f} | {n / seconds:.1f} | {agreement.agree} | "
                     f"{len(agreement.disagreements)} |")
    return "\n".join(lines)


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="the 150 rows of tests/data only")
    parser.add_argument("--table", help="another CSV/JSON table with a dimension column")
    args = parser.parse_args()
    print(main(quick=args.quick, table=args.table))
    sys.exit(0)
