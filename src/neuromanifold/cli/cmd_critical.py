"""neuromanifold critical WIDTHS --degree R [--weights FILE] [--degrees 2..8] [--json]

With ``--weights``: rank dφ(W), generic rank, critical, the subnetwork structure and reduced widths of
one point.  Without: a scan testing "critical ⇔ subnetwork" (docs/math.md §5), or a degree sweep.
"""

from __future__ import annotations

from .common import (
    UsageError,
    add_architecture_options,
    add_point_options,
    add_progress_option,
    architecture_record,
    describe_point,
    exact_point_from_args,
    mlp_from_args,
    parse_degrees,
    point_provenance,
    print_json,
    progress_enabled,
    seed_type,
)


def register(sub) -> None:
    p = sub.add_parser(
        "critical",
        help="critical points of the parametrisation vs subnetworks (Occam's razor theorem)",
        description="With --weights FILE: is dφ rank-deficient at this point, and is it a subnetwork?  "
        "Without: scan random points, every subnetwork stratum and non-subnetwork constructions "
        "(plus a numerical search) for the equivalence critical ⇔ subnetwork.",
    )
    add_architecture_options(p, optional=True)
    p.add_argument("--weights", metavar="FILE", help="JSON file with the weights (Parameters.save format)")
    p.add_argument("--degrees", metavar="LO..HI", help="degree sweep of monomial activations z^r, e.g. 2..8")
    add_point_options(p)
    p.add_argument("--seed", type=seed_type, default=0, help="seed of all random choices (default 0)")
    p.add_argument("--random-points", type=int, default=3, help="random points in the scan (default 3)")
    p.add_argument("--starts", type=int, default=2, help="numerical-search starts in the scan (default 2)")
    p.add_argument("--steps", type=int, default=30, help="numerical-search steps per start (default 30)")
    add_progress_option(p)
    p.add_argument("--json", action="store_true", help="print one JSON object")
    p.set_defaults(func=run)


def run(args) -> int:
    if args.degrees is not None:
        if args.weights is not None:
            raise UsageError("--degrees runs scans; it cannot be combined with --weights")
        if args.activation is not None or args.generic:
            raise UsageError("--degrees sweeps monomial activations z^r; drop --activation/--generic")
        if args.widths is None:
            raise UsageError("--degrees sweeps an architecture: give WIDTHS")
        return _sweep(args)
    if args.weights is not None:
        return _point(args)
    if args.widths is None:
        raise UsageError("give WIDTHS (a scan) or --weights FILE (one point)")
    arch = mlp_from_args(args)
    from ..geometry.critical_scan import scan

    result = scan(arch, seed=args.seed, random_points=args.random_points, numerical_starts=args.starts,
                  numerical_steps=args.steps, progress=progress_enabled(args))
    if args.json:
        print_json({**result.to_dict(), "architecture": architecture_record(arch)})
    else:
        print(result.summary())
    return 0


def _point(args) -> int:
    from ..architectures.cnn import CNN
    from ..geometry.criticality import rank_at_point
    from ..geometry.strata.cnn import detect_padding
    from ..geometry.subnetworks import detect_subnetwork

    params, snapped = exact_point_from_args(args)
    arch = params.architecture
    exact = snapped.exact
    rank = rank_at_point(exact, seed=args.seed)
    if isinstance(arch, CNN):  # CNN subnetworks are zero-padded filters (docs/cnn.md)
        pad = detect_padding(exact)
        structure = {"padding": pad.to_dict()}
        reduced = list(pad.kept)
        text = (f"zero-padded filters {pad.label} (kept filter sizes {reduced})" if not pad.is_generic
                else f"not a subnetwork: no zero-padded filter {pad.label}")
    else:
        sub = detect_subnetwork(exact)
        structure = {"inactive": sub.to_dict()["inactive"], "redundant": sub.to_dict()["redundant"]}
        reduced, text = list(sub.reduced_widths), sub.summary()
    numerical = rank_at_point(params, seed=args.seed) if params.kind == "float" else None
    record = {
        "architecture": architecture_record(arch),
        **point_provenance(params, snapped),
        "rank": rank.rank,
        "generic_rank": rank.generic_rank,
        "critical": rank.critical,
        "certified": rank.certified,
        "error_bound": rank.error_bound,
        "known": rank.known.to_dict(),
        "method": rank.method,
        "primes": list(rank.primes),
        "subnetwork": structure,
        "reduced_widths" if not isinstance(arch, CNN) else "kept_filters": reduced,
        "kernel_dimension": rank.kernel_dimension,
        "symmetry_rank": rank.symmetry_rank,
        "extra_kernel_dimension": int(rank.extra_kernel.shape[1]),
        "numerical": None if numerical is None else {
            "rank": numerical.rank, "critical": numerical.critical, "singular_value_gap": numerical.gap,
            "singular_values": list(numerical.singular_values)},
    }
    if args.json:
        print_json(record)
    else:
        print(f"{arch!r}")
        line = describe_point(params, snapped)
        if line:
            print(f"  {line}")
        print(f"  {'at W′: ' if line else ''}{rank.summary()}")
        print(f"  {'at W′: ' if line else ''}{text}")
        if numerical is not None:
            print(f"  at your float W (numerical): {numerical.summary()}")
    return 0


def _sweep(args) -> int:
    from ..geometry.critical_scan import degree_sweep
    from .common import parse_widths

    widths = parse_widths(args.widths)
    if len(widths) < 3:
        raise UsageError("WIDTHS needs at least one hidden layer for a degree sweep")
    if args.bias:
        raise UsageError("--degrees sweeps networks without biases; drop --bias")
    degrees = parse_degrees(args.degrees)
    sweep = degree_sweep(widths, degrees, seed=args.seed, progress=progress_enabled(args),
                         random_points=args.random_points, numerical_starts=args.starts, numerical_steps=args.steps)
    if args.json:
        print_json(sweep.to_dict())
    else:
        print(sweep.summary())
    return 0
