"""Square losses on a neuromanifold: value, gradient, Hessian, criticality and Hessian inertia.

A square loss is L_u(f) = Q(f − u) with Q a positive semidefinite quadratic form (docs/math.md §6).  Every
form we use is written through evaluations at points p_1..p_m with a Gram matrix G:

    L(θ) = Σ_{i,j} G_ij ⟨f_θ(p_i) − u_i, f_θ(p_j) − u_j⟩ = rᵀ (G ⊗ I_{d_L}) r,   r = f_θ(P) − U,

* **data** (X, Y): P = X, U = Y, G = I/m — the mean square loss (1/m) Σ_i |f_θ(x_i) − y_i|², the training
  objective itself (:func:`~neuromanifold.landscape.objective.mse`): one loss, one value, whether it is
  trained in torch or certified over ℚ;
* **empirical L²** on a target polynomial u: P = m sample points, U = u(P), G = I/m (the mean);
* **Bombieri–Weyl** on a target polynomial u of degree ≤ D in n = d_0 variables:
  Q(g) = Σ_{|α| ≤ D} (α!(D − |α|)!/D!) g_α² (the BW norm of the homogenisation; for forms of degree D only
  |α| = D occurs and this is the classical BW norm Σ_α (α!/D!) g_α²).  The coefficients g_α are the
  solution of the Vandermonde system on the simplex lattice {α : |α| ≤ D} (unisolvent for polynomials
  of degree ≤ D; for forms, {|α| = D}), so with V[i, β] = p_i^β and Λ = diag(α!(D−|α|)!/D!),
  G = V^{−T} Λ V^{−1}, computed exactly over ℚ.  No coefficient expansion of f_θ is formed.

Then ∇L(θ) = 2 Jᵀ (G ⊗ I) r with J = d(ev_P ∘ φ)(θ) from :func:`~neuromanifold.parametrization.jacobian`
(rows (i, k)), in any number system: :class:`~neuromanifold.parametrization.rationals.Rationals` (exact
certificates), :class:`~neuromanifold.parametrization.PrimeField` (fast exact necessary conditions) or
:class:`~neuromanifold.parametrization.Float64`.

**Exact Hessian.**  Along a coordinate line θ + t e_j the gradient is a polynomial in t of degree at most
δ_j = 2 Π_{k ≥ ℓ(j)} deg σ_k (θ_j enters its layer ℓ(j) linearly; each later activation multiplies the
degree by its own; the square doubles it).  Interpolating the δ_j + 1 exact gradients at t = 0, 1, …, δ_j
recovers that polynomial exactly, and its derivative at 0 is column j of the Hessian:
∂_j ∇L(θ) = Σ_k ∇L(θ + k e_j) ℓ_k'(0), with ℓ_k the Lagrange basis of the nodes.  These are exact
"finite differences" — no rounding, no truncation error — valid over ℚ and over F_p when p > δ_j.
Over floats we use central differences of the exact gradient formula instead (error O(h²)).

**Inertia** (Sylvester): the numbers of positive, negative and zero eigenvalues of the Hessian.  Over ℚ
it is read off the characteristic polynomial χ(t) = det(tI − H): a symmetric matrix has only real
eigenvalues, so Descartes' rule of signs is exact — #positive = sign changes of χ(t), #negative = sign
changes of χ(−t), #zero = multiplicity of t = 0.  Certified.  Over floats: eigenvalues with a tolerance.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from fractions import Fraction

import numpy as np

from ..architectures.parameters import Parameters
from ..parametrization import Float64, PrimeField, as_theta, evaluate, jacobian
from ..parametrization.monomials import exponents
from ..parametrization.rationals import Rationals
from .inertia import Criticality, Inertia, _is_exact_array, inertia  # noqa: F401

__all__ = [
    "Criticality",
    "Inertia",
    "SquareLoss",
    "bombieri_weyl_gram",
    "data_loss",
    "inertia",
    "target_loss",
]


# --------------------------------------------------------------------------------------------
# helpers
# --------------------------------------------------------------------------------------------


def _as_matrix(values, name: str, cols: int | None = None) -> np.ndarray:
    if isinstance(values, (str, bytes)):
        raise TypeError(f"Argument '{name}' must be a 2-D array, not a string.")
    arr = values if isinstance(values, np.ndarray) else np.asarray(values, dtype=object)
    if arr.ndim == 1 and cols == 1:
        arr = arr.reshape(-1, 1)
    if arr.ndim != 2 or (cols is not None and arr.shape[1] != cols):
        want = f"(m, {cols})" if cols is not None else "(m, n)"
        raise ValueError(f"Argument '{name}' must have shape {want}, not {arr.shape}.")
    if arr.shape[0] == 0:
        raise ValueError(f"Argument '{name}' must have at least one row.")
    if _is_exact_array(arr):
        if arr.dtype == object:
            try:
                return Rationals().asarray(arr)
            except (TypeError, ValueError):
                raise TypeError(f"Argument '{name}' must hold numbers (ints, Fractions or floats).") from None
        return arr.astype(np.int64)
    try:
        out = arr.astype(np.float64)
    except (TypeError, ValueError):
        raise TypeError(f"Argument '{name}' must hold numbers (ints, Fractions or floats).") from None
    if not np.all(np.isfinite(out)):
        raise ValueError(f"Argument '{name}' has a NaN or infinite entry.")
    return out


def _degree_bounds(architecture) -> np.ndarray:
    """deg_{θ_j} f_θ ≤ Π_{k ≥ ℓ(j)} deg σ_k for every parameter j (ℓ(j) = its layer;
    :func:`~neuromanifold.geometry.bounds.degree_bound` of that layer alone)."""
    from ..geometry.bounds import degree_bound

    return np.concatenate([np.full(layer.n_params, degree_bound(architecture, layers=[ell]), dtype=np.int64)
                           for ell, layer in enumerate(architecture.layers, start=1)])


def _lagrange_derivative_weights(delta: int) -> list[Fraction]:
    """w_k = ℓ_k'(0) for the Lagrange basis of the nodes 0, 1, …, δ (exact)."""
    nodes = list(range(delta + 1))
    weights = []
    for k in nodes:
        denom = Fraction(1)
        for m in nodes:
            if m != k:
                denom *= k - m
        num = Fraction(0)
        for skip in nodes:
            if skip == k:
                continue
            prod = Fraction(1)
            for m in nodes:
                if m not in (k, skip):
                    prod *= -m
            num += prod
        weights.append(num / denom)
    return weights


# --------------------------------------------------------------------------------------------
# results
# --------------------------------------------------------------------------------------------


# --------------------------------------------------------------------------------------------
# the Bombieri–Weyl form through evaluations
# --------------------------------------------------------------------------------------------


def bombieri_weyl_gram(n: int, D: int, homogeneous: bool = False) -> tuple[np.ndarray, np.ndarray]:
    """Points P (simplex lattice) and the exact Gram matrix G with Q_BW(g) = g(P)ᵀ G g(P).

    Q_BW is one of the positive semidefinite forms Q of the square loss L_u(f) = Q(f − u) (docs/math.md §6); it
    satisfies ‖(v·x)^D‖²_BW = |v|^{2D}.

    ``homogeneous=True``: for forms of degree D, P = {α : |α| = D} and
    Q(g) = Σ_{|α| = D} (α!/D!) g_α².  Otherwise P = {α : |α| ≤ D} and
    Q(g) = Σ_{|α| ≤ D} (α!(D−|α|)!/D!) g_α² (BW norm of the homogenisation).
    Both lattices are unisolvent for their polynomial spaces, so V is invertible.
    """
    import flint

    if n < 1 or D < 0:
        raise ValueError(f"Argument 'D' must be >= 0 and 'n' >= 1, got n={n}, D={D}.")
    alphas = exponents(n, [D] if homogeneous else range(D + 1))
    M = len(alphas)
    if M > 400:
        raise ValueError(f"Argument 'D': the Bombieri–Weyl form needs {M} points (> 400); use form='l2'.")
    V = flint.fmpq_mat(M, M, [flint.fmpq(math.prod(p**b for p, b in zip(pt, beta))) for pt in alphas for beta in alphas])
    Vinv = V.inv()
    lam = [Fraction(math.prod(math.factorial(a) for a in alpha) * math.factorial(D - sum(alpha)), math.factorial(D))
           for alpha in alphas]
    Lam = flint.fmpq_mat(M, M, [flint.fmpq(lam[i].numerator, lam[i].denominator) if i == j else 0
                                for i in range(M) for j in range(M)])
    G = Vinv.transpose() * Lam * Vinv
    Gq = np.empty((M, M), dtype=object)
    for i in range(M):
        for j in range(M):
            c = G[i, j]
            Gq[i, j] = Fraction(int(c.p), int(c.q))
    P = np.array(alphas, dtype=np.int64).reshape(M, n)
    return P, Gq


# --------------------------------------------------------------------------------------------
# the loss
# --------------------------------------------------------------------------------------------


@dataclass(frozen=True, eq=False)
class SquareLoss:
    """L(θ) = rᵀ (G ⊗ I) r with r = f_θ(P) − U (see the module docstring).

    The square loss L_u(f_θ) = Q(f_θ − u) of docs/math.md §6 with Q positive semidefinite (an empirical L² form or
    Bombieri–Weyl); θ is critical iff f_θ − u ⊥_Q im dφ(θ).

    Build it with :func:`data_loss` or :func:`target_loss`.  Methods take a :class:`Parameters` or a
    flat vector θ and an optional number system; by default exact points and data use ℚ
    (:class:`Rationals`) and anything with a float uses :class:`Float64`.
    """

    architecture: object
    points: np.ndarray
    targets: np.ndarray
    gram: np.ndarray | None = None
    form: str = "data"

    @property
    def exact(self) -> bool:
        """True iff points, targets and Gram matrix are rational (exact certificates possible)."""
        arrays = [self.points, self.targets] + ([self.gram] if self.gram is not None else [])
        return all(_is_exact_array(a) for a in arrays)

    def number_system(self, params=None, ns=None):
        """``ns`` if given; else ℚ when loss and point are exact, Float64 otherwise."""
        if ns is not None:
            return ns
        if not self.exact:
            return Float64()
        if isinstance(params, Parameters):
            return Float64() if params.kind == "float" else Rationals()
        arr = params if isinstance(params, np.ndarray) else np.asarray(params, dtype=object)
        return Rationals() if _is_exact_array(arr) else Float64()

    # --- pieces --------------------------------------------------------------------------
    def _theta(self, params, ns):
        return as_theta(self.architecture, params, ns)

    def residual(self, params, ns=None) -> np.ndarray:
        """r = f_θ(P) − U, an (m × d_L) array in ``ns``."""
        ns = self.number_system(params, ns)
        theta = self._theta(params, ns)
        F = evaluate(self.architecture, theta, ns.asarray(self.points), ns)
        return ns.sub(F, ns.asarray(self.targets)) if hasattr(ns, "sub") else F - ns.asarray(self.targets)

    def _weighted(self, R, ns):
        """(G ⊗ I) r: G = I/m (the mean) when no Gram matrix is given."""
        if self.gram is None:
            return ns.mul(R, ns.full(R.shape, ns.scalar(Fraction(1, R.shape[0]))))
        return ns.matmul(ns.asarray(self.gram), R)

    def value(self, params, ns=None):
        """L(θ) (an element of ``ns``; a Fraction over ℚ)."""
        ns = self.number_system(params, ns)
        R = self.residual(params, ns)
        W = self._weighted(R, ns)
        total = ns.mul(R, W).ravel()
        acc = total[0]
        for v in total[1:]:
            acc = ns.add(acc, v)
        return acc

    def gradient(self, params, ns=None) -> np.ndarray:
        """∇L(θ) = 2 Jᵀ (G ⊗ I) r, J = d(ev_P ∘ φ)(θ), exact in exact number systems."""
        ns = self.number_system(params, ns)
        theta = self._theta(params, ns)
        return self._gradient_theta(theta, ns)

    def _gradient_theta(self, theta, ns) -> np.ndarray:
        P = ns.asarray(self.points)
        F = evaluate(self.architecture, theta, P, ns)
        R = ns.sub(F, ns.asarray(self.targets))
        W = self._weighted(R, ns)
        J = jacobian(self.architecture, theta, P, ns)
        g = ns.matmul(W.reshape(1, -1), J).ravel()
        return ns.add(g, g)

    def hessian(self, params, ns=None, step: float | None = None) -> np.ndarray:
        """∇²L(θ), N × N.

        Exact number systems: column j = Σ_k ∇L(θ + k e_j) ℓ_k'(0), k = 0..δ_j (exact polynomial
        interpolation of the gradient along the coordinate line; see the module docstring).
        Float64: central differences of ∇L with step h_j = step·max(1, |θ_j|) (default step ε^{1/3}).
        """
        ns = self.number_system(params, ns)
        theta = self._theta(params, ns)
        N = theta.shape[0]
        H = ns.zeros((N, N))
        if isinstance(ns, Float64):
            h0 = step if step is not None else np.finfo(float).eps ** (1 / 3)
            for j in range(N):
                h = h0 * max(1.0, abs(float(theta[j])))
                tp, tm = theta.copy(), theta.copy()
                tp[j] += h
                tm[j] -= h
                H[:, j] = (self._gradient_theta(tp, ns) - self._gradient_theta(tm, ns)) / (2 * h)
            return (H + H.T) / 2
        deltas = 2 * _degree_bounds(self.architecture)
        if isinstance(ns, PrimeField) and int(deltas.max()) >= ns.p:
            raise ValueError(f"Argument 'ns': the prime p = {ns.p} must exceed the interpolation degree {int(deltas.max())}.")
        g0 = self._gradient_theta(theta, ns)
        cache: dict[int, list] = {}
        for j in range(N):
            delta = int(deltas[j])
            if delta not in cache:
                cache[delta] = [ns.scalar(w) for w in _lagrange_derivative_weights(delta)]
            weights = cache[delta]
            col = ns.mul(g0, np.full(N, weights[0], dtype=ns.dtype))
            for k in range(1, delta + 1):
                shifted = theta.copy()
                shifted[j] = ns.add(shifted[j], ns.scalar(k))
                gk = self._gradient_theta(shifted, ns)
                col = ns.add(col, ns.mul(gk, np.full(N, weights[k], dtype=ns.dtype)))
            H[:, j] = col
        return H

    # --- verdicts ----------------------------------------------------------------------------
    def criticality(self, params, ns=None, tol: float = 1e-8) -> Criticality:
        """Is θ a critical point of L?

        Over ℚ: ∇L(θ) = 0 exactly (certified either way).  Over F_p: a non-zero gradient certifies
        "not critical"; a zero one is a necessary condition.  Over floats: ‖∇L‖ ≤ tol·max(1, L(θ))
        (not certified).
        """
        ns = self.number_system(params, ns)
        g = self.gradient(params, ns)
        if isinstance(ns, Rationals):
            norm = math.sqrt(float(sum(v * v for v in g)))
            zero = all(v == 0 for v in g)
            return Criticality(zero, norm, True, "certified: exact gradient over ℚ", ns.name)
        if isinstance(ns, PrimeField):
            zero = bool(np.all(g == 0))
            nz = int(np.count_nonzero(g))
            how = ("gradient ≡ 0 mod p: necessary condition only (use Rationals to certify)" if zero
                   else f"certified not critical: {nz} gradient entries non-zero mod p")
            return Criticality(zero, float(nz), not zero, how, ns.name)
        gf = np.asarray(g, dtype=np.float64)
        norm = float(np.linalg.norm(gf))
        scale = max(1.0, abs(float(self.value(params, ns))))
        return Criticality(norm <= tol * scale, norm, False, f"float: ‖∇L‖ ≤ {tol:g}·max(1, L)", ns.name,
                           float(tol * scale))

    def inertia(self, params, ns=None, tol: float = 1e-8) -> Inertia:
        """Inertia of ∇²L(θ) (certified over ℚ, see :func:`inertia`)."""
        ns = self.number_system(params, ns)
        if isinstance(ns, PrimeField):
            raise ValueError("Argument 'ns': inertia needs an ordered field (Rationals or Float64), not F_p.")
        return inertia(self.hessian(params, ns), tol=tol)

    def to_dict(self) -> dict:
        return {"architecture": self.architecture.to_json(), "form": self.form, "points": int(self.points.shape[0]),
                "exact": self.exact}


def data_loss(architecture, X, Y) -> SquareLoss:
    """The mean square loss L(θ) = (1/m) Σ_i |f_θ(x_i) − y_i|² on a data set (X, Y) of m points — the same
    function the training minimises (:func:`~neuromanifold.landscape.objective.mse`).

    The square loss L_u = Q(f − u) of docs/math.md §6 with Q the empirical L² form of the data.

    X: (m × d_0), Y: (m × d_L) (a vector when d_L = 1); ints/Fractions keep the loss exact.
    """
    X = _as_matrix(X, "X", architecture.input_dim)
    Y = _as_matrix(Y, "Y", architecture.output_dim)
    if Y.shape[0] != X.shape[0]:
        raise ValueError(f"Argument 'Y' must have as many rows as X ({X.shape[0]}), not {Y.shape[0]}.")
    return SquareLoss(architecture, X, Y, None, "data")


def _target_values(target, P, ns_exact: bool) -> np.ndarray:
    ns = Rationals() if ns_exact else Float64()
    if isinstance(target, Parameters):
        return evaluate(target.architecture, target, ns.asarray(P), ns)
    if callable(target):
        return np.asarray(target(ns.asarray(P)))
    raise TypeError(f"Argument 'target' must be a Parameters (teacher) or a callable X ↦ Y, not {type(target).__name__}.")


def target_loss(architecture, target, form: str = "l2", X=None, n_points: int = 32, seed: int = 0,
                degree: int | None = None) -> SquareLoss:
    """The loss Q(f_θ − u) for a target polynomial u.

    Parameters
    ----------
    target:
        A teacher :class:`Parameters` (any architecture with the same d_0, d_L) or a callable X ↦ Y
        evaluating u on an (m × d_0) array (of Fractions when exact).
    form:
        ``"l2"`` — empirical L² form on X (default: ``n_points`` seeded integer points in [−3, 3]^{d_0});
        ``"bw"`` — the Bombieri–Weyl form (exact Gram matrix, see :func:`bombieri_weyl_gram`).
    degree:
        For ``"bw"`` with a callable target: the degree of u (default: the network's degree).
    """
    if form not in ("l2", "bw"):
        raise ValueError(f"Argument 'form' must be 'l2' or 'bw', got {form!r}.")
    if isinstance(target, Parameters) and (target.architecture.input_dim != architecture.input_dim
                                           or target.architecture.output_dim != architecture.output_dim):
        raise ValueError("Argument 'target' must have the same input and output dimensions as the architecture.")
    if form == "l2":
        if X is None:
            rng = np.random.default_rng(seed)
            X = rng.integers(-3, 4, size=(n_points, architecture.input_dim))
        X = _as_matrix(X, "X", architecture.input_dim)
        exact = _is_exact_array(X) and not (isinstance(target, Parameters) and target.kind == "float")
        U = _as_matrix(_target_values(target, X, exact), "target", architecture.output_dim)
        return SquareLoss(architecture, X, U, None, "l2")
    degs = set(architecture.output_degrees())
    if isinstance(target, Parameters):
        degs |= set(target.architecture.output_degrees())
    D = max(max(degs), degree or 0)
    homogeneous = degs == {D} and (degree is None or degree == D)
    P, G = bombieri_weyl_gram(architecture.input_dim, D, homogeneous)
    exact = not (isinstance(target, Parameters) and target.kind == "float")
    U = _as_matrix(_target_values(target, P, exact), "target", architecture.output_dim)
    return SquareLoss(architecture, P, U, G, "bw")
