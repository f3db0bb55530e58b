"""neuromanifold train: MLP-vs-CNN training runs, fraction ending on subnetworks, figures (resumable)."""

from __future__ import annotations

import sys

from .common import add_progress_option, print_json, progress_enabled


def register(sub) -> None:
    p = sub.add_parser("train", help="train polynomial MLPs and CNNs; how often training ends on a subnetwork",
                       description="Train the default MLP (3,4,1) and CNN (d0=5, k=(3,2), s=(2,1)) with PyTorch from many "
                                   "seeds; report the fraction of runs ending on a subnetwork and write figures.")
    p.add_argument("--seeds", type=int, default=10, help="runs per setting (default 10)")
    p.add_argument("--steps", type=int, default=4000, help="optimisation steps (default 4000)")
    p.add_argument("--optimizer", choices=("gd", "sgd", "adam"), default="gd",
                   help="full-batch gradient descent, minibatch SGD or Adam (default gd)")
    p.add_argument("--lr", type=float, default=0.01, help="learning rate (default 0.01)")
    p.add_argument("--init-scale", type=float, default=0.05, help="standard deviation of the initial weights (default 0.05)")
    p.add_argument("--noise", type=float, default=0.02, help="label noise of the teacher task (default 0.02)")
    p.add_argument("--task", choices=("teacher", "random", "both"), default="teacher")
    p.add_argument("--activation", "-a", default="z^3+z^2", help='activation in z (default "z^3+z^2")')
    p.add_argument("--out", default="neuromanifold-train", help="folder for results.json and figures")
    p.add_argument("--no-figures", action="store_true", help="skip the figures")
    add_progress_option(p)
    p.add_argument("--json", action="store_true", help="print one JSON object (groups, paths)")
    p.set_defaults(func=run)


def run(args) -> int:
    from pathlib import Path

    from ..landscape.training import default_specs, run_experiment
    from ..limits import check_count

    check_count(args.seeds, "seeds", "MAX_RUNS")
    tasks = ("teacher", "random") if args.task == "both" else (args.task,)
    specs = default_specs(steps=args.steps, optimizer=args.optimizer, activation=args.activation, tasks=tasks,
                          lr=args.lr, init_scale=args.init_scale, noise=args.noise)
    out = Path(args.out)
    result = run_experiment(specs, range(args.seeds), path=out / "results.json", progress=progress_enabled(args))
    weights = result.save_weights(out / "weights")
    figures = []
    if not args.no_figures:
        from ..landscape.figures import experiment_figures

        figures = experiment_figures(result, out)
    if args.json:
        print_json({"groups": result.groups(), "results": result.path, "figures": figures, "weights": weights})
    else:
        print(result.summary())
        print(f"results: {result.path}")
        if weights:
            print(f"final weights: {len(weights)} files in {out / 'weights'} (e.g. neuromanifold critical --weights "
                  f"{weights[0]})")
        for f in figures:
            print(f"figure: {f}")
    failed = False
    for g in result.groups():
        if g["diverged"]:
            print(f"neuromanifold train: warning: {g['diverged']} of {g['runs']} {g['kind']} runs ({g['task']}) diverged "
                  f"(non-finite loss); lower --lr", file=sys.stderr)
            failed = failed or g["diverged"] == g["runs"]
    return 1 if failed else 0
