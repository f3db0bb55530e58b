"""The parameter point W = (W_1, …, W_L) (and biases) of an architecture, as an immutable value.

Entries are integers (``int64``, or Python ints when large), rationals (:class:`fractions.Fraction`,
numpy ``object`` arrays) or floats (``float64``).  The flat vector θ ∈ K^N lists layer by layer the
weight entries (row-major for matrices, in order for filters), then the layer's bias.
"""

from __future__ import annotations

import json
import math
from dataclasses import dataclass
from fractions import Fraction
from pathlib import Path

import numpy as np

from .parsing import MAX_NUMBER_DIGITS, parse_rational

__all__ = ["Parameters", "MAX_WEIGHTS_FILE_BYTES", "read_json_file"]

#: Largest weights file read (bytes); a 10⁶-parameter network in JSON is about 20 MB.
MAX_WEIGHTS_FILE_BYTES = 256 * 2**20
_MAX_ENTRY_BITS = int(MAX_NUMBER_DIGITS * 3.33) + 4


def _entry(value, where: str):
    if isinstance(value, bool):
        raise TypeError(f"Argument 'weights' has a bool at {where}; expected a number.")
    if isinstance(value, (int, np.integer)):
        value = int(value)
        if value.bit_length() > _MAX_ENTRY_BITS:
            raise ValueError(f"Argument 'weights' has an integer of {value.bit_length()} bits at {where}; "
                             f"at most {_MAX_ENTRY_BITS} bits ({MAX_NUMBER_DIGITS} digits) are accepted.")
        return value
    if isinstance(value, Fraction):
        # Fraction(np.int64(3)) keeps numpy integers as numerator/denominator: normalise to Python ints
        value = Fraction(int(value.numerator), int(value.denominator))
        if max(value.numerator.bit_length(), value.denominator.bit_length()) > _MAX_ENTRY_BITS:
            raise ValueError(f"Argument 'weights' has a rational of more than {_MAX_ENTRY_BITS} bits at {where}.")
        return value
    if isinstance(value, (float, np.floating)):
        if not math.isfinite(value):
            raise ValueError(f"Argument 'weights' has a non-finite value {value!r} at {where}.")
        return float(value)
    if isinstance(value, str):
        try:
            return parse_rational(value, "weights")
        except ValueError as exc:
            raise ValueError(f"{exc} (at {where})") from None
    try:
        import sympy

        if isinstance(value, sympy.Rational):
            return Fraction(int(value.p), int(value.q))
    except ImportError:  # pragma: no cover
        pass
    raise TypeError(f"Argument 'weights' has {type(value).__name__} {value!r} at {where}; expected a number.")


def _to_array(values, shape: tuple[int, ...], where: str) -> np.ndarray:
    arr = np.asarray(values, dtype=object) if not isinstance(values, np.ndarray) else values
    if arr.shape != shape:
        raise ValueError(f"Argument 'weights' must have shape {shape} for {where}, not {arr.shape}.")
    if arr.dtype.kind == "f":
        if not np.all(np.isfinite(arr)):
            raise ValueError(f"Argument 'weights' has a NaN or infinite entry in {where}.")
        return arr.astype(np.float64)
    if arr.dtype.kind in "iu":
        return arr.astype(np.int64)
    flat = [_entry(v, where) for v in arr.ravel()]
    if any(isinstance(v, float) for v in flat):
        return np.array([float(v) for v in flat], dtype=np.float64).reshape(shape)
    if all(isinstance(v, int) or v.denominator == 1 for v in flat):
        ints = [int(v) for v in flat]
        if all(-(2**62) < v < 2**62 for v in ints):
            return np.array(ints, dtype=np.int64).reshape(shape)
        return np.array(ints, dtype=object).reshape(shape)
    out = np.empty(len(flat), dtype=object)
    out[:] = [Fraction(v) for v in flat]
    return out.reshape(shape)


@dataclass(frozen=True, eq=False)
class Parameters:
    """A parameter point of ``architecture``: per layer a weight array (matrix W_i of shape
    (d_i, d_{i−1}) for an MLP, filter of length k_i for a CNN) and, with biases, a vector b_i.

    A point W = (W_1, …, W_L) of the parameter space of φ: W ↦ f_W (docs/math.md §1); :meth:`flatten` gives θ ∈ K^N
    in the order of docs/design.md (per layer: weights row-major, then the bias).

    Raises ValueError naming the layer when a shape is wrong, the layer count differs from the
    architecture's depth, or an entry is NaN/infinite.
    """

    architecture: object
    weights: tuple
    biases: tuple | None = None

    def __post_init__(self):
        arch = self.architecture
        layers = arch.layers
        weights = self.weights
        if isinstance(weights, np.ndarray) or not isinstance(weights, (list, tuple)):
            raise TypeError("Argument 'weights' must be a list with one array per layer.")
        if len(weights) != len(layers):
            raise ValueError(
                f"Argument 'weights' must have one array per layer ({len(layers)} for {arch!r}), got {len(weights)}."
            )
        ws = tuple(_to_array(w, layer.param_shape, f"layer {i + 1}") for i, (w, layer) in enumerate(zip(weights, layers)))
        bs = None
        if arch.bias:
            biases = self.biases
            if biases is None:
                biases = [np.zeros(layer.out_dim, dtype=np.int64) for layer in layers]
            if len(biases) != len(layers):
                raise ValueError(f"Argument 'biases' must have one vector per layer ({len(layers)}), got {len(biases)}.")
            bs = tuple(
                _to_array(b, (layer.n_params - layer.n_weights,), f"bias of layer {i + 1}")
                for i, (b, layer) in enumerate(zip(biases, layers))
            )
        elif self.biases is not None:
            raise ValueError("Argument 'biases' given, but the architecture has bias=False.")
        object.__setattr__(self, "weights", ws)
        object.__setattr__(self, "biases", bs)

    # --- number kind ----------------------------------------------------------------------
    @property
    def kind(self) -> str:
        """'float' if any entry is a float, else 'rational' if any is a non-integer Fraction, else 'int'."""
        arrays = list(self.weights) + list(self.biases or ())
        if any(a.dtype.kind == "f" for a in arrays):
            return "float"
        for a in arrays:
            if a.dtype == object and any(isinstance(v, Fraction) and v.denominator != 1 for v in a.ravel()):
                return "rational"
        return "int"

    # --- flat vector ----------------------------------------------------------------------
    def flatten(self) -> np.ndarray:
        """θ ∈ K^N: per layer the weights (row-major) then the bias."""
        parts = []
        for i, w in enumerate(self.weights):
            parts.append(w.ravel())
            if self.biases is not None:
                parts.append(self.biases[i].ravel())
        kinds = {p.dtype.kind for p in parts}
        if "f" in kinds:
            return np.concatenate([p.astype(np.float64) for p in parts])
        if "O" in kinds:
            return np.concatenate([p.astype(object) for p in parts])
        return np.concatenate(parts).astype(np.int64)

    @classmethod
    def unflatten(cls, architecture, theta) -> "Parameters":
        """Inverse of :meth:`flatten`."""
        theta = np.asarray(theta) if not isinstance(theta, np.ndarray) else theta
        if theta.ndim != 1 or theta.size != architecture.n_params:
            raise ValueError(
                f"Argument 'theta' must be a vector of length N = {architecture.n_params}, not shape {theta.shape}."
            )
        weights, biases, pos = [], [], 0
        for layer in architecture.layers:
            weights.append(theta[pos : pos + layer.n_weights].reshape(layer.param_shape))
            pos += layer.n_weights
            nb = layer.n_params - layer.n_weights
            biases.append(theta[pos : pos + nb])
            pos += nb
        return cls(architecture, tuple(weights), tuple(biases) if architecture.bias else None)

    @classmethod
    def random(cls, architecture, seed: int = 0, kind: str = "int", low: int = -5, high: int = 5) -> "Parameters":
        """A random point: ``kind='int'`` draws integers uniformly in [low, high]; ``kind='float'``
        draws N(0, 1/fan-in) entries (the usual initialisation scale)."""
        from ..limits import check_architecture, check_seed

        check_architecture(architecture)
        rng = np.random.default_rng(check_seed(seed))
        if kind == "int":
            theta = rng.integers(low, high + 1, size=architecture.n_params, dtype=np.int64)
        elif kind == "float":
            parts = []
            for layer in architecture.layers:
                fan_in = max(1, int(np.max(np.sum(layer.index >= 0, axis=1))))
                parts.append(rng.normal(0.0, 1.0 / math.sqrt(fan_in), size=layer.n_params))
            theta = np.concatenate(parts)
        else:
            raise ValueError(f"Argument 'kind' must be 'int' or 'float', got {kind!r}.")
        return cls.unflatten(architecture, theta)

    # --- JSON -----------------------------------------------------------------------------
    def to_json(self) -> dict:
        def enc(a):
            if a.dtype.kind == "f":
                return a.tolist()
            return np.vectorize(lambda v: str(v) if isinstance(v, Fraction) and v.denominator != 1 else int(v),
                                otypes=[object])(a).tolist()

        data = {"architecture": self.architecture.to_json(), "weights": [enc(w) for w in self.weights]}
        if self.biases is not None:
            data["biases"] = [enc(b) for b in self.biases]
        return data

    @classmethod
    def from_json(cls, data, architecture=None) -> "Parameters":
        """Read ``{"weights": [...], "biases": [...], "architecture": {...}}``; ``architecture``
        overrides the stored one.  Rationals may be written as strings ``"p/q"``."""
        if isinstance(data, list):
            data = {"weights": data}
        if not isinstance(data, dict) or "weights" not in data:
            raise ValueError("Argument 'data' must be a JSON object with a 'weights' list.")
        if architecture is None:
            if "architecture" not in data:
                raise ValueError("Argument 'data' holds no 'architecture'; pass one.")
            architecture = _architecture_from_json(data["architecture"])
        weights = data["weights"]
        if not isinstance(weights, list):
            raise ValueError("Argument 'weights' must be a list with one array per layer.")
        weights = [np.array(w, dtype=object) if not _is_scalar(w) else w for w in weights]
        biases = data.get("biases")
        if biases is not None:
            biases = [np.array(b, dtype=object) for b in biases]
        return cls(architecture, tuple(weights), tuple(biases) if biases is not None else None)

    def save(self, path) -> None:
        Path(path).write_text(json.dumps(self.to_json(), indent=1))

    @classmethod
    def load(cls, path, architecture=None) -> "Parameters":
        """Read a JSON file written by :meth:`save` (a regular file of at most :data:`MAX_WEIGHTS_FILE_BYTES`)."""
        data = read_json_file(path, "path")
        return cls.from_json(data, architecture)

    def __repr__(self):
        return f"Parameters({self.architecture!r}, kind={self.kind})"

    def _arrays(self) -> list[tuple[str, str]]:
        out = []
        for ell, w in enumerate(self.weights):
            out.append((f"layer {ell + 1} weights", np.array2string(np.asarray(w), precision=4, threshold=60)))
            if self.architecture.bias:
                out.append((f"layer {ell + 1} biases", np.array2string(np.asarray(self.biases[ell]), precision=4)))
        return out

    def __str__(self) -> str:
        """The architecture and every layer's weights (and biases), numbers visible."""
        return "\n".join([repr(self)] + [f"{name}:\n{text}" for name, text in self._arrays()])

    def _repr_markdown_(self) -> str:
        """Jupyter: the architecture and the arrays, one code block per layer."""
        out = [f"**{self.architecture.describe()}** — {self.kind} parameters", ""]
        for name, text in self._arrays():
            out += [f"{name}:", "", "```", text, "```", ""]
        return "\n".join(out)


def _is_scalar(value) -> bool:
    return not isinstance(value, (list, tuple, np.ndarray))


def _architecture_from_json(data):
    from . import architecture_from_json

    return architecture_from_json(data)


def _json_int(text: str) -> int:
    if len(text.lstrip("-")) > MAX_NUMBER_DIGITS:
        raise ValueError(f"an integer with {len(text.lstrip('-'))} digits (at most {MAX_NUMBER_DIGITS} are accepted)")
    return int(text)


def _json_float(text: str) -> float:
    value = float(text)
    if not math.isfinite(value):
        raise ValueError(f"{text}, which is beyond the floating-point range")
    return value


def _json_constant(text: str):
    raise ValueError(f"{text}, which is not a number a weight can take")


def read_json_file(path, name: str):
    """JSON from a regular file of bounded size: FIFOs, devices and folders are refused before reading
    (``/dev/zero`` would never end), nesting too deep for the decoder is a ValueError."""
    import os
    import stat

    p = Path(path)
    try:
        info = os.stat(p)
    except FileNotFoundError:
        raise ValueError(f"Argument '{name}': no such file {str(path)!r}.") from None
    except OSError as exc:
        raise ValueError(f"Argument '{name}': cannot read {str(path)!r} ({exc.strerror or exc}).") from None
    if stat.S_ISDIR(info.st_mode):
        raise ValueError(f"Argument '{name}': cannot read {str(path)!r} (Is a directory).")
    if not stat.S_ISREG(info.st_mode):
        raise ValueError(f"Argument '{name}': {str(path)!r} is not a regular file (a pipe, socket or device).")
    if info.st_size > MAX_WEIGHTS_FILE_BYTES:
        raise ValueError(f"Argument '{name}': {str(path)!r} has {info.st_size} bytes; files above "
                         f"{MAX_WEIGHTS_FILE_BYTES} bytes (MAX_WEIGHTS_FILE_BYTES) are refused.")
    try:
        with open(p, "rb") as fh:
            raw = fh.read(min(info.st_size, MAX_WEIGHTS_FILE_BYTES) + 1)  # read(n) allocates n bytes up front
        text = raw.decode("utf-8")
        return json.loads(text, parse_int=_json_int, parse_float=_json_float, parse_constant=_json_constant)
    except UnicodeDecodeError:
        raise ValueError(f"Argument '{name}': {str(path)!r} is not a UTF-8 JSON text file.") from None
    except json.JSONDecodeError as exc:
        raise ValueError(f"Argument '{name}': {str(path)!r} is not valid JSON ({exc.msg}, line {exc.lineno}).") from None
    except RecursionError:
        raise ValueError(f"Argument '{name}': {str(path)!r} nests JSON arrays too deeply.") from None
    except ValueError as exc:
        raise ValueError(f"Argument '{name}': {str(path)!r} holds {exc}.") from None
    except OSError as exc:
        raise ValueError(f"Argument '{name}': cannot read {str(path)!r} ({exc.strerror or exc}).") from None
