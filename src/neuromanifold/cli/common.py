"""Shared argument parsing for CLI commands: widths, activations, JSON output."""

from __future__ import annotations

import json
import sys

from ..architectures import architecture_record

__all__ = ["UsageError", "parse_widths", "add_architecture_options", "mlp_from_args", "print_json", "parse_int_list",
           "architecture_record"]


class UsageError(Exception):
    """A bad command-line input; reported as one line with exit code 2."""


def parse_int_list(text: str, name: str) -> tuple[int, ...]:
    """'5,5,3,1' → (5, 5, 3, 1); UsageError naming ``name`` otherwise."""
    try:
        values = tuple(int(part) for part in str(text).split(","))
    except ValueError:
        raise UsageError(f"{name} must be comma-separated integers like 5,5,3,1, got {text!r}") from None
    return values


def seed_type(text: str) -> int:
    """argparse ``type=`` for ``--seed``: a non-negative integer (numpy seeds cannot be negative)."""
    import argparse

    from ..limits import MAX_SEED

    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"must be a non-negative integer, got {text[:40]!r}") from None
    if not 0 <= value <= MAX_SEED:
        raise argparse.ArgumentTypeError(f"must be an integer in [0, 2^63 - 1], got {text[:40]!r}")
    return value


def parse_widths(text: str) -> tuple[int, ...]:
    widths = parse_int_list(text, "WIDTHS")
    if len(widths) < 2 or any(w < 1 for w in widths):
        raise UsageError(f"WIDTHS must be at least two positive integers like 5,5,3,1, got {text!r}")
    return widths


def parse_degrees(text: str) -> tuple[int, ...]:
    """'2..8' or '2,3,5' → degrees."""
    text = str(text)
    try:
        if ".." in text:
            lo, hi = text.split("..")
            values = tuple(range(int(lo), int(hi) + 1))
        else:
            values = tuple(int(part) for part in text.split(","))
    except ValueError:
        raise UsageError(f"--degrees must look like 2..8 or 2,3,5, got {text!r}") from None
    if not values or any(v < 1 for v in values):
        raise UsageError(f"--degrees must be positive integers, got {text!r}")
    from ..architectures.activations import MAX_DEGREE

    if max(values) > MAX_DEGREE or len(values) > 100:
        raise UsageError(f"--degrees must be at most 100 degrees <= {MAX_DEGREE}, got {text!r}")
    return values


def add_architecture_options(parser, widths: bool = True, optional: bool = False) -> None:
    """WIDTHS, --degree R (or R1,R2 per hidden layer), --activation P (or P1;P2), --generic, --bias.

    ``optional``: WIDTHS may be omitted when a --weights file names the architecture."""
    if widths:
        parser.add_argument("widths", metavar="WIDTHS", nargs="?" if optional else None,
                            help="layer widths d_0,...,d_L, e.g. 5,5,3,1"
                                 + (" (default: the architecture stored in --weights)" if optional else ""))
    group = parser.add_mutually_exclusive_group()
    group.add_argument("--degree", "-r", metavar="R",
                       help="monomial activation z^R (comma list: one degree per hidden layer)")
    group.add_argument("--activation", "-a", metavar="P",
                       help='polynomial activation in z, e.g. "z^3+z^2" (";"-separated: one per hidden layer)')
    parser.add_argument("--generic", action="store_true",
                        help="with --degree: a seeded generic polynomial of that degree instead of z^R")
    parser.add_argument("--bias", action="store_true", help="add biases to every layer")


def activations_from_args(args, hidden: int):
    """The activation(s) named by --degree/--activation/--generic."""
    from ..architectures.activations import (
        MAX_DEGREE,
        Monomial,
        generic_polynomial,
        parse_activation,
    )

    if args.activation is not None:
        if args.generic:
            raise UsageError("--generic goes with --degree, not --activation")
        parts = [p for p in args.activation.split(";")]
        acts = [parse_activation(p) for p in parts]
    else:
        text = args.degree if args.degree is not None else "2"
        degrees = parse_int_list(text, "--degree")
        if any(r < 1 for r in degrees):
            raise UsageError(f"--degree must be >= 1, got {text}")
        if any(r > MAX_DEGREE for r in degrees):
            raise UsageError(f"--degree must be <= {MAX_DEGREE}, got {text}")
        seed = getattr(args, "seed", 0) or 0
        acts = [generic_polynomial(r, seed=seed + i) if args.generic else Monomial(r) for i, r in enumerate(degrees)]
    if len(acts) == 1:
        return acts[0]
    if len(acts) != hidden:
        raise UsageError(f"give one activation or one per hidden layer ({hidden}), got {len(acts)}")
    return tuple(acts)


def point_from_args(args):
    """The :class:`~neuromanifold.Parameters` of ``--weights FILE``, on the architecture the file stores;
    options given on the command line (WIDTHS, --degree/--activation, --bias) must agree with it — a
    contradiction is a UsageError, never a silent override.  A file without an architecture needs WIDTHS."""
    from pathlib import Path

    from ..architectures import Parameters, architecture_from_json
    from ..architectures.parameters import read_json_file

    if Path(args.weights).suffix.lower() in (".pt", ".pth", ".npz"):
        return _tensor_point(args)
    data = read_json_file(args.weights, "path")
    stored = None
    if isinstance(data, dict) and data.get("architecture") is not None:
        stored = architecture_from_json(data["architecture"])
    given = args.widths is not None or args.degree is not None or args.activation is not None or args.bias
    if stored is None:
        if args.widths is None:
            raise UsageError(f"--weights {args.weights!r} names no architecture; give WIDTHS (and --degree/--activation)")
        arch = mlp_from_args(args)
    elif not given:
        arch = stored
    else:
        from ..architectures import MLP

        if not isinstance(stored, MLP):
            raise UsageError(f"--weights {args.weights!r} holds a {type(stored).__name__}; drop WIDTHS and the "
                             "activation options, the file names the architecture")
        widths = parse_widths(args.widths) if args.widths is not None else stored.widths
        acts = (activations_from_args(args, len(widths) - 2) if args.degree is not None or args.activation is not None
                else stored.activations if len(widths) == len(stored.widths) else None)
        if acts is None:
            raise UsageError(f"WIDTHS {args.widths} has another depth than the architecture in --weights "
                             f"({stored!r})")
        arch = MLP(widths, acts, bias=args.bias or stored.bias)
        if arch != stored:
            raise UsageError(f"the command line describes {arch!r} but --weights {args.weights!r} holds {stored!r}")
    return Parameters.from_json(data, arch)


def _tensor_point(args):
    """``--weights model.pt|.pth|.npz``: a PyTorch state dict (loaded with ``weights_only=True``, the safe
    unpickler) or numpy arrays named like one (``0.weight``, ``0.bias``, ``1.coefficients``, …), read by
    :func:`neuromanifold.nn.from_state_dict`; activations from :class:`~neuromanifold.nn.PolynomialActivation`
    buffers or from --degree/--activation; WIDTHS, if given, must agree."""
    from pathlib import Path

    import numpy as np

    from ..architectures.parameters import MAX_WEIGHTS_FILE_BYTES

    path = Path(args.weights)
    if not path.is_file():
        raise UsageError(f"--weights {args.weights!r} is not a readable file")
    if path.stat().st_size > MAX_WEIGHTS_FILE_BYTES:
        raise UsageError(f"--weights {args.weights!r} is larger than {MAX_WEIGHTS_FILE_BYTES // 2**20} MiB")
    try:
        from ..nn import from_state_dict
    except ImportError as exc:
        raise UsageError(str(exc)) from None
    if path.suffix.lower() == ".npz":
        try:
            with np.load(path, allow_pickle=False) as data:
                state = {k: data[k] for k in data.files}
        except (OSError, ValueError) as exc:
            raise UsageError(f"--weights {args.weights!r} is not a readable .npz file ({exc})") from None
    else:
        import torch

        try:
            state = torch.load(path, map_location="cpu", weights_only=True)
        except Exception as exc:  # the safe unpickler refuses code objects and whole modules
            raise UsageError(f"--weights {args.weights!r}: cannot read it as a state dict "
                             f"({type(exc).__name__}); save model.state_dict() with torch.save") from None
        if isinstance(state, dict) and isinstance(state.get("state_dict"), dict):
            state = state["state_dict"]
    if not isinstance(state, dict):
        raise UsageError(f"--weights {args.weights!r} holds a {type(state).__name__}, not a state dict")
    linears = sum(1 for k in state if str(k).endswith(".weight") or str(k) == "weight")
    activation = None
    if args.degree is not None or args.activation is not None:
        acts = activations_from_args(args, max(0, linears - 1))
        activation = list(acts) if isinstance(acts, tuple) else [acts] * max(0, linears - 1)
    try:
        params = from_state_dict(state, activation=activation)
    except ValueError as exc:
        if "activation" in str(exc) and activation is None:
            raise UsageError(f"--weights {args.weights!r} names no polynomial activation (save a model built with "
                             "neuromanifold.nn.PolynomialActivation, or give --degree R / --activation P)") from None
        raise
    arch = params.architecture
    if args.widths is not None and parse_widths(args.widths) != arch.widths:
        raise UsageError(f"the command line describes widths {args.widths} but --weights {args.weights!r} holds "
                         f"{arch!r}")
    if args.bias and not arch.bias:
        raise UsageError(f"--bias given but --weights {args.weights!r} has no biases")
    return params


def add_point_options(parser) -> None:
    """--tol and --max-denominator: how float weights become the exact point W′ the answers are certified at."""
    from ..geometry.proximity import DEFAULT_MAX_DENOMINATOR, DEFAULT_TOL

    parser.add_argument("--tol", type=float, default=DEFAULT_TOL,
                        help="float weights: snap onto a subnetwork stratum within this fraction of its layer's scale "
                             f"(default {DEFAULT_TOL:g}; docs/criticality.md)")
    parser.add_argument("--max-denominator", type=int, default=DEFAULT_MAX_DENOMINATOR,
                        help="float weights: largest denominator of the exact point W′ (default "
                             f"{DEFAULT_MAX_DENOMINATOR})")


def exact_point_from_args(args):
    """(the user's point W, the :class:`~neuromanifold.geometry.proximity.Snapped` holding the exact W′)."""
    from ..geometry.proximity import exact_point

    params = point_from_args(args)
    return params, exact_point(params, tol=args.tol, max_denominator=args.max_denominator)


def point_provenance(params, snapped) -> dict:
    """The provenance fields every point-wise JSON carries (docs/json.md): what the input was, how far it is
    from a subnetwork, and what was snapped and rationalised to reach the exact point W′."""
    floats = params.kind == "float"
    return {
        "input": "float" if floats else "exact",
        "distance_to_subnetwork": snapped.distance,
        "nearest_stratum": snapped.nearest.label if snapped.nearest else None,
        "tolerance": snapped.tolerance if floats else None,
        "snapped": [e.label for e in snapped.events] if floats else None,
        "max_denominator": snapped.max_denominator,
        "distance_to_exact_point": snapped.distance_to_exact,
    }


def describe_point(params, snapped) -> str | None:
    """One line for text output when the answers hold at W′ ≠ W (float input), else None."""
    if params.kind != "float":
        return None
    if snapped.events:
        what = "snapped onto " + "; ".join(e.label for e in snapped.events)
    elif snapped.nearest is not None and snapped.distance == 0:
        what = f"already on a subnetwork stratum ({snapped.nearest.label})"
    else:
        what = (f"no subnetwork stratum within tolerance {snapped.tolerance:g} (nearest: "
                f"{snapped.nearest.label if snapped.nearest else 'none'}, distance {snapped.distance:.3g})")
    return (f"float weights: {what}; exact answers below hold at the rational point W′ (denominators ≤ "
            f"{snapped.max_denominator}·2^k) at distance {snapped.distance_to_exact:.3g} from yours")


def add_cnn_options(parser, flag: bool = True) -> None:
    """--cnn (selects :func:`cnn_from_args` as ``args.architecture_builder``), --input-length, --filters,
    --strides."""
    if flag:
        parser.add_argument("--cnn", dest="architecture_builder", action="store_const", const=cnn_from_args,
                            help="a 1-D one-channel CNN instead of an MLP (needs --input-length and --filters)")
    parser.add_argument("--input-length", type=int, metavar="N", help="CNN input length d_0")
    parser.add_argument("--filters", metavar="K1,K2,...", help="CNN filter sizes, e.g. 3,2")
    parser.add_argument("--strides", metavar="S1,S2,...", help="CNN strides (default all 1)")


def cnn_from_args(args):
    from ..architectures import CNN

    if args.filters is None:
        raise UsageError("--filters is required for a CNN, e.g. --filters 3,2")
    if args.input_length is None:
        raise UsageError("--input-length is required for a CNN, e.g. --input-length 5")
    filters = parse_int_list(args.filters, "--filters")
    strides = parse_int_list(args.strides, "--strides") if args.strides is not None else None
    return CNN(args.input_length, filters, strides, activations_from_args(args, len(filters) - 1), bias=args.bias)


def architecture_from_args(args):
    """The MLP (or, once registered, another architecture) the arguments describe."""
    builder = getattr(args, "architecture_builder", None)
    if builder is not None and getattr(args, "widths", None) is not None:
        raise UsageError(f"WIDTHS {args.widths!r} describes an MLP; it cannot be combined with --cnn")
    if builder is None:
        given = [f"--{n.replace('_', '-')}" for n in ("input_length", "filters", "strides") if getattr(args, n, None) is not None]
        if given:
            raise UsageError(f"{', '.join(given)} describe a CNN; add --cnn (and drop WIDTHS)")
    if builder is None and getattr(args, "widths", "") is None:
        raise UsageError("the following argument is required: WIDTHS (or --cnn --input-length N --filters K1,K2,...)")
    return builder(args) if builder else mlp_from_args(args)


def mlp_from_args(args):
    from ..architectures import MLP

    widths = parse_widths(args.widths)
    return MLP(widths, activations_from_args(args, len(widths) - 2), bias=args.bias)


def add_out_option(parser, default, help: str, metavar: str = "PATH", old: str | None = None) -> None:
    """``--out``/``-o``: where a command writes (every command spells it so; ``args.out``).  ``old`` keeps an earlier
    spelling working, unlisted in the help."""
    import argparse

    if old is not None:
        parser.add_argument(old, dest="out", default=argparse.SUPPRESS, metavar=metavar, help=argparse.SUPPRESS)
    parser.add_argument("--out", "-o", dest="out", default=default, metavar=metavar, help=help)


def add_progress_option(parser) -> None:
    """--no-progress (progress bars are drawn only when stderr is a terminal anyway)."""
    parser.add_argument("--no-progress", action="store_true",
                        help="no progress bar (bars are shown only on a terminal, never in a log file)")


def progress_enabled(args) -> bool:
    """Progress bars only on a terminal, and never with --no-progress."""
    return not getattr(args, "no_progress", False) and sys.stderr is not None and sys.stderr.isatty()


class StatusLine:
    """One self-rewriting line on stderr (a terminal only) naming the running step and its elapsed seconds, redrawn
    every second by a daemon thread, so that a long step shows it is alive; ``clear()`` erases it before normal
    output is printed."""

    def __init__(self, enabled: bool):
        import threading

        self.enabled, self._text, self._start, self._lock = enabled, None, 0.0, threading.Lock()
        if enabled:
            threading.Thread(target=self._tick, daemon=True).start()

    def show(self, text: str) -> None:
        import time

        with self._lock:
            self._text, self._start = text, time.perf_counter()
        self._draw()

    def clear(self) -> None:
        with self._lock:
            if self.enabled and self._text is not None:
                sys.stderr.write("\r\x1b[2K")
                sys.stderr.flush()
            self._text = None

    def _draw(self) -> None:
        import shutil
        import time

        with self._lock:
            if not self.enabled or self._text is None:
                return
            room = shutil.get_terminal_size((100, 20)).columns - 1
            line = f"{self._text} … {time.perf_counter() - self._start:.0f} s"
            sys.stderr.write("\r\x1b[2K" + line[:room])
            sys.stderr.flush()

    def _tick(self) -> None:
        import time

        while True:
            time.sleep(1.0)
            self._draw()


def json_text(obj) -> str:
    """Strict JSON (RFC 8259) on one line: NaN and ±Infinity, which JSON does not have, become null."""
    return json.dumps(_finite(obj), indent=None, default=_default, allow_nan=False)


def print_json(obj) -> None:
    """Print :func:`json_text` of ``obj``."""
    if sys.stdout is None:
        raise UsageError("standard output is closed; --json has nowhere to print")
    sys.stdout.write(json_text(obj) + "\n")


def _finite(value):
    import math

    import numpy as np

    if isinstance(value, (float, np.floating)):
        return float(value) if math.isfinite(value) else None
    if isinstance(value, dict):
        return {k: _finite(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_finite(v) for v in value]
    if isinstance(value, np.ndarray):
        return _finite(value.tolist())
    return value


def _default(value):
    import numpy as np

    if isinstance(value, np.integer):
        return int(value)
    if isinstance(value, np.floating):
        return float(value)
    if isinstance(value, np.ndarray):
        return value.tolist()
    return str(value)
