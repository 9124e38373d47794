"""``adcensus sites ...``: work with site definitions."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from crawler.commands import EXIT_USAGE


def add(commands: argparse._SubParsersAction) -> None:
    parser = commands.add_parser("sites", help="site definitions",
                                 description="Work with site definitions (YAML).")
    sub = parser.add_subparsers(title="commands", metavar="COMMAND")
    validate = sub.add_parser(
        "validate", help="check site definition files",
        description="Check every site definition, merged over the base it extends; errors "
        "name file, line and key (and the base, when the bad value came from it).")
    validate.add_argument("paths", nargs="*", type=Path,
                          help="files or directories (default: the config's sites.dir, else ./sites)")
    validate.add_argument("--config", type=Path, default=None)
    validate.set_defaults(func=validate_command)
    check = sub.add_parser(
        "check", help="crawl a few pages of one site and print field fill rates",
        description="Crawl the first pages of one site (live) and print, per field, how often "
        "it was filled, and whether a list page without items looks like an age gate or a "
        "consent wall (then which 'gate:' key to add). No content is printed. Exit 1 when "
        "no item was found.")
    check.add_argument("name", help="the site's name")
    check.add_argument("--config", type=Path, default=Path("adcensus.yaml"))
    check.add_argument("--pages", type=int, default=20, help="page budget (default 20)")
    check.set_defaults(func=check_command)
    parser.set_defaults(func=lambda args: parser.print_help() or EXIT_USAGE)


def validate_command(args: argparse.Namespace) -> int:
    from crawler.config import load_config
    from crawler.errors import ConfigError, ConfigErrors
    from crawler.site_bases import BASES_DIR
    from crawler.sites import load_site, load_sites

    paths: list[Path] = list(args.paths)
    if not paths:
        if args.config is not None:
            loaded = load_config(args.config)
            print(f"ok: {len(loaded.sites)} site definition(s) valid")
            return 0
        paths = [Path("sites")]
    errors: list[ConfigError] = []
    count = 0
    for path in paths:
        if path.is_file() and path.parent.name == BASES_DIR:
            # a base is no whole definition: it is checked merged, in each that extends it
            print(f"{path}: a base, checked through the definitions that extend it",
                  file=sys.stderr)
            continue
        try:
            count += len(load_sites(path)) if path.is_dir() else bool(load_site(path))
        except ConfigErrors as exc:
            errors.extend(exc.errors)
        except ConfigError as exc:
            errors.append(exc)
    for error in errors:
        print(error, file=sys.stderr)
    if errors:
        return EXIT_USAGE
    print(f"ok: {count} site definition(s) valid")
    return 0


def check_command(args: argparse.Namespace) -> int:
    import subprocess

    from crawler.config import load_config

    load_config(args.config)  # name the file and key of a bad config here, before a process
    command = [sys.executable, "-m", "spiders.check", "--config", str(args.config),
               "--site", args.name, "--pages", str(args.pages)]
    return subprocess.run(command, check=False).returncode
