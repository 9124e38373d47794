"""The only three things a store accepts: Indicator, RunRecord and Fingerprint.

None of them has a field that can carry page content: counts, category labels from
a fixed codebook, names of sites, reasons for drops, and keyed hashes. A store
checks the exact type of every record it is given (see ``accept``), so a listing,
a dict or any other object is refused before anything is written.
"""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Set as AbstractSet
from dataclasses import dataclass, field
from typing import Any, NamedTuple

from crawler.vocabulary import LEVELS, MEASURES, Subject

SUBJECTS = frozenset(Subject)
_HEX64 = re.compile(r"[0-9a-f]{64}")

SCOPE_ALL = "all"
# A county scope holds every site's units whose stated locality lies in one län (by its
# ISO 3166-2 code): what a county coordinator's report reads. Site names are lower case,
# so no site can be called "county:SE-O".
COUNTY_PREFIX = "county:"


def county_scope(county: str) -> str:
    return COUNTY_PREFIX + county


def is_site_scope(scope: str) -> bool:
    return scope != SCOPE_ALL and not scope.startswith(COUNTY_PREFIX)


def comparable_scope(scope: str, unhealthy: AbstractSet[str]) -> bool:
    """Whether a scope's counts compare with other snapshots: a site's unless it was
    unhealthy; "all" and every county only when no site was."""
    return scope not in unhealthy if is_site_scope(scope) else not unhealthy

# Record keys and cell keys are integers in [0, CELL_KEY_RANGE), as the ONS's (0-4095):
# a cell key is the sum of its units' record keys modulo the range.
CELL_KEY_RANGE = 4096


class CellId(NamedTuple):
    """What identifies an indicator: one value per cell id. (Not its cell key, which is
    the cell key method's number: see ``Indicator.cell_key``.)"""

    snapshot_id: str
    scope: str
    level: str
    measure: str
    breakdown: str
    category: str

    def __str__(self) -> str:
        return "/".join(self)


@dataclass(frozen=True, slots=True)
class Indicator:
    """One aggregated count: snapshot x scope x level x measure x breakdown x category."""

    snapshot_id: str
    taken_at: str  # ISO 8601, UTC
    scope: str  # a site name, SCOPE_ALL, or county_scope(län code)
    level: str  # a Level
    measure: str  # a Measure
    breakdown: str  # a Breakdown
    category: str  # a codebook category ("total" for the total row)
    value: int
    # False when the scope's site was unhealthy in this snapshot: the number is
    # kept for the method's sake but must not be read as a market change.
    comparable: bool = True
    # the cell key method (crawler/protection.py): the sum of the counted units' record keys
    # modulo CELL_KEY_RANGE. An aggregate like the value, never a unit's key; None for an
    # indicator written before cell keys existed
    cell_key: int | None = None

    def __post_init__(self) -> None:
        if self.level not in LEVELS:
            raise ValueError(f"unknown level {self.level!r}")
        if self.measure not in MEASURES:
            raise ValueError(f"unknown measure {self.measure!r}")
        if not isinstance(self.value, int) or self.value < 0:
            raise ValueError("an indicator value is a non-negative integer")
        if self.cell_key is not None and not (
                isinstance(self.cell_key, int) and 0 <= self.cell_key < CELL_KEY_RANGE):
            raise ValueError(f"a cell key is an integer from 0 to {CELL_KEY_RANGE - 1}")

    @property
    def cell_id(self) -> CellId:
        return CellId(self.snapshot_id, self.scope, self.level, self.measure, self.breakdown,
                      self.category)


# Reasons in SiteRun.errors that start with this are not errors: pages that failed
# first and answered on a retry (recovered_http_503: pages, not retries). Kept in the
# one reason -> count map so that neither store schema changed; SiteRun.lost and
# SiteRun.recovered tell them apart, and every output reads those.
RECOVERED_PREFIX = "recovered_"
# A reason in SiteRun.dropped: contact values of the site's listings that more unique
# listings showed than consolidation.max_listings_per_contact, so they linked no
# advertisers (counted per site, not items: an item keeps its other contacts)
CONTACT_SHARED_WIDELY = "contact_shared_widely"


@dataclass(frozen=True, slots=True)
class SiteRun:
    """What one site's crawl did in one snapshot: counts and reasons, no content."""

    site: str
    kind: str  # the site's SiteKind
    health: str  # a SiteHealth
    pages: int = 0
    items: int = 0
    errors: dict[str, int] = field(default_factory=dict)  # reason -> count
    # reason -> count: items dropped, and CONTACT_SHARED_WIDELY (contacts not linked)
    dropped: dict[str, int] = field(default_factory=dict)
    duration_s: float = 0.0
    # field name -> items that had it filled: fill rates, to notice a layout change
    filled: dict[str, int] = field(default_factory=dict)

    @property
    def lost(self) -> dict[str, int]:
        """Reason -> count of what was lost: pages that failed for good, budgets, ..."""
        return {r: n for r, n in self.errors.items() if not r.startswith(RECOVERED_PREFIX)}

    @property
    def recovered(self) -> dict[str, int]:
        """First failure's reason -> pages that answered on a retry (not lost)."""
        return {r[len(RECOVERED_PREFIX):]: n for r, n in self.errors.items()
                if r.startswith(RECOVERED_PREFIX)}

    def with_dropped(self, reason: str, count: int) -> SiteRun:
        """This record with ``count`` more under ``reason`` in ``dropped`` (none: itself)."""
        if not count:
            return self
        dropped = {**self.dropped, reason: self.dropped.get(reason, 0) + count}
        return dataclasses.replace(self, dropped=dict(sorted(dropped.items())))

    @classmethod
    def from_plain(cls, data: dict[str, Any]) -> SiteRun:
        # run records written before the field was named health call it status
        if "status" in data:
            data = {**data, "health": data["status"]}
            del data["status"]
        return cls(**data)


@dataclass(frozen=True, slots=True)
class RunRecord:
    """What a snapshot did. Written as "running" at start and completed atomically with
    its indicators, so a crash leaves a run that the next start marks as failed."""

    snapshot_id: str
    started_at: str
    status: str  # a RunState
    config_hash: str
    code_version: str
    window_id: str = ""
    is_baseline: bool = False
    finished_at: str = ""
    reason: str = ""  # why a run failed or is partial: a reason, never content
    sites: tuple[SiteRun, ...] = ()

    def to_plain(self) -> dict[str, Any]:
        return dataclasses.asdict(self)

    @classmethod
    def from_plain(cls, data: dict[str, Any]) -> RunRecord:
        sites = tuple(SiteRun.from_plain(s) for s in data.get("sites", ()))
        return cls(**{**data, "sites": sites})


@dataclass(frozen=True, slots=True)
class Fingerprint:
    """A keyed hash (HMAC-SHA-256) of a listing or advertiser seen in a snapshot.

    Only recognisable with the window's key, which lives outside the store and is
    deleted with the window's fingerprints.
    """

    window_id: str
    snapshot_id: str
    subject: str  # a Subject: what the hash is of
    scope: str  # site name
    digest: str  # hex
    # the cluster (distinct listing or advertiser) this hash belonged to in its snapshot,
    # named by its first member's digest: lets the next snapshot count clusters as gone
    group: str = ""

    def __post_init__(self) -> None:
        if self.subject not in SUBJECTS:
            raise ValueError(f"unknown fingerprint subject {self.subject!r}")
        for value in (self.digest, self.group or "0" * 64):
            # a regular expression, not a loop over characters: a snapshot makes a hundred
            # thousand of these (about 9 % of the 150,000-hit stage's time as a loop)
            if not isinstance(value, str) or not _HEX64.fullmatch(value):
                raise ValueError("a fingerprint digest or group is 64 lowercase hex characters")


ACCEPTED_TYPES = (Indicator, RunRecord, Fingerprint)


class RecordRejected(TypeError):
    """Raised by a store for anything that is not one of the three record types."""


def accept(record: object) -> Indicator | RunRecord | Fingerprint:
    # Exact type, not isinstance: a subclass could add a field that carries content.
    if type(record) not in ACCEPTED_TYPES:
        raise RecordRejected(
            f"a store accepts only Indicator, RunRecord and Fingerprint records, "
            f"not {type(record).__name__}; nothing was written"
        )
    return record  # type: ignore[return-value]
