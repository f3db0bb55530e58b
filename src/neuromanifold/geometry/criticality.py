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
* **Exact kernel, certified.**  When ρ = rank_{F_p} J < dim V the lower bound alone proves nothing.  The
  kernel of J mod p, in the canonical basis read off its reduced echelon form, is (for lucky random choices)
  the reduction of the canonical basis of ker dφ(W) over ℚ; rational reconstruction from one or more random
  primes gives candidate rational vectors v, and each is checked **exactly**: the directional derivative
  dφ(W)·v (forward mode, :func:`~neuromanifold.parametrization.directional_derivative`) vanishes at the
  :func:`~neuromanifold.geometry.point_kernel.unisolvent_inputs`, so it is the zero polynomial.  N − ρ independent verified vectors give
  rank dφ(W) ≤ ρ, hence = ρ; ρ < (a lower bound on dim V) is a **certified critical** point, and the
  verified vectors are the exact kernel (:func:`~neuromanifold.geometry.point_kernel.exact_kernel`).  Unlucky choices can only make the
  candidates fail the check, never pass it.
* **Exact rank, certified.**  Otherwise, the columns of dφ(W) are vectors of polynomials of total degree
  ≤ D in the inputs, and evaluation on :func:`~neuromanifold.geometry.point_kernel.unisolvent_inputs` is injective on those, so rank dφ(W) =
  rank over ℚ of the Jacobian there: computed exactly (FLINT's fraction-free rank over ℤ) when it is small
  (``exact_limit`` entries).
* **Otherwise probabilistic, with a proven bound.**  The projected evaluations are recomputed over ℚ at
  random integers of [0, S) (S = ``PROJECTED_RANGE``) and ranked exactly: ρ_ℚ ≤ rank dφ(W) always, and a
  (ρ_ℚ+1)-minor is a polynomial of degree ≤ (ρ_ℚ+1)(D+1) in (x, c), non-zero over ℚ if rank dφ(W) > ρ_ℚ, so
  (Schwartz–Zippel over ℚ) P(rank dφ(W) > ρ_ℚ) ≤ ((ρ_ℚ+1)(D+1)/S)^trials — a bound over the code's random
  draws only.  Beyond ``PROJECTED_LIMIT`` the mod-p answer is returned *without* an error bound (NaN, with
  ``note``): its Schwartz–Zippel value would also assume that no drawn prime divides the decisive minor.

Float weights get the singular values of the Float64 Jacobian and a *numerical* rank (never certified).

Symmetry directions (docs/math.md §2): for monomial σ_ℓ = a z^r, neuron i of hidden layer ℓ has the
tangent vector s = (row_i in W_ℓ (and b_ℓ), −r·col_i in W_{ℓ+1}) of the rescaling orbit, and s ∈ ker dφ(W);
with biases likewise for σ_ℓ = a (z − c)^r + d (see :func:`symmetry_directions`).
The **extra kernel** is a complement of their span inside ker dφ(W): the directions that make W
critical when dim V = N − (number of rescalings).
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field, replace
from fractions import Fraction

import numpy as np

from ..architectures import Parameters
from ..limits import check_count, check_prime, check_seed, check_tolerance
from ..parametrization import Float64, PrimeField, Rationals, integer_rows, jacobian, point_primes
from ..randomness import stream
from ..results import Known, Result
from .bounds import upper_bound
from .point_kernel import VERIFY_LIMIT, exact_kernel, unisolvent_inputs
from .rank import nullspace_mod_p, rank_mod_p

__all__ = ["PointRank", "rank_at_point", "is_critical", "symmetry_directions", "generic_rank"]

#: Largest (rows × N) of the exact grid Jacobian computed over ℚ.
EXACT_LIMIT = 60_000
#: Further random primes :func:`~neuromanifold.geometry.point_kernel.exact_kernel` may draw when reconstruction has not stabilised.
KERNEL_PRIMES = 3
#: Largest (rows × N) of the projected evaluations ranked over ℚ when both exact routes are too large.
PROJECTED_LIMIT = 400_000
#: Random integer inputs and projections of that route are drawn from [0, PROJECTED_RANGE).
PROJECTED_RANGE = 2**24


def generic_rank(architecture):
    """dim V = the generic rank of dφ, with its certificate (a cached
    :class:`~neuromanifold.geometry.DimensionResult`)."""
    from .dimension import cached_dimension

    return cached_dimension(architecture)


@dataclass(frozen=True)
class PointRank(Result):
    """rank dφ(W) at one point and how it is known.

    W is critical for φ iff rank dφ(W) < dim V (docs/math.md §5; compared with the generic rank, not with N: the
    rescalings always give a kernel of dimension ≥ Σ hidden widths).

    Float points (``method == "float"``) carry ``singular_values`` and ``gap`` = σ_ρ/σ_{ρ+1} (how clear the
    numerical rank ρ is) and no error bound (``error_bound`` is NaN, ``null`` in :meth:`to_dict`); certify
    them at an exact point nearby (:func:`~neuromanifold.geometry.proximity.exact_point`).

    ``method`` is ``"exact-kernel"`` (a rank over F_p matched by N − rank kernel vectors proven over ℚ, see
    :func:`~neuromanifold.geometry.point_kernel.exact_kernel`), ``"exact"`` (rank over ℚ at unisolvent inputs), ``"mod-p"`` (a lower bound from
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
    gap: float | None = None
    note: str = ""

    @property
    def deficiency(self) -> int:
        """generic rank − rank dφ(W) (0 at non-critical points)."""
        return self.generic_rank - self.rank

    @property
    def known(self) -> Known:
        """How ``critical`` is known: certified, probabilistic with ``error_bound``, or (mod-p ranks too large
        for an exact check, or float weights) unproven."""
        return Known.from_certificate(self.certified, self.error_bound, self.method)

    def to_dict(self) -> dict:
        out = {
            "rank": self.rank,
            "generic_rank": self.generic_rank,
            "critical": self.critical,
            "method": self.method,
            "certified": self.certified,
            "error_bound": self.error_bound if self.error_bound == self.error_bound else None,
            "known": self.known.to_dict(),
            "prime": self.prime,
            "primes": list(self.primes),
            "kernel_dimension": self.kernel_dimension,
            "symmetry_rank": self.symmetry_rank,
            "extra_kernel_dimension": int(self.extra_kernel.shape[1]),
            "note": self.note or None,
        }
        if self.singular_values:
            out["singular_values"] = list(self.singular_values)
            out["singular_value_gap"] = self.gap
        return out

    def summary(self) -> str:
        if self.method == "float":
            gap = "full rank" if self.gap is None or self.gap == float("inf") else f"σ_ρ/σ_ρ+1 = {self.gap:.1e}"
            how = f"numerical, not certified: singular-value gap {gap}"
        elif self.error_bound != self.error_bound:
            how = f"undecided: {self.note}"
        else:
            how = "certified" if self.certified else f"probabilistic, error ≤ {self.error_bound:.1e}"
        verdict = "CRITICAL" if self.critical else "not critical"
        return (f"rank dφ(W) = {self.rank} ({self.method}), generic rank {self.generic_rank}: {verdict} ({how}); "
                f"kernel {self.kernel_dimension} = {self.symmetry_rank} rescaling directions + "
                f"{self.extra_kernel.shape[1]} extra")


def symmetry_directions(params) -> np.ndarray:
    """The N × (number of rescalable hidden neurons) matrix of rescaling tangents at W (module docstring).

    σ = a z^r: (row_i, b_i) ↦ t·(row_i, b_i), col_i ↦ t^{−r} col_i.  With biases also σ = a (z − c)^r + d
    (:func:`~neuromanifold.geometry.bounds.rescalable`): b_i ↦ t(b_i − c) + c and b_{ℓ+1} absorbs the constant
    col_i·d·(t^{−r} − 1), so the tangent at t = 1 is (row_i, b_i − c, −r·col_i, r·d·col_i in b_{ℓ+1})."""
    from .bounds import rescalable

    arch = params.architecture
    theta = params.flatten()
    cols = []
    for ell in range(1, arch.depth):
        act = arch.activations[ell - 1]
        if not rescalable(act, arch.bias):
            continue
        r = act.degree
        c = Fraction(0) if act.is_monomial else -act.coeffs[r - 1] / (r * act.coeffs[r])
        d = Fraction(0) if act.is_monomial else act(c)
        exact_shift = theta.dtype == np.int64 and not act.is_monomial  # c, d may be non-integer rationals
        for i in range(arch.layers[ell - 1].out_dim):
            s = np.zeros(arch.n_params, dtype=object if exact_shift else theta.dtype)
            idx_in = list(arch.neuron_coordinates(ell, i, "in"))  # row_i and b_i
            s[idx_in] = theta[idx_in]
            if arch.bias and c != 0:
                b = arch.bias_coordinates(ell)[i]
                s[b] = _shift(theta[b], c)
            idx_out = list(arch.neuron_coordinates(ell, i, "out"))  # col_i, by output neuron
            s[idx_out] = -r * theta[idx_out]
            if arch.bias and d != 0:
                s[list(arch.bias_coordinates(ell + 1))] = [_scale(v, r * d) for v in theta[idx_out]]
            cols.append(s)
    if not cols:
        return np.zeros((arch.n_params, 0), dtype=theta.dtype)
    return np.stack(cols, axis=1)


def _shift(value, c):
    """value − c, in floats for float points and exactly otherwise."""
    return float(value) - float(c) if isinstance(value, (float, np.floating)) else value - c


def _scale(value, factor):
    return float(value) * float(factor) if isinstance(value, (float, np.floating)) else value * factor


def _check(params):
    if not isinstance(params, Parameters):
        raise TypeError(f"Argument 'params' must be a Parameters, not {type(params).__name__}.")


def _exact_matrix(params):
    """The Jacobian over ℚ at :func:`~neuromanifold.geometry.point_kernel.unisolvent_inputs`."""
    arch = params.architecture
    return jacobian(arch, params, unisolvent_inputs(arch).astype(object), Rationals())


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


def rank_at_point(params, prime: int | PrimeField | None = None, seed: int = 0, trials: int = 2,
                  exact_limit: int = EXACT_LIMIT, tol: float = 1e-8, kernel: bool = True,
                  verify_limit: int = VERIFY_LIMIT) -> PointRank:
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
        Compute the rank over ℚ at :func:`~neuromanifold.geometry.point_kernel.unisolvent_inputs` when (rows × N) ≤ this.
    verify_limit:
        Try the exact kernel certificate (:func:`~neuromanifold.geometry.point_kernel.exact_kernel`) when (unisolvent inputs × kernel vectors × N)
        ≤ this (``0``: never).
    tol:
        Float weights only: singular values ≤ tol · σ_max count as zero.
    kernel:
        Compute the extra kernel (``False``: an empty basis, faster — used by scans).

    See the module docstring for how each answer is certified.
    """
    prime = check_prime(prime)
    _check(params)
    seed = check_seed(seed)
    tol = check_tolerance(tol)
    if tol >= 1:
        raise ValueError(f"Argument 'tol' is relative to the largest singular value and must be < 1, got {tol!r}.")
    arch = params.architecture
    start = time.perf_counter()
    if params.kind == "float":  # checked before any work: the float route ranks 2U rows (the exact one U, in dimension)
        from .dimension import MAX_JACOBIAN_ENTRIES

        rows = 2 * max(1, upper_bound(arch).value)
        if rows * arch.n_params > MAX_JACOBIAN_ENTRIES:
            raise ValueError(f"Argument 'params': the float Jacobian would have {rows} × {arch.n_params} entries "
                             f"(limit {MAX_JACOBIAN_ENTRIES} (MAX_JACOBIAN_ENTRIES)); pass exact weights or a smaller "
                             "network.")
    gen = generic_rank(arch)
    g = gen.dimension
    if params.kind == "float":
        return _float_rank(params, gen, seed, tol, start)
    check_count(trials, "trials", "MAX_TRIALS")
    prime_given = prime
    if prime is None:
        primes = point_primes(params, seed, count=trials)
    else:
        reason = PrimeField(prime).unfaithful(list(params.weights) + list(params.biases or ()))
        if reason is not None:
            raise ValueError(f"Argument 'prime': the point does not reduce faithfully ({reason}).")
        primes = (prime,) * trials
    U = max(1, upper_bound(arch).value)

    def projected(t, p):  # the R × N matrix J of projected evaluations at draw t, over F_p
        ns = PrimeField(p)
        rng = stream(seed, "criticality.projected", t)
        X = ns.random(rng, (U, arch.input_dim))
        C = ns.random(rng, (U, arch.output_dim))
        return jacobian(arch, params, X, ns, projections=C)

    best, J_best, used, drawn = -1, None, [], []
    for t, p in enumerate(primes):
        J = projected(t, p)
        rho = rank_mod_p(J, p)
        used.append(p)
        drawn.append((p, J, rho))
        if rho > best:
            best, J_best, prime = rho, J, p
        if best >= g:
            break
    sym = symmetry_directions(params)
    rows = unisolvent_inputs(arch).shape[0] * arch.output_dim
    empty = (np.zeros((arch.n_params, 0), dtype=np.int64), 0)
    if best >= g:  # rank dφ(W) ≥ g and ≤ dim V: equal to dim V when g is certified
        return _result(arch, g, g, False, "mod-p", gen.certified, gen.error_bound, prime,
                       _mod_p_extra(J_best, sym, prime) if kernel else empty, start, used)
    if verify_limit > 0:
        more = [] if prime_given is not None else [
            (p, lambda t=len(primes) + i, p=p: projected(t, p))
            for i, p in enumerate(point_primes(params, seed, count=KERNEL_PRIMES, stream=3))]
        K, kernel_primes = exact_kernel(params, [(p, J) for p, J, rho in drawn if rho == best], more,
                                        limit=verify_limit)
        if K is not None:  # N − ρ independent exact kernel vectors: rank dφ(W) ≤ ρ ≤ rank dφ(W), ρ < g ≤ dim V
            used += [p for p in kernel_primes if p not in used]
            extra = _exact_extra(K, sym) if kernel else empty
            return _result(arch, best, g, True, "exact-kernel", True, 0.0, None, extra, start, used)
    if rows * arch.n_params <= exact_limit:
        M = _exact_matrix(params)
        q = Rationals()
        rank = q.rank(M)
        if not kernel:
            critical = rank < g
            return _result(arch, rank, g, critical, "exact", critical or gen.certified,
                           0.0 if critical else gen.error_bound, None, empty, start)
        K = q.nullspace(M)[1]
        # rank < g ≤ dim V proves criticality; rank = g is non-critical only if g is certified
        critical = rank < g
        certified = critical or gen.certified
        return _result(arch, rank, g, critical, "exact", certified, 0.0 if critical else gen.error_bound,
                       None, _exact_extra(K, sym), start)
    D = arch.total_degree
    if U * arch.n_params <= PROJECTED_LIMIT:
        # projected evaluations over ℚ at random integers of [0, S): Schwartz–Zippel over ℚ bounds the miss
        # probability by the random choices alone, with no assumption on any prime (docs/criticality.md)
        ranks = []
        for t in range(trials):
            rng = stream(seed, "criticality.exact_ranks", t)
            X = rng.integers(0, PROJECTED_RANGE, (U, arch.input_dim)).astype(object)
            C = rng.integers(0, PROJECTED_RANGE, (U, arch.output_dim)).astype(object)
            ns = Rationals()
            J = jacobian(arch, ns.asarray(params.flatten()), X, ns, projections=C)
            ranks.append(ns.rank(J))
            if max(ranks) >= g:
                break
        rho = max(ranks)
        if rho >= g:  # a rank over ℚ of evaluations is a lower bound on rank dφ(W): a proof
            return _result(arch, g, g, False, "exact-projected", gen.certified, gen.error_bound, prime,
                           _mod_p_extra(J_best, sym, prime) if kernel else empty, start, used)
        err = min(1.0, ((rho + 1) * (D + 1) / PROJECTED_RANGE) ** len(ranks))
        return _result(arch, rho, g, True, "exact-projected", False, err, prime,
                       _mod_p_extra(J_best, sym, prime) if kernel and rho == best else empty, start, used)
    # too large for every exact route: the Schwartz–Zippel value below also assumes that no drawn prime divides
    # every coefficient of the decisive minor, which is not proven — so no error bound is claimed
    err = min(1.0, float(np.prod([(best + 1) * (D + 1) / p for p in used])))
    res = _result(arch, best, g, True, "mod-p", False, float("nan"), prime,
                  _mod_p_extra(J_best, sym, prime) if kernel else empty, start, used)
    return replace(res, note=(f"too large for exact checks; error ≤ {err:.1e} only if no drawn prime divides every "
                              "coefficient of the decisive minor (not proven), so no bound is claimed"))


def _exact_extra(K: np.ndarray, sym: np.ndarray):
    """(extra kernel, rank of the rescalings) from an exact integer kernel basis K (columns)."""
    sym_z = _integer_columns(sym)
    rank_q = Rationals().rank
    extra = _complement([K[:, j] for j in range(K.shape[1])], sym_z, rank_q)
    ker = np.stack(extra, axis=1) if extra else np.zeros((K.shape[0], 0), dtype=object)
    return ker, rank_q(sym_z) if sym.size else 0


def _integer_columns(sym: np.ndarray) -> np.ndarray:
    """Each rescaling tangent (a column with rational entries) scaled to an integer vector."""
    if sym.size == 0:
        return sym
    return np.array(integer_rows(sym.T), dtype=object).T


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
    rng = stream(seed, "criticality.kernel")
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
    # the rescaling directions *inside* the numerical kernel, then an orthonormal complement of them there,
    # so that kernel dimension = symmetry_rank + extra holds by construction
    sym_rank, extra = 0, kernel
    if sym.size and kernel.size:
        inside = kernel @ (kernel.T @ sym)
        u, sv, _ = np.linalg.svd(inside, full_matrices=False)
        sym_rank = int(np.sum(sv > 1e-6 * max(float(np.linalg.norm(sym)), 1e-300)))
        coords = kernel.T @ u[:, :sym_rank]  # the symmetric part in kernel coordinates
        q, _ = np.linalg.qr(coords, mode="complete")
        extra = kernel @ q[:, sym_rank:]
    g = gen.dimension
    gap = float(s_full[rank - 1] / s_full[rank]) if 0 < rank < s_full.size and s_full[rank] > 0 else float("inf")
    return PointRank(arch, rank, g, rank < g, "float", False, float("nan"), None, arch.n_params - rank,
                     sym_rank, extra, tuple(float(v) for v in s_full), time.perf_counter() - start, (), gap)


def is_critical(params, **kwargs) -> bool:
    """Shorthand for ``rank_at_point(params, **kwargs).critical``."""
    return rank_at_point(params, **kwargs).critical
