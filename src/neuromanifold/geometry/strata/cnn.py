"""Zero-padding strata of a 1-D CNN (docs/math.md §6, CNN paragraph; Razor's Edge §4).

If w_ℓ = (0^{a_ℓ}, w'_ℓ, 0^{b_ℓ}) with w'_ℓ of size k'_ℓ = k_ℓ − a_ℓ − b_ℓ ≥ 1, layer ℓ reads its input shifted
by a_ℓ, i.e. the network input shifted by a_ℓ P_{ℓ−1} (P_{ℓ−1} = s_1⋯s_{ℓ−1}).  Hence

    f_w(x) = f'_{w'}(x shifted by τ),   τ = Σ_ℓ a_ℓ P_{ℓ−1},

with f' the CNN with filters k' and the same strides: the stratum S(a, b) maps onto a translate of the smaller
neuromanifold V(k').  Two paddings with the same k' and the same τ ("twins") compute the same functions —
moving leading zeros from layer m to an earlier layer ℓ is possible only in multiples of P_{m−1}/P_{ℓ−1} (the
**integrality condition**).  :class:`Padding` is the CNN implementation of the stratum protocol of
:mod:`.base`: its reduced architecture is the CNN with filters k', its lift places w' at offset a_ℓ.
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass
from math import prod

import numpy as np

from ...architectures.cnn import CNN, check_cnn
from ...architectures.parameters import Parameters
from ...limits import check_prime
from ...parametrization import DEFAULT_PRIME, PrimeField, as_theta, jacobian, random_functionals
from ...randomness import stream
from ..bounds import upper_bound
from ..dimension import dimension
from ..rank import rank_mod_p
from .base import lift_to_coordinates

__all__ = ["Padding", "detect_padding", "enumerate_strata", "twins", "transport", "StratumReport", "stratum_report",
           "projection_rows"]


@dataclass(frozen=True)
class Padding:
    """A zero-padding pattern: per layer (a_ℓ, b_ℓ) leading/trailing zeros of w_ℓ; a_ℓ + b_ℓ = k_ℓ
    (written (k_ℓ, 0)) means w_ℓ = 0.  The stratum S(a, b) is the linear space of parameters with those
    entries zero (the remaining entries free)."""

    architecture: CNN
    leading: tuple[int, ...]
    trailing: tuple[int, ...]

    def __post_init__(self):
        arch = check_cnn(self.architecture)
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

    @property
    def reduced_architecture(self) -> CNN | None:
        """The protocol's name for :meth:`sub_architecture`."""
        return self.sub_architecture()

    @property
    def zero_indices(self) -> np.ndarray:
        """Indices j of θ that vanish on the stratum."""
        mask = np.ones(self.architecture.n_params, dtype=bool)
        mask[self.free_indices] = False
        return np.nonzero(mask)[0]

    def contains(self, params, tol: float = 0.0) -> bool:
        """Whether every padded entry of ``params`` (Parameters or flat θ) is at most ``tol`` in size."""
        theta = params.flatten() if isinstance(params, Parameters) else np.asarray(params)
        return all(abs(theta[j]) <= tol for j in self.zero_indices.tolist())

    def lift(self, theta_reduced) -> np.ndarray:
        """ι(θ'): the reduced CNN's parameters (kept filters w'_ℓ, then biases, in its own order) placed at
        offsets a_ℓ, zeros elsewhere; f_{ι(θ')}(x) = f'_{θ'}(x shifted by τ).  A zero filter has no lift."""
        if self.zero_layers:
            raise ValueError(f"Stratum {self.label} has a zero filter: it computes no smaller CNN to lift from.")
        return lift_to_coordinates(self.architecture.n_params, self.free_indices, theta_reduced)

    def random_point(self, seed: int = 0, low: int = -9, high: int = 9) -> Parameters:
        """An integer point of the stratum: free entries uniform non-zero in [low, high]."""
        arch = self.architecture
        rng = stream(seed, "strata.cnn.point")
        values = np.array([v for v in range(low, high + 1) if v != 0], dtype=np.int64)
        theta = np.zeros(arch.n_params, dtype=np.int64)
        free = self.free_indices
        theta[free] = rng.choice(values, size=free.size)
        return Parameters.unflatten(arch, theta)

    @property
    def label(self) -> str:
        """The pattern, e.g. ``(0**, *)``: 0 a padded entry, * a free one."""
        parts = []
        for k, a, b in zip(self.architecture.filters, self.leading, self.trailing):
            parts.append("0" * k if a + b == k else "0" * a + "*" * (k - a - b) + "0" * b)
        return "(" + ", ".join(parts) + ")"

    def to_dict(self) -> dict:
        return {"pattern": self.label, "leading": list(self.leading), "trailing": list(self.trailing),
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
    arch = check_cnn(params.architecture)
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
    from .mlp import MAX_STRATA

    arch = check_cnn(architecture)
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
        raise ValueError(f"Argument 'target' {target.label} is not a twin of {src.label}.")
    weights = []
    for w, a, a2, kk in zip(params.weights, src.leading, target.leading, src.kept):
        new = np.zeros_like(w)
        new[a2 : a2 + kk] = w[a : a + kk]
        weights.append(new)
    return Parameters(params.architecture, tuple(weights), params.biases)


def projection_rows(arch, bound: int) -> int:
    """Rows of projected evaluations for a rank bounded by ``bound``: 2·bound + 4 (margin for the two tangent
    spaces of a twin pair), at most the ambient dimension."""
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
                "twins": [t.label for t in self.twins], "predicted_singular": self.predicted_singular}


def stratum_report(padding: Padding, seed: int = 0, prime: int | PrimeField = DEFAULT_PRIME, dimension_result=None) -> StratumReport:
    """Dimension of φ(S) and rank of dφ at a random integer point of the stratum S.

    * dim φ(S) ≥ mod-p rank of the columns of d(ev∘φ) for the free entries (lower bound), and
      ≤ the proven bound of the smaller CNN V(k') (φ(S) is its translate), or 0 when a zero filter
      forces f = 0 (σ(0) = 0 on every hidden layer, no bias).
    * rank dφ(θ) ≥ its mod-p rank at the integer point θ; proven upper bounds: dim V, and for a zero
      filter w_ℓ = 0 with f ≡ 0 nearby, only layer ℓ's columns survive (rank ≤ k_ℓ; ≤ 0 for two zero
      filters)."""
    prime = check_prime(prime)
    arch = padding.architecture
    ns = PrimeField(prime)
    dres = dimension_result if dimension_result is not None else dimension(arch, seed=seed, prime=prime)
    dimV = dres.dimension
    X, C = random_functionals(arch, projection_rows(arch, dres.upper_bound), ns, stream(seed, "strata.cnn.functionals"))
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
