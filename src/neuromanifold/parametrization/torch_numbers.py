"""PyTorch tensors as a number system: the network algebra of :mod:`.network` on torch, with autograd.

``Torch()`` runs the same ``evaluate``/``jacobian``/``directional_derivative`` as the exact number systems, on
float64 tensors (or any floating dtype) on any device, and every operation is differentiable: training,
Hessians and SGLD samplers backpropagate through :func:`~neuromanifold.parametrization.network.evaluate`
itself, so there is one forward pass in the project, not one per backend.  θ may carry leading batch axes
(shape (c, N): c parameter vectors at once, e.g. parallel sampler chains).

Like :class:`~.numbers.Float64` it is floating point: its ``rank`` is numerical (singular values below a
relative tolerance count as zero) and is never the judge of a certified answer (docs/math.md §2).

Torch is imported when a ``Torch`` is made, not with the package: ``import neuromanifold`` works without it.
"""

from __future__ import annotations

import numpy as np

from .numbers import NumberSystem

__all__ = ["Torch", "require_torch"]


def require_torch():
    """Import torch or raise an ImportError that says how to install it."""
    try:
        import torch
    except ImportError as exc:  # pragma: no cover - torch is a test dependency
        raise ImportError("this needs PyTorch: pip install 'neuromanifold[train]'") from exc
    return torch


class Torch(NumberSystem):
    """Torch tensors of a floating ``dtype`` (default float64) on ``device`` (default CPU)."""

    name = "torch"

    def __init__(self, dtype=None, device="cpu"):
        torch = require_torch()
        self._torch = torch
        self.dtype = torch.float64 if dtype is None else dtype
        if not isinstance(self.dtype, torch.dtype) or not self.dtype.is_floating_point:
            raise TypeError(f"Argument 'dtype' must be a floating torch dtype, not {dtype!r}.")
        try:
            self.device = torch.device(device)
        except (RuntimeError, TypeError):
            raise ValueError(f"Argument 'device' must name a torch device ('cpu', 'cuda', 'cuda:1', …), got {device!r}.") from None
        self._indices: dict[int, tuple[np.ndarray, object]] = {}

    def __repr__(self):
        return f"Torch({self.dtype}, {self.device})"

    def __eq__(self, other):
        return isinstance(other, Torch) and (other.dtype, other.device) == (self.dtype, self.device)

    def __hash__(self):
        return hash(("Torch", str(self.dtype), str(self.device)))

    def asarray(self, values):
        torch = self._torch
        if isinstance(values, torch.Tensor):
            return values.to(dtype=self.dtype, device=self.device)
        arr = values if isinstance(values, np.ndarray) else np.asarray(values, dtype=object)
        if arr.dtype == object:
            arr = np.array([float(v) for v in arr.ravel()], dtype=np.float64).reshape(arr.shape)
        return torch.as_tensor(np.asarray(arr, dtype=np.float64), dtype=self.dtype, device=self.device)

    def scalar(self, value):
        return float(value)

    def is_native(self, values) -> bool:
        return isinstance(values, self._torch.Tensor) and values.dtype == self.dtype and values.device == self.device

    def zeros(self, shape):
        return self._torch.zeros(shape, dtype=self.dtype, device=self.device)

    def full(self, shape, value):
        return self._torch.full(tuple(shape), float(value), dtype=self.dtype, device=self.device)

    def concat(self, arrays, axis: int = -1):
        return self._torch.cat(list(arrays), dim=axis)

    def _index(self, index: np.ndarray):
        # Index maps live as long as their architecture; keep each one's device copy (checked by identity).
        hit = self._indices.get(id(index))
        if hit is None or hit[0] is not index:
            hit = (index, self._torch.as_tensor(index, dtype=self._torch.long, device=self.device))
            self._indices[id(index)] = hit
        return hit[1]

    def take(self, values, index: np.ndarray):
        return values[..., self._index(index)]

    def scatter_columns(self, matrix, columns: np.ndarray, values) -> None:
        matrix[:, self._index(columns)] = values

    def horner(self, coeffs, z, derivative: bool = True):
        # Python-float coefficients: adding a scalar avoids a filled tensor per Horner step.
        cs = [float(c) for c in coeffs]
        val = self._torch.full_like(z, cs[-1])
        der = self._torch.zeros_like(z) if derivative else None
        for c in reversed(cs[:-1]):
            if derivative:
                der = der * z + val
            val = val * z + c
        return val, der

    def random(self, rng: np.random.Generator, shape):
        return self.asarray(rng.standard_normal(size=shape))

    def rank(self, matrix, rtol: float = 1e-10) -> int:
        """Numerical rank: singular values above ``rtol`` · the largest (not a certificate)."""
        return int(self._torch.linalg.matrix_rank(self.asarray(matrix), rtol=rtol))
