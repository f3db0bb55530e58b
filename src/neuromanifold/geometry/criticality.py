"""The rank of dφ at a parameter point, criticality, and the kernel beyond the rescalings.

docs/math.md §5: W is **critical** for φ: W ↦ f_W when rank dφ(W) < dim V, the generic rank (not N: the
rescalings of monomial hidden neurons always lie in the kernel).

How the rank at W is known (for integer or rational W):

* **Lower bound, certified.**  Pick R ≥ (proven upper bound on dim V) random inputs x_i and output
  directions c_i over F_p and take the R × N matrix J with rows ∇_θ⟨c_i, f_θ(x_i)⟩ at θ = W
  (:func:`~neuromanifold.parametrization.jacobian`).  J = (evaluation functionals) ∘ dφ(W), and its
  entries are the reductions mod p of rationals, so

      rank_{F_p} J  ≤  rank_ℚ J  ≤  rank dφ(W)  ≤  generic rank = dim V.

  If rank_{F_p} J equals a *certified* dim V, W is **certified non-critical**.
* **Exact rank, certified.**  When rank_{F_p} J < dim V the lower bound alone proves nothing.  The
  columns of dφ(W) are vectors of polynomials of degree ≤ D in each input variable, and evaluation on
  the grid {0, …, D}^{d_0} is injective on those, so rank dφ(W) = rank over ℚ of the Jacobian at the
  grid: computed exactly (Fractions, then FLINT's fraction-free rank over ℤ) when the grid is small
  (``exact_limit`` entries).  Then rank dφ(W) < (a lower bound on dim V) is a **certified critical**
  point; the integer kernel of that matrix is the exact kernel of dφ(W).
* **Otherwise probabilistic.**  A (ρ+1)-minor of J is a polynomial in (x, c) of degree ≤ (ρ+1)(D+1);
  if it is non-zero it vanishes at the random point with probability ≤ (ρ+1)(D+1)/p (Schwartz–Zippel),
  so P(rank dφ(W) > ρ) ≤ ((ρ+1)(D+1)/p)^trials (under the standing assumption that p does not divide
  every coefficient of the minor, as in :func:`~neuromanifold.geometry.rank.schwartz_zippel`).

Float weights get the singular values of the Float64 Jacobian and a *numerical* rank (never certified).

Symmetry directions (docs/math.md §2): for monomial σ_ℓ = a z^r, neuron i of hidden layer ℓ has the
tangent vector s = (row_i in W_ℓ (and b_ℓ), −r·col_i in W_{ℓ+1}) of the rescaling orbit, and s ∈ ker dφ(W).
The **extra kernel** is a complement of their span inside ker dφ(W): the directions that make W
critical when dim V = N − (number of rescalings).
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from fractions import Fraction
from functools import lru_cache
from math import lcm

import numpy as np

from ..architectures import Parameters
from ..limits import check_count
from ..parametrization import Float64, PrimeField, jacobian, point_primes
from ..parametrization.rationals import Rationals
from ..results import Result
from .bounds import upper_bound
from .rank import nullspace_mod_p, rank_mod_p

__all__ = ["PointRank", "rank_at_point", "is_critical", "symmetry_directions", "generic_rank"]

#: Largest (rows × N) of the exact grid Jacobian computed over ℚ.
EXACT_LIMIT = 60_000


@lru_cache(maxsize=512)
def _generic(arch):
    from .dimension import dimension

    return dimension(arch)


def generic_rank(architecture):
    """dim V = the generic rank of dφ, with its certificate (a cached
    :class:`~neuromanifold.geometry.DimensionResult`)."""
    return _generic(architecture)


@dataclass(frozen=True)
class PointRank(Result):
    """rank dφ(W) at one point and how it is known.

    W is critical for φ iff rank dφ(W) < dim V (docs/math.md §5; compared with the generic rank, not with N: the
    rescalings always give a kernel of dimension ≥ Σ hidden widths).

    ``method`` is ``"exact"`` (rank over ℚ on a unisolvent grid), ``"mod-p"`` (a lower bound from
    random projected evaluations) or ``"float"`` (numerical rank from singular values).  ``certified``
    says whether ``critical`` is proven; otherwise ``error_bound`` bounds the probability that the
    verdict is wrong.  ``extra_kernel`` holds (as columns) a basis of ker dφ(W) modulo the rescaling
    directions: exact integers (``exact``), residues in (−p/2, p/2] (``mod-p``) or floats."""

    architecture: object
    rank: int
    generic_rank: int
    critical: bool
    method: str
    certified: bool
    error_bound: float
    prime: int | None
    kernel_dimension: int
    symmetry_rank: int
    extra_kernel: np.ndarray = field(repr=False)
    singular_values: tuple[float, ...] = ()
    seconds: float = 0.0
    primes: tuple[int, ...] = ()

    @property
    def deficiency(self) -> int:
        """generic rank − rank dφ(W) (0 at non-critical points)."""
        return self.generic_rank - self.rank

    def to_dict(self) -> dict:
        out = {
            "rank": self.rank,
            "generic_rank": self.generic_rank,
            "critical": self.critical,
            "method": self.method,
            "certified": self.certified,
            "error_bound": self.error_bound,
            "prime": self.prime,
            "primes": list(self.primes),
            "kernel_dimension": self.kernel_dimension,
            "symmetry_rank": self.symmetry_rank,
            "extra_kernel_dimension": int(self.extra_kernel.shape[1]),
        }
        if self.singular_values:
            out["singular_values"] = list(self.singular_values)
        return out

    def summary(self) -> str:
        how = "certified" if self.certified else f"probabilistic, error ≤ {self.error_bound:.1e}"
        verdict = "CRITICAL" if self.critical else "not critical"
        return (f"rank dφ(W) = {self.rank} ({self.method}), generic rank {self.generic_rank}: {verdict} ({how}); "
                f"kernel {self.kernel_dimension} = {self.symmetry_rank} rescaling directions + "
                f"{self.extra_kernel.shape[1]} extra")


def symmetry_directions(params) -> np.ndarray:
    """The N × (number of monomial hidden neurons) matrix of rescaling tangents at W (module docstring)."""
    arch = params.architecture
    theta = params.flatten()
    offsets = np.cumsum([0] + [layer.n_params for layer in arch.layers])
    cols = []
    for ell in range(1, arch.depth):
        act = arch.activations[ell - 1]
        if not act.is_monomial:
            continue
        lin, lout = arch.layers[ell - 1], arch.layers[ell]
        for i in range(lin.out_dim):
            s = np.zeros(arch.n_params, dtype=theta.dtype)
            idx_in = lin.index[i][lin.index[i] >= 0] + offsets[ell - 1]
            s[idx_in] = theta[idx_in]
            idx_out = lout.index[:, i][lout.index[:, i] >= 0] + offsets[ell]
            s[idx_out] = -act.degree * theta[idx_out]
            cols.append(s)
    if not cols:
        return np.zeros((arch.n_params, 0), dtype=theta.dtype)
    return np.stack(cols, axis=1)


def _check(params):
    if not isinstance(params, Parameters):
        raise TypeError(f"Argument 'params' must be a Parameters, not {type(params).__name__}.")


def _grid(arch) -> np.ndarray:
    """{0, …, D}^{d_0}: unisolvent for polynomials of degree ≤ D in each variable."""
    D, d0 = arch.total_degree, arch.input_dim
    axes = [np.arange(D + 1)] * d0
    return np.stack(np.meshgrid(*axes, indexing="ij"), axis=-1).reshape(-1, d0)


class _ExactObjects(Rationals):
    """ℚ on object arrays, holding integers as Python ints (much faster than Fraction) and only
    non-integers as Fractions; arithmetic is exact either way."""

    def asarray(self, values):
        arr = super().asarray(values)
        flat = [int(v) if v.denominator == 1 else v for v in arr.ravel()]
        out = np.empty(len(flat), dtype=object)
        out[:] = flat
        return out.reshape(arr.shape)

    def zeros(self, shape):
        out = np.empty(shape, dtype=object)
        out[...] = 0
        return out


def _exact_matrix(params):
    """The Jacobian at the grid over ℚ with each row scaled to integers, as a FLINT fmpz_mat."""
    import flint

    arch = params.architecture
    J = jacobian(arch, params, _grid(arch).astype(object), _ExactObjects())
    rows = []
    for row in J:
        den = lcm(*[Fraction(v).denominator for v in row]) if len(row) else 1
        rows.append([int(Fraction(v) * den) for v in row])
    return flint.fmpz_mat(rows)


def _complement(kernel_cols: list, sym: np.ndarray, rank_fn) -> list:
    """Kernel vectors that extend span(sym) one dimension at a time."""
    chosen = [sym[:, j] for j in range(sym.shape[1])]
    base = rank_fn(np.stack(chosen, axis=1)) if chosen else 0
    extra = []
    for v in kernel_cols:
        trial = rank_fn(np.stack(chosen + [v], axis=1))
        if trial > base:
            chosen.append(v)
            extra.append(v)
            base = trial
    return extra


def rank_at_point(params, prime: int | None = None, seed: int = 0, trials: int = 2,
                  exact_limit: int = EXACT_LIMIT, tol: float = 1e-8, kernel: bool = True) -> PointRank:
    """rank dφ(W), whether W is critical (rank < dim V, docs/math.md §5), and the extra kernel.

    Parameters
    ----------
    params:
        The point W (:class:`~neuromanifold.Parameters`; integer, rational or float).
    prime, seed, trials:
        The randomness of the projected evaluations: ``trials`` independent draws, each at its own random
        prime in [2^30, 2^31) at which W reduces faithfully (:func:`~neuromanifold.parametrization.point_primes`;
        no input can target a prime it cannot know), or always at ``prime`` when one is given (refused
        when W is not faithful modulo it).
    exact_limit:
        Compute the rank over ℚ on the grid {0..D}^{d_0} when (grid rows × N) ≤ this.
    tol:
        Float weights only: singular values ≤ tol · σ_max count as zero.
    kernel:
        Compute the extra kernel (``False``: an empty basis, faster — used by scans).

    See the module docstring for how each answer is certified.
    """
    _check(params)
    arch = params.architecture
    start = time.perf_counter()
    gen = _generic(arch)
    g = gen.dimension
    if params.kind == "float":
        return _float_rank(params, gen, seed, tol, start)
    check_count(trials, "trials", "MAX_TRIALS")
    if prime is None:
        primes = point_primes(params, seed, count=trials)
    else:
        reason = PrimeField(prime).unfaithful(list(params.weights) + list(params.biases or ()))
        if reason is not None:
            raise ValueError(f"Argument 'prime': the point does not reduce faithfully ({reason}).")
        primes = (prime,) * trials
    U = max(1, upper_bound(arch).value)
    best, J_best, used = -1, None, []
    for t, p in enumerate(primes):
        ns = PrimeField(p)
        rng = np.random.default_rng([seed, t, 7])
        X = ns.random(rng, (U, arch.input_dim))
        C = ns.random(rng, (U, arch.output_dim))
        J = jacobian(arch, params, X, ns, projections=C)
        rho = rank_mod_p(J, p)
        used.append(p)
        if rho > best:
            best, J_best, prime = rho, J, p
        if best >= g:
            break
    sym = symmetry_directions(params)
    rows = _grid(arch).shape[0] * arch.output_dim
    empty = (np.zeros((arch.n_params, 0), dtype=np.int64), 0)
    if best >= g:  # rank dφ(W) ≥ g and ≤ dim V: equal to dim V when g is certified
        return _result(arch, g, g, False, "mod-p", gen.certified, gen.error_bound, prime,
                       _mod_p_extra(J_best, sym, prime) if kernel else empty, start, used)
    if rows * arch.n_params <= exact_limit:
        M = _exact_matrix(params)
        rank = M.rank()
        if not kernel:
            critical = rank < g
            return _result(arch, rank, g, critical, "exact", critical or gen.certified,
                           0.0 if critical else gen.error_bound, None, empty, start)
        basis, nullity = M.nullspace()
        kernel = [np.array([int(basis[i, j]) for i in range(arch.n_params)], dtype=object) for j in range(nullity)]
        import flint

        def rank_q(A):
            return flint.fmpz_mat([[int(x) for x in row] for row in A]).rank()

        sym_z = _integer_columns(sym)
        extra = _complement(kernel, sym_z, rank_q)
        ker = np.stack(extra, axis=1) if extra else np.zeros((arch.n_params, 0), dtype=object)
        # rank < g ≤ dim V proves criticality; rank = g is non-critical only if g is certified
        critical = rank < g
        certified = critical or gen.certified
        return _result(arch, rank, g, critical, "exact", certified, 0.0 if critical else gen.error_bound,
                       None, (ker, rank_q(sym_z) if sym.size else 0), start)
    D = arch.total_degree
    err = min(1.0, float(np.prod([(best + 1) * (D + 1) / p for p in used])))
    return _result(arch, best, g, True, "mod-p", False, err, prime,
                   _mod_p_extra(J_best, sym, prime) if kernel else empty, start, used)


def _integer_columns(sym: np.ndarray) -> np.ndarray:
    """Scale each rescaling tangent (rational entries) to an integer vector."""
    if sym.size == 0:
        return sym
    out = np.empty(sym.shape, dtype=object)
    for j in range(sym.shape[1]):
        col = [Fraction(v) for v in sym[:, j]]
        den = lcm(*[c.denominator for c in col])
        out[:, j] = [int(c * den) for c in col]
    return out


def _mod_p_extra(J, sym, p):
    ns = PrimeField(p)
    K = nullspace_mod_p(J, p)
    S = ns.asarray(sym) if sym.size else np.zeros((J.shape[1], 0), dtype=np.int64)
    extra = _complement([K[:, j] for j in range(K.shape[1])], S, lambda A: rank_mod_p(A, p))
    ker = np.stack([ns.to_signed(v) for v in extra], axis=1) if extra else np.zeros((J.shape[1], 0), dtype=np.int64)
    return ker, rank_mod_p(S, p) if S.size else 0


def _result(arch, rank, g, critical, method, certified, err, prime, extra, start, primes=()):
    ker, sym_rank = extra
    return PointRank(arch, int(rank), g, bool(critical), method, bool(certified), float(0.0 if certified else err),
                     prime, arch.n_params - int(rank), int(sym_rank), ker, (), time.perf_counter() - start,
                     tuple(int(p) for p in primes))


def _float_rank(params, gen, seed, tol, start):
    arch = params.architecture
    ns = Float64()
    U = max(1, upper_bound(arch).value)
    rng = np.random.default_rng([seed, 11])
    X = rng.standard_normal((2 * U, arch.input_dim))
    C = rng.standard_normal((2 * U, arch.output_dim))
    with np.errstate(over="ignore", invalid="ignore"):
        J = jacobian(arch, params, X, ns, projections=C)
    if not np.all(np.isfinite(J)):
        raise ValueError("Argument 'params': the Jacobian at these float weights overflows float64; "
                         "rescale the weights or pass them as exact integers/rationals.")
    _, s, Vt = np.linalg.svd(J)
    s_full = np.concatenate([s, np.zeros(arch.n_params - s.size)]) if s.size < arch.n_params else s
    cutoff = tol * (s_full[0] if s_full.size and s_full[0] > 0 else 1.0)
    rank = int(np.sum(s_full > cutoff))
    kernel = Vt[rank:].T if rank < Vt.shape[0] else np.zeros((arch.n_params, 0))
    sym = symmetry_directions(params).astype(float)
    sym_rank = int(np.linalg.matrix_rank(sym, tol=tol * max(1.0, np.linalg.norm(sym)))) if sym.size else 0
    if sym.size and kernel.size:
        Q, _ = np.linalg.qr(sym)
        Q = Q[:, :sym_rank] if sym_rank else Q[:, :0]
        rest = kernel - Q @ (Q.T @ kernel)
        u, sv, _ = np.linalg.svd(rest, full_matrices=False)
        extra = u[:, sv > 1e-6]
    else:
        extra = kernel
    g = gen.dimension
    return PointRank(arch, rank, g, rank < g, "float", False, float("nan"), None, arch.n_params - rank,
                     sym_rank, extra, tuple(float(v) for v in s_full), time.perf_counter() - start)


def is_critical(params, **kwargs) -> bool:
    """Shorthand for ``rank_at_point(params, **kwargs).critical``."""
    return rank_at_point(params, **kwargs).critical
