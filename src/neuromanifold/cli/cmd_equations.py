"""neuromanifold equations WIDTHS (--degree R | --activation P) --max-degree K [--format F] [--parametrization]:
generators of the vanishing ideal of a small neurovariety up to degree K, its Hilbert function and degree —
as text, JSON, or a script for Macaulay2, Singular or Sage (``--format m2|singular|sage``)."""

from __future__ import annotations

from pathlib import Path

from .common import (
    UsageError,
    add_architecture_options,
    add_cnn_options,
    add_out_option,
    architecture_from_args,
    architecture_record,
    json_text,
    print_json,
    seed_type,
)

FORMATS = ("text", "json", "m2", "singular", "sage")


def register(sub) -> None:
    p = sub.add_parser("equations", help="implicit equations of a small neuromanifold (interpolation over F_p, lifted to Q)",
                       description="Interpolate I(V) up to degree K from sampled network functions over several "
                                   "primes, lift by CRT + rational reconstruction, verify at fresh points; export "
                                   "the ideal or the parametrisation to Macaulay2, Singular or Sage.")
    add_architecture_options(p, widths=False)
    p.add_argument("widths", metavar="WIDTHS", nargs="?", help="layer widths d_0,...,d_L, e.g. 3,2,1 (omit with --cnn)")
    add_cnn_options(p)
    p.add_argument("--max-degree", "-k", type=int, required=True, metavar="K", help="largest degree of equations")
    p.add_argument("--format", "-f", choices=FORMATS, default=None,
                   help="text (default), json, or a self-contained script for m2 (Macaulay2), singular or sage")
    p.add_argument("--parametrization", action="store_true",
                   help="with a script format: export the map theta -> coefficients of f_theta and its kernel "
                        "(elimination), compared there with the tool's ideal")
    add_out_option(p, None, "write to FILE instead of stdout", metavar="FILE", old="--output")
    p.add_argument("--seed", type=seed_type, default=0, help="seed of the samples (default 0)")
    p.add_argument("--json", action="store_true", help="print one JSON object (same as --format json)")
    p.set_defaults(func=run)


def run(args) -> int:
    from ..geometry.cas import parametrization_script
    from ..geometry.equations import vanishing_ideal

    fmt = args.format or ("json" if args.json else "text")
    if args.json and fmt != "json":
        raise UsageError(f"--json contradicts --format {fmt}")
    if args.parametrization and fmt not in ("m2", "singular", "sage"):
        raise UsageError("--parametrization needs a script format: --format m2, singular or sage")
    arch = architecture_from_args(args)
    if args.max_degree < 1:
        raise UsageError(f"--max-degree must be >= 1, got {args.max_degree}")
    result = vanishing_ideal(arch, args.max_degree, seed=args.seed)
    if fmt == "json":
        data = {"architecture": architecture_record(arch), **result.to_dict()}
        text = None
    elif fmt == "text":
        text = result.summary()
    elif args.parametrization:
        text = parametrization_script(arch, fmt, result)
    else:
        text = {"m2": result.to_macaulay2, "singular": result.to_singular, "sage": result.to_sage}[fmt]()
    if args.out is None:
        if text is None:
            print_json(data)
        else:
            print(text, end="" if text.endswith("\n") else "\n")
        return 0
    from ..outputs import output_file

    if text is None:
        text = json_text(data) + "\n"
    with output_file(args.out, "output") as tmp:  # atomic: a full disk leaves no partial script
        Path(tmp).write_text(text, encoding="utf-8")
    print(f"wrote {args.out}")
    return 0
