"""neuromanifold — exact algebraic geometry of polynomial neural networks.

Layers (arrows only downward): architectures → parametrization → geometry → landscape →
experiments → cli.
"""

import importlib

__version__ = "0.1.0"

#: Public names → the subpackage that defines them.  Imported on first use (PEP 562), so that ``import
#: neuromanifold`` — and the command line's start, which a Ctrl-C may interrupt — stays light.
_LAZY = {
    **dict.fromkeys(("CNN", "MLP", "Monomial", "Parameters", "Polynomial", "generic_polynomial", "parse_activation"),
                    "architectures"),
    **dict.fromkeys(("DimensionResult", "detect_subnetwork", "dimension", "expected_dimension", "rank_at_point",
                     "scan_criticality", "singular", "subnetwork_strata", "upper_bound", "vanishing_ideal"), "geometry"),
    **dict.fromkeys(("Float64", "PrimeField", "Rationals", "evaluate", "jacobian"), "parametrization"),
    **dict.fromkeys(("from_torch", "to_torch"), "nn"),  # with torch
    "llc": "landscape.llc",
    "SubnetworkProbe": "landscape.probe",
}
_SUBPACKAGES = ("architectures", "parametrization", "geometry", "landscape", "experiments", "cli", "nn", "results",
                "limits", "outputs")


def __getattr__(name):
    if name in _LAZY:
        value = getattr(importlib.import_module(f".{_LAZY[name]}", __name__), name)
    elif name in _SUBPACKAGES:
        value = importlib.import_module(f".{name}", __name__)
    else:
        raise AttributeError(f"module 'neuromanifold' has no attribute {name!r}")
    globals()[name] = value
    return value


def __dir__():
    return sorted(set(globals()) | set(__all__))


__all__ = [
    "CNN",
    "DimensionResult",
    "Float64",
    "MLP",
    "Monomial",
    "Parameters",
    "Polynomial",
    "PrimeField",
    "Rationals",
    "SubnetworkProbe",
    "scan_criticality",
    "detect_subnetwork",
    "dimension",
    "evaluate",
    "expected_dimension",
    "from_torch",
    "generic_polynomial",
    "jacobian",
    "llc",
    "parse_activation",
    "rank_at_point",
    "singular",
    "subnetwork_strata",
    "to_torch",
    "upper_bound",
    "vanishing_ideal",
    "__version__",
]
