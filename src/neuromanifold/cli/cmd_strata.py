"""neuromanifold strata WIDTHS --degree R [--json]

The subnetwork strata of an MLP (docs/math.md §4; :func:`~neuromanifold.geometry.subnetworks.subnetwork_strata`):
per hidden layer how many neurons are removed (inactive) and merged (redundant), the reduced widths
d', dim V(d') (computed, certified or with its error bound), the codimension dim V − dim V(d') and the
covering pairs of the inclusion order V(d') ⊆ V(d'') (d' ≤ d'' componentwise).
"""

from __future__ import annotations

from .common import UsageError, add_architecture_options, mlp_from_args, print_json


def register(sub) -> None:
    p = sub.add_parser(
        "strata",
        help="subnetwork strata of an MLP: removed/merged neurons, dimensions, inclusion order",
        description="Enumerate the subnetwork strata (neurons removed or merged per hidden layer) with "
        "the reduced widths, the dimension and codimension in V, and the inclusion order.",
    )
    add_architecture_options(p)
    p.add_argument("--json", action="store_true", help="print one JSON object")
    p.set_defaults(func=run)


def run(args) -> int:
    from ..geometry.criticality import generic_rank
    from ..geometry.subnetworks import strata_order, subnetwork_strata

    arch = mlp_from_args(args)
    if arch.depth < 2:
        raise UsageError("WIDTHS needs at least one hidden layer (e.g. 3,4,1) to have subnetwork strata")
    strata = subnetwork_strata(arch)
    order = strata_order(strata)
    full = generic_rank(arch)
    below = {i: [j for a, j in order if a == i] for i in range(len(strata))}
    if args.json:
        rows = []
        for i, s in enumerate(strata):
            row = {"index": i, "label": s.label, **s.to_dict(), "contained_in": below[i]}
            rows.append(row)
        print_json({
            "architecture": arch.to_json(),
            "widths": list(arch.widths),
            "dimension": full.dimension,
            "certified": full.certified,
            "error_bound": full.error_bound,
            "strata": rows,
            "order": [list(pair) for pair in order],
            "zero_function": {"dimension": 0, "codimension": full.dimension,
                              "note": "a hidden layer emptied: f ≡ 0, contained in every stratum"},
        })
        return 0
    how = "certified" if full.certified else f"probabilistic, error ≤ {full.error_bound:.1e}"
    print(f"{arch!r}: dim V = {full.dimension} ({how}); {len(strata)} subnetwork strata")
    header = f"{'#':>3}  {'removed':<10} {'merged':<10} {'reduced widths':<18} {'dim':>5} {'codim':>5}  {'known':<14} contained in"
    print(header)
    for i, s in enumerate(strata):
        known = "certified" if s.certified else f"err ≤ {s.error_bound:.0e}"
        inside = ", ".join(f"#{j}" for j in below[i]) or "V"
        print(f"{i:>3}  {str(list(s.removed)):<10} {str(list(s.merged)):<10} {str(list(s.reduced_widths)):<18} "
              f"{s.dimension:>5} {s.codimension:>5}  {known:<14} {inside}")
    print(f"  f ≡ 0 (a hidden layer emptied): dim 0, codim {full.dimension}, contained in every stratum")
    return 0
