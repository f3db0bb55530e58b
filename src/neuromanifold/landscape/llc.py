"""Local learning coefficients (singular learning theory; docs/math.md §7).

The learning coefficient (RLCT) λ of K(w) at w* is minus the largest pole of ζ(z) = ∫ K(w)^z ψ(w) dw; the
Bayesian free energy grows as n L_n(w*) + λ log n.  Smaller λ = simpler model (Occam's razor).

**Estimator** (Lau et al. 2023, "The local learning coefficient"):

    λ̂(w*) = nβ · ( E_w[L_n(w)] − L_n(w*) ),   nβ = n / log n,

where w is drawn from the localised tempered posterior p(w) ∝ exp(−nβ L_n(w) − (γ/2)|w − w*|²), sampled by
stochastic-gradient Langevin dynamics (full-batch here):

    w_{t+1} = w_t − (ε/2) ( nβ ∇L_n(w_t) + γ (w_t − w*) ) + N(0, ε I),

``chains`` independent chains started at w*, ``burn_in`` discarded steps, then ``draws`` steps averaged.
The reported value is the mean over chains with its standard error (spread between chains).

**Oracles** used in the tests:

* normal crossing K(w) = Π_i w_i^{2 p_i}: λ = 1/(2 max_i p_i) (Watanabe 2009; the finite-nβ value approaches
  it from below like 1/log nβ when the maximum is unique);
* regular directions: K(w) = |A w|² with rank A = k has λ = k/2, and so has any model whose Jacobian has
  locally constant rank k (docs/math.md §7) — e.g. a polynomial network at a generic zero-loss point, where
  k = rank dφ(w*) (computed exactly, :func:`rank_at`).  At subnetwork minima rank dφ drops and λ is
  expected to be smaller still (Occam's razor paper).

For a network and data (X, Y) with Gaussian noise of unit variance, L_n(w) = (1/2n) Σ_i |f_w(x_i) − y_i|².
"""

from __future__ import annotations

import math
from dataclasses import dataclass, replace

import numpy as np

from ..limits import MAX_SAMPLER_VALUES, check_count, check_seed
from ..parametrization import Float64, jacobian, require_torch
from ..randomness import stream
from ..results import Result
from .objective import mse
from .rlct import normal_crossing_loss, reduced_rank_loss, reduced_rank_rlct  # noqa: F401

__all__ = ["LLCEstimate", "estimate_llc", "network_llc", "normal_crossing_loss", "occam_comparison",
           "reduced_rank_rlct", "reduced_rank_loss", "reduced_rank_llc", "gauss_newton", "laplace_value",
           "well_conditioned_point", "NETWORK_DEFAULTS", "DAMPING_CANDIDATES"]


@dataclass(frozen=True)
class LLCEstimate(Result):
    """λ̂ (mean over chains), its standard error, the per-chain values and the sampler settings.

    λ̂ = nβ(E_w[L_n(w)] − L_n(w*)), nβ = n/log n, w sampled from the localised tempered posterior (Lau et al.
    2023; docs/math.md §7).  A statistical estimate, not a certificate: ``stderr`` is its standard error over chains.
    """

    llc: float
    stderr: float
    chains: tuple
    n: int
    n_beta: float
    step: float
    gamma: float
    draws: int
    burn_in: int
    rank: int | None = None  # rank dφ(w*) when known; rank/2 is the regular (constant-rank) value
    label: str = ""
    acceptance: float = 1.0  # fraction of accepted proposals (1 for plain SGLD)
    sampler: str = "sgld"  # "sgld" (unadjusted Langevin) or "mala" (Metropolis-adjusted)
    preconditioned: bool = False
    reference: float | None = None  # a closed-form / theorem value shown beside λ̂ (e.g. Aoyagi–Watanabe)
    laplace: float | None = None  # Σ ½ nβμ/(nβμ + γ) over the Gauss–Newton eigenvalues (quadratic model)
    damping: float | None = None  # κ of the preconditioner (nβF + κI)^{-1}, when used

    @property
    def usable(self) -> bool:
        """False when the chains never moved (MALA acceptance 0) or the estimate is not finite: then λ̂ means
        nothing and is reported as null."""
        import math

        return math.isfinite(self.llc) and not (self.sampler == "mala" and self.acceptance == 0)

    @property
    def warning(self) -> str | None:
        """Why the estimate should not be trusted, or None."""
        if not self.usable:
            return (f"no proposal accepted (acceptance {self.acceptance:.2f}, step {self.step:g}): the chains did not "
                    "move; lower --step" if self.sampler == "mala" else "the estimate is not finite (diverged)")
        if self.sampler == "mala" and self.acceptance < 0.2:
            return f"acceptance {self.acceptance:.2f} < 0.2: the chains may not have mixed"
        return None

    def to_dict(self) -> dict:
        return {"llc": self.llc if self.usable else None, "warning": self.warning, "stderr": self.stderr, "chains": list(self.chains), "n": self.n,
                "n_beta": self.n_beta, "step": self.step, "gamma": self.gamma, "draws": self.draws,
                "burn_in": self.burn_in, "rank": self.rank,
                "rank_over_2": None if self.rank is None else self.rank / 2, "label": self.label,
                "acceptance": self.acceptance, "sampler": self.sampler, "preconditioned": self.preconditioned,
                "reference": self.reference, "laplace": self.laplace, "damping": self.damping,
                "how": f"statistical estimate ({self.sampler.upper()}), not certified: ± is the standard error "
                       "between chains; rank is exact mod p (probabilistic)"}

    def summary(self) -> str:
        extra = "" if self.rank is None else f"   [rank dφ = {self.rank}, rank/2 = {self.rank / 2:g}]"
        if self.laplace is not None:
            extra += f"   [Laplace (quadratic) value {self.laplace:.3f}]"
        if self.warning:
            extra += f"   [WARNING: {self.warning}]"
        if self.reference is not None:
            extra += f"   [closed form λ = {self.reference:g}]"
        return f"{self.label + ': ' if self.label else ''}λ̂ = {self.llc:.3f} ± {self.stderr:.3f}{extra}"


def _check_pos(value, name, kind=float):
    if isinstance(value, bool) or not isinstance(value, (int, float) if kind is float else int) or not value > 0:
        raise ValueError(f"Argument '{name}' must be a positive {'number' if kind is float else 'int'}, got {value!r}.")


def estimate_llc(loss_fn, w_star, n: int, chains: int = 4, draws: int = 2000, burn_in: int = 500,
                 step: float = 1e-4, gamma: float = 1.0, seed: int = 0, progress: bool = False,
                 rank: int | None = None, label: str = "", batched: bool = False, preconditioner=None,
                 metropolis: bool = False) -> LLCEstimate:
    """λ̂ at ``w_star`` for a loss ``loss_fn``: torch tensor w of shape (d,) ↦ scalar L_n(w) — or, with
    ``batched=True``, shape (chains, d) ↦ (chains,) — see the module docstring for the estimator,
    nβ = n / log n, and the SGLD update.  Chains advance together, seeded by ``seed``.

    The estimator of Lau et al. (2023), docs/math.md §7: λ̂ = nβ(E_w[L_n(w)] − L_n(w*)) with nβ = n/log n; a
    statistical estimate (standard error over chains), not a certificate.

    ``preconditioner``: a symmetric positive definite (d × d) matrix P; the update becomes
    w ← w − (ε/2) P ∇U(w) + √ε P^{1/2} ξ with U = nβ L_n + (γ/2)|w − w*|², which has the same stationary
    law (Langevin diffusion with a constant metric, Girolami–Calderhead 2011).  ``metropolis=True`` adds the
    Metropolis–Hastings accept/reject step (MALA, Roberts–Tweedie 1996): the chain then samples the
    localised tempered posterior exactly, without the O(ε) discretisation bias of plain Langevin."""
    torch = require_torch()
    check_count(n, "n", "MAX_SAMPLE_SIZE", minimum=3)  # nβ = n / log n needs n >= 3
    check_count(chains, "chains", "MAX_CHAINS")
    check_count(draws, "draws", "MAX_DRAWS")
    check_count(burn_in, "burn_in", "MAX_DRAWS", minimum=0)
    check_seed(seed)
    _check_pos(step, "step")
    if isinstance(gamma, bool) or not isinstance(gamma, (int, float)) or not gamma >= 0:
        raise ValueError(f"Argument 'gamma' must be a non-negative number, got {gamma!r}.")
    n_beta = n / math.log(n)
    w0 = torch.as_tensor(np.asarray(w_star, dtype=np.float64))
    d = w0.shape[0]
    if chains * max(d, 1) > MAX_SAMPLER_VALUES:
        raise ValueError(f"Argument 'chains': {chains} chains × {d} parameters exceed {MAX_SAMPLER_VALUES} "
                         "(MAX_SAMPLER_VALUES) values held at once.")
    if preconditioner is not None:
        P = np.asarray(preconditioner, dtype=np.float64)
        if P.shape != (d, d) or not np.allclose(P, P.T):
            raise ValueError(f"Argument 'preconditioner' must be a symmetric ({d}, {d}) matrix.")
        try:
            Lc = np.linalg.cholesky(P)
        except np.linalg.LinAlgError:
            raise ValueError("Argument 'preconditioner' must be positive definite.") from None
        P_t, L_t, Linv_t = torch.as_tensor(P), torch.as_tensor(Lc), torch.as_tensor(np.linalg.inv(Lc))
    with torch.no_grad():
        l0 = float(loss_fn(w0[None])[0] if batched else loss_fn(w0))
    gen = torch.Generator().manual_seed(int(seed))
    bar = None
    if progress:
        import sys

        from tqdm import tqdm

        bar = tqdm(total=draws + burn_in, desc="SGLD", unit="step", file=sys.stderr, mininterval=0.5)
    sq = math.sqrt(step)
    totals = torch.zeros(chains, dtype=w0.dtype)
    accepted = torch.zeros(chains, dtype=w0.dtype)

    def losses(ws):
        if batched:
            return loss_fn(ws)
        return torch.stack([loss_fn(ws[c]) for c in range(chains)])

    def energy_and_grad(ws):
        ws = ws.detach().requires_grad_(True)
        vals = losses(ws)
        U = n_beta * vals + 0.5 * gamma * ((ws - w0) ** 2).sum(-1)
        (g,) = torch.autograd.grad(U.sum(), ws)
        return vals.detach(), U.detach(), g

    def drift(ws, g):
        return ws - 0.5 * step * (g @ P_t if preconditioner is not None else g)

    w = w0.expand(chains, -1).clone()
    vals, U, g = energy_and_grad(w)
    for t in range(burn_in + draws):
        noise = torch.randn(w.shape, generator=gen, dtype=w.dtype)
        prop = drift(w, g) + sq * (noise @ L_t.T if preconditioner is not None else noise)
        if not torch.isfinite(prop).all():
            raise ValueError(f"Argument 'step': SGLD diverged at step {t}; use a smaller step.")
        vals_p, U_p, g_p = energy_and_grad(prop)
        if metropolis:
            back = w - drift(prop, g_p)  # log q(w | w') − log q(w' | w), Gaussian with covariance ε P
            if preconditioner is not None:
                log_q = -((back @ Linv_t.T) ** 2).sum(-1) / (2 * step) + (noise ** 2).sum(-1) / 2
            else:
                log_q = -(back ** 2).sum(-1) / (2 * step) + (noise ** 2).sum(-1) / 2
            log_a = U - U_p + log_q
            u = torch.rand(chains, generator=gen, dtype=w.dtype)
            acc = torch.isfinite(log_a) & (torch.log(u) < log_a)
            accf = acc[:, None]
            w = torch.where(accf, prop, w)
            g = torch.where(accf, g_p, g)
            vals = torch.where(acc, vals_p, vals)
            U = torch.where(acc, U_p, U)
            if t >= burn_in:
                accepted += acc.to(w.dtype)
        else:
            w, vals, U, g = prop, vals_p, U_p, g_p
            if t >= burn_in:
                accepted += 1
        if t >= burn_in:
            totals += vals
        if bar is not None and t % 100 == 0:
            bar.update(min(100, burn_in + draws - t))
    if bar is not None:
        bar.close()
    per_chain = (n_beta * (totals / draws - l0)).tolist()
    vals_np = np.array(per_chain)
    stderr = float(vals_np.std(ddof=1) / math.sqrt(len(vals_np))) if len(vals_np) > 1 else float("nan")
    return LLCEstimate(float(vals_np.mean()), stderr, tuple(float(v) for v in vals_np), n, n_beta, step, gamma,
                       draws, burn_in, rank, label, float(accepted.mean() / draws),
                       "mala" if metropolis else "sgld", preconditioner is not None)


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
    _check_pos(damping, "damping")
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
        _check_pos(damping, "damping")
        kwargs["preconditioner"] = np.linalg.inv(n_beta * F + damping * np.eye(F.shape[0]))
    rank = None
    if with_rank:
        from .end_points import rank_at

        rank = rank_at(architecture, theta)
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
    from .end_points import rank_at

    X = stream(seed, "llc.data").standard_normal((64, architecture.input_dim))
    best, score = None, -1.0
    for k in range(tries):
        th = stream(seed, "llc.point", k).standard_normal(architecture.n_params)
        mu = np.sort(np.linalg.eigvalsh(gauss_newton(architecture, th, X)))[::-1]
        rk = rank_at(architecture, th)
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
