"""Candidate domains as ``adcensus discover`` lists them: ranked, with their recent
course and a state.

Read from the store's ``linked_domain`` indicators of the latest snapshots, and shown
only through the protection (crawler/protection.py): a person sees published numbers of
advertisers and listings, never a stored count. Which sites link is shown by name (sites
are public; no count of them is a count of people).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from itertools import pairwise

from crawler.discovery.states import CandidateState, Decision
from crawler.discovery.tally import OTHER_DOMAINS
from crawler.protection import Protection
from crawler.records import SCOPE_ALL, Indicator, RunRecord, is_site_scope
from crawler.store.base import Store
from crawler.vocabulary import VISIBLE, Breakdown, Level, Measure

RECENT_SNAPSHOTS = 4  # how far back the course of a candidate is shown


@dataclass(slots=True)
class Candidate:
    domain: str
    state: CandidateState
    sites: tuple[str, ...] = ()  # the monitored sites linking to it in the latest snapshot
    # published advertisers linking to it, per snapshot, oldest first (None: not linked)
    advertisers: list[int | None] = field(default_factory=list)
    listings: int | None = None  # published unique listings linking now
    by_hand: bool = False
    note: str = ""
    probe: str = ""  # "reachable (http 200)", "unreachable: timeout", "" (not probed)

    @property
    def rank_key(self) -> tuple[int, int, str]:
        now = self.advertisers[-1] if self.advertisers else None
        return (-len(self.sites), -(now or 0), self.domain)


@dataclass(slots=True)
class Listing:
    """What ``discover`` shows: the candidates and the snapshots they span."""

    snapshots: list[str]
    candidates: list[Candidate]
    other: int | None = None  # published advertisers linking to domains below the floor


def recent_runs(store: Store, count: int = RECENT_SNAPSHOTS) -> list[RunRecord]:
    return [r for r in store.runs() if r.status in VISIBLE][-count:]


def candidates(store: Store, protection: Protection, decisions: Mapping[str, Decision],
               count: int = RECENT_SNAPSHOTS) -> Listing:
    runs = recent_runs(store, count)
    ids = [r.snapshot_id for r in runs]
    per_run: list[list[Indicator]] = [
        store.indicators(snapshot_id=i, measure=Measure.COUNT, breakdown=Breakdown.LINKED_DOMAIN)
        for i in ids]
    advertisers: dict[str, list[int | None]] = {}
    sites_then: dict[str, list[set[str]]] = {}
    listings_now: dict[str, int] = {}
    other = None
    for n, cells in enumerate(per_run):
        latest = n == len(per_run) - 1
        for cell in cells:
            if cell.category == OTHER_DOMAINS:
                if latest and cell.scope == SCOPE_ALL and cell.level == Level.ADVERTISERS:
                    other = protection.published(cell)
                continue
            series = advertisers.setdefault(cell.category, [None] * len(ids))
            linked = sites_then.setdefault(cell.category, [set() for _ in ids])
            if is_site_scope(cell.scope):
                linked[n].add(cell.scope)
            elif cell.scope == SCOPE_ALL and cell.level == Level.ADVERTISERS:
                series[n] = protection.published(cell)
            elif latest and cell.scope == SCOPE_ALL and cell.level == Level.UNIQUE:
                listings_now[cell.category] = protection.published(cell)
    out = []
    for domain in sorted(set(advertisers) | set(decisions)):
        decision = decisions.get(domain)
        if domain not in advertisers and not (decision and decision.by_hand):
            continue  # decided once, no longer linked: nothing to list
        series = advertisers.get(domain, [None] * len(ids))
        linked = sites_then.get(domain, [set() for _ in ids])
        state = decision.state if decision and decision.state else (
            CandidateState.RISING if rising(series, [len(s) for s in linked])
            else CandidateState.NEW)
        out.append(Candidate(
            domain, state, tuple(sorted(linked[-1])) if linked else (), series,
            listings_now.get(domain), bool(decision and decision.by_hand),
            decision.note if decision else "", probe_text(decision)))
    out.sort(key=lambda c: c.rank_key)
    return Listing(ids, out, other)


def rising(advertisers: Sequence[int | None], sites: Sequence[int]) -> bool:
    """More sites link now than in the first snapshot shown that saw it, or more
    advertisers (published numbers) in each snapshot than in the one before it."""
    seen = [i for i, v in enumerate(advertisers) if v is not None]
    if len(seen) < 2 or seen[-1] != len(advertisers) - 1:
        return False
    if sites[-1] > sites[seen[0]]:
        return True
    values = [advertisers[i] or 0 for i in seen]
    return all(b > a for a, b in pairwise(values))


def probe_text(decision: Decision | None) -> str:
    if decision is None or decision.probed_at is None:
        return ""
    word = "reachable" if decision.reachable else "unreachable"
    return f"{word} ({decision.reason}) at {decision.probed_at}"


def render(listing: Listing, show_all: bool = False) -> str:
    """The table ``adcensus discover`` prints."""
    shown = [c for c in listing.candidates
             if show_all or c.state != CandidateState.DISMISSED]
    lines = []
    if not listing.snapshots:
        lines.append("no snapshot yet: discovery counts what the snapshots' pages link to")
    else:
        lines.append(f"candidate domains linked from the monitored sites, over the last "
                     f"{len(listing.snapshots)} snapshot(s) ({listing.snapshots[0]} .. "
                     f"{listing.snapshots[-1]}); advertisers and listings are published "
                     "counts (cell key method), advertisers are not people")
    header = f"{'domain':32} {'state':10} {'sites':>5} {'advertisers (oldest..latest)':30}  note"
    lines += ["", header, "-" * len(header)]
    for c in shown:
        course = " ".join("-" if v is None else str(v) for v in c.advertisers) or "-"
        note = "; ".join(x for x in (
            "by hand" + (f": {c.note}" if c.note else "") if c.by_hand else "",
            c.probe, ("sites: " + ", ".join(c.sites)) if c.sites else "") if x)
        lines.append(f"{c.domain:32} {c.state:10} {len(c.sites):>5} {course:30}  {note}")
    if not shown:
        lines.append("(none)")
    if listing.other is not None:
        lines.append("")
        lines.append(f"below the floor, not named: domains linked by {listing.other} "
                     "advertiser(s) in all (published count)")
    hidden = len(listing.candidates) - len(shown)
    if hidden:
        lines.append(f"{hidden} dismissed domain(s) not shown (--all shows them)")
    return "\n".join(lines)
