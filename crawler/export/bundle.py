"""One export: the snapshots of a period read from a store, protected, written as a
directory of files (indicators, runs, codebook, README)."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from crawler import __version__
from crawler.errors import AdcensusError
from crawler.export.codebook import CODEBOOK_COLUMNS, codebook_rows
from crawler.export.columns import INDICATOR_COLUMNS, RUN_COLUMNS
from crawler.export.files import FORMATS, WRITERS, write_csv
from crawler.export.period import Period
from crawler.export.readme import Contents, readme
from crawler.export.tables import Frame, indicator_rows, run_rows
from crawler.files import staging
from crawler.protection import Protection, Shown
from crawler.records import CellId, Indicator, RunRecord
from crawler.store.base import Store
from crawler.vocabulary import INTERNAL_BREAKDOWNS, VISIBLE


class ExportError(AdcensusError):
    """Bad input or a state that cannot be exported; the message says what to do."""


@dataclass(frozen=True)
class Request:
    period: Period = Period()
    format: str = "csv"
    out: Path | None = None  # None: adcensus-export-<from>-<to> in the current directory
    force: bool = False

    def names(self) -> list[str]:
        return [f"indicators.{self.format}", f"runs.{self.format}", "codebook.csv", "README.md"]


@dataclass(frozen=True)
class Result:
    directory: Path
    files: tuple[Path, ...]
    snapshots: int
    indicator_rows: int
    run_rows: int


def export(store: Store, request: Request, protection: Protection,
           sites: Mapping[str, str] | None = None, window_days: int | None = None,
           progress: Callable[[str], None] = lambda _: None) -> Result:
    """``sites``: site name -> kind of the configured sites (the codebook lists them with
    those of the exported runs)."""
    if request.format not in FORMATS:
        raise ExportError(f"unknown format {request.format!r}: use csv or parquet")
    runs = [r for r in store.runs() if r.status != "running"]  # running: not done yet
    visible = [r for r in runs if r.status in VISIBLE]
    if not visible:
        raise ExportError("the store holds no complete or partial snapshot yet: take one with "
                          "`adcensus snapshot` first")
    chosen = request.period.runs(visible)
    if not chosen:
        raise ExportError(
            f"no complete or partial snapshot {request.period.describe()}; the store has "
            f"{len(visible)}, taken {_day(visible[0])} to {_day(visible[-1])}")
    out = request.out or Path(f"adcensus-export-{request.period.label(chosen)}")
    _refuse_overwrite(out, request)

    indicators, run_table = Frame(INDICATOR_COLUMNS), Frame(RUN_COLUMNS)
    listed = request.period.runs(runs)  # failed ones too: they show the gaps
    done = 0
    for run in listed:
        by_key: dict[CellId, Indicator] = {}
        shown: dict[CellId, Shown] = {}
        if run.status in VISIBLE:
            done += 1
            found = [i for i in store.indicators(snapshot_id=run.snapshot_id)
                     if i.breakdown not in INTERNAL_BREAKDOWNS]  # the alerts' only
            by_key = {i.cell_id: i for i in found}
            shown = protection.shown(found)
            indicator_rows(indicators, run, found, shown)
            progress(f"snapshot {done} of {len(chosen)}, {run.snapshot_id}: "
                     f"{len(found)} counts published")
        run_rows(run_table, run, by_key, shown, protection)

    all_sites = {**(sites or {}), **{s.site: s.kind for r in listed for s in r.sites}}
    codebook = Frame(CODEBOOK_COLUMNS, codebook_rows(all_sites))
    contents = Contents(
        period=request.period.describe(),
        generated_at=datetime.now(UTC).isoformat(timespec="seconds"),
        version=__version__, format=request.format, snapshots=len(chosen),
        first=chosen[0].started_at, last=chosen[-1].started_at, window_days=window_days,
        files=(
            (f"indicators.{request.format}", len(indicators.rows),
             "the counts: one row per snapshot, scope, level, measure, breakdown, category"),
            (f"runs.{request.format}", len(run_table.rows),
             "what each snapshot did, per site: status, pages, items, errors (counts only)"),
            ("codebook.csv", len(codebook.rows),
             "every column, value, breakdown and category, with its meaning and source"),
            ("README.md", None, "this file: the method and how counts are protected"),
        ))

    out.mkdir(parents=True, exist_ok=True)
    write = WRITERS[request.format]
    with staging(out) as stage:
        stage.write(f"indicators.{request.format}", lambda p: write(indicators, p))
        stage.write(f"runs.{request.format}", lambda p: write(run_table, p))
        stage.write("codebook.csv", lambda p: write_csv(codebook, p))
        text = readme(contents, protection)
        stage.write("README.md", lambda p: p.write_text(text, encoding="utf-8"))
        _refuse_overwrite(out, request)  # made by someone else while this one worked?
        files = stage.commit()
    return Result(out, tuple(files), len(chosen), len(indicators.rows), len(run_table.rows))


def _refuse_overwrite(out: Path, request: Request) -> None:
    if out.exists() and not out.is_dir():
        raise ExportError(f"{out} exists and is not a directory: give --out a directory")
    if request.force:
        return
    there = [name for name in request.names() if (out / name).exists()]
    if there:
        raise ExportError(f"{out} already holds {', '.join(there)}: use --force to replace "
                          "them, or --out for another directory")


def _day(run: RunRecord) -> str:
    return datetime.fromisoformat(run.started_at).date().isoformat()
