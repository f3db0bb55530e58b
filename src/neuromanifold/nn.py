"""PyTorch on-ramp: your ``nn.Sequential`` of ``nn.Linear`` layers and polynomial activations as a
:class:`~neuromanifold.Parameters` (architecture included), and back.

    import torch, neuromanifold as nm
    from neuromanifold.nn import PolynomialActivation
    model = torch.nn.Sequential(torch.nn.Linear(3, 4), PolynomialActivation("z^2"), torch.nn.Linear(4, 1))
    ...                                    # train it as usual
    W = nm.from_torch(model)               # Parameters of MLP((3, 4, 1), σ=z^2, bias)
    nm.rank_at_point(W), nm.detect_subnetwork(W)      # floats: see geometry.proximity for certified answers
    torch.save(model.state_dict(), "model.pt")        # neuromanifold critical --weights model.pt

:class:`PolynomialActivation` stores its coefficients as a buffer, so a ``state_dict`` (and a ``.pt`` file of
it) carries the whole architecture; :func:`from_state_dict` reads one (also from ``.npz`` arrays).  Tensors may
live on any device and require grad.  The network is f_W(x) = W_L σ(⋯ σ(W_1 x + b_1) ⋯) + b_L of
docs/math.md §1, with W_ℓ = ``Linear.weight`` (shape d_ℓ × d_{ℓ−1}, the project's convention).
"""

from __future__ import annotations

from fractions import Fraction

import numpy as np

from .architectures import MLP, Parameters, Polynomial
from .architectures.activations import as_activation

try:
    import torch
except ImportError as exc:  # pragma: no cover - torch is in the [train] extra
    raise ImportError("neuromanifold.nn needs PyTorch: pip install 'neuromanifold[train]'") from exc

__all__ = ["PolynomialActivation", "from_torch", "to_torch", "from_state_dict"]


class PolynomialActivation(torch.nn.Module):
    """σ(z) = Σ_k a_k z^k applied elementwise (Horner's rule), with the coefficients a_0..a_r as the buffer
    ``coefficients`` (float64) so that state dicts name the activation.  ``activation``: a degree r (z^r), text
    such as ``"z^3 + z^2"`` (parsed, never evaluated) or a :class:`~neuromanifold.Polynomial`."""

    def __init__(self, activation):
        super().__init__()
        poly = as_activation(activation)
        self.polynomial = poly
        self.register_buffer("coefficients", torch.tensor([float(a) for a in poly.coeffs], dtype=torch.float64))

    def forward(self, z):
        coeffs = self.coefficients.to(dtype=z.dtype, device=z.device)
        out = torch.full_like(z, float(coeffs[-1]))
        for a in reversed(coeffs[:-1]):
            out = out * z + a
        return out

    def extra_repr(self) -> str:
        return f"σ={self.polynomial}"


def _polynomial(coeffs) -> Polynomial:
    """A Polynomial from float coefficients (each float's exact value; 0.5 stays 1/2)."""
    values = [Fraction(float(c)) for c in np.asarray(coeffs, dtype=float).ravel()]
    while len(values) > 1 and values[-1] == 0:
        values.pop()
    return Polynomial(tuple(values))


def _array(t, name) -> np.ndarray:
    if isinstance(t, torch.Tensor):
        return t.detach().to("cpu", dtype=torch.float64).numpy().copy()
    arr = np.asarray(t)
    if arr.dtype.kind not in "fiu":
        raise TypeError(f"Argument 'module': {name} must hold numbers, not {arr.dtype}.")
    return arr.astype(float)


def _build(linears, acts, activation, where) -> Parameters:
    """Parameters from [(weight, bias or None)] and the activations found between them (None: not found)."""
    if not linears:
        raise ValueError(f"Argument '{where}' holds no linear layer (nn.Linear / '*.weight' matrices).")
    hidden = len(linears) - 1
    if activation is not None:
        given = activation if isinstance(activation, (list, tuple)) else [activation] * hidden
        if len(given) != hidden:
            raise ValueError(f"Argument 'activation' must give one activation per hidden layer ({hidden}), got {len(given)}.")
        acts = [as_activation(a) for a in given]
    elif any(a is None for a in acts):
        raise ValueError(f"Argument '{where}': the activation between linear layers is not a PolynomialActivation; "
                         "pass activation= (e.g. activation='z^2') or use neuromanifold.nn.PolynomialActivation.")
    has_bias = {b is not None for _, b in linears}
    if len(has_bias) > 1:
        raise ValueError(f"Argument '{where}': some linear layers have a bias and some do not; the architectures "
                         "here have biases on every layer or on none.")
    weights = [w for w, _ in linears]
    widths = [weights[0].shape[1]] + [w.shape[0] for w in weights]
    for i, w in enumerate(weights):
        if w.ndim != 2 or w.shape[1] != widths[i]:
            raise ValueError(f"Argument '{where}': linear layer {i + 1} has weight shape {tuple(w.shape)}, but the "
                             f"previous layer outputs {widths[i]} features.")
    bias = has_bias == {True}
    arch = MLP(tuple(widths), list(acts), bias=bias)
    return Parameters(arch, weights, [b for _, b in linears] if bias else None)


def from_torch(module, activation=None) -> Parameters:
    """The point W of an ``nn.Sequential`` (or any module whose children are, in order, ``nn.Linear`` layers
    with one activation module between consecutive ones) as float :class:`~neuromanifold.Parameters` with its
    MLP architecture.  Activations are read from :class:`PolynomialActivation` modules, or given as
    ``activation`` (one for every hidden layer, or a list)."""
    if not isinstance(module, torch.nn.Module):
        raise TypeError(f"Argument 'module' must be a torch.nn.Module, not {type(module).__name__}.")
    linears, acts, pending = [], [], None
    children = list(module.children()) or [module]
    for child in children:
        if isinstance(child, torch.nn.Linear):
            if linears:
                acts.append(pending)
            linears.append((_array(child.weight, "weight"), None if child.bias is None else _array(child.bias, "bias")))
            pending = None
        elif isinstance(child, PolynomialActivation):
            pending = _polynomial(child.coefficients.detach().cpu().numpy())
        elif isinstance(child, (torch.nn.Identity, torch.nn.Flatten)):
            continue
        else:
            if activation is None:
                raise ValueError(f"Argument 'module': {type(child).__name__} is neither nn.Linear nor a polynomial "
                                 "activation; pass activation= if it computes a polynomial.")
            pending = None
    return _build(linears, acts, activation, "module")


def from_state_dict(state, activation=None) -> Parameters:
    """The point of a ``state_dict`` (tensors or arrays: ``'<i>.weight'``, ``'<i>.bias'``, and
    ``'<j>.coefficients'`` of :class:`PolynomialActivation` s), keys ordered by their module index."""
    if not hasattr(state, "items"):
        raise TypeError(f"Argument 'state' must be a state dict (mapping of names to tensors), not {type(state).__name__}.")
    modules: dict = {}
    for key, value in state.items():
        prefix, _, name = str(key).rpartition(".")
        modules.setdefault(prefix, {})[name] = value

    def order(prefix):
        parts = prefix.split(".")
        return [int(p) if p.isdigit() else p for p in parts]

    try:
        prefixes = sorted(modules, key=order)
    except TypeError:
        prefixes = list(modules)
    linears, acts, pending = [], [], None
    for prefix in prefixes:
        entry = modules[prefix]
        if "weight" in entry:
            if linears:
                acts.append(pending)
            w = _array(entry["weight"], f"{prefix}.weight")
            b = _array(entry["bias"], f"{prefix}.bias") if "bias" in entry else None
            linears.append((w, b))
            pending = None
        elif "coefficients" in entry:
            pending = _polynomial(_array(entry["coefficients"], f"{prefix}.coefficients"))
    return _build(linears, acts, activation, "state")


def to_torch(params, dtype=torch.float64) -> torch.nn.Sequential:
    """The ``nn.Sequential`` (Linear, PolynomialActivation, …, Linear) computing f_W for MLP parameters
    ``params`` (exact entries are converted to floats)."""
    if not isinstance(params, Parameters) or not isinstance(params.architecture, MLP):
        raise TypeError("Argument 'params' must be Parameters of an MLP.")
    arch = params.architecture
    layers = []
    for i, w in enumerate(params.weights):
        lin = torch.nn.Linear(w.shape[1], w.shape[0], bias=arch.bias, dtype=dtype)
        with torch.no_grad():
            lin.weight.copy_(torch.tensor(np.asarray(w, dtype=float), dtype=dtype))
            if arch.bias:
                lin.bias.copy_(torch.tensor(np.asarray(params.biases[i], dtype=float), dtype=dtype))
        layers.append(lin)
        if i < len(params.weights) - 1:
            layers.append(PolynomialActivation(arch.activations[i]))
    return torch.nn.Sequential(*layers)
