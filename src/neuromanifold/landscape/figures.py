"""Figures of the sparsity-bias study (matplotlib, the project style of :mod:`neuromanifold.plotting`), PNG and SVG.

* :func:`fraction_bar_chart` — per architecture and task, the fraction of runs ending on a subnetwork, the count
  written on each bar and the 95 % Wilson interval as error bar (clipped at the estimate: never negative);
* :func:`loss_distribution` — final losses of all runs, stacked by where the run ended (subnetwork minimum /
  subnetwork saddle / anything else), one panel per family;
* :func:`unit_norm_figure` — the smallest over the largest unit norm (MLP neuron, CNN filter entry) along training
  for every run of one arm per family, coloured by where the run ended, with a legend.

Each takes a result with ``arms()`` and ``runs`` (:class:`~neuromanifold.experiments.sparsity.StudyResult`).
"""

from __future__ import annotations

from pathlib import Path

import numpy as np

from ..architectures import architecture_from_json
from ..plotting import pyplot, save

__all__ = ["fraction_bar_chart", "loss_distribution", "unit_norm_figure", "experiment_figures", "CAPTIONS"]

_TASK_COLOURS = {"subnetwork": "tab:blue", "full": "tab:green", "random": "tab:gray"}
_END_COLOURS = {"subnetwork minimum": "tab:green", "subnetwork saddle": "tab:red", "zero network": "tab:purple",
                "other": "tab:gray"}

#: One-sentence captions, printed in the report next to each figure.
CAPTIONS = {
    "fraction_on_subnetwork": "Fraction of training runs that end on a critical point of a subnetwork stratum, per "
                              "architecture and task (count on each bar, 95% Wilson interval).",
    "final_losses": "Final training loss of every run, stacked by where it ended: a subnetwork minimum, a subnetwork "
                    "saddle, the plateau at θ = 0, or elsewhere (off the subnetworks, still moving, at infinity).",
    "unit_norms": "Smallest over largest unit norm (MLP neuron norm, CNN |filter entry|) along training for every run "
                  "of one arm per family, coloured by where the run ended; the detection tolerance is dashed.",
}


def _save(fig, out: Path, stem: str) -> list[str]:
    out.mkdir(parents=True, exist_ok=True)
    return save(fig, out / stem, "out")


def _end_group(category: str) -> str:
    return category if category in _END_COLOURS else "other"


def fraction_bar_chart(result, out) -> list[str]:
    """Bar chart of the fraction of runs ending on a subnetwork, per (architecture, task)."""
    plt = pyplot()
    arms = result.arms()
    archs = list(dict.fromkeys(g["label"] for g in arms))
    tasks = list(dict.fromkeys(g["task"] for g in arms))
    width = 0.8 / len(tasks)
    fig, ax = plt.subplots(figsize=(2.0 + 1.6 * len(archs), 4.2))
    for t, task in enumerate(tasks):
        for a, arch in enumerate(archs):
            g = next((g for g in arms if g["label"] == arch and g["task"] == task), None)
            if g is None:
                continue
            x = a + (t - (len(tasks) - 1) / 2) * width
            lo, hi = g["on_subnetwork_wilson95"]
            err = np.clip([[g["fraction"] - lo], [hi - g["fraction"]]], 0.0, None)
            ax.bar(x, g["fraction"], width * 0.92, yerr=err, capsize=3, color=_TASK_COLOURS.get(task, "tab:purple"),
                   label=task if a == 0 else None)
            ax.text(x, hi + 0.02, f"{g['on_subnetwork']}/{g['runs']}", ha="center", fontsize=7, rotation=90)
    ax.set_xticks(range(len(archs)), [a.replace(", σ=", "\nσ=").replace("CNN(", "CNN\n(") for a in archs], fontsize=7)
    ax.set_ylim(0, 1.25)
    ax.set_ylabel("fraction of runs ending on a subnetwork")
    ax.legend(title="task (teacher)", fontsize=8, title_fontsize=8, loc="upper right")
    ax.set_title("Sparsity bias: MLPs end on subnetworks, CNNs do not (95% Wilson intervals)", fontsize=10)
    return _save(fig, Path(out), "fraction_on_subnetwork")


def loss_distribution(result, out) -> list[str]:
    """Histograms of log10(final loss), stacked by end-point type, one panel per family (MLP, CNN)."""
    plt = pyplot()
    kinds = list(dict.fromkeys(r.kind for r in result.runs))
    fig, axes = plt.subplots(1, len(kinds), figsize=(5 * len(kinds), 3.6), squeeze=False)
    finite = [r.final_loss for r in result.runs if np.isfinite(r.final_loss) and r.final_loss > 0]
    bins = np.linspace(np.log10(min(finite)), np.log10(max(finite)), 31) if finite else 10
    for ax, kind in zip(axes[0], kinds):
        stacks, labels, colours = [], [], []
        for group, colour in _END_COLOURS.items():
            vals = [np.log10(r.final_loss) for r in result.runs
                    if r.kind == kind and _end_group(r.category) == group and np.isfinite(r.final_loss) and r.final_loss > 0]
            stacks.append(vals)
            labels.append(f"{group} ({len(vals)})")
            colours.append(colour)
        ax.hist(stacks, bins=bins, stacked=True, color=colours, label=labels)
        ax.set_xlabel("log10 final training loss")
        ax.set_ylabel("runs")
        ax.set_title(f"{kind}: all {sum(r.kind == kind for r in result.runs)} runs", fontsize=9)
        ax.legend(fontsize=7)
    return _save(fig, Path(out), "final_losses")


def unit_norm_figure(result, out) -> list[str]:
    """Smallest unit norm along training for every run of the first arm of each family."""
    plt = pyplot()
    first = {}
    for r in result.runs:
        first.setdefault(r.kind, (r.spec["architecture"], r.spec["task"]))
    fig, axes = plt.subplots(1, len(first), figsize=(5 * len(first), 3.6), squeeze=False)
    for ax, (kind, (arch, task)) in zip(axes[0], first.items()):
        runs = [r for r in result.runs if r.spec["architecture"] == arch and r.spec["task"] == task]
        seen = set()
        for r in runs:
            norms = np.asarray(r.unit_norms, dtype=float)
            if norms.ndim != 2 or norms.size == 0:
                continue
            group = _end_group(r.category)
            ratio = norms.min(axis=1) / np.maximum(norms.max(axis=1), 1e-300)
            ax.semilogy(r.steps[: len(norms)], np.maximum(ratio, 1e-12), lw=0.6, alpha=0.5,
                        color=_END_COLOURS[group], label=group if group not in seen else None)
            seen.add(group)
        if runs:
            ax.axhline(_tol(runs[0]), color="black", lw=0.8, ls="--", label="tolerance")
        name = architecture_from_json(arch).describe().replace(", σ=", "\nσ=")
        ax.set_title(f"{name}, task {task}: all {len(runs)} runs", fontsize=9)
        ax.set_xlabel("training step")
        ax.set_ylabel("smallest / largest neuron norm" if kind == "MLP" else "smallest / largest |filter entry|")
        ax.legend(fontsize=7, title="run ends", title_fontsize=7)
    return _save(fig, Path(out), "unit_norms")


def _tol(run) -> float:
    return float(run.spec.get("tol", 0.05))


def experiment_figures(result, out) -> list[str]:
    """All three figures; returns the written paths."""
    return fraction_bar_chart(result, out) + loss_distribution(result, out) + unit_norm_figure(result, out)
