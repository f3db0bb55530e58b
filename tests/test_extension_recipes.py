"""The two recipes of docs/design.md, followed literally: a new architecture is one class plus its
registration, and then dimension, evaluation (exact and on torch), Jacobians and JSON work unchanged.

The example: a two-layer network with a *symmetric* (tied) first layer, f(x) = a_1 (p x_1 + q x_2)^2 +
a_2 (q x_1 + r x_2)^2.  Hand-derived: the image is every binary quadratic form when the 5 parameters are
generic (the Jacobian at p = r = 1, q = 0, a = (1, 1) already has rank 3), so dim V = 3 = A (fills).
With σ = z (linear) f = (a_1 p + a_2 q) x_1 + (a_1 q + a_2 r) x_2: every linear form, dim V = 2 = A.
"""

from dataclasses import dataclass
from fractions import Fraction

import numpy as np
import pytest

from neuromanifold import Parameters, dimension
from neuromanifold.architectures import (
    Architecture,
    LinearLayer,
    Monomial,
    architecture_from_json,
    dense_layer,
    register_architecture,
)
from neuromanifold.parametrization import Rationals, evaluate


@dataclass(frozen=True, eq=False)
class TiedQuadratic(Architecture):
    """The test's new architecture: layer 1 is a symmetric 2 × 2 matrix [[p, q], [q, r]] (3 parameters)."""

    degree: int = 2
    bias: bool = False
    kind = "tied-quadratic"

    @property
    def layers(self):
        tied = LinearLayer(2, 2, np.array([[0, 1], [1, 2]]), 3, False, (3,))
        return (tied, dense_layer(2, 1))

    @property
    def activations(self):
        return (Monomial(self.degree),)

    def rescaling_units(self, ell: int) -> int:
        return 0  # tied rows cannot be rescaled independently: no symmetry to subtract

    def __eq__(self, other):
        return isinstance(other, TiedQuadratic) and other.degree == self.degree

    def __hash__(self):
        return hash(("tied", self.degree))

    def to_json(self) -> dict:
        return {"kind": self.kind, "degree": self.degree}

    @classmethod
    def from_json(cls, data: dict):
        return cls(int(data["degree"]))


register_architecture("tied-quadratic", TiedQuadratic)


@pytest.mark.parametrize("degree, expected", [(2, 3), (1, 2)])
def test_a_new_architecture_gets_its_dimension_certified(degree, expected):
    arch = TiedQuadratic(degree)
    res = dimension(arch)
    assert res.dimension == expected and res.certified


def test_a_new_architecture_evaluates_exactly_and_round_trips():
    arch = TiedQuadratic(2)
    p, q, r, a1, a2 = (Fraction(v) for v in (2, -1, 3, 5, -2))
    theta = np.array([p, q, r, a1, a2], dtype=object)
    X = np.array([[1, 2], [-3, 1]], dtype=object)
    got = evaluate(arch, theta, X, Rationals())
    for (x1, x2), value in zip(X.tolist(), got[:, 0]):
        assert value == a1 * (p * x1 + q * x2) ** 2 + a2 * (q * x1 + r * x2) ** 2
    assert architecture_from_json(arch.to_json()) == arch
    assert Parameters.unflatten(arch, theta).flatten().tolist() == theta.tolist()


def test_the_torch_number_system_runs_the_new_architecture():
    torch = pytest.importorskip("torch")
    from neuromanifold.parametrization import Float64, Torch

    arch = TiedQuadratic(2)
    theta = np.array([2.0, -1.0, 3.0, 5.0, -2.0])
    X = np.array([[1.0, 2.0], [-3.0, 1.0]])
    got = evaluate(arch, torch.tensor(theta), torch.tensor(X), Torch()).numpy()
    assert np.allclose(got, evaluate(arch, theta, X, Float64()))
