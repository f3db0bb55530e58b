"""The PyTorch on-ramp (neuromanifold.nn): models in, models out, state dicts through --weights.

Oracle: the model's own torch forward pass against the project's network algebra (independent code), and
hand-built weights whose subnetwork structure is known.
"""

import json
import subprocess
import sys

import numpy as np
import pytest
import torch

import neuromanifold as nm
from neuromanifold import MLP, Float64, evaluate
from neuromanifold.nn import PolynomialActivation, from_state_dict, from_torch, to_torch


def model(bias=True, act="z^3 + z^2"):
    torch.manual_seed(0)
    return torch.nn.Sequential(torch.nn.Linear(3, 4, bias=bias), PolynomialActivation(act),
                               torch.nn.Linear(4, 2, bias=bias))


@pytest.mark.parametrize("bias", [True, False])
def test_from_torch_computes_the_same_function(bias):
    m = model(bias)
    W = nm.from_torch(m)  # the top-level name, imported lazily
    assert W.architecture == MLP((3, 4, 2), "z^3 + z^2", bias=bias)
    x = np.random.default_rng(0).standard_normal((7, 3))
    want = m.double()(torch.tensor(x)).detach().numpy()
    assert np.allclose(evaluate(W.architecture, W, x, Float64()), want, rtol=1e-12, atol=1e-12)
    back = to_torch(W)
    assert torch.allclose(back(torch.tensor(x)), torch.tensor(want))


def test_a_trained_model_with_grad_and_a_dead_neuron():
    m = model()
    opt = torch.optim.SGD(m.parameters(), lr=1e-3)
    x, y = torch.randn(16, 3), torch.randn(16, 2)
    for _ in range(3):
        opt.zero_grad()
        ((m(x) - y) ** 2).mean().backward()
        opt.step()
    with torch.no_grad():
        m[2].weight[:, 1] = 0.0  # neuron 1 of the hidden layer: zero outgoing column, inactive
    W = from_torch(m)  # parameters require grad: no error
    assert nm.detect_subnetwork(W).inactive == ((1, 1),)


def test_state_dicts_carry_the_activation():
    sd = model(act=2).state_dict()
    assert "1.coefficients" in sd
    assert from_state_dict(sd).architecture == MLP((3, 4, 2), 2, bias=True)


def test_modules_that_are_not_polynomial_need_activation():
    m = torch.nn.Sequential(torch.nn.Linear(2, 3), torch.nn.Tanh(), torch.nn.Linear(3, 1))
    with pytest.raises(ValueError, match="activation="):
        from_torch(m)
    assert from_torch(m, activation=2).architecture == MLP((2, 3, 1), 2, bias=True)
    with pytest.raises(TypeError, match="'module'"):
        from_torch([1, 2])
    mixed = torch.nn.Sequential(torch.nn.Linear(2, 3), PolynomialActivation(2), torch.nn.Linear(3, 1, bias=False))
    with pytest.raises(ValueError, match="some linear layers have a bias"):
        from_torch(mixed)


def test_weights_pt_and_npz_through_the_cli(tmp_path):
    m = model(act=3)
    with torch.no_grad():
        m[2].weight[:, 3] = 0.0
    torch.save(m.state_dict(), tmp_path / "model.pt")
    np.savez(tmp_path / "model.npz", **{k: v.numpy() for k, v in m.state_dict().items()})
    for name in ("model.pt", "model.npz"):
        out = subprocess.run([sys.executable, "-m", "neuromanifold", "critical", "--weights", str(tmp_path / name),
                              "--json"], capture_output=True, text=True, timeout=300)
        assert out.returncode == 0, out.stderr
        rec = json.loads(out.stdout)
        assert rec["architecture"]["widths"] == [3, 4, 2] and rec["subnetwork"]["inactive"] == [[1, 3]]
        assert rec["certified"] and rec["input"] == "float"
    torch.save(m, tmp_path / "module.pt")  # a whole pickled module: refused by the safe loader, one line
    out = subprocess.run([sys.executable, "-m", "neuromanifold", "critical", "--weights", str(tmp_path / "module.pt")],
                         capture_output=True, text=True, timeout=300)
    assert out.returncode == 2 and "state_dict" in out.stderr and "Traceback" not in out.stderr
