"""Local learning coefficients (singular learning theory; docs/math.md §7).

The learning coefficient (RLCT) λ of K(w) at w* is minus the largest pole of ζ(z) = ∫ K(w)^z ψ(w) dw; the
Bayesian free energy grows as n L_n(w*) + λ log n.  Smaller λ = simpler model (Occam's razor).

**Estimator** (Lau et al. 2023): λ̂(w*) = nβ(E_w[L_n(w)] − L_n(w*)), nβ = n/log n, w drawn from the localised
tempered posterior by (preconditioned, Metropolis-adjusted) Langevin dynamics — the sampler is
:mod:`neuromanifold.landscape.sampler`; this module puts networks, data and closed-form values around it.
:func:`llc` is the one-line entry for a trained PyTorch model and its data, in the style of devinterp's
``estimate_learning_coeff``.

**Oracles** used in the tests:

* normal crossing K(w) = Π_i w_i^{2 p_i}: λ = 1/(2 max_i p_i) (Watanabe 2009; the finite-nβ value approaches
  it from below like 1/log nβ when the maximum is unique);
* regular directions: K(w) = |A w|² with rank A = k has λ = k/2, and so has any model whose Jacobian has
  locally constant rank k (docs/math.md §7) — e.g. a polynomial network at a generic zero-loss point, where
  k = rank dφ(w*) (:func:`~neuromanifold.landscape.end_points.point_rank`: over ℚ when its certificate holds,
  otherwise a mod-p lower bound that is exact with high probability).  At subnetwork minima rank dφ drops and λ is
  expected to be smaller still (Occam's razor paper).

For a network and data (X, Y) with Gaussian noise of unit variance, L_n(w) = (1/2n) Σ_i |f_w(x_i) − y_i|².
"""

from __future__ import annotations

import math
from dataclasses import replace

import numpy as np

from ..limits import check_architecture
from ..parametrization import Float64, jacobian, require_torch
from ..randomness import stream
from .objective import mse
from .rlct import normal_crossing_loss, reduced_rank_loss, reduced_rank_rlct  # noqa: F401
from .sampler import LLCEstimate, check_positive, estimate_llc

__all__ = ["LLCEstimate", "estimate_llc", "llc", "network_llc", "normal_crossing_loss", "occam_comparison",
           "reduced_rank_rlct", "reduced_rank_loss", "reduced_rank_llc", "gauss_newton", "laplace_value",
           "well_conditioned_point", "NETWORK_DEFAULTS", "DAMPING_CANDIDATES"]


def reduced_rank_llc(M: int, N: int, H: int, r: int, n: int = 100_000, gamma: float = 1.0, damping: float = 100.0,
                     step: float = 0.05, chains: int = 16, draws: int = 4000, burn_in: int = 1000, seed: int = 0,
                     **kwargs) -> LLCEstimate:
    """λ̂ for reduced-rank regression K(w) = ½‖BA − C‖²_F (:func:`reduced_rank_loss`) at w* = (A*, B*) with
    A* = [I_r 0; 0 0] ∈ ℝ^{H×M}, B* = [I_r 0; 0 0] ∈ ℝ^{N×H} (C = B*A* of rank r; the H − r extra hidden
    units are silent), beside the Aoyagi–Watanabe value (:func:`reduced_rank_rlct`, ``reference``).  The
    theorem's λ is the minimum of the local coefficients over the fibre {BA = C}; the silent-unit point is
    the most degenerate point of the fibre, where we compare.  Sampler: MALA preconditioned by
    (nβ F + ``damping``·I)^{-1}, F = JᵀJ the Gauss–Newton matrix of w ↦ BA at w* (an estimate, not certified)."""
    lam, _ = reduced_rank_rlct(M, N, H, r)
    A = np.zeros((H, M))
    B = np.zeros((N, H))
    for i in range(r):
        A[i, i] = B[i, i] = 1.0
    w = np.concatenate([A.ravel(), B.ravel()])
    # J = ∂ vec(BA)/∂(vec A, vec B): d(BA) = B dA + dB A
    J = np.hstack([np.kron(B, np.eye(M)), np.kron(np.eye(N), A.T)])
    check_positive(damping, "damping")
    n_beta = n / math.log(n)
    P = np.linalg.inv(n_beta * (J.T @ J) + damping * np.eye(w.size))
    kwargs.setdefault("label", f"reduced-rank regression M={M}, N={N}, H={H}, r={r}")
    kwargs.setdefault("metropolis", True)
    est = estimate_llc(reduced_rank_loss(B @ A, H), w, n, chains=chains, draws=draws, burn_in=burn_in, step=step,
                       gamma=gamma, seed=seed, batched=True, preconditioner=P, rank=int(np.linalg.matrix_rank(J)),
                       **kwargs)
    return replace(est, reference=float(lam), laplace=laplace_value(J.T @ J, n_beta, gamma))


def gauss_newton(architecture, theta, X) -> np.ndarray:
    """F = (1/m) JᵀJ, J = ∂(f_θ(x_i))_i / ∂θ at θ (float): the Gauss–Newton matrix (= Hessian at a zero-loss
    point) of L_n(θ) = (1/2m) Σ |f_θ(x_i) − y_i|².

    For enough generic inputs rank F = rank dφ(θ) (docs/math.md §2), and λ = rank/2 where that rank is locally
    constant (docs/math.md §7).
    """
    X = np.asarray(X, dtype=np.float64)
    J = jacobian(architecture, np.asarray(theta, dtype=np.float64), X, Float64())
    return (J.T @ J) / X.shape[0]


def laplace_value(F, n_beta: float, gamma: float, tol: float = 1e-12) -> float:
    """Σ_i ½ nβ μ_i / (nβ μ_i + γ) over the eigenvalues μ_i > tol·max μ of F: the exact value of
    nβ E[L_n − L_n(w*)] for the quadratic model L_n ≈ L_n(w*) + ½ δᵀFδ under the localised tempered posterior
    (a Gaussian).  It tends to rank(F)/2 as nβ μ_min / γ → ∞; its distance from rank/2 is the bias that the
    localisation alone causes at a regular point.

    docs/math.md §7: where rank dφ is locally constant k, λ = k/2; this is the finite-nβ version of that value for
    the estimator of Lau et al.
    """
    mu = np.linalg.eigvalsh(np.asarray(F, dtype=np.float64))
    mu = mu[mu > tol * max(float(mu.max()), 1e-300)]
    return float(np.sum(0.5 * n_beta * mu / (n_beta * mu + gamma)))


#: Calibrated settings of :func:`network_llc` (docs/landscape.md, "Calibration"): nβ = n/log n ≈ 8686,
#: γ = 1, MALA preconditioned by (nβ F + 100 I)^{-1}, step 0.3.
NETWORK_DEFAULTS = {"n": 100_000, "gamma": 1.0, "step": 0.3, "damping": "auto", "chains": 8, "draws": 4000,
                    "burn_in": 1000, "metropolis": True}
#: Largest parameter count of :func:`network_llc`: it builds and inverts the N × N Gauss–Newton preconditioner
#: (200 MB of float64 at 5,000) and multiplies by it at every step of every chain.
MAX_LLC_PARAMS = 5_000

#: ``damping="auto"``: the first of these whose pilot run (300 + 200 steps) has MALA acceptance ≥ 0.5 (else the best).
DAMPING_CANDIDATES = (100.0, 1_000.0, 10_000.0)


def network_llc(architecture, theta_star, X, Y, n: int | None = NETWORK_DEFAULTS["n"], with_rank: bool = True,
                precondition: bool = True, damping=NETWORK_DEFAULTS["damping"], **kwargs) -> LLCEstimate:
    """λ̂ of L_n(w) = (1/2m) Σ_i |f_w(x_i) − y_i|² (m samples) at θ* for an MLP or CNN (float data), with the
    exact rank of dφ(θ*) (mod p at random inputs; a lower bound on the rank over ℚ, equal with high
    probability) so that rank/2 — the value at a locally constant-rank (regular) point — is shown beside λ̂,
    and the Laplace value Σ ½ nβμ_i/(nβμ_i + γ) of the Gauss–Newton matrix F (:func:`laplace_value`).

    docs/math.md §7: λ = rank/2 where rank dφ is locally constant (Watanabe 2009); at subnetworks (critical points of
    φ) λ is expected to be smaller (Occam's razor paper).  λ̂ is an estimate (Lau et al. 2023), rank dφ
    probabilistic mod p.

    Calibrated defaults (:data:`NETWORK_DEFAULTS`): n = 10⁵ (for noiseless data n only sets the
    temperature nβ = n/log n), γ = 1, Metropolis-adjusted Langevin (exact for the localised tempered
    posterior) preconditioned by P = (nβ F + ``damping``·I)^{-1}, step 0.3, 8 chains × 4000 draws after 1000
    burn-in.  ``damping="auto"`` picks it from :data:`DAMPING_CANDIDATES` by short pilot runs (100 suits
    isolated singular points; curved positive-dimensional fibres, e.g. filling architectures, need 10⁴).
    The preconditioner and step change only the speed of mixing, not the law sampled (the final run is a
    fresh chain with a fixed P).  ``n=None`` uses the number of samples.  Other keyword arguments go to
    :func:`estimate_llc`."""
    if check_architecture(architecture).n_params > MAX_LLC_PARAMS:
        raise ValueError(f"Argument 'architecture' {architecture!r} has {architecture.n_params} parameters; "
                         "network_llc builds and inverts an N × N Gauss–Newton matrix and is refused above "
                         f"{MAX_LLC_PARAMS} (MAX_LLC_PARAMS).")
    torch = require_torch()
    from ..architectures import Parameters

    theta = theta_star.flatten() if isinstance(theta_star, Parameters) else np.asarray(theta_star, dtype=np.float64)
    X = np.asarray(X, dtype=np.float64)
    Y = np.asarray(Y, dtype=np.float64).reshape(X.shape[0], -1)
    Xt, Yt = torch.as_tensor(X), torch.as_tensor(Y)
    m = X.shape[0]
    n = n if n is not None else m

    def loss(w):  # batched: (chains, N) -> (chains,)
        return mse(architecture, w, Xt, Yt) / 2

    for key in ("gamma", "step", "chains", "draws", "burn_in", "metropolis"):
        kwargs.setdefault(key, NETWORK_DEFAULTS[key])
    F = gauss_newton(architecture, theta, X)
    n_beta = n / math.log(n)
    if precondition:
        if damping == "auto":
            best = None
            for cand in DAMPING_CANDIDATES:
                P = np.linalg.inv(n_beta * F + cand * np.eye(F.shape[0]))
                pilot = estimate_llc(loss, theta, n, chains=kwargs["chains"], draws=200, burn_in=300,
                                     step=kwargs["step"], gamma=kwargs["gamma"], seed=kwargs.get("seed", 0) + 7919,
                                     batched=True, preconditioner=P, metropolis=True)
                if best is None or pilot.acceptance > best[0]:
                    best = (pilot.acceptance, cand)
                if pilot.acceptance >= 0.5:
                    best = (pilot.acceptance, cand)
                    break
            damping = best[1]
        check_positive(damping, "damping")
        kwargs["preconditioner"] = np.linalg.inv(n_beta * F + damping * np.eye(F.shape[0]))
    rank = None
    if with_rank:
        from .end_points import point_rank

        rank = point_rank(architecture, theta).rank
    kwargs.setdefault("label", architecture.describe())
    est = estimate_llc(loss, theta, n, rank=rank, batched=True, **kwargs)
    return replace(est, laplace=laplace_value(F, n_beta, est.gamma), damping=damping if precondition else None)


def well_conditioned_point(architecture, seed: int = 0, tries: int = 16) -> np.ndarray:
    """A generic parameter point with well-spread Jacobian: among ``tries`` seeded draws with N(0, 1) entries
    (no fan-in scaling), the one maximising μ_rank/μ_max of the Gauss–Newton matrix at 64 Gaussian inputs.
    Default-initialised points of small networks are often nearly singular (μ_min/μ_max ~ 10⁻⁶ for
    MLP (2, 2, 1)), and then no feasible nβ reaches the asymptotic regime.

    Used to pick a regular teacher w*, where λ = rank dφ(w*)/2 (docs/math.md §7).
    """
    from .end_points import point_rank

    X = stream(seed, "llc.data").standard_normal((64, architecture.input_dim))
    best, score = None, -1.0
    for k in range(tries):
        th = stream(seed, "llc.point", k).standard_normal(architecture.n_params)
        mu = np.sort(np.linalg.eigvalsh(gauss_newton(architecture, th, X)))[::-1]
        rk = point_rank(architecture, th).rank
        s = float(mu[rk - 1] / mu[0]) if rk else 0.0
        if s > score:
            best, score = th, s
    return best


def occam_comparison(architecture=None, teacher=None, m: int = 64, seed: int = 0, **kwargs) -> list[LLCEstimate]:
    """λ̂ at a generic zero-loss point and at a subnetwork zero-loss point (one inactive neuron: the
    teacher with the stratum's weights set to 0) of the same architecture, each with rank dφ(w*) and the
    Laplace value beside it.  Default: MLP (2, 2, 1), σ = z³ + z², teacher W₁ = I, a = (1, −1); otherwise
    ``teacher`` or :func:`well_conditioned_point`.  Data: m Gaussian inputs, Y = f_{w*}(X) (realisable,
    L_n(w*) = 0).  Calibrated sampler settings of :func:`network_llc`.

    docs/math.md §7 (Occam's razor paper: smaller λ = simpler model; λ = k/2 at points of locally constant rank k,
    smaller at subnetworks).

    Expected (Occam's razor): at the generic point λ = rank/2 (constant rank); at the subnetwork point of the
    default MLP, λ = 2 with multiplicity 2, by hand: near w*, L ≍ |δ|² + a₂² Q(w₂) with δ the 3 regular
    coordinates (a₁, w₁) and Q a positive definite quartic (a₂σ(w₂·x) = a₂(w₂·x)² + …, and no quadratic form
    lies in the tangent space, whose elements have a non-zero cubic part), so λ = 3/2 + λ(a²|w|⁴) =
    3/2 + 1/2 — above rank/2 = 3/2, below the generic 3.  With multiplicity 2 the finite-nβ value lies below
    λ by ≈ 1/log nβ."""
    from ..architectures import MLP
    from ..geometry.strata import default_stratum
    from ..parametrization import Float64, evaluate

    arch = architecture or MLP((2, 2, 1), "z^3+z^2")
    if teacher is not None:
        generic = np.asarray(teacher, dtype=np.float64)
    elif architecture is None:
        generic = np.array([1.0, 0.0, 0.0, 1.0, 1.0, -1.0])
    else:
        generic = well_conditioned_point(arch, seed=seed)
    rng = stream(seed, "llc.teacher")
    X = rng.standard_normal((m, arch.input_dim))
    sub = generic.copy()
    sub[list(default_stratum(arch).zero)] = 0.0
    kwargs.setdefault("draws", 10_000)
    kwargs.setdefault("burn_in", 2500)
    out = []
    for name, w in (("generic minimum", generic), ("subnetwork minimum", sub)):
        Y = evaluate(arch, w, X, Float64())
        out.append(network_llc(arch, w, X, Y, seed=seed, label=f"{arch.describe()} {name}", **kwargs))
    return out


def _data_arrays(data) -> tuple[np.ndarray, np.ndarray]:
    """(X, Y) as float64 arrays from a pair of arrays/tensors, a ``TensorDataset`` or a ``DataLoader``."""
    def array(t):
        t = t.detach().cpu().numpy() if hasattr(t, "detach") else t
        return np.asarray(t, dtype=np.float64)

    if hasattr(data, "tensors") and len(data.tensors) >= 2:  # torch.utils.data.TensorDataset
        X, Y = data.tensors[0], data.tensors[1]
    elif hasattr(data, "dataset") and hasattr(data, "__iter__"):  # a DataLoader: every batch, once
        xs, ys = [], []
        for batch in data:
            xs.append(array(batch[0]))
            ys.append(array(batch[1]))
        if not xs:
            raise ValueError("Argument 'data' is an empty DataLoader.")
        X, Y = np.concatenate(xs), np.concatenate(ys)
    elif isinstance(data, (tuple, list)) and len(data) == 2:
        X, Y = data
    else:
        raise TypeError("Argument 'data' must be a pair (X, Y) of arrays or tensors, a TensorDataset or a DataLoader, "
                        f"got {type(data).__name__}.")
    X, Y = array(X), array(Y)
    if X.ndim != 2 or X.shape[0] < 3 or Y.shape[0] != X.shape[0]:
        raise ValueError(f"Argument 'data': X must be (m, d_0) with m >= 3 samples and Y must have m rows; got X of "
                         f"shape {X.shape} and Y of shape {Y.shape}.")
    return X, Y.reshape(X.shape[0], -1)


def llc(model, data, activation=None, n: int | None = None, **kwargs) -> LLCEstimate:
    """λ̂ of a trained model at its weights on its data, in one line (devinterp style)::

        est = neuromanifold.llc(model, (X, Y))          # or a TensorDataset / DataLoader
        print(est)                                      # λ̂ ± stderr [rank dφ, rank/2, Laplace value]

    ``model``: a PyTorch module of ``nn.Linear`` layers and polynomial activations (read by
    :func:`neuromanifold.from_torch`, ``activation`` as there) or a float :class:`~neuromanifold.Parameters`.
    ``data``: the training set.  The loss is L_n(w) = (1/2m) Σ_i |f_w(x_i) − y_i|² (Gaussian noise of unit variance)
    and the inverse temperature is nβ = n/log n with n = m, the number of samples — the data size, as devinterp's
    default does for full-batch sampling — unless ``n`` is given.  The sampler settings are
    :data:`NETWORK_DEFAULTS` (MALA preconditioned by the Gauss–Newton matrix, docs/landscape.md "Calibration");
    other keyword arguments go to :func:`network_llc` (``chains``, ``draws``, ``burn_in``, ``step``, ``gamma``,
    ``seed``, ``progress``, ``with_rank``).  An estimate with its standard error over chains (docs/math.md §7),
    not a certificate; rank dφ beside it is exact mod p."""
    from ..architectures import Parameters
    from .objective import model_parameters

    params = model_parameters(model, activation)
    if params.kind != "float":
        params = Parameters(params.architecture, [np.asarray(w, dtype=np.float64) for w in params.weights],
                            None if params.biases is None else [np.asarray(b, dtype=np.float64) for b in params.biases])
    X, Y = _data_arrays(data)
    arch = params.architecture
    if X.shape[1] != arch.input_dim or Y.shape[1] != arch.output_dim:
        raise ValueError(f"Argument 'data': the model maps R^{arch.input_dim} → R^{arch.output_dim}, but X has "
                         f"{X.shape[1]} columns and Y has {Y.shape[1]}.")
    return network_llc(arch, params.flatten(), X, Y, n=n if n is not None else X.shape[0], **kwargs)
