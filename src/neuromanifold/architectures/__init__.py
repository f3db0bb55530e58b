"""Architectures: activations, layer index maps, MLPs (and CNNs), parameter points.

The bottom layer of neuromanifold: plain immutable values, no number systems, no geometry.
"""

from .activations import (
    Monomial,
    Polynomial,
    as_activation,
    generic_polynomial,
    parse_activation,
)
from .cnn import CNN
from .layers import LinearLayer, conv_layer, dense_layer
from .mlp import MLP, Architecture
from .parameters import Parameters

__all__ = [
    "Architecture",
    "architecture_record",
    "CNN",
    "LinearLayer",
    "MLP",
    "Monomial",
    "Parameters",
    "Polynomial",
    "architecture_from_json",
    "as_activation",
    "conv_layer",
    "dense_layer",
    "generic_polynomial",
    "parse_activation",
]

_KINDS = {"mlp": MLP}


def register_architecture(kind: str, cls) -> None:
    """Let :func:`architecture_from_json` read architectures of another ``kind`` (e.g. CNNs)."""
    _KINDS[kind] = cls


def architecture_record(arch) -> dict:
    """The one JSON form of an architecture (docs/json.md): ``kind``, ``widths`` (MLP) or ``input_length``,
    ``filters``, ``strides`` (CNN), ``activation`` as text (a list of texts when the layers differ), ``bias``, and
    ``activations`` (coefficient lists, for an exact round trip through ``architecture_from_json``)."""
    acts = [str(a) for a in arch.activations]
    return {**arch.to_json(), "activation": acts[0] if len(set(acts)) == 1 else acts}


def architecture_from_json(data: dict):
    """Rebuild an architecture from its ``to_json()`` dictionary."""
    if not isinstance(data, dict) or data.get("kind") not in _KINDS:
        raise ValueError(f"Argument 'architecture' must be a dict with 'kind' in {sorted(_KINDS)}, got {data!r}.")
    return _KINDS[data["kind"]].from_json(data)


register_architecture("cnn", CNN)
