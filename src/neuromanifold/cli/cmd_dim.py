"""neuromanifold dim WIDTHS --degree R [--json]: the certified dimension of a neurovariety.

CNNs: ``neuromanifold dim --cnn --input-length N --filters 3,2 --strides 2,1 --degree 2`` (same keys)."""

from __future__ import annotations

from .common import (
    add_architecture_options,
    add_cnn_options,
    architecture_from_args,
    architecture_record,
    print_json,
    seed_type,
)


def register(sub) -> None:
    p = sub.add_parser("dim", help="dimension of the neuromanifold (certified when possible)",
                       description="Compute dim V exactly over F_p and certify it against proven upper bounds.")
    add_architecture_options(p, widths=False)
    p.add_argument("widths", metavar="WIDTHS", nargs="?", help="layer widths d_0,...,d_L, e.g. 5,5,3,1 (omit with --cnn)")
    add_cnn_options(p)
    p.add_argument("--seed", type=seed_type, default=0, help="seed of the random point (default 0)")
    p.add_argument("--trials", type=int, default=2, help="random points to try while uncertified (default 2)")
    p.add_argument("--json", action="store_true", help="print one JSON object")
    p.set_defaults(func=run)


def run(args) -> int:
    from ..geometry import dimension

    arch = architecture_from_args(args)
    result = dimension(arch, seed=args.seed, trials=args.trials)
    if args.json:
        print_json({"architecture": architecture_record(arch), **result.to_dict()})
    else:
        print(result.summary())
    return 0
