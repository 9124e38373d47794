"""``adcensus schedule``: add, list, remove and run scheduled snapshots.

The schedule lives in the config's job store (``schedule.job_store``, default
``<data_dir>/schedule.sqlite``); `adcensus serve` runs it.
"""

from __future__ import annotations

import argparse
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING

from crawler.commands import EXIT_USAGE

if TYPE_CHECKING:
    from scheduler.triggers import When

PRESET_HELP = ("weekly: every week (--weekday, default mon; --time, default 03:00); "
               "monthly: on one day of every month like the 2020 mapping (--day, default 15; "
               "--time)")

def add(commands: argparse._SubParsersAction) -> None:
    parser = commands.add_parser(
        "schedule", help="add, list, remove or run scheduled snapshots",
        description="Scheduled snapshots, kept in the config's job store and run by "
        "`adcensus serve`. Times are in schedule.timezone (default Europe/Stockholm).")
    actions = parser.add_subparsers(title="actions", metavar="ACTION")

    adding = actions.add_parser(
        "add", help="add a job: a preset, a cron expression or a one-off time",
        description="Add a job. Give a preset (weekly, monthly), --cron or --at. "
        + PRESET_HELP + ". Examples: `schedule add weekly`, `schedule add monthly --day 15`, "
        "`schedule add --cron '0 3 * * 1'` (cron's weekday numbers: 0 and 7 are Sunday), "
        "`schedule add --at 2026-12-15T03:00`.")
    adding.add_argument("preset", nargs="?", choices=("weekly", "monthly"), help=PRESET_HELP)
    adding.add_argument("--cron", metavar="EXPR",
                        help="a crontab expression: minute hour day-of-month month day-of-week")
    adding.add_argument("--at", metavar="TIME", help="one run at YYYY-MM-DDTHH:MM (future)")
    adding.add_argument("--weekday", help="weekly: mon, tue, ..., sun (default mon)")
    adding.add_argument("--day", type=int, help="monthly: day of the month, 1-31 (default 15)")
    adding.add_argument("--time", help="weekly, monthly: HH:MM (default 03:00)")
    adding.add_argument("--kind", default="snapshot", help="what the job does (default snapshot)")
    adding.add_argument("--id", dest="job_id", help="the job's name (default KIND-PRESET)")
    adding.add_argument("--replace", action="store_true", help="replace a job of the same name")
    _config(adding)
    adding.set_defaults(func=run_add)

    listing = actions.add_parser("list", help="the jobs and their next run times")
    _config(listing)
    listing.set_defaults(func=run_list)

    removing = actions.add_parser("remove", help="remove a job")
    removing.add_argument("job_id", metavar="JOB")
    _config(removing)
    removing.set_defaults(func=run_remove)

    now = actions.add_parser(
        "run-now", help="take a scheduled job's snapshot now, in the foreground",
        description="Run a job now, here, through the same runner as `serve` (the lock, the "
        "time budget, the history). Without JOB, a snapshot of --config. Exit status: 0 "
        "complete, 3 partial, 4 skipped (another snapshot of this store is running), 1 failed, "
        "timed out or cancelled, 2 bad input.")
    now.add_argument("job_id", metavar="JOB", nargs="?")
    now.add_argument("--progress", action="store_true", help="show the crawl's progress lines")
    _config(now)
    now.set_defaults(func=run_now)

    parser.set_defaults(func=lambda args: _usage(parser))


def _config(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--config", type=Path, default=Path("adcensus.yaml"))


def _usage(parser: argparse.ArgumentParser) -> int:
    parser.print_help()
    return EXIT_USAGE


def when_of(args: argparse.Namespace, timezone: str) -> When:
    from zoneinfo import ZoneInfo

    from scheduler import triggers
    from scheduler.triggers import ScheduleError

    given = [name for name, value in (("a preset", args.preset), ("--cron", args.cron),
                                      ("--at", args.at)) if value]
    if len(given) != 1:
        raise ScheduleError("give one of: a preset (weekly, monthly), --cron EXPR or --at TIME"
                            + (f"; got {' and '.join(given)}" if given else ""))
    for option, value, preset in (("--weekday", args.weekday, "weekly"),
                                  ("--day", args.day, "monthly")):
        if value is not None and args.preset != preset:
            raise ScheduleError(f"{option} goes with the {preset} preset")
    if args.time is not None and not args.preset:
        raise ScheduleError("--time goes with a preset; a cron expression has its own hour and "
                            "minute")
    zone = ZoneInfo(timezone)
    time = args.time or "03:00"
    if args.preset == "weekly":
        return triggers.weekly(zone, args.weekday or "mon", time)
    if args.preset == "monthly":
        return triggers.monthly(zone, 15 if args.day is None else args.day, time)
    if args.cron:
        return triggers.cron(args.cron, zone)
    return triggers.once(args.at, zone)


def run_add(args: argparse.Namespace) -> int:
    from crawler.config import load_config
    from scheduler.service import add_job

    loaded = load_config(args.config)  # a config that does not load is named here, exit 2
    when = when_of(args, loaded.config.schedule.timezone)
    job = add_job(loaded, when, args.kind, args.job_id, args.replace)
    print(f"added {job.id}: {job.description}; next run {_time(job.next_run_time)}")
    print(f"job store: {loaded.job_store_path} (run it with `adcensus serve --config "
          f"{args.config}`)")
    return 0


def run_list(args: argparse.Namespace) -> int:
    from crawler.config import load_config
    from scheduler.service import list_jobs

    loaded = load_config(args.config)
    jobs = list_jobs(loaded)
    if not jobs:
        print(f"no jobs in {loaded.job_store_path}")
        return 0
    width = max(len(j.id) for j in jobs)
    for job in jobs:
        print(f"{job.id:<{width}}  next {_time(job.next_run_time):<25}  {job.description}")
    return 0


def run_remove(args: argparse.Namespace) -> int:
    from crawler.config import load_config
    from scheduler.service import remove_job

    loaded = load_config(args.config)
    remove_job(loaded, args.job_id)
    print(f"removed {args.job_id}")
    return 0


def run_now(args: argparse.Namespace) -> int:
    from crawler.config import load_config
    from scheduler.runner import run_in_foreground
    from scheduler.service import JobError, find_job

    loaded = load_config(args.config)
    config, job_id = str(loaded.path), "run-now"
    if args.job_id:
        job = find_job(loaded, args.job_id)
        if job.kind != "snapshot":
            raise JobError(f"job {job.id!r} is of kind {job.kind!r}; run-now runs snapshots")
        config, job_id = job.config, job.id
    outcome = run_in_foreground(config, job_id=job_id, command="run-now",
                                quiet=not args.progress)
    detail = f" ({outcome.reason})" if outcome.reason else ""
    print(f"{job_id}: snapshot {outcome.snapshot_id or '(none)'} {outcome.outcome}{detail}")
    return outcome.exit_code


def _time(moment: datetime | None) -> str:
    return moment.strftime("%Y-%m-%d %H:%M %Z") if moment is not None else "none (paused)"
