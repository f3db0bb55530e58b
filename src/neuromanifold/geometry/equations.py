"""Implicit equations of small neurovarieties by interpolation (docs/math.md §1, §6).

Coordinates.  V lives in the space of polynomial maps spanned by the monomials x^α that can occur
(|α| ∈ ``arch.output_degrees()``), one copy per output; the ambient coordinates c_{k,α} of f_W are its
coefficients.  They are computed from evaluations, never by symbolic expansion: at m random inputs
x_1..x_m (m = number of monomials) the collocation matrix (x_i^α) is checked to be invertible mod p
(so the inputs are unisolvent — exact), and c = (x_i^α)^{-1} (f_W(x_i))_i.

The ideal.  The last layer is linear in W_L (and b_L), so V is a cone and I(V) is homogeneous.  For each
degree k, sample n ≥ #{degree-k monomials in A variables} + 16 random points φ(W) over F_p, evaluate all
degree-k monomials, and take the kernel K_k of that n × M_k matrix: it contains I(V)_k mod p and equals
it unless the sample is degenerate (a non-zero element of the coordinate ring of degree k vanishes at
all n points with probability ≤ (k·deg_θ f / p)^{n − M_k + 1}-type bounds; we report Schwartz–Zippel
per sample).  The **Hilbert function** is H(k) = M_k − dim I_k = rank of the sample matrix.

Lifting to ℚ.  The reduced row echelon basis of I_k is canonical, so it is computed modulo several
primes p < 2^31, combined by the Chinese remainder theorem and lifted entrywise by rational
reconstruction; primes are added until the lift is stable.  The lifted equations are then checked to
vanish at fresh points φ(W) modulo a prime not used before.

Degree.  If dim V = A − 1 (a hypersurface, dimension certified) the lowest-degree equation F generates
the prime ideal I(V) and deg V = deg F.  Otherwise, when the Hilbert function up to ``max_degree``
agrees with a polynomial of degree n − 1 (n = dim V, the affine cone dimension) on n + 1 consecutive
values, deg V = (n − 1)!·(leading coefficient) is reported — evidence, not a proof (the Hilbert
polynomial might take over later).
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field, replace
from itertools import combinations_with_replacement
from math import comb

import numpy as np

from ..limits import check_prime
from ..parametrization import DEFAULT_PRIME, PrimeField, evaluate, rational_reconstruction
from ..randomness import stream
from ..results import Result
from .ambient import (  # noqa: F401
    MAX_COLLOCATION_ENTRIES,
    ambient_monomials,
    coefficients,
    coordinate_symbols,
    coordinates,
    evaluate_polynomial,
    gradient_polynomial,
    polynomial_terms,
)
from .rank import nullspace_mod_p

__all__ = ["ambient_monomials", "coordinate_symbols", "coordinates", "coefficients", "network_coefficients",
           "polynomial_terms", "evaluate_polynomial", "gradient_polynomial", "IdealResult", "vanishing_ideal",
           "rational_reconstruction"]


#: Largest number M of degree-k monomials in the ambient coordinates that interpolation will evaluate
#: (an (M + 16) × M matrix over F_p; 3,000 takes seconds and ~0.5 GB, 7,770 exhausted memory).
MAX_INTERPOLATION_MONOMIALS = 3_000


class _Coefficients:
    """θ ↦ coefficient vector of f_θ over F_p via a unisolvent input set."""

    def __init__(self, arch, ns: PrimeField, seed: int):
        import flint

        self.arch, self.ns = arch, ns
        mons = np.array(ambient_monomials(arch), dtype=np.int64)
        m = len(mons)
        for attempt in range(20):
            rng = stream(seed, "equations.coefficients", attempt)
            X = ns.random(rng, (m, arch.input_dim))
            V = np.ones((m, m), dtype=np.int64)
            for i in range(arch.input_dim):
                for e in range(1, int(mons[:, i].max(initial=0)) + 1):
                    V = np.where(mons[None, :, i] >= e, ns.mul(V, X[:, i : i + 1]), V)
            M = flint.nmod_mat(m, m, V.ravel().tolist(), ns.p)
            if M.det() != 0:  # unisolvent: the coefficients are exact
                break
        else:  # pragma: no cover - probability ≈ 0
            raise RuntimeError("no unisolvent input set found")
        self.X = X
        self.inverse = np.array([int(v) for v in M.inv().entries()], dtype=np.int64).reshape(m, m)

    def __call__(self, theta) -> np.ndarray:
        values = evaluate(self.arch, theta, self.X, self.ns)  # m × d_L
        return self.ns.matmul(self.inverse, values).T.ravel()  # output-major, like coordinate_symbols


def network_coefficients(arch, params, prime: int | PrimeField = DEFAULT_PRIME, seed: int = 0) -> np.ndarray:
    """The ambient coordinates of f_W (coefficients in :func:`coordinate_symbols` order) over F_p."""
    prime = check_prime(prime)
    from ..parametrization import as_theta

    ns = PrimeField(prime)
    return _Coefficients(arch, ns, seed)(as_theta(arch, params, ns))


def _monomial_exponents(n_vars: int, k: int) -> list[tuple[int, ...]]:
    return list(combinations_with_replacement(range(n_vars), k))


def _monomial_matrix(points: np.ndarray, k: int, ns: PrimeField) -> np.ndarray:
    """Columns: all degree-k monomials (index tuples) evaluated at the rows of ``points``."""
    n, A = points.shape
    cols = {(): np.ones(n, dtype=np.int64)}
    for deg in range(1, k + 1):
        cols = {idx + (i,): ns.mul(v, points[:, i]) for idx, v in cols.items() for i in range((idx[-1] if idx else 0), A)}
    return np.stack([cols[idx] for idx in _monomial_exponents(A, k)], axis=1) if k else np.ones((n, 1), np.int64)


def _rref(vectors: np.ndarray, p: int) -> np.ndarray:
    import flint

    r, c = vectors.shape
    if r == 0:
        return vectors
    E, rank = flint.nmod_mat(r, c, np.mod(vectors, p).ravel().tolist(), p).rref()
    return np.array([int(v) for v in E.entries()], dtype=object).reshape(r, c)[:rank]


def _primes(count: int, avoid=()) -> list[int]:
    import sympy

    out, q = [], 2**31
    while len(out) < count:
        q = sympy.prevprime(q)
        if q not in avoid:
            out.append(q)
    return out


def _ideal_mod_p(arch, k: int, p: int, seed: int) -> tuple[np.ndarray, int]:
    """(rref basis of K_k ⊇ I(V)_k mod p, H(k))."""
    ns = PrimeField(p)
    coef = _Coefficients(arch, ns, seed)
    A = len(ambient_monomials(arch)) * arch.output_dim  # = arch.ambient_dimension for an MLP
    M = comb(A + k - 1, k)
    rng = stream(seed, "equations.interpolation", k, p)
    pts = np.stack([coef(ns.random(rng, arch.n_params)) for _ in range(M + 16)])
    S = _monomial_matrix(pts, k, ns)
    K = nullspace_mod_p(S, p)
    return _rref(K.T.astype(np.int64), p), M - K.shape[1]


@dataclass(frozen=True)
class IdealResult(Result):
    """Generators of I(V) up to degree ``max_degree`` (sympy, integer coefficients), the Hilbert
    function H(0..max_degree), the degree of V when the data determine it, and the checks done.

    I(V) ⊂ ℚ[c_α] in the coefficient coordinates of the ambient space (docs/math.md §1), e.g. the Razor's Edge
    hypersurface F = 0 of (2,2,1), σ = z³ + z² (docs/math.md §6); for CNNs the degree can be compared with the
    formula of Shahverdi–Marchetti–Kohn (docs/math.md §6).
    """

    architecture: object
    max_degree: int
    generators: tuple = field(repr=False)  # sympy expressions, minimal generators by degree
    generator_degrees: tuple[int, ...]
    hilbert_function: tuple[int, ...]
    dimension: int
    ambient_dimension: int
    degree: int | None
    degree_reason: str
    primes: tuple[int, ...]
    verified_points: int
    seconds: float
    degree_method: str = "undetermined"
    degree_certified: bool = False

    @property
    def symbols(self):
        return coordinate_symbols(self.architecture)

    @property
    def coordinates(self) -> list[tuple[int, tuple[int, ...]]]:
        """(output k, exponent α) of each coordinate, in the order of :attr:`symbols` (see :func:`coordinates`)."""
        return coordinates(self.architecture)

    def _point(self, params):
        c = coefficients(params)
        if getattr(params, "architecture", None) != self.architecture:
            raise ValueError("Argument 'params' belongs to another architecture.")
        return [float(v) for v in c] if c.dtype.kind == "f" else list(c)

    def evaluate(self, params) -> list:
        """(g_i(c(W)))_i: every generator at the function of W (exact Fractions for integer/rational W, floats
        for float W).  All zero on V; a value ≠ 0 at a rational W would contradict the lift."""
        q, syms = self._point(params), tuple(self.symbols)
        return [evaluate_polynomial(g, syms, q) for g in self.generators]

    def gradient(self, params) -> list[list]:
        """(∂g_i/∂c_j)(c(W)): one row per generator, one column per coordinate (the matrix of the Jacobian
        criterion, docs/math.md §6)."""
        q, syms = self._point(params), tuple(self.symbols)
        return [gradient_polynomial(g, syms, q) for g in self.generators]

    def to_macaulay2(self) -> str:
        """A Macaulay2 script: ring, coordinate map, ideal, and dim/degree/Hilbert function (``geometry.cas``)."""
        from .cas import ideal_script

        return ideal_script(self, "m2")

    def to_singular(self) -> str:
        """A Singular script: ring, coordinate map, ideal, and dim/degree/Hilbert function (``geometry.cas``)."""
        from .cas import ideal_script

        return ideal_script(self, "singular")

    def to_sage(self) -> str:
        """A Sage script: ring, coordinate map, ideal, and dim/degree/Hilbert function (``geometry.cas``)."""
        from .cas import ideal_script

        return ideal_script(self, "sage")

    def to_dict(self) -> dict:
        return {"max_degree": self.max_degree, "generators": [str(g) for g in self.generators],
                "generator_degrees": list(self.generator_degrees), "hilbert_function": list(self.hilbert_function),
                "dimension": self.dimension, "ambient_dimension": self.ambient_dimension, "degree": self.degree,
                "degree_method": self.degree_method, "degree_certified": self.degree_certified,
                "degree_reason": self.degree_reason, "primes": list(self.primes),
                "coordinates": [{"name": str(s), "output": k, "exponents": list(al)}
                                for s, (k, al) in zip(self.symbols, self.coordinates)],
                "verified_points": self.verified_points, "seconds": round(self.seconds, 6)}

    def summary(self) -> str:
        lines = [f"{self.architecture!r}: dim V = {self.dimension} in ambient dimension {self.ambient_dimension}",
                 f"  Hilbert function H(0..{self.max_degree}) = {list(self.hilbert_function)}",
                 f"  degree of V: {self.degree if self.degree is not None else 'not determined'} "
                 f"[{self.degree_method}{', certified' if self.degree_certified else ''}] ({self.degree_reason})",
                 f"  {len(self.generators)} generator(s) of degree ≤ {self.max_degree}, lifted to ℚ with "
                 f"{len(self.primes)} prime(s), verified at {self.verified_points} fresh points mod a new prime:"]
        for d, g in zip(self.generator_degrees, self.generators):
            text = str(g)
            lines.append(f"    [deg {d}] {text if len(text) < 400 else text[:400] + ' …'}")
        return "\n".join(lines)


def _select_new(prev: np.ndarray, cur: np.ndarray, A: int, k: int, p: int) -> list[int]:
    """Indices of rows of ``cur`` (rref basis of I_k mod p) independent modulo {x_i·g : g ∈ prev}
    (greedy in rref order: the pivot columns of [products | cur]ᵀ)."""
    import flint

    if cur.shape[0] == 0:
        return []
    products = np.zeros((0, cur.shape[1]), dtype=np.int64)
    if prev.shape[0]:
        index = {e: j for j, e in enumerate(_monomial_exponents(A, k))}
        lower = _monomial_exponents(A, k - 1)
        target = np.array([[index[tuple(sorted(e + (i,)))] for i in range(A)] for e in lower])  # (M_{k−1}, A)
        products = np.zeros((prev.shape[0] * A, cur.shape[1]), dtype=np.int64)
        for i in range(A):
            products[i * prev.shape[0] : (i + 1) * prev.shape[0], target[:, i]] = prev.astype(np.int64)
    stacked = np.vstack([products, cur.astype(np.int64)]).T % p
    E, rank = flint.nmod_mat(stacked.shape[0], stacked.shape[1], stacked.ravel().tolist(), p).rref()
    rows = np.array([int(v) for v in E.entries()], dtype=np.int64).reshape(stacked.shape)[:rank]
    pivots = [int(np.nonzero(r)[0][0]) for r in rows]
    return [c - products.shape[0] for c in pivots if c >= products.shape[0]]


def _lift(arch, k: int, seed: int, max_primes: int, A: int):
    """New generators of degree k over ℚ (rref rows of I_k independent of the degree-(k−1) part),
    H(k) and the primes used."""
    primes = _primes(max_primes)
    residues, modulus, previous, hk, chosen = None, 1, None, None, None
    for j, p in enumerate(primes):
        basis, hk_p = _ideal_mod_p(arch, k, p, seed + j)
        if hk is None:
            hk = hk_p
            if basis.shape[0] == 0:
                return [], hk, primes[:1]
            prev, _ = _ideal_mod_p(arch, k - 1, p, seed + j) if k > 1 else (np.zeros((0, 0)), 1)
            chosen = _select_new(prev, basis, A, k, p)
            if not chosen:
                return [], hk, primes[:1]
        if basis.shape[0] == 0 or hk_p != hk:
            raise RuntimeError("unlucky prime: ideal dimensions differ between primes")
        basis = basis[chosen]
        if residues is None:
            residues = basis
        else:
            inv = pow(modulus, -1, p)  # CRT: x ≡ residues mod modulus, x ≡ basis mod p
            residues = residues + modulus * (((basis - residues) % p) * inv % p)
        modulus *= p
        residues = residues % modulus
        lifted = [[rational_reconstruction(int(v), modulus) for v in row] for row in residues]
        if all(v is not None for row in lifted for v in row):
            if lifted == previous:
                return lifted, hk, primes[: j + 1]
            previous = lifted
    raise RuntimeError(f"rational reconstruction did not stabilise with {max_primes} primes; raise 'max_primes'")


def _as_polynomial(row, exps, syms):
    import sympy

    den = 1
    for v in row:
        den = den * v.denominator // np.gcd(den, v.denominator)
    ints = [int(v * den) for v in row]
    g = 0
    for v in ints:
        g = np.gcd(g, abs(v))
    expr = sum(sympy.Integer(v // g) * sympy.Mul(*[syms[i] for i in idx]) for v, idx in zip(ints, exps) if v)
    return sympy.expand(expr)


def vanishing_ideal(arch, max_degree: int, seed: int = 0, verify: int = 20, max_primes: int = 8,
                    dimension_result=None, degree_count: bool = True) -> IdealResult:
    """Minimal generators of I(V) of degree ≤ ``max_degree`` over ℚ (see the module docstring).

    I(V) for V ⊂ K^A the Zariski closure of φ (docs/math.md §1) in the coefficient coordinates; e.g. the Razor's Edge
    hypersurface F = 0 of (2,2,1), σ = z³ + z² (docs/math.md §6), and the Hilbert function/degree used to check the
    CNN degree formula of Shahverdi–Marchetti–Kohn.

    Each generator is a sympy polynomial in :func:`coordinate_symbols` with coprime integer
    coefficients, verified to vanish at ``verify`` fresh points φ(W) modulo an unused prime.  Practical
    for small ambient dimensions: the degree-k step works with C(A + k − 1, k) monomials.  The degree of V comes
    from :func:`~neuromanifold.geometry.degree.variety_degree` (a proven formula, the hypersurface, the Hilbert
    function, or — with ``degree_count`` and Singular installed — a probabilistic count), with its provenance in
    ``degree_method``/``degree_certified``/``degree_reason``.

    Examples
    --------
    >>> from neuromanifold import MLP
    >>> r = vanishing_ideal(MLP((2, 1, 1), 2), 2)   # binary quadratics of rank 1: c_20·c_02 − c_11²/4
    >>> [str(g) for g in r.generators]
    ['4*c_02*c_20 - c_11**2']
    """
    from ..limits import check_architecture, check_seed
    from .degree import variety_degree
    from .dimension import dimension as _dimension

    check_architecture(arch, "arch")
    check_seed(seed)
    if isinstance(max_degree, bool) or not isinstance(max_degree, int) or max_degree < 1:
        raise ValueError(f"Argument 'max_degree' must be an int >= 1, got {max_degree!r}.")
    start = time.perf_counter()
    A = arch.ambient_dimension
    if comb(A + max_degree - 1, max_degree) > MAX_INTERPOLATION_MONOMIALS:
        raise ValueError(
            f"Argument 'max_degree': degree {max_degree} needs {comb(A + max_degree - 1, max_degree)} monomials in "
            f"{A} coordinates; too large for interpolation (limit {MAX_INTERPOLATION_MONOMIALS})."
        )
    syms = coordinate_symbols(arch)
    A = len(syms)  # coefficients of all outputs (for a one-output CNN: the window polynomial g)
    dres = dimension_result if dimension_result is not None else _dimension(arch, seed=seed)
    hilbert, gens, degs, used = [1], [], [], set()
    for k in range(1, max_degree + 1):
        rows, hk, primes = _lift(arch, k, seed, max_primes, A)
        used.update(primes)
        hilbert.append(hk)
        exps = _monomial_exponents(A, k)
        gens += [_as_polynomial(row, exps, syms) for row in rows]
        degs += [k] * len(rows)
    fresh = _primes(1, avoid=used)[0]
    _verify(arch, gens, syms, fresh, verify, seed)
    result = IdealResult(arch, max_degree, tuple(gens), tuple(degs), tuple(hilbert), dres.dimension, A, None, "",
                         tuple(sorted(used, reverse=True)), verify, 0.0)
    deg = variety_degree(arch, dres, result, seed=seed, count=degree_count)
    return replace(result, degree=deg.degree, degree_reason=deg.reason, degree_method=deg.method,
                   degree_certified=deg.certified, seconds=time.perf_counter() - start)


def _verify(arch, gens, syms, p: int, count: int, seed: int) -> None:
    import sympy

    ns = PrimeField(p)
    coef = _Coefficients(arch, ns, seed + 77)
    rng = stream(seed, "equations.verify")
    fns = [sympy.lambdify(syms, g, modules=[{}]) for g in gens]
    for _ in range(count):
        point = [int(v) for v in coef(ns.random(rng, arch.n_params))]
        for g, fn in zip(gens, fns):
            if int(fn(*point)) % p != 0:
                raise RuntimeError(f"lifted equation {g} does not vanish at a fresh point mod {p}: increase max_primes")
