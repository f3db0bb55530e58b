"""Figures of training experiments (matplotlib, Agg backend): PNG and SVG side by side.

* :func:`fraction_bar_chart` — fraction of runs ending on a subnetwork per setting (MLP vs CNN), with the
  95 % Wilson interval as error bar (Razor's Edge: MLPs show the sparsity bias, CNNs do not);
* :func:`unit_norm_figure` — neuron norms (MLP) / filter-entry magnitudes (CNN) over training;
* :func:`loss_figure` — loss curves of every run, log scale.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np

from ..plotting import pyplot, save

__all__ = ["fraction_bar_chart", "unit_norm_figure", "loss_figure", "experiment_figures"]


def _save(fig, out: Path, stem: str) -> list[str]:
    out.mkdir(parents=True, exist_ok=True)
    return save(fig, out / stem, "out")


def fraction_bar_chart(result, out) -> list[str]:
    """Bar chart: fraction of runs ending on a subnetwork (critical, gradient-invariant stratum) per group."""
    plt = pyplot()
    groups = result.groups()
    fig, ax = plt.subplots(figsize=(1.6 + 1.5 * len(groups), 3.4))
    xs = np.arange(len(groups))
    fr = [g["fraction"] for g in groups]
    err = np.array([[g["fraction"] - g["wilson95"][0] for g in groups], [g["wilson95"][1] - g["fraction"] for g in groups]])
    err = np.clip(err, 0.0, None)  # an interval always contains its estimate; never hand matplotlib −1e-17
    colors = ["tab:blue" if g["kind"] == "MLP" else "tab:orange" for g in groups]
    ax.bar(xs, fr, yerr=err, color=colors, capsize=4)
    for x, g in zip(xs, groups):  # the count on each bar: a bar of height 0 is otherwise invisible
        ax.text(x, g["wilson95"][1] + 0.02, f"{g['on_subnetwork']}/{g['runs']}", ha="center", fontsize=8)
    ax.set_xticks(xs, [f"{g['kind']}\n{g['activation']}\n{g['task']}/{g['optimizer']}\n(n={g['runs']})" for g in groups],
                  fontsize=8)
    ax.set_ylim(0, 1.12)
    ax.set_ylabel("fraction of runs ending on a subnetwork")
    ax.set_title("Sparsity bias: MLP vs CNN (95% Wilson intervals)", fontsize=10)
    return _save(fig, Path(out), "fraction_on_subnetwork")


def unit_norm_figure(result, out, runs_per_kind: int = 3) -> list[str]:
    """Neuron norms (MLP) and filter-entry magnitudes (CNN) along training, a few runs per architecture."""
    plt = pyplot()
    kinds = {}
    for r in result.runs:
        kinds.setdefault(r.spec["architecture"]["kind"], []).append(r)
    fig, axes = plt.subplots(1, len(kinds), figsize=(5 * len(kinds), 3.4), squeeze=False)
    for ax, (kind, runs) in zip(axes[0], kinds.items()):
        for r in runs[:runs_per_kind]:
            norms = np.asarray(r.unit_norms)
            if norms.size == 0:
                continue
            lines = ax.semilogy(r.steps[: len(norms)], np.maximum(norms, 1e-12), lw=1)
            style = "-" if r.on_subnetwork else ":"
            for ln in lines:
                ln.set_linestyle(style)
        ax.set_title(f"{kind.upper()}: {'neuron norms' if kind == 'mlp' else '|filter entries|'} "
                     "(solid: ends on subnetwork)", fontsize=9)
        ax.set_xlabel("step")
    return _save(fig, Path(out), "unit_norms")


def loss_figure(result, out) -> list[str]:
    """Training loss of every run (log scale), coloured by architecture kind."""
    plt = pyplot()
    fig, ax = plt.subplots(figsize=(5.5, 3.4))
    for r in result.runs:
        color = "tab:blue" if r.spec["architecture"]["kind"] == "mlp" else "tab:orange"
        ax.semilogy(r.steps[: len(r.losses)], np.maximum(r.losses, 1e-16), color=color, alpha=0.5, lw=1)
    ax.set_xlabel("step")
    ax.set_ylabel("mean square loss")
    ax.set_title("loss curves (blue: MLP, orange: CNN)", fontsize=10)
    return _save(fig, Path(out), "loss_curves")


def experiment_figures(result, out) -> list[str]:
    """All three figures; returns the written paths."""
    return fraction_bar_chart(result, out) + unit_norm_figure(result, out) + loss_figure(result, out)
