"""The `filmstudio` console command: one sub-command per module in this package."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable, Sequence
from importlib import import_module

# Each module listed here defines `register(subparsers)`; its sub-commands set `handler`.
COMMAND_MODULES = (
    "app.cli.serve",
    "app.cli.worker",
    "app.cli.db",
    "app.cli.models",
    "app.cli.render",
)

Handler = Callable[[argparse.Namespace], int]


class CommandError(Exception):
    """A command failed for a reason the user can act on; printed as one line."""


def build_parser() -> argparse.ArgumentParser:
    """The argument parser with every registered sub-command."""
    parser = argparse.ArgumentParser(prog="filmstudio", description="AI Film Studio")
    subparsers = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    for name in COMMAND_MODULES:
        import_module(name).register(subparsers)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Run one sub-command and return its exit code; errors print one line, no traceback."""
    args = build_parser().parse_args(argv)
    handler: Handler = args.handler
    try:
        return handler(args)
    except CommandError as error:
        print(f"filmstudio: error: {error}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print("filmstudio: interrupted", file=sys.stderr)
        return 130


if __name__ == "__main__":
    raise SystemExit(main())
