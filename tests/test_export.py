"""`adcensus export`: tidy tables from a real SQLite store filled by real snapshots, read
back with pandas as a researcher would, compared with the store's exact counts."""

from __future__ import annotations

import os
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
from crawler.disclosure import SECONDARY, Protection, Table, protect
from crawler.export import Request
from crawler.export import export as export_to
from crawler.export.codebook import LEVEL_MEANINGS, MEASURE_MEANINGS, REACH_CATEGORIES
from crawler.export.columns import INDICATOR_COLUMNS, RUN_COLUMNS
from crawler.export.files import staging
from crawler.keys import KeyRing
from crawler.listing import Listing
from crawler.protected import add_earlier, protect_snapshot, snapshot_table
from crawler.records import LEVELS, MEASURES, Indicator, RunRecord, SiteRun
from crawler.snapshot import Snapshot
from crawler.store import open_store
from crawler.store.base import VISIBLE, indicator_key
from tests.conftest import SITES
from tests.reader_support import ranges, sums
from tests.store_backends import ElasticsearchBackend

CANARY = "Zq7-export-canary"
KINDS = {"annonstavlan": "ad_board", "profilkatalogen": "profile_directory",
         "sockerdejt": "sugardating"}
# few categories, a few of them small: enough to need suppression, little enough to
# protect in a moment
LOCALITIES = ["Stockholm"] * 6 + ["Göteborg"] * 3 + ["Kiruna", "Oslo"]
LANGUAGES = ["svenska", "engelska", "svenska, engelska"]
GENDERS = ["kvinna", "kvinna", "kvinna", "man"]
DAY = datetime(2026, 3, 2, 6, tzinfo=UTC)


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
        "age": "24" if n % 3 else "31",
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


def write_config(directory: Path, store_dir: Path, method: str = "suppress") -> Path:
    path = directory / "adcensus.yaml"
    path.write_text(yaml.safe_dump({
        "store": f"sqlite:///{store_dir / 'store.sqlite'}",
        "data_dir": str(directory / "data"),
        "keys_dir": str(directory / "keys"),
        "sites": {"dir": str(SITES), "base_url": "http://127.0.0.1:9"},
        "baseline": {"window_days": 30},
        "privacy": {"method": method, "threshold": 5},
    }))
    return path


@pytest.fixture
def config(tmp_path: Path, store_dir: Path) -> Path:
    return write_config(tmp_path, store_dir)


@pytest.fixture(scope="module")
def exported(tmp_path_factory: pytest.TempPathFactory, store_dir: Path) -> Path:
    """One CSV export of every snapshot, read by several tests (protection takes a while)."""
    directory = tmp_path_factory.mktemp("exported")
    assert export(write_config(directory, store_dir), directory / "out") == 0
    return directory / "out"


@pytest.fixture(autouse=True)
def no_cell_key_in_environment(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    monkeypatch.delenv("ADCENSUS_CELL_KEY", raising=False)
    yield


def stored(store_dir: Path) -> tuple[list[RunRecord], list[Indicator]]:
    with open_store(f"sqlite:///{store_dir / 'store.sqlite'}") as store:
        return store.runs(), store.indicators()


def read_csv(path: Path) -> pd.DataFrame:
    """As README.md tells a researcher to."""
    return pd.read_csv(path, keep_default_na=False, na_values={"value": [""]},
                       dtype={"category": str, "shown": str, "value": "Int64"},
                       parse_dates=["taken_at"])


def export(config: Path, out: Path, *extra: str) -> int:
    return main(["export", "--config", str(config), "--out", str(out), *extra])


def key_of(row: pd.Series) -> tuple[str, ...]:
    return (row.snapshot_id, row.scope, row.level, row.measure, row.breakdown, row.category)


# -- what the tables hold --------------------------------------------------------------------

def test_csv_shows_every_stored_count_or_hides_it_for_a_reason(exported: Path,
                                                                store_dir: Path) -> None:
    out = exported
    assert sorted(p.name for p in out.iterdir()) == ["README.md", "codebook.csv",
                                                     "indicators.csv", "runs.csv"]
    df = read_csv(out / "indicators.csv")
    _, exact = stored(store_dir)
    truth = {indicator_key(i): i for i in exact}
    assert len(df) == len(truth) and len(set(map(key_of, df.itertuples()))) == len(truth)

    counts = Counter(df.protection)
    assert counts["primary"] and counts["secondary"] and counts["exact"], counts
    for row in df.itertuples():
        i = truth[key_of(row)]
        assert row.comparable == i.comparable and row.taken_at.isoformat() == i.taken_at
        if row.protection == "exact":
            assert row.value == i.value and row.shown == str(i.value) and not row.suppressed
        elif row.protection == "primary":
            assert pd.isna(row.value) and row.shown == "<5" and row.suppressed
            assert 1 <= i.value <= 4, key_of(row)
        else:
            assert row.protection == "secondary" and row.shown == SECONDARY and row.suppressed
            assert pd.isna(row.value) and i.value >= 1  # no zero needed hiding here

    # what is shown adds up to the store, and a breakdown with nothing hidden to its total
    shown = df[~df.suppressed]
    assert int(shown.value.sum()) == sum(truth[key_of(r)].value for r in shown.itertuples())
    whole = df.groupby(["snapshot_id", "scope", "level", "measure", "breakdown"])
    totals = {k[:4]: v for k, v in
              df[df.breakdown == "total"].set_index(["snapshot_id", "scope", "level", "measure"])
              .value.items()}
    checked = 0
    for (sid, scope, level, measure, breakdown), rows in whole:
        total = totals[sid, scope, level, measure]
        if breakdown in ("gender", "locality", "age_band") and not rows.suppressed.any() \
                and not pd.isna(total):
            assert rows.value.sum() == total, (sid, scope, level, measure, breakdown)
            checked += 1
    assert checked > 10

    # the markers are explained where a reader looks
    readme = (out / "README.md").read_text()
    assert "`<5` (`protection` = primary): a count from 1 to 4" in readme
    assert f"`{SECONDARY}` (`protection` = secondary)" in readme and "threshold 5" in readme
    codebook = pd.read_csv(out / "codebook.csv", keep_default_na=False, dtype=str)
    markers = codebook[(codebook.kind == "value") & (codebook.column == "shown")]
    assert {"<5", SECONDARY} <= set(markers.value)


def reader_bounds(table: Table, shown: dict[tuple[str, ...], pd.Series]) -> dict:
    """What a reader can work out of each hidden small count: its least and greatest value
    given every sum of the table, the counts shown, "<5" (1 to 4) and ".." (1 or more)."""
    hidden = [k for k in table.cells if shown[k].suppressed]
    limits = {k: (1, 4) if shown[k].protection == "primary" else (1, None) for k in hidden}
    counts = {k: int(shown[k].value) for k in table.cells if not shown[k].suppressed}
    return ranges(sums(table), counts, limits,
                  of=[k for k in hidden if shown[k].protection == "primary"])


def joint_table(store_dir: Path, exported: set[tuple[str, ...]]) -> Table:
    """Every exported snapshot's table in one, as a reader holding the whole export has it,
    with the sums across snapshots (an earlier total = what is still there + what is gone)."""
    joint = Table()
    runs, _ = stored(store_dir)
    visible = [r for r in runs if r.status in VISIBLE]
    with open_store(f"sqlite:///{store_dir / 'store.sqlite'}") as store:
        for n, run in enumerate(visible):
            table = snapshot_table(run, store.indicators(snapshot_id=run.snapshot_id))
            window = [r for r in visible[:n] if r.window_id == run.window_id]
            if window and not run.is_baseline:
                for against, earlier in (("baseline", window[0]), ("previous", window[-1])):
                    add_earlier(table, run.snapshot_id, against,
                                store.indicators(snapshot_id=earlier.snapshot_id), {}, 5)
            joint.cells.update({k: v for k, v in table.cells.items() if k in exported})
            joint.lines += [line for line in table.lines if set(line.cells) <= exported]
    return joint


def test_no_hidden_small_count_can_be_worked_out(exported: Path, store_dir: Path) -> None:
    rows = {key_of(r): r for r in read_csv(exported / "indicators.csv").itertuples()}
    table = joint_table(store_dir, set(rows))
    # the sums the export adds to the disclosure module's own are there
    lines = table.lines
    assert [line for line in lines if line.total[4] == "site_kind"]
    assert [line for line in lines if line.parts[0][4] == "reach"]
    local = [line for line in lines if line.local]
    # an earlier snapshot's total = what is still there + what is gone now
    assert [line for line in local if line.total[0] != line.parts[0][0]
            and line.parts[1][3] == "gone_vs_previous"]
    assert [line for line in local if line.total[3] == "count"
            and line.parts[0][3] == "new_vs_previous" and line.total[4] == "gender"]
    # every sum but count = new + still, all together: what the programmes guarantee
    checked = Table(table.cells)
    checked.lines = [line for line in lines if not line.local]
    small = 0
    for key, (low, high) in reader_bounds(checked, rows).items():
        assert high - low >= 1 - 1e-6, (key, low, high)
        assert low - 1e-6 <= table.cells[key] <= high + 1e-6  # the truth is a solution
        small += 1
    assert small > 500
    # count = new + still: no such sum on its own gives a hidden small count away, nor
    # leaves one hidden cell known (the line-by-line rule)
    for line in local:
        alone = Table({k: table.cells[k] for k in line.cells})
        alone.lines = [line]
        for key, (low, high) in reader_bounds(alone, rows).items():
            assert high - low >= 1 - 1e-6, (key, line)
        assert sum(rows[k].suppressed for k in line.cells) != 1, line
    # every sum of each snapshot at once: none can (partners in count = new + still may
    # not be worked out from the other sums either)
    within = Table(table.cells)
    within.lines = [line for line in lines if line.total[0] == line.parts[0][0]]
    joint = reader_bounds(within, rows)
    assert [key for key, (low, high) in joint.items() if high - low < 1 - 1e-6] == []
    # with the sums across snapshots too, some can (the known gap, docs/PRIVACY.md): 86
    # of 1,382 when this test was written (197 before they were held line by line and
    # the partners guarded); a change that gives more away fails here
    every = Table(table.cells)
    every.lines = list(lines)
    joint = reader_bounds(every, rows)
    pinned = [key for key, (low, high) in joint.items() if high - low < 1 - 1e-6]
    assert len(pinned) <= 0.065 * len(joint), (len(pinned), len(joint))


def test_protecting_group_by_group_decides_as_the_whole_table(store_dir: Path) -> None:
    runs, _ = stored(store_dir)
    run = next(r for r in reversed(runs) if r.status in VISIBLE)
    with open_store(f"sqlite:///{store_dir / 'store.sqlite'}") as store:
        table = snapshot_table(run, store.indicators(snapshot_id=run.snapshot_id))
    split = protect_snapshot(table, Protection())
    assert split == protect(table, Protection())
    assert Counter(s.status for s in split.values())["secondary"] > 10


def test_parquet_round_trips_types_and_matches_the_csv(config: Path, exported: Path,
                                                        tmp_path: Path) -> None:
    assert export(config, tmp_path / "p", "--format", "parquet", "--to", "2026-03-02") == 0
    schema = pq.read_schema(tmp_path / "p" / "indicators.parquet")
    assert str(schema.field("value").type) == "int64" and schema.field("value").nullable
    assert str(schema.field("taken_at").type) == "timestamp[ms, tz=UTC]"
    assert str(schema.field("suppressed").type) == "bool"
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
    assert list(parquet.suppressed) == list(csv.suppressed)
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
                       dtype={"items": "Int64"})
    stored_runs, _ = stored(store_dir)
    assert list(dict.fromkeys(runs.snapshot_id)) == [r.snapshot_id for r in stored_runs]
    assert Counter(runs.status) == Counter({"complete": 3 + 2, "partial": 3 + 2, "failed": 1})
    failed = runs[runs.status == "failed"].iloc[0]
    assert failed.site == "" and failed.reason == "error: ConnectionError"
    lost = runs[(runs.site == "sockerdejt") & (runs.site_status == "failed")].iloc[0]
    assert lost.error_reasons == "connection_refused=3" and lost["items"] == 0
    assert (runs[runs.site == "profilkatalogen"].site_status == "unhealthy").sum() == 1
    assert list(runs.is_baseline).count(True) == 3 + 2  # two windows

    # a site's items are its hits: shown exactly as that indicator row, so "3" never
    # stands beside "<5"
    df = read_csv(exported / "indicators.csv")
    hits = df[(df.level == "hits") & (df.measure == "count") & (df.breakdown == "total")]
    hits = dict(zip(zip(hits.snapshot_id, hits.scope), hits.shown))
    small = runs[runs["items"].isna() & (runs.site == "sockerdejt") & (runs.site_status == "ok")]
    assert len(small) == 1  # its three listings: "<5", or ".." where masked
    for row in runs[(runs.site != "") & (runs.site_status != "failed")].itertuples():
        assert row.items_shown == hits[row.snapshot_id, row.site]

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
    assert set(df.protection) <= set(values[values.column == "protection"].value)

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


def test_an_elasticsearch_store_exports_alike(elasticsearch_url: str, tmp_path: Path) -> None:
    # the export reads through the Store API only, so any backend will do
    backend = ElasticsearchBackend(elasticsearch_url)
    try:
        take(backend.url, tmp_path / "keys", *SNAPSHOTS[0])
        with backend.open() as store:
            result = export_to(store, Request(out=tmp_path / "e"), Protection(), sites=KINDS)
            truth = {indicator_key(i): i.value for i in store.indicators()}
    finally:
        backend.cleanup()
    assert result.snapshots == 1 and result.indicator_rows == len(truth)
    df = read_csv(tmp_path / "e" / "indicators.csv")
    assert set(map(key_of, df.itertuples())) == set(truth)
    assert Counter(df.protection)["primary"] > 10
    for row in df.itertuples():
        value = truth[key_of(row)]
        if row.protection == "exact":
            assert row.value == value
        else:
            assert pd.isna(row.value) and (1 <= value <= 4 if row.protection == "primary"
                                           else value >= 1)


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
    for words in ("--from YYYY-MM-DD", "{csv,parquet}", "--force", "always protected",
                  "adcensus-export-<from>-<to>"):
        assert words in out


# -- the cell key method ---------------------------------------------------------------------------

def test_cell_key_perturbs_consistently_and_keeps_zero(
        tmp_path: Path, store_dir: Path) -> None:
    config = write_config(tmp_path, store_dir, method="cell_key")
    assert export(config, tmp_path / "a") == 0
    assert (tmp_path / "keys" / "cell-key.secret").exists()
    assert export(config, tmp_path / "b", "--from", "2026-03-09", "--format", "parquet") == 0
    a = read_csv(tmp_path / "a" / "indicators.csv")
    b = pd.read_parquet(tmp_path / "b" / "indicators.parquet", dtype_backend="numpy_nullable")
    _, exact = stored(store_dir)
    truth = {indicator_key(i): i.value for i in exact}

    assert set(a.protection) == {"perturbed"} and not a.suppressed.any()
    assert not a.value.isna().any() and list(a.shown) == [str(v) for v in a.value]
    noise = [row.value - truth[key_of(row)] for row in a.itertuples() if truth[key_of(row)]]
    # P(0) is 0.45 or 0.5 by the p-table: most counts move
    assert set(noise) <= {-2, -1, 0, 1, 2} and 0.35 < Counter(noise)[0] / len(noise) < 0.65
    assert all(row.value == 0 for row in a.itertuples() if truth[key_of(row)] == 0)
    assert any(truth[key_of(row)] == 0 for row in a.itertuples())
    assert all(row.value >= 0 for row in a.itertuples())

    # the same cell gets the same value in another export, of another period and format
    first = dict(zip(map(key_of, a.itertuples()), a.value))
    assert len(b) and all(first[key_of(row)] == row.value for row in b.itertuples())
    # a county's total is the national cell for that län: one count, one noise
    total = a[(a.scope == "county:SE-O") & (a.breakdown == "total")]
    national = a[(a.scope == "all") & (a.breakdown == "county") & (a.category == "SE-O")]
    joined = total.merge(national, on=["snapshot_id", "level", "measure"])
    assert len(joined) and (joined.value_x == joined.value_y).all()

    readme = (tmp_path / "a" / "README.md").read_text()
    assert "**cell key**" in readme and "Zero stays zero" in readme and "<5" not in readme
    runs = pd.read_csv(tmp_path / "a" / "runs.csv", keep_default_na=False)
    assert "<5" not in set(runs.items_shown)


# -- a real crawl ------------------------------------------------------------------------------

@pytest.mark.slow
def test_export_of_a_real_demo_crawl(tmp_path: Path) -> None:
    from crawler.commands.snapshot import run_snapshot
    from crawler.demo_market.generator import generate
    from crawler.demo_market.server import MarketServer
    from tests.conftest import write_config as demo_config

    market = generate(seed=11, listings=15)  # small: protection is quick
    with MarketServer(market) as server:
        config = demo_config(tmp_path, server.url, browser=False)
        assert run_snapshot(config, quiet=True) == 0
        market.advance(7)
        assert run_snapshot(config, quiet=True) == 0
    out = tmp_path / "export"
    assert main(["export", "--config", str(config), "--out", str(out),
                 "--format", "parquet"]) == 0
    df = pd.read_parquet(out / "indicators.parquet", dtype_backend="numpy_nullable")
    with open_store(f"sqlite:///{tmp_path / 'store.sqlite'}") as store:
        truth = {indicator_key(i): i.value for i in store.indicators()}
    assert len(df) == len(truth) and df.snapshot_id.nunique() == 2
    for row in df.itertuples():
        value = truth[key_of(row)]
        assert row.value == value if row.protection == "exact" else (
            pd.isna(row.value) and (1 <= value <= 4 or row.protection == "secondary"))
    assert {"new_vs_baseline", "gone_vs_previous"} <= set(df.measure)
    assert os.path.getsize(out / "README.md") > 2000
