"""The columns of the exported tables: one list that the writers, the codebook and the
README all read, so a column cannot be written without being described."""

from __future__ import annotations

from dataclasses import dataclass

from crawler.vocabulary import LEVELS, MEASURES, PUBLISHED_STATES, SITE_KINDS

# column types, as the codebook names them; the writers map them to CSV text and to
# Parquet types (crawler/export/files.py)
STRING, TIMESTAMP, INTEGER, BOOLEAN, NUMBER = "string", "timestamp", "integer", "boolean", "number"

SCOPE_KINDS = ("all", "site", "county")


@dataclass(frozen=True)
class Column:
    name: str
    type: str
    meaning: str
    allowed: str = ""  # the allowed values, as a person reads them
    nullable: bool = False


INDICATOR_COLUMNS = (
    Column("snapshot_id", STRING, "the snapshot the count belongs to (see runs)"),
    Column("taken_at", TIMESTAMP, "when the snapshot started (ISO 8601, UTC)"),
    Column("window_id", STRING, "the baseline window: new/still/gone compare within it"),
    Column("scope", STRING, "what was counted: one site, every site together (all), or every "
           "site's listings in one län (county:<ISO 3166-2 code>)",
           "all | a site name | county:SE-AB ... county:SE-BD"),
    Column("scope_kind", STRING, "the kind of scope", " | ".join(SCOPE_KINDS)),
    Column("level", STRING, "the counting level (README: four levels)", " | ".join(LEVELS)),
    Column("measure", STRING, "what the count is: seen in the snapshot, or new, still there or "
           "gone against the window's baseline or the previous snapshot",
           " | ".join(MEASURES)),
    Column("breakdown", STRING, "the variable the count is broken down by; total for the whole "
           "scope", "see the codebook rows of kind breakdown"),
    Column("category", STRING, "the breakdown's category; total for the total row",
           "see the codebook rows of kind category"),
    Column("value", INTEGER, "the published count: the count with its small, fixed noise "
           "(the cell key method); empty for a flag", "integer >= 0, or empty", nullable=True),
    Column("shown", STRING, "the count as a person reads it: the number, or for a stated age "
           "under 18 whether any listing stated one", "a number | present | not present"),
    Column("protection", STRING, "perturbed: the cell key method; flag: present or not, exact",
           " | ".join(PUBLISHED_STATES)),
    Column("comparable", BOOLEAN, "false when the scope's site (or, for all and county scopes, "
           "any site) was unhealthy in this snapshot: a layout change, not a market change",
           "true | false"),
)

RUN_COLUMNS = (
    Column("snapshot_id", STRING, "the snapshot"),
    Column("started_at", TIMESTAMP, "when it started (ISO 8601, UTC); the taken_at of its "
           "indicators"),
    Column("finished_at", TIMESTAMP, "when it ended (ISO 8601, UTC)", nullable=True),
    Column("status", STRING, "what became of the snapshot: complete, partial (some site "
           "failed or was unhealthy; its counts are kept) or failed (no counts)",
           "complete | partial | failed"),
    Column("reason", STRING, "why a snapshot is partial or failed: a reason code, never content"),
    Column("window_id", STRING, "its baseline window"),
    Column("is_baseline", BOOLEAN, "true for the window's first snapshot, which later ones are "
           "compared with", "true | false"),
    Column("config_hash", STRING, "hash of what was counted and how (configuration and site "
           "definitions); a change may break a series"),
    Column("code_version", STRING, "the adcensus version that took it"),
    Column("site", STRING, "the site crawled (empty when the snapshot failed before any)"),
    Column("site_kind", STRING, "the site's kind", " | ".join(SITE_KINDS)),
    Column("site_status", STRING, "the site's health in this snapshot: ok, unhealthy (its counts "
           "are kept but not comparable) or failed (not counted)", "ok | unhealthy | failed"),
    Column("pages", INTEGER, "pages fetched", "integer >= 0", nullable=True),
    Column("items", INTEGER, "listings seen (the site's hits), published as the hits count "
           "of its scope", "integer >= 0, or empty", nullable=True),
    Column("items_shown", STRING, "items as a person reads them", "a number"),
    Column("errors", INTEGER, "failed requests", "integer >= 0", nullable=True),
    Column("error_reasons", STRING, "failed requests by reason code (reason=count; ...)"),
    Column("dropped", INTEGER, "items and pages not counted (no field filled, no link, a list "
           "page without items)", "integer >= 0", nullable=True),
    Column("dropped_reasons", STRING, "dropped by reason code (reason=count; ...)"),
    Column("duration_s", NUMBER, "seconds the site's crawl took", nullable=True),
)
