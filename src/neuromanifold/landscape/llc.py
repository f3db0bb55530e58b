"""Local learning coefficients (singular learning theory; MATH.md §7).

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
  locally constant rank k (MATH.md §7) — e.g. a polynomial network at a generic zero-loss point, where
  k = rank dφ(w*) (computed exactly, :func:`rank_at`).  At subnetwork minima rank dφ drops and λ is
  expected to be smaller still (Occam's razor paper).

For a network and data (X, Y) with Gaussian noise of unit variance, L_n(w) = (1/2n) Σ_i |f_w(x_i) − y_i|².
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from .torch_backend import TorchNetwork, require_torch

__all__ = ["LLCEstimate", "estimate_llc", "network_llc", "normal_crossing_loss"]


@dataclass(frozen=True)
class LLCEstimate:
    """λ̂ (mean over chains), its standard error, the per-chain values and the sampler settings."""

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

    def to_dict(self) -> dict:
        return {"llc": self.llc, "stderr": self.stderr, "chains": list(self.chains), "n": self.n,
                "n_beta": self.n_beta, "step": self.step, "gamma": self.gamma, "draws": self.draws,
                "burn_in": self.burn_in, "rank": self.rank,
                "rank_over_2": None if self.rank is None else self.rank / 2, "label": self.label,
                "how": "statistical estimate (SGLD), not certified; rank is exact mod p (probabilistic)"}

    def summary(self) -> str:
        extra = "" if self.rank is None else f"   [rank dφ = {self.rank}, rank/2 = {self.rank / 2:g}]"
        return f"{self.label + ': ' if self.label else ''}λ̂ = {self.llc:.3f} ± {self.stderr:.3f}{extra}"


def _check_pos(value, name, kind=float):
    if isinstance(value, bool) or not isinstance(value, (int, float) if kind is float else int) or not value > 0:
        raise ValueError(f"Argument '{name}' must be a positive {'number' if kind is float else 'int'}, got {value!r}.")


def estimate_llc(loss_fn, w_star, n: int, chains: int = 4, draws: int = 2000, burn_in: int = 500,
                 step: float = 1e-4, gamma: float = 1.0, seed: int = 0, progress: bool = False,
                 rank: int | None = None, label: str = "", batched: bool = False) -> LLCEstimate:
    """λ̂ at ``w_star`` for a loss ``loss_fn``: torch tensor w of shape (d,) ↦ scalar L_n(w) — or, with
    ``batched=True``, shape (chains, d) ↦ (chains,) — see the module docstring for the estimator,
    nβ = n / log n, and the SGLD update.  Chains advance together, seeded by ``seed``."""
    torch = require_torch()
    _check_pos(n, "n", int)
    if n < 3:
        raise ValueError(f"Argument 'n' must be >= 3 (nβ = n / log n), got {n}.")
    for name in ("chains", "draws"):
        _check_pos({"chains": chains, "draws": draws}[name], name, int)
    if isinstance(burn_in, bool) or not isinstance(burn_in, int) or burn_in < 0:
        raise ValueError(f"Argument 'burn_in' must be a non-negative int, got {burn_in!r}.")
    _check_pos(step, "step")
    if isinstance(gamma, bool) or not isinstance(gamma, (int, float)) or gamma < 0:
        raise ValueError(f"Argument 'gamma' must be a non-negative number, got {gamma!r}.")
    n_beta = n / math.log(n)
    w0 = torch.as_tensor(np.asarray(w_star, dtype=np.float64))
    with torch.no_grad():
        l0 = float(loss_fn(w0[None])[0] if batched else loss_fn(w0))
    gen = torch.Generator().manual_seed(int(seed))
    bar = None
    if progress:
        import sys

        from tqdm import tqdm

        bar = tqdm(total=draws + burn_in, desc="SGLD", unit="step", file=sys.stderr, mininterval=0.5)
    sq = math.sqrt(step)
    w = w0.expand(chains, -1).clone().requires_grad_(True)  # all chains advance together
    totals = torch.zeros(chains, dtype=w0.dtype)

    def losses(ws):
        if batched:
            return loss_fn(ws)
        return torch.stack([loss_fn(ws[c]) for c in range(chains)])

    for t in range(burn_in + draws):
        vals_t = losses(w)
        (g,) = torch.autograd.grad(vals_t.sum(), w)
        with torch.no_grad():
            if t >= burn_in:
                totals += vals_t.detach()
            noise = torch.randn(w.shape, generator=gen, dtype=w.dtype)
            w -= 0.5 * step * (n_beta * g + gamma * (w - w0))
            w += sq * noise
            if not torch.isfinite(w).all():
                raise ValueError(f"Argument 'step': SGLD diverged at step {t}; use a smaller step.")
        if bar is not None and t % 100 == 0:
            bar.update(min(100, burn_in + draws - t))
    if bar is not None:
        bar.close()
    per_chain = (n_beta * (totals / draws - l0)).tolist()
    vals = np.array(per_chain)
    stderr = float(vals.std(ddof=1) / math.sqrt(len(vals))) if len(vals) > 1 else float("nan")
    return LLCEstimate(float(vals.mean()), stderr, tuple(float(v) for v in vals), n, n_beta, step, gamma, draws,
                       burn_in, rank, label)


def normal_crossing_loss(powers):
    """K(w) = Π_i w_i^{2 p_i} (λ = 1/(2 max p_i)) as a torch function of w."""
    powers = [int(p) for p in powers]
    if not powers or any(p < 1 for p in powers):
        raise ValueError(f"Argument 'powers' must be positive ints, got {powers!r}.")

    def K(w):  # w: (..., d); batched-friendly
        out = 1.0
        for i, p in enumerate(powers):
            out = out * w[..., i] ** (2 * p)
        return out

    return K


def network_llc(architecture, theta_star, X, Y, n: int | None = None, with_rank: bool = True, **kwargs) -> LLCEstimate:
    """λ̂ of L_n(w) = (1/2n) Σ_i |f_w(x_i) − y_i|² at θ* for an MLP or CNN (float data), with the exact
    rank of dφ(θ*) (mod p at random inputs; a lower bound on the rank over ℚ, equal with high probability)
    so that rank/2 — the value for a locally constant-rank (regular) point — is shown beside λ̂.
    ``n`` defaults to the number of samples; other keyword arguments go to :func:`estimate_llc`."""
    torch = require_torch()
    from ..architectures import Parameters

    theta = theta_star.flatten() if isinstance(theta_star, Parameters) else np.asarray(theta_star, dtype=np.float64)
    X = np.asarray(X, dtype=np.float64)
    Y = np.asarray(Y, dtype=np.float64).reshape(X.shape[0], -1)
    net = TorchNetwork(architecture)
    Xt, Yt = torch.as_tensor(X), torch.as_tensor(Y)
    m = X.shape[0]

    def loss(w):
        return ((net(w, Xt) - Yt) ** 2).sum() / (2 * m)

    rank = None
    if with_rank:
        from .training import rank_at

        rank = rank_at(architecture, theta)
    kwargs.setdefault("label", architecture.describe())
    return estimate_llc(loss, theta, n if n is not None else m, rank=rank, **kwargs)


def occam_comparison(architecture=None, n: int = 2000, m: int = 64, seed: int = 0, **kwargs) -> list[LLCEstimate]:
    """λ̂ at a generic zero-loss point and at a subnetwork zero-loss point (one inactive neuron) of the same
    architecture (default MLP (2, 2, 1), σ = z³ + z²), each with rank dφ(w*) beside it.  Data: m Gaussian
    inputs, Y = f_{w*}(X) (realisable, L_n(w*) = 0).  Occam's razor: λ̂ is expected to be ≈ rank/2 at the
    generic point and smaller at the subnetwork point."""
    from ..architectures import MLP, Parameters
    from ..parametrization import Float64, evaluate
    from .strata import default_stratum

    arch = architecture or MLP((2, 2, 1), "z^3+z^2")
    rng = np.random.default_rng([seed, 11])
    X = rng.standard_normal((m, arch.input_dim))
    generic = Parameters.random(arch, seed=seed, kind="float").flatten()
    sub = generic.copy()
    sub[list(default_stratum(arch).zero)] = 0.0
    out = []
    for name, w in (("generic minimum", generic), ("subnetwork minimum", sub)):
        Y = evaluate(arch, w, X, Float64())
        out.append(network_llc(arch, w, X, Y, n=n, seed=seed, label=f"{arch.describe()} {name}", **kwargs))
    return out
