"""The training objective on torch tensors, through the project's one network algebra.

L(θ) = (1/m) Σ_i |f_θ(x_i) − y_i|² (docs/math.md §6), with f_θ computed by
:func:`neuromanifold.parametrization.evaluate` in the :class:`~neuromanifold.parametrization.Torch` number
system, so autograd differentiates the same forward pass the exact ranks use.  Training, end-point
refinement, critical exposure and the LLC sampler all call :func:`mse`; the sampler's L_n is mse/2.
"""

from __future__ import annotations

from functools import lru_cache

from ..parametrization import Torch, evaluate

__all__ = ["mse", "mse_and_gradient", "model_parameters", "torch_numbers"]


@lru_cache(maxsize=1)
def torch_numbers() -> Torch:
    """The float64 CPU torch number system (made once: it imports torch)."""
    return Torch()


def mse(architecture, theta, X, Y):
    """(1/m) Σ_i |f_θ(x_i) − y_i|² for torch θ of shape (N,) — a scalar — or (c, N) — one value per row (X, Y of
    shape (m, ·) shared by the rows, or (c, m, ·): each row its own data)."""
    residual = evaluate(architecture, theta, X, torch_numbers()) - Y
    return (residual**2).sum((-1, -2)) / X.shape[-2]


def mse_and_gradient(architecture, theta, X, Y):
    """(L(θ), ∇L(θ)) in float64 numpy, L = (1/m) Σ_i |f_θ(x_i) − y_i|² and ∇L = (2/m) Jᵀ r (the Jacobian of the
    network algebra; no torch) — for the Levenberg–Marquardt refinement and the critical-point classification."""
    import numpy as np

    from ..parametrization import Float64, jacobian

    ns = Float64()
    X = np.asarray(X, dtype=np.float64)
    r = (evaluate(architecture, theta, X, ns) - np.asarray(Y, dtype=np.float64)).ravel()
    m = X.shape[0]
    return float(r @ r) / m, (2.0 / m) * (jacobian(architecture, theta, X, ns).T @ r)


def model_parameters(model, activation=None):
    """The :class:`~neuromanifold.Parameters` of ``model``: itself if it already is one, else a PyTorch module read by
    :func:`neuromanifold.from_torch` (``activation`` as there) — the one entry of the user-model functions
    (:func:`~neuromanifold.landscape.llc.llc`, :class:`~neuromanifold.landscape.probe.SubnetworkProbe`)."""
    from ..architectures import Parameters

    if isinstance(model, Parameters):
        return model
    if hasattr(model, "state_dict"):
        from ..nn import from_torch

        return from_torch(model, activation=activation)
    raise TypeError(f"Argument 'model' must be a torch module or Parameters, got {type(model).__name__}.")
