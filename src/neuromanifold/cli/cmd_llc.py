"""neuromanifold llc: local learning coefficients — closed-form checks and subnetwork vs generic minima."""

from __future__ import annotations

import sys

from .common import UsageError, add_progress_option, parse_int_list, print_json, progress_enabled, seed_type


def register(sub) -> None:
    p = sub.add_parser("llc", help="local learning coefficient (SGLD/MALA) at subnetwork vs generic minima",
                       description="Estimate λ̂ = nβ(E[L_n] − L_n(w*)) by Langevin sampling; check it on the normal crossing "
                                   "and on reduced-rank regression (Aoyagi–Watanabe 2005), then compare a subnetwork "
                                   "minimum with a generic one of MLP (2,2,1), σ = z³+z², rank/2 beside each.  "
                                   "Defaults are the calibrated settings of docs/landscape.md.")
    p.add_argument("--n", type=int, default=100_000,
                   help="sample size n (nβ = n/log n; noiseless data, so n sets the temperature; default 100000)")
    p.add_argument("--chains", type=int, default=8, help="independent chains per estimate (default 8)")
    p.add_argument("--draws", type=int, default=10_000, help="draws per chain after burn-in (default 10000)")
    p.add_argument("--burn-in", type=int, default=2500, help="discarded steps per chain (default 2500)")
    p.add_argument("--step", type=float, default=0.3, help="MALA step ε in preconditioned coordinates (default 0.3)")
    p.add_argument("--gamma", type=float, default=1.0, help="localisation strength γ (default 1)")
    p.add_argument("--rrr", metavar="M,N,H,R", default="2,3,2,1",
                   help="reduced-rank regression case checked against Aoyagi–Watanabe (default 2,3,2,1: λ = 5/2)")
    p.add_argument("--no-checks", action="store_true", help="skip the closed-form checks")
    p.add_argument("--seed", type=seed_type, default=0, help="seed of the chains (default 0)")
    add_progress_option(p)
    p.add_argument("--json", action="store_true", help="print one JSON object")
    p.set_defaults(func=run)


def run(args) -> int:
    from dataclasses import replace

    import numpy as np

    from ..landscape.llc import (
        estimate_llc,
        normal_crossing_loss,
        occam_comparison,
        reduced_rank_llc,
        reduced_rank_rlct,
    )
    from ..limits import check_count

    check_count(args.n, "n", "MAX_SAMPLE_SIZE", minimum=3)  # before any sampling starts
    check_count(args.chains, "chains", "MAX_CHAINS")
    check_count(args.draws, "draws", "MAX_DRAWS")
    check_count(args.burn_in, "burn_in", "MAX_DRAWS", minimum=0)
    if not args.step > 0:
        raise UsageError(f"--step must be > 0, got {args.step}")
    if not args.gamma >= 0:
        raise UsageError(f"--gamma must be >= 0, got {args.gamma}")
    rrr = parse_int_list(args.rrr, "--rrr")
    if len(rrr) != 4:
        raise UsageError(f"--rrr must be four integers M,N,H,R, got {args.rrr!r}")
    try:
        reduced_rank_rlct(*rrr)
    except ValueError as exc:
        raise UsageError(f"--rrr {args.rrr}: {exc}") from None
    checks = []
    if not args.no_checks:
        nc = estimate_llc(normal_crossing_loss((1, 2)), np.zeros(2), 9000, chains=16,
                          draws=min(20000, 2 * args.draws), burn_in=min(2000, args.burn_in), step=2e-4,
                          gamma=1.0, seed=args.seed, batched=True, label="normal crossing w1²w2⁴")
        checks.append(replace(nc, reference=0.25))
        checks.append(reduced_rank_llc(*rrr, chains=max(2, args.chains), draws=args.draws, burn_in=args.burn_in,
                                       seed=args.seed))
    rows = occam_comparison(n=args.n, chains=args.chains, draws=args.draws, burn_in=args.burn_in, step=args.step,
                            gamma=args.gamma, seed=args.seed, progress=progress_enabled(args))
    if args.json:
        print_json({"checks": [c.to_dict() for c in checks], "networks": [r.to_dict() for r in rows]})
    else:
        for r in checks + rows:
            print(r.summary())
        print("(statistical estimates, not certified: ± is the standard error between chains)")
    bad = [r for r in checks + rows if not r.usable]
    for r in bad:
        print(f"neuromanifold llc: warning: {r.label}: {r.warning}", file=sys.stderr)
    return 1 if bad else 0
