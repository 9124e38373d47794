"""``adcensus keys``: the baseline windows, their keys' state, and retirement. Never a key."""

from __future__ import annotations

import argparse
import json
import sys
from datetime import UTC, datetime
from pathlib import Path

from crawler.commands import EXIT_USAGE


def add(commands: argparse._SubParsersAction) -> None:
    parser = commands.add_parser(
        "keys", help="show the baseline windows and the state of their keys",
        description="One line per baseline window: live, missing key, ended, stale "
        "fingerprints, orphan key or retired, with its fingerprints and where its key is "
        "(a file or an ADCENSUS_KEY_* variable). Keys themselves are never shown.")
    parser.add_argument("--config", type=Path, default=Path("adcensus.yaml"))
    parser.add_argument("--json", action="store_true", help="print JSON")
    parser.set_defaults(func=list_command)
    sub = parser.add_subparsers(title="commands", metavar="COMMAND")
    retire = sub.add_parser(
        "retire", help="delete the fingerprints and key files of windows that are not live",
        description="Delete, together, the fingerprints and the key file of every window that "
        "has ended (a later baseline opened, or its days are up) and of orphan keys. The next "
        "snapshot does this too; this does it now. Refused while a snapshot is running.")
    retire.add_argument("--config", type=Path, default=Path("adcensus.yaml"))
    retire.add_argument("--dry-run", action="store_true", help="say what would be deleted")
    retire.set_defaults(func=retire_command)


def _windows(config: Path, now: datetime | None = None):  # type: ignore[no-untyped-def]
    from crawler.audit.windows import windows
    from crawler.config import load_config
    from crawler.keys import KeyRing
    from crawler.store.inspect import inspect_store

    loaded = load_config(config)
    inspection = inspect_store(loaded.store_url)
    keyring = KeyRing(loaded.keys_dir)
    found = windows(inspection.runs, inspection.fingerprints_by_window, keyring,
                    loaded.config.baseline.window_days, now)
    return loaded, inspection, keyring, found


def list_command(args: argparse.Namespace) -> int:
    loaded, inspection, keyring, found = _windows(args.config)
    if args.json:
        print(json.dumps({"keys_dir": str(keyring.directory),
                          "window_days": loaded.config.baseline.window_days,
                          "windows": [w.to_plain() for w in found]}, indent=2))
        return 0
    print(f"keys: {keyring.directory} (and ADCENSUS_KEY_* variables); "
          f"a window lasts {loaded.config.baseline.window_days} days")
    if not found:
        print("no baseline window yet")
        return 0
    header = (f"{'window':<26} {'state':<18} {'opened':<16} {'ends':<16} "
              f"{'snapshots':>9} {'fingerprints':>12}  key")
    print(header)
    print("-" * len(header))
    for w in found:
        key = f"{w.key}: {w.key_name}" if w.key else "-"
        print(f"{w.window_id:<26} {w.state:<18} {_day(w.opened):<16} {_day(w.ends):<16} "
              f"{w.snapshots:>9} {w.fingerprints:>12}  {key}")
    problems = [w for w in found if not w.ok]
    if problems:
        print(f"\n{len(problems)} window(s) need attention: `adcensus keys retire` deletes the "
              "fingerprints and key files of windows that are not live")
    return 0


def retire_command(args: argparse.Namespace) -> int:
    from crawler.audit.windows import retirable
    from crawler.store import open_store

    loaded, inspection, keyring, found = _windows(args.config)
    running = [r.snapshot_id for r in inspection.runs if r.status == "running"]
    if running:
        print(f"adcensus: a snapshot is running ({', '.join(running)}): retire after it ends",
              file=sys.stderr)
        return EXIT_USAGE
    todo = retirable(found)
    if not todo:
        print("nothing to retire")
        return 0
    with open_store(loaded.store_url) as store:
        for w in todo:
            if args.dry_run:
                print(f"would retire window {w.window_id}: {w.fingerprints} fingerprint(s)"
                      + (f", key {w.key_name}" if w.key == "file" else ""))
                continue
            deleted = store.delete_window(w.window_id) if w.fingerprints else 0
            removed = keyring.delete(w.window_id)
            print(f"retired window {w.window_id}: {deleted} fingerprint(s) deleted"
                  + (", key file deleted" if removed else ""))
    for w in found:
        if w.key == "environment" and w.state != "live":
            print(f"unset {w.key_name}: a key in the environment cannot be deleted from here",
                  file=sys.stderr)
    return 0


def _day(moment: datetime | None) -> str:
    return moment.astimezone(UTC).strftime("%Y-%m-%d %H:%M") if moment else "-"
