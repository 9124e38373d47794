"""The ``adcensus`` subcommands, one module each (as Scrapy's ``scrapy/commands``).

A module registers itself with ``add(commands)``, where ``commands`` is argparse's
subparsers object, and sets ``func`` to the function that runs it. To add a command,
write a module and name it in ``MODULES``.
"""

from __future__ import annotations

import argparse

MODULES = (
    "crawler.commands.demo",
    "crawler.commands.demo_market",
    "crawler.commands.snapshot",
    "crawler.commands.summary",
    "crawler.commands.overview",
    "crawler.commands.report",
    "crawler.commands.sites",
    "crawler.commands.schedule",
    "crawler.commands.serve",
    "crawler.commands.status",
    "crawler.commands.audit",
    "crawler.commands.keys",
    "crawler.commands.export",
    "crawler.commands.store",
    "crawler.commands.discover",
)

EXIT_USAGE = 2


def positive(text: str) -> int:
    """An argument type: an integer of 1 or more."""
    value = int(text)
    if value < 1:
        raise argparse.ArgumentTypeError("must be 1 or more")
    return value
