"""neuromanifold demo: a table of certified dimensions for a handful of architectures."""

from __future__ import annotations

from .common import architecture_record, print_json


def register(sub) -> None:
    p = sub.add_parser("demo", help="table of certified dimensions for a handful of architectures")
    p.add_argument("--json", action="store_true", help="print a JSON list")
    p.set_defaults(func=run)


def run(args) -> int:
    from ..experiments.demo import demo_table

    rows = demo_table()
    if args.json:
        print_json([{"architecture": architecture_record(arch), "label": repr(arch), "note": note, **r.to_dict()}
                    for arch, r, note in rows])
        return 0
    header = f"{'architecture':34} {'N':>4} {'dim':>4} {'edim':>4} {'A':>4}  {'how known':11} {'':9}  note"
    print(header)
    print("-" * len(header))
    for a, r, note in rows:
        arch = repr(a)
        how = "certified" if r.certified else f"p≤{r.error_bound:.0e}"
        tag = "defective" if r.defective else ("filling" if r.filling else "")
        print(f"{arch:34} {r.parameters:>4} {r.dimension:>4} {r.expected_dimension:>4} {r.ambient_dimension:>4}  {how:11} {tag:9}  {note}")
    return 0
