"""Number systems the network algebra is written against.

* :class:`PrimeField` — the exact backend: F_p with p < 2^31 held in numpy ``int64``.  For p < 2^23 matrix
  products, ranks and echelon forms run in float64 BLAS, exactly (:mod:`.blas_mod_p`, the FFLAS-FFPACK
  technique); for larger p products split one factor into 16-bit halves so every partial sum stays below
  2^63 (inner dimension ≤ 2^16), and ranks and kernels are FLINT's ``nmod_mat``.
* :class:`Float64` — numpy ``float64``, for plots, training and singular values; never the judge of a
  rank.

A number system converts inputs (ints, :class:`~fractions.Fraction`, floats) and provides
``add``, ``mul``, ``matmul``, ``horner`` (σ and σ' of an activation) and ``random``, and its linear algebra:
``rank`` and ``rref`` (pivots and reduced echelon form, hence the canonical kernel ``nullspace``).
"""

from __future__ import annotations

from fractions import Fraction

import numpy as np

from ..limits import check_prime
from ..randomness import stream as _stream

__all__ = ["NumberSystem", "PrimeField", "BlasPrimeField", "Float64", "DEFAULT_PRIME", "BLAS_PRIMES", "random_prime", "point_primes"]

#: The Mersenne prime 2^31 − 1, the largest prime whose residues multiply inside int64.
DEFAULT_PRIME = 2_147_483_647
#: The largest primes below 2^22: their arithmetic runs in float64 BLAS exactly (:mod:`.blas_mod_p`), with
#: inner blocks of 2,047 products per BLAS call (below 2^23 they would be 511: measured 1.4× slower ranks).
BLAS_PRIMES = (4_194_301, 4_194_287, 4_194_277, 4_194_271, 4_194_247, 4_194_217, 4_194_199, 4_194_191)


def random_prime(rng: np.random.Generator) -> int:
    """A random prime in [2^30, 2^31) (about 5·10^7 of them): the next prime after a uniform integer.

    Computations at a *user's* point use such primes instead of a fixed one, so that no input can be built
    to vanish modulo the prime the code will use (a fixed p = 2^31 − 1 would let the entry 2^31 − 1 pose
    as zero).
    """
    from flint import fmpz

    while True:
        n = int(rng.integers(2**30, 2**31)) | 1
        while n < 2**31 and not fmpz(n).is_prime():  # prime gaps below 2^31 are < 300
            n += 2
        if n < 2**31:
            return n


class NumberSystem:
    """Arithmetic on numpy arrays in one number system (abstract)."""

    name = "abstract"
    dtype = None

    def asarray(self, values) -> np.ndarray:  # pragma: no cover - interface
        raise NotImplementedError

    def scalar(self, value):
        return self.asarray(np.array([value], dtype=object))[0]

    def zeros(self, shape) -> np.ndarray:
        return np.zeros(shape, dtype=self.dtype)

    def full(self, shape, value) -> np.ndarray:
        """An array of ``shape`` filled with ``value``, already an element of this number system."""
        return np.full(shape, value, dtype=self.dtype)

    def is_native(self, values) -> bool:
        """Whether ``values`` is already an array of this number system (no conversion needed)."""
        return isinstance(values, np.ndarray) and values.dtype == self.dtype

    def concat(self, arrays, axis: int = -1):
        return np.concatenate(arrays, axis=axis)

    def append_one(self, h):
        """[h, 1] along the last axis (the constant input that multiplies the bias column)."""
        return self.concat([h, self.full(h.shape[:-1] + (1,), self.scalar(1))])

    def take(self, values, index: np.ndarray):
        """values[..., index] for an integer numpy ``index`` (gather along the last axis)."""
        return values[..., index]

    def scatter_columns(self, matrix, columns: np.ndarray, values) -> None:
        """matrix[:, columns] = values, in place."""
        matrix[:, columns] = values

    # Plain operators by default (fields whose numpy dtype already does the arithmetic);
    # PrimeField overrides them with reductions mod p.
    def add(self, a, b):
        return a + b

    def sub(self, a, b):
        return a - b

    def mul(self, a, b):
        return a * b

    def matmul(self, a, b):
        return a @ b

    def horner(self, coeffs, z, derivative: bool = True):
        """(σ(z), σ'(z)) for σ = Σ coeffs[k] z^k, elementwise, by Horner's rule (σ'(z) is None when
        ``derivative`` is false: the forward pass alone needs only σ)."""
        cs = [self.scalar(c) for c in coeffs]
        val = self.full(z.shape, cs[-1])
        der = self.zeros(z.shape) if derivative else None
        for c in reversed(cs[:-1]):
            if derivative:
                der = self.add(self.mul(der, z), val)
            val = self.add(self.mul(val, z), self.full(z.shape, c))
        return val, der


class PrimeField(NumberSystem):
    """The prime field F_p, p < 2^31, elements as int64 residues in [0, p).

    The exact backend of docs/math.md §2: for integer θ and X the rank over F_p of d(ev_X ∘ φ)(θ) is ≤ its rank over
    ℚ ≤ the generic rank, so it is a certified lower bound on dim V.
    """

    dtype = np.int64

    def __init__(self, p: int = DEFAULT_PRIME):
        p = check_prime(p, "p")  # the one validation of a prime argument (2 < p < 2^31, prime)
        if p is None:
            raise TypeError("Argument 'p' must be an int prime, not None.")
        self.p = p
        self.name = f"F_{p}"

    def __repr__(self):
        return f"PrimeField({self.p})"

    def is_native(self, values) -> bool:
        """An array of this field's dtype whose entries are already residues in [0, p).  Anything else is
        reduced by :meth:`asarray` first: an int64 array with entries outside [0, p) (negative, or 10^15) would
        overflow the split products of :meth:`matmul` if it were taken as residues."""
        if not (isinstance(values, np.ndarray) and values.dtype == self.dtype):
            return False
        if values.size == 0:
            return True
        return bool(values.min() >= 0 and values.max() < self.p)

    def __eq__(self, other):
        return isinstance(other, PrimeField) and other.p == self.p

    def __hash__(self):
        return hash(("PrimeField", self.p))

    def unfaithful(self, arrays) -> str | None:
        """Why reducing the exact (integer/rational) ``arrays`` mod p changes what an argument relies on,
        or None when the reduction is faithful: every denominator is invertible, every non-zero entry stays
        non-zero, and every matrix keeps its rank over ℚ — hence distinct and non-proportional rows stay so
        (checked on all pairs of rows of matrices with at most 200 rows).  The ranks over ℚ are FLINT's
        exact ``fmpq_mat`` ranks."""
        import flint

        p = self.p
        for k, arr in enumerate(arrays):
            arr = np.asarray(arr, dtype=object)
            if arr.size == 0:
                continue
            q = [Fraction(v) for v in arr.ravel()]
            if any(v.denominator % p == 0 for v in q):
                return f"array {k} has a denominator divisible by p = {p}"
            res = np.array([self._reduce_fraction(v) for v in q], dtype=np.int64)
            if any(v != 0 and r == 0 for v, r in zip(q, res)):
                return f"array {k} has a non-zero entry divisible by p = {p}"
            if arr.ndim != 2 or min(arr.shape) < 2:
                continue
            R = res.reshape(arr.shape)
            Q = flint.fmpq_mat(arr.shape[0], arr.shape[1], [flint.fmpq(v.numerator, v.denominator) for v in q])
            if Q.rank() != flint.nmod_mat(arr.shape[0], arr.shape[1], R.ravel().tolist(), p).rank():
                return f"array {k} loses rank modulo p = {p}"
            if arr.shape[0] <= 200:
                for i in range(arr.shape[0]):
                    for j in range(i + 1, arr.shape[0]):
                        pair_q = flint.fmpq_mat(2, arr.shape[1], [flint.fmpq(v.numerator, v.denominator)
                                                                 for v in q[i * arr.shape[1]:(i + 1) * arr.shape[1]]
                                                                 + q[j * arr.shape[1]:(j + 1) * arr.shape[1]]])
                        pair_p = flint.nmod_mat(2, arr.shape[1], R[[i, j]].ravel().tolist(), p)
                        if pair_q.rank() != pair_p.rank():
                            return f"rows {i} and {j} of array {k} become proportional modulo p = {p}"
        return None

    def _reduce_fraction(self, v) -> int:
        v = Fraction(v)
        if v.denominator % self.p == 0:
            raise ValueError(f"the rational {v} has a denominator divisible by p = {self.p}; choose another prime.")
        return (v.numerator % self.p) * pow(v.denominator, -1, self.p) % self.p

    def asarray(self, values) -> np.ndarray:
        """Residues of integers or rationals (a/b ↦ a·b^{−1} mod p).  Floats are refused: the exact
        backend never rounds."""
        arr = values if isinstance(values, np.ndarray) else np.asarray(values, dtype=object)
        if arr.dtype.kind in "iu":
            return np.mod(arr.astype(np.int64), self.p)
        if arr.dtype.kind == "f":
            raise TypeError("PrimeField cannot represent floats; rationalise them first (e.g. Fraction(x).limit_denominator()).")
        flat = []
        for v in arr.ravel():
            if isinstance(v, (float, np.floating)):
                raise TypeError("PrimeField cannot represent floats; rationalise them first.")
            if isinstance(v, (int, np.integer)):
                flat.append(int(v) % self.p)
            else:
                flat.append(self._reduce_fraction(v))
        return np.array(flat, dtype=np.int64).reshape(arr.shape)

    def add(self, a, b):
        return (a + b) % self.p

    def sub(self, a, b):
        return (a - b) % self.p

    def mul(self, a, b):
        return (a * b) % self.p

    @property
    def blas(self) -> bool:
        """Whether products and eliminations run in float64 BLAS (p < 2^23, :mod:`.blas_mod_p`)."""
        from . import blas_mod_p

        return blas_mod_p.blas_prime_ok(self.p)

    def matmul(self, a, b):
        """a @ b mod p without overflow: b = b_hi·2^16 + b_lo, each partial product < 2^47, so sums of
        2^16 of them stay below 2^63; longer inner dimensions are split into such blocks.  (For p < 2^23,
        :class:`BlasPrimeField` does this in float64 BLAS.)"""
        n = a.shape[-1]
        if n > 2**16:
            acc = None
            for start in range(0, n, 2**16):
                part = self.matmul(a[..., start:start + 2**16], b[start:start + 2**16])
                acc = part if acc is None else (acc + part) % self.p
            return acc
        lo = b & 0xFFFF
        hi = b >> 16
        res_hi = (a @ hi) % self.p
        return ((res_hi << 16) + (a @ lo)) % self.p

    def random(self, rng: np.random.Generator, shape) -> np.ndarray:
        """Uniform elements of F_p (the random points of the Schwartz–Zippel lemma)."""
        return rng.integers(0, self.p, size=shape, dtype=np.int64)

    # --- linear algebra -------------------------------------------------------------------
    def _flint(self, matrix):
        import flint

        from ._threads import flint_threads

        flint.ctx.threads = flint_threads()
        rows, cols = matrix.shape
        data = np.mod(np.asarray(matrix, dtype=np.int64), self.p)
        return flint.nmod_mat(rows, cols, data.ravel().tolist(), self.p)

    def rank(self, matrix) -> int:
        """rank over F_p of an integer matrix (any representatives).  docs/math.md §2: for the integer (or
        reduced rational) matrices of the network algebra it is ≤ the rank over ℚ, a certified lower bound.
        float64 BLAS elimination for p < 2^23 (:mod:`.blas_mod_p`), FLINT's multithreaded LU otherwise."""
        matrix = _matrix(matrix)
        if 0 in matrix.shape:
            return 0
        if self.blas:
            from . import blas_mod_p

            return blas_mod_p.rank(blas_mod_p.to_centred(matrix, self.p), self.p)
        return self._flint(matrix).rank()

    def rref(self, matrix) -> tuple[tuple[int, ...], np.ndarray]:
        """(pivot columns, R): the reduced row echelon form R (rank × n, residues in [0, p), rows by pivot) of
        an integer matrix mod p.  Unique, so the kernel read off it (:meth:`nullspace`) is canonical."""
        matrix = _matrix(matrix)
        rows, n = matrix.shape
        if rows == 0 or n == 0:
            return (), np.zeros((0, n), dtype=np.int64)
        if self.blas:
            from . import blas_mod_p

            piv, E = blas_mod_p.rref(blas_mod_p.to_centred(matrix, self.p), self.p)
            order = np.argsort(piv)
            return tuple(int(j) for j in piv[order]), np.mod(E[order], self.p).astype(np.int64)
        R, rank = self._flint(matrix).rref()
        entries = np.array([int(x) for x in R.entries()], dtype=np.int64).reshape(rows, n)[:rank]
        return tuple(int(np.flatnonzero(entries[i])[0]) for i in range(rank)), entries

    def nullspace(self, matrix) -> tuple[tuple[int, ...], np.ndarray]:
        """(pivot columns, K): the canonical kernel basis of A mod p as the columns of K (int64 in [0, p)).

        Column j belongs to the j-th non-pivot column f: K[f, j] = 1, K[pivot_i, j] = −R[i, f], zero elsewhere.
        It depends only on the kernel, so when ker(A mod p) is the reduction of a rational kernel, the columns
        are the reductions of *its* canonical basis — the form in which rational reconstruction from several
        primes makes sense (docs/math.md §5)."""
        matrix = _matrix(matrix)
        n = matrix.shape[1]
        pivots, R = self.rref(matrix)
        free = [j for j in range(n) if j not in set(pivots)]
        K = np.zeros((n, len(free)), dtype=np.int64)
        for j, f in enumerate(free):
            K[f, j] = 1
            if pivots:
                K[list(pivots), j] = (-R[:, f]) % self.p
        return pivots, K

    def to_signed(self, a) -> np.ndarray:
        """Representatives in (−p/2, p/2]."""
        return np.where(a > self.p // 2, a - self.p, a)


class BlasPrimeField(PrimeField):
    """F_p for a prime p < 2^23 with elements held as **float64** residues (|r| ≤ (p + 5)/2): the whole
    network algebra and the elimination run in BLAS with no conversion (:mod:`.blas_mod_p`; the FFLAS-FFPACK
    technique).  Same field, same answers as :class:`PrimeField` of the same p; ``rank(..., overwrite=True)``
    eliminates in the matrix's own memory."""

    dtype = np.float64

    def __init__(self, p: int = BLAS_PRIMES[0]):
        super().__init__(p)
        from . import blas_mod_p

        if not blas_mod_p.blas_prime_ok(p):
            raise ValueError(f"Argument 'p' must be a prime below 2^23 for BlasPrimeField, got {p}.")
        self.name = f"F_{p} (float64)"

    def __repr__(self):
        return f"BlasPrimeField({self.p})"

    def is_native(self, values) -> bool:
        """float64 integer residues with |r| ≤ (p + 5)/2, the representation the BLAS products rely on."""
        if not (isinstance(values, np.ndarray) and values.dtype == np.float64):
            return False
        if values.size == 0:
            return True
        return bool(np.array_equal(values, np.rint(values)) and np.abs(values).max() <= (self.p + 5) / 2)

    def __eq__(self, other):
        return isinstance(other, BlasPrimeField) and other.p == self.p

    def __hash__(self):
        return hash(("BlasPrimeField", self.p))

    def _reduce(self, x):
        """Reduce a fresh float64 array in place (callers pass results of their own arithmetic)."""
        from . import blas_mod_p

        return blas_mod_p._reduce(np.asarray(x, dtype=np.float64), self.p)

    def asarray(self, values) -> np.ndarray:
        arr = values if isinstance(values, np.ndarray) else np.asarray(values, dtype=object)
        if arr.dtype == np.float64:  # this field's own arrays: integer-valued residues, reduced (never rounded)
            if not np.all(np.isfinite(arr)) or not np.array_equal(arr, np.rint(arr)):
                raise TypeError("BlasPrimeField cannot represent non-integer floats; rationalise them first "
                                "(geometry.proximity.exact_point).")
            return self._reduce(arr.copy())
        return super().asarray(arr).astype(np.float64)

    def zeros(self, shape) -> np.ndarray:
        return np.zeros(shape, dtype=np.float64)

    def add(self, a, b):
        return self._reduce(a + b)

    def sub(self, a, b):
        return self._reduce(a - b)

    def mul(self, a, b):
        return self._reduce(np.multiply(a, b, dtype=np.float64))

    def matmul(self, a, b):
        from . import blas_mod_p

        return blas_mod_p.matmul(np.asarray(a, dtype=np.float64), np.asarray(b, dtype=np.float64), self.p)

    def random(self, rng: np.random.Generator, shape) -> np.ndarray:
        return rng.integers(0, self.p, size=shape, dtype=np.int64).astype(np.float64)

    def to_signed(self, a) -> np.ndarray:
        r = np.mod(np.asarray(a, dtype=np.float64), self.p)
        return np.where(r > self.p // 2, r - self.p, r).astype(np.int64)

    def rank(self, matrix, overwrite: bool = False) -> int:
        from . import blas_mod_p

        matrix = _matrix(matrix)
        if 0 in matrix.shape:
            return 0
        if matrix.dtype != np.float64:
            return blas_mod_p.rank(blas_mod_p.to_centred(matrix, self.p), self.p, overwrite=True)
        return blas_mod_p.rank(matrix, self.p, overwrite=overwrite)


def _matrix(matrix) -> np.ndarray:
    matrix = np.asarray(matrix)
    if matrix.ndim != 2:
        raise ValueError(f"Argument 'matrix' must be 2-D, not shape {matrix.shape}.")
    return matrix


class Float64(NumberSystem):
    """Floating-point arithmetic (numpy float64).

    Used for numerical ranks (singular values), finite-difference checks and training; nothing computed in
    Float64 is certified (the certificates of docs/math.md §2 need exact ranks).
    """

    dtype = np.float64
    name = "float64"

    def __repr__(self):
        return "Float64()"

    def __eq__(self, other):
        return isinstance(other, Float64)

    def __hash__(self):
        return hash("Float64")

    def asarray(self, values) -> np.ndarray:
        arr = values if isinstance(values, np.ndarray) else np.asarray(values, dtype=object)
        if arr.dtype == object:
            return np.array([float(v) for v in arr.ravel()], dtype=np.float64).reshape(arr.shape)
        return arr.astype(np.float64)

    def random(self, rng: np.random.Generator, shape) -> np.ndarray:
        return rng.standard_normal(size=shape)


def point_primes(params, seed: int, count: int = 2, stream: int = 0) -> tuple[int, ...]:
    """``count`` distinct random primes (seeded by ``seed`` and ``stream``) at which the exact point
    ``params`` reduces faithfully (:meth:`PrimeField.unfaithful`); unfaithful draws are skipped."""
    arrays = list(params.weights) + list(params.biases or ())
    rng = _stream(seed, "point_primes", stream)
    out: list[int] = []
    for _ in range(50 * count):
        p = random_prime(rng)
        if p not in out and PrimeField(p).unfaithful(arrays) is None:
            out.append(p)
            if len(out) == count:
                return tuple(out)
    raise ValueError("Argument 'params' does not reduce faithfully modulo any of 50 random primes; "
                     "its entries are too degenerate or too large.")
