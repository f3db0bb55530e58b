"""neuromanifold singular WIDTHS (--degree R | --activation P) --weights FILE [--json]:
is φ(W_0) a singular point of the neurovariety?  (limits of tangent spaces, docs/math.md §6)"""

from __future__ import annotations

from .common import (
    add_architecture_options,
    add_point_options,
    architecture_record,
    describe_point,
    exact_point_from_args,
    point_provenance,
    print_json,
    seed_type,
)


def register(sub) -> None:
    p = sub.add_parser("singular", help="certify that a network function is a singular point of the neuromanifold",
                       description="Limits of tangent spaces along random curves (and fibre points) through W_0, "
                                   "computed exactly over F_p[[t]]: span > dim V certifies a singular point.")
    add_architecture_options(p, optional=True)
    p.add_argument("--weights", required=True, metavar="FILE", help="JSON parameter file (Parameters.save format)")
    p.add_argument("--curves", type=int, default=4, help="random curves through W_0 (default 4)")
    p.add_argument("--curve-degree", type=int, default=1, help="degree of the random curves (default 1)")
    p.add_argument("--no-fiber", action="store_true", help="do not explore other points of the fibre")
    p.add_argument("--seed", type=seed_type, default=0, help="seed of the random curves and functionals (default 0)")
    add_point_options(p)
    p.add_argument("--json", action="store_true", help="print one JSON object")
    p.set_defaults(func=run)


def run(args) -> int:
    from ..geometry.singularity import singular

    params, snapped = exact_point_from_args(args)
    arch = params.architecture
    result = singular(arch, snapped.exact, curves=args.curves, curve_degree=args.curve_degree, seed=args.seed,
                      fiber=None if args.no_fiber else "auto")
    if args.json:
        print_json({"architecture": architecture_record(arch), **point_provenance(params, snapped), **result.to_dict()})
    else:
        line = describe_point(params, snapped)
        if line:
            print(line)
        print(("at W′: " if line else "") + result.summary())
    return 0
