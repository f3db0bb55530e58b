"""Named random streams: every random draw of the library is ``stream(seed, name, *index)``.

A user's ``seed`` selects the experiment; the stream name selects which of its independent random choices is
drawn (the inputs of the dimension trials, the curves through a point, the starts of a fit, …).  Each name
owns a distinct salt, so two computations never share random numbers by accident and the same
(seed, name, index) always gives the same numbers, on every machine (numpy's ``default_rng`` seeded by the
sequence [seed, salt, *index]).  The table is the one place a salt is written.
"""

from __future__ import annotations

import numpy as np

__all__ = ["STREAMS", "stream"]

#: name → salt.  Salts are distinct (checked at import); new streams take a new number.
STREAMS: dict[str, int] = {
    # parametrization
    "point_primes": 31_337,           # random primes at which a user's point reduces faithfully
    # geometry
    "dimension.trial": 0,             # inputs, projections and θ of trial t of dim V
    "strata.mlp.point": 4_000,        # a random integer point of an MLP stratum (attempt a)
    "strata.cnn.point": 4_242,        # a random integer point of a zero-padding stratum
    "strata.cnn.functionals": 17,     # projected evaluations of the CNN stratum report and twin certificate
    "fibers.mlp.check": 7_300,        # inputs that check an MLP fibre point computes the same function
    "fibers.mlp.move": 7_200,         # the subnetwork moves to other points of an MLP fibre (move c)
    "fibers.cnn.check": 7_310,        # inputs that check a CNN twin computes the same function
    "fibers.identifiability": 31,     # data of the CNN preimage search
    "degree.count": 15_015,           # the slices of the degree count (trial)
    "degree.hilbert": 99,             # points and functionals of the sampled Hilbert function
    "critical.search": 202,           # starts of the numerical critical-point search
    "critical.scan": 303,             # points of the critical ⇔ subnetwork scan
    "critical.constructions": 101,    # random constructed critical points
    "criticality.projected": 7,       # projected evaluations of rank_at_point (draw t)
    "criticality.exact_ranks": 13,    # integer Jacobians of the exact rank confirmation (trial t)
    "criticality.kernel": 11,         # functionals of the kernel of dφ at a point
    "tangent.rank": 7_002,            # values of t that find the generic rank along a curve
    "tangent.curves": 7_100,          # random curves through the point (curve i)
    "tangent.fiber_check": 7_400,     # inputs that check given fibre points
    "tangent.fiber_curves": 7_500,    # curves through fibre point j (curve c)
    "tangent.functionals": 7_001,     # projected evaluations of the tangent limits
    "equations.coefficients": 9_000,  # network points whose coefficients span V (attempt)
    "equations.interpolation": 9_100, # points of the degree-k interpolation mod p
    "equations.verify": 9_200,        # fresh points at which lifted equations are verified
    # landscape
    "training.data": 1,               # inputs (and random targets) of a training run
    "llc.data": 1_013,                # inputs of the well-conditioned-point search
    "llc.point": 1_017,               # candidate points of the well-conditioned-point search (try k)
    "llc.teacher": 1_011,             # teacher and data of the Occam comparison
    "classify.critical_point": 1_019, # fibre inputs, test rows w and local-search starts of a classification
    "training.teacher": 1_021,        # the full-architecture teacher of a training run
    "exposure.data": 3,               # data of the exact exposure certificate
    "exposure.trial": 5,              # data and start of Monte-Carlo exposure trial t
}

if len(set(STREAMS.values())) != len(STREAMS):  # pragma: no cover - a programming error, caught by the tests
    raise RuntimeError("two random streams share a salt")


def stream(seed: int, name: str, *index: int) -> np.random.Generator:
    """The generator of stream ``name`` (a key of :data:`STREAMS`) for ``seed`` and optional integer ``index``."""
    return np.random.default_rng([int(seed), STREAMS[name], *(int(i) for i in index)])
