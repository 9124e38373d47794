"""``adcensus store``: maintenance of the store itself. ``store migrate`` brings a store
written by an earlier adcensus to the schema this one writes (crawler/store/migrate.py)."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import TYPE_CHECKING

from crawler.commands import EXIT_USAGE

if TYPE_CHECKING:
    from crawler.store.migrate import Migration, Step

EXIT_FAILED = 1


def add(commands: argparse._SubParsersAction) -> None:
    parser = commands.add_parser(
        "store", help="maintain the store: migrate it to this version's schema",
        description="Maintenance of the store named by the config's `store` setting.")
    sub = parser.add_subparsers(title="commands", metavar="COMMAND")
    migrate = sub.add_parser(
        "migrate", help="bring a store written by an earlier adcensus to the current schema",
        description="Bring the store to the schema this adcensus writes; every record is "
        "kept. SQLite: the file gets what it lacks in one transaction (opening the store does "
        "this too). Elasticsearch, for each record type whose index is older: install the new "
        "template, create <prefix>-<kind>-vN, make the old index read-only, copy its documents "
        "into the new one (_reindex), check the counts and move the alias in one request. The "
        "old index stays, read-only, for you to delete once you have checked the new one. Run "
        "it while no snapshot runs (stop `adcensus serve`): a snapshot that writes meanwhile "
        "is refused, not lost. Safe to run again: a current store is left as it is and a run "
        "cut off midway is finished. Exit status: 0 migrated or nothing to do, 1 failed, "
        "2 bad input.")
    migrate.add_argument("--config", type=Path, default=Path("adcensus.yaml"),
                         help="the config whose store is migrated (default adcensus.yaml)")
    migrate.add_argument("--dry-run", action="store_true",
                         help="say what would be migrated and change nothing")
    migrate.set_defaults(func=migrate_command)
    parser.set_defaults(func=lambda args: parser.print_help() or EXIT_USAGE)


def migrate_command(args: argparse.Namespace) -> int:
    from crawler.config import load_config
    from crawler.store import StoreError
    from crawler.store.migrate import migrate

    loaded = load_config(args.config)
    try:
        found = migrate(loaded.store_url, dry_run=args.dry_run)
    except StoreError as exc:
        print(f"adcensus: store migrate failed: {exc}", file=sys.stderr)
        return EXIT_FAILED
    except ValueError as exc:
        print(f"adcensus: {exc}", file=sys.stderr)
        return EXIT_USAGE
    for line in report(found):
        print(line)
    return 0


def report(found: Migration) -> list[str]:
    """What a migration did (or would do) and what the operator does next, as lines."""
    kind = "SQLite" if found.backend == "sqlite" else "Elasticsearch"
    lines = [f"store: {kind} {found.location}"]
    if not found.exists:
        lines += found.notes
        lines.append("no store there yet: nothing to migrate; it is created with the current "
                     "schema on first use")
        return lines
    lines += [_step(step) for step in found.steps]
    lines += [f"current: {what}" for what in found.current]
    lines += [f"note: {note}" for note in found.notes]
    return lines + _next(found)


def _step(step: Step) -> str:
    adds = f". Version {step.to_version} adds {step.change}" if step.change else ""
    if step.kind == "all":  # a SQLite file
        verb = "migrated" if step.done else "would migrate"
        return (f"{verb} {step.source} from schema version {step.from_version} to "
                f"{step.to_version}{adds}; its {step.records} indicator(s) are kept, with no "
                "cell key (written before cell keys existed)")
    if not step.done:
        return (f"{step.kind}: would copy {step.records} document(s) from {step.source} "
                f"(schema version {step.from_version}) into {step.target} (schema version "
                f"{step.to_version}) and move the alias to it{adds}")
    return (f"{step.kind}: copied {step.records} document(s) from {step.source} (schema version "
            f"{step.from_version}) into {step.target} (schema version {step.to_version}); "
            f"the alias now points at {step.target}{adds}")


def _next(found: Migration) -> list[str]:
    if found.dry_run and found.steps and found.backend == "sqlite":
        return ["nothing was changed (dry run). Next: run `adcensus store migrate` without "
                "--dry-run (opening the store with this adcensus migrates it too)"]
    if found.dry_run and found.steps:
        return ["nothing was changed (dry run). Next: stop `adcensus serve` (or wait until no "
                "snapshot runs), then run `adcensus store migrate` without --dry-run"]
    lines = []
    if not found.steps:
        lines.append("nothing to migrate: the store has the schema this adcensus writes")
    elif found.backend == "sqlite":
        lines.append("next: nothing; snapshots from now on store cell keys")
    else:
        lines.append("next: start `adcensus serve` again if you stopped it; snapshots from now "
                     "on store cell keys")
    if found.leftovers:
        lines.append("left for you: old index(es), read-only and read by nothing. Check the "
                     "migrated store (`adcensus status`, `adcensus audit`), then delete them "
                     "and their templates (with the cluster's credentials):")
        for old in found.leftovers:
            lines.append(f"  {old.index}: {old.documents} document(s)")
            lines.append(f"    curl -X DELETE \"{found.url}/{old.index}\"")
            if old.template:
                lines.append(f"    curl -X DELETE \"{found.url}/_index_template/{old.template}\"")
    return lines
