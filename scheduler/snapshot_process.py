"""Entry point of the snapshot subprocess: ``python -m scheduler.snapshot_process``.

One process per snapshot, so that every listing held in memory dies with it. Its
temporary directory (Chromium's profile included) is on memory-backed storage and is
removed on the way out, whatever the way out is.

Exit status: 0 complete, 3 partial (a site failed), 1 failed, 2 bad configuration.
"""

from __future__ import annotations

import argparse
import os
import shutil
import sys
import tempfile
from collections.abc import Sequence
from pathlib import Path

EXIT_COMPLETE, EXIT_FAILED, EXIT_CONFIG, EXIT_PARTIAL = 0, 1, 2, 3
MEMORY_DIRS = ("/dev/shm", "/run/shm")


def memory_tempdir() -> Path:
    """A private temporary directory in RAM when the machine has one."""
    for candidate in MEMORY_DIRS:
        if os.path.isdir(candidate) and os.access(candidate, os.W_OK):
            return Path(tempfile.mkdtemp(prefix="adcensus-", dir=candidate))
    return Path(tempfile.mkdtemp(prefix="adcensus-"))


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="adcensus-snapshot",
                                     description="Take one snapshot (run by `adcensus snapshot`).")
    parser.add_argument("--config", required=True, type=Path)
    parser.add_argument("--quiet", action="store_true", help="no progress lines")
    args = parser.parse_args(argv)

    tmp = memory_tempdir()
    # Chromium, Playwright's driver and Python all take TMPDIR: nothing lands on disk
    os.environ["TMPDIR"] = str(tmp)
    tempfile.tempdir = str(tmp)
    try:
        return _run(args.config, quiet=args.quiet)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


def _run(config_path: Path, quiet: bool) -> int:
    from crawler.config import load_config
    from crawler.errors import AdcensusError
    from crawler.keys import KeyRing
    from crawler.snapshot import Snapshot
    from crawler.store import open_store

    try:
        loaded = load_config(config_path)
    except AdcensusError as exc:
        print(f"adcensus: {exc}", file=sys.stderr)
        return EXIT_CONFIG
    sites = loaded.enabled_sites()
    if not sites:
        print(f"adcensus: {config_path}: no site is enabled", file=sys.stderr)
        return EXIT_CONFIG

    from spiders.crawl import crawl_sites  # Scrapy only in this process, only from here

    with open_store(loaded.store_url) as store:
        snapshot = Snapshot(store, KeyRing(loaded.keys_dir), loaded.config.baseline.window_days,
                            loaded.config_hash(), near_duplicates=loaded.near_duplicate_settings())
        run = snapshot.begin()
        label = "baseline" if run.is_baseline else "compared with the baseline"
        _say(quiet, f"snapshot {run.snapshot_id} ({label}): crawling {len(sites)} site(s)")
        try:
            collectors = crawl_sites(loaded, sites, progress=None if quiet else _progress)
            final = snapshot.finish({c.site: c.listings for c in collectors},
                                    [c.site_run() for c in collectors])
        except BaseException as exc:
            snapshot.fail(f"error: {type(exc).__name__}")
            raise
        finally:
            collectors = []  # drop the listings as soon as the indicators exist
    _say(quiet, f"snapshot {final.snapshot_id}: {final.status}"
                + (f" ({final.reason})" if final.reason else ""))
    return {"complete": EXIT_COMPLETE, "partial": EXIT_PARTIAL}.get(final.status, EXIT_FAILED)


def _progress(collectors: Sequence[object], done: bool) -> None:
    parts = []
    for c in collectors:
        errors = sum(c.errors.values())  # type: ignore[attr-defined]
        parts.append(f"{c.site}: {c.pages} pages, {len(c.listings)} listings"  # type: ignore[attr-defined]
                     + (f", {errors} errors" if errors else ""))
    line = ("done: " if done else "crawling: ") + " | ".join(parts)
    if sys.stderr.isatty():
        # one line updated in place; a log or CI capture gets one line per update instead
        print("\r\033[K" + line, end="\n" if done else "", file=sys.stderr, flush=True)
    else:
        print(line, file=sys.stderr, flush=True)


def _say(quiet: bool, message: str) -> None:
    if not quiet:
        print(message, file=sys.stderr, flush=True)


if __name__ == "__main__":
    sys.exit(main())
