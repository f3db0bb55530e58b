"""neuromanifold train: the sparsity-bias study — MLP vs CNN training runs, where they end (subnetwork minimum,
saddle, elsewhere), Wilson intervals, Fisher tests, figures (resumable)."""

from __future__ import annotations

import sys

from .common import add_out_option, add_progress_option, print_json, progress_enabled

_TASKS = ("subnetwork", "full", "random")


def register(sub) -> None:
    p = sub.add_parser("train", help="the sparsity-bias study: how often training ends on a subnetwork, minima vs saddles",
                       description="Train three MLPs ((3,4,1), (2,4,4,1), (4,6,2)) and three CNNs with PyTorch from many "
                                   "seeds on three tasks (teacher on a subnetwork, teacher of the full architecture, random "
                                   "data); classify each end point (subnetwork minimum / saddle / degenerate, off, not "
                                   "converged, at infinity); report counts with 95%% Wilson intervals, Fisher tests of MLP "
                                   "vs CNN, and write figures.  Resumable: finished runs are kept in OUT/results.json.")
    p.add_argument("--seeds", type=int, default=200, help="runs per architecture and task (default 200)")
    p.add_argument("--steps", type=int, default=4000, help="optimisation steps (default 4000)")
    p.add_argument("--optimizer", choices=("gd", "sgd", "adam"), default="gd",
                   help="full-batch gradient descent, minibatch SGD or Adam (default gd)")
    p.add_argument("--lr", type=float, default=0.01, help="learning rate (default 0.01)")
    p.add_argument("--init-scale", type=float, default=0.05, help="multiplies the N(0, 1/fan-in) initialisation (default 0.05)")
    p.add_argument("--noise", type=float, default=0.02, help="label noise of the teacher tasks (default 0.02)")
    p.add_argument("--task", choices=_TASKS + ("all",), default="all",
                   help="teacher on a subnetwork, teacher of the full architecture, random data, or all (default all)")
    p.add_argument("--activation", "-a", default="z^3+z^2", help='activation in z (default "z^3+z^2")')
    p.add_argument("--exact-inertia", action="store_true",
                   help="cross-check subnetwork end points of networks with ≤ 16 parameters by the exact Hessian inertia "
                        "over Q (about 2 s per run; the default study then takes about 5 min instead of 3)")
    p.add_argument("--workers", "-j", type=int, default=2, help="worker processes (default 2; 1 runs in this process)")
    add_out_option(p, "neuromanifold-train", "folder for results.json, weights and figures (default neuromanifold-train)",
                   metavar="DIR")
    p.add_argument("--no-figures", action="store_true", help="skip the figures")
    p.add_argument("--save-weights", action="store_true",
                   help="also write every run's final weights to OUT/weights/ (inputs of critical/singular --weights)")
    add_progress_option(p)
    p.add_argument("--json", action="store_true", help="print one JSON object (arms, tests, paths)")
    p.set_defaults(func=run)


def run(args) -> int:
    from pathlib import Path

    from ..experiments.sparsity import run_study
    from ..landscape.training import default_specs
    from ..limits import check_count

    check_count(args.seeds, "seeds", "MAX_RUNS")
    tasks = _TASKS if args.task == "all" else (args.task,)
    specs = default_specs(steps=args.steps, optimizer=args.optimizer, activation=args.activation, tasks=tasks,
                          lr=args.lr, init_scale=args.init_scale, noise=args.noise, exact_inertia=args.exact_inertia)
    out = Path(args.out)
    result = run_study(specs, range(args.seeds), path=out / "results.json", workers=args.workers,
                       progress=progress_enabled(args))
    weights = result.save_weights(out / "weights") if args.save_weights else []
    figures = []
    if not args.no_figures:
        from ..landscape.figures import experiment_figures

        figures = experiment_figures(result, out)
    if args.json:
        print_json({**result.to_dict(), "results": result.path, "figures": figures, "weights": weights})
    else:
        print(result.summary())
        print(f"results: {result.path}")
        if weights:
            print(f"final weights: {len(weights)} files in {out / 'weights'} (e.g. neuromanifold critical --weights "
                  f"{weights[0]})")
        for f in figures:
            print(f"figure: {f}")
    failed = False
    for g in result.arms():
        if g["diverged"]:
            print(f"neuromanifold train: warning: {g['diverged']} of {g['runs']} runs of {g['label']} ({g['task']}) "
                  "diverged (non-finite loss); lower --lr", file=sys.stderr)
            failed = failed or g["diverged"] == g["runs"]
    return 1 if failed else 0
