"""Training: torch forward equals the network algebra; a planted teacher leads to a detected subnetwork;
resumable experiments; the MLP-vs-CNN contrast at the end points."""

import json
import pathlib

import numpy as np
import pytest

from neuromanifold import MLP, Parameters
from neuromanifold.architectures.cnn import CNN
from neuromanifold.parametrization import Float64, evaluate

torch = pytest.importorskip("torch")
torch.set_num_threads(1)

from neuromanifold.experiments.sparsity import run_study  # noqa: E402
from neuromanifold.landscape.statistics import fisher_test  # noqa: E402
from neuromanifold.landscape.training import TrainSpec, train_run  # noqa: E402
from neuromanifold.parametrization import Torch, jacobian  # noqa: E402


def _torch_reference(arch, p, X):
    """f_θ(X) written with torch's own layers (nn.functional.linear / conv1d), independently of the index maps."""
    F = torch.nn.functional
    h = torch.tensor(X)
    for ell in range(len(arch.layers)):
        w = torch.tensor(np.asarray(p.weights[ell], dtype=np.float64))
        b = torch.tensor(np.asarray(p.biases[ell], dtype=np.float64)) if arch.bias else None
        if isinstance(arch, CNN):
            h = F.conv1d(h[:, None, :], w.reshape(1, 1, -1), bias=None if b is None else b.reshape(1), stride=arch.strides[ell])[:, 0, :]
        else:
            h = F.linear(h, w, b)
        if ell < len(arch.layers) - 1:
            h = sum(float(c) * h**k for k, c in enumerate(arch.activations[ell].coeffs))
    return h


@pytest.mark.parametrize("arch", [MLP((2, 3, 2), "z^3+z^2", bias=True), CNN(7, (3, 2), (2, 1), "z^2+z"),
                                  CNN(8, (3, 2), (2, 2), "z^2", bias=True)])
def test_torch_number_system_forward_and_gradient(arch):
    # The one network algebra on torch tensors: values against torch's own linear/conv1d layers, a batch of θ
    # against the rows one by one, and autograd's gradient against the hand-written backpropagation.
    p = Parameters.random(arch, seed=1, kind="float")
    X = np.random.default_rng(0).normal(size=(5, arch.input_dim))
    ns = Torch()
    th = torch.tensor(p.flatten(), requires_grad=True)
    out = evaluate(arch, th, torch.tensor(X), ns)
    assert torch.allclose(out, _torch_reference(arch, p, X), rtol=1e-12, atol=1e-12)
    out[:, 0].sum().backward()
    J = jacobian(arch, p, X, Float64())
    assert np.allclose(th.grad.numpy(), J[:: arch.output_dim].sum(axis=0), rtol=1e-10, atol=1e-10)
    batch = torch.tensor(np.stack([p.flatten(), 2 * p.flatten()]))
    both = evaluate(arch, batch, torch.tensor(X), ns)
    assert both.shape == (2, 5, arch.output_dim)
    assert torch.allclose(both[1], evaluate(arch, batch[1], torch.tensor(X), ns))


def test_planted_teacher_ends_on_subnetwork():
    # Student (3, 2, 1), σ = z², teacher with one inactive neuron: f = a (v·x)².  Zero loss means
    # a1 w1w1ᵀ + a2 w2w2ᵀ = a vvᵀ (rank 1), impossible with independent w1, w2 and a1, a2 ≠ 0 — so a
    # zero-loss point is a subnetwork (an inactive neuron or proportional rows).
    from neuromanifold.geometry.subnetworks import detect_subnetwork

    arch = MLP((3, 2, 1), 2)
    fitted = hits = 0
    for seed in range(4):
        r = train_run(TrainSpec(arch, task="subnetwork", optimizer="adam", lr=0.02, steps=2500, tol=1e-2), seed)
        if r.final_loss < 1e-8:  # the theorem speaks about zero-loss points only
            fitted += 1
            rep = detect_subnetwork(Parameters.unflatten(arch, np.array(r.final_theta)), tol=1e-2)
            hits += rep.is_subnetwork
    assert fitted >= 2 and hits == fitted


def test_noisy_teacher_contrast_and_resume(tmp_path):
    specs = [TrainSpec(MLP((3, 4, 1), "z^3+z^2"), task="subnetwork", optimizer="gd", lr=0.01, steps=4000,
                       init_scale=0.05, noise=0.02, tol=0.05),
             TrainSpec(CNN(5, (3, 2), (2, 1), "z^3+z^2"), task="subnetwork", optimizer="gd", lr=0.01, steps=4000,
                       init_scale=0.05, noise=0.02, tol=0.05)]
    path = tmp_path / "runs.json"
    res = run_study(specs, [7, 10], path=path)
    mlp = [r for r in res.runs if r.kind == "MLP"]
    cnn = [r for r in res.runs if r.kind == "CNN"]
    # MLP: the end point lies on an inactive-neuron stratum carrying a critical point, and rank dφ drops there
    assert any(r.on_subnetwork and r.confirmed for r in mlp)
    # ... a saddle of the full network: σ'(0) = 0 makes the Hessian semidefinite, the residual gives descent
    assert all(r.end_type["kind"] == "saddle" for r in mlp if r.on_subnetwork)
    # CNN: never a critical point on the padded stratum (Prop 4.5), even when a filter entry is tiny
    assert not any(r.on_subnetwork for r in cnn)
    # resumable: a rerun reads the file instead of training (we tamper with a stored value to see it)
    data = json.loads(path.read_text())
    data["runs"][0]["stratum"] = "from the file"
    path.write_text(json.dumps(data))
    again = run_study(specs, [7, 10], path=path)
    assert again.runs[0].stratum == "from the file"


def test_fisher_test_against_the_hypergeometric_law():
    # 5/10 against 0/10: P = C(10,5)·C(10,0)/C(20,5) = 252/15504 for the observed table; the two-sided p-value
    # doubles it (the mirrored table 0/10 vs 5/10 is as extreme and as likely).
    assert fisher_test(5, 10, 0, 10) == pytest.approx(2 * 252 / 15504, rel=1e-12)
    assert fisher_test(3, 10, 3, 10) == pytest.approx(1.0)
    assert fisher_test(0, 0, 1, 4) == 1.0


def test_spec_validation():
    with pytest.raises(ValueError, match="'optimizer'"):
        TrainSpec(MLP((2, 2, 1), 2), optimizer="lbfgs")
    with pytest.raises(ValueError, match="'steps'"):
        TrainSpec(MLP((2, 2, 1), 2), steps=0)


def test_sgd_full_batch_equals_gd_and_minibatch_is_seeded():
    # With batch_size = n_data every SGD step uses all samples (a permutation of them), so SGD and GD take
    # the same steps up to floating-point summation order — an independent check of the SGD path.
    arch = MLP((2, 3, 1), "z^2+z")
    gd = train_run(TrainSpec(arch, task="subnetwork", optimizer="gd", lr=0.01, steps=200, n_data=16), 3)
    full = train_run(TrainSpec(arch, task="subnetwork", optimizer="sgd", lr=0.01, steps=200, n_data=16, batch_size=16), 3)
    assert np.allclose(gd.final_theta, full.final_theta, rtol=1e-9, atol=1e-12)
    spec = TrainSpec(arch, task="subnetwork", optimizer="sgd", lr=0.01, steps=200, n_data=16, batch_size=4)
    a, b = train_run(spec, 3), train_run(spec, 3)
    assert a.final_theta == b.final_theta  # reproducible from the seed
    assert not np.allclose(a.final_theta, gd.final_theta)  # mini-batches take other steps
    assert a.losses[-1] < a.losses[0]


@pytest.mark.parametrize("n", [1, 3, 6, 7, 10])
def test_bar_chart_survives_all_or_nothing_counts(n, tmp_path):
    """0/n and n/n (the expected CNN and MLP outcomes) once crashed the figure step: the hand-written
    Wilson interval of 0/n had a lower end of +3e-17, so the error bar came out negative."""
    from neuromanifold.landscape.figures import fraction_bar_chart
    from neuromanifold.landscape.statistics import wilson_interval

    assert wilson_interval(0, n)[0] == 0.0 and wilson_interval(n, n)[1] == 1.0

    class Result:
        def arms(self):
            return [{"label": arch, "task": "subnetwork", "fraction": k / n,
                     "on_subnetwork_wilson95": wilson_interval(k, n), "runs": n, "on_subnetwork": k}
                    for arch, k in (("MLP((3, 4, 1), σ=z^3 + z^2)", n), ("CNN(d_0=5, k=(3, 2), s=(2, 1))", 0))]

    paths = fraction_bar_chart(Result(), tmp_path)
    assert paths and all(pathlib.Path(p).stat().st_size > 0 for p in paths)


def test_torch_number_system_rank_and_bad_arguments():
    ns = Torch()
    u, v = np.array([1.0, 2.0, 3.0]), np.array([1.0, -1.0, 0.5, 2.0])
    assert ns.rank(np.outer(u, v)) == 1  # a rank-one matrix, by construction
    assert ns.rank(np.eye(3)) == 3 and ns.rank(np.zeros((2, 5))) == 0
    with pytest.raises(ValueError, match="device"):
        Torch(device="no-such-device")
    with pytest.raises(TypeError, match="dtype"):
        Torch(dtype=torch.int64)
