"""A snapshot's core work once the crawl is done: window and key, consolidation (exact
copies, near-duplicates, advertisers), comparison with the baseline and the previous
snapshot, indicators, one atomic write.

Pure core: it receives Listings and per-site run counts from whoever crawled, and hands
the store records only. The listings die with the process that holds them.
"""

from __future__ import annotations

import secrets
from collections.abc import Mapping, Sequence
from dataclasses import replace
from datetime import UTC, datetime, timedelta

from crawler import __version__
from crawler.aggregate import aggregate, county_gone, gone_cell_keys
from crawler.consolidate import NearDuplicateSettings, consolidate
from crawler.consolidate.baseline import Comparison, Earlier
from crawler.consolidate.consolidation import MAX_LISTINGS_PER_CONTACT
from crawler.consolidate.contacts import clear_caches as clear_contact_caches
from crawler.discovery.tally import Floor, Outlinks, linked_domain_indicators, tally
from crawler.health import assess
from crawler.keys import KeyRing
from crawler.listing import Listing
from crawler.normalise import clear_caches as clear_normalise_caches
from crawler.record_keys import named_cell_key
from crawler.records import CONTACT_SHARED_WIDELY, COUNTY_PREFIX, Indicator, RunRecord, SiteRun
from crawler.store.base import Store
from crawler.vocabulary import VISIBLE, RunState, SiteHealth

INTERRUPTED = "interrupted: the snapshot process ended before it completed"
def utcnow() -> datetime:
    return datetime.now(UTC)


def iso(moment: datetime) -> str:
    return moment.astimezone(UTC).isoformat(timespec="seconds")


def new_snapshot_id(moment: datetime) -> str:
    return f"{moment.astimezone(UTC):%Y%m%dT%H%M%SZ}-{secrets.token_hex(2)}"


class Snapshot:
    def __init__(
        self,
        store: Store,
        keyring: KeyRing,
        window_days: int,
        config_hash: str,
        now: datetime | None = None,
        near_duplicates: NearDuplicateSettings = NearDuplicateSettings(),
        max_listings_per_contact: int = MAX_LISTINGS_PER_CONTACT,
        discovery_floor: Floor = Floor(),
    ) -> None:
        self.discovery_floor = discovery_floor
        self.near_duplicates = near_duplicates
        self.max_listings_per_contact = max_listings_per_contact
        self.store = store
        self.keyring = keyring
        self.window_days = window_days
        self.config_hash = config_hash
        self.started = now or utcnow()
        self.snapshot_id = new_snapshot_id(self.started)
        self.run: RunRecord | None = None
        self.baseline_id: str | None = None
        self.previous_id: str | None = None

    def begin(self) -> RunRecord:
        """Mark crashed runs failed, pick the baseline window, and record this run as running."""
        self.store.fail_interrupted_runs(INTERRUPTED, iso(self.started))
        done = [r for r in self.store.runs() if r.status in VISIBLE]
        window_id, is_baseline = self._window(done)
        if not is_baseline:
            in_window = [r for r in done if r.window_id == window_id]
            self.baseline_id = in_window[0].snapshot_id
            self.previous_id = in_window[-1].snapshot_id
        self.run = RunRecord(
            snapshot_id=self.snapshot_id,
            started_at=iso(self.started),
            status=RunState.RUNNING,
            config_hash=self.config_hash,
            code_version=__version__,
            window_id=window_id,
            is_baseline=is_baseline,
        )
        self.store.begin_run(self.run)
        return self.run

    def _window(self, done: Sequence[RunRecord]) -> tuple[str, bool]:
        if done:
            latest = done[-1].window_id
            first = next(r for r in done if r.window_id == latest)
            opened = datetime.fromisoformat(first.started_at)
            if self.started - opened < timedelta(days=self.window_days):
                return latest, False
        return f"w{self.snapshot_id}", True

    def finish(self, listings: Mapping[str, Sequence[Listing]], sites: Sequence[SiteRun],
               finished: datetime | None = None, outlinks: Outlinks | None = None) -> RunRecord:
        """Consolidate, compare, aggregate and write everything in one transaction.
        ``outlinks``: the domains the crawl saw linked (site discovery), in memory."""
        assert self.run is not None, "begin() first"
        run = self.run
        key = self.keyring.key(run.window_id, create=run.is_baseline)
        past = [s for r in self.store.runs() if r.status in VISIBLE for s in r.sites]
        sites = [assess(site, past) for site in sites]
        # counted: every site that answered; compared: only those whose crawl looks like
        # their recent ones (an unhealthy site's listings are not "gone", they were missed)
        counted = [s.site for s in sites if s.health != SiteHealth.FAILED]
        compared = [s.site for s in sites if s.health == SiteHealth.OK]
        secret = self.keyring.record_secret()
        consolidation = consolidate({s: listings.get(s, ()) for s in counted}, key,
                                    self.near_duplicates, secret, self.max_listings_per_contact)
        sites = [s.with_dropped(CONTACT_SHARED_WIDELY, consolidation.shared_contacts.get(s.site, 0))
                 for s in sites]
        comparison = Comparison(consolidation, self._earlier(self.baseline_id, compared),
                                self._earlier(self.previous_id, compared), compared)

        failed = [s.site for s in sites if s.health == SiteHealth.FAILED]
        unhealthy = [s.site for s in sites if s.health == SiteHealth.UNHEALTHY]
        status = "complete" if not (failed or unhealthy) else ("failed" if not counted else "partial")
        reason = "; ".join(f"sites {what}: {', '.join(names)}"
                           for what, names in (("failed", failed), ("unhealthy", unhealthy)) if names)
        final = replace(run, status=status, reason=reason, sites=tuple(sites),
                        finished_at=iso(finished or utcnow()))
        units = comparison.units()
        gone = comparison.gone(compared)
        earlier = self._earlier_totals()
        if not (failed or unhealthy):
            # with a site missing, its listings would count as gone from every county
            gone.update(county_gone(units, self._county_counts(earlier)))
        gone_keys = gone_cell_keys(
            gone, units,
            {(against, i.scope, i.level): i.cell_key
             for against, totals in earlier.items() for i in totals},
            lambda *cell: named_cell_key(secret, run.snapshot_id, *cell))
        indicators = aggregate(
            run.snapshot_id, run.started_at, units, counted, gone, not_comparable=unhealthy,
            gone_keys=gone_keys) if counted else []
        if outlinks is not None and counted:
            indicators += linked_domain_indicators(
                run.snapshot_id, run.started_at, tally(outlinks, consolidation, key, counted),
                consolidation, self.discovery_floor, not_comparable=unhealthy)
        self.store.complete_run(final, indicators,
                                comparison.fingerprints(run.window_id, run.snapshot_id))
        if run.is_baseline:
            self._retire_other_windows(run.window_id)
        # the lookups cached stated strings (phone numbers among them): memory only, but
        # no longer than needed
        clear_normalise_caches()
        clear_contact_caches()
        self.run = final
        return final

    def fail(self, reason: str) -> None:
        if self.run is not None:
            self.store.fail_run(self.run.snapshot_id, reason, iso(utcnow()))

    def _earlier_totals(self) -> dict[str, list[Indicator]]:
        """The baseline's and the previous snapshot's totals (every scope and level)."""
        return {against: self.store.indicators(snapshot_id=snapshot_id, measure="count",
                                               breakdown="total")
                for against, snapshot_id in (("baseline", self.baseline_id),
                                             ("previous", self.previous_id))
                if snapshot_id is not None}

    @staticmethod
    def _county_counts(earlier: Mapping[str, Sequence[Indicator]]) -> dict[str, dict[str, int]]:
        """Unique listings per county scope in the baseline and the previous snapshot."""
        out = {}
        for against, totals in earlier.items():
            counts = {i.scope: i.value for i in totals
                      if i.level == "unique" and i.scope.startswith(COUNTY_PREFIX)}
            if counts:  # a snapshot taken before county scopes existed has none
                out[against] = counts
        return out

    def _earlier(self, snapshot_id: str | None, healthy: Sequence[str]) -> Earlier | None:
        if snapshot_id is None:
            return None
        return Earlier.from_fingerprints(self.store.fingerprints(snapshot_id), healthy)

    def _retire_other_windows(self, window_id: str) -> None:
        """A new window has its baseline: the old windows' fingerprints and keys go together."""
        windows = {r.window_id for r in self.store.runs() if r.window_id} | set(self.keyring.windows())
        for old in sorted(windows - {window_id}):
            self.store.delete_window(old)
            self.keyring.delete(old)
