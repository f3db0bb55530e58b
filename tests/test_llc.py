"""The SGLD local-learning-coefficient estimator on closed forms.

Stated tolerances: normal crossing K = w1² w2⁴ (λ = 1/(2 max p) = 1/4; the exact finite-nβ value at
nβ ≈ 988 is 0.225 by numerical integration) within 0.05; regular K = |Aw|², rank A = 2 (λ = k/2 = 1)
within 0.1."""

import numpy as np
import pytest

torch = pytest.importorskip("torch")
torch.set_num_threads(1)

from neuromanifold.landscape.llc import estimate_llc, normal_crossing_loss  # noqa: E402


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
