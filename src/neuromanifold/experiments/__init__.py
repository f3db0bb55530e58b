"""Experiments: the claim registry behind ``reproduce``, demos, census sweeps."""

from .analysis import (
    activation_thresholds,
    defective_architectures,
    minimal_filling_widths,
)
from .census import CensusTask, enumerate_tasks, run_census
from .registry import Claim, Context, Verdict, all_claims, claim
from .reproduce import run_claims, write_report
from .store import ResultStore

__all__ = [
    "CensusTask",
    "Claim",
    "Context",
    "ResultStore",
    "Verdict",
    "activation_thresholds",
    "all_claims",
    "claim",
    "defective_architectures",
    "enumerate_tasks",
    "minimal_filling_widths",
    "run_census",
    "run_claims",
    "write_report",
]
