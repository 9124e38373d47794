"""Entry point of the snapshot subprocess: ``python -m scheduler.snapshot_process``.

One process per snapshot, so that every listing held in memory dies with it. Its
temporary directory (Chromium's profile included) is on memory-backed storage and is
removed on the way out; after a kill -9, by whoever comes next (the runner that killed
it, or the next snapshot: see ``sweep_stale_tempdirs``).

It holds the store's snapshot lock (scheduler/lock.py) from before the run record is
written until it exits, so two snapshots of one store never overlap, whoever started
them (`adcensus snapshot`, `adcensus serve`, or two of each).

Exit status: 0 complete, 3 partial (a site failed), 1 failed, 2 bad configuration,
4 skipped (another snapshot of this store is running).
"""

from __future__ import annotations

import argparse
import signal
import sys
import time
from collections.abc import Sequence
from datetime import datetime, timedelta
from pathlib import Path
from typing import TYPE_CHECKING

from crawler.tempdirs import in_memory_tempdir
from crawler.vocabulary import RunState

if TYPE_CHECKING:
    from crawler.config import LoadedConfig
    from crawler.sites import SiteDefinition

EXIT_COMPLETE, EXIT_FAILED, EXIT_CONFIG, EXIT_PARTIAL, EXIT_SKIPPED = 0, 1, 2, 3, 4
# Scrapy stops its crawlers with this reason on SIGTERM/SIGINT (spiders/crawl.py records
# it as the error "closed_shutdown"): the crawl is incomplete and must not be counted
STOPPED_BY_SIGNAL = "closed_shutdown"
CANCELLED = "cancelled: the snapshot process was asked to stop (SIGTERM/SIGINT) mid-crawl"


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="adcensus-snapshot",
                                     description="Take one snapshot (run by `adcensus snapshot`).")
    parser.add_argument("--config", required=True, type=Path)
    parser.add_argument("--quiet", action="store_true", help="no progress lines")
    parser.add_argument("--lock-fd", type=int, default=None,
                        help="an inherited descriptor of the snapshot lock, already held "
                        "(given by the scheduler's runner)")
    parser.add_argument("--taken-at", type=_moment, default=None, metavar="ISO-TIME",
                        help="record the snapshot as taken at this time (the demo market's "
                        "own clock: `adcensus demo --weeks`, and tests); never for real sites")
    args = parser.parse_args(argv)

    with in_memory_tempdir():
        return _run(args.config, quiet=args.quiet, lock_fd=args.lock_fd, taken_at=args.taken_at)


def _moment(text: str) -> datetime:
    moment = datetime.fromisoformat(text)
    if moment.tzinfo is None:
        raise argparse.ArgumentTypeError(f"{text!r} has no time zone (write e.g. +00:00)")
    return moment


def _run(config_path: Path, quiet: bool, lock_fd: int | None = None,
         taken_at: datetime | None = None) -> int:
    from crawler.config import load_config
    from crawler.errors import AdcensusError

    try:
        loaded = load_config(config_path)
    except AdcensusError as exc:
        print(f"adcensus: {exc}", file=sys.stderr)
        return EXIT_CONFIG
    sites = loaded.enabled_sites()
    if not sites:
        print(f"adcensus: {config_path}: no site is enabled", file=sys.stderr)
        return EXIT_CONFIG

    from scheduler.lock import SKIPPED_RUNNING, SnapshotLock, lock_path

    path = lock_path(loaded)
    lock = SnapshotLock.inherited(path, lock_fd) if lock_fd is not None else SnapshotLock(path)
    if not lock.acquire():
        print(f"adcensus: {SKIPPED_RUNNING} (lock {path})", file=sys.stderr, flush=True)
        return EXIT_SKIPPED
    with lock:
        return _snapshot(loaded, sites, quiet, taken_at)


def _snapshot(loaded: LoadedConfig, sites: Sequence[SiteDefinition], quiet: bool,
              taken_at: datetime | None = None) -> int:
    from crawler.discovery.tally import Floor, Outlinks
    from crawler.keys import KeyRing
    from crawler.snapshot import Snapshot
    from crawler.store import open_store
    from spiders.crawl import crawl_sites  # Scrapy only in this process, only from here

    with open_store(loaded.store_url) as store:
        snapshot = Snapshot(store, KeyRing(loaded.keys_dir), loaded.config.baseline.window_days,
                            loaded.config_hash(), now=taken_at,
                            near_duplicates=loaded.near_duplicate_settings(),
                            max_listings_per_contact=(
                                loaded.config.consolidation.max_listings_per_contact),
                            discovery_floor=Floor(loaded.config.discovery.min_sites,
                                                  loaded.config.discovery.min_advertisers))
        started = time.monotonic()
        cancellation = Cancellation()
        outlinks: Outlinks | None = None
        try:
            run = snapshot.begin()
            label = "baseline" if run.is_baseline else "compared with the baseline"
            _say(quiet, f"snapshot {run.snapshot_id} ({label}): crawling {len(sites)} site(s)")
            cancellation.crawling = True
            collectors = crawl_sites(loaded, sites, progress=None if quiet else _progress)
            cancellation.crawling = False
            signalled = cancellation.signalled or scrapy_saw_signal()
            cancellation.install()  # Scrapy's handlers do nothing once its reactor stopped
            if signalled or any(c.errors.get(STOPPED_BY_SIGNAL) for c in collectors):
                # the crawl was cut short by a signal: what it saw is not a snapshot
                raise Cancelled
            finished = (taken_at + timedelta(seconds=time.monotonic() - started)
                        if taken_at else None)
            outlinks = Outlinks({c.site: c.listing_links for c in collectors},
                                {c.site: c.page_links for c in collectors})
            final = snapshot.finish({c.site: c.listings for c in collectors},
                                    [c.site_run() for c in collectors], finished=finished,
                                    outlinks=outlinks)
        except (Cancelled, KeyboardInterrupt):
            snapshot.fail(CANCELLED)
            _say(quiet, f"snapshot {snapshot.snapshot_id}: failed ({CANCELLED})")
            return EXIT_FAILED
        except BaseException as exc:
            snapshot.fail(f"error: {type(exc).__name__}")
            raise
        finally:
            # drop the listings as soon as the indicators exist
            collectors, outlinks = [], None
    _say(quiet, f"snapshot {final.snapshot_id}: {final.status}"
                + (f" ({final.reason})" if final.reason else ""))
    exits: dict[str, int] = {RunState.COMPLETE: EXIT_COMPLETE, RunState.PARTIAL: EXIT_PARTIAL}
    return exits.get(final.status, EXIT_FAILED)


class Cancelled(BaseException):
    """SIGTERM or SIGINT: the snapshot ends without counting anything."""


def scrapy_saw_signal() -> bool:
    """Whether Scrapy's shutdown handler ran: on the first signal it puts its "kill"
    handler in its place (on the second, SIG_IGN). A signal that came before any spider
    opened leaves no "shutdown" close reason to see."""
    handler = signal.getsignal(signal.SIGTERM)
    return handler == signal.SIG_IGN or getattr(handler, "__name__", "") == "_signal_kill"


class Cancellation:
    """SIGTERM and SIGINT cancel the snapshot wherever they arrive, and the run is
    recorded as cancelled: before the crawl and after it, by raising ``Cancelled``;
    during it Scrapy's own handlers take over once its reactor runs (the spiders close
    with "shutdown"), and until then the reactor is stopped and the signal remembered
    (an exception raised inside Twisted would be swallowed by it)."""

    def __init__(self) -> None:
        self.crawling = False
        self.signalled = False
        self.install()

    def install(self) -> None:
        for signum in (signal.SIGTERM, signal.SIGINT):
            signal.signal(signum, self._handle)

    def _handle(self, signum: int, frame: object) -> None:
        self.signalled = True
        if not self.crawling:
            raise Cancelled
        reactor = sys.modules.get("twisted.internet.reactor")
        if reactor is not None and getattr(reactor, "running", False):
            reactor.callFromThread(reactor.stop)  # type: ignore[attr-defined]


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
