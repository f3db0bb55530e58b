"""dim V, the dimension of a neurovariety, computed exactly and certified when possible.

Algorithm (docs/math.md §2):

1. Take the smallest proven upper bound U on dim V (:func:`~neuromanifold.geometry.bounds.upper_bound`).
2. Draw θ ∈ F_p^N, U inputs x_i ∈ F_p^{d_0} and U output directions c_i ∈ F_p^{d_L} uniformly at random;
   build the U × N matrix with rows ∇_θ ⟨c_i, f_θ(x_i)⟩ by batched backpropagation (no coefficient
   expansion).  The functionals g ↦ ⟨c, g(x)⟩ are point evaluations of (x, c) ↦ ⟨c, g(x)⟩, so U
   generic ones are injective on the column space of dφ(θ) (dimension ≤ U): the rank is rank dφ(θ).
   (Full evaluations at ⌈U/d_L⌉ points are not enough when d_L > 1.)
3. Its rank ρ over F_p is a **lower bound** on dim V (for every p).  If ρ = U the dimension is **certified**.
   Otherwise repeat with fresh randomness and report the largest ρ with the Schwartz–Zippel bound on the
   probability that it is still below dim V.  The default primes are below 2^23, where the Jacobian and its
   rank run in float64 BLAS exactly (:mod:`~neuromanifold.parametrization.blas_mod_p`); uncertified answers
   get enough trials (or a confirmation at 2^31 − 1) for a bound as strong as at 2^31 − 1.
"""

from __future__ import annotations

import math
import time
from dataclasses import dataclass, field
from functools import lru_cache

import numpy as np

from ..architectures.cnn import check_cnn
from ..limits import check_architecture, check_count, check_prime, check_seed
from ..parametrization import DEFAULT_PRIME, PrimeField, jacobian
from ..parametrization.numbers import BLAS_PRIMES, BlasPrimeField
from ..randomness import stream
from ..results import Known, Result
from .bounds import (
    degree_bound,
    expected_dimension,
    rescalable,
    symmetry_dimension,
    upper_bound,
)
from .rank import schwartz_zippel

__all__ = ["DimensionResult", "dimension", "cached_dimension", "CNNDimension", "cnn_dimension", "dimension_formula"]

#: Largest Jacobian (rows × parameters) :func:`dimension` builds: 3·10^8 float64 entries are 2.4 GB, with a peak of
#: about 2.5× that in the elimination; 1.5·10^8 take about a minute on 2 cores (docs/benchmarks.md).
MAX_JACOBIAN_ENTRIES = 3 * 10**8

JSON_KEYS = (
    "dimension",
    "expected_dimension",
    "ambient_dimension",
    "parameters",
    "symmetry_dimension",
    "certified",
    "error_bound",
    "known",
    "upper_bound_source",
    "defective",
    "filling",
    "identifiable",
    "prime",
    "seconds",
)


@dataclass(frozen=True)
class DimensionResult(Result):
    """The dimension of a neurovariety and how it is known.

    dim V = generic rank of dφ (docs/math.md §1); certificate as in docs/math.md §2: mod-p lower bound, proven upper
    bound
    (Kileel–Trager–Bruna, Alexander–Hirschowitz, …), otherwise the Schwartz–Zippel bound.

    ``dimension`` is a certified lower bound (a mod-p rank); ``certified`` says it meets the proven
    upper bound ``upper_bound`` (from ``upper_bound_source``), in which case ``error_bound`` = 0.
    Otherwise ``error_bound`` bounds the probability that dim V is larger than reported.
    """

    architecture: object
    dimension: int
    expected_dimension: int
    ambient_dimension: int
    parameters: int
    symmetry_dimension: int
    certified: bool
    error_bound: float
    prime: int
    seconds: float
    upper_bound: int
    upper_bound_source: str
    ranks: tuple[int, ...] = field(default=())
    inputs: int = 0
    primes: tuple[int, ...] = field(default=())

    @property
    def defective(self) -> bool:
        """dim V < expected dimension."""
        return self.dimension < self.expected_dimension

    @property
    def filling(self) -> bool:
        """dim V = ambient dimension A (V fills its ambient space)."""
        return self.dimension == self.ambient_dimension

    @property
    def identifiable(self) -> bool:
        """Finite identifiability up to the rescalings: dim V = N − symmetry dimension, i.e. the generic
        fibre of φ is a finite union of symmetry orbits."""
        return self.dimension == self.parameters - self.symmetry_dimension

    @property
    def known(self) -> Known:
        """Certified (the mod-p rank met a proven upper bound), else probabilistic with ``error_bound``."""
        return Known.from_certificate(self.certified, self.error_bound, "mod-p rank vs " + self.upper_bound_source)

    def to_dict(self) -> dict:
        """The JSON record, with exactly the keys of :data:`JSON_KEYS`."""
        values = {
            "dimension": self.dimension,
            "expected_dimension": self.expected_dimension,
            "ambient_dimension": self.ambient_dimension,
            "parameters": self.parameters,
            "symmetry_dimension": self.symmetry_dimension,
            "certified": self.certified,
            "error_bound": self.error_bound,
            "known": self.known.to_dict(),
            "upper_bound_source": self.upper_bound_source,
            "defective": self.defective,
            "filling": self.filling,
            "identifiable": self.identifiable,
            "prime": self.prime,
            "seconds": round(self.seconds, 6),
        }
        return {key: values[key] for key in JSON_KEYS}

    def summary(self) -> str:
        """A readable multi-line report."""
        how = (
            f"certified (lower bound = upper bound: {self.upper_bound_source})"
            if self.certified
            else f"probabilistic: P(dim V > {self.dimension}) ≤ {self.error_bound:.2e}; proven upper bound "
            f"{self.upper_bound} ({self.upper_bound_source})"
        )
        flags = [
            "defective" if self.defective else "non-defective",
            "filling" if self.filling else "not filling",
            "finitely identifiable" if self.identifiable else "not finitely identifiable",
        ]
        lines = [
            f"{self.architecture!r}",
            f"  dimension           {self.dimension}",
            f"  expected dimension  {self.expected_dimension}",
            f"  ambient dimension   {self.ambient_dimension}",
            f"  parameters          {self.parameters}  (symmetry dimension {self.symmetry_dimension})",
            f"  {', '.join(flags)}",
            f"  {how}",
            f"  rank over F_p of {self.inputs} random projected evaluations, {len(self.ranks)} trial(s) "
            f"(p = {', '.join(map(str, self.primes or (self.prime,)))}), {self.seconds:.3f} s",
        ]
        return "\n".join(lines)


def dimension(architecture, seed: int = 0, trials: int = 2, prime: int | PrimeField | None = None) -> DimensionResult:
    """dim V = generic rank of dφ for ``architecture`` (MLP or CNN), with its certificate.

    Parameters
    ----------
    architecture:
        An :class:`~neuromanifold.MLP` (or CNN).
    seed:
        Seeds the random point (θ, X) ∈ F_p^N × F_p^{m × d_0}; the same seed gives the same answer.
    trials:
        Independent random points to try while the lower bound is below the proven upper bound.
    prime:
        ``None`` (default): the primes p < 2^23 of :data:`~neuromanifold.parametrization.numbers.BLAS_PRIMES`,
        whose Jacobian and rank run in float64 BLAS exactly.  A rank over any prime is a lower bound, so a
        certified answer does not depend on the prime's size; an uncertified one gets further trials at other
        such primes until its error bound is at least as strong as ``trials`` trials at 2^31 − 1 would give,
        and is confirmed at 2^31 − 1 (FLINT) when that is not possible.  A prime (int) or a
        :class:`~neuromanifold.parametrization.PrimeField`: every trial in that field.

    Returns
    -------
    DimensionResult
        ``certified`` iff the mod-p rank meets a proven upper bound (then exact); otherwise
        ``error_bound`` = Π_t (ρ·e/p_t) over the trials from the Schwartz–Zippel lemma with ρ the upper bound
        and e the degree of the projected Jacobian entries in (θ, X, C); ``primes`` lists p_t.

    Examples
    --------
    >>> from neuromanifold import MLP, dimension
    >>> dimension(MLP((3, 5, 1), 4)).dimension          # AH exception (3, 4, 5): 15 − 1
    14
    """
    prime = check_prime(prime)
    check_architecture(architecture)
    seed = check_seed(seed)
    trials = check_count(trials, "trials", "MAX_TRIALS")
    start = time.perf_counter()
    bound = upper_bound(architecture)
    m = max(1, bound.value)
    if m * architecture.n_params > MAX_JACOBIAN_ENTRIES:
        raise ValueError(
            f"Argument 'architecture' {architecture!r} is too large: its Jacobian would have {m} × "
            f"{architecture.n_params} entries (limit {MAX_JACOBIAN_ENTRIES} (MAX_JACOBIAN_ENTRIES): several GB of memory)."
        )
    # An entry ⟨c_i, ∂f_θ(x_i)/∂θ_j⟩ has degree ≤ deg f − 1 in (θ, x) plus 1 in c.
    degree = degree_bound(architecture, inputs=True)

    def trial(t: int, p: int) -> int:
        ns = BlasPrimeField(p) if p in BLAS_PRIMES else PrimeField(p)
        rng = stream(seed, "dimension.trial", t)
        theta = ns.random(rng, architecture.n_params)
        X = ns.random(rng, (m, architecture.input_dim))
        C = ns.random(rng, (m, architecture.output_dim))
        J = jacobian(architecture, theta, X, ns, projections=C)
        return ns.rank(J, overwrite=True) if isinstance(ns, BlasPrimeField) else ns.rank(J)

    ranks: list[int] = []
    primes: list[int] = []
    target = schwartz_zippel(bound.value, degree, DEFAULT_PRIME, trials)  # what `trials` trials at 2^31 − 1 give
    if prime is not None:
        schedule = [prime] * trials
    else:  # as many small primes as the bound needs, if that many exist; else `trials` of them, then 2^31 − 1
        factor = schwartz_zippel(bound.value, degree, BLAS_PRIMES[-1], 1)
        needed = trials if factor == 0 else (
            max(trials, math.ceil(math.log(target) / math.log(factor))) if factor < 1 else len(BLAS_PRIMES) + 1)
        schedule = list(BLAS_PRIMES[:needed]) if needed <= len(BLAS_PRIMES) else list(BLAS_PRIMES[:trials])
    for t, p in enumerate(schedule):
        ranks.append(trial(t, p))
        primes.append(p)
        if max(ranks) >= bound.value:
            break
        if prime is None and len(ranks) >= trials and _bound(bound.value, degree, primes) <= target:
            break
    if prime is None and max(ranks) < bound.value and _bound(bound.value, degree, primes) > target:
        for t in range(trials):  # small primes cannot reach the bound: confirm at 2^31 − 1
            ranks.append(trial(len(schedule) + t, DEFAULT_PRIME))
            primes.append(DEFAULT_PRIME)
            if max(ranks) >= bound.value:
                break
    # every trial is an independent lower bound: the best rank, and the product of all trials' factors
    best = max(ranks)
    certified = best == bound.value
    error = 0.0 if certified else _bound(bound.value, degree, primes)
    return DimensionResult(
        architecture=architecture,
        dimension=best,
        expected_dimension=expected_dimension(architecture),
        ambient_dimension=architecture.ambient_dimension,
        parameters=architecture.n_params,
        symmetry_dimension=symmetry_dimension(architecture),
        certified=certified,
        error_bound=error,
        prime=primes[ranks.index(best)],
        seconds=time.perf_counter() - start,
        upper_bound=bound.value,
        upper_bound_source=bound.source,
        ranks=tuple(ranks),
        inputs=m,
        primes=tuple(primes),
    )


def _bound(rho: int, degree: int, primes) -> float:
    """Π_t min(1, ρe/p_t): independent trials at the primes p_t (Schwartz–Zippel, :func:`schwartz_zippel`)."""
    return float(np.prod([schwartz_zippel(rho, degree, p, 1) for p in primes]))


@lru_cache(maxsize=1024)
def cached_dimension(architecture) -> DimensionResult:
    """:func:`dimension` with its default seed, trials and primes, computed once per architecture (the one
    dimension cache: strata, criticality and the singularity table all ask for the same few dims)."""
    return dimension(architecture)


def dimension_formula(architecture) -> tuple[int, str]:
    """The literature value of dim V and its source.

    Monomial σ on every hidden layer: |k| − L + 1 [SMK25, dimension theorem]; generic polynomial σ:
    |k| [RE, CNNs are generically one-to-one].  Mixed activations: |k| minus the number of hidden
    layers with monomial σ (reading: one rescaling per homogeneous layer, injective otherwise).
    With bias every layer adds one parameter, and σ = a (z − c)^r + d counts as z^r
    (:func:`~neuromanifold.geometry.bounds.rescalable`; reading; the papers have no bias)."""
    arch = check_cnn(architecture)
    L = arch.depth
    homogeneous = sum(1 for a in arch.activations if rescalable(a, arch.bias))
    value = arch.n_params - homogeneous
    if arch.bias:
        source = ("reading: N minus one rescaling per hidden layer whose σ is affinely a monomial (with biases "
                  "a (z − c)^r + d, e.g. every quadratic, behaves as z^r; papers have no bias)")
    elif homogeneous == L - 1:
        source = "|k| − L + 1 (Shahverdi–Marchetti–Kohn 2025: injective up to filter rescalings)"
    elif homogeneous == 0:
        source = "|k| (Razor's Edge: CNN parametrisation generically one-to-one)"
    else:
        source = "reading: |k| minus one rescaling per monomial hidden layer"
    return value, source


@dataclass(frozen=True)
class CNNDimension(Result):
    """dim V computed by the certified engine beside the literature formula; ``agrees`` flags a mismatch.

    The formula is dim V = |k| − L + 1 for monomial σ and |k| for generic σ (docs/math.md §6;
    Shahverdi–Marchetti–Kohn, AISTATS 2025; Razor's Edge).
    """

    result: DimensionResult
    formula: int
    formula_source: str

    @property
    def agrees(self) -> bool:
        return self.result.dimension == self.formula

    def to_dict(self) -> dict:
        d = self.result.to_dict()
        d.update({"formula": self.formula, "formula_source": self.formula_source, "agrees_with_formula": self.agrees})
        return d

    def summary(self) -> str:
        flag = "agrees with" if self.agrees else "DISAGREES with"
        return (self.result.summary() + f"\n  formula             {self.formula}  ({self.formula_source}) — computed value "
                f"{flag} it")


def cnn_dimension(architecture, seed: int = 0, trials: int = 2, prime: int | PrimeField = DEFAULT_PRIME) -> CNNDimension:
    """dim V by :func:`~neuromanifold.geometry.dimension.dimension` (mod-p rank, certified against the
    symmetry/ambient bounds) and the formula of :func:`dimension_formula`.

    Checks dim V = |k| − L + 1 (monomial σ) or |k| (generic σ) of docs/math.md §6 (Shahverdi–Marchetti–Kohn, AISTATS
    2025; Razor's Edge) against the certified engine.
    """
    arch = check_cnn(architecture)
    value, source = dimension_formula(arch)
    return CNNDimension(dimension(arch, seed=seed, trials=trials, prime=prime), value, source)
