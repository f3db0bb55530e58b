"""The sparsity-bias study: many training runs per architecture and task, where they end, and the statistics.

Razor's Edge (docs/math.md §6) explains the sparsity bias of MLPs — training ends on subnetworks with positive
probability — by critical exposure, and its absence in CNNs by Prop 4.5.  It leaves open whether the subnetwork
end points are minima or saddles of the full network.  :func:`run_study` trains every (architecture, task) arm
from ``seeds`` seeds (:func:`~neuromanifold.landscape.training.train_block`, batched, blocks of
:data:`BLOCK` seeds spread over a worker pool), stores each finished block (resumable JSON) and reports per arm
the counts of :data:`~neuromanifold.landscape.end_points.CATEGORIES` with 95 % Wilson intervals, and per task a
Fisher exact test (``scipy.stats.fisher_exact``, two-sided) of MLP against CNN runs — for "ends on a subnetwork"
and for "ends on a subnetwork minimum" / "… saddle".
"""

from __future__ import annotations

import json
import os
import sys
from concurrent.futures import FIRST_COMPLETED, wait
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from ..architectures import architecture_record
from ..landscape.end_points import CATEGORIES
from ..landscape.statistics import fisher_test, wilson_interval
from ..landscape.training import RunResult, TrainSpec, train_block
from ..limits import MAX_RUNS, MAX_SEED
from ..results import Result

__all__ = ["StudyResult", "run_study", "BLOCK"]

#: Seeds trained together in one batch (one task of the worker pool).
BLOCK = 50
_FORMAT = "neuromanifold.training/2"


def _counts(runs) -> dict:
    cats = {c: sum(r.category == c for r in runs) for c in CATEGORIES}
    n = len(runs)
    row = {"runs": n, "on_subnetwork": sum(r.on_subnetwork for r in runs), "minima": cats["subnetwork minimum"],
           "saddles": cats["subnetwork saddle"], "degenerate": cats["subnetwork degenerate"],
           "off_subnetwork": cats["off subnetwork"], "not_converged": cats["not converged"],
           "at_infinity": cats["at infinity"], "diverged": cats["diverged"],
           "zero_network": cats["zero network"],
           "rank_confirmed": sum(bool(r.confirmed) for r in runs)}
    for key in ("on_subnetwork", "minima", "saddles", "degenerate"):
        row[f"{key}_wilson95"] = list(wilson_interval(row[key], n))
    finite = [r.final_loss for r in runs if np.isfinite(r.final_loss)]
    row["median_final_loss"] = float(np.median(finite)) if finite else None
    sub = [r.end_loss for r in runs if r.on_subnetwork and r.end_loss is not None]
    row["median_subnetwork_loss"] = float(np.median(sub)) if sub else None  # at the refined subnetwork end points
    best = [v for r in runs for v in (r.final_loss, r.end_loss) if v is not None and np.isfinite(v)]
    row["best_loss"] = float(min(best)) if best else None  # the lowest loss any run of the arm reached
    return row


@dataclass(frozen=True)
class StudyResult(Result):
    """All runs of a study; :meth:`arms` and :meth:`tests` are its tables (module docstring)."""

    runs: tuple
    path: str | None = None
    figures: tuple = field(default=())

    def arms(self) -> list[dict]:
        table: dict[tuple, list] = {}
        spec_arch = {}
        for r in self.runs:
            spec = TrainSpec.from_dict(r.spec)
            spec_arch[(spec.kind, spec.architecture.describe())] = spec.architecture
            table.setdefault((spec.kind, spec.architecture.describe(), spec.activation, spec.task, spec.optimizer),
                             []).append(r)
        out = []
        for (kind, arch, act, task, opt), runs in table.items():
            row = {"kind": kind, "label": arch, "architecture": architecture_record(spec_arch[(kind, arch)]), "activation": act,
                   "task": task, "optimizer": opt}
            row.update(_counts(runs))
            row["fraction"] = row["on_subnetwork"] / row["runs"]
            out.append(row)
        return out

    def tests(self) -> list[dict]:
        """Per task: MLP vs CNN runs pooled over architectures — Fisher p-values for ending on a subnetwork, on a
        subnetwork minimum and on a subnetwork saddle; the share of MLP subnetwork end points that are minima."""
        out = []
        for task in dict.fromkeys(TrainSpec.from_dict(r.spec).task for r in self.runs):
            pooled = {k: _counts([r for r in self.runs if r.kind == k and r.spec["task"] == task]) for k in ("MLP", "CNN")}
            mlp, cnn = pooled["MLP"], pooled["CNN"]
            row = {"task": task, "mlp": {k: mlp[k] for k in ("runs", "on_subnetwork", "minima", "saddles", "degenerate")},
                   "cnn": {k: cnn[k] for k in ("runs", "on_subnetwork", "minima", "saddles", "degenerate")}}
            for key in ("on_subnetwork", "minima", "saddles"):
                row[f"p_{key}"] = fisher_test(mlp[key], mlp["runs"], cnn[key], cnn["runs"])
            sub = mlp["on_subnetwork"]
            row["mlp_minimum_share"] = mlp["minima"] / sub if sub else None
            row["mlp_minimum_share_wilson95"] = list(wilson_interval(mlp["minima"], sub)) if sub else None
            out.append(row)
        return out

    def best_losses(self) -> dict:
        """The lowest final loss any run of an arm reached (a subnetwork end point's loss is read next to it)."""
        best: dict[str, float] = {}
        for r in self.runs:
            key = f"{TrainSpec.from_dict(r.spec).architecture.describe()} {r.spec['task']}"
            values = [v for v in (r.final_loss, r.end_loss) if v is not None and np.isfinite(v)]
            if values:
                best[key] = min(best.get(key, np.inf), *values)
        return best

    def save_weights(self, folder) -> list[str]:
        """Write each run's final point as a weights file (:meth:`~neuromanifold.Parameters.save`, architecture
        included) named ``{kind}-{task}-seed{seed}-{key}.json`` in ``folder``; diverged runs are skipped.  These
        files go straight into ``neuromanifold critical|singular|strata --weights``."""
        from ..architectures import Parameters

        folder = Path(folder)
        folder.mkdir(parents=True, exist_ok=True)
        paths = []
        for r in self.runs:
            if not r.final_theta:
                continue
            spec = TrainSpec.from_dict(r.spec)
            path = folder / f"{spec.kind}-{spec.task}-seed{r.seed}-{r.key[:8]}.json"
            Parameters.unflatten(spec.architecture, np.asarray(r.final_theta, dtype=float)).save(path)
            paths.append(str(path))
        return paths

    def to_dict(self) -> dict:
        return {"arms": self.arms(), "tests": self.tests(), "best_losses": self.best_losses(), "path": self.path,
                "figures": list(self.figures)}

    def summary(self) -> str:
        lines = [f"{'kind':4} {'architecture':44} {'task':10} {'runs':>4}  {'on subnetwork (95% Wilson)':30} "
                 f"{'minima':>6} {'saddles':>7} {'degen':>5} {'θ=0':>4} {'off':>4} {'moving':>6} {'inf':>4}  "
                 "L(subnetwork end) / best L"]
        for g in self.arms():
            lo, hi = g["on_subnetwork_wilson95"]
            lines.append(f"{g['kind']:4} {g['label']:44} {g['task']:10} {g['runs']:>4}  "
                         f"{g['on_subnetwork']:>4}/{g['runs']:<4} = {g['fraction']:.2f} [{lo:.2f}, {hi:.2f}]     "
                         f"{g['minima']:>6} {g['saddles']:>7} {g['degenerate']:>5} {g['zero_network']:>4} {g['off_subnetwork']:>4} "
                         f"{g['not_converged']:>6} {g['at_infinity'] + g['diverged']:>4}  "
                         f"{_loss(g['median_subnetwork_loss'])} / {_loss(g['best_loss'])}")
        for t in self.tests():
            share = t["mlp_minimum_share"]
            share_text = ("no MLP subnetwork end point" if share is None else
                          f"{t['mlp']['minima']}/{t['mlp']['on_subnetwork']} of the MLP subnetwork end points are minima "
                          f"[{t['mlp_minimum_share_wilson95'][0]:.2f}, {t['mlp_minimum_share_wilson95'][1]:.2f}]")
            lines.append(f"task {t['task']}: MLP {t['mlp']['on_subnetwork']}/{t['mlp']['runs']} vs CNN "
                         f"{t['cnn']['on_subnetwork']}/{t['cnn']['runs']} on a subnetwork, Fisher p = {t['p_on_subnetwork']:.1e}; "
                         f"{share_text}")
        return "\n".join(lines)


def _loss(value) -> str:
    return "—" if value is None else f"{value:.2g}"


def _load(path: Path) -> dict:
    if not path.exists():
        return {}
    try:
        data = json.loads(path.read_text())
    except json.JSONDecodeError as exc:
        raise ValueError(f"Argument 'path': {str(path)!r} is not a valid results file ({exc.msg}).") from None
    if data.get("format") != _FORMAT:  # runs of an older format are recomputed, not misread
        return {}
    return {r["key"]: RunResult.from_dict(r) for r in data.get("runs", [])}


def _save(path: Path, done: dict) -> None:
    tmp = path.with_suffix(path.suffix + ".tmp")
    tmp.write_text(json.dumps({"format": _FORMAT, "runs": [r.to_dict() for r in done.values()]}))
    os.replace(tmp, path)


def _check(specs, seeds, path):
    specs = list(specs)
    if not specs or not all(isinstance(s, TrainSpec) for s in specs):
        raise ValueError("Argument 'specs' must hold at least one TrainSpec.")
    if hasattr(seeds, "__len__") and len(seeds) > MAX_RUNS:
        raise ValueError(f"Argument 'seeds' holds {len(seeds)} seeds; at most {MAX_RUNS} (MAX_RUNS) are accepted.")
    seeds = list(seeds)
    if not seeds or any(isinstance(s, bool) or not isinstance(s, int) or not 0 <= s <= MAX_SEED for s in seeds):
        raise ValueError(f"Argument 'seeds' must be ints in [0, 2^63 - 1], got {seeds[:10]!r}.")
    path = Path(path) if path is not None else None
    if path is not None:
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise ValueError(f"Argument 'path': cannot create the folder {str(path.parent)!r} ({exc.strerror or exc}).") from None
        if path.is_dir():
            raise ValueError(f"Argument 'path': {str(path)!r} is a folder, not a results file.")
    return specs, seeds, path


def run_study(specs, seeds, path=None, workers: int = 1, progress: bool = False) -> StudyResult:
    """Run every (spec, seed), in blocks of :data:`BLOCK` seeds per spec, on ``workers`` processes
    (``workers=1``: in this process).  With ``path`` (JSON) each finished block is saved and skipped when the
    study is run again (resumable; Ctrl-C keeps every finished block).

    The MLP-vs-CNN contrast of docs/math.md §6 (Razor's Edge, Prop 4.5) over seeds.
    """
    from ..limits import check_count

    check_count(workers, "workers", "MAX_WORKERS")
    specs, seeds, path = _check(specs, seeds, path)
    done = _load(path) if path is not None else {}
    jobs = []
    for spec in specs:
        todo = [s for s in seeds if spec.key(s) not in done]
        for start in range(0, len(todo), BLOCK):
            jobs.append((spec, todo[start : start + BLOCK]))
    bar = None
    if progress:
        from tqdm import tqdm

        bar = tqdm(total=sum(len(j[1]) for j in jobs), desc="training", unit="run", file=sys.stderr)

    def finish(runs):
        for r in runs:
            done[r.key] = r
        if path is not None:
            _save(path, done)
        if bar is not None:
            bar.update(len(runs))

    try:
        if workers == 1:
            for spec, block in jobs:
                finish(train_block(spec, block))
        elif jobs:
            from .executors import local_executor

            pool = local_executor(min(workers, len(jobs)))
            try:
                pending = {pool.submit(train_block, spec, block) for spec, block in jobs}
                while pending:
                    finished, pending = wait(pending, return_when=FIRST_COMPLETED)
                    for fut in finished:
                        finish(fut.result())
            finally:
                pool.shutdown(wait=True, cancel_futures=True)
    finally:
        if bar is not None:
            bar.close()
    runs = tuple(done[spec.key(s)] for spec in specs for s in seeds)
    return StudyResult(runs, str(path) if path is not None else None)
