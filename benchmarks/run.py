"""Benchmarks of neuromanifold — one command: ``python benchmarks/run.py [--quick] [--write]``.

1. ``dimension`` on a ladder of architectures up to ~15,000 parameters, split into its parts (Jacobian by
   backpropagation and exact rank, both in float64 BLAS over F_p, p < 2^22), next to the floor — a
   floating-point LU (``scipy.linalg.lu_factor``) of a U × U matrix, U the Jacobian's row count — and to the
   route of the previous release and of a user with python-flint (numpy → ``nmod_mat`` conversion + FLINT's
   rank at p = 2^31 − 1; up to ~5,000 parameters), with the peak memory traced during the call against the
   size of the Jacobian.
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

from neuromanifold import MLP, dimension, generic_polynomial, jacobian, parse_activation
from neuromanifold.geometry.bounds import upper_bound
from neuromanifold.parametrization import BLAS_PRIMES, BlasPrimeField
from neuromanifold.parametrization.symbolic import symbolic_rank

HERE = Path(__file__).resolve().parent

LADDER = [
    (MLP((4, 6, 6, 2), 3), "acceptance: < 1 s"),
    (MLP((5, 5, 5, 5, 5), 2), ""),
    (MLP((10, 20, 20, 5), 2), ""),
    (MLP((10, 30, 30, 10, 1), 3), ""),
    (MLP((20, 40, 40, 20, 1), 2), ""),
    (MLP((30, 50, 50, 2), 2), ""),
    (MLP((40, 60, 40, 1), 2), "acceptance: ≤ 5× the LU"),
    (MLP((50, 100, 100, 1), 2), "acceptance: ~15,000 parameters < 1 min"),
]

#: Largest N for which the FLINT route is also timed (it needs ~8× the Jacobian in Python integers).
FLINT_UP_TO = 5000

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


def _best(fn, repeat: int) -> float:
    times = []
    for _ in range(repeat):
        t0 = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t0)
    return min(times)


def ladder(rows) -> str:
    import flint
    import scipy.linalg

    out = ["| architecture | N | U | dim | certified | dimension() s | Jacobian s | rank s | float LU U×U s (floor) "
           "| ratio to floor | FLINT route s (convert + rank) | peak MiB / Jacobian MiB |",
           "|---|---|---|---|---|---|---|---|---|---|---|---|"]
    for arch, note in rows:
        U = upper_bound(arch).value
        small = arch.n_params * U < 5e7
        repeat = 3 if small else 1
        result = dimension(arch)
        seconds = min(result.seconds, _best(lambda: dimension(arch), repeat - 1) if repeat > 1 else result.seconds)
        tracemalloc.start()  # a further, traced call: tracing slows allocation-heavy code
        dimension(arch)
        _, peak = tracemalloc.get_traced_memory()
        tracemalloc.stop()
        K = BlasPrimeField(BLAS_PRIMES[0])
        rng = np.random.default_rng(0)
        args = (K.random(rng, arch.n_params), K.random(rng, (U, arch.input_dim)), K)
        C = K.random(rng, (U, arch.output_dim))
        t_jac = _best(lambda: jacobian(arch, *args, projections=C), repeat)
        J = jacobian(arch, *args, projections=C)
        t_rank = _best(lambda: K.rank(J), repeat)
        M = np.random.default_rng(1).standard_normal((U, U))
        t_lu = _best(lambda: scipy.linalg.lu_factor(M), repeat)
        flint_cell = "—"
        if arch.n_params <= FLINT_UP_TO:
            p = 2**31 - 1
            data = np.mod(J.astype(np.int64), p)
            t0 = time.perf_counter()
            F = flint.nmod_mat(J.shape[0], J.shape[1], data.ravel().tolist(), p)
            t1 = time.perf_counter()
            F.rank()
            t2 = time.perf_counter()
            flint_cell = f"{t2 - t0:.2f} ({t1 - t0:.2f} + {t2 - t1:.2f})"
        out.append(
            f"| {arch!r}{' — ' + note if note else ''} | {arch.n_params} | {U} | {result.dimension} | {result.certified} "
            f"| {seconds:.2f} | {t_jac:.2f} | {t_rank:.2f} | {t_lu:.2f} | {seconds / max(t_lu, 1e-9):.1f}× "
            f"| {flint_cell} | {peak / 2**20:.0f} / {J.nbytes / 2**20:.0f} |"
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
