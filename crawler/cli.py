"""The ``adcensus`` command: a parser built from the modules in ``crawler.commands``."""

from __future__ import annotations

import argparse
import importlib
import sys
from collections.abc import Sequence

from crawler import __version__
from crawler.commands import EXIT_USAGE, MODULES
from crawler.errors import AdcensusError


def parser() -> argparse.ArgumentParser:
    root = argparse.ArgumentParser(
        prog="adcensus",
        description="Aggregated snapshots of online sex-service ad boards, profile directories "
        "and sugardating sites. Keeps counts, never content.",
    )
    root.add_argument("--version", action="version", version=f"adcensus {__version__}")
    commands = root.add_subparsers(title="commands", metavar="COMMAND")
    for name in MODULES:
        importlib.import_module(name).add(commands)
    return root


def main(argv: Sequence[str] | None = None) -> int:
    root = parser()
    args = root.parse_args(argv)
    if not getattr(args, "func", None):
        root.print_help()
        return EXIT_USAGE
    try:
        return int(args.func(args) or 0)
    except AdcensusError as exc:
        print(f"adcensus: {exc}", file=sys.stderr)
        return EXIT_USAGE
    except KeyboardInterrupt:
        print("adcensus: interrupted", file=sys.stderr)
        return 130


if __name__ == "__main__":
    sys.exit(main())
