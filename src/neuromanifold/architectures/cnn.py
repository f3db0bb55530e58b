"""Polynomial convolutional networks: 1-D, one channel, valid convolutions (docs/math.md §6, CNN paragraph).

Layer ℓ = 1..L convolves its input h_{ℓ−1} ∈ K^{d_{ℓ−1}} with a filter w_ℓ ∈ K^{k_ℓ} at stride s_ℓ,

    z_{ℓ,o} = Σ_{t<k_ℓ} w_{ℓ,t} h_{ℓ−1, s_ℓ o + t},   o = 0..d_ℓ − 1,   d_ℓ = ⌊(d_{ℓ−1} − k_ℓ)/s_ℓ⌋ + 1,

and h_ℓ = σ_ℓ(z_ℓ) on the hidden layers, f_w(x) = z_L (Shahverdi–Marchetti–Kohn, AISTATS 2025;
Razor's Edge §4).  No biases unless asked (a bias is one scalar per layer, shared by all positions).

Two numbers govern the geometry:

* the *receptive field* K = 1 + Σ_ℓ (k_ℓ − 1) s_1⋯s_{ℓ−1}: output o depends only on
  x_{S o}, …, x_{S o + K − 1} with S = s_1⋯s_L;
* translation equivariance: every output is the **same** polynomial g(y_0, …, y_{K−1}) evaluated on its
  window, f_w(x)_o = g(x_{S o}, …, x_{S o + K − 1}).  The neuromanifold therefore lies in a linear space
  isomorphic to the polynomials in K variables of the degrees that occur — this is
  :attr:`CNN.ambient_dimension`, far smaller than the MLP-style d_L · C(D + d_0 − 1, d_0 − 1).

A CNN is an index map per layer (:func:`~neuromanifold.architectures.layers.conv_layer`), so
``evaluate``, ``jacobian`` and ``dimension`` serve it unchanged.
"""

from __future__ import annotations

from dataclasses import dataclass
from math import comb, prod

from ..limits import MAX_CNN_INPUT_LENGTH, MAX_LAYERS
from .activations import Polynomial
from .layers import conv_layer
from .mlp import Architecture, _activations, _check_size

__all__ = ["CNN", "check_cnn", "is_cnn"]


def _int_tuple(values, name: str) -> tuple[int, ...]:
    if isinstance(values, (str, bytes)) or not hasattr(values, "__iter__"):
        raise TypeError(f"Argument '{name}' must be a sequence of positive ints, not {type(values).__name__} {values!r}.")
    out = []
    for i, v in enumerate(values):
        if isinstance(v, bool) or not isinstance(v, int):
            try:
                import numpy as np

                if isinstance(v, np.integer):
                    v = int(v)
            except ImportError:  # pragma: no cover
                pass
        if isinstance(v, bool) or not isinstance(v, int):
            raise TypeError(f"Argument '{name}' must hold positive ints; entry {i + 1} is {type(v).__name__} {v!r}.")
        if v < 1:
            raise ValueError(f"Argument '{name}' must hold positive ints; entry {i + 1} is {v}.")
        out.append(v)
    return tuple(out)


@dataclass(frozen=True, eq=False)
class CNN(Architecture):
    """A 1-D, one-channel polynomial CNN with filter sizes k = (k_1, …, k_L) and strides s = (s_1, …, s_L).

    Layer ℓ computes z_ℓ[o] = Σ_t w_ℓ[t] h_{ℓ−1}[s_ℓ o + t] (σ on hidden layers), so
    d_ℓ = ⌊(d_{ℓ−1} − k_ℓ)/s_ℓ⌋ + 1 and, without biases, N = |k| = Σ k_ℓ.  Its neuromanifold has
    dim V = |k| − L + 1 for monomial σ and |k| for generic σ, with the degree formula of docs/math.md §6
    (Shahverdi–Marchetti–Kohn, AISTATS 2025; Razor's Edge).

    Parameters
    ----------
    input_length:
        d_0, the length of the input signal.
    filters:
        (k_1, …, k_L), positive filter sizes; layer ℓ needs k_ℓ ≤ d_{ℓ−1}.
    strides:
        (s_1, …, s_L), positive strides (default all 1).  The last stride only thins the output.
    activation:
        As for :class:`~neuromanifold.MLP`: a :class:`Polynomial`, an int r (σ = z^r), a string such
        as ``"z^2+z"``, or one per hidden layer (L − 1 of them).
    bias:
        One shared bias scalar per layer (default False, as in the papers).

    The parameter vector θ lists the filters w_1, …, w_L in order (|k| = Σ k_ℓ entries without bias).

    Raises ValueError naming the argument when the filters and strides do not fit the input, e.g.
    "Argument 'filters': layer 2 has filter size 4 but its input has length 3."

    Examples
    --------
    >>> net = CNN(5, filters=(3, 2), strides=(2, 1), activation="z^2+z")
    >>> net.widths, net.n_params, net.receptive_field
    ((5, 2, 1), 5, 5)
    """

    input_length: int
    filters: tuple[int, ...]
    strides: tuple[int, ...] | None = None
    activation: object = 2
    bias: bool = False

    def __post_init__(self):
        d0 = self.input_length
        if isinstance(d0, bool) or not isinstance(d0, int):
            raise TypeError(f"Argument 'input_length' must be a positive int, not {type(d0).__name__} {d0!r}.")
        if d0 < 1:
            raise ValueError(f"Argument 'input_length' must be a positive int, got {d0}.")
        filters = _int_tuple(self.filters, "filters")
        if not filters:
            raise ValueError("Argument 'filters' must name at least one filter size.")
        strides = (1,) * len(filters) if self.strides is None else _int_tuple(self.strides, "strides")
        if len(strides) != len(filters):
            raise ValueError(
                f"Argument 'strides' must have one stride per filter ({len(filters)}), got {len(strides)}: {list(strides)}."
            )
        if not isinstance(self.bias, bool):
            raise TypeError(f"Argument 'bias' must be a bool, not {type(self.bias).__name__}.")
        if d0 > MAX_CNN_INPUT_LENGTH:
            raise ValueError(f"Argument 'input_length' is {d0}; at most {MAX_CNN_INPUT_LENGTH} (MAX_CNN_INPUT_LENGTH) "
                             "is accepted (the dense layer maps grow as input_length²).")
        if len(filters) > MAX_LAYERS:
            raise ValueError(f"Argument 'filters' has {len(filters)} layers; at most {MAX_LAYERS} (MAX_LAYERS) "
                             "are accepted.")
        _check_size(d0 * d0 * len(filters), f"Argument 'input_length' {d0}")
        layers, d = [], d0
        for ell, (k, s) in enumerate(zip(filters, strides), start=1):
            if k > d:
                raise ValueError(
                    f"Argument 'filters': layer {ell} has filter size {k} but its input has length {d}"
                    + (" (input_length)." if ell == 1 else f" (the output length of layer {ell - 1} for input_length {d0}).")
                )
            layer = conv_layer(d, k, s, self.bias)
            layers.append(layer)
            d = layer.out_dim
        object.__setattr__(self, "filters", filters)
        object.__setattr__(self, "strides", strides)
        object.__setattr__(self, "activations", _activations(self.activation, len(filters) - 1))
        object.__setattr__(self, "layers", tuple(layers))

    # --- structure -------------------------------------------------------------------------------
    @property
    def widths(self) -> tuple[int, ...]:
        """(d_0, …, d_L): the signal lengths through the network."""
        return (self.input_length,) + tuple(layer.out_dim for layer in self.layers)

    @property
    def hidden_widths(self) -> tuple[int, ...]:
        return self.widths[1:-1]

    @property
    def filter_sum(self) -> int:
        """|k| = Σ_ℓ k_ℓ, the number of filter entries (= N without bias)."""
        return sum(self.filters)

    @property
    def receptive_field(self) -> int:
        """K = 1 + Σ_ℓ (k_ℓ − 1) s_1⋯s_{ℓ−1}: the number of inputs one output depends on."""
        return 1 + sum((k - 1) * prod(self.strides[:i]) for i, k in enumerate(self.filters))

    @property
    def total_stride(self) -> int:
        """S = s_1⋯s_L: consecutive outputs look at windows S apart."""
        return prod(self.strides)

    def input_shift(self, ell: int) -> int:
        """P_{ℓ−1} = s_1⋯s_{ℓ−1}: moving the window of layer ℓ (1-based) by one position moves the
        input window by this many positions."""
        if not 1 <= ell <= self.depth:
            raise ValueError(f"Argument 'ell' must be a layer 1..{self.depth}, got {ell}.")
        return prod(self.strides[: ell - 1])

    def rescaling_units(self, ell: int) -> int:
        """One filter per layer: homogeneous σ_{ℓ+1} = a z^r gives the single rescaling
        (w_{ℓ+1} × c, w_{ℓ+2} × c^{−r}) (SMK 2025: φ is injective up to these rescalings)."""
        return 1

    @property
    def ambient_dimension(self) -> int:
        """A = #{monomials in K variables of the degrees that can occur}, K the receptive field.

        Every output is the same polynomial g on its window (translation equivariance, module docstring),
        so V lies in the image of the injective linear map g ↦ (g(x_{So..So+K−1}))_o.  For σ = z^r this is
        C(D + K − 1, K − 1) with D = r^{L−1}.  It is a proven upper bound on dim V (the span of V may be
        smaller still: with strides not every monomial of the window occurs), so ``filling`` is reported
        against this space."""
        K = self.receptive_field
        return sum(comb(e + K - 1, K - 1) for e in self.output_degrees())

    # --- value semantics ---------------------------------------------------------------------------
    def __eq__(self, other):
        return (
            isinstance(other, CNN)
            and self.input_length == other.input_length
            and self.filters == other.filters
            and self.strides == other.strides
            and self.activations == other.activations
            and self.bias == other.bias
        )

    def __hash__(self):
        return hash(("CNN", self.input_length, self.filters, self.strides, self.activations, self.bias))

    def __repr__(self):
        acts = sorted(set(self.activations), key=str)
        if not acts:
            act = "none"
        elif len(acts) == 1:
            act = str(acts[0])
        else:
            act = "[" + ", ".join(str(a) for a in self.activations) + "]"
        return (
            f"CNN(d_0={self.input_length}, k={self.filters}, s={self.strides}, σ={act}"
            f"{', bias' if self.bias else ''})"
        )

    def describe(self) -> str:
        return repr(self)

    def with_filters(self, filters) -> "CNN":
        """The CNN with the same input length, strides, activations and bias on other filter sizes."""
        return CNN(self.input_length, tuple(filters), self.strides, self.activations, self.bias)

    def to_json(self) -> dict:
        return {
            "kind": "cnn",
            "input_length": self.input_length,
            "filters": list(self.filters),
            "strides": list(self.strides),
            "activations": [a.to_json() for a in self.activations],
            "bias": self.bias,
        }

    @classmethod
    def from_json(cls, data: dict) -> "CNN":
        if not isinstance(data, dict):
            raise ValueError(f"Argument 'data' must be a dict, got {type(data).__name__}.")
        for key in ("input_length", "filters"):
            if key not in data:
                raise ValueError(f"Argument 'data' has no {key!r} (a CNN needs input_length and filters).")
        acts = tuple(Polynomial.from_json(a) for a in data.get("activations", []))
        return cls(
            int(data["input_length"]),
            tuple(int(k) for k in data["filters"]),
            tuple(int(s) for s in data["strides"]) if data.get("strides") is not None else None,
            acts,
            bool(data.get("bias", False)),
        )


def check_cnn(architecture) -> CNN:
    """``architecture`` if it is a CNN, else a TypeError naming the argument."""
    if not isinstance(architecture, CNN):
        raise TypeError(f"Argument 'architecture' must be a CNN, not {type(architecture).__name__}.")
    return architecture


def is_cnn(architecture) -> bool:
    """Whether ``architecture`` is a 1-D CNN: its subnetwork strata are zero-padded filters, which are not
    critically exposed (Razor's Edge Prop 4.5, docs/math.md §6), unlike MLP strata."""
    return isinstance(architecture, CNN)
