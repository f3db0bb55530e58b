"""The degree of a neurovariety V, and how it is known (docs/equations.md#degree).

V is a cone (the last layer is linear in (W_L, b_L)), so deg V is the degree of the projective variety ℙV: the
number of points of V ∩ L for a generic affine-linear space L of codimension n = dim V not through 0.  In order:

* **fills** — dim V = A certified: deg V = 1.
* **formula** (proven) —
  - CNN with σ = z^r and no bias: deg V = (|k| − L)! Π_j r^{(L−j−1)(k_j−1)} / (k_j − 1)! [SMK25];
  - linear MLP (σ = z, no bias): V = {M ∈ K^{m×n} : rank M ≤ ρ}, ρ = min hidden width, and
    deg V = Π_{i=0}^{n−ρ−1} i!(m+i)! / ((ρ+i)!(m−ρ+i)!)  (Giambelli–Thom–Porteous; Harris, *Algebraic Geometry*,
    Ex. 19.10), m = d_L, n = d_0;
  - shallow quadratic MLP (d, h, 1), σ = z², no bias: f = Σ a_i (w_i·x)² is a quadratic form of rank ≤ h and every
    such form is one (over ℂ), so V ≅ {symmetric d×d of rank ≤ h} and
    deg V = Π_{α=0}^{d−h−1} C(d+α, d−h−α) / C(2α+1, α)  (Harris–Tu 1984).
* **hypersurface** — dim V = A − 1 certified and the interpolated ideal has its lowest-degree generator F:
  deg V = deg F (:func:`~neuromanifold.geometry.equations.vanishing_ideal`).
* **hilbert** — the Hilbert function up to ``max_degree`` fits a polynomial of degree n − 1: evidence only.
* **count** (probabilistic) — solve φ(θ) ∈ L over F_p in Singular.  With θ restricted to a random affine space
  M = θ_0 + B·u of dimension n (u ∈ K^n: it meets each (N − n)-dimensional fibre in deg(fibre) points), the system
  λ_i(c(θ_0 + B u)) = δ_{in} (λ_i random linear forms, i = 1..n) is square in u and has deg V · e solutions, e the
  degree of a generic fibre; e is the number of solutions of c(θ_0' + B' u) = c(θ*) for a random θ*.  Both counts
  are vdim of a zero-dimensional Gröbner basis (solutions with multiplicity over the algebraic closure of F_p).
  Random choices avoid a proper subvariety of bad choices; no bound on its degree is proven here, so a count is
  reported as probabilistic (two independent draws over different primes must agree), never as certified.
"""

from __future__ import annotations

import itertools
import math
import time
from dataclasses import dataclass
from fractions import Fraction
from math import comb, factorial

import numpy as np

from ..architectures.cnn import check_cnn
from ..limits import check_prime
from ..parametrization import DEFAULT_PRIME, PrimeField, evaluate, random_functionals
from ..randomness import stream
from ..results import Result
from .dimension import dimension
from .rank import rank_mod_p

__all__ = ["DegreeResult", "variety_degree", "determinantal_degree", "symmetric_determinantal_degree",
           "degree_formula", "hilbert_degree", "COUNT_LIMIT", "COUNT_TIMEOUT"]

#: Largest Bézout number (product of the degrees of the n equations in u) that the count hands to Singular.
COUNT_LIMIT = 20_000

#: Seconds all Singular runs of one count may take together before the degree is reported as undetermined.
COUNT_TIMEOUT = 60


@dataclass(frozen=True)
class DegreeResult(Result):
    """deg V (None if undetermined), the method (``fills``, ``formula``, ``hypersurface``, ``hilbert``, ``count``,
    ``undetermined``), whether it is ``certified`` (a theorem applied to a certified dimension), and the reason."""

    architecture: object
    degree: int | None
    method: str
    certified: bool
    reason: str
    seconds: float = 0.0
    hilbert_function: tuple[int, ...] = ()  # HF(1), HF(2), … when the degree was read off a Hilbert function

    def to_dict(self) -> dict:
        out = {"degree": self.degree, "degree_method": self.method, "degree_certified": self.certified,
               "degree_reason": self.reason}
        if self.hilbert_function:
            out["hilbert_function"] = list(self.hilbert_function)
        return out

    def summary(self) -> str:
        value = self.degree if self.degree is not None else "not determined"
        how = "certified" if self.certified else ("probabilistic" if self.method == "count" else self.method)
        return f"{self.architecture!r}: deg V = {value} ({how}; {self.reason})"


def determinantal_degree(m: int, n: int, rho: int) -> int:
    """deg {M ∈ K^{m×n} : rank M ≤ ρ} = Π_{i=0}^{n−ρ−1} i!(m+i)!/((ρ+i)!(m−ρ+i)!) (1 when ρ ≥ min(m, n))."""
    if rho >= min(m, n):
        return 1
    value = Fraction(1)
    for i in range(n - rho):
        value *= Fraction(factorial(i) * factorial(m + i), factorial(rho + i) * factorial(m - rho + i))
    return int(value)


def symmetric_determinantal_degree(d: int, h: int) -> int:
    """deg {S ∈ Sym²(K^d) : rank S ≤ h} = Π_{α=0}^{d−h−1} C(d+α, d−h−α)/C(2α+1, α) (Harris–Tu; 1 when h ≥ d)."""
    if h >= d:
        return 1
    value = Fraction(1)
    for a in range(d - h):
        value *= Fraction(comb(d + a, d - h - a), comb(2 * a + 1, a))
    return int(value)


def _formula(arch) -> tuple[int, str] | None:
    from ..architectures import CNN, MLP

    acts = list(arch.activations)
    if arch.bias or not all(a.is_monomial for a in acts):
        return None
    if isinstance(arch, CNN):
        if len({a.degree for a in acts}) <= 1:
            return degree_formula(arch), "CNN degree formula (Shahverdi–Marchetti–Kohn 2025)"
        return None
    if not isinstance(arch, MLP):
        return None
    widths = arch.widths
    if all(a.degree == 1 for a in acts):
        rho = min(widths[1:-1], default=min(widths[0], widths[-1]))
        return (determinantal_degree(widths[-1], widths[0], rho),
                f"linear network: matrices {widths[-1]}×{widths[0]} of rank ≤ {rho} (Giambelli–Thom–Porteous)")
    if len(widths) == 3 and widths[2] == 1 and acts[0].degree == 2:
        d, h = widths[0], widths[1]
        return (symmetric_determinantal_degree(d, h),
                f"quadratic forms in {d} variables of rank ≤ {h} (symmetric determinantal, Harris–Tu)")
    return None


def variety_degree(arch, dimension_result=None, ideal=None, seed: int = 0, count: bool = True,
                   method: str = "auto", timeout: float = COUNT_TIMEOUT) -> DegreeResult:
    """deg V with its provenance (module docstring).

    ``dimension_result``: a :class:`~neuromanifold.geometry.dimension.DimensionResult` of ``arch`` (computed when
    omitted); ``ideal``: an :class:`~neuromanifold.geometry.equations.IdealResult` for the hypersurface and
    Hilbert-function routes; ``count``: allow the Singular count when nothing proven applies (all its Singular
    runs together stopped after ``timeout`` seconds, then undetermined); ``method``: ``"auto"``
    (the order of the module docstring) or one of ``"formula"``, ``"count"`` to force a route (a forced route
    that does not apply is reported as undetermined)."""
    from ..limits import check_architecture, check_seed

    check_architecture(arch, "arch")
    check_seed(seed)
    if method not in ("auto", "formula", "count"):
        raise ValueError(f"Argument 'method' must be 'auto', 'formula' or 'count', not {method!r}.")
    start = time.perf_counter()
    dres = dimension_result if dimension_result is not None else dimension(arch, seed=seed)
    n, A = int(dres.dimension), int(arch.ambient_dimension)

    def done(degree, how, certified, reason):
        return DegreeResult(arch, degree, how, certified, reason, time.perf_counter() - start)

    if method == "auto" and dres.certified and n == A:
        return done(1, "fills", True, "V fills its ambient space (dimension certified)")
    if method in ("auto", "formula"):
        found = _formula(arch)
        if found is not None:
            return done(found[0], "formula", True, found[1])
        if method == "formula":
            return done(None, "undetermined", False, "no proven degree formula covers this architecture")
    if method == "auto" and ideal is not None:
        if dres.certified and n == A - 1 and ideal.generators:
            k = ideal.generator_degrees[0]
            return done(k, "hypersurface", False, f"hypersurface: I(V) = (F) with deg F = {k} (dim V = A − 1 "
                        "certified; F lifted to Q and verified at fresh points)")
        fitted = _hilbert_fit(ideal.hilbert_function, n)
        if fitted is not None:
            return done(fitted[0], "hilbert", False, fitted[1])
    if method == "count" or count:
        from .cas import singular_available

        if not singular_available():
            return done(None, "undetermined", False, "no proven formula applies and Singular (for the count) is not "
                        "installed: apt-get install singular")
        try:
            counted = _count(arch, n, seed, timeout)
        except TimeoutError as exc:
            return done(None, "undetermined", False, f"the count did not finish: {exc}")
        if counted[0] is not None:
            return done(counted[0], "count", False, counted[1])
        return done(None, "undetermined", False, counted[1])
    return done(None, "undetermined", False, "no proven formula applies; the count was not requested")


def _hilbert_fit(hilbert, n):
    """deg from a degree-(n−1) polynomial through the last n values of H, checked on one more (evidence)."""
    values = list(enumerate(hilbert))
    if n < 1 or len(values) < n + 1:
        return None
    pts, check = values[-n:], values[-n - 1]

    def lagrange(x):
        total = Fraction(0)
        for i, (xi, yi) in enumerate(pts):
            term = Fraction(yi)
            for j, (xj, _) in enumerate(pts):
                if j != i:
                    term *= Fraction(x - xj, xi - xj)
            total += term
        return total

    if lagrange(check[0]) != check[1]:
        return None
    lead = sum(Fraction(yi) / np.prod([Fraction(xi - xj) for j, (xj, _) in enumerate(pts) if j != i] or [1])
               for i, (xi, yi) in enumerate(pts))
    deg = lead * factorial(n - 1)
    if deg.denominator != 1 or deg <= 0:
        return None
    return int(deg), (f"Hilbert polynomial of degree {n - 1} fits H({check[0]}..{pts[-1][0]}) (evidence: the Hilbert "
                      "polynomial is assumed to have taken over)")


def _mod(c: Fraction, p: int) -> int:
    return c.numerator % p * pow(c.denominator % p, -1, p) % p


def _count(arch, n: int, seed: int, timeout: float) -> tuple[int | None, str]:
    """(deg V, reason) from two independent counts over random primes, or (None, why not)."""
    from ..parametrization import random_prime
    from ..parametrization.symbolic import coefficient_polynomials
    from .bounds import degree_bound

    # checked before the symbolic expansion, which is itself expensive for the architectures it refuses
    bezout = degree_bound(arch) ** n  # every coordinate of f_θ has degree ≤ deg_θ f_θ in θ
    if bezout > COUNT_LIMIT:
        return None, (f"count too large: Bézout bound {degree_bound(arch)}^{n} of the sliced system exceeds "
                      f"COUNT_LIMIT = {COUNT_LIMIT}")
    deadline = time.monotonic() + timeout
    ts, polys = coefficient_polynomials(arch)
    N = len(ts)
    gauge = _gauge(arch)
    found = []
    for trial in range(2):
        rng = stream(seed, "degree.count", trial)
        p = random_prime(rng)
        for kind in ("coordinate", "dense"):
            free = [j for j in range(N) if j not in gauge]
            chosen = None if kind == "dense" else frozenset(int(j) for j in rng.choice(free, n, replace=False))
            total = _vdim(polys, N, n, p, rng, gauge, chosen, False, _left(deadline, timeout))
            fibre = _vdim(polys, N, n, p, rng, gauge, chosen, True, _left(deadline, timeout))
            if total is not None and fibre is not None and fibre > 0 and total % fibre == 0:
                break
        else:
            return None, (f"count inconclusive over F_{p}: {total} solutions on the slice, fibre degree {fibre} "
                          "(the slice was not zero-dimensional or not generic)")
        found.append((total // fibre, total, fibre, p, kind))
    if found[0][0] != found[1][0]:
        return None, f"counts disagree between two random slices ({found[0][0]} vs {found[1][0]})"
    deg, total, fibre, p, kind = found[0]
    return deg, (f"counted: {total} solutions of φ(θ) ∈ L on a random {n}-dimensional {kind} slice of parameter "
                 f"space over F_{p}, generic fibre degree {fibre} on the same kind of slice; two independent draws "
                 "agree (Singular, probabilistic)")


def _left(deadline: float, timeout: float) -> float:
    """Seconds left of the count's budget (TimeoutError once it is spent)."""
    left = deadline - time.monotonic()
    if left <= 0:
        raise TimeoutError(f"the count used its {timeout:g} s")
    return left


def _gauge(arch) -> frozenset[int]:
    """θ indices that may be set to 1 without changing the image (σ = z^r, no bias): for each hidden neuron (each
    filter of a CNN) its first incoming weight — the rescaling (row of W_ℓ)·t, (column of W_{ℓ+1})·t^{−r} moves a
    generic point there over the algebraic closure (docs/math.md §1, symmetries)."""
    if arch.bias or not all(a.is_monomial for a in arch.activations):
        return frozenset()
    fixed, pos = set(), 0
    for layer in arch.layers[:-1]:
        for row in layer.index:
            first = [int(j) for j in row if j >= 0]
            if first:
                fixed.add(pos + first[0])
        pos += layer.n_params
    return frozenset(fixed)


def _vdim(polys, N: int, n: int, p: int, rng, gauge, chosen, fibre: bool, timeout: float) -> int | None:
    """Solutions (with multiplicity) in u ∈ K^n of the sliced system over F_p (module docstring), by Singular.

    The slice θ = θ_0 + B·u is ``dense`` (B random; ``chosen`` None) or a ``coordinate`` slice (θ_j = u_k for the
    n indices j in ``chosen``, every other θ_j a random constant): sparse equations, much faster; the fibre degree
    depends on which coordinates are free, so both counts of one draw use the same ``chosen``."""
    from .cas import polynomial_text, run_singular

    theta0 = rng.integers(0, p, N)
    if chosen is None:
        B = rng.integers(0, p, (N, n))
        subst = ["1" if j in gauge else
                 " + ".join([str(int(theta0[j]))] + [f"{int(B[j, k])}*u({k + 1})" for k in range(n)])
                 for j in range(N)]
    else:
        slot = {j: k + 1 for k, j in enumerate(sorted(chosen))}
        subst = ["1" if j in gauge else (f"u({slot[j]})" if j in slot else str(int(theta0[j]))) for j in range(N)]
    names = [f"t({j + 1})" for j in range(N)]
    reduced = [[(_mod(Fraction(int(c.p), int(c.q)), p), m) for m, c in poly.terms()] for poly in polys]  # over F_p
    coords = [polynomial_text([(Fraction(c), m) for c, m in terms if c], names) for terms in reduced]
    if fibre:
        star = [1 if j in gauge else int(v) for j, v in enumerate(rng.integers(0, p, N))]
        values = [sum(c * math.prod(pow(star[j], e, p) for j, e in enumerate(m)) for c, m in terms) % p
                  for terms in reduced]  # c(θ*)
        eqs = [f"({c}) - {v}" for c, v in zip(coords, values)]
    else:
        lam = rng.integers(0, p, (n, len(polys)))
        eqs = []
        for i in range(n):
            form = " + ".join(f"{int(lam[i, a])}*({coords[a]})" for a in range(len(polys)) if lam[i, a])
            eqs.append(f"{form} - 1" if i == n - 1 else form)
    script = "\n".join([
        f"ring T = {p}, (t(1..{N})), dp;",
        "ideal E = " + ", ".join(eqs) + ";",
        f"ring U = {p}, (u(1..{n})), dp;",
        "map psi = T, " + ", ".join(subst) + ";",
        "ideal F = psi(E);",
        "ideal G = std(F);",
        'print("neuromanifold-vdim " + string(vdim(G)));',
        "quit;",
    ])
    out = run_singular(script, timeout=timeout)
    for line in out.splitlines():
        if line.startswith("neuromanifold-vdim "):
            v = int(line.split()[1])
            return v if v >= 0 else None
    raise RuntimeError(f"Singular gave no answer: {out[-300:]}")


def degree_formula(architecture) -> int:
    """deg V = (|k| − L)! · Π_{j=0}^{L−1} r^{(L−j−1)(k_j − 1)} / (k_j − 1)!  for σ = z^r, no bias
    ([SMK25], docs/math.md §6; j = 0 the input-side filter).  ValueError otherwise."""
    arch = check_cnn(architecture)
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


def hilbert_degree(architecture, max_t: int = 6, seed: int = 0, prime: int | PrimeField = DEFAULT_PRIME) -> DegreeResult:
    """The projective degree of V (σ = z^r, no bias: V is a cone) from its Hilbert function.

    HF(t) = dim of the degree-t forms on span(V) restricted to V = rank of the matrix
    [y(θ_i)^α]_{i, |α| = t}, where y = (⟨c_j, f_θ(x_j)⟩)_{j ≤ A} are A generic linear coordinates (A ≥
    dim span V, an injective linear map preserves HF) and θ_i are random points; enough θ_i make the
    rank the dimension of the restriction (probabilistic, Schwartz–Zippel in θ).  For t beyond the
    regularity HF(t) = HP(t) = deg·t^n/n! + …, n = dim V − 1, so the n-th finite difference of HF is
    deg.  Returns a :class:`DegreeResult` (``method='hilbert'``, not certified: probabilistic, and the regularity
    is not certified) with the HF values in ``hilbert_function`` and ``degree`` read off by the same
    Hilbert-polynomial fit as :func:`variety_degree` (None when the last values do not fit yet).
    """
    prime = check_prime(prime)
    arch = check_cnn(architecture)
    if arch.bias or not all(a.is_monomial for a in arch.activations):
        raise ValueError("Argument 'architecture' must be homogeneous (monomial σ, no bias) for a projective degree.")
    start = time.perf_counter()
    ns = PrimeField(prime)
    dimV = dimension(arch, seed=seed, prime=prime).dimension
    A = arch.ambient_dimension
    rng = stream(seed, "degree.hilbert")
    X, C = random_functionals(arch, A, ns, rng)
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
    fitted = _hilbert_fit([1] + hf, dimV)  # H(0) = 1: the constants
    reason = (f"Hilbert function mod {prime} of V (projective dimension {dimV - 1}) at t = 1..{len(hf)}: "
              "probabilistic (Schwartz–Zippel in θ), regularity not certified"
              + ("" if fitted is not None else "; the values do not fit a Hilbert polynomial yet"))
    return DegreeResult(arch, None if fitted is None else fitted[0], "hilbert", False, reason,
                        time.perf_counter() - start, tuple(hf))
