"""Proven upper bounds on dim V, the expected dimension, and the Schwartz–Zippel degree.

A mod-p rank of d(ev_X ∘ φ) at a random point is a lower bound on dim V (docs/math.md §2).  When it
meets one of the upper bounds below — each a theorem — the dimension is **certified**.

Upper bounds used (the smallest applicable one wins):

1. *Symmetry* (Kileel–Trager–Bruna): each hidden unit with homogeneous σ_ℓ = a z^r carries a
   rescaling (row × c, outgoing column × c^{−r}) acting with finite stabilisers at generic points,
   so dim V ≤ N − Σ_ℓ (rescaling units of layer ℓ).
2. *Ambient*: V lies in the span of the monomials that can occur, dim V ≤ A (docs/math.md §1).
3. *Linear networks* (all σ = a z): f = W_L ⋯ W_1 has rank ≤ m = min_i d_i, and the d_L × d_0 matrices
   of rank ≤ m form a variety of dimension m(d_0 + d_L − m).
4. *Alexander–Hirschowitz* (shallow, one output, σ = a z^r, no bias): V is the cone over the d_1-th
   secant of the Veronese variety, of dimension min{d_0 d_1, C(d_0 + r − 1, r)} except for r = 2,
   2 ≤ d_1 ≤ d_0 − 1 (d_0 d_1 − C(d_1, 2)) and (d_0, r, d_1) ∈ {(3,4,5), (4,4,9), (5,3,7), (5,4,14)}
   (one less).
5. *Narrow input* (d_1 < d_0): W_1 = A·P with P spanning a point of the Grassmannian Gr(d_1, d_0), so
   f = g(P x) with g in the neuromanifold of (d_1, d_1, d_2, …, d_L):
   dim V ≤ d_1(d_0 − d_1) + dim V(d_1, d_1, d_2, …).  Symmetrically *narrow output*
   (d_{L−1} < d_L, no bias): dim V ≤ d_{L−1}(d_L − d_{L−1}) + dim V(d_0, …, d_{L−1}, d_{L−1}).
6. *Composition* at a hidden layer ℓ: f = (G ∘ σ_ℓ) ∘ F with F ∈ V(d_0..d_ℓ), G ∈ V(d_ℓ..d_L); the
   rescalings of layer ℓ (σ_ℓ homogeneous) lie in the fibres, so
   dim V ≤ dim V(d_0..d_ℓ) + dim V(d_ℓ..d_L) − d_ℓ (no subtraction for non-homogeneous σ_ℓ).
   This is what makes width-one bottlenecks certifiably defective.

7. *r-th powers of one more linear form than variables* (σ_1 = a z^r, no bias, d_1 = d_0 + 1, L ≥ 2): f = G(ℓ_1^r, …,
   ℓ_{d_1}^r) with ℓ_i the rows of W_1 and G polynomial of degrees e ∈ E (those of the later layers).  For generic
   W_1 the image Y of P^{d_0−1} under x ↦ (ℓ_i(x)^r) is a hypersurface of degree δ ≤ r^{d_0−1} in P^{d_0}, so the
   G∘(ℓ^r) of degree e span ≤ HF_Y(e) = C(e + d_0, d_0) − C(e − δ + d_0, d_0) dimensions (the largest span is
   the generic one: ranks are lower semicontinuous), and the spans form a family of dimension ≤ d_0 d_1 − d_1
   (row scalings of W_1 leave them fixed): dim V ≤ d_1(d_0 − 1) + d_L Σ_{e∈E} HF_Y(e) (docs/math.md §3).  For
   (3, 4, …) at r = 2, Y is Steiner's quartic Roman surface; e.g. (3, 4, 17, 36, 37, 30, 5, 1) is bounded by
   8 + C(35, 3) − C(31, 3) = 2058 < A = 2145, which the mod-p rank meets.

8. *Any quadratic σ(z) = αz² + βz + γ, one hidden layer, one output, no bias*: f(x) = Σ a_i σ(w_i·x) is a
   linear function of the moment matrix M = Σ_i a_i (1, w_i)(1, w_i)ᵀ (α x̃ᵀ M' x̃ + … with x̃ = (1, x): the
   entries of M are Σa_i, Σa_i w_i and Σa_i w_i w_iᵀ), a symmetric (d_0 + 1)-matrix of rank ≤ d_1, so
   dim V ≤ (d_0 + 1) d_1 − C(d_1, 2) for d_1 ≤ d_0 + 1 (e.g. (2, 2, 1): 5 < N = A = 6).

Bounds 5 and 6 recurse, using all bounds on the smaller architectures.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from math import comb

from ..architectures.mlp import MLP, output_degree_set
from ..limits import check_architecture
from ..results import Result

__all__ = [
    "UpperBound",
    "symmetry_dimension",
    "expected_dimension",
    "upper_bound",
    "degree_bound",
    "alexander_hirschowitz",
    "KnownDegreeBounds",
    "known_degree_bounds",
]

#: (d_0, r, d_1) with one-output shallow monomial networks defective by exactly one (AH 1995).
AH_EXCEPTIONS = frozenset({(3, 4, 5), (4, 4, 9), (5, 3, 7), (5, 4, 14)})


@dataclass(frozen=True)
class UpperBound:
    """A proven upper bound on dim V and the statement it comes from.

    One of the theorems listed in the module docstring (docs/math.md §2–3: Kileel–Trager–Bruna symmetry bound,
    ambient dimension A, linear networks m(d_0 + d_L − m), Alexander–Hirschowitz, narrow input/output and
    composition bounds).
    """

    value: int
    source: str


def rescalable(activation, bias: bool) -> bool:
    """Whether σ gives every hidden unit a one-parameter rescaling symmetry (docs/math.md §2).

    σ = a z^r: row × t, outgoing column × t^{−r}.  With biases also σ(z) = a (z − c)^r + d (every quadratic
    is of this form): (row, bias) ↦ (t·row, t(bias − c) + c) gives σ(z′) − d = t^r (σ(z) − d), so the
    outgoing column × t^{−r} restores the output up to the constant col·d(1 − t^{−r}), which the next
    layer's bias absorbs.  Such a σ is affinely equivalent to z^r and its neurovariety is that of z^r."""
    return activation.is_monomial or (bias and activation.degree >= 2 and activation.is_shifted_monomial)


def symmetry_dimension(architecture) -> int:
    """Dimension of the rescaling torus: Σ over hidden layers ℓ with a :func:`rescalable` σ_ℓ of the number
    of independently rescalable units (d_ℓ neurons for an MLP, one filter for a CNN).  0 for other
    (e.g. generic cubic) activations (docs/math.md §2)."""
    return sum(
        architecture.rescaling_units(ell)
        for ell, act in enumerate(architecture.activations)
        if rescalable(act, architecture.bias)
    )


def expected_dimension(architecture) -> int:
    """edim = min{N − (symmetry dimension), A}.

    For σ = z^r on an MLP this is the Kileel–Trager–Bruna expected dimension
    min{d_L + Σ_{i=1}^L (d_{i−1} − 1) d_i, A(d, r)}; for a generic polynomial σ it is min{N, A}
    (Razor's Edge Thm 4.1: generic fibres are finite)."""
    check_architecture(architecture)
    return min(architecture.n_params - symmetry_dimension(architecture), architecture.ambient_dimension)


def alexander_hirschowitz(d0: int, d1: int, r: int) -> int:
    """dim of the affine cone over σ_{d1}(v_r(P^{d0−1})) (Alexander–Hirschowitz 1995)."""
    if r == 2 and 2 <= d1 <= d0 - 1:
        return d0 * d1 - comb(d1, 2)
    value = min(d0 * d1, comb(d0 + r - 1, r))
    return value - 1 if (d0, r, d1) in AH_EXCEPTIONS else value


def upper_bound(architecture) -> UpperBound:
    """The smallest proven upper bound on dim V (see the module docstring for the list).

    ``value`` ≥ dim V is a theorem (docs/math.md §2–3: N − Σ rescalings (Kileel–Trager–Bruna), A,
    m(d_0 + d_L − m) for linear networks, Alexander–Hirschowitz for (d_0, d_1, 1), narrow input/output and
    composition bounds); :func:`dimension` certifies when its mod-p lower bound meets it.
    """
    check_architecture(architecture)
    if isinstance(architecture, MLP):
        return _mlp_bound(architecture)
    candidates = [
        UpperBound(architecture.n_params - symmetry_dimension(architecture), "symmetry (parameters minus rescalings)"),
        UpperBound(architecture.ambient_dimension, "ambient dimension"),
    ]
    candidates += list(getattr(architecture, "extra_upper_bounds", lambda: [])())
    return min(candidates, key=lambda b: b.value)


def _mlp_bound(arch: MLP) -> UpperBound:
    # equal activations of different architectures become one object, so the cache compares keys by identity
    # instead of comparing Fraction coefficients (a census otherwise spends most of its bound time there)
    acts = tuple(_ACTIVATIONS.setdefault(a, a) for a in arch.activations)
    return _bound(arch.widths, acts, arch.bias)


_ACTIVATIONS: dict = {}


@lru_cache(maxsize=65536)
def _bound(d: tuple[int, ...], acts: tuple, bias: bool) -> UpperBound:
    """The bounds of :func:`upper_bound` for an MLP given as plain data (widths, activations, bias), recursing
    on width tuples with a cache — no architecture objects are built (a census of thousands of architectures
    shares the sub-bounds)."""
    L = len(d) - 1
    n_params = sum((d[i] + bias) * d[i + 1] for i in range(L))
    symmetry = sum(d[ell] for ell in range(1, L) if rescalable(acts[ell - 1], bias))
    ambient = d[-1] * sum(comb(e + d[0] - 1, d[0] - 1) for e in output_degree_set(acts, bias))
    best = [
        UpperBound(n_params - symmetry, "symmetry (Kileel–Trager–Bruna: N minus hidden rescalings)"),
        UpperBound(ambient, "ambient dimension"),
    ]
    homogeneous_linear = not bias and all(a.is_monomial and a.degree == 1 for a in acts)
    if homogeneous_linear and L >= 2:
        m = min(d)
        best.append(UpperBound(m * (d[0] + d[-1] - m), "linear networks: d_L × d_0 matrices of rank ≤ min width"))
    if L == 2 and d[2] == 1 and not bias and acts[0].is_monomial:
        best.append(UpperBound(alexander_hirschowitz(d[0], d[1], acts[0].degree), "Alexander–Hirschowitz theorem"))
    if L == 2 and d[2] == 1 and not bias and acts[0].degree == 2 and d[1] <= d[0] + 1:
        k = d[0] + 1  # f is linear in the moment matrix Σ a_i (1, w_i)(1, w_i)ᵀ of rank ≤ d_1
        best.append(UpperBound(k * d[1] - comb(d[1], 2), "quadratic σ: symmetric (d_0+1)-matrices of rank ≤ d_1"))
    if L >= 2 and d[1] < d[0]:
        inner = _bound((d[1],) + d[1:], acts, bias)
        best.append(UpperBound(d[1] * (d[0] - d[1]) + inner.value, "narrow input (Grassmannian of the first-layer row space)"))
    if L >= 2 and d[L - 1] < d[L] and not bias:
        inner = _bound(d[:-1] + (d[L - 1],), acts, bias)
        best.append(UpperBound(d[L - 1] * (d[L] - d[L - 1]) + inner.value, "narrow output (Grassmannian of the last-layer column space)"))
    if L >= 2 and not bias and d[0] >= 2 and d[1] == d[0] + 1 and acts[0].is_monomial:
        delta = acts[0].degree ** (d[0] - 1)
        span = sum(comb(e + d[0], d[0]) - (comb(e - delta + d[0], d[0]) if e >= delta else 0)
                   for e in output_degree_set(acts[1:], False))
        best.append(UpperBound(d[1] * (d[0] - 1) + d[-1] * span,
                               "first layer: d_0 + 1 powers of linear forms satisfy a relation of degree ≤ r^(d_0−1)"))
    for ell in range(1, L):
        left = _bound(d[: ell + 1], acts[: ell - 1], bias)
        right = _bound(d[ell:], acts[ell:], bias)
        sym = d[ell] if rescalable(acts[ell - 1], bias) else 0
        value = left.value + right.value - sym
        best.append(UpperBound(value, f"composition at hidden layer {ell} (rescalings of layer {ell} in the fibres)"))
    return min(best, key=lambda b: b.value)


def degree_bound(architecture, layers=None, inputs: bool = False) -> int:
    """deg f_θ(x) in the chosen variables: the parameters of ``layers`` (1-based; default all) and, with
    ``inputs``, the input x — the one degree recurrence of the project:

        deg z_1 = [1 ∈ layers] + [inputs],   deg z_{ℓ+1} = deg σ_ℓ · deg z_ℓ + [ℓ + 1 ∈ layers].

    All parameters: deg_θ f_θ (the t-degree of a Jacobian along a curve, the Bézout number of a count);
    (θ, x) jointly: every Jacobian entry has degree ≤ this − 1 (≤ this after projecting onto a random output
    direction), so a ρ × ρ minor has degree ≤ ρ·deg — the δ of the Schwartz–Zippel bound; one layer ℓ alone:
    Π_{k ≥ ℓ} deg σ_k (the interpolation degree of a loss along one coordinate)."""
    chosen = set(range(1, architecture.depth + 1)) if layers is None else {int(ell) for ell in layers}
    deg = (1 in chosen) + bool(inputs)
    for ell, act in enumerate(architecture.activations, start=2):
        deg = act.degree * deg + (ell in chosen)
    return deg


def input_bottleneck_rank_bound(architecture, k: int) -> int:
    """Upper bound on rank dφ(W) at every W with rank W_1 ≤ k < d_0 (σ_1 = z^{r_1} …, no biases).

    Choose input coordinates x = (y, w), y ∈ ℚ^k, with W_1 x = A y.  Directions that keep the
    w-columns of W_1 zero move f inside {g(y): g ∈ V(k, d_1, …, d_L)}: at most dim V(k, d_1, …, d_L)
    ≤ ub(k, d_1, …, d_L) (geometry.bounds).  A direction in entry (i, m) of the w-columns gives
    w_m · ∂f/∂z_{1,i}(y), and span_i ∂f/∂z_{1,i} has dimension ≤ min(d_1, d_L·C(D − 1 + k − 1, k − 1))
    (polynomials of degree D − 1 in y).  Hence

        rank dφ(W) ≤ ub(k, d_1, …, d_L) + (d_0 − k)·min(d_1, d_L·C(D + k − 2, k − 1)).

    When this is < dim V, every such point is critical (a proof, not a test).  For large r the bound
    reaches N − Σ d_ℓ (the expected dimension), consistent with the Kohn–Marchetti–Shabir–Shahverdi–Wang
    theorem (docs/math.md §5)."""
    d = architecture.widths
    if not 1 <= k < d[0]:
        raise ValueError(f"Argument 'k' must satisfy 1 ≤ k < d_0 = {d[0]}, got {k!r}.")
    small = architecture.with_widths((k,) + tuple(d[1:]))
    D = architecture.total_degree
    return upper_bound(small).value + (d[0] - k) * min(d[1], d[-1] * comb(D + k - 2, k - 1))


@dataclass(frozen=True)
class KnownDegreeBounds(Result):
    """Degrees r from which the literature proves, for σ = z^r, that dφ is rank-deficient exactly at
    subnetworks (docs/math.md §3, §5); k = ``largest_width``, the largest hidden width (reading: the k
    pre-activations of one layer whose r-th powers must be independent).  Each field is the smallest r the
    theorem covers: Newman–Slater r > k(k − 2), Crăciun r > max{k·C(k − 1, 2), 2}, Usevich et al.
    r ≥ 2 d_ℓ − 1 for every hidden width d_ℓ.  Proven statements, so ``certified`` is always True."""

    largest_width: int
    newman_slater: int
    craciun: int
    usevich: int
    certified: bool = True

    def to_dict(self) -> dict:
        return {"largest_width": self.largest_width, "newman_slater": self.newman_slater, "craciun": self.craciun,
                "usevich": self.usevich, "certified": self.certified}

    def summary(self) -> str:
        return (f"known sufficient degrees (k = largest hidden width = {self.largest_width}): Newman–Slater "
                f"r ≥ {self.newman_slater}, Crăciun r ≥ {self.craciun}, Usevich et al. r ≥ {self.usevich}")


def known_degree_bounds(architecture) -> KnownDegreeBounds:
    """The sufficient degrees of :class:`KnownDegreeBounds` for ``architecture``'s hidden widths."""
    architecture = check_architecture(architecture)
    hidden = architecture.widths[1:-1]
    k = max(hidden) if hidden else 1
    return KnownDegreeBounds(k, k * (k - 2) + 1, max(k * comb(k - 1, 2), 2) + 1,
                             max(2 * d - 1 for d in hidden) if hidden else 1)
