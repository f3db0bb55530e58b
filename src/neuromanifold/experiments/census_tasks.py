"""Census tasks: one architecture (widths, activation kind and degree, bias) with its seed and trial budget,
and the grid of them a sweep enumerates (every count checked against a named limit before anything is built)."""

from __future__ import annotations

import itertools
from dataclasses import dataclass

from ..architectures import MLP, Monomial, generic_polynomial
from ..limits import check_count, check_seed

__all__ = ["KINDS", "CensusTask", "available_analyses", "check_analyses", "MAX_TASKS", "MAX_TASK_RETRIES", "enumerate_tasks"]


#: Activation kinds a census can sweep.
KINDS = ("monomial", "generic")

#: Optional per-architecture analyses → the module that must exist for them.
_ANALYSES = {
    "strata": "neuromanifold.geometry.strata.mlp",
    "criticality": "neuromanifold.geometry.critical_scan",
}

#: Entry point of each analysis module: called as fn(architecture[, seed=...]).
_ENTRY = {"strata": "subnetwork_strata", "criticality": "scan"}


@dataclass(frozen=True)
class CensusTask:
    """One unit of work: the dimension (and optional analyses) of one architecture.

    Each task computes dim V with :func:`~neuromanifold.geometry.dimension.dimension` (certified or with its
    Schwartz–Zippel error bound, docs/math.md §2) and stores it with edim, A and the bound used.

    Plain picklable data, so it travels to process-pool and dask workers alike.
    """

    widths: tuple[int, ...]
    kind: str
    degree: int
    bias: bool = False
    seed: int = 0
    trials: int = 2
    prime: int | None = None  # None: dimension()'s default (BLAS primes); the prime used is stored
    analyses: tuple[str, ...] = ()

    @property
    def key(self) -> str:
        """Identity of architecture × activation, e.g. ``'mlp:3,5,1:monomial:4'`` (``':bias'`` appended
        with biases).  A generic activation is identified by its degree: its seeded coefficients are
        one realisation of "general position", recorded in the ``activation`` column."""
        text = f"mlp:{','.join(map(str, self.widths))}:{self.kind}:{self.degree}"
        return text + (":bias" if self.bias else "")

    def architecture(self) -> MLP:
        act = Monomial(self.degree) if self.kind == "monomial" else generic_polynomial(self.degree, seed=self.seed)
        return MLP(self.widths, act, bias=self.bias)


def _int_values(values, name: str, minimum: int) -> tuple[int, ...]:
    if isinstance(values, (int,)) and not isinstance(values, bool):
        values = (values,)
    if isinstance(values, (str, bytes)) or not hasattr(values, "__iter__"):
        raise TypeError(f"Argument '{name}' must be an int or a sequence of ints, not {type(values).__name__}.")
    out = []
    for v in values:
        if isinstance(v, bool) or not isinstance(v, int):
            raise TypeError(f"Argument '{name}' must hold ints, not {type(v).__name__} {v!r}.")
        if v < minimum:
            raise ValueError(f"Argument '{name}' must hold integers >= {minimum}, got {v}.")
        out.append(v)
    if not out:
        raise ValueError(f"Argument '{name}' must not be empty.")
    return tuple(sorted(set(out)))


def available_analyses() -> tuple[str, ...]:
    """The optional analyses whose geometry modules are installed (subset of ``('strata', 'criticality')``)."""
    import importlib.util

    out = []
    for name, module in _ANALYSES.items():
        try:
            if importlib.util.find_spec(module) is not None:
                out.append(name)
        except ImportError:  # pragma: no cover
            pass
    return tuple(out)


def check_analyses(analyses) -> tuple[str, ...]:
    """``analyses`` as a tuple, each one known and installed (:func:`available_analyses`)."""
    analyses = tuple(analyses)
    have = available_analyses()
    for a in analyses:
        if a not in _ANALYSES:
            raise ValueError(f"Argument 'analyses' holds {a!r}; known analyses: {', '.join(_ANALYSES)}.")
        if a not in have:
            raise ValueError(f"Argument 'analyses' holds {a!r}, which needs {_ANALYSES[a]} (not installed yet).")
    return analyses


#: Largest census :func:`enumerate_tasks` enumerates (before --max-params filtering).
MAX_TASKS = 1_000_000


#: How often a task whose worker process died is submitted again before it counts as failed.
MAX_TASK_RETRIES = 3


def enumerate_tasks(
    depths=2,
    widths=(1, 2, 3),
    degrees=(2, 3),
    kinds=("monomial",),
    input_widths=None,
    output_widths=None,
    bias: bool = False,
    max_params: int | None = None,
    seed: int = 0,
    trials: int = 2,
    prime: int | None = None,
    analyses=(),
) -> list[CensusTask]:
    """Every architecture × activation of the family, in a deterministic order.

    Each task is one architecture d = (d_0, …, d_L) with σ = z^r (``monomial``) or a seeded generic polynomial
    of degree r (``generic``), whose dim V the census computes (docs/math.md §2–3).

    Parameters
    ----------
    depths:
        The depths L (number of layers, ≥ 1; L − 1 hidden layers).
    widths:
        The hidden widths d_1..d_{L−1} (each ranges over these values independently).
    degrees:
        The activation degrees r ≥ 1.
    kinds:
        Subset of :data:`KINDS`.
    input_widths, output_widths:
        The values of d_0 and d_L (default: ``widths``).
    bias:
        Networks with biases.
    max_params:
        Skip architectures with more than this many parameters N.
    seed, trials, prime:
        Passed to :func:`~neuromanifold.geometry.dimension.dimension` (and seed the generic activation).
    analyses:
        Optional extra analyses per architecture, from :func:`available_analyses`.

    Examples
    --------
    >>> len(enumerate_tasks(depths=2, widths=(1, 2), degrees=(2, 3), output_widths=(1,)))
    8
    """
    depths = _int_values(depths, "depths", 1)
    from ..limits import MAX_LAYERS

    if max(depths) > MAX_LAYERS:  # before counting: width choices ** depth would not finish for a huge depth
        raise ValueError(f"Argument 'depths' must be <= {MAX_LAYERS} (MAX_LAYERS), got {max(depths)}.")
    widths = _int_values(widths, "widths", 1)
    degrees = _int_values(degrees, "degrees", 1)
    d_in = widths if input_widths is None else _int_values(input_widths, "input_widths", 1)
    d_out = widths if output_widths is None else _int_values(output_widths, "output_widths", 1)
    from ..architectures.mlp import MAX_INDEX_ENTRIES

    for name, values in (("widths", widths), ("input_widths", d_in), ("output_widths", d_out)):
        if max(values) > MAX_INDEX_ENTRIES:  # no layer of such a width fits the layer-map limit
            raise ValueError(f"Argument '{name}' must hold widths <= {MAX_INDEX_ENTRIES:.0e}, got {max(values)}.")
    if isinstance(kinds, str):
        kinds = (kinds,)
    kinds = tuple(kinds)
    if not kinds or any(k not in KINDS for k in kinds):
        raise ValueError(f"Argument 'kinds' must be a non-empty subset of {', '.join(KINDS)}, got {list(kinds)}.")
    if not isinstance(bias, bool):
        raise TypeError(f"Argument 'bias' must be a bool, not {type(bias).__name__}.")
    if max_params is not None and (isinstance(max_params, bool) or not isinstance(max_params, int) or max_params < 1):
        raise ValueError(f"Argument 'max_params' must be a positive int or None, got {max_params!r}.")
    from ..architectures.activations import MAX_DEGREE

    if max(degrees) > MAX_DEGREE:
        raise ValueError(f"Argument 'degrees' must be <= {MAX_DEGREE}, got {max(degrees)}.")
    check_seed(seed)
    check_count(trials, "trials", "MAX_TRIALS")
    count = sum(len(kinds) * len(degrees) * len(d_in) * len(widths) ** (L - 1) * len(d_out) for L in depths)
    if count > MAX_TASKS:
        raise ValueError(f"Arguments 'depths'/'widths'/'degrees' span {count} architectures; a census of more than "
                         f"{MAX_TASKS} is refused (narrow the ranges).")
    analyses = check_analyses(analyses)
    tasks = []
    for L in depths:
        for kind in kinds:
            for r in degrees:
                for d0 in d_in:
                    for hidden in itertools.product(widths, repeat=L - 1):
                        for dL in d_out:
                            w = (d0, *hidden, dL)
                            if max_params is not None:
                                n = sum((w[i] + bias) * w[i + 1] for i in range(L))
                                if n > max_params:
                                    continue
                            tasks.append(CensusTask(w, kind, r, bias, seed, trials, prime, analyses))
    return tasks
