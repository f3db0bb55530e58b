"""The forward pass f_θ(X) in PyTorch (float64, CPU), built from the architecture's layer index maps.

This is the network algebra of :mod:`neuromanifold.parametrization.network` restated on torch tensors so
autograd can train it: layer ℓ's matrix is [M_ℓ | b_ℓ][o, i] = θ_{index[o, i]} (0 where the index is −1),
z_ℓ = M_ℓ [h_{ℓ−1}; 1], h_ℓ = σ_ℓ(z_ℓ) by Horner's rule, f_θ(x) = z_L.  The same ``LinearLayer.index``
serves MLPs and CNNs, so nothing about either architecture is written here.  (A torch
``NumberSystem`` cannot reuse ``parametrization.network`` as it stands: ``layer_matrices`` and the
bias column go through ``np.where``/``np.hstack``, which would detach autograd.)

Torch is imported lazily: ``import neuromanifold`` works without it.
"""

from __future__ import annotations

import numpy as np

__all__ = ["require_torch", "TorchNetwork"]


def require_torch():
    """Import torch or raise an ImportError that says how to install it."""
    try:
        import torch
    except ImportError as exc:  # pragma: no cover - torch is a test dependency
        raise ImportError("training needs PyTorch: pip install 'neuromanifold[train]'") from exc
    return torch


class TorchNetwork:
    """f_θ for one architecture as a differentiable function of a flat θ ∈ ℝ^N (torch float64)."""

    def __init__(self, architecture):
        torch = require_torch()
        self.architecture = architecture
        self._gathers = []
        self._offsets = np.cumsum([0] + [layer.n_params for layer in architecture.layers]).tolist()
        for layer in architecture.layers:
            idx = np.where(layer.index >= 0, layer.index, layer.n_params)  # −1 ↦ an appended zero
            self._gathers.append(torch.as_tensor(idx, dtype=torch.long))
        self._coeffs = [[float(a) for a in act.coeffs] for act in architecture.activations]

    def matrices(self, theta):
        """[M_ℓ | b_ℓ] for every layer as torch tensors (differentiable in θ); for a batch θ of shape
        (c, N) each matrix gets a leading batch axis."""
        torch = require_torch()
        mats = []
        zero = theta.new_zeros(theta.shape[:-1] + (1,))
        for ell, gather in enumerate(self._gathers):
            block = torch.cat([theta[..., self._offsets[ell] : self._offsets[ell + 1]], zero], dim=-1)
            mats.append(block[..., gather])
        return mats

    def __call__(self, theta, X):
        """f_θ(X): (m × d_L) for X of shape (m × d_0); (c × m × d_L) for a batch θ of shape (c × N)."""
        torch = require_torch()
        h = X if theta.dim() == 1 else X.expand(theta.shape[0], *X.shape)
        mats = self.matrices(theta)
        for ell, M in enumerate(mats):
            if self.architecture.bias:
                h = torch.cat([h, h.new_ones(h.shape[:-1] + (1,))], dim=-1)
            z = h @ M.transpose(-1, -2)
            if ell < len(mats) - 1:
                cs = self._coeffs[ell]
                acc = torch.full_like(z, cs[-1])
                for c in reversed(cs[:-1]):
                    acc = acc * z + c
                h = acc
            else:
                h = z
        return h
