"""The ``neuromanifold`` command line.

Every module ``neuromanifold.cli.cmd_<name>`` defines ``register(subparsers)``, which adds its
subcommand and sets ``func`` (taking the parsed args and returning an exit code).  Commands are
discovered automatically, so a new capability adds a module and touches nothing else.

Errors: a ``ValueError``/``TypeError`` raised by the API (or :class:`UsageError`) becomes one line
on stderr and exit code 2 — never a traceback.  Ctrl-C exits with 130 after finished work is saved.
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


def main(argv=None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    try:
        return int(args.func(args) or 0)
    except (UsageError, ValueError, TypeError) as exc:
        print(f"neuromanifold {args.command}: error: {exc}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print(f"neuromanifold {args.command}: interrupted; finished results were kept.", file=sys.stderr)
        return 130
    except BrokenPipeError:  # e.g. piped into head
        return 0


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
