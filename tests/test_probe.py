"""The training probe on a plain PyTorch run of MLP (3, 2, 1), σ = z², no bias (f = Σ a_i (w_i·x)², dim V = 5,
the determinantal cubic of rank-≤2 symmetric 3 × 3 matrices).

Hand-derived facts: with a_1 = 0 the image of dφ is spanned by (w_1·x)², (w_2·x)x_j (j = 1..3): rank 4 < 5, so the
point is critical; a generic point has rank 5.  A rank-1 teacher (v·x)² has only subnetworks in its fibre
(a_1 w_1 w_1ᵀ + a_2 w_2 w_2ᵀ = v vᵀ forces a_i = 0 or w_1 ∥ w_2 ∥ v), so as the loss falls to 0 the probe's
distance to the subnetwork locus must fall with it."""

import numpy as np
import pytest

torch = pytest.importorskip("torch")

from neuromanifold import MLP, Parameters  # noqa: E402
from neuromanifold.landscape.probe import SubnetworkProbe  # noqa: E402
from neuromanifold.nn import PolynomialActivation  # noqa: E402


def _model(seed):
    torch.manual_seed(seed)
    return torch.nn.Sequential(torch.nn.Linear(3, 2, bias=False), PolynomialActivation("z^2"),
                               torch.nn.Linear(2, 1, bias=False)).double()


def test_rank_drops_exactly_on_the_inactive_stratum_and_is_found_by_snapping():
    model, probe = _model(0), SubnetworkProbe()
    generic = probe(model)
    assert (generic.rank, generic.dimension, generic.critical) == (5, 5, False)
    with torch.no_grad():
        model[2].weight[0, 0] = 0.0
    dead = probe(model)
    assert (dead.rank, dead.critical, dead.distance) == (4, True, 0.0) and "outgoing weights of neuron 0" in dead.stratum
    with torch.no_grad():
        model[2].weight[0, 0] = 1e-10
    near = probe(model)
    assert near.rank == 4 and near.critical and near.snapped and 0 < near.distance <= 1e-9
    assert [r.step for r in probe.records] == [0, 1, 2]


def test_a_pytorch_run_on_a_rank_one_teacher_falls_onto_a_subnetwork():
    model = _model(3)
    X = torch.as_tensor(np.random.default_rng(3).standard_normal((200, 3)))
    Y = ((X @ torch.tensor([1.0, -2.0, 0.5], dtype=torch.float64)) ** 2)[:, None]
    opt = torch.optim.Adam(model.parameters(), lr=1e-2)
    probe = SubnetworkProbe(every=400, rank=False)
    for step in range(1601):
        opt.zero_grad()
        loss = ((model(X) - Y) ** 2).mean()
        loss.backward()
        opt.step()
        probe(model, step=step, loss=loss)
    first, last = probe.records[0], probe.records[-1]
    assert [r.step for r in probe.records] == [0, 400, 800, 1200, 1600]
    assert last.loss < 1e-5 * first.loss and last.relative_distance < 0.2 * first.relative_distance
    assert last.rank is None and last.critical is None and "step 1600" in str(probe) and len(probe.to_dict()["records"]) == 5


def test_parameters_and_bad_input():
    arch = MLP((3, 2, 1), "z^2", bias=False)
    W = Parameters(arch, [np.array([[1, 0, 0], [0, 1, 0]]), np.array([[0, 1]])])
    rec = SubnetworkProbe().observe(W)
    # an exact integer point this small: rank over Q computed exactly (criticality module), so the verdict is proven
    assert (rec.rank, rec.dimension, rec.critical, rec.certified, rec.error_bound) == (4, 5, True, True, 0.0)
    with pytest.raises(ValueError, match="Argument 'every'"):
        SubnetworkProbe(every=0)
    with pytest.raises(ValueError, match="Argument 'tol'"):
        SubnetworkProbe(tol=2.0)
    with pytest.raises(TypeError, match="Argument 'model'"):
        SubnetworkProbe().observe("model")
    with pytest.raises(ValueError, match="Argument 'step'"):
        SubnetworkProbe()(W, step=-1)
