"""Training polynomial MLPs and CNNs with PyTorch, and where training ends: on subnetworks or not.

Razor's Edge (docs/math.md §6): MLP subnetworks are *critically exposed* — for a positive-measure set of
data the square loss has critical points on the subnetwork strata, and gradient methods end there
(the sparsity bias); CNN subnetworks are not (Prop 4.5).  This module measures it:

* **tasks**: ``"subnetwork"`` — Y = f_{θ_T}(X) + noise for a planted teacher θ_T on a subnetwork stratum of
  the same architecture (MLP: one inactive neuron; CNN: a zero-padded filter), X ~ N(0, I); ``"full"`` — the
  same with a generic teacher of the full architecture; ``"random"`` — Y ~ N(0, I) (not realisable);
* **training**: mean square loss (1/m) Σ_i |f_θ(x_i) − y_i|², full-batch gradient descent (``gd``),
  mini-batch SGD (``sgd``) or Adam (``adam``), float64 on the CPU, from θ_0 = ``init_scale`` × N(0, 1/fan-in);
* **end point**: :func:`~neuromanifold.landscape.end_points.analyse_end_point` — polished to the critical point
  it approaches, snapped onto a nearby stratum (inactive MLP neurons, zero-padded CNN filters, relative
  tolerance ``tol``), and, when the stratum carries a critical point of the full loss there, classified as a
  minimum, saddle or degenerate point of the full network (:mod:`.classify`);
* **rank test**: at a subnetwork end point the exact Jacobian over F_p at random inputs; rank < generic rank
  (dim V) confirms a critical point of φ.  The mod-p rank at one random point is a lower bound of the rank over
  ℚ, so the confirmation is probabilistic (it can only err towards a too-low rank).

Runs are trained in batches (:func:`train_block`: a (b, N) tensor of parameter vectors, each row with its own
data, so one autograd pass serves b runs); every run is still a pure function of (spec, seed) — the rows of a
batch never mix, and a single run is trained as a batch of one.  Persistence and statistics of many runs live in
:mod:`neuromanifold.experiments.sparsity`.
"""

from __future__ import annotations

import hashlib
import json
import math
from dataclasses import asdict, dataclass

import numpy as np

from ..architectures import Parameters, architecture_from_json
from ..architectures.cnn import is_cnn
from ..geometry.criticality import generic_rank
from ..geometry.strata import default_stratum
from ..limits import MAX_SEED, check_count
from ..parametrization import require_torch
from ..randomness import stream
from .end_points import analyse_end_point, point_rank, unit_labels, unit_norms
from .objective import mse

__all__ = ["TrainSpec", "RunResult", "train_block", "train_run", "default_specs", "study_architectures"]

_OPTIMIZERS = ("gd", "sgd", "adam")
_TASKS = ("subnetwork", "full", "random")


@dataclass(frozen=True)
class TrainSpec:
    """One training setting; with a seed it determines a run completely.

    Trains on the square loss of docs/math.md §6 (teacher tasks: data from a teacher network plus label noise).

    Parameters
    ----------
    architecture: an MLP or CNN.
    task: ``"subnetwork"``, ``"full"`` or ``"random"`` (module docstring).
    n_data: number of samples m.
    optimizer: ``"gd"``, ``"sgd"`` or ``"adam"``; ``lr`` its step size; ``batch_size`` for SGD.
    steps: optimisation steps; ``record_every``: how often loss and unit norms are stored.
    init_scale: multiplies the N(0, 1/fan-in) initialisation (small values favour the sparsity bias).
    tol: relative tolerance of the subnetwork detection at the end point.
    exact_inertia: also the exact Hessian inertia over ℚ at subnetwork end points of small networks (a cross-check).
    """

    architecture: object
    task: str = "subnetwork"
    n_data: int = 32
    optimizer: str = "adam"
    lr: float = 0.01
    steps: int = 1500
    batch_size: int = 8
    init_scale: float = 1.0
    tol: float = 1e-3
    record_every: int = 200
    noise: float = 0.0
    exact_inertia: bool = False

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
    """One finished run: its trajectory (loss and unit norms every ``record_every`` steps) and where it ended.

    ``category``: one of :data:`~neuromanifold.landscape.end_points.CATEGORIES`; ``on_subnetwork``: it ends on a
    critical point of the full loss on a subnetwork stratum (``stratum``), then ``end_type`` is its
    :class:`~neuromanifold.landscape.classify.CriticalPointType` (as a dict) and ``rank``/``generic_rank`` the
    rank of dφ there (:func:`~neuromanifold.geometry.criticality.rank_at_point`; ``confirmed``: rank < generic rank
    *certified* — a critical point of φ, proven over ℚ);
    ``end_loss`` the loss at the polished end point, ``distance`` its distance from where training stopped.

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
    category: str
    stratum: str | None
    near_subnetwork: bool
    end_loss: float | None
    distance: float | None
    end_type: dict | None
    rank: int | None
    generic_rank: int | None
    confirmed: bool

    @property
    def on_subnetwork(self) -> bool:
        return self.category.startswith("subnetwork")

    @property
    def kind(self) -> str:
        return self.spec["architecture"]["kind"].upper()

    def to_dict(self) -> dict:
        return asdict(self)

    @classmethod
    def from_dict(cls, d: dict) -> "RunResult":
        return cls(**d)


# --------------------------------------------------------------------------------------------
# runs, trained as a batch
# --------------------------------------------------------------------------------------------
def _data(spec: TrainSpec, seed: int):
    from ..parametrization import Float64, evaluate

    arch = spec.architecture
    rng = stream(seed, "training.data")
    X = rng.standard_normal((spec.n_data, arch.input_dim))
    if spec.task == "random":
        return X, rng.standard_normal((spec.n_data, arch.output_dim))
    if spec.task == "subnetwork":
        teacher = Parameters.random(arch, seed=seed + 10_000, kind="float").flatten()
        teacher[list(default_stratum(arch).zero)] = 0.0
    else:
        teacher = stream(seed, "training.teacher").standard_normal(arch.n_params)
    Y = evaluate(arch, teacher, X, Float64())
    Y = Y / max(1e-12, float(np.std(Y)))  # unit scale targets
    return X, Y + spec.noise * rng.standard_normal(Y.shape)


def _short(values) -> list:
    return [float(f"{v:.4g}") for v in values]


def train_block(spec: TrainSpec, seeds) -> list[RunResult]:
    """Train ``spec.architecture`` from each seed's initialisation on each seed's data set, all seeds at once (a
    (b, N) parameter tensor; the rows never mix, so each run is the same as trained alone); analyse each end point
    (module docstring).

    Tests the sparsity bias of docs/math.md §6 (Razor's Edge): MLP end points on subnetworks with positive
    probability, CNN end points not (Prop 4.5).
    """
    torch = require_torch()
    seeds = list(seeds)
    for seed in seeds:
        if isinstance(seed, bool) or not isinstance(seed, int) or not 0 <= seed <= MAX_SEED:
            raise ValueError(f"Argument 'seed' must be a non-negative int, got {seed!r}.")
    if not seeds:
        return []
    arch = spec.architecture
    data = [_data(spec, seed) for seed in seeds]
    Xt = torch.tensor(np.stack([d[0] for d in data]))
    Yt = torch.tensor(np.stack([d[1] for d in data]))
    theta0 = np.stack([Parameters.random(arch, seed=seed, kind="float").flatten() * spec.init_scale for seed in seeds])
    theta = torch.tensor(theta0, requires_grad=True)
    opt = torch.optim.Adam([theta], lr=spec.lr) if spec.optimizer == "adam" else torch.optim.SGD([theta], lr=spec.lr)
    gens = [torch.Generator().manual_seed(seed) for seed in seeds]
    b = len(seeds)
    steps, losses, norms = [], [], []
    for step in range(spec.steps + 1):
        if step % spec.record_every == 0 or step == spec.steps:
            with torch.no_grad():
                steps.append(step)
                losses.append(mse(arch, theta, Xt, Yt).numpy().copy())
                th = theta.detach().numpy()
                norms.append([unit_norms(arch, th[k]) if np.all(np.isfinite(th[k])) else None for k in range(b)])
        if step == spec.steps:
            break
        opt.zero_grad()
        if spec.optimizer == "sgd":
            idx = torch.stack([torch.randperm(spec.n_data, generator=g)[: spec.batch_size] for g in gens])
            Xb = torch.gather(Xt, 1, idx[..., None].expand(-1, -1, Xt.shape[-1]))
            Yb = torch.gather(Yt, 1, idx[..., None].expand(-1, -1, Yt.shape[-1]))
            loss = mse(arch, theta, Xb, Yb)
        else:
            loss = mse(arch, theta, Xt, Yt)
        loss = torch.where(torch.isfinite(loss), loss, torch.zeros_like(loss))  # a diverged row stops moving
        loss.sum().backward()
        opt.step()
    opt.zero_grad()
    loss = mse(arch, theta, Xt, Yt)
    torch.where(torch.isfinite(loss), loss, torch.zeros_like(loss)).sum().backward()
    gnorm = theta.grad.norm(dim=1).numpy()
    final = theta.detach().numpy().copy()
    final_loss = loss.detach().numpy()
    labels = unit_labels(arch)
    generic = None
    out = []
    for k, seed in enumerate(seeds):
        loss_k = [float(v[k]) for v in losses]
        norm_k = [_short(v[k]) for v in norms if v[k] is not None]
        fin = bool(np.all(np.isfinite(final[k])) and math.isfinite(final_loss[k]))
        X, Y = data[k]
        end = analyse_end_point(arch, X, Y, final[k], spec.tol, seed=seed, exact_inertia=spec.exact_inertia)
        rank = confirmed = None
        if end["category"].startswith("subnetwork"):
            generic = generic_rank(arch).dimension if generic is None else generic
            at = point_rank(arch, end["theta"], seed)
            rank, confirmed = at.rank, bool(at.critical and at.certified)
        out.append(RunResult(spec.key(seed), spec.to_dict(), seed, steps, loss_k, norm_k, labels,
                             float(final_loss[k]) if fin else float("inf"), float(gnorm[k]) if fin else float("inf"),
                             final[k].tolist() if fin else [], end["category"], end["stratum"], end["near"],
                             end["loss"], end["distance"], end["type"], rank,
                             generic if rank is not None else None, bool(confirmed)))
    return out


def train_run(spec: TrainSpec, seed: int) -> RunResult:
    """One run: :func:`train_block` of one seed."""
    return train_block(spec, [seed])[0]


def default_specs(steps: int = 4000, optimizer: str = "gd", activation="z^3+z^2", tasks=("subnetwork",),
                  lr: float = 0.01, init_scale: float = 0.05, noise: float = 0.02, n_data: int = 32,
                  architectures=None, exact_inertia: bool = False) -> list[TrainSpec]:
    """The MLP-vs-CNN study (:func:`study_architectures` unless ``architectures`` is given), σ = z³ + z²
    (σ(0) = σ'(0) = 0), full-batch gradient descent from a small initialisation, with label noise — the noise
    moves the data off the measure-zero set where CNN subnetworks carry critical points, while MLP subnetwork
    critical points persist (critical exposure)."""
    archs = study_architectures(activation) if architectures is None else list(architectures)
    return [TrainSpec(a, task=t, optimizer=optimizer, steps=steps, lr=lr, init_scale=init_scale, noise=noise,
                      n_data=n_data, tol=0.05, exact_inertia=exact_inertia) for a in archs for t in tasks]


def study_architectures(activation="z^3+z^2") -> list:
    """Three MLPs — (3, 4, 1), (2, 4, 4, 1), (4, 6, 2) — and three CNNs — Razor's Edge's example (d_0 = 5,
    k = (3, 2), s = (2, 1)), (7; (3, 3); (2, 1)) and (6; (3, 2); (1, 2)) with two outputs."""
    from ..architectures import MLP
    from ..architectures.cnn import CNN

    return [MLP((3, 4, 1), activation), MLP((2, 4, 4, 1), activation), MLP((4, 6, 2), activation),
            CNN(5, (3, 2), (2, 1), activation), CNN(7, (3, 3), (2, 1), activation), CNN(6, (3, 2), (1, 2), activation)]
