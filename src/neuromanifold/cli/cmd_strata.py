"""neuromanifold strata WIDTHS --degree R [--weights FILE] [--json]

The subnetwork strata of an MLP (docs/math.md §4; :func:`~neuromanifold.geometry.strata.mlp.subnetwork_strata`):
per hidden layer how many neurons are removed (inactive) and merged (redundant), the reduced widths
d', dim V(d') (computed, certified or with its error bound), the codimension dim V − dim V(d') and the
covering pairs of the inclusion order V(d') ⊆ V(d'') (d' ≤ d'' componentwise).  With ``--weights``, also which
stratum the point lies on (float weights: after snapping, see docs/criticality.md) and how far it is from the
subnetwork locus.
"""

from __future__ import annotations

from .common import (
    UsageError,
    add_architecture_options,
    add_point_options,
    architecture_record,
    describe_point,
    exact_point_from_args,
    mlp_from_args,
    point_provenance,
    print_json,
)


def register(sub) -> None:
    p = sub.add_parser(
        "strata",
        help="subnetwork strata of an MLP: removed/merged neurons, dimensions, inclusion order",
        description="Enumerate the subnetwork strata (neurons removed or merged per hidden layer) with "
        "the reduced widths, the dimension and codimension in V, and the inclusion order.",
    )
    add_architecture_options(p, optional=True)
    p.add_argument("--weights", metavar="FILE", help="JSON parameter file: report the stratum this point lies on")
    add_point_options(p)
    p.add_argument("--json", action="store_true", help="print one JSON object")
    p.set_defaults(func=run)


def run(args) -> int:
    from ..architectures import MLP
    from ..geometry.criticality import generic_rank
    from ..geometry.strata.mlp import strata_order, subnetwork_strata
    from ..geometry.subnetworks import detect_subnetwork

    point = None
    if args.weights is not None:
        params, snapped = exact_point_from_args(args)
        arch = params.architecture
        if not isinstance(arch, MLP):
            raise UsageError(f"--weights {args.weights!r} holds a {type(arch).__name__}; strata lists MLP strata "
                             "(CNN zero-padding strata: neuromanifold cnn)")
        point = (params, snapped, detect_subnetwork(snapped.exact))
    elif args.widths is None:
        raise UsageError("give WIDTHS (and --degree/--activation) or --weights FILE")
    else:
        arch = mlp_from_args(args)
    if arch.depth < 2:
        raise UsageError("WIDTHS needs at least one hidden layer (e.g. 3,4,1) to have subnetwork strata")
    strata = subnetwork_strata(arch)
    order = strata_order(strata)
    full = generic_rank(arch)
    below = {i: [j for a, j in order if a == i] for i in range(len(strata))}
    member = None
    if point is not None:
        counts = point[2].counts
        member = next((i for i, st in enumerate(strata) if (st.removed, st.merged) == counts), None)
    if args.json:
        rows = []
        for i, s in enumerate(strata):
            row = {"index": i, "label": s.label, **s.to_dict(), "contained_in": below[i]}
            rows.append(row)
        print_json({
            "architecture": architecture_record(arch),
            "widths": list(arch.widths),
            "dimension": full.dimension,
            "certified": full.certified,
            "error_bound": full.error_bound,
            "strata": rows,
            "order": [list(pair) for pair in order],
            "zero_function": {"dimension": 0, "codimension": full.dimension,
                              "note": "a hidden layer emptied: f ≡ 0, contained in every stratum"},
            "point": None if point is None else {
                **point_provenance(point[0], point[1]), "certified": True, "error_bound": 0.0, "primes": [],
                "subnetwork": point[2].to_dict(), "stratum": member,
                "on_zero_function": member is None and point[2].is_subnetwork},
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
    if point is not None:
        params, snapped, report = point
        line = describe_point(params, snapped)
        if line:
            print(line)
        where = (f"stratum #{member} ({strata[member].label})" if member is not None else
                 "f ≡ 0" if report.is_subnetwork else "the open stratum (not a subnetwork)")
        print(f"{'W′' if line else 'the point'} lies on {where}: {report.summary()} (exact)")
        if snapped.nearest is not None:
            print(f"distance from {'your W' if line else 'the point'} to the subnetwork locus: {snapped.distance:.3g} "
                  f"({snapped.nearest.label})")
    return 0
