"""Fully connected polynomial networks (docs/math.md §1).

f_W(x) = W_L σ_{L−1}(W_{L−1} σ_{L−2}(⋯ σ_1(W_1 x))), widths d = (d_0, …, d_L), W_i ∈ ℝ^{d_i × d_{i−1}},
σ_ℓ applied coordinatewise on the hidden layers ℓ = 1..L−1, optional biases b_i.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from math import comb

from ..limits import MAX_LAYERS
from .activations import Polynomial, as_activation
from .layers import LinearLayer, dense_layer

__all__ = ["MLP", "Architecture"]


@lru_cache(maxsize=4096)
def output_degree_set(activations, bias: bool) -> frozenset[int]:
    """The occurring output degrees for these activations (:meth:`Architecture.output_degrees`), from plain
    data, cached: bounds recurse over thousands of sub-architectures without building them."""
    bound = 1
    for act in activations:
        bound *= act.degree
    if not bias and all(act.is_monomial for act in activations):
        return frozenset({bound})  # forms of degree Π r_ℓ (docs/math.md §1), however large
    if bound > MAX_OUTPUT_DEGREES:
        raise ValueError(
            f"Argument 'activation': the output degree can reach {bound}; enumerating the occurring degrees "
            f"of non-monomial activations (or of networks with biases) is refused above {MAX_OUTPUT_DEGREES} "
            "(lower the degree or depth)."
        )
    # Sets of degrees as bitsets (bit e set ⇔ e occurs): the sumset A + B is OR_{b ∈ B} (A << b).
    degs = 0b11 if bias else 0b10
    for act in activations:
        elems = [e for e in range(degs.bit_length()) if degs >> e & 1]
        new, sums, done = 0, 1, 0
        for k in act.support:
            for _ in range(k - done):
                acc = 0
                for e in elems:
                    acc |= sums << e
                sums = acc
            done = k
            new |= sums
        degs = new | (1 if bias else 0)
    return frozenset(e for e in range(degs.bit_length()) if degs >> e & 1)


class Architecture:
    """What the parametrisation layer needs of an architecture (MLP or CNN).

    Subclasses provide ``layers`` (a tuple of :class:`LinearLayer`), ``activations`` (one
    :class:`Polynomial` per hidden layer), ``input_dim``, ``output_dim`` and ``bias``.
    """

    layers: tuple[LinearLayer, ...]
    activations: tuple[Polynomial, ...]

    def _repr_markdown_(self) -> str:
        """Jupyter: the architecture's JSON record (docs/json.md) as a table, with N."""
        from . import architecture_record

        rows = [(k, v) for k, v in architecture_record(self).items() if k != "activations"]
        rows.append(("parameters N", self.n_params))
        return "\n".join([f"**{self.describe()}**", "", "| field | value |", "|---|---|",
                          *(f"| {k} | {str(v).replace('|', '&#124;')} |" for k, v in rows)])
    bias: bool

    @property
    def depth(self) -> int:
        """L, the number of linear layers."""
        return len(self.layers)

    @property
    def input_dim(self) -> int:
        return self.layers[0].in_dim

    @property
    def output_dim(self) -> int:
        return self.layers[-1].out_dim

    @property
    def n_params(self) -> int:
        """N, the number of parameters (docs/math.md §1: N = Σ d_i d_{i−1} for an MLP without bias)."""
        return sum(layer.n_params for layer in self.layers)

    @property
    def offsets(self) -> tuple[int, ...]:
        """Where each layer's block starts in the flat θ: layer ℓ (1-based) owns θ[offsets[ℓ−1] : offsets[ℓ]]."""
        out = [0]
        for layer in self.layers:
            out.append(out[-1] + layer.n_params)
        return tuple(out)

    def neuron_coordinates(self, ell: int, i: int, part: str = "both") -> tuple[int, ...]:
        """The coordinates of θ that belong to neuron ``i`` (0-based) of hidden layer ``ell`` (1 ≤ ℓ ≤ L − 1):
        its incoming row with its bias (``part='in'``), its outgoing column (``'out'``), or both — read off
        the layer index maps, so for a CNN they are the filter entries the neuron uses.  An inactive neuron
        (docs/math.md §4) is one whose 'out' (σ(0) = 0: or 'in') coordinates vanish."""
        if part not in ("in", "out", "both"):
            raise ValueError(f"Argument 'part' must be 'in', 'out' or 'both', got {part!r}.")
        if isinstance(ell, bool) or not isinstance(ell, int) or not 1 <= ell < self.depth:
            raise ValueError(f"Argument 'ell' must be a hidden layer 1..{self.depth - 1}, got {ell!r}.")
        width = self.layers[ell - 1].out_dim
        if isinstance(i, bool) or not isinstance(i, int) or not 0 <= i < width:
            raise ValueError(f"Argument 'i' must be a neuron 0..{width - 1} of layer {ell}, got {i!r}.")
        offs, out = self.offsets, set()
        if part in ("in", "both"):
            out |= {offs[ell - 1] + int(j) for j in self.layers[ell - 1].index[i, :] if j >= 0}
        if part in ("out", "both"):
            out |= {offs[ell] + int(j) for j in self.layers[ell].index[:, i] if j >= 0}
        return tuple(sorted(out))

    def bias_coordinates(self, ell: int) -> tuple[int, ...]:
        """The coordinates of θ holding the bias column of layer ``ell`` (1 ≤ ℓ ≤ L), one per output neuron in
        order (a convolution repeats its one shared bias); empty without biases."""
        if isinstance(ell, bool) or not isinstance(ell, int) or not 1 <= ell <= self.depth:
            raise ValueError(f"Argument 'ell' must be a layer 1..{self.depth}, got {ell!r}.")
        if not self.bias:
            return ()
        return tuple(self.offsets[ell - 1] + int(j) for j in self.layers[ell - 1].index[:, -1])

    def rescaling_units(self, ell: int) -> int:
        """Independent rescaling symmetries of hidden layer ell+1 when σ_{ell+1} is homogeneous:
        one per neuron (row × c, outgoing column × c^{−r})."""
        return self.layers[ell].out_dim

    def output_degrees(self) -> frozenset[int]:
        """The degrees e for which monomials x^α with |α| = e can occur in an output.

        S_0 = {1} (or {0, 1} with biases), S_ℓ = {sums of k elements of S_{ℓ−1} : a_k ≠ 0 in σ_ℓ}
        (with 0 added when there are biases).  For σ = z^r this is {r^{L−1}}; for a generic
        polynomial of degree r, {0, …, r^{L−1}}.
        """
        return output_degree_set(self.activations, self.bias)

    @property
    def total_degree(self) -> int:
        """D = Π_ℓ deg σ_ℓ, the degree of the output polynomials."""
        return max(self.output_degrees())

    @property
    def ambient_dimension(self) -> int:
        """A = d_L · #{monomials of the degrees that can occur} — the dimension of the linear space
        the neuromanifold lives in.  Monomial σ = z^r: d_L · C(D + d_0 − 1, d_0 − 1);
        generic polynomial σ: d_L · C(D + d_0, d_0) (docs/math.md §1)."""
        d0 = self.input_dim
        return self.output_dim * sum(comb(e + d0 - 1, d0 - 1) for e in self.output_degrees())


#: Largest output degree Π deg σ_ℓ whose occurring degrees are enumerated for non-monomial activations.
MAX_OUTPUT_DEGREES = 10**5

#: Largest number of entries of all layer index maps together (an MLP's Σ d_i·d_{i−1}); bigger
#: architectures are refused instead of exhausting memory.
MAX_INDEX_ENTRIES = 10**8


def _check_size(entries: int, what: str) -> None:
    if entries > MAX_INDEX_ENTRIES:
        raise ValueError(f"{what} gives layer maps with {entries} entries; architectures above "
                         f"{MAX_INDEX_ENTRIES} are refused (far beyond what exact ranks can handle).")


def _positive_int(value, name: str) -> int:
    if isinstance(value, bool) or not isinstance(value, int):
        raise TypeError(f"Argument '{name}' must be a positive int, not {type(value).__name__} {value!r}.")
    if value < 1:
        raise ValueError(f"Argument '{name}' must be a positive int, got {value}.")
    return value


def _activations(activation, hidden: int) -> tuple[Polynomial, ...]:
    if isinstance(activation, (list, tuple)):
        if len(activation) != hidden:
            raise ValueError(
                f"Argument 'activation' must be one activation or one per hidden layer ({hidden}), "
                f"got {len(activation)}."
            )
        return tuple(as_activation(a, "activation") for a in activation)
    return (as_activation(activation, "activation"),) * hidden


@dataclass(frozen=True, eq=False)
class MLP(Architecture):
    """A polynomial multilayer perceptron with widths d = (d_0, …, d_L).

    It parametrises f_W(x) = W_L σ(W_{L−1} σ(⋯ σ(W_1 x))) with W_i ∈ ℝ^{d_i × d_{i−1}} (W_i x + b_i with
    biases), N = Σ_i d_i d_{i−1} parameters; for σ = z^r the outputs are forms of degree D = r^{L−1} in d_0
    variables and ``ambient_dimension`` is A(d, r) = d_L·C(D + d_0 − 1, d_0 − 1) (in general: the number of
    monomials that can occur). docs/math.md §1 (Kileel–Trager–Bruna).

    Parameters
    ----------
    widths:
        (d_0, …, d_L), at least two positive integers.
    activation:
        A :class:`Polynomial`, an int r (σ = z^r) or a string such as ``"z^3+z^2"``; or a sequence
        of these, one per hidden layer (L − 1 of them).
    bias:
        Add a bias vector to every layer.

    Examples
    --------
    >>> MLP((5, 5, 3, 1), 2).n_params
    43
    """

    widths: tuple[int, ...]
    activation: object = 2
    bias: bool = False

    def __post_init__(self):
        widths = self.widths
        if isinstance(widths, (str, bytes)) or not hasattr(widths, "__iter__"):
            raise TypeError(f"Argument 'widths' must be a sequence of positive ints, not {type(widths).__name__}.")
        widths = tuple(_positive_int(w, "widths") for w in widths)
        if len(widths) < 2:
            raise ValueError(f"Argument 'widths' must have at least 2 entries (d_0, d_1), got {list(widths)}.")
        if len(widths) - 1 > MAX_LAYERS:
            raise ValueError(f"Argument 'widths' has {len(widths) - 1} layers; at most {MAX_LAYERS} (MAX_LAYERS) "
                             "are accepted.")
        if not isinstance(self.bias, bool):
            raise TypeError(f"Argument 'bias' must be a bool, not {type(self.bias).__name__}.")
        _check_size(sum(a * b for a, b in zip(widths, widths[1:])), f"Argument 'widths' {list(widths)}")
        object.__setattr__(self, "widths", widths)
        object.__setattr__(self, "activations", _activations(self.activation, len(widths) - 2))
        object.__setattr__(
            self, "layers", tuple(dense_layer(widths[i], widths[i + 1], self.bias) for i in range(len(widths) - 1))
        )

    @property
    def hidden_widths(self) -> tuple[int, ...]:
        return self.widths[1:-1]

    def with_widths(self, widths) -> "MLP":
        """The architecture with the same depth, activations and bias on other widths."""
        widths = tuple(widths)
        if len(widths) != len(self.widths):
            raise ValueError(f"Argument 'widths' must have {len(self.widths)} entries, got {list(widths)}.")
        return MLP(widths, self.activations, self.bias)

    def __eq__(self, other):
        return (
            isinstance(other, MLP)
            and self.widths == other.widths
            and self.activations == other.activations
            and self.bias == other.bias
        )

    def __hash__(self):
        return hash(("MLP", self.widths, self.activations, self.bias))

    def __repr__(self):
        acts = sorted(set(self.activations), key=str)
        act = str(acts[0]) if len(acts) == 1 else "[" + ", ".join(str(a) for a in self.activations) + "]"
        return f"MLP({self.widths}, σ={act}{', bias' if self.bias else ''})"

    def describe(self) -> str:
        return repr(self)

    def to_json(self) -> dict:
        return {
            "kind": "mlp",
            "widths": list(self.widths),
            "activations": [a.to_json() for a in self.activations],
            "bias": self.bias,
        }

    @classmethod
    def from_json(cls, data: dict) -> "MLP":
        acts = [Polynomial.from_json(a) for a in data.get("activations", [])]
        return cls(tuple(data["widths"]), tuple(acts), bool(data.get("bias", False)))
