"""Singularity statements about whole strata (docs/math.md §6).

* MLP subnetwork strata: the hypotheses of Razor's Edge Thm 4.2 in our reading (:class:`Thm42Hypotheses`) and
  the table that tests every stratum with :func:`~neuromanifold.geometry.singularity.singular`.
* CNN zero-padded twins: f = φ(θ_A) = φ(θ_B) with θ_A ≠ θ_B in twin strata
  (:func:`~neuromanifold.geometry.strata.cnn.twins`); if both ranks equal dim V and the two column spaces
  span more than dim V, f is a node-like singular point (:func:`twin_singularity`, a proof when dim V is
  certified and f_A = f_B is checked over ℚ).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from ..architectures.cnn import CNN, check_cnn
from ..architectures.parameters import Parameters
from ..limits import check_prime
from ..parametrization import PrimeField, Rationals, as_theta, evaluate, jacobian, point_primes, random_functionals
from ..randomness import stream
from ..results import Result
from .dimension import dimension
from .rank import rank_mod_p
from .singularity import SingularityResult, singular
from .strata.cnn import detect_padding, projection_rows

__all__ = ["Thm42Hypotheses", "thm42_hypotheses", "StratumSingularity", "subnetwork_singularity_table",
           "TwinCertificate", "twin_singularity", "TWIN_EXACT_INPUTS"]


@dataclass(frozen=True)
class Thm42Hypotheses:
    """The hypotheses of Razor's Edge Thm 4.2 (docs/math.md §6: "subnetwork strata of MLPs are singular, under
    bottleneck/width conditions and for σ with enough non-zero coefficients"), **our precise reading**,
    each computed for one stratum S of an MLP with widths d, reduced widths d' and neuromanifold V:

    * ``non_filling``: dim V < A (certified).  Necessary: a filling V is an affine space with no singular
      points (a theorem, not a reading).
    * ``proper``: dim φ(S) < dim V — a stratum dense in V contains smooth points (its generic points are
      generic points of V), so the statement is about proper strata (reading).
    * ``connected``: every hidden layer of the reduced network keeps a neuron (d'_ℓ ≥ 1), otherwise f is
      constant — the bottleneck condition (reading).
    * ``identifiable``: dim V = N − (rescaling symmetries), i.e. finite generic fibres — the width
      condition under which the paper proves identifiability and builds its singularity argument
      (reading).
    * ``enough_coefficients``: every hidden σ has ≥ 2 non-zero coefficients in degrees ≥ 2 (reading of
      "σ with enough non-zero coefficients"; monomials z^r are homogeneous, with the extra rescaling
      symmetries the generic-σ argument excludes — they are covered by the Occam's razor paper instead).

    ``prediction``: True (singular) when all hold; False (smooth) when ``non_filling`` fails (theorem);
    None (the theorem says nothing) otherwise."""

    non_filling: bool | None
    proper: bool
    connected: bool
    identifiable: bool
    enough_coefficients: bool

    @property
    def holds(self) -> bool:
        return bool(self.non_filling and self.proper and self.connected and self.identifiable
                    and self.enough_coefficients)

    @property
    def prediction(self) -> bool | None:
        if self.non_filling is False:
            return False
        return True if self.holds else None

    def failing(self) -> list[str]:
        return [k for k in ("non_filling", "proper", "connected", "identifiable", "enough_coefficients")
                if not getattr(self, k)]

    def to_dict(self) -> dict:
        return {"non_filling": self.non_filling, "proper": self.proper, "connected": self.connected,
                "identifiable": self.identifiable, "enough_coefficients": self.enough_coefficients,
                "holds": self.holds, "prediction": self.prediction, "reading": True}


def thm42_hypotheses(architecture, stratum, dimension_result) -> Thm42Hypotheses:
    """Compute the (reading of the) Thm 4.2 hypotheses for one subnetwork stratum; see
    :class:`Thm42Hypotheses`."""
    dres = dimension_result
    A = architecture.ambient_dimension
    non_filling = (dres.dimension < A) if dres.certified else (True if dres.upper_bound < A else None)
    proper = stratum.dimension < dres.dimension
    connected = all(w >= 1 for w in stratum.reduced_widths[1:-1])
    identifiable = bool(dres.identifiable)
    enough = all(sum(1 for k in act.support if k >= 2) >= 2 for act in architecture.activations)
    return Thm42Hypotheses(non_filling, proper, connected, identifiable, enough)


@dataclass(frozen=True)
class StratumSingularity:
    """One row of :func:`subnetwork_singularity_table`: a random point of a subnetwork stratum tested,
    the computed Thm 4.2 hypotheses and whether the prediction agrees with the certified verdict."""

    stratum: object
    result: SingularityResult
    expectation: str
    hypotheses: Thm42Hypotheses | None = None

    @property
    def prediction(self) -> bool | None:
        return None if self.hypotheses is None else self.hypotheses.prediction

    @property
    def agrees(self) -> bool | None:
        """The certified verdict matches the prediction (None: no prediction, or verdict not certified)."""
        if self.prediction is None or not self.result.certified:
            return None
        return self.result.singular is self.prediction

    def to_dict(self) -> dict:
        return {"stratum": self.stratum.label, "reduced_widths": list(self.stratum.reduced_widths),
                "codimension": self.stratum.codimension, "verdict": self.result.verdict,
                "certified": self.result.certified, "method": self.result.method,
                "span_dimension": self.result.span_dimension,
                "dimension": self.result.dimension, "rank_at_point": self.result.rank_at_point,
                "expectation": self.expectation,
                "hypotheses": None if self.hypotheses is None else self.hypotheses.to_dict(),
                "prediction": self.prediction, "agrees": self.agrees}


def subnetwork_singularity_table(architecture, seed: int = 0, curves: int = 3) -> list[StratumSingularity]:
    """For every subnetwork stratum of an MLP (:func:`~neuromanifold.geometry.strata.mlp.subnetwork_strata`)
    run :func:`singular` at a random point of the stratum, compute the Thm 4.2 hypotheses
    (:class:`Thm42Hypotheses`, our reading of docs/math.md §6) and compare the prediction with the verdict.

    ``agrees``: True/False when there is a prediction and a certified verdict; None otherwise.  A
    singular verdict outside the hypotheses is no contradiction (the theorem gives sufficient
    conditions)."""
    from .strata.mlp import subnetwork_strata

    dres = dimension(architecture, seed=seed)
    rows = []
    for i, stratum in enumerate(subnetwork_strata(architecture)):
        point = stratum.random_point(seed=seed + i)
        res = singular(architecture, point, curves=curves, seed=seed, dimension_result=dres)
        hyp = thm42_hypotheses(architecture, stratum, dres)
        if hyp.prediction is False:
            expect = "smooth (V fills its ambient space)"
        elif not hyp.proper:
            expect = "stratum dense in V: generic points smooth"
        elif hyp.prediction:
            expect = "singular (Razor's Edge Thm 4.2; hypotheses hold in our reading)"
        else:
            expect = "no prediction (Thm 4.2 hypotheses fail in our reading: " + ", ".join(hyp.failing()) + ")"
        rows.append(StratumSingularity(stratum, res, expect, hyp))
    return rows


@dataclass(frozen=True)
class TwinCertificate(Result):
    """f = φ(θ_A) = φ(θ_B) with θ_A ≠ θ_B in twin strata.  If rank dφ(θ_A) = rank dφ(θ_B) = dim V, both
    column spaces are limits of tangent spaces at smooth points, hence lie in T_f V; their span having
    dimension > dim V certifies that f is singular (docs/math.md §6)."""

    architecture: CNN
    theta_a: Parameters
    theta_b: Parameters
    same_function: bool
    rank_a: int
    rank_b: int
    span: int
    dimension: int
    dimension_certified: bool
    prime: int
    function_check: str = "exact"

    @property
    def singular(self) -> bool:
        return (self.same_function and self.rank_a == self.dimension == self.rank_b and self.span > self.dimension)

    @property
    def certified(self) -> bool:
        """Ranks mod p are lower bounds on the ranks over ℚ and f_A = f_B is checked exactly (over ℚ at
        unisolvent inputs); with dim V certified the verdict is a proof."""
        return self.singular and self.dimension_certified and self.function_check == "exact"

    def to_dict(self) -> dict:
        return {"pattern_a": detect_padding(self.theta_a).label, "pattern_b": detect_padding(self.theta_b).label,
                "same_function": self.same_function, "rank_a": self.rank_a, "rank_b": self.rank_b,
                "tangent_span": self.span, "dimension": self.dimension, "singular": self.singular,
                "certified": self.certified, "prime": self.prime, "function_check": self.function_check}

    def summary(self) -> str:
        verdict = "SINGULAR (node: two branches)" if self.singular else "no certificate of singularity"
        return (f"{self.architecture!r}: f = φ({detect_padding(self.theta_a).label}) = "
                f"φ({detect_padding(self.theta_b).label}): {verdict}; rank dφ = {self.rank_a}, {self.rank_b}; "
                f"tangent span {self.span} vs dim V = {self.dimension}"
                f"{' (certified)' if self.certified else ''}")


#: Most unisolvent inputs at which :func:`twin_singularity` checks f_A = f_B over ℚ.
TWIN_EXACT_INPUTS = 20_000


def twin_singularity(params_a: Parameters, params_b: Parameters, seed: int = 0, prime: int | PrimeField | None = None,
                     dimension_result=None) -> TwinCertificate:
    """Certify that φ(θ_A) = φ(θ_B) is a singular point by the span of the two tangent spaces.

    docs/math.md §6: every limit of tangent spaces at q lies in T_q V, so if the images of dφ(θ_A) and dφ(θ_B) at two
    preimages of q span more than dim V, q is singular — the node-like self-intersections of zero-padded CNN
    strata (Shahverdi–Marchetti–Kohn; Razor's Edge).
    """
    prime = check_prime(prime)
    arch = check_cnn(params_a.architecture)
    if params_b.architecture != arch:
        raise ValueError("Arguments 'params_a' and 'params_b' must belong to the same CNN.")
    from .point_kernel import unisolvent_inputs

    if prime is None:  # random, and faithful for both points: no input can target it
        prime = next(p for p in point_primes(params_a, seed, count=8, stream=5)
                     if PrimeField(p).unfaithful(list(params_b.weights) + list(params_b.biases or ())) is None)
    else:
        for name, pt in (("params_a", params_a), ("params_b", params_b)):
            reason = PrimeField(prime).unfaithful(list(pt.weights) + list(pt.biases or ()))
            if reason is not None:
                raise ValueError(f"Argument 'prime': {name} does not reduce faithfully ({reason}).")
    ns = PrimeField(prime)
    dres = dimension_result if dimension_result is not None else dimension(arch, seed=seed)
    X, C = random_functionals(arch, projection_rows(arch, dres.upper_bound), ns, stream(seed, "strata.cnn.functionals"))
    ta, tb = as_theta(arch, params_a, ns), as_theta(arch, params_b, ns)
    # f_A = f_B exactly: equal over ℚ at unisolvent inputs (docs/math.md §5), not merely mod p at random ones
    grid = unisolvent_inputs(arch)
    if grid.shape[0] <= TWIN_EXACT_INPUTS:
        qq, check = Rationals(), "exact"
        same = bool(np.array_equal(evaluate(arch, params_a, grid.astype(object), qq),
                                   evaluate(arch, params_b, grid.astype(object), qq)))
    else:  # too many unisolvent inputs: equality mod p at random inputs only (then never certified)
        check = "mod-p"
        same = bool(np.array_equal(evaluate(arch, ta, X, ns), evaluate(arch, tb, X, ns)))
    Ja = jacobian(arch, ta, X, ns, projections=C)
    Jb = jacobian(arch, tb, X, ns, projections=C)
    return TwinCertificate(arch, params_a, params_b, same, rank_mod_p(Ja, prime), rank_mod_p(Jb, prime),
                           rank_mod_p(np.hstack([Ja, Jb]), prime), dres.dimension, dres.certified, prime, check)
