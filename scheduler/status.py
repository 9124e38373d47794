"""`adcensus status`: the schedule, what ran, how each site did, and what needs a look.

Everything shown is a time, an id, an outcome, a reason or a count, read from the job
store, the scheduler's history and the store's run records; no content exists to show. A
site's items are its hits count, published as every other output publishes that cell
(crawler/protection.py); pages and errors count requests, not listings.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

from crawler.config import LoadedConfig
from crawler.delivery.records import Delivery
from crawler.protection import Protection, protection_for
from crawler.records import RunRecord, is_site_scope
from crawler.store.base import Store
from crawler.vocabulary import VISIBLE, JobOutcome, RunState, SiteHealth
from scheduler import delivery_status
from scheduler.history import Execution, History
from scheduler.lock import holder, lock_path
from scheduler.service import JobInfo, list_jobs

OVERDUE = timedelta(minutes=10)
RECENT_RUNS = 5
RECENT_EXECUTIONS = 8


@dataclass
class Status:
    now: datetime
    zone: ZoneInfo
    jobs: list[JobInfo]
    executions: list[Execution]
    runs: list[RunRecord]
    running_pid: int | None
    window_days: int
    warn_days: int
    warnings: list[str] = field(default_factory=list)
    # (snapshot id, site) -> the site's hits count as published
    items: dict[tuple[str, str], str] = field(default_factory=dict)
    deliveries: list[Delivery] = field(default_factory=list)  # newest first


def gather(loaded: LoadedConfig, now: datetime | None = None) -> Status:
    from crawler.store import SQLITE, open_store

    section = loaded.config.schedule
    executions: list[Execution] = []
    if loaded.job_store_path.exists():
        with History(loaded.job_store_path) as history:
            executions = history.recent(RECENT_EXECUTIONS)
    runs: list[RunRecord] = []
    items: dict[tuple[str, str], str] = {}
    url = loaded.store_url
    if not (url.startswith(SQLITE) and not Path(url[len(SQLITE):]).exists()):
        with open_store(url) as store:  # a store not made yet is not made here
            runs = store.runs()
            items = published_items(store, runs[-RECENT_RUNS:], protection_for(loaded))
    status = Status(now=now or datetime.now(UTC), zone=ZoneInfo(section.timezone),
                    jobs=list_jobs(loaded), executions=executions, runs=runs,
                    running_pid=holder(lock_path(loaded)),
                    window_days=loaded.config.baseline.window_days,
                    warn_days=section.window_warning_days, items=items,
                    deliveries=delivery_status.latest(loaded.job_store_path))
    status.warnings = warnings(status) + delivery_status.warnings(status.deliveries)
    return status


def published_items(store: Store, runs: list[RunRecord],
                    protection: Protection) -> dict[tuple[str, str], str]:
    """Each site's hits count of ``runs`` as published; a site with no count (it failed,
    or the run is not done) has none."""
    out = {}
    for run in runs:
        if run.status not in VISIBLE:
            continue
        for i in store.indicators(snapshot_id=run.snapshot_id, level="hits", measure="count",
                                  breakdown="total"):
            if is_site_scope(i.scope):
                out[run.snapshot_id, i.scope] = protection.cell(i).text
    return out


def warnings(s: Status) -> list[str]:
    found: list[str] = []
    if not s.jobs:
        found.append("nothing is scheduled (`adcensus schedule add weekly`)")
    for job in s.jobs:
        if job.next_run_time is not None and s.now - job.next_run_time > OVERDUE:
            found.append(f"job {job.id} was due at {_t(job.next_run_time, s.zone)} and has not "
                         "run: is `adcensus serve` running?")
    recent = s.runs[-RECENT_RUNS * 2:]
    failed = [r for r in recent if r.status == RunState.FAILED]
    if failed:
        found.append(f"{len(failed)} of the last {len(recent)} snapshots failed; the latest, "
                     f"{failed[-1].snapshot_id}: {failed[-1].reason}")
    for run in s.runs:
        if run.status == RunState.RUNNING and s.running_pid is None:
            found.append(f"snapshot {run.snapshot_id} is recorded as running but nothing holds "
                         "the lock: it was interrupted, and the next start records it as failed")
    done = [r for r in s.runs if r.status in VISIBLE]
    if done:
        latest = done[-1]
        for site in latest.sites:
            if site.health != SiteHealth.OK:
                errors = sum(site.lost.values())
                verb = "failed" if site.health == SiteHealth.FAILED else f"was {site.health}"
                found.append(f"site {site.site} {verb} in the latest snapshot "
                             f"{latest.snapshot_id} ({errors} error(s): "
                             f"{_reasons(site.lost) or 'no page fetched'})")
        found += _window_warning(s, done)
    latest_by_job: dict[str, Execution] = {}
    for execution in s.executions:  # newest first
        latest_by_job.setdefault(execution.job_id, execution)
    for execution in latest_by_job.values():
        if execution.outcome in (JobOutcome.FAILED, JobOutcome.TIMEOUT, JobOutcome.CANCELLED,
                                 JobOutcome.SKIPPED):
            found.append(f"the last run of job {execution.job_id} "
                         f"({_t(_parse(execution.started_at), s.zone)}) ended {execution.outcome}: "
                         f"{execution.reason or 'see the run record'}")
    return found


def _window_warning(s: Status, done: list[RunRecord]) -> list[str]:
    window = done[-1].window_id
    baseline = next(r for r in done if r.window_id == window)
    ends = _parse(baseline.started_at) + timedelta(days=s.window_days)
    left = ends - s.now
    if left <= timedelta(0):
        return [f"the baseline window {window} ended {_t(ends, s.zone)}: the next snapshot "
                "starts a new baseline, and the old window's key and fingerprints are deleted"]
    if left <= timedelta(days=s.warn_days):
        return [f"the baseline window {window} (and its key) ends {_t(ends, s.zone)}, in "
                f"{_days(left)}: snapshots after that count new and gone against a new baseline"]
    return []


def render(s: Status, config_path: str) -> str:
    lines = [f"adcensus status: {config_path}", f"now {_t(s.now, s.zone)}", ""]
    lines.append(f"Schedule ({len(s.jobs)} job(s), times in {s.zone.key}):")
    width = max([len(j.id) for j in s.jobs] + [4])
    for job in s.jobs:
        nxt = _t(job.next_run_time, s.zone) if job.next_run_time else "paused"
        lines.append(f"  {job.id:<{width}}  next {nxt:<22}  {job.description}")
    if not s.jobs:
        lines.append("  (none)")
    lines += ["", "Snapshot running now: "
              + (f"yes (lock held by pid {s.running_pid})" if s.running_pid else "no")]
    lines += ["", "Latest scheduler runs:"]
    for e in s.executions[:RECENT_EXECUTIONS]:
        what = f"snapshot {e.snapshot_id}" if e.snapshot_id else ""
        lines.append(f"  {_t(_parse(e.started_at), s.zone)}  {e.job_id:<{width}}  {e.outcome:<9} "
                     f"{what}{(' — ' + e.reason) if e.reason else ''}")
    if not s.executions:
        lines.append("  (none)")
    lines += ["", "Latest snapshots (items: hits, published as in every output):"]
    for run in s.runs[-RECENT_RUNS:][::-1]:
        label = "baseline" if run.is_baseline else f"window {run.window_id}"
        lines.append(f"  {run.snapshot_id}  {_t(_parse(run.started_at), s.zone)}  {run.status:<8} "
                     f"{label}{(' — ' + run.reason) if run.reason else ''}")
        for site in run.sites:
            # lost pages are errors; pages that answered on a retry are not
            errors, recovered = sum(site.lost.values()), sum(site.recovered.values())
            items = s.items.get((run.snapshot_id, site.site), "-")
            lines.append(f"      {site.site:<16} {site.health:<9} {site.pages:>6} pages "
                         f"{items:>7} items {errors:>5} errors"
                         + (f" ({_reasons(site.lost)})" if errors else "")
                         + (f", {recovered} recovered on retry ({_reasons(site.recovered)})"
                            if recovered else ""))
    if not s.runs:
        lines.append("  (none)")
    lines += delivery_status.render(s.deliveries, s.zone)
    lines += ["", f"Warnings ({len(s.warnings)}):"]
    lines += [f"  ! {w}" for w in s.warnings] or ["  (none)"]
    return "\n".join(lines)


def _reasons(counts: dict[str, int]) -> str:
    return ", ".join(f"{reason} {n}" for reason, n in sorted(counts.items()))


def _parse(text: str) -> datetime:
    moment = datetime.fromisoformat(text)
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


def _t(moment: datetime | None, zone: ZoneInfo) -> str:
    return moment.astimezone(zone).strftime("%Y-%m-%d %H:%M %Z") if moment else "-"


def _days(delta: timedelta) -> str:
    days = delta.total_seconds() / 86_400
    return f"{days:.0f} day(s)" if days >= 1 else f"{delta.total_seconds() / 3600:.0f} hour(s)"
