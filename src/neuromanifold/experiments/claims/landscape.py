"""Claims of the loss-landscape part (Razor's Edge §4, MATH.md §6–7)."""

from __future__ import annotations

from ..registry import Verdict, claim


@claim("MLP subnetwork critical points lift to critical points (exact over Q)", topic="landscape",
       source="Razor's Edge §4 (critical exposure of MLP subnetworks); MATH.md §6", quick=True)
def _mlp_lift(ctx):
    from ...architectures import MLP
    from ...landscape.exposure import exact_exposure
    from ...landscape.strata import mlp_stratum

    cert = exact_exposure(mlp_stratum(MLP((2, 3, 1), "z^3+z^2"), [1]), seed=ctx.seed)
    return Verdict(cert.reduced_critical and cert.lift_critical, cert.summary())


@claim("CNN zero-padded filters are not critically exposed (exact counterexample over Q)", topic="landscape",
       source="Razor's Edge Prop 4.5; MATH.md §6", quick=True)
def _cnn_lift(ctx):
    from ...architectures.cnn import CNN
    from ...landscape.exposure import exact_exposure
    from ...landscape.strata import cnn_stratum

    cert = exact_exposure(cnn_stratum(CNN(5, (3, 2), (2, 1), "z^2+z"), [(0, 1), (0, 0)]), seed=ctx.seed)
    return Verdict(cert.reduced_critical and not cert.lift_critical, cert.summary())


@claim("Gradient descent ends on MLP subnetworks but not on CNN subnetworks", topic="landscape",
       source="Razor's Edge §4–5 (sparsity bias); MATH.md §6", quick=False)
def _training_contrast(ctx):
    from ...landscape.training import default_specs, run_experiment

    res = run_experiment(default_specs(), range(4), path=(ctx.output / "landscape_runs.json") if ctx.output else None)
    figures = ()
    if ctx.output is not None:
        from ...landscape.figures import fraction_bar_chart

        figures = tuple(fraction_bar_chart(res, ctx.output))
    g = {x["kind"]: x for x in res.groups()}
    ok = g["MLP"]["on_subnetwork"] >= 2 and g["CNN"]["on_subnetwork"] == 0
    ev = "; ".join(f"{k}: {v['on_subnetwork']}/{v['runs']} runs end on a subnetwork" for k, v in g.items())
    return Verdict(ok, ev + " (probabilistic: float training, tolerance 0.05, exact-gradient stratum test)", figures)
