"""Store write and query times at the 2020 market's scale, on SQLite and Elasticsearch.

    .venv/bin/python benchmarks/bench_store.py                     # both backends, 12 weeks
    .venv/bin/python benchmarks/bench_store.py --backend sqlite --weeks 4
    .venv/bin/python benchmarks/bench_store.py --elasticsearch https://es.example:9200

Each week is one snapshot of 150,000 hits, turned into indicators by the real
``crawler.aggregate.aggregate`` from synthetic categories: 3 sites, 4 levels, 7 measures
(new/still/gone against the baseline and the previous week), ~200 localities, languages,
genders, age bands, reach. A write is ``begin_run`` + ``complete_run`` with the snapshot's
indicators (fingerprints are left out: they are another stage's volume). The weekly
county query is the weekly county report's own reading and protection of the numbers
(``crawler.report.weekly.build`` for Stockholms län and the latest week: three
snapshots of the county's scope and twelve weeks of its totals), without the HTML.
Without ``--elasticsearch`` a local noida-db server is started on
127.0.0.1 (tests/elasticsearch_server.py) and stopped at the end.
"""

from __future__ import annotations

import argparse
import dataclasses
import platform
import random
import secrets
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from crawler.aggregate import Unit, aggregate  # noqa: E402
from crawler.normalise import Profile  # noqa: E402
from crawler.normalise.geography import COUNTY_ISO_CODES as ALL_COUNTIES  # noqa: E402
from crawler.protection import Protection  # noqa: E402
from crawler.records import CELL_KEY_RANGE, SCOPE_ALL, Indicator, RunRecord  # noqa: E402
from crawler.report.lan import resolve  # noqa: E402
from crawler.report.weekly import build  # noqa: E402
from crawler.report.weeks import week_of  # noqa: E402
from crawler.store import open_store  # noqa: E402
from crawler.store.base import Store  # noqa: E402
from crawler.vocabulary import LEVELS  # noqa: E402

SITES = (("annonstavlan", "ad_board"), ("eskortkatalogen", "profile_site"),
         ("sockerdejt", "sugardating"))
HITS = 150_000
UNIQUE = 12_500  # 2020: 150,000 hits -> 12,474 unique ads/profiles
LANGUAGES = ("en", "sv", "unknown", "es", "ru", "pt", "ro", "th", "de", "fr", "pl", "it",
             "hu", "uk", "lt", "lv", "et", "bg", "zh", "ar")
GENDERS = ("woman", "man", "trans", "couple", "unknown")
AGE_BANDS = ("18-24", "25-29", "30-39", "40-49", "50+", "unknown")
LOCALITIES = ["Stockholm", "Göteborg", "Malmö", "Uppsala", "Västerås", "Örebro", "Linköping",
              "Helsingborg", "Jönköping", "Norrköping"] + [f"Ort {n:03d}" for n in range(190)]
COUNTIES = ["SE-AB", "SE-O", "SE-M", "SE-C", "SE-U", "SE-T", "SE-E", "SE-M", "SE-F", "SE-E"]
COUNTY = "Stockholms län"


def profile(rng: random.Random, site: str, kind: str) -> Profile:
    # Zipf-like spread over localities: Stockholm first, a long tail of small ones
    n = min(int(rng.paretovariate(0.9)) - 1, len(LOCALITIES) - 1)
    county = COUNTIES[n] if n < len(COUNTIES) else ALL_COUNTIES[n % len(ALL_COUNTIES)]
    languages = ("en",) if rng.random() < 0.6 else tuple(rng.sample(LANGUAGES, rng.randint(1, 2)))
    return Profile(site, kind, LOCALITIES[n], languages, rng.choice(GENDERS),
                   rng.choice(AGE_BANDS), kommun=f"{n:04d}", county=county)


def snapshot(week: int, seed: int = 7) -> list[Indicator]:
    rng = random.Random(seed * 1000 + week)
    units: list[Unit] = []
    weights = [1] * UNIQUE
    for _ in range(HITS - UNIQUE):  # reposts: 150,000 hits over 12,500 unique listings
        weights[rng.randrange(UNIQUE)] += 1
    compare = week > 0
    for k in range(UNIQUE):
        site, kind = SITES[k % len(SITES)]
        p = profile(rng, site, kind)
        base = rng.random() < 0.6 if compare else None
        prev = rng.random() < 0.2 if compare else None
        advertiser = rng.random() < 0.35
        # the listing's record key (crawler/record_keys.py); its hits sum their copies'
        key, hits = rng.randrange(CELL_KEY_RANGE), rng.randrange(CELL_KEY_RANGE)
        for scope in (site, SCOPE_ALL):
            units.append(Unit("hits", scope, p, weight=weights[k], record_key=hits))
            units.append(Unit("unique", scope, p, new_vs_baseline=base, new_vs_previous=prev,
                              record_key=key))
            if k % 10:  # near-duplicates merge one in ten
                units.append(Unit("distinct", scope, p, new_vs_baseline=base,
                                  new_vs_previous=prev, record_key=key))
            if advertiser:  # advertisers: about a third as many
                units.append(Unit("advertisers", scope, p, new_vs_baseline=base,
                                  new_vs_previous=prev, reach=rng.choice("1111234"),
                                  record_key=key))
    gone = {(level, f"gone_vs_{against}", scope): rng.randint(100, 2000)
            for level in LEVELS[1:] for against in ("baseline", "previous")
            for scope in [s for s, _ in SITES] + [SCOPE_ALL]} if compare else None
    gone_keys = {cell: rng.randrange(CELL_KEY_RANGE) for cell in gone} if gone else None
    return aggregate(f"w{week:02d}", taken_at(week), units, [s for s, _ in SITES], gone,
                     gone_keys=gone_keys)


def taken_at(week: int) -> str:
    return f"2026-{1 + week // 4:02d}-{1 + 7 * (week % 4):02d}T06:00:00+00:00"


def write(store: Store, week: int, indicators: list[Indicator]) -> float:
    run = RunRecord(f"w{week:02d}", taken_at(week), "running", "bench", "bench",
                    window_id="w", is_baseline=week == 0)
    started = time.perf_counter()
    store.begin_run(run)
    store.complete_run(dataclasses.replace(run, status="complete", finished_at=run.started_at),
                       indicators, [])
    return time.perf_counter() - started


def weekly_county_query(store: Store, latest: str, since: str) -> object:
    from datetime import datetime

    report = build(store, resolve(COUNTY), week_of(datetime.fromisoformat(taken_at_of(latest))),
                   Protection())
    return [(r.key, r.now.text, r.last_week.text if r.last_week else None)
            for rows in (report.headline, report.kommuner, report.orter, report.sites,
                         report.languages, report.genders, report.age_bands) for r in rows]


def taken_at_of(snapshot_id: str) -> str:
    return taken_at(int(snapshot_id[1:]))


def bench(name: str, url: str, snapshots: list[list[Indicator]], repeat: int) -> dict:
    store = open_store(url)
    writes = [write(store, week, rows) for week, rows in enumerate(snapshots)]
    latest, since = f"w{len(snapshots) - 1:02d}", taken_at(max(0, len(snapshots) - 12))
    weekly_county_query(store, latest, since)  # warm: first use sets up, caches fill
    times = []
    for _ in range(repeat):
        started = time.perf_counter()
        answer = weekly_county_query(store, latest, since)
        times.append(time.perf_counter() - started)
    started = time.perf_counter()
    everything = len(store.indicators(snapshot_id=latest))
    read_all = time.perf_counter() - started
    store.close()
    return {"name": name, "writes": writes, "query": times, "answer": answer,
            "read_all": read_all, "read_rows": everything}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--backend", choices=("sqlite", "elasticsearch"), action="append")
    parser.add_argument("--weeks", type=int, default=12)
    parser.add_argument("--repeat", type=int, default=20)
    parser.add_argument("--elasticsearch", metavar="URL",
                        help="a cluster (credentials in ADCENSUS_ES_*); default: local noida-db")
    args = parser.parse_args()
    backends = args.backend or ["sqlite", "elasticsearch"]

    started = time.perf_counter()
    snapshots = [snapshot(week) for week in range(args.weeks)]
    print(f"command: {' '.join([Path(sys.executable).name, *sys.argv])}")
    print(f"machine: {platform.machine()}, Python {platform.python_version()}, "
          f"{len(snapshots[-1]):,} indicators per 150,000-hit snapshot "
          f"({args.weeks} weekly snapshots, made in {time.perf_counter() - started:.1f} s); "
          f"weekly county report's query for {COUNTY}")

    results, server = [], None
    with tempfile.TemporaryDirectory() as tmp:
        for name in backends:
            if name == "sqlite":
                url = f"sqlite:///{tmp}/bench.sqlite"
            elif args.elasticsearch:
                url = args.elasticsearch
            else:
                from tests.elasticsearch_server import VERSION, LocalElasticsearch

                server = LocalElasticsearch(Path(tmp) / "noida").start()
                url, name = server.url, f"elasticsearch (local noida-db {VERSION})"
            if url.startswith(("elasticsearch", "http")):
                url += ("&" if "?" in url else "?") + f"index_prefix=bench-{secrets.token_hex(3)}"
            try:
                results.append(bench(name, url, snapshots, args.repeat))
            finally:
                if url.startswith(("elasticsearch", "http")):
                    _drop(url)
                if server:
                    server.stop()
                    server = None
    for r in results:
        w, q = r["writes"], r["query"]
        print(f"{r['name']}: write one snapshot median {statistics.median(w):.2f} s "
              f"(first {w[0]:.2f} s, max {max(w):.2f} s, {len(snapshots[-1]) / statistics.median(w):,.0f} "
              f"indicators/s); weekly county query median {statistics.median(q) * 1000:.1f} ms "
              f"(max {max(q) * 1000:.1f} ms, {args.repeat} runs); all {r['read_rows']:,} "
              f"indicators of one snapshot read in {r['read_all']:.2f} s")
    if len(results) > 1:
        same = all(r["answer"] == results[0]["answer"] for r in results[1:])
        print(f"same answers on every backend: {'yes' if same else 'NO'}")
        return 0 if same else 1
    return 0


def _drop(url: str) -> None:
    from elasticsearch import Elasticsearch

    from crawler.store import es_indices
    from crawler.store.es_connection import parse

    connection = parse(url)
    client = Elasticsearch(**connection.client_options())  # type: ignore[arg-type]
    es_indices.drop(client, connection.index_prefix)
    client.close()


if __name__ == "__main__":
    sys.exit(main())
