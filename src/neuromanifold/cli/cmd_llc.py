"""neuromanifold llc: local learning coefficients — closed-form checks and subnetwork vs generic minima."""

from __future__ import annotations

from .common import UsageError, print_json


def register(sub) -> None:
    p = sub.add_parser("llc", help="local learning coefficient (SGLD) at subnetwork vs generic minima",
                       description="Estimate λ̂ = nβ(E[L_n] − L_n(w*)) by SGLD; check the normal-crossing and regular "
                                   "closed forms, then compare a subnetwork minimum with a generic one, rank/2 beside each.")
    p.add_argument("--n", type=int, default=2000, help="sample size n (nβ = n/log n; default 2000)")
    p.add_argument("--chains", type=int, default=4)
    p.add_argument("--draws", type=int, default=2000)
    p.add_argument("--burn-in", type=int, default=300)
    p.add_argument("--step", type=float, default=2e-5, help="SGLD step ε for the network estimates")
    p.add_argument("--gamma", type=float, default=10.0, help="localisation strength γ")
    p.add_argument("--seed", type=int, default=0)
    p.add_argument("--json", action="store_true")
    p.set_defaults(func=run)


def run(args) -> int:
    from ..landscape.llc import estimate_llc, normal_crossing_loss
    from ..landscape.llc import occam_comparison

    if args.n < 3:
        raise UsageError(f"--n must be >= 3, got {args.n}")
    import numpy as np

    nc = estimate_llc(normal_crossing_loss((1, 2)), np.zeros(2), 9000, chains=16, draws=20000, burn_in=2000,
                      step=2e-4, gamma=1.0, seed=args.seed, batched=True, label="normal crossing w1²w2⁴ (λ = 1/4)")
    rows = occam_comparison(n=args.n, chains=args.chains, draws=args.draws, burn_in=args.burn_in, step=args.step,
                            gamma=args.gamma, seed=args.seed, progress=True)
    if args.json:
        print_json({"normal_crossing": nc.to_dict(), "networks": [r.to_dict() for r in rows]})
    else:
        print(nc.summary())
        for r in rows:
            print(r.summary())
    return 0
