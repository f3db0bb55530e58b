"""Limits on what a caller may ask for, checked before any work starts.

Every count or size that a user controls (layers, random points, curves, trials, training steps,
sampler draws, worker processes, seeds) has a named limit here, far beyond what the papers' experiments
need, so that a typo such as ``--steps 10**9`` is refused in milliseconds instead of running for days or
exhausting memory.  Limits that belong to one concept live beside it and are listed in the README:
:data:`~neuromanifold.architectures.activations.MAX_DEGREE`,
:data:`~neuromanifold.architectures.mlp.MAX_INDEX_ENTRIES`,
:data:`~neuromanifold.geometry.dimension.MAX_JACOBIAN_ENTRIES`, and so on.

This module imports nothing from the package, so every layer may use it.
"""

from __future__ import annotations

import numbers

__all__ = [
    "check_count", "check_seed", "MAX_LAYERS", "MAX_CNN_INPUT_LENGTH", "MAX_TRIALS", "MAX_RANDOM_POINTS",
    "MAX_STARTS", "MAX_STEPS", "MAX_CURVES", "MAX_CURVE_DEGREE", "MAX_RUNS", "MAX_CHAINS", "MAX_DRAWS",
    "MAX_SAMPLER_VALUES", "MAX_WORKERS", "MAX_SEED", "MAX_SAMPLE_SIZE", "MAX_RANGE_VALUES", "MAX_SAMPLE_POINTS",
]

#: Linear layers of an architecture (the papers' networks have at most 5).
MAX_LAYERS = 100
#: Input length d_0 of a 1-D CNN (its dense layer maps grow as d_0²; 2,000 takes ~2 s and 0.6 GB).
MAX_CNN_INPUT_LENGTH = 2000
#: Random points, data sets or retries of one computation (``--trials``).
MAX_TRIALS = 10_000
#: Random points of a critical-point scan (``--random-points``).
MAX_RANDOM_POINTS = 10_000
#: Starts of a numerical search (``--starts``).
MAX_STARTS = 10_000
#: Optimisation steps of one run or search (``--steps``).
MAX_STEPS = 10**7
#: Random curves through a point (``--curves``).
MAX_CURVES = 1000
#: Degree of those curves in t (``--curve-degree``).
MAX_CURVE_DEGREE = 100
#: Training runs per setting (``--seeds``).
MAX_RUNS = 100_000
#: Sampler chains (``--chains``).
MAX_CHAINS = 1000
#: Draws (and burn-in steps) per chain (``--draws``, ``--burn-in``).
MAX_DRAWS = 10**7
#: chains × parameters held in memory by the sampler at once.
MAX_SAMPLER_VALUES = 10**8
#: Local worker processes (``--workers``).
MAX_WORKERS = 1024
#: Largest seed: seeds are stored as SQLite integers, which are signed 64-bit.
MAX_SEED = 2**63 - 1
#: Data points of one training or exposure problem (``n_data``, batch sizes).
MAX_SAMPLE_POINTS = 10**6
#: Values one command-line range such as ``1..5`` may expand to.
MAX_RANGE_VALUES = 10_000
#: The nominal sample size n of a loss (``--n``; it enters only as the factor nβ = n / log n).
MAX_SAMPLE_SIZE = 10**15


def check_count(value, name: str, limit: str, minimum: int = 1) -> int:
    """``value`` as an int in [minimum, L] with L the limit named ``limit`` (e.g. ``"MAX_TRIALS"``);
    TypeError/ValueError naming the argument ``name`` otherwise.

    Examples
    --------
    >>> check_count(3, "trials", "MAX_TRIALS")
    3
    >>> check_count(10**9, "trials", "MAX_TRIALS")
    Traceback (most recent call last):
    ...
    ValueError: Argument 'trials' is 1000000000; at most 10000 (MAX_TRIALS) are accepted.
    """
    bound = globals()[limit]
    if isinstance(value, bool) or not isinstance(value, numbers.Integral):
        raise TypeError(f"Argument '{name}' must be an int, not {type(value).__name__} {value!r}.")
    value = int(value)
    if value < minimum:
        raise ValueError(f"Argument '{name}' must be >= {minimum}, got {value}.")
    if value > bound:
        raise ValueError(f"Argument '{name}' is {value}; at most {bound} ({limit}) are accepted.")
    return value


def check_seed(seed, name: str = "seed") -> int:
    """A seed: an int in [0, :data:`MAX_SEED`] (numpy refuses negative seeds, SQLite larger ones)."""
    if isinstance(seed, bool) or not isinstance(seed, numbers.Integral):
        raise TypeError(f"Argument '{name}' must be a non-negative int, not {type(seed).__name__} {seed!r}.")
    seed = int(seed)
    if seed < 0 or seed > MAX_SEED:
        raise ValueError(f"Argument '{name}' must be an int in [0, 2^63 - 1], got {seed}.")
    return seed


def check_architecture(architecture, name: str = "architecture"):
    """An architecture (an MLP or CNN: it has ``layers`` and ``activations``), else a TypeError naming ``name``."""
    if not hasattr(architecture, "layers") or not hasattr(architecture, "activations"):
        raise TypeError(f"Argument '{name}' must be an MLP or CNN, not {type(architecture).__name__}.")
    return architecture


def check_tolerance(value, name: str = "tol") -> float:
    """A tolerance: a finite float > 0, else a TypeError/ValueError naming ``name``."""
    import math

    if isinstance(value, bool) or not isinstance(value, numbers.Real):
        raise TypeError(f"Argument '{name}' must be a positive number, not {type(value).__name__} {value!r}.")
    if not (math.isfinite(value) and value > 0):
        raise ValueError(f"Argument '{name}' must be a finite number > 0, got {value!r}.")
    return float(value)



def check_prime(prime, name: str = "prime") -> int | None:
    """A prime-field argument as its prime p: a field object (a ``PrimeField``, anything with an int ``p``) or
    an int prime with 2 < p < 2^31; ``None`` stays ``None`` (the function then draws its own primes)."""
    if prime is None:
        return None
    p = getattr(prime, "p", prime)
    if isinstance(p, bool) or not isinstance(p, numbers.Integral):
        raise TypeError(f"Argument '{name}' must be a prime (int) or a PrimeField, not {type(prime).__name__} {prime!r}.")
    p = int(p)
    if not 2 < p < 2**31:
        raise ValueError(f"Argument '{name}' must be a prime with 2 < p < 2^31, got {p}.")
    from flint import fmpz

    if not fmpz(p).is_prime():
        raise ValueError(f"Argument '{name}' must be prime, got {p} = {fmpz(p).factor()}.")
    return p
