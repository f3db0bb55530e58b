"""Statistics of the training experiments: binomial intervals for "fraction of runs on a subnetwork" and the
Fisher exact test of two such fractions."""

from __future__ import annotations

__all__ = ["wilson_interval", "fisher_test"]


def wilson_interval(successes: int, trials: int, confidence: float = 0.95) -> tuple[float, float]:
    """Wilson score interval for a binomial proportion (95 % by default), from
    ``scipy.stats.binomtest(...).proportion_ci(method="wilson")``:
    (p̂ + z²/2n ∓ z √(p̂(1−p̂)/n + z²/4n²)) / (1 + z²/n).  It contains p̂ exactly (0/n gives a lower end of
    exactly 0, n/n an upper end of exactly 1: the hand-written formula gave 3e-17 and 0.9999999999999999,
    and matplotlib refused the resulting negative error bar)."""
    if trials <= 0:
        return (0.0, 1.0)
    from scipy.stats import binomtest

    ci = binomtest(int(successes), int(trials)).proportion_ci(confidence_level=confidence, method="wilson")
    p = successes / trials
    return (min(float(ci.low), p), max(float(ci.high), p))


def fisher_test(a: int, n: int, b: int, m: int) -> float:
    """Two-sided Fisher exact p-value of a/n against b/m (``scipy.stats.fisher_exact``); 1.0 if a group is empty."""
    if n == 0 or m == 0:
        return 1.0
    from scipy.stats import fisher_exact

    return float(fisher_exact([[a, n - a], [b, m - b]]).pvalue)
