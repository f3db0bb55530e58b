"""The network algebra, written once for every architecture and every number system.

For an architecture with layers M_1(θ_1), …, M_L(θ_L) (index maps, see
:mod:`neuromanifold.architectures.layers`) and activations σ_1..σ_{L−1}:

    h_0 = x,   z_ℓ = M_ℓ(θ_ℓ) [h_{ℓ−1}; 1],   h_ℓ = σ_ℓ(z_ℓ),   f_θ(x) = z_L.

The Jacobian of the parametrisation composed with evaluation at inputs x_1..x_m,

    d(ev_X ∘ φ)(θ) ∈ K^{(m·d_L) × N},   row (i, k) = ∇_θ f_θ(x_i)_k,

is computed by batched backpropagation: δ_L = e_k for every output k, δ_{ℓ−1} = (M_ℓ^T δ_ℓ) ⊙ σ'_{ℓ−1}(z_{ℓ−1}),
and the row block of layer ℓ is the outer product δ_ℓ ⊗ [h_{ℓ−1}; 1] gathered through the index map.
Its rank equals rank dφ(θ) as soon as m·d_L ≥ rank and X is generic (docs/math.md §2, evaluation trick):
the coefficient expansion of f_θ is never formed.
"""

from __future__ import annotations

import numpy as np

from ..architectures.parameters import Parameters
from .numbers import NumberSystem

__all__ = ["as_theta", "directional_derivative", "evaluate", "jacobian", "layer_matrices", "random_functionals"]


def as_theta(architecture, params, ns: NumberSystem):
    """The flat parameter vector θ ∈ K^N in the number system ``ns``.

    ``params`` is a :class:`Parameters` of this architecture or a flat vector of length N (already in ``ns``
    when ``ns.is_native`` says so: then it may carry leading batch axes, shape (…, N))."""
    if isinstance(params, Parameters):
        if params.architecture != architecture:
            raise ValueError(f"Argument 'params' belongs to {params.architecture!r}, not {architecture!r}.")
        return ns.asarray(params.flatten())
    if ns.is_native(params):
        if params.ndim < 1 or params.shape[-1] != architecture.n_params:
            raise ValueError(f"Argument 'params' must have last axis N = {architecture.n_params}, not shape {tuple(params.shape)}.")
        return params
    theta = np.asarray(params) if not isinstance(params, np.ndarray) else params
    if theta.ndim != 1 or theta.shape[0] != architecture.n_params:
        raise ValueError(f"Argument 'params' must have length N = {architecture.n_params}, not shape {theta.shape}.")
    return ns.asarray(theta)


def layer_matrices(architecture, theta, ns: NumberSystem) -> list:
    """[M_ℓ(θ_ℓ) | b_ℓ] for every layer (zeros where the index map has −1): one gather of [θ_ℓ, 0] through
    the layer's ``gather`` map, so a batch θ of shape (…, N) gives matrices of shape (…, d_out, d_in + bias)."""
    mats, pos = [], 0
    zero = ns.zeros(tuple(theta.shape[:-1]) + (1,))
    for layer in architecture.layers:
        block = ns.concat([theta[..., pos : pos + layer.n_params], zero])
        pos += layer.n_params
        mats.append(ns.take(block, layer.gather))
    return mats


def _inputs(architecture, X, ns: NumberSystem):
    if ns.is_native(X):  # native inputs may carry the batch axes of a batch θ: shape (…, m, d_0)
        if X.ndim < 2 or X.shape[-1] != architecture.input_dim:
            raise ValueError(f"Argument 'X' must have shape (m, {architecture.input_dim}), not {tuple(X.shape)}.")
        return X
    X = X if isinstance(X, np.ndarray) else np.asarray(X, dtype=object)
    if X.ndim != 2 or X.shape[1] != architecture.input_dim:
        raise ValueError(f"Argument 'X' must have shape (m, {architecture.input_dim}), not {X.shape}.")
    return ns.asarray(X)


def _forward(architecture, theta, X, ns, keep: bool):
    mats = layer_matrices(architecture, theta, ns)
    h = X
    inputs, slopes = [], []
    for ell, M in enumerate(mats):
        h_in = ns.append_one(h) if architecture.bias else h
        z = ns.matmul(h_in, M.swapaxes(-1, -2))
        if keep:
            inputs.append(h_in)
        if ell < len(mats) - 1:
            h, dh = ns.horner(architecture.activations[ell].coeffs, z, derivative=keep)
            if keep:
                slopes.append(dh)
        else:
            h = z
    return h, mats, inputs, slopes


def evaluate(architecture, params, X, ns: NumberSystem):
    """f_θ(x_i) for every row x_i of X, as an (m × d_L) array in ``ns`` ((…, m, d_L) for a batch θ of
    shape (…, N) given natively in ``ns``, e.g. torch tensors: autograd flows through; a native X of shape
    (…, m, d_0) then gives each parameter vector its own inputs).

    f_θ(x) = W_L σ(W_{L−1} σ(⋯ σ(W_1 x))) of docs/math.md §1 (CNNs: the same algebra with convolutional index maps),
    computed exactly in F_p or ℚ, or in float64.
    """
    theta = as_theta(architecture, params, ns)
    out, *_ = _forward(architecture, theta, _inputs(architecture, X, ns), ns, keep=False)
    return out


def directional_derivative(architecture, params, direction, X, ns: NumberSystem):
    """d/dt f_{θ+tv}(x_i) at t = 0 for every row x_i of X: the (m × d_L) array dφ(θ)·v evaluated at X.

    Forward mode, one pass beside the forward pass itself: with ż_ℓ = Ṁ_ℓ [h_{ℓ−1}; 1] + M_ℓ [ḣ_{ℓ−1}; 0] and
    ḣ_ℓ = σ_ℓ'(z_ℓ) ⊙ ż_ℓ, the output is ż_L (Ṁ_ℓ = M_ℓ(v_ℓ), the layer matrices of the direction).  Over ℚ and
    at a unisolvent set of inputs, this being zero *proves* v ∈ ker dφ(θ) (docs/math.md §5): the
    directional derivative of f_θ is then the zero polynomial.  Cost: two forward passes, no m × N matrix.
    """
    theta = as_theta(architecture, params, ns)
    v = as_theta(architecture, direction, ns)
    X = _inputs(architecture, X, ns)
    mats = layer_matrices(architecture, theta, ns)
    dmats = layer_matrices(architecture, v, ns)
    h, dh = X, ns.zeros(X.shape)
    for ell, (M, dM) in enumerate(zip(mats, dmats)):
        h_in = ns.append_one(h) if architecture.bias else h
        dh_in = ns.concat([dh, ns.zeros(tuple(dh.shape[:-1]) + (1,))]) if architecture.bias else dh
        z = ns.matmul(h_in, M.swapaxes(-1, -2))
        dz = ns.add(ns.matmul(h_in, dM.swapaxes(-1, -2)), ns.matmul(dh_in, M.swapaxes(-1, -2)))
        if ell < len(mats) - 1:
            h, slope = ns.horner(architecture.activations[ell].coeffs, z)
            dh = ns.mul(slope, dz)
        else:
            dh = dz
    return dh


#: Entries of one chunk of a layer's outer product in :func:`jacobian` (2^21 float64 = 16 MiB).
_OUTER_CHUNK = 1 << 21


def jacobian(architecture, params, X, ns: NumberSystem, projections=None):
    """d(ev_X ∘ φ)(θ): the (m·d_L) × N matrix of ∂f_θ(x_i)_k / ∂θ_j, rows ordered (i, k).

    This is the evaluation trick of docs/math.md §2: for generic inputs with enough rows,
    rank d(ev_X ∘ φ)(θ) = rank dφ(θ), so dim V = max_θ rank of this matrix without expanding coefficients.

    With ``projections`` C ∈ K^{m × d_L}, the m × N matrix with row i = ∇_θ ⟨c_i, f_θ(x_i)⟩ instead
    (one backpropagation per input, seeded with δ_L = c_i).  These functionals g ↦ ⟨c, g(x)⟩ are
    evaluations of (x, c) ↦ ⟨c, g(x)⟩, so R generic ones are injective on any R-dimensional space
    of functions — unlike full evaluations at ⌈R/d_L⌉ points, which can miss directions when
    d_L > 1 (e.g. linear (4, 2, 4): rank 10 at 3 points, dim V = 12).

    Memory and time are linear in (rows × N): one outer product per layer, formed in chunks of
    :data:`_OUTER_CHUNK` entries so the temporaries stay small next to J.
    """
    theta = as_theta(architecture, params, ns)
    if theta.ndim != 1:
        raise ValueError(f"Argument 'params' must be one parameter vector for the Jacobian, not a batch of shape "
                         f"{tuple(theta.shape)}.")
    X = _inputs(architecture, X, ns)
    _, mats, inputs, slopes = _forward(architecture, theta, X, ns, keep=True)
    m = X.shape[0]
    if projections is None:
        dL = architecture.output_dim
        delta = ns.asarray(np.tile(np.eye(dL, dtype=np.int64), (m, 1)))  # δ_L: row (i, k) is e_k
    else:
        C = projections if ns.is_native(projections) else ns.asarray(projections)
        if tuple(C.shape) != (m, architecture.output_dim):
            raise ValueError(f"Argument 'projections' must have shape ({m}, {architecture.output_dim}), not {tuple(C.shape)}.")
        dL, delta = 1, C  # δ_L: row i is c_i
    rows = m * dL
    J = ns.zeros((rows, architecture.n_params))
    offsets = np.cumsum([0] + [layer.n_params for layer in architecture.layers])
    for ell in reversed(range(len(mats))):
        layer = architecture.layers[ell]
        h_in = inputs[ell]
        out_dim, in_dim = layer.index.shape
        block = slice(offsets[ell], offsets[ell + 1])
        columns = offsets[ell] + layer.index.ravel()
        # an MLP layer's parameters fill its columns in order: written as a slice, not a scatter (2× faster)
        in_order = bool(columns.size) and np.array_equal(columns, np.arange(columns[0], columns[0] + columns.size))
        span = slice(int(columns[0]), int(columns[0]) + columns.size) if in_order else None
        incidence = None if layer.one_to_one else ns.asarray(layer.incidence())
        step = max(1, _OUTER_CHUNK // max(1, dL * out_dim * in_dim))  # inputs per chunk of the outer product
        for s in range(0, m, step):  # in chunks, so the temporaries stay small next to J (peak memory)
            e = min(m, s + step)
            outer = ns.mul(delta[s * dL:e * dL].reshape(e - s, dL, out_dim, 1),
                           h_in[s:e].reshape(e - s, 1, 1, in_dim)).reshape((e - s) * dL, out_dim * in_dim)
            if incidence is not None:
                J[s * dL:e * dL, block] = ns.matmul(outer, incidence)
            elif in_order:
                J[s * dL:e * dL, span] = outer
            else:
                ns.scatter_columns(J[s * dL:e * dL], columns, outer)
        if ell > 0:
            back = ns.matmul(delta, mats[ell])[:, : layer.in_dim]
            delta = ns.mul(back.reshape(m, dL, -1), slopes[ell - 1].reshape(m, 1, -1)).reshape(rows, -1)
    return J


def random_functionals(architecture, rows: int, ns: NumberSystem, rng: np.random.Generator):
    """(X, C): ``rows`` random inputs x_i and projections c_i in ``ns`` — the functionals g ↦ ⟨c_i, g(x_i)⟩ of
    :func:`jacobian` (``projections=C``).  ``rows`` generic ones are injective on any space of functions of
    dimension ≤ rows (docs/math.md §2)."""
    return ns.random(rng, (rows, architecture.input_dim)), ns.random(rng, (rows, architecture.output_dim))
