"""neuromanifold exposure: is a subnetwork stratum critically exposed? (exact certificate + Monte Carlo)."""

from __future__ import annotations

import argparse

from .common import (
    UsageError,
    add_architecture_options,
    add_cnn_options,
    add_progress_option,
    architecture_record,
    parse_int_list,
    print_json,
    progress_enabled,
    seed_type,
)


def register(sub) -> None:
    p = sub.add_parser("exposure", help="critical exposure of a subnetwork stratum (MLP vs CNN)",
                       description="Lift critical points of the reduced network and test criticality for the full one: "
                                   "exactly over Q at a constructed rational critical point, and by Monte Carlo over data.")
    add_architecture_options(p, widths=False)
    p.add_argument("widths", metavar="WIDTHS", nargs="?", help="MLP widths, e.g. 3,3,1 (one neuron of layer 1 removed)")
    p.add_argument("--mlp", metavar="WIDTHS", help=argparse.SUPPRESS)  # the earlier spelling of WIDTHS
    p.add_argument("--cnn", nargs="?", const="", metavar="", default=None,
                   help="a CNN, as in every command: --cnn --input-length 5 --filters 3,2 --strides 2,1 (filter 1 "
                        "padded by one on the right); the compact --cnn 5:3,2:2,1 also parses")
    add_cnn_options(p, flag=False)
    p.add_argument("--merged", nargs="?", const="1:0,1", metavar="L:I,J",
                   help="MLP only: the stratum where neurons I,J of hidden layer L are merged (redundant) instead of "
                        "one neuron removed (default 1:0,1); the lift splits the outgoing column 1/3 : 2/3")
    p.add_argument("--trials", type=int, default=20, help="Monte-Carlo data sets (default 20; 0 = exact test only)")
    p.add_argument("--seed", type=seed_type, default=0, help="seed of the data sets (default 0)")
    add_progress_option(p)
    p.add_argument("--json", action="store_true", help="print one JSON object")
    p.set_defaults(func=run)


def _architecture(args):
    from ..architectures import MLP
    from ..architectures.cnn import CNN
    from .common import activations_from_args, cnn_from_args

    widths = args.widths or args.mlp
    if bool(widths) == (args.cnn is not None):
        raise UsageError("give exactly one of WIDTHS or --cnn --input-length N --filters K1,K2,... [--strides ...]")
    if args.activation is None and args.degree is None:
        args.activation = "z^2"
    if widths:
        widths = parse_int_list(widths, "WIDTHS")
        return MLP(widths, activations_from_args(args, len(widths) - 2), bias=args.bias)
    if args.cnn == "":
        return cnn_from_args(args)
    parts = args.cnn.split(":")
    if len(parts) not in (2, 3):
        raise UsageError(f"--cnn must look like 5:3,2:2,1, got {args.cnn!r}")
    d0 = parse_int_list(parts[0], "--cnn input length")[0]
    filters = parse_int_list(parts[1], "--cnn filters")
    strides = parse_int_list(parts[2], "--cnn strides") if len(parts) == 3 else None
    return CNN(d0, filters, strides, activations_from_args(args, len(filters) - 1), args.bias)


def run(args) -> int:
    from ..geometry.strata import default_stratum, merged_stratum
    from ..landscape.exposure import exact_exposure, exposure_probability

    arch = _architecture(args)
    if args.trials < 0:
        raise UsageError(f"--trials must be >= 0, got {args.trials}")
    if args.merged is not None:
        if args.cnn is not None:
            raise UsageError("--merged applies to MLPs (WIDTHS) only")
        layer, _, pair = args.merged.partition(":")
        if not pair:
            raise UsageError(f"--merged must look like 1:0,1 (layer:neuron,neuron), got {args.merged!r}")
        layer = parse_int_list(layer, "--merged layer")[0]
        pair = parse_int_list(pair, "--merged neurons")
        if len(pair) != 2:
            raise UsageError(f"--merged must name two neurons like 1:0,1, got {args.merged!r}")
        stratum = merged_stratum(arch, layer, pair)
    else:
        stratum = default_stratum(arch)
    cert = exact_exposure(stratum, seed=args.seed)
    est = exposure_probability(stratum, trials=args.trials, seed=args.seed, progress=progress_enabled(args)) if args.trials else None
    if args.json:
        print_json({"architecture": architecture_record(arch), "stratum": stratum.label, "exact": cert.to_dict(), "monte_carlo": est.to_dict() if est else None})
    else:
        print("exact (certified over Q): " + cert.summary())
        if est:
            print("Monte Carlo (probabilistic): " + est.summary())
    return 0
