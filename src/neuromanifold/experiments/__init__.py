"""Experiments: the claim registry behind ``reproduce``, demos, census sweeps."""

from .registry import Claim, Context, Verdict, all_claims, claim

__all__ = ["Claim", "Context", "Verdict", "all_claims", "claim"]
