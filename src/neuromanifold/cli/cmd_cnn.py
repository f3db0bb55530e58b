"""neuromanifold cnn --input-length N --filters 3,2 --strides 2,1 --activation "z^2+z" [--strata] [--identify]

A CNN report: dim V beside the literature formula (and the degree formula for σ = z^r), the fibre at a
random point (exact finiteness + numerical preimage search), and the zero-padding strata with their
image dimensions, rank of dφ, twins and certified node singularities.
"""

from __future__ import annotations

from .common import (
    add_architecture_options,
    add_cnn_options,
    architecture_record,
    cnn_from_args,
    print_json,
    seed_type,
)

__all__ = ["register"]


def register(sub) -> None:
    p = sub.add_parser("cnn", help="CNN report: dimension vs formula, identifiability, zero-padding strata",
                       description="Dimension, degree, fibre and singular zero-padded subnetworks of a 1-D CNN.")
    add_architecture_options(p, widths=False)
    add_cnn_options(p, flag=False)
    p.add_argument("--strata", action="store_true", help="enumerate zero-padding strata (rank, twins, singularity)")
    p.add_argument("--identify", action="store_true", help="numerical search for a second preimage")
    p.add_argument("--starts", type=int, default=8, help="random starts of the preimage search (default 8)")
    p.add_argument("--seed", type=seed_type, default=0, help="seed (default 0)")
    p.add_argument("--json", action="store_true", help="print one JSON object")
    p.set_defaults(func=run)


def run(args) -> int:
    from ..geometry.degree import degree_formula
    from ..geometry.dimension import cnn_dimension
    from ..geometry.fibers import identifiability
    from ..geometry.singular_strata import twin_singularity
    from ..geometry.strata.cnn import enumerate_strata, stratum_report, transport

    arch = cnn_from_args(args)
    dim = cnn_dimension(arch, seed=args.seed)
    d = dim.to_dict()
    out = {"architecture": architecture_record(arch), **d, "dimension": d["dimension"]}
    try:
        out["degree_formula"] = degree_formula(arch)
    except ValueError:
        out["degree_formula"] = None
    if args.identify:
        out["identifiability"] = identifiability(arch, seed=args.seed, starts=args.starts).to_dict()
    if args.strata:
        rows = []
        for pad in enumerate_strata(arch):
            rep = stratum_report(pad, seed=args.seed, dimension_result=dim.result)
            row = rep.to_dict()
            if rep.twins:
                point = pad.random_point(args.seed)
                row["twin_certificate"] = twin_singularity(point, transport(point, rep.twins[0]), seed=args.seed,
                                                           dimension_result=dim.result).to_dict()
            rows.append(row)
        out["strata"] = rows
    if args.json:
        print_json(out)
        return 0
    print(dim.summary())
    if out["degree_formula"] is not None:
        print(f"  degree (formula)    {out['degree_formula']}  ((|k|−L)! Π r^((L−j−1)(k_j−1))/(k_j−1)!, SMK 2025)")
    if args.identify:
        ident = out["identifiability"]
        print(f"identifiability: finite fibres {ident['finite_fibres']}; {ident['converged']}/{ident['starts']} fits "
              f"converged, {ident['distinct_preimages']} distinct preimage(s) up to rescaling (numerical evidence)")
    if args.strata:
        print(f"{'stratum':24} {'τ':>3} {'dim φ(S)':>9} {'rank dφ':>8} {'regular':>8}  twins / singularity")
        for row in out["strata"]:
            extra = ", ".join(row["twins"])
            if "twin_certificate" in row:
                c = row["twin_certificate"]
                extra += f"  → {'SINGULAR' if c['singular'] else 'no certificate'} (tangent span {c['tangent_span']} > " \
                         f"{c['dimension']}{', certified' if c['certified'] else ''})"
            elif row["zero_layers"]:
                extra = "f ≡ 0 (φ^{-1}(0))" if row["image_dimension"] == 0 else "zero filter"
            print(f"{row['pattern']:24} {row['shift']:>3} {row['image_dimension']:>9} {row['rank_at_point']:>8} "
                  f"{str(row['regular']):>8}  {extra}")
    return 0
