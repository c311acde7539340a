"""The ``rolegrid`` command line: thin commands that parse arguments and call the stages.

Each sub-command lives in ``pipeline/commands/<name>.py`` and exposes ``register(subparsers)``,
which adds its parser and sets ``func(args) -> int``. Heavy imports happen inside ``func``.
"""

from __future__ import annotations

import argparse
import importlib
import logging
import sys

from . import __version__
from .errors import RolegridError

COMMANDS = ("analyze", "tag", "eval", "grid", "report", "scenarios", "batch")


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="rolegrid",
        description="From a recorded sales role-play to a draft C1–C5 grid that jurors confirm.",
    )
    parser.add_argument("--version", action="version", version=f"rolegrid {__version__}")
    parser.add_argument("-v", "--verbose", action="count", default=0, help="more log output (-vv: debug)")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    for name in COMMANDS:
        try:
            module = importlib.import_module(f"pipeline.commands.{name}")
        except ModuleNotFoundError as exc:
            if exc.name != f"pipeline.commands.{name}":
                raise
            continue  # command not built yet
        module.register(sub)
    return parser


def main(argv: list[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    if not getattr(args, "func", None):
        parser.print_help()
        return 2
    level = logging.WARNING - 10 * min(args.verbose, 2)
    logging.basicConfig(level=level, format="%(levelname)s %(name)s: %(message)s")
    try:
        return int(args.func(args) or 0)
    except RolegridError as err:
        print(f"rolegrid: error: {err}", file=sys.stderr)
        return err.exit_code
    except KeyboardInterrupt:
        print("rolegrid: interrupted; finished outputs are kept, re-run to resume.", file=sys.stderr)
        return 130


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
