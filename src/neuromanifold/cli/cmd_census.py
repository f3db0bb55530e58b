"""neuromanifold census run|list|export|thresholds|defective|filling|heatmap: sweeps over architecture
families, stored in SQLite, and the analyses over the store."""

from __future__ import annotations

import sys

from ..limits import MAX_RANGE_VALUES, check_count
from .common import (
    UsageError,
    add_out_option,
    add_progress_option,
    architecture_record,
    print_json,
    progress_enabled,
    seed_type,
)

_STORE_HELP = "SQLite store (default neuromanifold.sqlite in the working directory)"


def parse_range(text: str, name: str) -> tuple[int, ...]:
    """'2..5' → (2, 3, 4, 5); '1,3,4' → (1, 3, 4); '2' → (2,); UsageError naming ``name`` otherwise."""
    text = str(text).strip()
    try:
        values: list[int] = []
        for part in text.split(","):
            if ".." in part:
                lo, hi = part.split("..")
                lo, hi = int(lo), int(hi)
                if hi < lo:
                    raise ValueError
                if hi - lo + 1 > MAX_RANGE_VALUES:
                    raise UsageError(f"{name} {text!r} spans {hi - lo + 1} values; at most {MAX_RANGE_VALUES} "
                                     "(MAX_RANGE_VALUES) are accepted")
                values.extend(range(lo, hi + 1))
            else:
                values.append(int(part))
    except ValueError:
        raise UsageError(f"{name} must look like 2..5 or 1,3,4, got {text!r}") from None
    if not values or any(v < 1 for v in values):
        raise UsageError(f"{name} must be positive integers, got {text!r}")
    return tuple(sorted(set(values)))


def register(sub) -> None:
    from ..experiments.census import KINDS

    p = sub.add_parser("census", help="sweep architecture families into an SQLite store, and analyse it",
                       description="Census of neurovariety dimensions over architecture families.")
    csub = p.add_subparsers(dest="census_command", metavar="ACTION", parser_class=type(p))
    csub.required = True

    run = csub.add_parser("run", help="compute every architecture of a family not yet stored",
                          description="Enumerate architectures by ranges (RANGE = 2..5 or 1,3,4) and store dim V "
                                      "for each; re-running skips what is stored.")
    run.add_argument("--architectures", metavar="FILE",
                     help="CSV or JSON table of architectures (columns widths \"d_0,…,d_L\", degree; optional kind, "
                          "bias) instead of ranges, e.g. a published census (docs/census.md)")
    run.add_argument("--depth", "-L", default=None, metavar="RANGE", help="depths L (default 2)")
    run.add_argument("--width", "-w", default=None, metavar="RANGE", help="hidden widths d_1..d_{L-1} (default 1..3)")
    run.add_argument("--input", dest="input_widths", metavar="RANGE", help="input widths d_0 (default: --width)")
    run.add_argument("--output", dest="output_widths", metavar="RANGE", help="output widths d_L (default: --width)")
    run.add_argument("--degrees", "-r", default=None, metavar="RANGE", help="activation degrees r (default 2..4)")
    run.add_argument("--kind", default=None, metavar="KINDS",
                     help=f"activation kinds, comma-separated from {', '.join(KINDS)} (default monomial)")
    run.add_argument("--bias", action="store_true", help="networks with biases")
    run.add_argument("--max-params", type=int, metavar="N", help="skip architectures with more than N parameters")
    run.add_argument("--seed", type=seed_type, default=0, help="seed of the random points and generic activations (default 0)")
    run.add_argument("--trials", type=int, default=2, help="random points per architecture while uncertified (default 2)")
    run.add_argument("--strata", action="store_true", help="also scan subnetwork strata (geometry.strata.mlp)")
    run.add_argument("--criticality", action="store_true", help="also run the criticality scan (needs geometry.criticality)")
    run.add_argument("--workers", "-j", type=int, default=1, help="local worker processes (default 1)")
    run.add_argument("--dask", metavar="ADDRESS", help="run on the dask.distributed scheduler at ADDRESS instead")
    run.add_argument("--store", default=None, help=_STORE_HELP)
    retry = run.add_mutually_exclusive_group()
    retry.add_argument("--retry-failed", dest="retry_failed", action="store_true", default=True,
                       help="compute again the analyses an earlier sweep stored as failed (the default)")
    retry.add_argument("--no-retry", dest="retry_failed", action="store_false",
                       help="leave analyses stored as failed as they are")
    add_progress_option(run)
    run.add_argument("--dry-run", action="store_true", help="only count the architectures to compute")
    run.add_argument("--json", action="store_true", help="print the sweep summary as JSON")
    run.set_defaults(func=cmd_run)

    cmp = csub.add_parser("compare", help="compare stored results with a column of a CSV/JSON table",
                          description="Match the table's rows to stored results by architecture and compare one "
                                      "column (default dimension); every disagreement is listed.")
    cmp.add_argument("table", metavar="FILE", help="CSV or JSON table (as for census run --architectures)")
    cmp.add_argument("--column", default="dimension", help="the column to compare (default dimension)")
    cmp.add_argument("--store", default=None, help=_STORE_HELP)
    cmp.add_argument("--json", action="store_true", help="print one JSON object")
    cmp.set_defaults(func=cmd_compare)

    ls = csub.add_parser("list", help="print the stored results")
    _filters(ls)
    ls.add_argument("--json", action="store_true", help="print a JSON list of rows")
    ls.set_defaults(func=cmd_list)

    ex = csub.add_parser("export", help="export the store as a tidy table (CSV or Parquet)",
                         description="One row per stored result, one value per cell: widths also as integer columns "
                                     "d_0..d_L, activation as text, booleans as booleans (docs/census.md).")
    ex.add_argument("--format", choices=("csv", "parquet"), default=None,
                    help="table format (default: from the suffix of --out, else csv); parquet needs pyarrow")
    add_out_option(ex, None, "the file to write (e.g. census.csv or census.parquet)", metavar="FILE")
    ex.add_argument("--csv", metavar="FILE", help="also write a CSV file (same as --format csv --out FILE)")
    ex.add_argument("--parquet", metavar="FILE", help="also write a Parquet file (same as --format parquet --out FILE)")
    ex.add_argument("--all-versions", action="store_true", help="include rows of other neuromanifold versions")
    ex.add_argument("--store", default=None, help=_STORE_HELP)
    ex.set_defaults(func=cmd_export)

    th = csub.add_parser("thresholds", help="activation threshold per width vector over the stored degrees")
    _filters(th, degree=False)
    th.add_argument("--json", action="store_true", help="print a JSON list")
    th.set_defaults(func=cmd_thresholds)

    de = csub.add_parser("defective", help="stored architectures with dim < expected dimension")
    _filters(de, degree=False)
    de.add_argument("--json", action="store_true", help="print a JSON list")
    de.set_defaults(func=cmd_defective)

    fi = csub.add_parser("filling", help="minimal filling width vectors for fixed (L, d_0, d_L, r), and unimodality")
    fi.add_argument("--depth", "-L", type=int, required=True, help="depth L")
    fi.add_argument("--input", dest="input_dim", type=int, required=True, help="input width d_0")
    fi.add_argument("--output", dest="output_dim", type=int, required=True, help="output width d_L")
    fi.add_argument("--degree", "-r", type=int, required=True, help="activation degree r")
    fi.add_argument("--kind", default="monomial", help="activation kind (default monomial)")
    fi.add_argument("--store", default=None, help=_STORE_HELP)
    fi.add_argument("--json", action="store_true", help="print a JSON list")
    fi.set_defaults(func=cmd_filling)

    hm = csub.add_parser("heatmap", help="heatmap (PNG + SVG) of the defect or fill ratio over widths × degrees")
    _filters(hm, degree=False)
    hm.add_argument("--value", choices=("defect", "fill"), default="defect",
                    help="colour by edim − dim (default) or dim / A")
    add_out_option(hm, "census-heatmap", "output path without suffix (default census-heatmap → .png and .svg)",
                   old="--to")
    hm.set_defaults(func=cmd_heatmap)


def _filters(p, degree: bool = True) -> None:
    p.add_argument("--kind", default=None, help="only this activation kind (monomial or generic)")
    p.add_argument("--depth", "-L", type=int, default=None, help="only this depth")
    if degree:
        p.add_argument("--degree", "-r", type=int, default=None, help="only this degree")
    p.add_argument("--store", default=None, help=_STORE_HELP)


def _open(args, must_exist: bool = True):
    from pathlib import Path

    from ..experiments.store import DEFAULT_STORE, ResultStore

    path = args.store or DEFAULT_STORE
    if must_exist and not Path(path).exists():
        raise UsageError(f"--store {path!r} does not exist; run `neuromanifold census run` first")
    return ResultStore(path, readonly=must_exist)  # analyses only read: archived stores stay untouched


def cmd_run(args) -> int:
    analyses = tuple(name for name, on in (("strata", args.strata), ("criticality", args.criticality)) if on)
    family = {"--depth": args.depth, "--width": args.width, "--degrees": args.degrees, "--kind": args.kind,
              "--input": args.input_widths, "--output": args.output_widths,
              "--max-params": args.max_params, "--bias": args.bias or None}
    check_count(args.workers, "workers", "MAX_WORKERS")
    if args.store == ":memory:":
        raise UsageError("--store :memory: keeps nothing; name a file for the census results")
    if args.dask is not None and args.workers != 1:
        raise UsageError("--workers sizes the local pool; with --dask the cluster decides (drop --workers)")
    if args.architectures is not None:
        given = [name for name, value in family.items() if value is not None]
        if given:
            raise UsageError(f"--architectures names the architectures; drop {', '.join(given)}")
        from ..experiments.tables import read_architectures

        tasks = read_architectures(args.architectures, seed=args.seed, trials=args.trials, analyses=analyses)
    else:
        tasks = _family_tasks(args, analyses)
    return _run_tasks(args, tasks)


def _family_tasks(args, analyses):
    from ..experiments.census import enumerate_tasks

    kinds = tuple(k.strip() for k in (args.kind or "monomial").split(",") if k.strip())
    return enumerate_tasks(
        depths=parse_range(args.depth or "2", "--depth"),
        widths=parse_range(args.width or "1..3", "--width"),
        degrees=parse_range(args.degrees or "2..4", "--degrees"),
        kinds=kinds,
        input_widths=parse_range(args.input_widths, "--input") if args.input_widths else None,
        output_widths=parse_range(args.output_widths, "--output") if args.output_widths else None,
        bias=args.bias,
        max_params=args.max_params,
        seed=args.seed,
        trials=args.trials,
        analyses=analyses,
    )


def _run_tasks(args, tasks) -> int:
    from ..experiments.census import ClusterLost, dask_executor, pending_tasks, run_census

    if args.dry_run:  # reads the store if there is one, writes nothing
        from pathlib import Path

        from ..experiments.store import DEFAULT_STORE

        path = args.store or DEFAULT_STORE
        if Path(path).exists():
            with _open(args) as store:
                todo = len(pending_tasks(tasks, store, args.retry_failed))
        elif not Path(path).parent.is_dir():
            raise UsageError(f"--store {path!r}: the folder {str(Path(path).parent)!r} does not exist")
        else:
            todo = len(tasks)
        if args.json:
            print_json({"requested": len(tasks), "to_compute": todo, "stored": len(tasks) - todo, "store": path,
                        "dry_run": True})
        else:
            print(f"{len(tasks)} architectures, {todo} to compute, {len(tasks) - todo} already in {path}")
        return 0
    with _open(args, must_exist=False) as store:
        client = executor = None
        if args.dask is not None:
            import logging

            client, executor = dask_executor(args.dask)
            # a lost scheduler is reported in one line below; dask's and tornado's reconnect tracebacks (their
            # loggers are configured when distributed is imported, so only now) would bury it
            for name in list(logging.root.manager.loggerDict):
                if name.split(".")[0] in ("distributed", "tornado"):
                    logging.getLogger(name).setLevel(logging.CRITICAL + 1)
        try:
            summary = run_census(tasks, store, executor=executor, workers=args.workers,
                                 progress=progress_enabled(args), retry_failed=args.retry_failed)
        except ClusterLost as exc:
            print(f"neuromanifold census: error: {exc}", file=sys.stderr)
            return 1
        finally:
            if client is not None:
                try:
                    client.close(timeout=5)
                except Exception:  # a lost scheduler: nothing left to close
                    pass
    if args.json:
        print_json(summary.to_dict())
    else:
        print(summary.summary())
        for err in summary.errors[:10]:
            print(f"  failed: {err}", file=sys.stderr)
    return 1 if summary.failed else 0


def cmd_compare(args) -> int:
    from ..experiments.tables import compare

    with _open(args) as store:
        result = compare(args.table, store, column=args.column)
    if args.json:
        print_json(result.to_dict())
    else:
        print(result.summary())
    return 0 if result.all_agree else 1


def cmd_list(args) -> int:
    with _open(args) as store:
        from .. import __version__

        rows = store.rows(__version__, **{k: v for k, v in (("kind", args.kind), ("depth", args.depth),
                                                             ("degree", args.degree)) if v is not None})
    if args.json:
        import json

        from ..architectures import architecture_from_json

        print_json([{**{k: v for k, v in r.items() if k != "architecture"},
                     "widths": [int(w) for w in r["widths"].split(",")],
                     "architecture": architecture_record(architecture_from_json(json.loads(r["architecture"])))}
                    for r in rows])
        return 0
    header = f"{'widths':16} {'kind':8} {'r':>3} {'N':>5} {'dim':>5} {'edim':>5} {'A':>7}  {'how known':11} flags"
    print(header)
    print("-" * len(header))
    for r in rows:
        how = "certified" if r["certified"] else f"p≤{r['error_bound']:.0e}"
        flags = " ".join(f for f, on in (("defective", r["defective"]), ("filling", r["filling"])) if on)
        print(f"{r['widths']:16} {r['kind']:8} {r['degree']:>3} {r['parameters']:>5} {r['dimension']:>5} "
              f"{r['expected_dimension']:>5} {r['ambient_dimension']:>7}  {how:11} {flags}")
    print(f"{len(rows)} row(s) in {store.path}")
    return 0


def cmd_export(args) -> int:
    from .. import __version__
    from ..experiments.export import write

    targets = [(fmt, path) for fmt, path in (("csv", args.csv), ("parquet", args.parquet)) if path]
    if args.out:
        fmt = args.format or ("parquet" if str(args.out).lower().endswith((".parquet", ".pq")) else "csv")
        targets.insert(0, (fmt, args.out))
    elif args.format:
        raise UsageError("--format needs --out FILE")
    if not targets:
        raise UsageError("give --out FILE (with --format csv|parquet, or a .csv/.parquet suffix)")
    version = None if args.all_versions else __version__
    with _open(args) as store:
        for fmt, path in targets:
            n = write(store, path, fmt, version)
            print(f"wrote {n} rows to {path} ({fmt})")
    return 0


def cmd_thresholds(args) -> int:
    from ..experiments.analysis import activation_thresholds

    with _open(args) as store:
        result = activation_thresholds(store, kind=args.kind, depth=args.depth)
    if args.json:
        print_json([t.to_dict() for t in result])
        return 0
    header = f"{'widths':16} {'kind':8} {'degrees':12} {'defective at':14} threshold"
    print(header)
    print("-" * len(header))
    for t in result:
        deg = f"{t.degrees[0]}..{t.degrees[-1]}" if t.degrees == tuple(range(t.degrees[0], t.degrees[-1] + 1)) \
            else ",".join(map(str, t.degrees))
        bad = ",".join(map(str, t.defective_degrees)) or "-"
        thr = str(t.threshold) if t.threshold is not None else f"> {t.degrees[-1]}"
        print(f"{','.join(map(str, t.widths)):16} {t.kind:8} {deg:12} {bad:14} {thr}{'' if t.certified else '  (uncertified)'}")
    return 0


def cmd_defective(args) -> int:
    from ..experiments.analysis import defective_architectures

    with _open(args) as store:
        result = defective_architectures(store, kind=args.kind, depth=args.depth)
    if args.json:
        print_json(result)
        return 0
    header = f"{'widths':16} {'kind':8} {'r':>3} {'dim':>5} {'edim':>5} {'defect':>6}  how known"
    print(header)
    print("-" * len(header))
    for d in result:
        how = "certified" if d["certified"] else f"p≤{d['error_bound']:.0e}"
        print(f"{','.join(map(str, d['widths'])):16} {d['kind']:8} {d['degree']:>3} {d['dimension']:>5} "
              f"{d['expected_dimension']:>5} {d['defect']:>6}  {how}")
    print(f"{len(result)} defective")
    return 0


def cmd_filling(args) -> int:
    from ..experiments.analysis import minimal_filling_widths

    with _open(args) as store:
        result = minimal_filling_widths(store, args.depth, args.input_dim, args.output_dim, args.degree, args.kind)
    if args.json:
        print_json([f.to_dict() for f in result])
        return 0
    if not result:
        print("no stored width vector fills for these (L, d_0, d_L, r); widen the census")
        return 0
    for f in result:
        print(f"{','.join(map(str, f.widths)):16} A = {f.ambient_dimension:<6} "
              f"{'unimodal' if f.unimodal else 'NOT unimodal':12} {'' if f.certain else '(minimality uncertified)'}")
    return 0


def cmd_heatmap(args) -> int:
    from ..experiments.figures import census_heatmap

    with _open(args) as store:
        from .. import __version__

        rows = store.rows(__version__, **{k: v for k, v in (("kind", args.kind), ("depth", args.depth)) if v is not None})
    png, svg = census_heatmap(rows, args.out, value=args.value)
    print(f"wrote {png} and {svg}")
    return 0
