"""The words of the domain, defined once: every module imports them, none writes them out.

Each word is a ``StrEnum`` member, so it *is* its string: stored records, YAML, JSON, CSV
and the Elasticsearch documents keep the plain values they always had ("unique",
"new_vs_baseline", ...), and a value read back from a store compares equal to its member.
A new breakdown, measure or state is added here and nowhere else; the rest of the code
reads the tuples below instead of keeping lists that must agree.

Counties are reference data (21 län, read from the normalisation's lan.csv) and live with
the rest of the geography: ``crawler.normalise.geography.COUNTIES``.
"""

from __future__ import annotations

from enum import StrEnum


class Level(StrEnum):
    """The four levels of counting, one meaning each (docs/METHOD.md)."""

    HITS = "hits"  # every listing page seen, copies included (2020's "träffar")
    UNIQUE = "unique"  # one per exact content on a site (2020's "unika annonser")
    DISTINCT = "distinct"  # near-duplicates (edited reposts) merged within a site
    ADVERTISERS = "advertisers"  # listings linked by a shared contact, across sites


LEVELS = tuple(Level)
# the levels at which a unit has an identity, so can be new, still there or gone
COMPARED_LEVELS = (Level.UNIQUE, Level.DISTINCT, Level.ADVERTISERS)


class Comparison(StrEnum):
    """What a snapshot is compared with."""

    BASELINE = "baseline"  # the first snapshot of its baseline window
    PREVIOUS = "previous"  # the snapshot before it


COMPARISONS = tuple(Comparison)


class Change(StrEnum):
    """What became of a unit against an earlier snapshot."""

    NEW = "new"
    STILL = "still"
    GONE = "gone"


class Flow(StrEnum):
    """How a unique listing that is new against an earlier snapshot continues one of that
    snapshot's listings (a verified near-duplicate of it, docs/METHOD.md). Counted at the
    unique level only; ``reposted`` is every such listing, the three others divide it."""

    REPOSTED = "reposted"  # continues an earlier listing: its exact content is new
    EDITED = "edited"  # ... one of the same site and the same stated locality
    MOVED_LOCALITY = "moved_locality"  # ... of the same site only in another locality
    MOVED_SITE = "moved_site"  # ... of another site only


FLOWS = tuple(Flow)


class Measure(StrEnum):
    """``count`` is what a snapshot saw; the others compare it with an earlier one."""

    COUNT = "count"
    NEW_VS_BASELINE = "new_vs_baseline"
    STILL_VS_BASELINE = "still_vs_baseline"
    GONE_VS_BASELINE = "gone_vs_baseline"
    NEW_VS_PREVIOUS = "new_vs_previous"
    STILL_VS_PREVIOUS = "still_vs_previous"
    GONE_VS_PREVIOUS = "gone_vs_previous"
    # flows (unique listings only): what the new ones continue
    REPOSTED_VS_BASELINE = "reposted_vs_baseline"
    EDITED_VS_BASELINE = "edited_vs_baseline"
    MOVED_LOCALITY_VS_BASELINE = "moved_locality_vs_baseline"
    MOVED_SITE_VS_BASELINE = "moved_site_vs_baseline"
    REPOSTED_VS_PREVIOUS = "reposted_vs_previous"
    EDITED_VS_PREVIOUS = "edited_vs_previous"
    MOVED_LOCALITY_VS_PREVIOUS = "moved_locality_vs_previous"
    MOVED_SITE_VS_PREVIOUS = "moved_site_vs_previous"

    @classmethod
    def of(cls, change: Change | Flow, against: Comparison) -> Measure:
        return cls(f"{change}_vs_{against}")

    @property
    def against(self) -> Comparison | None:
        """The snapshot this measure compares with; None for ``count``."""
        return None if self is Measure.COUNT else Comparison(self.split("_vs_")[1])


MEASURES = tuple(Measure)
NEW_MEASURES = (Measure.NEW_VS_BASELINE, Measure.NEW_VS_PREVIOUS)
FLOW_MEASURES = tuple(Measure.of(f, c) for c in COMPARISONS for f in FLOWS)


class Breakdown(StrEnum):
    """How a level's count is divided: by one codebook variable's categories."""

    TOTAL = "total"
    SITE = "site"
    SITE_KIND = "site_kind"
    LOCALITY = "locality"
    KOMMUN = "kommun"
    COUNTY = "county"
    COUNTRY = "country"
    LANGUAGE = "language"
    GENDER = "gender"
    GENDER_DETAIL = "gender_detail"
    AGE_BAND = "age_band"
    ORIENTATION = "orientation"
    NATIONALITY = "nationality"
    ETHNICITY = "ethnicity"
    # the localities of the listings that stated an age under 18, per scope (so per site):
    # what a same-day alert names; an exact flag, kept for the alert and shown nowhere else
    UNDER_18_LOCALITY = "under_18_locality"
    REACH = "reach"  # advertisers only: in how many localities
    # site discovery: an unmonitored registrable domain that monitored pages link to (a
    # domain above the floor of crawler/discovery/tally.py, or "(other domains)")
    LINKED_DOMAIN = "linked_domain"


BREAKDOWNS = tuple(Breakdown)
# the breakdowns every level is counted by from a unit's profile (reach only applies to
# advertisers; linked domains are counted by crawler/discovery, from the links)
UNIT_BREAKDOWNS = tuple(b for b in Breakdown
                        if b not in (Breakdown.REACH, Breakdown.LINKED_DOMAIN))
# a listing states several languages, only a trans listing may state a detail, and only
# a listing stating an age under 18 has an under-18 locality: these do not divide the
# units, so their categories need not add up to the total
NOT_PARTITIONS = frozenset({Breakdown.LANGUAGE, Breakdown.GENDER_DETAIL,
                            Breakdown.UNDER_18_LOCALITY, Breakdown.LINKED_DOMAIN})
PARTITIONS = tuple(b for b in BREAKDOWNS if b not in NOT_PARTITIONS)
# kept in the store for one output of their own only (the delivery's alerts; `adcensus
# discover`, through the same protection): the tables, overviews and exports leave them out
INTERNAL_BREAKDOWNS = frozenset({Breakdown.UNDER_18_LOCALITY, Breakdown.LINKED_DOMAIN})
# the category of the total row
TOTAL = Breakdown.TOTAL.value


class SiteKind(StrEnum):
    """The three arenas the mapping watches."""

    AD_BOARD = "ad_board"
    PROFILE_DIRECTORY = "profile_directory"
    SUGARDATING = "sugardating"


SITE_KINDS = tuple(SiteKind)


class RunState(StrEnum):
    """Where a snapshot's run is: written "running" at start, then one of the others."""

    RUNNING = "running"
    COMPLETE = "complete"
    PARTIAL = "partial"  # some sites failed: the rest is counted and shown
    FAILED = "failed"


# the runs whose indicators and fingerprints a reader may see
VISIBLE = (RunState.COMPLETE, RunState.PARTIAL)


class SiteHealth(StrEnum):
    """How one site's crawl went in one snapshot."""

    OK = "ok"
    FAILED = "failed"  # nothing counted for the site
    UNHEALTHY = "unhealthy"  # counted, but too unlike its recent runs to read as a change


class CellState(StrEnum):
    """How an output shows a cell (also its class in an HTML table)."""

    PERTURBED = "perturbed"  # every published count: the cell key method's
    FLAG = "flag"  # present or not, exactly: a stated age under 18
    # only in the national overview's tables
    SHARE = "share"  # a percentage computed from published counts
    REFERENCE = "reference"  # a figure of the 2020 mapping, quoted
    NOT_APPLICABLE = "na"  # nothing to show: no such cell, or no reference
    TEXT = "text"  # a label or a note, not a number


# how a stored count can be shown: the states an export's cells take
PUBLISHED_STATES = (CellState.PERTURBED, CellState.FLAG)


class Subject(StrEnum):
    """What a fingerprint is the keyed hash of."""

    LISTING = "listing"  # a unique listing (its group: its distinct listing)
    ADVERTISER = "advertiser"
    # a unique listing's keyed LSH band digests (crawler/consolidate/similarity.py): its
    # digest is the listing's, its group field holds the bands. What recognises an edited
    # repost of it in a later snapshot of the window
    SIMILARITY = "similarity"


class JobOutcome(StrEnum):
    """How one execution of a scheduled job ended: a snapshot's run state, or what the
    runner saw of it."""

    RUNNING = RunState.RUNNING.value
    COMPLETE = RunState.COMPLETE.value
    PARTIAL = RunState.PARTIAL.value
    FAILED = RunState.FAILED.value
    SKIPPED = "skipped"  # not started: another process runs or ran it, or `serve` stops
    TIMEOUT = "timeout"  # the snapshot process was stopped at its time budget
    CANCELLED = "cancelled"  # ... or stopped for another reason (`serve` stopping)


class DeliveryState(StrEnum):
    """What became of one e-mail meant to go out once (crawler/delivery/records.py)."""

    PENDING = "pending"  # waiting for its next try
    SENDING = "sending"  # claimed by one process, which is sending it
    SENT = "sent"
    FAILED = "failed"  # every try used; the server's reason recorded
    SKIPPED = "skipped"  # nothing to send to, and why


class DeliveryKind(StrEnum):
    """What an e-mail carries."""

    REPORT = "report"  # the weekly county report (or the national overview)
    ALERT = "alert"  # a stated age under 18 in a län, the day a snapshot found it
    TEST = "test"  # `adcensus report --send --to`: a one-off test, not the week's delivery
