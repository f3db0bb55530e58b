"""Critical exposure of subnetwork strata (Razor's Edge; docs/math.md §6).

For the square loss L_u(θ) = Q(f_θ − u), θ is critical iff f_θ − u ⊥_Q im dφ(θ).  A subnetwork stratum S
is **critically exposed** when U_S = ∪_{θ ∈ S} (f_θ + (im dφ(θ))^⊥) has non-empty interior: for a
positive-measure set of data the loss has critical points on S.

Test used here, for a coordinate stratum S = {θ_Z = 0} (see :mod:`.strata`): take a critical point θ' of
the *reduced* problem (the loss restricted to the free coordinates), lift it, θ = ι(θ'), and ask whether
∇_Z L(θ) = 0 too.  Then θ is a critical point of the full loss lying on S.

* MLP, inactive neuron (zero incoming row and outgoing column), σ(0) = 0: ∂L/∂W_ℓ[i, :] carries the factor
  W_{ℓ+1}[:, i] = 0 and ∂L/∂W_{ℓ+1}[:, i] carries σ(W_ℓ[i, :] h) = σ(0) = 0, so **every** critical point of
  the reduced network lifts — the stratum is critically exposed (Razor's Edge, MLP part of §4).
* CNN, zero-padded filter: the padded entry shares its filter with every output position, so
  ∂L/∂w_{ℓ,t} = 2 ⟨r, ∂f/∂w_{ℓ,t}⟩ is a generic linear functional of the residual; the lift is critical only
  on a measure-zero set of data (Razor's Edge Prop 4.5: CNN subnetworks are not critically exposed).

* MLP, merged (redundant) neurons i, j of layer ℓ (:class:`.strata.MergedStratum`): the lift ι_α copies
  the merged neuron's incoming row v to i and j and splits its outgoing column c into αc and (1 − α)c.  With
  δ the back-propagated residual at layer ℓ+1 and h the input of layer ℓ,
  ∂L/∂W_{ℓ+1}[:, i] = ∂L/∂W_{ℓ+1}[:, j] = Σ δ σ(v·h) = ∂L'/∂c and ∂L/∂W_ℓ[i, :] = α ∂L'/∂v,
  ∂L/∂W_ℓ[j, :] = (1 − α) ∂L'/∂v, every other partial derivative equals the reduced one (same function,
  same downstream weights).  So **every** critical point of the narrower network lifts to a critical point,
  for every σ and α — merged strata are critically exposed too (Razor's Edge: subnetworks of MLPs are
  critically exposed).  :func:`exact_exposure` decides it exactly over ℚ at each example.

Two computations:

* :func:`exact_exposure` — certified over ℚ.  Choose a rational point θ' and inputs X; pick a residual r
  in the left kernel of J_free = d(ev_X ∘ φ)(ι θ')[:, free] (exact, sympy) and set Y = f_θ(X) − r.  Then θ'
  is *exactly* a critical point of the reduced loss with residual r ≠ 0 (a genuine, non-interpolating
  critical point), and ∇_Z L(ι θ') = 2 J_Zᵀ r is computed exactly.
* :func:`exposure_probability` — Monte Carlo over random data (X, Y) ~ N(0, I): train the reduced network
  to a critical point (L-BFGS from ``restarts`` seeded initialisations), lift, test |∇_Z L| ≤ ``crit_tol``;
  the fraction of data sets with a critical lift and its 95 % Wilson interval.  Probabilistic (floats
  with a tolerance; a trial whose reduced training does not converge is reported, not counted).
"""

from __future__ import annotations

from dataclasses import dataclass
from fractions import Fraction

import numpy as np

from ..geometry.strata import CoordinateStratum, MergedStratum, default_stratum
from ..limits import check_count, check_seed
from ..parametrization import Float64, evaluate, jacobian
from ..parametrization.rationals import Rationals
from ..randomness import stream
from ..results import Result
from .losses import data_loss
from .objective import mse_and_gradient
from .statistics import wilson_interval

__all__ = ["ExposureCertificate", "ExposureEstimate", "exact_exposure", "exposure_probability"]


@dataclass(frozen=True)
class ExposureCertificate(Result):
    """Exact (over ℚ) verdict at one rational critical point of the reduced problem.

    docs/math.md §6 (Razor's Edge): θ is critical for L_u∘φ iff f_θ − u ⊥_Q im dφ(θ); a stratum is critically exposed
    when critical points of the reduced loss lift to critical points of the full loss for a positive-measure set
    of data (MLP strata: yes; CNN strata: no, Prop 4.5).
    """

    stratum: str
    reduced_critical: bool
    lift_critical: bool
    residual_norm2: Fraction
    removed_gradient: tuple  # ∇_Z L at the lift (merged: on the pair's rows and columns), exact
    certified: bool = True
    kind: str = "coordinate"  # "coordinate" (inactive neurons / padded filters) or "merged" (redundant pair)

    def to_dict(self) -> dict:
        return {"stratum": self.stratum, "reduced_critical": self.reduced_critical,
                "lift_critical": self.lift_critical, "residual_norm2": str(self.residual_norm2),
                "removed_gradient": [str(v) for v in self.removed_gradient], "certified": self.certified,
                "error_bound": 0.0 if self.certified else None, "kind": self.kind}

    def summary(self) -> str:
        verdict = "critical" if self.lift_critical else "NOT critical"
        nz = sum(1 for v in self.removed_gradient if v != 0)
        return (f"{self.stratum}: reduced point critical = {self.reduced_critical} (exact), residual |r|² = "
                f"{float(self.residual_norm2):.4g}; lift is {verdict} for the full network "
                f"({nz}/{len(self.removed_gradient)} {'merged-pair' if self.kind == 'merged' else 'removed-coordinate'} "
                f"gradient entries non-zero; certified over ℚ)")


@dataclass(frozen=True)
class ExposureEstimate(Result):
    """Monte-Carlo estimate of P(the stratum carries a critical point of the loss) over random data.

    The probability that the lift is critical (docs/math.md §6: critically exposed MLP strata give a positive
    probability, CNN strata 0 by Razor's Edge Prop 4.5), with the Wilson (1927) 95 % interval ``wilson95``.
    """

    stratum: str
    architecture: str
    trials: int
    converged: int
    exposed: int
    wilson95: tuple
    removed_gradients: tuple  # per converged trial: min over restarts of |∇_Z L|_∞
    crit_tol: float

    @property
    def fraction(self) -> float:
        return self.exposed / self.converged if self.converged else float("nan")

    def to_dict(self) -> dict:
        return {"stratum": self.stratum, "label": self.architecture, "trials": self.trials,
                "converged": self.converged, "exposed": self.exposed, "fraction": self.fraction,
                "wilson95": list(self.wilson95), "removed_gradients": list(self.removed_gradients),
                "crit_tol": self.crit_tol, "how": "probabilistic: Monte Carlo over data, float criticality test"}

    def summary(self) -> str:
        lo, hi = self.wilson95
        med = float(np.median(self.removed_gradients)) if self.removed_gradients else float("nan")
        return (f"{self.stratum}: critical lift in {self.exposed}/{self.converged} data sets "
                f"(= {self.fraction:.2f}, 95% Wilson [{lo:.2f}, {hi:.2f}]; {self.trials - self.converged} trials "
                f"without a converged reduced critical point; median |∇_removed L| = {med:.1e}, tol {self.crit_tol:g})")


def _left_kernel(A: np.ndarray) -> list:
    import sympy

    M = sympy.Matrix(A.shape[0], A.shape[1], [sympy.Rational(v.numerator, v.denominator) for v in A.ravel()])
    return M.T.nullspace()


def _neuron_coordinates(stratum: MergedStratum) -> list[int]:
    """Coordinates of the incoming rows (with biases) and outgoing columns of the merged pair i, j."""
    arch = stratum.architecture
    return sorted(set(arch.neuron_coordinates(stratum.layer, stratum.i)) | set(arch.neuron_coordinates(stratum.layer, stratum.j)))


#: Largest architecture (parameters) for the exact test over ℚ: (14,14,1) with 210 takes ~6 s, (20,20,1)
#: with 420 takes ~90 s on one core.
MAX_EXACT_PARAMS = 300


def exact_exposure(stratum: CoordinateStratum | MergedStratum, theta_free=None, X=None,
                   seed: int = 0) -> ExposureCertificate:
    """Certified test over ℚ that the lift of a critical point of the reduced loss is (or is not) critical.

    docs/math.md §6 (Razor's Edge): MLP subnetworks are critically exposed (the lift of every reduced critical point
    is critical when σ(0) = 0, and for merged neurons for every σ); CNN zero-padded strata are not (Prop 4.5).
    Exact over ℚ: ``certified``.

    Parameters
    ----------
    stratum: a :class:`CoordinateStratum` (e.g. :func:`.strata.mlp_stratum`, :func:`.strata.cnn_stratum`) —
        the reduced network is θ restricted to the free coordinates — or a :class:`MergedStratum`
        (:func:`.strata.merged_stratum`) — the reduced network is the narrower MLP, lifted by ι_α.
    theta_free: rational values of the reduced parameters (default: seeded non-zero integers in [−3, 3]).
    X: rational inputs (default: seeded integers in [−2, 2], enough rows that the reduced Jacobian has a
        left kernel).

    The residual r is a seeded combination of a basis of the left kernel of the reduced Jacobian, so the
    reduced point is exactly critical with f ≠ Y; the verdict comes from the full gradient 2 Jᵀ r at the lift,
    computed by :mod:`.losses` (an independent route).  ``removed_gradient``: the gradient on the removed
    coordinates (coordinate strata) or on the rows and columns of the merged pair (merged strata)."""
    arch = stratum.architecture
    if arch.n_params > MAX_EXACT_PARAMS:
        raise ValueError(
            f"Argument 'stratum': {arch!r} has {arch.n_params} parameters; the exact test over ℚ (Fraction "
            f"arithmetic, cubic in N) is refused above {MAX_EXACT_PARAMS} — use exposure_probability instead."
        )
    Q = Rationals()
    rng = stream(seed, "exposure.data")
    merged = isinstance(stratum, MergedStratum)
    reduced_arch = stratum.reduced_architecture if merged else arch
    size = reduced_arch.n_params if merged else stratum.free.size
    if theta_free is None:
        vals = rng.integers(1, 4, size=size) * rng.choice([-1, 1], size=size)
        theta_free = Q.asarray(vals)
    else:
        theta_free = Q.asarray(np.asarray(theta_free, dtype=object))
    if X is None:
        m = size // arch.output_dim + 2
        X = Q.asarray(rng.integers(-2, 3, size=(m, arch.input_dim)))
    else:
        X = Q.asarray(np.asarray(X, dtype=object))
    theta = stratum.lift(theta_free)
    if merged:
        J_red = jacobian(reduced_arch, theta_free, X, Q)
        f_red = evaluate(reduced_arch, theta_free, X, Q)
        if not np.array_equal(evaluate(arch, theta, X, Q), f_red):  # the lift computes the same function
            raise AssertionError("merged lift changed the function")  # pragma: no cover
    else:
        J_red = jacobian(arch, theta, X, Q)[:, stratum.free]
        f_red = evaluate(arch, theta, X, Q)
    kernel = _left_kernel(J_red)
    if not kernel:
        raise ValueError("Argument 'X': the reduced Jacobian has no left kernel; give more input points.")
    coeffs = rng.integers(-3, 4, size=len(kernel))
    if not coeffs.any():
        coeffs[0] = 1
    r = sum((int(c) * kvec for c, kvec in zip(coeffs, kernel)), kernel[0] * 0)
    R = np.array([Fraction(int(v.p), int(v.q)) for v in r], dtype=object).reshape(X.shape[0], arch.output_dim)
    Y = f_red - R
    g = data_loss(arch, X, Y).gradient(theta, Q)  # independent route: the loss module's 2 Jᵀ r
    if merged:
        reduced_critical = all(v == 0 for v in data_loss(reduced_arch, X, Y).gradient(theta_free, Q))
        removed = tuple(g[_neuron_coordinates(stratum)])
        lift_critical = all(v == 0 for v in g)
    else:
        mask = np.zeros(arch.n_params, dtype=bool)
        mask[list(stratum.zero)] = True
        reduced_critical = all(v == 0 for v in g[~mask])
        removed = tuple(g[mask])
        lift_critical = all(v == 0 for v in removed)
    return ExposureCertificate(stratum.label, reduced_critical, lift_critical,
                               sum((v * v for v in R.ravel()), Fraction(0)), removed,
                               kind="merged" if merged else "coordinate")


def exposure_probability(stratum: CoordinateStratum | MergedStratum | None = None, architecture=None,
                         trials: int = 20, n_data: int = 16, restarts: int = 2, seed: int = 0, crit_tol: float = 1e-6,
                         free_tol: float = 1e-7, progress: bool = False) -> ExposureEstimate:
    """Monte-Carlo estimate of P_{(X, Y) ~ N(0, I)}[the reduced critical point found by training lifts to a
    critical point of the full loss] with a 95 % Wilson interval (see the module docstring).

    A trial counts as exposed if, among ``restarts`` seeded L-BFGS runs of the reduced problem that reach
    |∇_free L|_∞ ≤ ``free_tol``·max(1, L), one has |∇_Z L|_∞ ≤ ``crit_tol`` at the lift.  Critical points
    with f_θ = 0 are discarded: they lie in φ^{−1}(0), which meets every stratum and where the CNN
    parametrisation is not regular (Prop 4.5 concerns the strata away from it).  For a
    :class:`MergedStratum` the reduced problem is the narrower MLP (all its coordinates free) and the test is
    |∇L(ι_α θ')|_∞ ≤ ``crit_tol`` on all coordinates."""
    from .end_points import refine_on_stratum

    if stratum is None:
        if architecture is None:
            raise ValueError("Argument 'stratum' or 'architecture' must be given.")
        stratum = default_stratum(architecture)
    arch = stratum.architecture
    check_count(trials, "trials", "MAX_TRIALS")
    check_count(n_data, "n_data", "MAX_SAMPLE_POINTS")
    check_count(restarts, "restarts", "MAX_STARTS")
    check_seed(seed)
    from ..architectures import Parameters

    merged = isinstance(stratum, MergedStratum)
    train_arch = stratum.reduced_architecture if merged else arch
    zeros = [] if merged else list(stratum.zero)
    mask = np.zeros(train_arch.n_params, dtype=bool)
    mask[zeros] = True
    converged = exposed = 0
    grads = []
    it = range(trials)
    if progress:
        import sys

        from tqdm import tqdm

        it = tqdm(it, desc="exposure", unit="trial", file=sys.stderr)
    for t in it:
        rng = stream(seed, "exposure.trial", t)
        X = rng.standard_normal((n_data, arch.input_dim))
        Y = rng.standard_normal((n_data, arch.output_dim))
        best = None
        for k in range(restarts):
            theta0 = Parameters.random(train_arch, seed=seed * 1000 + t * 10 + k, kind="float").flatten()
            th, g, loss = refine_on_stratum(train_arch, X, Y, theta0, zeros, max_iter=1000)
            trivial = float(np.max(np.abs(evaluate(train_arch, th, X, Float64())))) <= 1e-6  # f_θ = 0: φ^{-1}(0)
            if not trivial and float(np.max(np.abs(g[~mask]), initial=0.0)) <= free_tol * max(1.0, loss):
                if merged:
                    gz = float(np.max(np.abs(mse_and_gradient(arch, stratum.lift(th.astype(np.float64)), X, Y)[1])))
                else:
                    gz = float(np.max(np.abs(g[mask])))
                best = gz if best is None else min(best, gz)
        if best is not None:
            converged += 1
            grads.append(best)
            exposed += best <= crit_tol
    lo, hi = wilson_interval(exposed, converged)
    return ExposureEstimate(stratum.label, arch.describe(), trials, converged, exposed, (lo, hi), tuple(grads), crit_tol)
