"""The public Python API answers bad input like the command line: a ValueError or TypeError naming the argument
(never an AttributeError from deep inside, never silent acceptance).  Each row: a call with one bad argument."""

from __future__ import annotations

import pytest

import neuromanifold as nm
from neuromanifold import MLP, Parameters
from neuromanifold.architectures import CNN
from neuromanifold.experiments import census
from neuromanifold.geometry import cas, degree, equations

GOOD = MLP((2, 2, 1), 2)
W = Parameters.random(GOOD, seed=0)

BAD = [None, "x", -1, 1.5, True, [], {}, object(), float("nan"), 10**30]

# (argument name the error must mention, call with the bad value, values that are legitimately accepted)
CALLS = [
    ("widths", lambda v: MLP(v, 2), ()),
    ("activation", lambda v: MLP((2, 2, 1), v), ()),
    ("bias", lambda v: MLP((2, 2, 1), 2, bias=v), (True,)),
    ("input_length", lambda v: CNN(v, (2, 2)), ()),
    ("filters", lambda v: CNN(5, v), ()),
    ("architecture", lambda v: nm.dimension(v), ()),
    ("seed", lambda v: nm.dimension(GOOD, seed=v), ()),
    ("trials", lambda v: nm.dimension(GOOD, trials=v), ()),
    ("architecture", lambda v: nm.expected_dimension(v), ()),
    ("architecture", lambda v: nm.upper_bound(v), ()),
    ("params", lambda v: nm.rank_at_point(v), ()),
    ("seed", lambda v: nm.rank_at_point(W, seed=v), ()),
    ("tol", lambda v: nm.rank_at_point(W, tol=v), ()),
    ("params", lambda v: nm.detect_subnetwork(v), ()),
    ("arch", lambda v: nm.vanishing_ideal(v, 2), ()),
    ("max_degree", lambda v: nm.vanishing_ideal(GOOD, v), ()),
    ("params", lambda v: equations.coefficients(v), ()),
    ("arch", lambda v: degree.variety_degree(v), ()),
    ("method", lambda v: degree.variety_degree(GOOD, method=v), ()),
    ("architecture", lambda v: cas.parametrization_script(v, "m2"), ()),
    ("seed", lambda v: Parameters.random(GOOD, seed=v), ()),
    ("kind", lambda v: Parameters.random(GOOD, kind=v), ()),
    ("architecture", lambda v: nm.singular(v, W), ()),
    ("params", lambda v: nm.singular(GOOD, v), ()),
    ("architecture", lambda v: nm.subnetwork_strata(v), ()),
    ("architecture", lambda v: nm.scan_criticality(v), ()),
    ("X", lambda v: nm.evaluate(GOOD, W, v, nm.Float64()), ()),
    ("X", lambda v: nm.jacobian(GOOD, W, v, nm.Float64()), ()),
    ("p", lambda v: nm.PrimeField(v), ()),
    ("activation", lambda v: nm.parse_activation(v), ()),
    ("r", lambda v: nm.generic_polynomial(v), ()),
    ("depths", lambda v: census.enumerate_tasks(depths=v), ()),
    ("widths", lambda v: census.enumerate_tasks(widths=v), ()),
]


@pytest.mark.parametrize("name,call,accepted", CALLS, ids=[f"{i}-{c[0]}" for i, c in enumerate(CALLS)])
def test_bad_argument_is_a_value_or_type_error_naming_it(name, call, accepted):
    for value in BAD:
        if any(value is a for a in accepted):
            continue
        with pytest.raises((ValueError, TypeError)) as info:
            call(value)
        assert name in str(info.value), f"{value!r}: {info.value}"


def test_rank_at_a_float_point_refuses_a_jacobian_beyond_the_limit_before_any_work():
    """The float route of rank_at_point ranks 2U × N singular values: (50, 100, 100, 1) would need 19,900 × 15,100
    = 3.0·10⁸ entries (2.4 GB), past MAX_JACOBIAN_ENTRIES; a one-line error, no allocation."""
    import numpy as np

    from neuromanifold import MLP, Parameters, rank_at_point

    arch = MLP((50, 100, 100, 1), 2)
    with pytest.raises(ValueError, match="Argument 'params'.*MAX_JACOBIAN_ENTRIES"):
        rank_at_point(Parameters.unflatten(arch, np.zeros(arch.n_params)))
