"""The SGLD/MALA local-learning-coefficient estimator on closed forms.

Stated tolerances: normal crossing K = w1² w2⁴ (λ = 1/(2 max p) = 1/4; the exact finite-nβ value at
nβ ≈ 988 is 0.225 by numerical integration) within 0.05; regular K = |Aw|², rank A = 2 (λ = k/2 = 1)
within 0.1.  Reduced-rank regression (Aoyagi–Watanabe 2005), nβ ≈ 8686, γ = 1, preconditioned MALA:
regular r = H within 0.1, singular cases (multiplicity 1) within 0.15 — the finite-nβ value approaches λ
from below (observed over seeds 0–2: 2.42–2.47 for λ = 5/2, 1.41–1.49 for λ = 3/2).  Polynomial MLP at a
well-conditioned generic teacher: within 0.1 of rank/2 (a theorem: constant rank); the linear MLP (2, 2, 3)
through the network path within 0.15 of Aoyagi–Watanabe (3 generic, 5/2 with a silent hidden unit)."""

import numpy as np
import pytest

torch = pytest.importorskip("torch")
torch.set_num_threads(1)

from fractions import Fraction as Fr  # noqa: E402

from neuromanifold import MLP  # noqa: E402
from neuromanifold.landscape.llc import (  # noqa: E402
    estimate_llc,
    network_llc,
    normal_crossing_loss,
    reduced_rank_llc,
    reduced_rank_rlct,
)
from neuromanifold.parametrization import Float64, evaluate  # noqa: E402


def test_normal_crossing():
    r = estimate_llc(normal_crossing_loss((1, 2)), np.zeros(2), 9000, chains=16, draws=20000, burn_in=2000,
                     step=2e-4, gamma=1.0, seed=0, batched=True)
    assert abs(r.llc - 0.25) <= 0.05


def test_regular_rank_two():
    A = torch.tensor([[1.0, 2, 0, 0], [0, 1, 1, 0]], dtype=torch.float64)
    r = estimate_llc(lambda w: ((w @ A.T) ** 2).sum(-1), np.zeros(4), 9000, chains=16, draws=3000, burn_in=500,
                     step=1e-5, seed=1, batched=True)
    assert abs(r.llc - 1.0) <= 0.1


def test_bad_arguments():
    with pytest.raises(ValueError, match="'n'"):
        estimate_llc(normal_crossing_loss((1,)), np.zeros(1), 2)
    with pytest.raises(ValueError, match="'powers'"):
        normal_crossing_loss((0,))


def test_mala_on_regular_quadratic():
    # the Metropolis-adjusted, preconditioned sampler on K = |Aw|² (λ = rank A / 2 = 1); with P = (nβ AᵀA·2 + I)^{-1}
    A = np.array([[1.0, 2, 0, 0], [0, 1, 1, 0]])
    At = torch.tensor(A)
    n = 9000
    nb = n / np.log(n)
    P = np.linalg.inv(nb * 2 * A.T @ A + np.eye(4))
    r = estimate_llc(lambda w: ((w @ At.T) ** 2).sum(-1), np.zeros(4), n, chains=8, draws=2000, burn_in=500,
                     step=0.5, seed=2, batched=True, preconditioner=P, metropolis=True)
    assert r.sampler == "mala" and 0.3 < r.acceptance <= 1
    # exact finite-nβ Gaussian value Σ ½ nβ·2μ/(nβ·2μ + 1) ≈ 1 − 3e-4
    assert abs(r.llc - 1.0) <= 0.1


def test_reduced_rank_formula_against_hand_values():
    # regular case r = H ≤ min(M, N): half the dimension H(M + N − H) of the rank-H matrices
    for M, N, H in [(3, 2, 1), (2, 3, 2), (4, 4, 2), (2, 5, 1), (3, 3, 3)]:
        assert reduced_rank_rlct(M, N, H, H)[0] == Fr(H * (M + N - H), 2)
    # M = N = H = 1, r = 0: K = (ab)², normal crossing a²b²: λ = 1/2 with multiplicity 2
    assert reduced_rank_rlct(1, 1, 1, 0) == (Fr(1, 2), 2)
    # M = 2, N = H = 1, r = 0: K = b²|a|², a ∈ ℝ²: λ = min(1/2, 2/2) = 1/2, multiplicity 1
    assert reduced_rank_rlct(2, 1, 1, 0) == (Fr(1, 2), 1)
    # M = N = 1, H = 2, r = 0: K = (a₁b₁ + a₂b₂)²; blow-up at 0 gives 4/4 = 1, the smooth quadric cone 1/2
    assert reduced_rank_rlct(1, 1, 2, 0)[0] == Fr(1, 2)
    # H ≥ M + N − r (case 4): λ = MN/2, the full matrix space is regular
    assert reduced_rank_rlct(1, 1, 3, 0) == (Fr(1, 2), 1)
    with pytest.raises(ValueError, match="'r'"):
        reduced_rank_rlct(2, 2, 1, 2)


# Aoyagi–Watanabe (2005), (M, N, H, r): case 1 (N + r ≤ M + H, M + r ≤ N + H, H + r ≤ M + N), M + N + H + r even:
# λ = [2(H + r)(M + N) − (M − N)² − (H + r)²]/8, multiplicity 1; case 3 (N + H < M + r): λ = (HN − Hr + Mr)/2.
@pytest.mark.parametrize("case,lam,kw,tol", [
    ((3, 2, 1, 1), Fr(2), dict(step=0.3, chains=8, draws=3000), 0.1),  # case 3: (2 − 1 + 3)/2 = 2 = rank/2 (regular)
    ((2, 3, 2, 1), Fr(5, 2), dict(draws=8000), 0.15),  # case 1: (2·3·5 − 1 − 9)/8 = 5/2 > rank/2 = 2
    ((2, 2, 2, 0), Fr(3, 2), dict(step=0.001, damping=1.0, draws=8000), 0.15),  # case 1: (2·2·4 − 0 − 4)/8 = 3/2
])
def test_llc_on_reduced_rank_regression(case, lam, kw, tol):
    assert reduced_rank_rlct(*case) == (lam, 1)
    r = reduced_rank_llc(*case, seed=0, **kw)
    assert r.reference == float(lam)
    assert abs(r.llc - float(lam)) <= tol, r.summary()


def test_network_llc_calibrated_generic_point():
    # MLP (2, 2, 1), σ = z³ + z² at the teacher W₁ = I, a = (1, −1): rank dφ = 6 = N, so λ = 3 (regular point);
    # the calibrated defaults reach it.
    X = np.random.default_rng(3).standard_normal((64, 2))
    arch = MLP((2, 2, 1), "z^3+z^2")
    w = np.array([1.0, 0, 0, 1, 1, -1])
    r = network_llc(arch, w, X, evaluate(arch, w, X, Float64()), seed=0)
    assert r.rank == 6 and abs(r.llc - 3.0) <= 0.1, r.summary()


def test_network_llc_linear_network_against_aoyagi_watanabe():
    # The linear MLP (2, 2, 3) is reduced-rank regression with M = 2, N = 3, H = 2.  Generic teacher (rank 2):
    # λ = H(M + N − H)/2 = 3; teacher with hidden unit 2 inactive (rank 1): λ = 5/2 (Aoyagi–Watanabe, case 1).
    lin = MLP((2, 2, 3), "z")
    A, B = np.eye(2), np.array([[1.0, 0], [0, 1], [1, 1]])
    X = np.random.default_rng(5).standard_normal((64, 2))
    for Bk, lam in ((B, 3.0), (B * [1, 0], 2.5)):
        Ak = A if lam == 3.0 else A * [[1], [0]]
        w = np.concatenate([Ak.ravel(), Bk.ravel()])
        r = network_llc(lin, w, X, evaluate(lin, w, X, Float64()), seed=0)
        assert abs(r.llc - lam) <= 0.15, r.summary()


def test_occam_subnetwork_minimum_below_generic():
    # Same MLP, teacher with neuron 2 inactive (a₂ = 0, w₂ = 0).  Hand derivation (occam_comparison docstring):
    # λ = 3/2 + λ(a²|w|⁴) = 2 with multiplicity 2, so the finite-nβ value lies below 2 (by ≈ 1/log nβ ≈ 0.11 to
    # leading order); rank dφ = 3 there, rank/2 = 1.5 is only a lower bound.  Tolerance: [1.6, 2.1].
    X = np.random.default_rng(3).standard_normal((64, 2))
    arch = MLP((2, 2, 1), "z^3+z^2")
    w = np.array([1.0, 0, 0, 0, 1, 0])
    r = network_llc(arch, w, X, evaluate(arch, w, X, Float64()), seed=0, draws=6000, burn_in=1500)
    assert r.rank == 3
    assert 1.6 <= r.llc <= 2.1, r.summary()


def test_llc_of_a_torch_model_on_its_data():
    """The one-line entry: a PyTorch model of MLP (2, 2, 1), σ = z³ + z², no bias, at the regular teacher W₁ = I,
    a = (1, −1) (rank dφ = 6 = N, so λ = 3, a theorem), data from a DataLoader.  With the data size as n the
    inverse temperature is nβ = m/log m (hand value); with n = 10⁵ the calibrated estimate reaches λ = 3."""
    import math

    from neuromanifold import llc
    from neuromanifold.nn import PolynomialActivation

    model = torch.nn.Sequential(torch.nn.Linear(2, 2, bias=False), PolynomialActivation("z^3+z^2"),
                                torch.nn.Linear(2, 1, bias=False)).double()
    with torch.no_grad():
        model[0].weight.copy_(torch.eye(2))
        model[2].weight.copy_(torch.tensor([[1.0, -1.0]]))
    X = torch.as_tensor(np.random.default_rng(3).standard_normal((64, 2)))
    Y = model(X).detach()
    data = torch.utils.data.DataLoader(torch.utils.data.TensorDataset(X, Y), batch_size=16)
    small = llc(model, (X, Y), draws=200, burn_in=100, chains=2)
    assert small.n == 64 and small.n_beta == pytest.approx(64 / math.log(64)) and small.rank == 6
    r = llc(model, data, n=100_000, seed=0)
    assert abs(r.llc - 3.0) <= 0.1, r.summary()
    with pytest.raises(ValueError, match="Argument 'data'"):
        llc(model, (X[:, :1], Y))
    with pytest.raises(TypeError, match="Argument 'data'"):
        llc(model, X)


def test_network_llc_refuses_a_gauss_newton_matrix_past_its_limit():
    # (100, 50, 1) has 100·50 + 50 = 5,050 > MAX_LLC_PARAMS parameters: refused before any N × N matrix exists
    from neuromanifold.landscape.llc import MAX_LLC_PARAMS, network_llc

    arch = MLP((100, 50, 1), 2)
    assert arch.n_params == 5050 > MAX_LLC_PARAMS
    with pytest.raises(ValueError, match="architecture.*MAX_LLC_PARAMS"):
        network_llc(arch, np.zeros(arch.n_params), np.zeros((3, 100)), np.zeros(3))
