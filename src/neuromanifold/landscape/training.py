"""Training polynomial MLPs and CNNs with PyTorch, and where training ends: on subnetworks or not.

Razor's Edge (docs/math.md §6): MLP subnetworks are *critically exposed* — for a positive-measure set of
data the square loss has critical points on the subnetwork strata, and gradient methods end there
(the sparsity bias); CNN subnetworks are not (Prop 4.5).  This module measures it:

* **tasks**: ``"teacher"`` — Y = f_{θ_T}(X) for a planted teacher θ_T on a subnetwork stratum of the same
  architecture (MLP: one inactive neuron; CNN: a zero-padded filter), X ~ N(0, I); ``"random"`` —
  Y ~ N(0, I) (not realisable: training ends at a critical point with positive loss);
* **training**: mean square loss (1/m) Σ_i |f_θ(x_i) − y_i|², full-batch gradient descent (``gd``),
  mini-batch SGD (``sgd``) or Adam (``adam``), float64 on the CPU, from θ_0 = ``init_scale`` × N(0, 1/fan-in);
* **end point**: MLP — :func:`neuromanifold.geometry.subnetworks.detect_subnetwork` with relative
  tolerance ``tol`` (inactive / redundant neurons); CNN — filters whose first or last entries are below
  ``tol`` relative to the filter's largest entry (zero-padded filters);
* **rank test**: the end point with the detected zeros snapped to exact 0 and the rest rationalised is
  fed to the exact Jacobian over F_p at random inputs; rank < generic rank (dim V) confirms the end point
  is a critical point of φ.  The mod-p rank at one random point is a lower bound of the rank over ℚ, so
  the confirmation is probabilistic (it can only err towards a too-low rank, with probability
  ≤ Schwartz–Zippel bound).

Every run is a pure function of (spec, seed).  :func:`run_experiment` stores finished runs in a JSON file
and skips them when rerun (resumable).
"""

from __future__ import annotations

import hashlib
import json
import math
import os
from dataclasses import asdict, dataclass, field
from pathlib import Path

import numpy as np

from ..architectures import Parameters, architecture_from_json
from ..architectures.cnn import is_cnn
from ..geometry.criticality import generic_rank
from ..geometry.strata import default_stratum
from ..limits import MAX_RUNS, MAX_SEED, check_count
from ..parametrization import require_torch
from ..randomness import stream
from ..results import Result
from .end_points import detect_end_point, rank_at, unit_labels, unit_norms
from .objective import mse
from .statistics import wilson_interval

__all__ = ["TrainSpec", "RunResult", "ExperimentResult", "train_run", "run_experiment", "detect_end_point",
           "unit_norms", "default_specs"]

_OPTIMIZERS = ("gd", "sgd", "adam")
_TASKS = ("teacher", "random")


@dataclass(frozen=True)
class TrainSpec:
    """One training setting; with a seed it determines a run completely.

    Trains on the square loss of docs/math.md §6 (``task='teacher'``: realisable data from a teacher network).

    Parameters
    ----------
    architecture: an MLP or CNN.
    task: ``"teacher"`` or ``"random"`` (module docstring).
    n_data: number of samples m.
    optimizer: ``"gd"``, ``"sgd"`` or ``"adam"``; ``lr`` its step size; ``batch_size`` for SGD.
    steps: optimisation steps; ``record_every``: how often loss and unit norms are stored.
    init_scale: multiplies the N(0, 1/fan-in) initialisation (small values favour the sparsity bias).
    tol: relative tolerance of the subnetwork detection at the end point.
    """

    architecture: object
    task: str = "random"
    n_data: int = 32
    optimizer: str = "adam"
    lr: float = 0.01
    steps: int = 1500
    batch_size: int = 8
    init_scale: float = 1.0
    tol: float = 1e-3
    record_every: int = 25
    noise: float = 0.0

    def __post_init__(self):
        if not hasattr(self.architecture, "layers"):
            raise TypeError(f"Argument 'architecture' must be an MLP or CNN, not {type(self.architecture).__name__}.")
        if self.task not in _TASKS:
            raise ValueError(f"Argument 'task' must be one of {_TASKS}, got {self.task!r}.")
        if self.optimizer not in _OPTIMIZERS:
            raise ValueError(f"Argument 'optimizer' must be one of {_OPTIMIZERS}, got {self.optimizer!r}.")
        check_count(self.steps, "steps", "MAX_STEPS")
        for name in ("n_data", "batch_size", "record_every"):
            check_count(getattr(self, name), name, "MAX_SAMPLE_POINTS")
        if isinstance(self.noise, bool) or not isinstance(self.noise, (int, float)) or not (0 <= self.noise < math.inf):
            raise ValueError(f"Argument 'noise' must be a non-negative number, got {self.noise!r}.")
        for name in ("lr", "init_scale", "tol"):
            v = getattr(self, name)
            if isinstance(v, bool) or not isinstance(v, (int, float)) or not (v > 0 and math.isfinite(v)):
                raise ValueError(f"Argument '{name}' must be a positive number, got {v!r}.")

    @property
    def kind(self) -> str:
        return "CNN" if is_cnn(self.architecture) else "MLP"

    @property
    def activation(self) -> str:
        acts = sorted({str(a) for a in self.architecture.activations})
        return ";".join(acts)

    def to_dict(self) -> dict:
        d = asdict(self)
        d["architecture"] = self.architecture.to_json()
        return d

    @classmethod
    def from_dict(cls, d: dict) -> "TrainSpec":
        d = dict(d)
        d["architecture"] = architecture_from_json(d["architecture"])
        return cls(**d)

    def key(self, seed: int) -> str:
        """A stable identifier of (spec, seed) for resuming."""
        text = json.dumps({"spec": self.to_dict(), "seed": int(seed)}, sort_keys=True)
        return hashlib.sha256(text.encode()).hexdigest()[:16]

    @property
    def label(self) -> str:
        return f"{self.architecture.describe()} {self.task} {self.optimizer}"


@dataclass(frozen=True)
class RunResult:
    """One finished run.  ``near_subnetwork``: some unit below the tolerance; ``on_subnetwork``: moreover the
    end point snapped to that stratum and refined is a critical point of the full loss (see
    :func:`detect_end_point`); ``rank``/``generic_rank`` at the refined point (``confirmed`` = on_subnetwork
    and rank < generic rank, i.e. also a critical point of φ; probabilistic, see the module docstring).

    docs/math.md §6: training ends on MLP subnetworks with positive probability (critical exposure), on CNN
    subnetworks with probability 0 (Razor's Edge Prop 4.5).
    """

    key: str
    spec: dict
    seed: int
    steps: list
    losses: list
    unit_norms: list  # [record][unit]
    unit_labels: list
    final_loss: float
    gradient_norm: float
    final_theta: list
    on_subnetwork: bool
    detail: str
    rank: int | None
    generic_rank: int | None
    confirmed: bool
    near_subnetwork: bool = False

    def to_dict(self) -> dict:
        return asdict(self)

    @classmethod
    def from_dict(cls, d: dict) -> "RunResult":
        return cls(**d)


@dataclass(frozen=True)
class ExperimentResult(Result):
    """All runs of an experiment and, per setting (architecture kind, activation, task, optimizer), the
    fraction of runs ending on a subnetwork with a 95 % Wilson interval."""

    runs: tuple
    path: str | None = None
    figures: tuple = field(default=())

    def groups(self) -> list[dict]:
        table: dict[tuple, list] = {}
        for r in self.runs:
            spec = TrainSpec.from_dict(r.spec)
            table.setdefault((spec.kind, spec.architecture.describe(), spec.activation, spec.task, spec.optimizer),
                             []).append(r)
        out = []
        for (kind, arch, act, task, opt), runs in table.items():
            k, n = sum(r.on_subnetwork for r in runs), len(runs)
            lo, hi = wilson_interval(k, n)
            finite = [r.final_loss for r in runs if np.isfinite(r.final_loss)]
            out.append({"kind": kind, "architecture": arch, "activation": act, "task": task, "optimizer": opt,
                        "runs": n, "on_subnetwork": k, "near_subnetwork": sum(r.near_subnetwork for r in runs), "confirmed_by_rank": sum(r.confirmed for r in runs),
                        "fraction": k / n, "wilson95": [lo, hi],
                        "diverged": n - len(finite),
                        "median_final_loss": float(np.median(finite)) if finite else None})
        return out

    def to_dict(self) -> dict:
        return {"groups": self.groups(), "path": self.path, "figures": list(self.figures),
                "runs": [r.to_dict() for r in self.runs]}

    def save_weights(self, folder) -> list[str]:
        """Write each run's final point as a weights file (:meth:`~neuromanifold.Parameters.save`, architecture
        included) named ``{kind}-{task}-{optimizer}-seed{seed}-{key}.json`` in ``folder``; diverged runs are
        skipped.  These files go straight into ``neuromanifold critical|singular|strata --weights``."""
        folder = Path(folder)
        folder.mkdir(parents=True, exist_ok=True)
        paths = []
        for r in self.runs:
            if not r.final_theta or not np.all(np.isfinite(r.final_theta)):
                continue
            spec = TrainSpec.from_dict(r.spec)
            path = folder / f"{spec.kind}-{spec.task}-{spec.optimizer}-seed{r.seed}-{r.key[:8]}.json"
            Parameters.unflatten(spec.architecture, np.asarray(r.final_theta, dtype=float)).save(path)
            paths.append(str(path))
        return paths

    def summary(self) -> str:
        lines = [f"{'kind':4} {'architecture':42} {'task':8} {'opt':5} {'runs':>4}  on subnetwork (95% Wilson)  rank-confirmed"]
        for g in self.groups():
            lo, hi = g["wilson95"]
            lines.append(f"{g['kind']:4} {g['architecture']:42} {g['task']:8} {g['optimizer']:5} {g['runs']:>4}  "
                         f"{g['on_subnetwork']:>3}/{g['runs']:<3} = {g['fraction']:.2f} [{lo:.2f}, {hi:.2f}]   "
                         f"{g['confirmed_by_rank']}")
        return "\n".join(lines)


# --------------------------------------------------------------------------------------------
# one run
# --------------------------------------------------------------------------------------------
def _data(spec: TrainSpec, seed: int):
    from ..parametrization import Float64, evaluate

    arch = spec.architecture
    rng = stream(seed, "training.data")
    X = rng.standard_normal((spec.n_data, arch.input_dim))
    if spec.task == "random":
        Y = rng.standard_normal((spec.n_data, arch.output_dim))
    else:
        stratum = default_stratum(arch)
        teacher = Parameters.random(arch, seed=seed + 10_000, kind="float").flatten()
        teacher[list(stratum.zero)] = 0.0
        Y = evaluate(arch, teacher, X, Float64())
        Y = Y / max(1e-12, float(np.std(Y)))  # unit scale targets
        Y = Y + spec.noise * rng.standard_normal(Y.shape)
    return X, Y


def train_run(spec: TrainSpec, seed: int) -> RunResult:
    """Train ``spec.architecture`` from the seeded initialisation on the seeded data set; detect and rank-test
    the end point (see the module docstring).

    Tests the sparsity bias of docs/math.md §6 (Razor's Edge): MLP end points on subnetworks with positive
    probability, CNN end points not (Prop 4.5).
    """
    torch = require_torch()
    if isinstance(seed, bool) or not isinstance(seed, int) or seed < 0:
        raise ValueError(f"Argument 'seed' must be a non-negative int, got {seed!r}.")
    arch = spec.architecture
    X, Y = _data(spec, seed)
    theta0 = Parameters.random(arch, seed=seed, kind="float").flatten() * spec.init_scale
    Xt, Yt = torch.tensor(X), torch.tensor(Y)
    theta = torch.tensor(theta0, requires_grad=True)
    if spec.optimizer == "adam":
        opt = torch.optim.Adam([theta], lr=spec.lr)
    else:
        opt = torch.optim.SGD([theta], lr=spec.lr)
    gen = torch.Generator().manual_seed(seed)

    def full_loss():
        return mse(arch, theta, Xt, Yt)

    steps, losses, norms = [], [], []
    labels = unit_labels(arch)
    for step in range(spec.steps + 1):
        if step % spec.record_every == 0 or step == spec.steps:
            with torch.no_grad():
                steps.append(step)
                losses.append(float(full_loss()))
                norms.append(unit_norms(arch, theta.detach().numpy()).tolist())
            if not math.isfinite(losses[-1]):
                break
        if step == spec.steps:
            break
        opt.zero_grad()
        if spec.optimizer == "sgd":
            idx = torch.randperm(spec.n_data, generator=gen)[: spec.batch_size]
            loss = mse(arch, theta, Xt[idx], Yt[idx])
        else:
            loss = full_loss()
        loss.backward()
        opt.step()
    opt.zero_grad()
    loss = full_loss()
    loss.backward()
    gnorm = float(theta.grad.norm())
    final = theta.detach().numpy().copy()
    final_loss = float(loss.detach())
    if not (math.isfinite(final_loss) and np.all(np.isfinite(final))):
        return RunResult(spec.key(seed), spec.to_dict(), seed, steps, losses, norms, labels, float("inf"),
                         float("inf"), [], False, "diverged", None, None, False)
    end = detect_end_point(arch, X, Y, final, spec.tol)
    on_sub, detail = end["critical"], end["detail"]
    rank = generic = None
    confirmed = False
    if end["near"]:
        rank, generic = rank_at(arch, end["theta"], seed), generic_rank(arch).dimension
        confirmed = bool(on_sub and rank < generic)
    return RunResult(spec.key(seed), spec.to_dict(), seed, steps, losses, norms, labels, final_loss, gnorm,
                     final.tolist(), bool(on_sub), detail, rank, generic, bool(confirmed), bool(end["near"]))


# --------------------------------------------------------------------------------------------
# many runs, resumable
# --------------------------------------------------------------------------------------------
def _load(path: Path) -> dict:
    if not path.exists():
        return {}
    try:
        data = json.loads(path.read_text())
    except json.JSONDecodeError as exc:
        raise ValueError(f"Argument 'path': {str(path)!r} is not a valid results file ({exc.msg}).") from None
    return {r["key"]: RunResult.from_dict(r) for r in data.get("runs", [])}


def _save(path: Path, done: dict) -> None:
    tmp = path.with_suffix(path.suffix + ".tmp")
    tmp.write_text(json.dumps({"format": "neuromanifold.training/1", "runs": [r.to_dict() for r in done.values()]}))
    os.replace(tmp, path)


def run_experiment(specs, seeds, path=None, progress: bool = False) -> ExperimentResult:
    """Run every (spec, seed); with ``path`` (JSON), finished runs are saved after each run and skipped when
    the experiment is run again (resumable; an interrupted run is simply redone).

    The MLP-vs-CNN contrast of docs/math.md §6 (Razor's Edge, Prop 4.5) over seeds.
    """
    specs = list(specs)
    if hasattr(seeds, "__len__") and len(seeds) > MAX_RUNS:
        raise ValueError(f"Argument 'seeds' holds {len(seeds)} seeds; at most {MAX_RUNS} (MAX_RUNS) runs per setting "
                         "are accepted.")
    seeds = list(seeds)
    if len(seeds) > MAX_RUNS:
        raise ValueError(f"Argument 'seeds' holds {len(seeds)} seeds; at most {MAX_RUNS} (MAX_RUNS) are accepted.")
    if not specs:
        raise ValueError("Argument 'specs' must hold at least one TrainSpec.")
    if not seeds or any(isinstance(s, bool) or not isinstance(s, int) or not 0 <= s <= MAX_SEED for s in seeds):
        raise ValueError(f"Argument 'seeds' must be ints in [0, 2^63 - 1], got {seeds[:10]!r}.")
    torch = require_torch()
    path = Path(path) if path is not None else None
    if path is not None:
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise ValueError(f"Argument 'path': cannot create the folder {str(path.parent)!r} ({exc.strerror or exc}).") from None
        if path.is_dir():
            raise ValueError(f"Argument 'path': {str(path)!r} is a folder, not a results file.")
    done = _load(path) if path is not None else {}
    jobs = [(s, seed) for s in specs for seed in seeds]
    runs = []
    bar = None
    if progress:
        from tqdm import tqdm

        bar = tqdm(total=len(jobs), desc="training", unit="run", file=__import__("sys").stderr)
    for spec, seed in jobs:
        key = spec.key(seed)
        if key not in done:
            with torch.random.fork_rng():
                done[key] = train_run(spec, seed)
            if path is not None:
                _save(path, done)
        runs.append(done[key])
        if bar is not None:
            bar.update(1)
    if bar is not None:
        bar.close()
    return ExperimentResult(tuple(runs), str(path) if path is not None else None)


def default_specs(steps: int = 4000, optimizer: str = "gd", activation="z^3+z^2", tasks=("teacher",),
                  lr: float = 0.01, init_scale: float = 0.05, noise: float = 0.02, n_data: int = 32) -> list[TrainSpec]:
    """The small default MLP-vs-CNN comparison: MLP (3, 4, 1) and the CNN of Razor's Edge's example
    (d_0 = 5, k = (3, 2), s = (2, 1)), σ = z³ + z² (σ(0) = σ'(0) = 0), full-batch gradient descent from a
    small initialisation, on a planted teacher (one inactive neuron / a zero-padded filter) with label
    noise — the noise moves the data off the measure-zero set where CNN subnetworks carry critical points,
    while MLP subnetwork critical points persist (critical exposure)."""
    from ..architectures import MLP
    from ..architectures.cnn import CNN

    archs = [MLP((3, 4, 1), activation), CNN(5, (3, 2), (2, 1), activation)]
    return [TrainSpec(a, task=t, optimizer=optimizer, steps=steps, lr=lr, init_scale=init_scale, noise=noise,
                      n_data=n_data, tol=0.05) for a in archs for t in tasks]
