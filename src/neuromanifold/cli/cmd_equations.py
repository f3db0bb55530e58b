"""neuromanifold equations WIDTHS (--degree R | --activation P) --max-degree K [--json]:
generators of the vanishing ideal of a small neurovariety up to degree K, its Hilbert function and degree."""

from __future__ import annotations

from .common import (
    UsageError,
    add_architecture_options,
    mlp_from_args,
    print_json,
    seed_type,
)


def register(sub) -> None:
    p = sub.add_parser("equations", help="implicit equations of a small neuromanifold (interpolation over F_p, lifted to Q)",
                       description="Interpolate I(V) up to degree K from sampled network functions over several "
                                   "primes, lift by CRT + rational reconstruction, verify at fresh points.")
    add_architecture_options(p)
    p.add_argument("--max-degree", "-k", type=int, required=True, metavar="K", help="largest degree of equations")
    p.add_argument("--seed", type=seed_type, default=0, help="seed of the samples (default 0)")
    p.add_argument("--json", action="store_true", help="print one JSON object")
    p.set_defaults(func=run)


def run(args) -> int:
    from ..geometry.equations import vanishing_ideal

    arch = mlp_from_args(args)
    if args.max_degree < 1:
        raise UsageError(f"--max-degree must be >= 1, got {args.max_degree}")
    result = vanishing_ideal(arch, args.max_degree, seed=args.seed)
    if args.json:
        data = result.to_dict()
        data["coordinates"] = [str(s) for s in result.symbols]
        print_json(data)
    else:
        print(result.summary())
    return 0
