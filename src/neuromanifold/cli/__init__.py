"""The ``neuromanifold`` command line.

Every module ``neuromanifold.cli.cmd_<name>`` defines ``register(subparsers)``, which adds its
subcommand and sets ``func`` (taking the parsed args and returning an exit code).  Commands are
discovered automatically, so a new capability adds a module and touches nothing else.

Errors: a ``ValueError``/``TypeError`` raised by the API (or :class:`UsageError`) becomes one line
on stderr and exit code 2 — never a traceback.  Ctrl-C exits with 130 after finished work is saved,
SIGTERM likewise with 143.
"""

from __future__ import annotations

import argparse
import importlib
import pkgutil
import sys

from .common import UsageError

__all__ = ["main", "build_parser", "UsageError"]


class _Parser(argparse.ArgumentParser):
    def error(self, message):  # one line, exit 2
        self.exit(2, f"{self.prog}: error: {message}\n")


def build_parser() -> argparse.ArgumentParser:
    from .. import __version__

    parser = _Parser(
        prog="neuromanifold",
        description="Exact algebraic geometry of polynomial neural networks.",
    )
    parser.add_argument("--version", action="version", version=f"neuromanifold {__version__}")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND", parser_class=_Parser)
    sub.required = True
    for info in sorted(pkgutil.iter_modules(__path__), key=lambda m: m.name):
        if info.name.startswith("cmd_"):
            importlib.import_module(f"{__name__}.{info.name}").register(sub)
    return parser


class _Terminated(KeyboardInterrupt):
    """SIGTERM (job schedulers, ``timeout``): handled like Ctrl-C, so finished results are kept."""


def _on_sigterm(signum, frame):
    raise _Terminated()


def main(argv=None) -> int:
    import signal
    import threading

    try:
        parser = build_parser()  # imports the command modules: a Ctrl-C here ends quietly too
    except KeyboardInterrupt:
        print("neuromanifold: interrupted.", file=sys.stderr)
        return 130
    args = parser.parse_args(argv)
    previous = None
    if threading.current_thread() is threading.main_thread():
        previous = signal.signal(signal.SIGTERM, _on_sigterm)
    try:
        return _run(args)
    finally:
        if previous is not None:
            signal.signal(signal.SIGTERM, previous)


def _run(args) -> int:
    try:
        code = int(args.func(args) or 0)
        _flush_stdout()  # a full disk or closed pipe shows here, not after exit
        return code
    except (UsageError, ValueError, TypeError) as exc:
        print(f"neuromanifold {args.command}: error: {exc}", file=sys.stderr)
        return 2
    except KeyboardInterrupt as exc:
        print(f"neuromanifold {args.command}: interrupted; finished results were kept.", file=sys.stderr)
        return 143 if isinstance(exc, _Terminated) else 130
    except BrokenPipeError:
        if _stdout_broken():  # piped into head: the reader has what it wanted
            _silence_stdout()
            return 0
        # not our standard output: e.g. worker processes that could not start — a failure, not success
        print(f"neuromanifold {args.command}: error: a pipe to another process broke (did worker processes fail "
              "to start?); finished results were kept.", file=sys.stderr)
        return 1
    except MemoryError:
        print(f"neuromanifold {args.command}: error: out of memory; the request is too large for this machine.",
              file=sys.stderr)
        return 2
    except _StdoutError as exc:
        print(f"neuromanifold {args.command}: error: cannot write standard output ({exc}).", file=sys.stderr)
        _silence_stdout()
        return 2
    except OSError as exc:  # the file system refused (API functions name their own files)
        if exc.filename is None:
            print(f"neuromanifold {args.command}: error: cannot write output ({exc.strerror or exc}).", file=sys.stderr)
            _silence_stdout()
        else:
            print(f"neuromanifold {args.command}: error: cannot use {exc.filename!r} ({exc.strerror or exc}).",
                  file=sys.stderr)
        return 2


class _StdoutError(Exception):
    """Writing standard output failed (a full disk, a closed file)."""


def _flush_stdout() -> None:
    if sys.stdout is None:
        return
    try:
        sys.stdout.flush()
    except BrokenPipeError:
        raise
    except OSError as exc:
        raise _StdoutError(exc.strerror or str(exc)) from None


def _stdout_broken() -> bool:
    """True when standard output is a pipe whose reader has gone (poll reports an error on it)."""
    import select

    try:
        poller = select.poll()
        poller.register(sys.stdout.fileno(), select.POLLOUT)
        return any(ev & (select.POLLERR | select.POLLHUP) for _, ev in poller.poll(0))
    except (AttributeError, ValueError, OSError):
        return False


def _silence_stdout() -> None:
    """Point standard output at /dev/null so the interpreter's final flush cannot fail again."""
    import os

    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
    except (AttributeError, ValueError, OSError):
        pass


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
