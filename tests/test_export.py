"""`adcensus export`: tidy tables from a real SQLite store filled by real snapshots, read
back with pandas as a researcher would, compared with the store's exact counts as the
cell key method publishes them."""

from __future__ import annotations

import os
import re
from collections import Counter, defaultdict
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pandas as pd
import pyarrow.parquet as pq
import pytest
import yaml

from crawler.cli import main
from crawler.consolidate.baseline import reach_category
from crawler.demo_market.truth import compute_truth
from crawler.export import Request
from crawler.export import export as export_to
from crawler.export.codebook import LEVEL_MEANINGS, MEASURE_MEANINGS, REACH_CATEGORIES
from crawler.export.columns import INDICATOR_COLUMNS, RUN_COLUMNS
from crawler.files import staging
from crawler.keys import RECORD_SECRET_ENV, KeyRing
from crawler.listing import Listing
from crawler.normalise.person import UNDER_18
from crawler.protection import Protection
from crawler.ptable import PTable, PTableParameters
from crawler.record_keys import named_cell_key
from crawler.records import SCOPE_ALL, Indicator, RunRecord, SiteRun
from crawler.snapshot import Snapshot
from crawler.store import open_store
from crawler.vocabulary import INTERNAL_BREAKDOWNS, LEVELS, MEASURES, Breakdown, CellState
from tests.conftest import SITES
from tests.store_backends import ElasticsearchBackend

CANARY = "Zq7-export-canary"
KINDS = {"annonstavlan": "ad_board", "profilkatalogen": "profile_directory",
         "sockerdejt": "sugardating"}
# few categories, a few of them small
LOCALITIES = ["Stockholm"] * 6 + ["Göteborg"] * 3 + ["Kiruna", "Oslo"]
LANGUAGES = ["svenska", "engelska", "svenska, engelska"]
GENDERS = ["kvinna", "kvinna", "kvinna", "man"]
DAY = datetime(2026, 3, 2, 6, tzinfo=UTC)
D = Protection().parameters.max_deviation  # the largest perturbation (3 by default)
MINOR = 13  # the one listing number that states an age under 18


def listing(site: str, n: int) -> Listing:
    # neutral synthetic listings; the canary sits in every content field and must never
    # leave the process that holds it
    return Listing(site, KINDS[site], {
        "text": f"{CANARY} {site} annons nummer {n} med en neutral syntetisk text",
        "name": f"{CANARY}-namn-{n}",
        "email": f"{CANARY.lower()}-{n}@example.invalid",
        "phone": f"070-17406{10 + n % 37:02d}",  # PTS's range for fiction
        "locality": LOCALITIES[(n * 7 + len(site)) % len(LOCALITIES)],
        "languages": LANGUAGES[n % len(LANGUAGES)],
        "gender": GENDERS[(n // 2) % len(GENDERS)],
        "age": "17" if n == MINOR else "24" if n % 3 else "31",
    })


# (when, {site: listing numbers, or None for a failed crawl})
SNAPSHOTS = [
    (DAY, {"annonstavlan": range(0, 60), "profilkatalogen": range(0, 30),
           "sockerdejt": range(0, 3)}),
    (DAY + timedelta(days=7), {"annonstavlan": range(10, 70), "profilkatalogen": range(5, 35),
                               "sockerdejt": None}),
    # profilkatalogen's items fall to a fifth: unhealthy, so not comparable
    (DAY + timedelta(days=14), {"annonstavlan": range(15, 80), "profilkatalogen": range(0, 6)}),
    # a new baseline window (30 days)
    (DAY + timedelta(days=63), {"annonstavlan": range(30, 90), "profilkatalogen": range(0, 30)}),
]
FAILED_AT = DAY + timedelta(days=18)


def take(store_url: str, keys: Path, when: datetime,
         sites: dict[str, range | None]) -> RunRecord:
    with open_store(store_url) as store:
        snap = Snapshot(store, KeyRing(keys, env={}), window_days=30, config_hash="h", now=when)
        snap.begin()
        runs, listings = [], {}
        for site, numbers in sites.items():
            if numbers is None:
                runs.append(SiteRun(site, KINDS[site], "failed", errors={"connection_refused": 3}))
                continue
            listings[site] = [listing(site, n) for n in numbers]
            filled = Counter(f for item in listings[site] for f in item.filled())
            runs.append(SiteRun(site, KINDS[site], "ok", pages=2 + len(numbers) // 10,
                                items=len(numbers), dropped={"no_field_filled": 1},
                                duration_s=1.5, filled=dict(filled)))
        return snap.finish(listings, runs, finished=when + timedelta(minutes=3))


@pytest.fixture(scope="module")
def store_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    directory = tmp_path_factory.mktemp("store")
    url = f"sqlite:///{directory / 'store.sqlite'}"
    for when, sites in SNAPSHOTS[:3]:
        take(url, directory / "keys", when, sites)
    with open_store(url) as store:  # a run that failed: no indicators, a gap in runs
        snap = Snapshot(store, KeyRing(directory / "keys", env={}), 30, "h", now=FAILED_AT)
        snap.begin()
        snap.fail("error: ConnectionError")
    take(url, directory / "keys", *SNAPSHOTS[3])
    return directory


def write_config(directory: Path, store_dir: Path, **privacy: object) -> Path:
    """A config reading the store in ``store_dir``, with the keys the snapshots used."""
    path = directory / "adcensus.yaml"
    data: dict[str, object] = {
        "store": f"sqlite:///{store_dir / 'store.sqlite'}",
        "data_dir": str(directory / "data"),
        "keys_dir": str(store_dir / "keys"),
        "sites": {"dir": str(SITES), "base_url": "http://127.0.0.1:9"},
        "baseline": {"window_days": 30},
    }
    if privacy:
        data["privacy"] = privacy
    path.write_text(yaml.safe_dump(data))
    return path


@pytest.fixture
def config(tmp_path: Path, store_dir: Path) -> Path:
    return write_config(tmp_path, store_dir)


@pytest.fixture(scope="module")
def exported(tmp_path_factory: pytest.TempPathFactory, store_dir: Path) -> Path:
    """One CSV export of every snapshot, read by several tests."""
    directory = tmp_path_factory.mktemp("exported")
    assert export(write_config(directory, store_dir), directory / "out") == 0
    return directory / "out"


@pytest.fixture(autouse=True)
def no_record_key_in_environment(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    # the secret is the keys directory's, not whatever the machine has set
    monkeypatch.delenv(RECORD_SECRET_ENV, raising=False)
    yield


def stored(store_dir: Path) -> tuple[list[RunRecord], list[Indicator]]:
    """The runs and what an export publishes: every stored count but the alerts' own."""
    with open_store(f"sqlite:///{store_dir / 'store.sqlite'}") as store:
        return store.runs(), shown_anywhere(store.indicators())


def shown_anywhere(indicators: list[Indicator]) -> list[Indicator]:
    return [i for i in indicators if i.breakdown not in INTERNAL_BREAKDOWNS]


def protection_of(store_dir: Path) -> Protection:
    """What the export publishes with: the default p-table and the keys' record secret."""
    return Protection(secret=KeyRing(store_dir / "keys", env={}).record_secret(create=False))


def read_csv(path: Path) -> pd.DataFrame:
    """As README.md tells a researcher to."""
    return pd.read_csv(path, keep_default_na=False, na_values={"value": [""]},
                       dtype={"category": str, "shown": str, "value": "Int64"},
                       parse_dates=["taken_at"])


def export(config: Path, out: Path, *extra: str) -> int:
    return main(["export", "--config", str(config), "--out", str(out), *extra])


def key_of(row: pd.Series) -> tuple[str, ...]:
    return (row.snapshot_id, row.scope, row.level, row.measure, row.breakdown, row.category)


def assert_published(row, indicator: Indicator, protection: Protection) -> int:
    """An exported row is the stored count as the cell key method publishes it, or for a
    stated age under 18 the exact flag; returns the noise (0 for a flag)."""
    if indicator.breakdown == "age_band" and indicator.category == UNDER_18:
        assert row.protection == CellState.FLAG and pd.isna(row.value)
        assert row.shown == ("present" if indicator.value > 0 else "not present")
        return 0
    assert row.protection == CellState.PERTURBED and not pd.isna(row.value)
    assert row.value == protection.published(indicator), key_of(row)
    assert row.shown == str(row.value)
    assert abs(row.value - indicator.value) <= D
    assert indicator.value > 0 or row.value == 0, "zero stays zero"
    assert row.value not in (1, 2), "no published 1 or 2 under the defaults"
    return int(row.value) - indicator.value


TWO_DOTS = re.compile(r"(?<![.])\.\.(?![.])")  # the old marker, not an ellipsis


def assert_no_suppression_words(text: str, where: object) -> None:
    assert "<5" not in text and not TWO_DOTS.search(text), where
    lowered = text.lower()
    for word in ("suppress", "threshold", "secondary", "primary"):
        assert word not in lowered, (word, where)


# -- what the tables hold --------------------------------------------------------------------

def test_csv_publishes_every_stored_count_with_the_cell_key_method(exported: Path,
                                                                    store_dir: Path) -> None:
    out = exported
    assert sorted(p.name for p in out.iterdir()) == ["README.md", "codebook.csv",
                                                     "indicators.csv", "runs.csv"]
    df = read_csv(out / "indicators.csv")
    assert [c.name for c in INDICATOR_COLUMNS] == list(df.columns)
    assert "suppressed" not in df.columns
    _, exact = stored(store_dir)
    truth = {i.cell_id: i for i in exact}
    assert len(df) == len(truth) and len(set(map(key_of, df.itertuples()))) == len(truth)
    assert all(i.cell_key is not None for i in exact)

    assert set(df.protection) == {CellState.PERTURBED, CellState.FLAG}
    protection = protection_of(store_dir)
    noise, small = [], 0
    for row in df.itertuples():
        i = truth[key_of(row)]
        assert row.comparable == i.comparable and row.taken_at.isoformat() == i.taken_at
        noise.append(assert_published(row, i, protection))
        small += 1 <= i.value <= 4  # published (0, or 3 and more), never hidden
    assert small > 100 and any(noise), (small, Counter(noise))
    # nothing is hidden: a value in every row but the flags, and no marker anywhere
    assert df[df.protection == CellState.PERTURBED].value.notna().all()
    assert not df.shown.isin(["..", "<5"]).any()
    # the under-18 flag says exactly whether a listing stated an age under 18
    flags = df[df.protection == CellState.FLAG]
    assert set(flags.breakdown) == {"age_band"} and set(flags.category) == {UNDER_18}
    assert set(flags.shown) == {"present"}  # a category not seen has no row: none stated
    # the ort of a stated age under 18 is stored for the same-day alert, never exported
    with open_store(f"sqlite:///{store_dir / 'store.sqlite'}") as store:
        assert store.indicators(breakdown=Breakdown.UNDER_18_LOCALITY)
    assert not set(df.breakdown) & INTERNAL_BREAKDOWNS
    visible = [r for r in stored(store_dir)[0] if r.status != "failed"]
    expected = {(run.snapshot_id, site) for run, (_, sites) in zip(visible, SNAPSHOTS)
                for site, numbers in sites.items() if numbers is not None and MINOR in numbers}
    assert len(expected) == 5
    sites = flags[(flags.scope_kind == "site") & (flags.level == "unique")
                  & (flags.measure == "count")]
    assert set(zip(sites.snapshot_id, sites.scope)) == expected

    # totals are perturbed on their own: they need not equal the sum of their parts
    totals = {k[:4]: v for k, v in
              df[df.breakdown == "total"].set_index(["snapshot_id", "scope", "level", "measure"])
              .value.items()}
    differs = 0
    for (sid, scope, level, measure), rows in df[
            (df.breakdown == "gender") & (df.measure == "count")].groupby(
            ["snapshot_id", "scope", "level", "measure"]):
        differs += int(rows.value.sum()) != totals[sid, scope, level, measure]
    assert differs > 0

    # rows in canonical order: per snapshot, all first, then the sites, then the län
    order = {"all": 0, "site": 1, "county": 2}
    for _, rows in df.groupby("snapshot_id", sort=False):
        kinds = [order[k] for k in rows.scope_kind]
        assert kinds == sorted(kinds)

    # the method is explained where a reader looks, and the old markers are gone
    readme = (out / "README.md").read_text()
    assert "**the cell key method**" in readme and "zero stays zero" in readme
    assert "need not equal the sum of their parts" in readme and "nothing is hidden" in readme
    assert_no_suppression_words(readme, "README.md")
    codebook = pd.read_csv(out / "codebook.csv", keep_default_na=False, dtype=str)
    for row in codebook.itertuples():
        assert_no_suppression_words(" ".join(row[1:]), row)
    markers = codebook[(codebook.kind == "value") & (codebook.column == "shown")]
    assert set(markers.value) == {"a number", "present", "not present"}
    protections = codebook[(codebook.kind == "value") & (codebook.column == "protection")]
    assert set(protections.value) == {CellState.PERTURBED, CellState.FLAG}
    # the p-table's parameters are not published
    for text in (readme, (out / "codebook.csv").read_text()):
        assert "max_deviation" not in text and "smallest_published" not in text


def test_the_same_cell_is_the_same_number_in_every_export(
        config: Path, exported: Path, store_dir: Path, tmp_path: Path) -> None:
    # run again, into another directory: identical files (the README but for its date)
    assert export(config, tmp_path / "again") == 0
    for name in ("indicators.csv", "runs.csv", "codebook.csv"):
        assert (tmp_path / "again" / name).read_bytes() == (exported / name).read_bytes(), name
    undated = lambda p: [line for line in p.read_text().splitlines()  # noqa: E731
                         if not line.startswith("Generated ")]
    assert undated(tmp_path / "again" / "README.md") == undated(exported / "README.md")

    # another period and another format: the same cells, the same numbers
    assert export(config, tmp_path / "b", "--from", "2026-03-09", "--format", "parquet") == 0
    a = read_csv(exported / "indicators.csv")
    b = pd.read_parquet(tmp_path / "b" / "indicators.parquet", dtype_backend="numpy_nullable")
    first = dict(zip(map(key_of, a.itertuples()), zip(a.value, a.shown)))
    assert len(b) and b.snapshot_id.nunique() == 3
    for row in b.itertuples():
        value, shown = first[key_of(row)]
        assert shown == row.shown
        assert pd.isna(value) and pd.isna(row.value) or value == row.value

    # the same units, the same cell key, the same number: a county's total is the
    # national cell for that län
    total = a[(a.scope == "county:SE-O") & (a.breakdown == "total")]
    national = a[(a.scope == "all") & (a.breakdown == "county") & (a.category == "SE-O")]
    joined = total.merge(national, on=["snapshot_id", "level", "measure"])
    assert len(joined) > 10 and (joined.value_x == joined.value_y).all()
    # and a value never depends on the clock, the order of export or anything but the cell
    protection = protection_of(store_dir)
    _, exact = stored(store_dir)
    assert {i.cell_id: protection.published(i) for i in exact if i.breakdown != "age_band"
            or i.category != UNDER_18} == {k: v for k, (v, _) in first.items()
                                            if not pd.isna(v)}


def test_the_configured_p_table_is_used(tmp_path: Path, store_dir: Path) -> None:
    config = write_config(tmp_path, store_dir, max_deviation=5, variance=4.0,
                          smallest_published=1)
    assert export(config, tmp_path / "e", "--to", "2026-03-02") == 0
    df = read_csv(tmp_path / "e" / "indicators.csv")
    parameters = PTableParameters(max_deviation=5, variance=4.0, smallest_published=1)
    protection = Protection(parameters, protection_of(store_dir).secret)
    _, exact = stored(store_dir)
    truth = {i.cell_id: i for i in exact}
    counts = df[df.protection == CellState.PERTURBED]
    assert len(counts) > 100
    noise = []
    for row in counts.itertuples():
        i = truth[key_of(row)]
        assert row.value == protection.published(i)
        assert abs(row.value - i.value) <= 5 and (i.value or not row.value)
        noise.append(row.value - i.value)
    assert max(map(abs, noise)) > D, "a wider table moves some count further"
    readme = (tmp_path / "e" / "README.md").read_text()
    assert "max_deviation" not in readme and "variance 4" not in readme


def test_an_old_row_without_a_cell_key_is_published_perturbed_never_exact(
        tmp_path: Path) -> None:
    """A store written before cell keys existed: its rows are published through the same
    p-table, under a cell key derived from the row's name and the record key secret."""
    url = f"sqlite:///{tmp_path / 'store.sqlite'}"
    take(url, tmp_path / "keys", *SNAPSHOTS[0])  # a run with cell keys, beside the old one
    when = DAY + timedelta(days=7)
    taken = when.isoformat()
    sid = "20260309T060000Z-01d0"
    old = RunRecord(sid, taken, "complete", "h", "0.9", window_id="w-old", is_baseline=True,
                    finished_at=(when + timedelta(minutes=3)).isoformat(),
                    sites=(SiteRun("annonstavlan", "ad_board", "ok", pages=5, items=41),))

    def row(scope: str, level: str, breakdown: str, category: str, value: int) -> Indicator:
        return Indicator(sid, taken, scope, level, "count", breakdown, category, value,
                         cell_key=None)

    indicators = [row(SCOPE_ALL, "unique", "total", "total", 40),
                  row(SCOPE_ALL, "hits", "total", "total", 41),
                  row("annonstavlan", "hits", "total", "total", 41),
                  row("annonstavlan", "unique", "total", "total", 40),
                  *(row(SCOPE_ALL, "unique", "locality", c, n) for c, n in
                    (("Stockholm", 31), ("Göteborg", 6), ("Kiruna", 2), ("unknown", 1))),
                  row(SCOPE_ALL, "unique", "age_band", "18-24", 7),
                  row(SCOPE_ALL, "unique", "age_band", UNDER_18, 1),
                  row(SCOPE_ALL, "unique", "age_band", "unknown", 32),
                  row(SCOPE_ALL, "unique", "gender", "woman", 0)]
    with open_store(url) as store:
        store.begin_run(RunRecord(sid, taken, "running", "h", "0.9"))
        store.complete_run(old, indicators, [])
    config = write_config(tmp_path, tmp_path)
    secret = KeyRing(tmp_path / "keys", env={}).record_secret(create=False)

    # without the secret such a row cannot be published, and the error names it
    with pytest.raises(ValueError, match="no cell key"):
        Protection().published(indicators[0])

    for fmt in ("csv", "parquet"):
        assert export(config, tmp_path / fmt, "--format", fmt) == 0  # no crash
    df = read_csv(tmp_path / "csv" / "indicators.csv")
    parquet = pd.read_parquet(tmp_path / "parquet" / "indicators.parquet",
                              dtype_backend="numpy_nullable")
    assert parquet.value.equals(df.value) and list(parquet.shown) == list(df.shown)
    legacy = df[df.snapshot_id == sid]
    assert len(legacy) == len(indicators)
    table = PTable.build()
    by_key = {i.cell_id: i for i in indicators}
    protection = Protection(secret=secret)
    for line in legacy.itertuples():
        i = by_key[key_of(line)]
        if i.category == UNDER_18:
            assert line.protection == CellState.FLAG and line.shown == "present" and pd.isna(line.value)
            continue
        # the named-key publication: never the exact count by construction, only by chance
        assert line.protection == CellState.PERTURBED
        assert line.value == table.published(i.value, named_cell_key(secret, *i.cell_id))
        assert_published(line, i, protection)
    # the cells with cell keys beside them are published as always
    _, exact = stored(tmp_path)
    truth = {i.cell_id: i for i in exact}
    for line in df[df.snapshot_id != sid].itertuples():
        assert truth[key_of(line)].cell_key is not None
        assert_published(line, truth[key_of(line)], protection)
    # the runs table's items are the site's hits, as that (old) row is published
    runs = pd.read_csv(tmp_path / "csv" / "runs.csv", keep_default_na=False,
                       dtype={"items_shown": str})
    site = runs[(runs.snapshot_id == sid)].iloc[0]
    hits = legacy[(legacy.scope == "annonstavlan") & (legacy.level == "hits")].iloc[0]
    assert site["items"] == hits.value and site.items_shown == hits.shown


def test_parquet_round_trips_types_and_matches_the_csv(config: Path, exported: Path,
                                                        tmp_path: Path) -> None:
    assert export(config, tmp_path / "p", "--format", "parquet", "--to", "2026-03-02") == 0
    schema = pq.read_schema(tmp_path / "p" / "indicators.parquet")
    assert str(schema.field("value").type) == "int64" and schema.field("value").nullable
    assert str(schema.field("taken_at").type) == "timestamp[ms, tz=UTC]"
    assert str(schema.field("protection").type) == "string"
    assert "suppressed" not in schema.names
    assert [f.name for f in schema] == [c.name for c in INDICATOR_COLUMNS]

    parquet = pd.read_parquet(tmp_path / "p" / "indicators.parquet",
                              dtype_backend="numpy_nullable")
    assert str(parquet.value.dtype) == "Int64" and str(parquet.comparable.dtype) == "boolean"
    assert "UTC" in str(parquet.taken_at.dtype)
    csv = read_csv(exported / "indicators.csv")
    csv = csv[csv.snapshot_id == parquet.snapshot_id.iloc[0]].reset_index(drop=True)
    assert len(parquet) == len(csv) and parquet.snapshot_id.nunique() == 1
    for column in ("snapshot_id", "window_id", "scope", "scope_kind", "level", "measure",
                   "breakdown", "category", "shown", "protection"):
        assert list(parquet[column]) == list(csv[column]), column
    assert parquet.value.equals(csv.value)
    # empty only for the flag
    assert list(parquet.value.isna()) == list(parquet.protection == CellState.FLAG)
    assert list(parquet.comparable) == list(csv.comparable)
    assert (parquet.taken_at == csv.taken_at).all()
    # codes that a careless reader turns into numbers or missing values stay text
    assert "0180" in set(csv.category) and "NO" in set(csv.category)

    runs = pd.read_parquet(tmp_path / "p" / "runs.parquet", dtype_backend="numpy_nullable")
    assert [c for c in runs.columns] == [c.name for c in RUN_COLUMNS]
    assert str(runs["items"].dtype) == "Int64" and str(runs.is_baseline.dtype) == "boolean"


def test_runs_table_counts_what_each_snapshot_did_and_nothing_else(
        exported: Path, store_dir: Path) -> None:
    runs = pd.read_csv(exported / "runs.csv", keep_default_na=False,
                       na_values={c: [""] for c in ("items", "pages", "errors", "dropped")},
                       dtype={"items": "Int64", "items_shown": str})
    stored_runs, _ = stored(store_dir)
    assert list(dict.fromkeys(runs.snapshot_id)) == [r.snapshot_id for r in stored_runs]
    assert Counter(runs.status) == Counter({"complete": 3 + 2, "partial": 3 + 2, "failed": 1})
    failed = runs[runs.status == "failed"].iloc[0]
    assert failed.site == "" and failed.reason == "error: ConnectionError"
    lost = runs[(runs.site == "sockerdejt") & (runs.site_status == "failed")].iloc[0]
    # a failed site's zero items: zero stays zero
    assert lost.error_reasons == "connection_refused=3" and lost["items"] == 0
    assert (runs[runs.site == "profilkatalogen"].site_status == "unhealthy").sum() == 1
    assert list(runs.is_baseline).count(True) == 3 + 2  # two windows

    # a site's items are its hits: published exactly as that indicator row, so one count
    # never stands in two outputs as two noisy numbers
    df = read_csv(exported / "indicators.csv")
    hits = df[(df.level == "hits") & (df.measure == "count") & (df.breakdown == "total")]
    hits = dict(zip(zip(hits.snapshot_id, hits.scope), zip(hits.value, hits.shown)))
    counted = runs[(runs.site != "") & (runs.site_status != "failed")]
    assert len(counted) == 3 + 2 + 2 + 2
    for row in counted.itertuples():
        assert (row.items, row.items_shown) == hits[row.snapshot_id, row.site]
    # sockerdejt's three listings: published, not hidden (0, or 3 and more)
    small = counted[counted.site == "sockerdejt"].iloc[0]
    assert not pd.isna(small["items"]) and small["items"] not in (1, 2)
    assert abs(small["items"] - 3) <= D
    assert runs["items"].notna().sum() == len(runs) - 1  # all but the failed snapshot's
    assert not runs.items_shown.isin(["..", "<5"]).any()

    # counts, codes and names only: nothing planted in a listing reached any file
    for path in exported.iterdir():
        data = path.read_bytes()
        assert CANARY.encode() not in data and CANARY.lower().encode() not in data, path
        assert b"070-174" not in data and b"example.invalid" not in data, path


def test_codebook_describes_every_column_value_breakdown_and_category(exported: Path) -> None:
    codebook = pd.read_csv(exported / "codebook.csv", keep_default_na=False, dtype=str)
    df = read_csv(exported / "indicators.csv")

    described = codebook[codebook.kind == "column"]
    for table, columns in (("indicators", INDICATOR_COLUMNS), ("runs", RUN_COLUMNS)):
        rows = described[described.table == table].set_index("column")
        assert list(rows.index) == [c.name for c in columns]
        for c in columns:
            assert rows.loc[c.name, "type"] == c.type and rows.loc[c.name, "meaning"]
    values = codebook[codebook.kind == "value"]
    for column, expected in (("level", LEVELS), ("measure", MEASURES),
                             ("scope_kind", ("all", "site", "county"))):
        assert tuple(values[values.column == column].value) == tuple(expected)
    assert set(LEVEL_MEANINGS) == set(LEVELS) and set(MEASURE_MEANINGS) == set(MEASURES)
    assert set(df.scope) <= set(values[values.column == "scope"].value)
    assert set(df.protection) == set(values[values.column == "protection"].value)

    categories = codebook[codebook.kind == "category"]
    listed = defaultdict(set)
    for row in categories.itertuples():
        listed[row.breakdown].add(row.value)
    breakdowns = codebook[codebook.kind == "breakdown"]
    assert set(df.breakdown) <= set(breakdowns.value)
    for (breakdown,), rows in df.groupby(["breakdown"]):
        assert set(rows.category) <= listed[breakdown], breakdown
    assert all(breakdowns.source != "")
    # the lists are the normaliser's, in full: 21 län, 290 kommuner, ISO 639-1 languages
    assert len(listed["county"]) == 21 + 2 and len(listed["kommun"]) == 290 + 2
    assert {"sv", "en", "unknown"} <= listed["language"]
    assert set(REACH_CATEGORIES) == listed["reach"]
    # the reach categories are typed in the export: they must be every one the count makes
    places = ["Lund", "Malmö", "Umeå", "Visby", "Kiruna", "unknown"]
    assert {reach_category(set(places[:n])) for n in range(7)} == set(REACH_CATEGORIES)
    label = categories.set_index(["breakdown", "value"]).meaning
    assert label["county", "SE-O"] == "Västra Götalands län (SE-O)"
    assert label["kommun", "1480"].startswith("Göteborg kommun")
    assert label["country", "NA"] == "Namibia"
    assert "flag" in label["age_band", UNDER_18] and "exact" in label["age_band", UNDER_18]


def test_an_elasticsearch_store_exports_alike(elasticsearch_url: str, tmp_path: Path) -> None:
    # the export reads through the Store API only, so any backend will do
    backend = ElasticsearchBackend(elasticsearch_url)
    protection = Protection(secret=KeyRing(tmp_path / "keys", env={}).record_secret())
    try:
        take(backend.url, tmp_path / "keys", *SNAPSHOTS[0])
        with backend.open() as store:
            result = export_to(store, Request(out=tmp_path / "e"), protection, sites=KINDS)
            truth = {i.cell_id: i for i in shown_anywhere(store.indicators())}
    finally:
        backend.cleanup()
    assert result.snapshots == 1 and result.indicator_rows == len(truth)
    df = read_csv(tmp_path / "e" / "indicators.csv")
    assert set(map(key_of, df.itertuples())) == set(truth)
    assert set(df.protection) == {CellState.PERTURBED, CellState.FLAG}
    for row in df.itertuples():
        assert truth[key_of(row)].cell_key is not None
        assert_published(row, truth[key_of(row)], protection)


# -- the period and the output directory -------------------------------------------------------

def test_the_period_selects_snapshots_by_their_day(
        config: Path, store_dir: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    # the second and third snapshots, and the failed run between them
    assert main(["export", "--config", str(config), "--from", "2026-03-09",
                 "--to", "2026-03-20"]) == 0
    out = tmp_path / "adcensus-export-2026-03-09-2026-03-20"
    runs, _ = stored(store_dir)
    wanted = [r.snapshot_id for r in runs if "2026-03-09" <= r.started_at[:10] <= "2026-03-20"]
    assert len(wanted) == 3
    df = read_csv(out / "indicators.csv")
    assert list(dict.fromkeys(df.snapshot_id)) == wanted[:2]  # the failed one has no counts
    assert list(dict.fromkeys(pd.read_csv(out / "runs.csv").snapshot_id)) == wanted
    assert "from 2026-03-09 to 2026-03-20" in (out / "README.md").read_text()



def test_existing_files_are_kept_unless_forced(
        config: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    out = tmp_path / "e"
    out.mkdir()
    (out / "notes.txt").write_text("mine")
    (out / "indicators.csv").write_text("an earlier export\n")
    assert export(config, out) == 2
    err = capsys.readouterr().err
    assert f"{out} already holds indicators.csv: use --force to replace" in err
    assert (out / "indicators.csv").read_text() == "an earlier export\n"
    assert sorted(p.name for p in out.iterdir()) == ["indicators.csv", "notes.txt"]

    assert export(config, out, "--force", "--to", "2026-03-02") == 0
    assert read_csv(out / "indicators.csv").snapshot_id.nunique() == 1
    assert (out / "notes.txt").read_text() == "mine"  # files of others are left alone
    assert sorted(p.name for p in out.iterdir()) == ["README.md", "codebook.csv",
                                                     "indicators.csv", "notes.txt", "runs.csv"]


def test_a_failed_write_leaves_no_half_file(tmp_path: Path) -> None:
    (tmp_path / "runs.csv").write_text("the earlier export\n")

    def half(path: Path) -> None:
        path.write_text("snapshot_id,sta")
        raise OSError("No space left on device")

    with pytest.raises(OSError), staging(tmp_path) as stage:
        stage.write("indicators.csv", lambda p: p.write_text("complete\n"))
        stage.write("runs.csv", half)
        stage.commit()
    # nothing renamed into place, the earlier file untouched, no temporary file left
    assert sorted(p.name for p in tmp_path.iterdir()) == ["runs.csv"]
    assert (tmp_path / "runs.csv").read_text() == "the earlier export\n"


# -- bad input -----------------------------------------------------------------------------------

@pytest.mark.parametrize("args, message", [
    (["--from", "2026-13-01"], "argument --from: '2026-13-01' is not a date: write it as "
                               "YYYY-MM-DD"),
    (["--to", "yesterday"], "argument --to: 'yesterday' is not a date"),
    (["--format", "xlsx"], "argument --format: invalid choice: 'xlsx'"),
])
def test_bad_arguments_are_named(config: Path, tmp_path: Path, args: list[str], message: str,
                                 capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exit_:
        export(config, tmp_path / "e", *args)
    assert exit_.value.code == 2
    assert message in capsys.readouterr().err
    assert not (tmp_path / "e").exists()


@pytest.mark.parametrize("args, message", [
    (["--from", "2026-04-01", "--to", "2026-03-01"], "--from 2026-04-01 is after --to 2026-03-01"),
    (["--from", "2027-01-01"], "no complete or partial snapshot from 2027-01-01 to the last "
                               "snapshot; the store has 4, taken 2026-03-02 to 2026-05-04"),
    (["--from", "2026-03-17", "--to", "2026-03-31"], "no complete or partial snapshot from "
                                                     "2026-03-17 to 2026-03-31"),
])
def test_bad_periods_are_named(config: Path, tmp_path: Path, args: list[str], message: str,
                               capsys: pytest.CaptureFixture[str]) -> None:
    assert export(config, tmp_path / "e", *args) == 2
    err = capsys.readouterr().err
    assert err.startswith("adcensus: ") and message in err and "Traceback" not in err
    assert not (tmp_path / "e").exists()


def test_an_empty_or_missing_store_is_named(tmp_path: Path,
                                            capsys: pytest.CaptureFixture[str]) -> None:
    config = write_config(tmp_path, tmp_path / "nowhere")
    assert export(config, tmp_path / "e") == 2
    assert f"no store at {tmp_path / 'nowhere' / 'store.sqlite'}" in capsys.readouterr().err
    assert not (tmp_path / "nowhere").exists(), "an export makes no store"

    (tmp_path / "empty").mkdir()
    open_store(f"sqlite:///{tmp_path / 'empty' / 'store.sqlite'}").close()
    config = write_config(tmp_path, tmp_path / "empty")
    assert export(config, tmp_path / "e") == 2
    assert "the store holds no complete or partial snapshot yet" in capsys.readouterr().err


def test_help_explains_the_command(capsys: pytest.CaptureFixture[str],
                                   monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("COLUMNS", "200")  # no line broken inside a name
    with pytest.raises(SystemExit) as exit_:
        main(["export", "--help"])
    assert exit_.value.code == 0
    out = " ".join(capsys.readouterr().out.split())
    for words in ("--from YYYY-MM-DD", "{csv,parquet}", "--force", "cell key method",
                  "adcensus-export-<from>-<to>"):
        assert words in out


def test_a_retired_privacy_setting_is_named(tmp_path: Path, store_dir: Path,
                                            capsys: pytest.CaptureFixture[str]) -> None:
    for key, value in (("method", "suppress"), ("threshold", 5)):
        config = write_config(tmp_path, store_dir, **{key: value})
        assert export(config, tmp_path / "e") == 2
        err = capsys.readouterr().err
        assert f"'{key}' was retired" in err and "cell key method" in err
        assert "Traceback" not in err and not (tmp_path / "e").exists()


# -- a real crawl ------------------------------------------------------------------------------

@pytest.mark.slow
def test_export_of_a_real_demo_crawl(tmp_path: Path) -> None:
    from crawler.demo_market.generator import generate
    from crawler.demo_market.server import MarketServer
    from crawler.sites import load_sites
    from scheduler.runner import run_snapshot
    from tests.conftest import write_config as demo_config

    market = generate(seed=11, listings=15)  # small: two quick snapshots
    with MarketServer(market) as server:
        config = demo_config(tmp_path, server.url, browser=False)
        assert run_snapshot(config, quiet=True, taken_at=DAY).exit_code == 0
        market.advance(7)
        assert run_snapshot(config, quiet=True, taken_at=DAY + timedelta(days=7)).exit_code == 0
    out = tmp_path / "export"
    assert main(["export", "--config", str(config), "--out", str(out),
                 "--format", "parquet"]) == 0
    assert out.is_dir() and not list(Path.cwd().glob("adcensus-export-2026-03-02-*"))
    df = pd.read_parquet(out / "indicators.parquet", dtype_backend="numpy_nullable")
    with open_store(f"sqlite:///{tmp_path / 'store.sqlite'}") as store:
        truth = {i.cell_id: i for i in shown_anywhere(store.indicators())}
    assert len(df) == len(truth) and df.snapshot_id.nunique() == 2
    assert list(dict.fromkeys(df.taken_at.dt.date.astype(str))) == ["2026-03-02", "2026-03-09"]
    protection = Protection(secret=KeyRing(tmp_path / "keys", env={}).record_secret())
    noise = [assert_published(row, truth[key_of(row)], protection) for row in df.itertuples()]
    assert any(noise)
    assert set(df.protection) <= {CellState.PERTURBED, CellState.FLAG}
    # the sites' unique listings as the demo market's ground truth has them, published
    day0 = compute_truth(market, 0)
    first = df[(df.snapshot_id == df.snapshot_id.iloc[0]) & (df.breakdown == "total")
               & (df.level == "unique") & (df.measure == "count")]
    http = {s.name for s in load_sites(SITES) if s.render != "browser"}
    assert http and not http - set(first.scope)
    for row in first[first.scope.isin(http)].itertuples():
        assert truth[key_of(row)].value == day0.unique[row.scope]
        assert abs(row.value - day0.unique[row.scope]) <= D
    assert {"new_vs_baseline", "gone_vs_previous"} <= set(df.measure)
    assert os.path.getsize(out / "README.md") > 2000
