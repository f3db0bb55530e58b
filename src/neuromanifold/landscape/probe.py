"""A training probe: watch your own run fall onto (or stay away from) subnetworks.

Call a :class:`SubnetworkProbe` from your training loop; every ``every`` steps it records

* the Euclidean distance from θ to the subnetwork locus and the name of the nearest maximal stratum (inactive
  neuron, redundant pair, zero-padded filter), in closed form (:func:`~neuromanifold.geometry.proximity.
  distance_to_subnetwork`, docs/math.md §4);
* the rank of dφ at the exact point W′ behind θ — θ snapped onto every stratum within ``tol`` of its layer's
  scale and rationalised keeping the stratum's equations (:func:`~neuromanifold.geometry.proximity.exact_point`)
  — exact mod a random prime (a lower bound on the rank over ℚ; :func:`~neuromanifold.geometry.criticality.
  rank_at_point`), beside dim V: rank < dim V means W′ is a critical point of φ (docs/math.md §5), which for
  σ = z^r with r large enough happens exactly at subnetworks (Occam's razor paper).

The sparsity bias of the Razor's Edge paper (MLP training ends on subnetworks, docs/math.md §6) then shows on
the user's run as the distance falling to 0 and the rank dropping below dim V::

    probe = neuromanifold.landscape.probe.SubnetworkProbe(every=100)
    for step in range(steps):
        ...                                   # optimiser step on `model`
        probe(model, step=step, loss=loss.item())
    print(probe)                              # one line per record
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from ..geometry.criticality import rank_at_point
from ..geometry.proximity import DEFAULT_TOL, distance_to_subnetwork, exact_point
from ..limits import check_count, check_seed
from ..results import Result
from .objective import model_parameters

__all__ = ["ProbeRecord", "SubnetworkProbe"]


@dataclass(frozen=True)
class ProbeRecord(Result):
    """One observation of the probe at training step ``step``: ``distance`` (and ``relative_distance``, by the
    layer's scale) to the nearest subnetwork stratum ``stratum`` (None when the architecture has none);
    ``snapped`` the strata within tolerance; ``rank`` of dφ at the exact point behind θ and ``dimension`` = dim V;
    ``critical`` = rank < dim V, known with probability ≥ 1 − ``error_bound`` (``certified`` when proven).  Without
    the rank (``SubnetworkProbe(rank=False)``) the last four are None (``certified`` False)."""

    step: int
    loss: float | None
    distance: float
    relative_distance: float
    stratum: str | None
    snapped: tuple[str, ...]
    rank: int | None
    dimension: int | None
    critical: bool | None
    certified: bool
    error_bound: float | None

    def to_dict(self) -> dict:
        return {"step": self.step, "loss": self.loss, "distance": self.distance,
                "relative_distance": self.relative_distance, "stratum": self.stratum, "snapped": list(self.snapped),
                "rank": self.rank, "dimension": self.dimension, "critical": self.critical,
                "certified": self.certified, "error_bound": self.error_bound}

    def summary(self) -> str:
        loss = "" if self.loss is None else f"  loss {self.loss:.3g}"
        near = "no subnetworks" if self.stratum is None else f"{self.distance:.3g} from {self.stratum}"
        snapped = f" (snapped: {'; '.join(self.snapped)})" if self.snapped else ""
        if self.rank is None:
            return f"step {self.step}:{loss}{snapped}  {near}"
        verdict = "critical" if self.critical else "regular"
        return f"step {self.step}:{loss}  rank dφ = {self.rank}/{self.dimension} ({verdict}){snapped}  {near}"


class SubnetworkProbe:
    """Records a :class:`ProbeRecord` every ``every`` calls (or at every ``step`` divisible by ``every``).

    ``model``: a PyTorch module of ``nn.Linear`` layers and polynomial activations (read by
    :func:`neuromanifold.from_torch`; ``activation`` as there) or :class:`~neuromanifold.Parameters`.  ``tol``:
    the relative tolerance within which θ counts as on a stratum (:data:`~neuromanifold.geometry.proximity.
    DEFAULT_TOL`); ``rank=False`` skips the rank (distance only, cheaper).  ``records`` is the list so far;
    ``print(probe)`` shows it, ``probe.to_dict()`` is JSON and ``probe.to_dataframe()`` a pandas table."""

    def __init__(self, every: int = 1, tol: float = DEFAULT_TOL, rank: bool = True, activation=None, seed: int = 0):
        check_count(every, "every", "MAX_STEPS")
        check_seed(seed)
        if isinstance(tol, bool) or not isinstance(tol, (int, float)) or not 0 <= tol < 1:
            raise ValueError(f"Argument 'tol' must be a number in [0, 1), got {tol!r}.")
        self.every, self.tol, self.with_rank, self.activation, self.seed = every, float(tol), rank, activation, seed
        self.records: list[ProbeRecord] = []
        self._calls = 0

    def __call__(self, model, step: int | None = None, loss=None) -> ProbeRecord | None:
        """Observe ``model`` at ``step`` (default: the number of earlier calls); returns the record when one is
        taken, else None."""
        if step is None:
            step = self._calls
        self._calls += 1
        if isinstance(step, bool) or not isinstance(step, (int, np.integer)) or step < 0:
            raise ValueError(f"Argument 'step' must be a non-negative int, got {step!r}.")
        if step % self.every:
            return None
        record = self.observe(model, int(step), loss)
        self.records.append(record)
        return record

    def observe(self, model, step: int = 0, loss=None) -> ProbeRecord:
        """One :class:`ProbeRecord` of ``model`` now (not stored)."""
        params = model_parameters(model, self.activation)
        if params.kind == "float" and not all(np.all(np.isfinite(np.asarray(a, dtype=float)))
                                              for a in list(params.weights) + list(params.biases or ())):
            raise ValueError("Argument 'model': the weights are not finite (training diverged).")
        nearest = distance_to_subnetwork(params)
        snapped = exact_point(params, tol=self.tol)
        if self.with_rank:
            pr = rank_at_point(snapped.exact, seed=self.seed, kernel=False)
            rank, dim, critical, certified, bound = pr.rank, pr.generic_rank, pr.critical, pr.certified, pr.error_bound
        else:
            rank, dim, critical, certified, bound = None, None, None, False, None
        loss = None if loss is None else float(loss.item() if hasattr(loss, "item") else loss)
        return ProbeRecord(step, loss, nearest.distance if nearest else math.inf,
                           nearest.relative_distance if nearest else math.inf, nearest.label if nearest else None,
                           tuple(e.label for e in snapped.events), rank, dim, critical, certified, bound)

    def to_dict(self) -> dict:
        return {"every": self.every, "tolerance": self.tol, "records": [r.to_dict() for r in self.records]}

    def to_dataframe(self):
        """The records as a pandas DataFrame, one row per record (needs pandas)."""
        try:
            import pandas as pd
        except ImportError:
            raise ValueError('to_dataframe needs pandas: pip install "neuromanifold[dataframe]"') from None
        return pd.DataFrame([r.to_dict() for r in self.records])

    def summary(self) -> str:
        if not self.records:
            return f"SubnetworkProbe(every={self.every}): no records yet"
        return "\n".join(r.summary() for r in self.records)

    def __str__(self) -> str:
        return self.summary()

    def __repr__(self) -> str:
        return f"SubnetworkProbe(every={self.every}, tol={self.tol:g}, records={len(self.records)})"
