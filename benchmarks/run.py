"""Benchmarks of neuromanifold — one command: ``python benchmarks/run.py [--quick] [--write]``.

1. ``dimension`` on a ladder of architectures up to ~5,000 parameters, split into its parts
   (Jacobian by backpropagation, conversion to FLINT, rank), next to the time of a single exact rank
   of a random matrix of the Jacobian's size (the floor any exact method pays), and the peak memory
   traced during the call against the size of the Jacobian.
2. On small cases, the symbolic-expansion approach a user would otherwise write
   (:mod:`neuromanifold.parametrization.symbolic`) against ``dimension``.
3. Any ``benchmarks/bench_*.py`` script that defines ``main() -> str`` (Markdown) is appended.

``--write`` replaces the figures in docs/benchmarks.md (with the machine's description).
"""

from __future__ import annotations

import argparse
import importlib.util
import os
import platform
import sys
import time
import tracemalloc
from pathlib import Path

import numpy as np

from neuromanifold import MLP, PrimeField, dimension, generic_polynomial, jacobian, parse_activation
from neuromanifold.geometry.bounds import upper_bound
from neuromanifold.geometry.rank import _nmod_mat
from neuromanifold.parametrization.symbolic import symbolic_rank

HERE = Path(__file__).resolve().parent

LADDER = [
    (MLP((4, 6, 6, 2), 3), "acceptance: < 1 s"),
    (MLP((5, 5, 5, 5, 5), 2), ""),
    (MLP((10, 20, 20, 5), 2), ""),
    (MLP((10, 30, 30, 10, 1), 3), ""),
    (MLP((20, 40, 40, 20, 1), 2), ""),
    (MLP((30, 50, 50, 2), 2), ""),
    (MLP((40, 60, 40, 1), 2), "acceptance: ~5,000 parameters < 20 s"),
]

SYMBOLIC = [
    MLP((2, 2, 1), parse_activation("z^3+z^2")),
    MLP((3, 2, 1), 3),
    MLP((3, 3, 2), 2),
    MLP((2, 2, 2, 1), 2),
    MLP((3, 3, 1), generic_polynomial(3, seed=1)),
    MLP((2, 3, 2, 1), 2),
]


def machine() -> str:
    cpu = platform.processor() or platform.machine()
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    try:
        mem = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") / 2**30
    except (ValueError, OSError):
        mem = float("nan")
    import flint

    return (f"{cpu}, {len(os.sched_getaffinity(0))} cores, {mem:.0f} GiB; Python {platform.python_version()}, "
            f"numpy {np.__version__}, python-flint {flint.__version__}")


def ladder(rows) -> str:
    out = ["| architecture | N | dim | certified | dimension() s | Jacobian s | to FLINT s | rank s "
           "| random matrix: to FLINT + rank s | ratio | peak MiB / Jacobian MiB |",
           "|---|---|---|---|---|---|---|---|---|---|---|"]
    for arch, note in rows:
        result = dimension(arch)
        tracemalloc.start()  # a second, traced call: tracing slows allocation-heavy code
        dimension(arch)
        _, peak = tracemalloc.get_traced_memory()
        tracemalloc.stop()
        K = PrimeField()
        U = upper_bound(arch).value
        rng = np.random.default_rng(0)
        t0 = time.perf_counter()
        J = jacobian(arch, K.random(rng, arch.n_params), K.random(rng, (U, arch.input_dim)), K,
                     projections=K.random(rng, (U, arch.output_dim)))
        t1 = time.perf_counter()
        M = _nmod_mat(J, K.p)
        t2 = time.perf_counter()
        M.rank()
        t3 = time.perf_counter()
        R = _nmod_mat(K.random(rng, J.shape), K.p)
        t4 = time.perf_counter()
        R.rank()
        t5 = time.perf_counter()
        floor = t5 - t3  # what any exact rank of a numpy matrix of this size costs with FLINT
        jac_mib = J.nbytes / 2**20
        out.append(
            f"| {arch!r}{' — ' + note if note else ''} | {arch.n_params} | {result.dimension} | {result.certified} "
            f"| {result.seconds:.2f} | {t1 - t0:.2f} | {t2 - t1:.2f} | {t3 - t2:.2f} | {t4 - t3:.2f} + {t5 - t4:.2f} "
            f"| {result.seconds / max(floor, 1e-9):.1f}× | {peak / 2**20:.0f} / {jac_mib:.0f} |"
        )
        print(out[-1], file=sys.stderr)
    return "\n".join(out)


def symbolic(rows) -> str:
    out = ["| architecture | N | dim (fast) | dim (sympy) | fast s | sympy expansion s | speed-up |", "|---|---|---|---|---|---|---|"]
    for arch in rows:
        t0 = time.perf_counter()
        fast = dimension(arch)
        t1 = time.perf_counter()
        slow = symbolic_rank(arch)
        t2 = time.perf_counter()
        out.append(f"| {arch!r} | {arch.n_params} | {fast.dimension} | {slow} | {t1 - t0:.3f} | {t2 - t1:.2f} "
                   f"| {(t2 - t1) / max(t1 - t0, 1e-9):.0f}× |")
        print(out[-1], file=sys.stderr)
    return "\n".join(out)


def extra_scripts(quick: bool) -> list[str]:
    sections = []
    for path in sorted(HERE.glob("bench_*.py")):
        spec = importlib.util.spec_from_file_location(path.stem, path)
        module = importlib.util.module_from_spec(spec)
        spec.loader.exec_module(module)
        if hasattr(module, "main"):
            print(f"running {path.name} …", file=sys.stderr)
            sections.append(f"## {path.stem}\n\n{module.main(quick=quick)}")
    return sections


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="small ladder only")
    parser.add_argument("--write", action="store_true", help="write the figures into docs/benchmarks.md")
    args = parser.parse_args(argv)
    dimension(MLP((2, 2, 1), 2))  # warm-up: imports, FLINT threads
    rows = LADDER[:3] if args.quick else LADDER
    report = [
        f"Machine: {machine()}.  Date: {time.strftime('%Y-%m-%d')}.",
        "",
        "## dimension() on a ladder of architectures",
        "",
        ladder(rows),
        "",
        "## Fast engine vs symbolic expansion (sympy, rank over ℚ)",
        "",
        symbolic(SYMBOLIC[:3] if args.quick else SYMBOLIC),
        "",
        *extra_scripts(args.quick),
    ]
    text = "\n".join(report)
    print(text)
    if args.write:
        doc = HERE.parent / "docs" / "benchmarks.md"
        head = doc.read_text().split("<!-- figures -->")[0] if doc.exists() else "# Benchmarks\n\n"
        doc.write_text(head.rstrip() + "\n\n<!-- figures -->\n" + text + "\n")
        print(f"wrote {doc}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
