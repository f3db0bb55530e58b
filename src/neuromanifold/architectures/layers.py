"""Linear layers as index maps: the one description of a layer that every number system uses.

A layer ℓ sends h ∈ K^{d_in} to z = M(θ_ℓ) h (+ b), where each entry of M is either a parameter
or zero.  We record this as an integer array ``index`` of shape ``(d_out, d_in + bias)``:
``index[o, i] = j`` means M[o, i] = θ_j, and ``-1`` means M[o, i] = 0; the bias, when present, is the
last column (it multiplies the constant 1).

* Dense (MLP) layer: ``index = arange(d_out·d_in).reshape(d_out, d_in)`` — every weight once.
* 1-D convolution with filter w ∈ K^k and stride s: M[o, i] = w_{i − s·o} — a Toeplitz pattern in
  which a filter entry appears once per output.

The network algebra (forward pass, batched backpropagation) is written once against this
description, so MLPs and CNNs share one code path.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cached_property

import numpy as np

__all__ = ["LinearLayer", "dense_layer", "conv_layer"]


@dataclass(frozen=True, eq=False)
class LinearLayer:
    """A linear (or affine) layer z = M(θ) h (+ b) given by its index map (see module docstring)."""

    in_dim: int
    out_dim: int
    index: np.ndarray = field(repr=False)
    n_params: int
    bias: bool
    param_shape: tuple[int, ...]  # shape of the weight part as users see it (matrix or filter)

    @property
    def n_bias(self) -> int:
        """Parameters in the bias column: d_out for a dense layer, 1 for a convolution."""
        if not self.bias:
            return 0
        column = self.index[:, -1]
        return int(np.unique(column[column >= 0]).size)

    @property
    def n_weights(self) -> int:
        return self.n_params - self.n_bias

    @property
    def one_to_one(self) -> bool:
        """Each parameter occupies exactly one entry of [M | b] (dense layers)."""
        flat = self.index.ravel()
        return bool(np.all(flat >= 0)) and flat.size == self.n_params

    @cached_property
    def gather(self) -> np.ndarray:
        """``index`` with −1 replaced by ``n_params``: [M | b] = [θ_ℓ, 0][gather], the layer matrix as one
        gather from the layer's parameters followed by one zero (any number system, batched θ too)."""
        return np.where(self.index >= 0, self.index, self.n_params)

    def incidence(self) -> np.ndarray:
        """0/1 matrix P of shape (d_out·(d_in+bias), n_params) with P[e, j] = 1 iff entry e holds θ_j."""
        flat = self.index.ravel()
        P = np.zeros((flat.size, self.n_params), dtype=np.int64)
        rows = np.nonzero(flat >= 0)[0]
        P[rows, flat[rows]] = 1
        return P


def dense_layer(in_dim: int, out_dim: int, bias: bool = False) -> LinearLayer:
    """Fully connected layer W ∈ K^{d_out × d_in} (row-major parameters), then b ∈ K^{d_out}."""
    n_w = in_dim * out_dim
    index = np.arange(n_w, dtype=np.int64).reshape(out_dim, in_dim)
    if bias:
        index = np.hstack([index, n_w + np.arange(out_dim, dtype=np.int64)[:, None]])
    return LinearLayer(in_dim, out_dim, index, n_w + (out_dim if bias else 0), bias, (out_dim, in_dim))


def conv_layer(in_dim: int, kernel: int, stride: int, bias: bool = False) -> LinearLayer:
    """Valid 1-D convolution (cross-correlation) with filter w ∈ K^k and stride s:
    z_o = Σ_{t<k} w_t h_{s·o + t}, o = 0..⌊(d_in − k)/s⌋."""
    out_dim = (in_dim - kernel) // stride + 1
    index = -np.ones((out_dim, in_dim), dtype=np.int64)
    for o in range(out_dim):
        index[o, stride * o : stride * o + kernel] = np.arange(kernel)
    if bias:
        index = np.hstack([index, np.full((out_dim, 1), kernel, dtype=np.int64)])
    return LinearLayer(in_dim, out_dim, index, kernel + (1 if bias else 0), bias, (kernel,))
