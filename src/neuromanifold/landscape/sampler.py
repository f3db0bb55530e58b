"""The localised tempered-posterior sampler behind every learning-coefficient estimate (docs/math.md §7).

**Estimator** (Lau et al. 2023, "The local learning coefficient"):

    λ̂(w*) = nβ · ( E_w[L_n(w)] − L_n(w*) ),   nβ = n / log n,

where w is drawn from the localised tempered posterior p(w) ∝ exp(−nβ L_n(w) − (γ/2)|w − w*|²), sampled by
stochastic-gradient Langevin dynamics (full-batch here):

    w_{t+1} = w_t − (ε/2) ( nβ ∇L_n(w_t) + γ (w_t − w*) ) + N(0, ε I),

``chains`` independent chains started at w*, ``burn_in`` discarded steps, then ``draws`` steps averaged.
The reported value is the mean over chains with its standard error (spread between chains).  Optionally
preconditioned and Metropolis-adjusted (MALA).  Networks, data and the closed-form values live in
:mod:`neuromanifold.landscape.llc`; this module knows only a loss function of a parameter vector.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from ..limits import MAX_SAMPLER_VALUES, check_count, check_seed
from ..parametrization import require_torch
from ..results import Result

__all__ = ["LLCEstimate", "estimate_llc", "check_positive"]


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


def check_positive(value, name, kind=float):
    """ValueError naming ``name`` unless ``value`` is a positive number (``kind=int``: a positive int)."""
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
    check_positive(step, "step")
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


