"""A readable terminal summary of the latest snapshots: counts per site and locality,
new and gone against the baseline. Read from the store, so it shows what was kept."""

from __future__ import annotations

from collections import defaultdict

from crawler.records import SCOPE_ALL, RunRecord
from crawler.store.base import Store

NOTE = ("hits: items seen; unique: exact copies removed (the 2020 definition); distinct: "
        "near-duplicates merged too;\nadvert.: listings linked by shared contacts or text. "
        "Advertisers are not people: one person may\nbe behind several advertisers, and one "
        "advertiser may speak for several people. new/gone: unique listings\nagainst the "
        "baseline.")


def summary(store: Store, top_localities: int = 10) -> str:
    done = [r for r in store.runs() if r.status in ("complete", "partial")]
    if not done:
        return "No complete snapshot in the store yet."
    latest = done[-1]
    baseline = next(r for r in done if r.window_id == latest.window_id)
    lines = [_heading(latest, baseline), ""]
    lines += _site_table(store, latest)
    lines += ["", f"Top localities, unique listings (all sites, snapshot {latest.snapshot_id}):"]
    lines += _localities(store, latest, top_localities)
    failed = [r for r in store.runs() if r.status == "failed"]
    if failed:
        lines += ["", f"{len(failed)} failed run(s); the last: {failed[-1].snapshot_id}: "
                      f"{failed[-1].reason}"]
    lines += ["", NOTE]
    return "\n".join(lines)


def _heading(latest: RunRecord, baseline: RunRecord) -> str:
    if latest.snapshot_id == baseline.snapshot_id:
        return f"Snapshot {latest.snapshot_id} (baseline of window {latest.window_id})"
    return f"Snapshot {latest.snapshot_id}, compared with baseline {baseline.snapshot_id}"


def _site_table(store: Store, run: RunRecord) -> list[str]:
    values: dict[str, dict[str, int]] = defaultdict(dict)
    for ind in store.indicators(snapshot_id=run.snapshot_id, breakdown="total"):
        values[ind.scope][f"{ind.level}/{ind.measure}"] = ind.value
    columns = [("hits", "hits/count"), ("unique", "unique/count"),
               ("distinct", "distinct/count"), ("advert.", "advertisers/count"),
               ("new", "unique/new_vs_baseline"), ("gone", "unique/gone_vs_baseline")]
    status = {s.site: s for s in run.sites}
    header = f"{'site':<16} {'kind':<18} " + " ".join(f"{c:>8}" for c, _ in columns) + "  status"
    lines = [header, "-" * len(header)]
    for scope in [s for s in sorted(values) if s != SCOPE_ALL] + [SCOPE_ALL]:
        row = values.get(scope, {})
        site = status.get(scope)
        kind = site.kind if site else ""
        cells = " ".join(f"{_cell(row, key):>8}" for _, key in columns)
        health = site.status if site else ""
        if site and site.errors:
            health += " (" + ", ".join(f"{k} {v}" for k, v in site.errors.items()) + ")"
        lines.append(f"{scope:<16} {kind:<18} {cells}  {health}")
    for site in run.sites:
        if site.site not in values:
            errors = ", ".join(f"{k} {v}" for k, v in site.errors.items())
            lines.append(f"{site.site:<16} {site.kind:<18} {'not counted':>8}  {site.status}: {errors}")
    return lines


def _cell(row: dict[str, int], key: str) -> str:
    return str(row[key]) if key in row else "-"


def _localities(store: Store, run: RunRecord, top: int) -> list[str]:
    rows = store.indicators(snapshot_id=run.snapshot_id, scope=SCOPE_ALL, level="unique",
                            breakdown="locality")
    count = {i.category: i.value for i in rows if i.measure == "count"}
    new = {i.category: i.value for i in rows if i.measure == "new_vs_baseline"}
    ranked = sorted(count.items(), key=lambda kv: (-kv[1], kv[0]))[:top]
    lines = [f"  {'locality':<20} {'unique':>7} {'new':>7}"]
    lines += [f"  {name:<20} {value:>7} {new.get(name, 0) if new else '-':>7}" for name, value in ranked]
    return lines
