"""CNN-specific geometry: dimension formula, degree formula, identifiability, zero-padding strata
(docs/math.md §6, CNN paragraph; Shahverdi–Marchetti–Kohn AISTATS 2025 = [SMK25]; Razor's Edge §4 = [RE]).

Notation: filters w_ℓ ∈ K^{k_ℓ}, strides s_ℓ, |k| = Σ k_ℓ, P_{ℓ−1} = s_1⋯s_{ℓ−1}, L layers.

* **Dimension** [SMK25, RE]: monomial σ = z^r ⇒ dim V = |k| − L + 1 (φ is injective up to the L − 1
  filter rescalings); generic polynomial σ ⇒ dim V = |k| (φ generically one-to-one).
  :func:`cnn_dimension` computes dim V with the certified engine and reports the formula beside it.
* **Degree** [SMK25]: for σ = z^r the projective degree of V is
  (|k| − L)! · Π_{j=0}^{L−1} r^{(L−j−1)(k_j − 1)} / (k_j − 1)!  (j = 0 the input-side filter).
* **Zero-padded filters**.  If w_ℓ = (0^{a_ℓ}, w'_ℓ, 0^{b_ℓ}) with w'_ℓ of size k'_ℓ = k_ℓ − a_ℓ − b_ℓ ≥ 1,
  layer ℓ reads its input shifted by a_ℓ, i.e. the network input shifted by a_ℓ P_{ℓ−1}.  Hence

      f_w(x) = f'_{w'}(x shifted by τ),   τ = Σ_ℓ a_ℓ P_{ℓ−1},

  with f' the CNN with filters k' and the same strides: the stratum S(a, b) maps onto a translate of
  the smaller neuromanifold V(k').  Two paddings with the same k' and the same τ ("twins") compute the
  same functions — moving leading zeros from layer m to an earlier layer ℓ is possible only in
  multiples of P_{m−1}/P_{ℓ−1} (the **integrality condition** on the shifts through the strides).
  At a twin point the function has two preimages θ_A ≠ θ_B; if col dφ(θ_A) + col dφ(θ_B) has
  dimension > dim V, the point is singular (two limits of tangent spaces, docs/math.md §6): a node-like
  self-intersection.  Without a twin, φ is regular and (numerically) injective there: smooth [RE].
* A zero filter (k'_ℓ = 0) with σ(0) = 0 gives f = 0: rank dφ drops only there ([RE]: "the
  parametrisation is regular away from φ^{−1}(0)").

Every statement says how it is known: mod-p ranks are lower bounds (certified when they meet a proven
upper bound); the numerical fibre search is evidence, never a proof.
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass, field
from fractions import Fraction
from math import factorial, prod

import numpy as np

from ..architectures.cnn import CNN
from ..architectures.parameters import Parameters
from ..limits import check_count, check_seed
from ..parametrization import (
    DEFAULT_PRIME,
    Float64,
    PrimeField,
    as_theta,
    evaluate,
    jacobian,
)
from ..results import Result
from .bounds import upper_bound
from .dimension import DimensionResult, dimension
from .rank import rank_mod_p

__all__ = [
    "CNNDimension",
    "cnn_dimension",
    "dimension_formula",
    "degree_formula",
    "Padding",
    "detect_padding",
    "enumerate_strata",
    "twins",
    "StratumReport",
    "stratum_report",
    "TwinCertificate",
    "twin_singularity",
    "Identifiability",
    "identifiability",
    "hilbert_degree",
]


def _check_cnn(architecture) -> CNN:
    if not isinstance(architecture, CNN):
        raise TypeError(f"Argument 'architecture' must be a CNN, not {type(architecture).__name__}.")
    return architecture


# --------------------------------------------------------------------------------------------------
# dimension and degree formulas
# --------------------------------------------------------------------------------------------------
def dimension_formula(architecture) -> tuple[int, str]:
    """The literature value of dim V and its source.

    Monomial σ on every hidden layer: |k| − L + 1 [SMK25, dimension theorem]; generic polynomial σ:
    |k| [RE, CNNs are generically one-to-one].  Mixed activations: |k| minus the number of hidden
    layers with monomial σ (reading: one rescaling per homogeneous layer, injective otherwise).
    With bias every layer adds one parameter, and σ = a (z − c)^r + d counts as z^r
    (:func:`~neuromanifold.geometry.bounds.rescalable`; reading; the papers have no bias)."""
    from .bounds import rescalable

    arch = _check_cnn(architecture)
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


def degree_formula(architecture) -> int:
    """deg V = (|k| − L)! · Π_{j=0}^{L−1} r^{(L−j−1)(k_j − 1)} / (k_j − 1)!  for σ = z^r, no bias
    ([SMK25], docs/math.md §6; j = 0 the input-side filter).  ValueError otherwise."""
    arch = _check_cnn(architecture)
    acts = arch.activations
    if arch.bias or any(not a.is_monomial for a in acts) or len({a.degree for a in acts}) > 1:
        raise ValueError("Argument 'architecture' must have one monomial activation z^r and no bias for the degree formula.")
    r = acts[0].degree if acts else 1
    L = arch.depth
    value = Fraction(factorial(arch.filter_sum - L))
    for j, k in enumerate(arch.filters):
        value *= Fraction(r ** ((L - j - 1) * (k - 1)), factorial(k - 1))
    if value.denominator != 1:  # pragma: no cover - the formula is an integer
        raise ArithmeticError(f"degree formula gave a non-integer {value}")
    return int(value)


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


def cnn_dimension(architecture, seed: int = 0, trials: int = 2, prime: int = DEFAULT_PRIME) -> CNNDimension:
    """dim V by :func:`~neuromanifold.geometry.dimension.dimension` (mod-p rank, certified against the
    symmetry/ambient bounds) and the formula of :func:`dimension_formula`.

    Checks dim V = |k| − L + 1 (monomial σ) or |k| (generic σ) of docs/math.md §6 (Shahverdi–Marchetti–Kohn, AISTATS
    2025; Razor's Edge) against the certified engine.
    """
    arch = _check_cnn(architecture)
    value, source = dimension_formula(arch)
    return CNNDimension(dimension(arch, seed=seed, trials=trials, prime=prime), value, source)


def hilbert_degree(architecture, max_t: int = 6, seed: int = 0, prime: int = DEFAULT_PRIME) -> dict:
    """The projective degree of V (σ = z^r, no bias: V is a cone) from its Hilbert function.

    HF(t) = dim of the degree-t forms on span(V) restricted to V = rank of the matrix
    [y(θ_i)^α]_{i, |α| = t}, where y = (⟨c_j, f_θ(x_j)⟩)_{j ≤ A} are A generic linear coordinates (A ≥
    dim span V, an injective linear map preserves HF) and θ_i are random points; enough θ_i make the
    rank the dimension of the restriction (probabilistic, Schwartz–Zippel in θ).  For t beyond the
    regularity HF(t) = HP(t) = deg·t^n/n! + …, n = dim V − 1, so the n-th finite difference of HF is
    deg.  Returns the HF values and the successive n-th differences; ``degree`` is the last difference
    when the last two agree (else None).  Probabilistic, and the regularity is not certified.
    """
    arch = _check_cnn(architecture)
    if arch.bias or not all(a.is_monomial for a in arch.activations):
        raise ValueError("Argument 'architecture' must be homogeneous (monomial σ, no bias) for a projective degree.")
    from math import comb

    ns = PrimeField(prime)
    dimV = dimension(arch, seed=seed, prime=prime).dimension
    A = arch.ambient_dimension
    rng = np.random.default_rng([seed, 99])
    X = ns.random(rng, (A, arch.input_dim))
    C = ns.random(rng, (A, arch.output_dim))
    hf = []
    for t in range(1, max_t + 1):
        n_mono = comb(A + t - 1, t)
        if n_mono > 3000:
            break
        pts = n_mono + 5
        Y = np.empty((pts, A), dtype=np.int64)
        for i in range(pts):
            theta = ns.random(rng, arch.n_params)
            vals = evaluate(arch, theta, X, ns)  # (A, d_L)
            Y[i] = np.sum(ns.mul(vals, C), axis=1) % prime
        cols = []
        for alpha in itertools.combinations_with_replacement(range(A), t):
            col = np.ones(pts, dtype=np.int64)
            for j in alpha:
                col = ns.mul(col, Y[:, j])
            cols.append(col)
        hf.append(rank_mod_p(np.stack(cols, axis=1), prime))
    n = dimV - 1
    diffs = list(hf)
    for _ in range(n):
        diffs = [b - a for a, b in zip(diffs, diffs[1:])] if len(diffs) > 1 else []
    degree = diffs[-1] if len(diffs) >= 2 and diffs[-1] == diffs[-2] else None
    return {"hilbert_function": hf, "differences": diffs, "degree": degree, "projective_dimension": n}


# --------------------------------------------------------------------------------------------------
# zero-padding strata
# --------------------------------------------------------------------------------------------------
@dataclass(frozen=True)
class Padding:
    """A zero-padding pattern: per layer (a_ℓ, b_ℓ) leading/trailing zeros of w_ℓ; a_ℓ + b_ℓ = k_ℓ
    (written (k_ℓ, 0)) means w_ℓ = 0.  The stratum S(a, b) is the linear space of parameters with those
    entries zero (the remaining entries free)."""

    architecture: CNN
    leading: tuple[int, ...]
    trailing: tuple[int, ...]

    def __post_init__(self):
        arch = _check_cnn(self.architecture)
        for name, vals in (("leading", self.leading), ("trailing", self.trailing)):
            if len(vals) != arch.depth or any(v < 0 for v in vals):
                raise ValueError(f"Argument '{name}' must hold {arch.depth} non-negative ints, got {list(vals)}.")
        for ell, (a, b, k) in enumerate(zip(self.leading, self.trailing, arch.filters), start=1):
            if a + b > k:
                raise ValueError(f"Argument 'leading'/'trailing': layer {ell} pads {a}+{b} zeros onto a filter of size {k}.")

    @property
    def kept(self) -> tuple[int, ...]:
        """k'_ℓ = k_ℓ − a_ℓ − b_ℓ, the sizes of the surviving filters (0 for a zero filter)."""
        return tuple(k - a - b for k, a, b in zip(self.architecture.filters, self.leading, self.trailing))

    @property
    def zero_layers(self) -> tuple[int, ...]:
        """Layers (1-based) whose filter is zero."""
        return tuple(ell for ell, k in enumerate(self.kept, start=1) if k == 0)

    @property
    def is_generic(self) -> bool:
        """No padding at all: the open stratum."""
        return not any(self.leading) and not any(self.trailing)

    @property
    def shift(self) -> int:
        """τ = Σ_ℓ a_ℓ P_{ℓ−1}: the stratum computes the smaller CNN f' on the input shifted by τ."""
        arch = self.architecture
        return sum(a * arch.input_shift(ell) for ell, a in enumerate(self.leading, start=1))

    @property
    def free_indices(self) -> np.ndarray:
        """Indices j of θ that are free on the stratum."""
        out, pos = [], 0
        for layer, k, a, b in zip(self.architecture.layers, self.architecture.filters, self.leading, self.trailing):
            out.extend(range(pos + a, pos + k - b))
            pos += layer.n_params
            if layer.bias:
                out.append(pos - 1)
        return np.array(out, dtype=np.int64)

    def sub_architecture(self) -> CNN | None:
        """The CNN with filters k' (same strides, activations, bias) on its receptive field; None if some
        filter is zero."""
        if self.zero_layers:
            return None
        arch = self.architecture
        small = CNN(1, (1,) * arch.depth, arch.strides, arch.activations, arch.bias)
        k = self.kept
        field_len = 1 + sum((kk - 1) * small.input_shift(ell) for ell, kk in enumerate(k, start=1))
        # the smallest input length that fits every layer: grow until valid
        length = field_len
        while True:
            try:
                return CNN(length, k, arch.strides, arch.activations, arch.bias)
            except ValueError:
                length += 1

    def random_point(self, seed: int = 0, low: int = -9, high: int = 9) -> Parameters:
        """An integer point of the stratum: free entries uniform non-zero in [low, high]."""
        arch = self.architecture
        rng = np.random.default_rng([seed, 4242])
        values = np.array([v for v in range(low, high + 1) if v != 0], dtype=np.int64)
        theta = np.zeros(arch.n_params, dtype=np.int64)
        free = self.free_indices
        theta[free] = rng.choice(values, size=free.size)
        return Parameters.unflatten(arch, theta)

    def label(self) -> str:
        parts = []
        for k, a, b in zip(self.architecture.filters, self.leading, self.trailing):
            parts.append("0" * k if a + b == k else "0" * a + "*" * (k - a - b) + "0" * b)
        return "(" + ", ".join(parts) + ")"

    def to_dict(self) -> dict:
        return {"pattern": self.label(), "leading": list(self.leading), "trailing": list(self.trailing),
                "kept": list(self.kept), "shift": self.shift, "zero_layers": list(self.zero_layers)}


def detect_padding(params, tol: float = 0.0, relative: bool = False) -> Padding:
    """The zero-padding pattern of a parameter point: leading/trailing entries of each filter with
    |w| ≤ tol (exact zeros for the default tol = 0), or |w| ≤ tol · ‖(w_ℓ, b_ℓ)‖ per filter with
    ``relative=True`` (for float end points of training; the layer scale of
    :mod:`~neuromanifold.geometry.proximity`).  A zero filter is reported as (k_ℓ, 0).

    Zero-padded filters are the CNN subnetworks; their strata carry the node-like singularities of docs/math.md §6
    (Shahverdi–Marchetti–Kohn; Razor's Edge), subject to the integrality condition on the shift
    τ = Σ_ℓ a_ℓ s_1⋯s_{ℓ−1}.
    """
    if not isinstance(params, Parameters):
        raise TypeError(f"Argument 'params' must be Parameters of a CNN, not {type(params).__name__}.")
    arch = _check_cnn(params.architecture)
    if tol < 0:
        raise ValueError(f"Argument 'tol' must be >= 0, got {tol}.")
    lead, trail = [], []
    for ell, w in enumerate(params.weights):
        values = [abs(v) for v in w.ravel().tolist()]
        scale = float(np.linalg.norm(np.concatenate([np.asarray(w, dtype=float).ravel(), np.asarray(
            params.biases[ell], dtype=float).ravel()]) if params.biases is not None else np.asarray(w, dtype=float)))
        cut = tol * scale if relative else tol
        zero = [v <= cut for v in values]
        k = len(zero)
        a = next((i for i, z in enumerate(zero) if not z), k)
        b = 0 if a == k else next(i for i, z in enumerate(reversed(zero)) if not z)
        lead.append(a)
        trail.append(b)
    return Padding(arch, tuple(lead), tuple(trail))


def enumerate_strata(architecture, include_zero: bool = True) -> list[Padding]:
    """Every padding pattern with non-zero filters (Π_ℓ k_ℓ(k_ℓ+1)/2 of them, the open stratum first),
    then (``include_zero``) one stratum per layer with a zero filter.

    These are the zero-padding strata of docs/math.md §6 (Shahverdi–Marchetti–Kohn; Razor's Edge): away from
    φ^{−1}(0) the parametrisation is regular on each.
    """
    from .mlp_strata import MAX_STRATA

    arch = _check_cnn(architecture)
    count = prod(k * (k + 1) // 2 for k in arch.filters) + (arch.depth if include_zero else 0)
    if count > MAX_STRATA:
        raise ValueError(f"Argument 'architecture' {arch!r} has {count} zero-padding strata; enumerating more than "
                         f"{MAX_STRATA} (MAX_STRATA) is refused.")
    per_layer = [[(a, b) for a in range(k) for b in range(k - a)] for k in arch.filters]
    out = []
    for combo in itertools.product(*per_layer):
        out.append(Padding(arch, tuple(c[0] for c in combo), tuple(c[1] for c in combo)))
    if include_zero:
        for ell in range(arch.depth):
            lead = [0] * arch.depth
            lead[ell] = arch.filters[ell]
            out.append(Padding(arch, tuple(lead), (0,) * arch.depth))
    return out


def twins(padding: Padding) -> list[Padding]:
    """The other non-zero paddings with the same kept sizes k' and the same shift τ: they compute exactly
    the same functions (module docstring).  Empty for zero strata and for strata violating the
    integrality condition."""
    arch = padding.architecture
    if padding.zero_layers:
        return []
    kept, tau = padding.kept, padding.shift
    ranges = [range(k - kk + 1) for k, kk in zip(arch.filters, kept)]
    out = []
    for lead in itertools.product(*ranges):
        if lead == padding.leading:
            continue
        if sum(a * arch.input_shift(ell) for ell, a in enumerate(lead, start=1)) == tau:
            trail = tuple(k - kk - a for k, kk, a in zip(arch.filters, kept, lead))
            out.append(Padding(arch, tuple(lead), trail))
    return out


def transport(params: Parameters, target: Padding) -> Parameters:
    """Move the kept filters of ``params`` (in stratum detect_padding(params)) into the twin pattern
    ``target``: the result computes the same function (module docstring)."""
    src = detect_padding(params)
    if src.kept != target.kept or src.shift != target.shift:
        raise ValueError(f"Argument 'target' {target.label()} is not a twin of {src.label()}.")
    weights = []
    for w, a, a2, kk in zip(params.weights, src.leading, target.leading, src.kept):
        new = np.zeros_like(w)
        new[a2 : a2 + kk] = w[a : a + kk]
        weights.append(new)
    return Parameters(params.architecture, tuple(weights), params.biases)


def _functionals(arch, rows: int, seed: int, ns: PrimeField):
    rng = np.random.default_rng([seed, 17])
    return ns.random(rng, (rows, arch.input_dim)), ns.random(rng, (rows, arch.output_dim))


def _rows(arch, bound: int) -> int:
    return max(1, min(arch.ambient_dimension, 2 * bound + 4))


@dataclass(frozen=True)
class StratumReport:
    """One zero-padding stratum: the dimension of its image, the rank of dφ at a random point of it
    versus dim V, and its twins (other placements of the same subnetwork)."""

    padding: Padding
    image_dimension: int
    image_bound: int
    rank_at_point: int
    rank_bound: int
    dimension: int
    twins: tuple[Padding, ...]

    @property
    def regular(self) -> bool:
        """rank dφ = dim V at the sampled point (certified: a mod-p rank is a lower bound)."""
        return self.rank_at_point == self.dimension

    @property
    def image_certified(self) -> bool:
        return self.image_dimension == self.image_bound

    @property
    def predicted_singular(self) -> bool | None:
        """[RE] reading: a subnetwork point with a twin is a node (singular); a regular point without twin
        is smooth; zero strata (f = 0) are left open (None)."""
        if self.padding.zero_layers:
            return None
        return bool(self.twins)

    def to_dict(self) -> dict:
        return {**self.padding.to_dict(), "image_dimension": self.image_dimension,
                "image_dimension_certified": self.image_certified, "rank_at_point": self.rank_at_point,
                "rank_upper_bound": self.rank_bound, "dimension": self.dimension, "regular": self.regular,
                "twins": [t.label() for t in self.twins], "predicted_singular": self.predicted_singular}


def stratum_report(padding: Padding, seed: int = 0, prime: int = DEFAULT_PRIME, dimension_result=None) -> StratumReport:
    """Dimension of φ(S) and rank of dφ at a random integer point of the stratum S.

    * dim φ(S) ≥ mod-p rank of the columns of d(ev∘φ) for the free entries (lower bound), and
      ≤ the proven bound of the smaller CNN V(k') (φ(S) is its translate), or 0 when a zero filter
      forces f = 0 (σ(0) = 0 on every hidden layer, no bias).
    * rank dφ(θ) ≥ its mod-p rank at the integer point θ; proven upper bounds: dim V, and for a zero
      filter w_ℓ = 0 with f ≡ 0 nearby, only layer ℓ's columns survive (rank ≤ k_ℓ; ≤ 0 for two zero
      filters)."""
    arch = padding.architecture
    ns = PrimeField(prime)
    dres = dimension_result if dimension_result is not None else dimension(arch, seed=seed, prime=prime)
    dimV = dres.dimension
    R = _rows(arch, dres.upper_bound)
    X, C = _functionals(arch, R, seed, ns)
    params = padding.random_point(seed)
    J = jacobian(arch, as_theta(arch, params, ns), X, ns, projections=C)
    rank = rank_mod_p(J, prime)
    image = rank_mod_p(J[:, padding.free_indices], prime)
    kills = not arch.bias and all(a.coeffs[0] == 0 for a in arch.activations)
    zl = padding.zero_layers
    if zl and kills:
        image_bound = 0
        rank_bound = 0 if len(zl) > 1 else min(dimV, arch.filters[zl[0] - 1])
    elif zl:
        image_bound = len(padding.free_indices)
        rank_bound = dres.upper_bound
    else:
        image_bound = upper_bound(padding.sub_architecture()).value
        rank_bound = dres.upper_bound
    return StratumReport(padding, image, image_bound, rank, rank_bound, dimV, tuple(twins(padding)))


# --------------------------------------------------------------------------------------------------
# twins: certified nodes
# --------------------------------------------------------------------------------------------------
@dataclass(frozen=True)
class TwinCertificate(Result):
    """f = φ(θ_A) = φ(θ_B) with θ_A ≠ θ_B in twin strata.  If rank dφ(θ_A) = rank dφ(θ_B) = dim V, both
    column spaces are limits of tangent spaces at smooth points, hence lie in T_f V; their span having
    dimension > dim V certifies that f is singular (docs/math.md §6)."""

    architecture: CNN
    theta_a: Parameters
    theta_b: Parameters
    same_function: bool
    rank_a: int
    rank_b: int
    span: int
    dimension: int
    dimension_certified: bool
    prime: int
    function_check: str = "exact"

    @property
    def singular(self) -> bool:
        return (self.same_function and self.rank_a == self.dimension == self.rank_b and self.span > self.dimension)

    @property
    def certified(self) -> bool:
        """Ranks mod p are lower bounds on the ranks over ℚ and f_A = f_B is checked exactly (over ℚ at
        unisolvent inputs); with dim V certified the verdict is a proof."""
        return self.singular and self.dimension_certified and self.function_check == "exact"

    def to_dict(self) -> dict:
        return {"pattern_a": detect_padding(self.theta_a).label(), "pattern_b": detect_padding(self.theta_b).label(),
                "same_function": self.same_function, "rank_a": self.rank_a, "rank_b": self.rank_b,
                "tangent_span": self.span, "dimension": self.dimension, "singular": self.singular,
                "certified": self.certified, "prime": self.prime, "function_check": self.function_check}

    def summary(self) -> str:
        verdict = "SINGULAR (node: two branches)" if self.singular else "no certificate of singularity"
        return (f"{self.architecture!r}: f = φ({detect_padding(self.theta_a).label()}) = "
                f"φ({detect_padding(self.theta_b).label()}): {verdict}; rank dφ = {self.rank_a}, {self.rank_b}; "
                f"tangent span {self.span} vs dim V = {self.dimension}"
                f"{' (certified)' if self.certified else ''}")


#: Most unisolvent inputs at which :func:`twin_singularity` checks f_A = f_B over ℚ.
TWIN_EXACT_INPUTS = 20_000


def twin_singularity(params_a: Parameters, params_b: Parameters, seed: int = 0, prime: int | None = None,
                     dimension_result=None) -> TwinCertificate:
    """Certify that φ(θ_A) = φ(θ_B) is a singular point by the span of the two tangent spaces.

    docs/math.md §6: every limit of tangent spaces at q lies in T_q V, so if the images of dφ(θ_A) and dφ(θ_B) at two
    preimages of q span more than dim V, q is singular — the node-like self-intersections of zero-padded CNN
    strata (Shahverdi–Marchetti–Kohn; Razor's Edge).
    """
    arch = _check_cnn(params_a.architecture)
    if params_b.architecture != arch:
        raise ValueError("Arguments 'params_a' and 'params_b' must belong to the same CNN.")
    from ..parametrization import Rationals, point_primes
    from .point_kernel import unisolvent_inputs

    if prime is None:  # random, and faithful for both points: no input can target it
        prime = next(p for p in point_primes(params_a, seed, count=8, stream=5)
                     if PrimeField(p).unfaithful(list(params_b.weights) + list(params_b.biases or ())) is None)
    else:
        for name, pt in (("params_a", params_a), ("params_b", params_b)):
            reason = PrimeField(prime).unfaithful(list(pt.weights) + list(pt.biases or ()))
            if reason is not None:
                raise ValueError(f"Argument 'prime': {name} does not reduce faithfully ({reason}).")
    ns = PrimeField(prime)
    dres = dimension_result if dimension_result is not None else dimension(arch, seed=seed)
    R = _rows(arch, dres.upper_bound)
    X, C = _functionals(arch, R, seed, ns)
    ta, tb = as_theta(arch, params_a, ns), as_theta(arch, params_b, ns)
    # f_A = f_B exactly: equal over ℚ at unisolvent inputs (docs/math.md §5), not merely mod p at random ones
    grid = unisolvent_inputs(arch)
    if grid.shape[0] <= TWIN_EXACT_INPUTS:
        qq, check = Rationals(), "exact"
        same = bool(np.array_equal(evaluate(arch, params_a, grid.astype(object), qq),
                                   evaluate(arch, params_b, grid.astype(object), qq)))
    else:  # too many unisolvent inputs: equality mod p at random inputs only (then never certified)
        check = "mod-p"
        same = bool(np.array_equal(evaluate(arch, ta, X, ns), evaluate(arch, tb, X, ns)))
    Ja = jacobian(arch, ta, X, ns, projections=C)
    Jb = jacobian(arch, tb, X, ns, projections=C)
    return TwinCertificate(arch, params_a, params_b, same, rank_mod_p(Ja, prime), rank_mod_p(Jb, prime),
                           rank_mod_p(np.hstack([Ja, Jb]), prime), dres.dimension, dres.certified, prime, check)


# --------------------------------------------------------------------------------------------------
# identifiability
# --------------------------------------------------------------------------------------------------
def canonical_form(params: Parameters, reference: Parameters | None = None) -> np.ndarray:
    """θ with the filter rescalings fixed: for every hidden layer ℓ with σ_ℓ = a z^r, divide w_ℓ by its
    entry at the position j where the reference |w_ℓ| is largest and multiply w_{ℓ+1} by that entry^r
    (the orbit (w_ℓ c, w_{ℓ+1} c^{−r}) meets this slice once).  Non-homogeneous layers are left alone."""
    arch = params.architecture
    ref = reference if reference is not None else params
    ws = [np.asarray(w, dtype=np.float64).copy() for w in params.weights]
    for ell, act in enumerate(arch.activations):
        if not act.is_monomial:
            continue
        j = int(np.argmax(np.abs(np.asarray(ref.weights[ell], dtype=np.float64))))
        c = ws[ell][j]
        if c == 0:
            continue
        ws[ell] = ws[ell] / c
        ws[ell + 1] = ws[ell + 1] * c ** act.degree
    parts = []
    for i, w in enumerate(ws):
        parts.append(w)
        if params.biases is not None:
            parts.append(np.asarray(params.biases[i], dtype=np.float64))
    return np.concatenate(parts)


@dataclass(frozen=True)
class Identifiability(Result):
    """Is the fibre of φ at a random point finite / one-to-one up to the rescalings?

    ``finite_fibres``: dim V = N − (symmetry dimension) — exact (certified when dim V is);
    numerical search: from ``starts`` random starts Levenberg–Marquardt fits f_θ to f_{θ*} on random
    inputs; ``converged`` fits reached relative residual ≤ ``tol``; ``distinct`` counts their distinct
    canonical forms (rescalings fixed).  distinct = 1 is evidence (not proof) that the fibre is one
    point up to rescaling."""

    dimension: DimensionResult
    finite_fibres: bool
    starts: int
    converged: int
    distinct: int
    max_distance_to_truth: float
    other_preimages: tuple = field(default=(), repr=False)

    @property
    def one_to_one(self) -> bool | None:
        if self.converged == 0:
            return None
        return self.finite_fibres and self.distinct == 1 and self.max_distance_to_truth < 1e-5

    def to_dict(self) -> dict:
        r = self.dimension
        return {"dimension": r.dimension, "parameters": r.parameters, "symmetry_dimension": r.symmetry_dimension,
                "finite_fibres": self.finite_fibres, "finite_fibres_certified": r.certified,
                "starts": self.starts, "converged": self.converged, "distinct_preimages": self.distinct,
                "max_distance_to_truth": self.max_distance_to_truth, "one_to_one_up_to_symmetry": self.one_to_one,
                "search": "numerical (float64 Levenberg–Marquardt), evidence only"}

    def summary(self) -> str:
        r = self.dimension
        fin = "finite" if self.finite_fibres else "positive-dimensional"
        how = "certified" if r.certified else f"probabilistic, error ≤ {r.error_bound:.1e}"
        verdict = {True: "one-to-one up to rescaling", False: "NOT one-to-one", None: "undecided (no fit converged)"}[self.one_to_one]
        return (f"{r.architecture!r}\n  generic fibres: {fin} (dim V = {r.dimension} vs N − symmetries = "
                f"{r.parameters - r.symmetry_dimension}; {how})\n  numerical search: {self.converged}/{self.starts} "
                f"starts converged, {self.distinct} distinct preimage(s) up to rescaling, max distance to the "
                f"true filters {self.max_distance_to_truth:.1e} → {verdict} (evidence, not proof)")


def _lm(arch, theta0, X, target, ns, iters: int = 300, tol: float = 1e-12):
    theta = theta0.copy()
    lam = 1e-2

    def resid(t):
        return (evaluate(arch, t, X, ns) - target).ravel()

    r = resid(theta)
    cost = float(r @ r)
    for _ in range(iters):
        J = jacobian(arch, theta, X, ns)
        g = J.T @ r
        H = J.T @ J
        step = np.linalg.solve(H + lam * (np.diag(np.diag(H)) + 1e-12 * np.eye(len(theta))), -g)
        new = theta + step
        rn = resid(new)
        cn = float(rn @ rn)
        if np.isfinite(cn) and cn < cost:
            theta, r, cost = new, rn, cn
            lam = max(lam / 3, 1e-12)
            if cost < tol:
                break
        else:
            lam *= 4
            if lam > 1e12:
                break
    return theta, cost


def identifiability(architecture, seed: int = 0, starts: int = 8, tol: float = 1e-16, at: Parameters | None = None) -> Identifiability:
    """Fibre of φ at a random point (or at ``at``): exact finiteness test plus a multi-start numerical
    preimage search (docs/math.md §6: CNNs are generically injective, up to rescaling for monomial σ).
    At a twin point (:func:`twins`) the search is expected to find the second preimage."""
    arch = _check_cnn(architecture)
    if at is not None and (not isinstance(at, Parameters) or at.architecture != arch):
        raise ValueError(f"Argument 'at' must be Parameters of {arch!r}.")
    check_count(starts, "starts", "MAX_STARTS")
    check_seed(seed)
    dres = dimension(arch, seed=seed)
    finite = dres.dimension == dres.parameters - dres.symmetry_dimension
    ns = Float64()
    rng = np.random.default_rng([seed, 31])
    truth = Parameters.random(arch, seed=seed + 1000, kind="float") if at is None else Parameters.unflatten(
        arch, np.asarray(at.flatten(), dtype=np.float64))
    m = max(8, 3 * arch.n_params)
    X = rng.standard_normal((m, arch.input_dim))
    target = evaluate(arch, truth, X, ns)
    scale = float(np.sum(target**2)) or 1.0
    ref = canonical_form(truth)
    found, converged, dists = [], 0, []
    for i in range(starts):
        start = Parameters.random(arch, seed=seed + 2000 + i, kind="float").flatten()
        theta, cost = _lm(arch, start, X, target, ns)
        if cost / scale > tol:
            continue
        converged += 1
        canon = canonical_form(Parameters.unflatten(arch, theta), truth)
        dists.append(float(np.max(np.abs(canon - ref))))
        if not any(np.max(np.abs(canon - f)) < 1e-5 for f in found):
            found.append(canon)
    others = tuple(f for f in found if np.max(np.abs(f - ref)) >= 1e-5)
    return Identifiability(dres, finite, starts, converged, len(found), max(dists) if dists else float("nan"), others)
