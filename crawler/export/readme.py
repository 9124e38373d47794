"""README.md of an export: what the files hold, how every count was made, and how small
counts were protected, so the directory can be read without adcensus at hand."""

from __future__ import annotations

from dataclasses import dataclass

from crawler.protection import Protection


@dataclass(frozen=True)
class Contents:
    period: str  # "from 2026-01-01 to 2026-11-30"
    generated_at: str
    version: str
    format: str
    snapshots: int
    first: str
    last: str
    files: tuple[tuple[str, int | None, str], ...]  # (name, rows, what it holds)
    window_days: int | None = None


def readme(c: Contents, protection: Protection) -> str:
    files = "\n".join(f"| `{name}` | {'' if rows is None else rows} | {what} |"
                      for name, rows, what in c.files)
    window = f"{c.window_days} days" if c.window_days else "set in the configuration"
    return f"""# adcensus export {c.period}

Generated {c.generated_at} by adcensus {c.version}: {c.snapshots} snapshot(s), taken
{c.first} to {c.last} (UTC).

Counts of public sex-service listings, never content: no ad text, name, phone number,
e-mail address, handle, image or listing URL exists in the store these tables were read
from, so none can be in them. The categories are the fixed ones of `codebook.csv`.

**The number of ads is never the number of people.** Advertisers are not people either:
one person may be behind several advertisers, and one advertiser may post for several
people.

## Files

| file | rows | what it holds |
|---|---|---|
{files}

Every file was written whole (under a temporary name, then renamed): a file that is here
is complete. Text is UTF-8.

## Reading the tables

`indicators` is tidy: one row per snapshot, scope, level, measure, breakdown and
category. `value` is the published count to compute with (empty only for the under-18
flag); `shown` is the same count as a person reads it ({_shown(protection)}).

A category that has no row was not seen: its count is 0. Totals always have a row.

In the CSV files an empty field is "no value" (a flag, an unfinished run). Read
them with the types of `codebook.csv`, and do not let a reader turn category codes into
numbers or missing values: `0180` is a kommun and `NA` is Namibia. With pandas:

```python
import pandas as pd

indicators = pd.read_csv(
    "indicators.csv", keep_default_na=False, na_values={{"value": [""]}},
    dtype={{"category": str, "shown": str, "value": "Int64"}}, parse_dates=["taken_at"])
```

Parquet files carry their types (timestamps in UTC, `value` a nullable 64-bit integer).

## What is counted: four levels

Every breakdown is counted at four levels, each with one meaning:

- **hits**: items seen on list or detail pages, before any consolidation;
- **unique** listings: exact content copies on one site counted once (the definition of
  the 2020 national mapping, so a series stays comparable with it);
- **distinct** listings: near-duplicates on one site merged as well;
- **advertisers**: listings linked by a shared contact (hashed, never kept in the clear)
  or near-duplicate text, on any site; counted once per scope, in one locality (where it
  has most unique listings), with its *reach* (how many localities) as its own breakdown.

## Scopes

- a site name: that site's listings;
- `all`: every site together; a listing or advertiser on two sites counts once;
- `county:<code>` (`county:SE-O` is Västra Götalands län): every site's listings whose
  stated locality lies in that län; an advertiser in the län of its one chosen locality.
  A county's total, localities and kommuner are the same counts as the `all` scope's
  cells for that län, locality and kommun.

## New, still and gone

A baseline window ({window}) opens with its first complete snapshot, the baseline
(`is_baseline` in `runs`). Each later snapshot in the window is compared with the
baseline (`*_vs_baseline`) and with the window's previous snapshot (`*_vs_previous`), at
every level but hits: *new* units were not there then, *still* units were, and *gone*
counts the earlier snapshot's units that are not seen now (totals only). A baseline has
no comparison rows. Compare snapshots of one `window_id` only: a new window starts a new
baseline.

## Comparability

- `comparable` is false where a site was unhealthy in the snapshot (its crawl looked
  unlike its recent ones, as after a layout change): the count is kept for the method's
  sake, but a change in it is not a change in the market. An unhealthy site is not
  compared, so it has no new/still/gone rows.
- A **partial** snapshot (`status` in `runs`) had a site that failed or was unhealthy
  (`site_status`). A failed site was not counted: the `all` and county counts of that
  snapshot miss its listings. Failed snapshots have no indicators; they are listed in
  `runs` to show the gap.
- A change of `config_hash` in `runs` means the sites or the counting changed.

## Counts are protected

{_protection(protection)}

The store keeps the exact counts, for the method and for auditors; an export is meant
for people and always protected. There is no option to export exact counts: whoever
needs them (an auditor, a method check) reads the store under the operator's rules.

`items` in `runs` is a site's hits count, published exactly as its indicator row
(`scope` = the site, `hits`, `count`, `total`). Pages, failed requests and dropped items
(pages without items, items without any field) count requests and items that were not
counted; they are exact.

## More

`codebook.csv` describes every column, every value of `level`, `measure`, `scope` and
the markers, and every breakdown with its categories and their source. adcensus's
docs/METHOD.md, docs/CODEBOOK.md and docs/PRIVACY.md describe the method in full.
"""


def _shown(p: Protection) -> str:
    return "`12`, or `present` / `not present` for a stated age under 18"


def _protection(p: Protection) -> str:
    return """Method: **the cell key method**, as Statistics Sweden (from reference year 2025),
the ONS (Census 2021) and the ABS use it. Every counted unit (a hit, a unique listing, a
distinct listing, an advertiser) has a record key, a number derived with a secret from
what identifies it; a count's cell key is the sum of its units' record keys. The
published count is the exact count plus a small perturbation that a fixed table (the
p-table) gives for that count and cell key. So:

- the same count is the same number in this export, the weekly reports, the overview
  and the summary, in every run; the same listings counted in two tables give the same
  number; a count whose listings did not change between two snapshots does not change;
- nothing is hidden: `value` is always filled (except for the flag below);
- zero stays zero, and no count is published as 1 or 2 where the default table applies;
- totals are perturbed like any count and need not equal the sum of their parts;
  shares are computed from published counts; the perturbation has mean zero.

The p-table's exact parameters are not published, as the EU's handbook on statistical
disclosure control advises.

A stated age under 18 (`age_band` = `under-18`) is a safeguarding signal, not a
statistic: its rows say exactly whether any listing stated one (`shown` = `present` or
`not present`, `protection` = `flag`, `value` empty), never a perturbed count."""
