"""The canary test (docs/PRIVACY.md, the privacy model's item 5): unique strings planted in every
content field of the demo market never appear in any sink.

Real parts only: the demo market with canaries on 127.0.0.1, two snapshots through the
real snapshot subprocess with DEBUG logging, the browser sites rendered by a real
Chromium, and a site that cannot be reached. Then every file under the data directory
(the SQLite store, the keys, the captured stdout and stderr of both processes), the
HOME the processes were given, the memory-backed directories and whatever appeared in
the system temporary directory during the run is searched for every canary, raw and in
the common encodings; with the Elasticsearch store, every document of every index too.
With SQLite, every county's report and every under-18 alert is then e-mailed to a real
SMTP server on 127.0.0.1, and everything it received is searched too, raw and part by
part decoded.
"""

from __future__ import annotations

import base64
import binascii
import os
import re
import shutil
import sqlite3
import subprocess
import sys
import tempfile
import threading
import time
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import unquote_to_bytes

import pytest
import yaml

from crawler.audit import run_audit
from crawler.config import CrawlSection, load_config
from crawler.demo_market.market import Market
from crawler.demo_market.server import MarketServer
from crawler.sites import load_sites
from crawler.store import open_store
from tests.canaries import MARKER, Canaries, planted_market
from tests.conftest import SITES, refused_port, write_config

pytestmark = [pytest.mark.slow, pytest.mark.browser]

LISTINGS = 150
SHIPPED_SITES = sorted(s.name for s in load_sites(SITES))
MEMORY_DIRS = (Path("/dev/shm"), Path("/run/shm"))
BIG = 200 << 20  # files larger than this outside our own directories are not read


# -- searching ------------------------------------------------------------------------------

@dataclass(frozen=True)
class Hit:
    where: str
    encoding: str
    canary: str


class CanarySearch:
    """Every canary, raw and URL-encoded, base64, hex, UTF-16 (LE and BE).

    Rather than encode each of thousands of canaries (base64 depends on alignment), each
    file is decoded every way and the decoded bytes are searched for the marker that all
    canaries but phone numbers share, and for the phone numbers' digits however written."""

    def __init__(self, canaries: Canaries) -> None:
        self.tokens = canaries.tokens
        self.phones = canaries.phone_digits()
        assert all(MARKER in t for t in self.tokens)
        self.digit_lengths = sorted({len(p) for p in self.phones})

    def views(self, data: bytes) -> Iterator[tuple[str, bytes]]:
        yield "raw", data
        yield "url-encoded", unquote_to_bytes(data.replace(b"+", b" "))
        for name, codec in (("utf-16-le", "utf-16-le"), ("utf-16-be", "utf-16-be")):
            for shift in (0, 1):
                yield name, data[shift:].decode(codec, "ignore").encode("utf-8", "ignore")
        hexed = []
        for run in re.finditer(rb"[0-9a-fA-F]{14,}", data):
            text = run.group()
            for shift in (0, 1):
                chunk = text[shift:]
                hexed.append(binascii.unhexlify(chunk[: len(chunk) // 2 * 2]))
        yield "hex", b"\n".join(hexed)
        decoded = []
        for run in re.finditer(rb"[A-Za-z0-9+/_-]{12,}", data):
            text = run.group().replace(b"-", b"+").replace(b"_", b"/")
            for shift in range(4):
                chunk = text[shift:]
                chunk = chunk[: len(chunk) // 4 * 4]
                try:
                    decoded.append(base64.b64decode(chunk))
                except (binascii.Error, ValueError):
                    pass
        yield "base64", b"\n".join(decoded)

    def search(self, data: bytes, where: str) -> list[Hit]:
        hits: list[Hit] = []
        marker = MARKER.encode()
        for encoding, view in self.views(data):
            lowered = view.lower()
            start = lowered.find(marker)
            while start != -1:
                token = lowered[start:start + len(marker) + 10].decode("ascii", "replace")
                hits.append(Hit(where, encoding, token if token in self.tokens else
                                f"{token} (marker)"))
                start = lowered.find(marker, start + 1)
            for run in re.finditer(rb"\+?\d(?:[ \t\-./()]?\d){7,}", view):
                digits = re.sub(rb"\D", b"", run.group()).decode()
                for n in self.digit_lengths:
                    for i in range(len(digits) - n + 1):
                        if digits[i:i + n] in self.phones:
                            hits.append(Hit(where, encoding, f"phone ...{digits[i:i + n]}"))
        return hits

    def search_tree(self, root: Path, limit: int | None = None,
                    since: float | None = None) -> list[Hit]:
        """``since``: only files modified then or later (what a run can have written)."""
        hits: list[Hit] = []
        for path in files_under(root):
            try:
                stat = path.stat()
                if limit is not None and stat.st_size > limit:
                    continue
                if since is not None and stat.st_mtime < since:
                    continue
                data = path.read_bytes()
            except (FileNotFoundError, PermissionError, IsADirectoryError, OSError):
                continue  # gone meanwhile, or a socket/fifo: nothing to read
            hits += self.search(data, str(path))
        return hits


def files_under(root: Path) -> Iterator[Path]:
    if root.is_file():
        yield root
        return
    for directory, _dirs, files in os.walk(root, followlinks=False):
        for name in files:
            path = Path(directory) / name
            if path.is_file() and not path.is_symlink():
                yield path


def test_the_search_finds_every_encoding() -> None:
    _, canaries = planted_market(seed=5, listings=20)
    search = CanarySearch(canaries)
    token = sorted(canaries.by_field["email"])[0]
    email = f"{token}@example.org"
    phone = sorted(canaries.phones)[0]
    for data in (email.encode(), email.encode("utf-16-le"), email.encode("utf-16-be"),
                 b"x" + base64.b64encode(b"ab" + email.encode()) + b"y",
                 base64.urlsafe_b64encode(email.encode()), email.encode().hex().encode(),
                 email.encode().hex().upper().encode(),
                 b"mailto:" + email.replace("@", "%40").encode(), phone.encode(),
                 phone.replace(" ", "%20").encode(), phone.encode("utf-16-le"),
                 base64.b64encode(phone.encode())):
        assert search.search(data, "x"), data
    assert not search.search(b"nothing here 2026-11-24 10:00:00 +46 8 123 45 67", "x")


# -- running --------------------------------------------------------------------------------



def canary_config(base: Path, market: Market, market_url: str, store: str | None = None) -> Path:
    """The shipped sites, plus two that fail: "borta" cannot be reached, and "trasig"
    takes an ad's contact link (mailto:, with a canary) for a listing link, so the spider
    raises with the e-mail address in the exception's message."""
    data = base / "data"
    data.mkdir()
    sites = base / "sites"
    shutil.copytree(SITES, sites)
    unreachable = yaml.safe_load((SITES / "annonstavlan.yaml").read_text())
    unreachable["name"] = "borta"
    unreachable["start_urls"] = [f"http://127.0.0.1:{refused_port()}/"]
    (sites / "borta.yaml").write_text(yaml.safe_dump(unreachable))
    broken = yaml.safe_load((SITES / "annonstavlan.yaml").read_text())
    hit = next(h for h in market.live_hits("annonstavlan")
               if market.posting(h.listing_id).email and market.posting(h.listing_id).phone)
    broken["name"] = "trasig"
    broken["start_urls"] = [f"/sites/annonstavlan/annons/{hit.hit_id}"]
    broken["list_page"] = {"items": "article.annons", "link": "a::attr(href)"}
    (sites / "trasig.yaml").write_text(yaml.safe_dump(broken))
    crawl: dict[str, object] = {"log_level": "DEBUG", "browser_executable": "/usr/bin/chromium",
                                "retry_backoff_s": 0,
                                # recycled contexts and a restarted browser keep to the
                                # same memory-only directories as the first
                                "browser_pages_per_context": 10, "browser_restart_pages": 25}
    if "memory_limit_mb" in CrawlSection.model_fields:
        # a shared test machine: the canaries are the point here, not the memory budget
        crawl["memory_limit_mb"] = 0
    config = write_config(data, market_url, **crawl)
    loaded = yaml.safe_load(config.read_text())
    loaded["sites"]["dir"] = str(sites)
    if store is not None:
        loaded["store"] = store
    config.write_text(yaml.safe_dump(loaded))
    return config


class TempWatch:
    """Which temporary directories a snapshot process and its children (Playwright's
    driver, Chromium) used: read from their environment (TMPDIR) while they run."""

    def __init__(self, pid: int) -> None:
        self.pid = pid
        self.dirs: set[Path] = set()
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._watch, daemon=True)
        self._thread.start()

    def _watch(self) -> None:
        while not self._stop.is_set():
            for pid in [self.pid, *descendants(self.pid)]:
                try:
                    environ = Path(f"/proc/{pid}/environ").read_bytes().split(b"\0")
                except OSError:
                    continue
                for entry in environ:
                    if entry.startswith(b"TMPDIR="):
                        tmp = Path(entry[7:].decode())
                        if any(tmp.is_relative_to(m) for m in MEMORY_DIRS) or \
                                tmp.name.startswith("adcensus-"):
                            self.dirs.add(tmp)
            self._stop.wait(0.05)

    def stop(self) -> set[Path]:
        self._stop.set()
        self._thread.join()
        return self.dirs


def descendants(pid: int) -> list[int]:
    children: dict[int, list[int]] = {}
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        children.setdefault(int(fields[1]), []).append(int(stat.parent.name))
    out, todo = [], [pid]
    while todo:
        for child in children.get(todo.pop(), []):
            out.append(child)
            todo.append(child)
    return out


def take_snapshot(config: Path, log: Path, home: Path) -> tuple[int, set[Path]]:
    """The snapshot subprocess as `adcensus snapshot` starts it (run_snapshot), with its
    stdout and stderr in a file under the data directory and a HOME of its own."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("XDG_")}
    env.update(HOME=str(home), XDG_CONFIG_HOME=str(home / ".config"),
               XDG_CACHE_HOME=str(home / ".cache"), XDG_DATA_HOME=str(home / ".local/share"))
    log.parent.mkdir(parents=True, exist_ok=True)
    with log.open("ab") as out:
        process = subprocess.Popen(
            [sys.executable, "-m", "scheduler.snapshot_process", "--config", str(config)],
            stdout=out, stderr=subprocess.STDOUT, env=env)
        watch = TempWatch(process.pid)
        status = process.wait(timeout=900)
    return status, watch.stop()


@dataclass
class Run:
    market: Market
    canaries: Canaries
    config: Path
    data: Path
    home: Path
    temp_dirs: set[Path]
    started: float


def run_two_snapshots(tmp_path: Path, store: str | None = None) -> Run:
    market, canaries = planted_market(seed=11, listings=LISTINGS)
    home = tmp_path / "home"
    home.mkdir()
    started = time.time()
    temp_dirs: set[Path] = set()
    with MarketServer(market) as server:
        config = canary_config(tmp_path, market, server.url, store)
        # the pages really carry the canaries (so the search below could find them)
        page = urllib.request.urlopen(f"{server.url}/sites/annonstavlan/").read()
        assert CanarySearch(canaries).search(page, "the market")
        # and so do a JSON API's batches and a profile page's JSON-LD and microdata
        batch = urllib.request.urlopen(
            f"{server.url}/sites/kontaktnavet/api/v2/annonser?limit=50").read()
        profile = market.live_hits("profilarkivet")[0].hit_id
        described = urllib.request.urlopen(
            f"{server.url}/sites/profilarkivet/profile/{profile}").read()
        for body in (batch, described):
            assert CanarySearch(canaries).search(body, "the market")
        data = config.parent
        for n in (1, 2):
            status, used = take_snapshot(config, data / "logs" / f"snapshot-{n}.log", home)
            temp_dirs |= used
            log = (data / "logs" / f"snapshot-{n}.log").read_text(errors="replace")
            assert status == 3, f"snapshot {n} should be partial (borta fails):\n{log[-3000:]}"
            market.advance(7)
    return Run(market, canaries, config, data, home, temp_dirs, started)


def check_the_run(run: Run) -> None:
    """What the run did: both snapshots counted every shipped site, the browser ones too."""
    loaded = load_config(run.config)
    with open_store(loaded.store_url) as store:
        runs = store.runs()
        assert [r.status for r in runs] == ["partial", "partial"]
        for record in runs:
            sites = {s.site: s for s in record.sites}
            assert sites["borta"].health == "failed"
            for name in SHIPPED_SITES:
                assert sites[name].health == "ok" and sites[name].items > 0, sites[name]
        assert store.fingerprints(runs[-1].snapshot_id)
        # the similarity fingerprints (keyed band digests of the planted texts too) were
        # written, so the search of the store below covers them; the second snapshot
        # compared with them (its flows are stated, zero or not)
        similar = store.fingerprints(runs[-1].snapshot_id, subject="similarity")
        assert similar and all(len(f.group) == 64 for f in similar)
        assert store.indicators(snapshot_id=runs[-1].snapshot_id, scope="all",
                                measure="reposted_vs_previous", breakdown="total")
    log = (run.data / "logs" / "snapshot-1.log").read_text(errors="replace")
    assert "DEBUG" in log and "Crawled (200)" in log, "DEBUG logging was on"
    assert "Missing scheme in request url: mailto:" in log, "the spider raised on trasig"
    assert re.search(r"browser of profilkatalogen: .*browser_restarts=[1-9]", log), \
        "contexts were recycled and the browser restarted"
    assert "Traceback (most recent call last)" in log
    assert run.temp_dirs, "the snapshot's temporary directory was seen"


def sinks(run: Run, search: CanarySearch) -> list[Hit]:
    hits = search.search_tree(run.data)  # store, keys, config, logs, lock files
    # the processes' HOME: Chromium once wrote a crash database and a cache there
    assert list(files_under(run.home)) == [], "the snapshot wrote into HOME"
    for directory in run.temp_dirs:
        assert not directory.exists(), f"{directory} was left behind"
    for memory in MEMORY_DIRS:
        if memory.is_dir():
            hits += search.search_tree(memory, limit=BIG)
    temp = Path(tempfile.gettempdir())
    for entry in temp.iterdir():
        try:
            fresh = entry.lstat().st_mtime >= run.started - 1
        except FileNotFoundError:
            continue
        if fresh and not entry.name.startswith("pytest-of-") and not entry.is_symlink():
            # a directory changed during the run may hold older files (a checkout under
            # /tmp, whose sources and word lists name the canaries' markers): only files
            # the run could have written are searched
            hits += search.search_tree(entry, limit=BIG, since=run.started - 1)
    return hits


def store_rows(path: Path, search: CanarySearch) -> list[Hit]:
    db = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    hits = []
    for (table,) in db.execute("SELECT name FROM sqlite_master WHERE type='table'"):
        for row in db.execute(f'SELECT * FROM "{table}"'):
            hits += search.search(repr(row).encode(), f"{path}:{table}")
    db.close()
    return hits


def delivered(run: Run, search: CanarySearch) -> list[Hit]:
    """Every län's report (HTML and PDF) and national overview of the second snapshot's
    week, and the alerts of both snapshots, sent by the delivery to a real SMTP server;
    what it received is searched."""
    from datetime import datetime

    from crawler.delivery.send import deliver_due, queue_alerts, queue_reports
    from crawler.protection import protection_for
    from crawler.report.lan import COUNTIES
    from crawler.report.weeks import week_of
    from crawler.report.writer import write_reports
    from tests.smtp_server import smtp_server

    with smtp_server() as server:
        data = yaml.safe_load(run.config.read_text())
        data["delivery"] = {
            "enabled": True, "sender": "adcensus@region.example.se",
            "smtp": {"host": "127.0.0.1", "port": server.port, "security": "none"},
            "lan": {c.iso: [f"lan{c.code}@region.example.se"] for c in COUNTIES},
            "national": ["nationell@myndighet.example.se"]}
        run.config.write_text(yaml.safe_dump(data))
        loaded = load_config(run.config)
        with open_store(loaded.store_url) as store:
            runs = store.runs()
            week = week_of(datetime.fromisoformat(runs[-1].started_at))
            write_reports(store, list(COUNTIES), week, protection_for(loaded),
                          loaded.reports_dir, "/usr/bin/chromium")
        now = datetime.fromisoformat(runs[-1].started_at)
        queue_reports(loaded, week, now)
        for record in runs:
            queue_alerts(loaded, record.snapshot_id, now)
        tried = deliver_due(loaded, lambda: now)
        assert tried and all(d.state == "sent" for d in tried), tried
        received = server.received
    assert len(received) == len(tried) >= 22, "every län and the national overview"
    assert any(r.message.get_content_type() == "multipart/mixed" for r in received)
    hits: list[Hit] = []
    for n, got in enumerate(received):
        where = f"e-mail {n} ({got.message['Subject']})"
        hits += search.search(got.raw, where)
        for part in got.message.walk():
            payload = part.get_payload(decode=True)
            if isinstance(payload, bytes):
                hits += search.search(payload, f"{where}, part {part.get_content_type()}")
    return hits


def assert_no_hits(hits: list[Hit]) -> None:
    assert not hits, "canaries found:\n" + "\n".join(
        f"  {h.where} [{h.encoding}]: {h.canary}" for h in hits[:40])


# -- the tests ------------------------------------------------------------------------------

def test_no_canary_reaches_any_sink_with_sqlite(tmp_path: Path) -> None:
    run = run_two_snapshots(tmp_path)
    check_the_run(run)
    search = CanarySearch(run.canaries)
    # the search works on this run's own material: the market serves the canaries
    assert len(search.tokens) > 1000 and len(search.phones) > 50
    hits = delivered(run, search)  # first: the reports it writes are searched as files too
    hits += sinks(run, search)
    hits += store_rows(run.data / "store.sqlite", search)
    hits += discovered(run, search)
    assert_no_hits(hits)

    report = run_audit(load_config(run.config), temp_roots=[tmp_path / "no-such-dir"])
    assert report.passed, report.render()


def discovered(run: Run, search: CanarySearch) -> list[Hit]:
    """`adcensus discover` after the two snapshots: the domains many link to are there,
    the one listing's own page (a canary domain, tests/canaries.py) nowhere."""
    import contextlib
    import io

    from crawler.cli import main
    from crawler.demo_market.elsewhere import SUPPORT

    assert len(run.canaries.by_field["website"]) == 1, "one listing links to its own page"
    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        assert main(["discover", "--all", "--config", str(run.config)]) == 0
    assert SUPPORT in out.getvalue(), "discovery ran and named the footer's domain"
    return search.search(out.getvalue().encode(), "adcensus discover")


def test_no_canary_reaches_any_sink_with_elasticsearch(
        tmp_path: Path, elasticsearch_url: str, tmp_path_factory: pytest.TempPathFactory) -> None:
    from elasticsearch import Elasticsearch, helpers

    from crawler.store import es_indices
    from crawler.store.es_connection import parse
    from tests.store_backends import ElasticsearchBackend

    backend = ElasticsearchBackend(elasticsearch_url)
    try:
        run = run_two_snapshots(tmp_path, store=backend.url)
        check_the_run(run)
        search = CanarySearch(run.canaries)
        hits = sinks(run, search)

        # every document of every index of this store, dumped with a scroll
        client = Elasticsearch(**parse(backend.url).client_options())  # type: ignore[arg-type]
        indices = sorted(client.indices.get(index=f"{backend.prefix}-*"))
        assert indices == sorted(es_indices.index_name(backend.prefix, k) for k in es_indices.KINDS)
        documents = []
        for index in indices:
            client.indices.refresh(index=index)
            documents += [repr(hit) for hit in helpers.scan(
                client, index=index, query={"query": {"match_all": {}}})]
            mapping = client.indices.get_mapping(index=index)
            hits += search.search(repr(mapping).encode(), f"{index} mapping")
        client.close()
        assert len(documents) > 100
        hits += search.search("\n".join(documents).encode(), "Elasticsearch documents")
        # and, with the local server, its files on disk (segments, translog)
        if not os.environ.get("ADCENSUS_TEST_ELASTICSEARCH_URL"):
            for data_dir in tmp_path_factory.getbasetemp().glob("noida*"):
                hits += search.search_tree(data_dir)
        assert_no_hits(hits)

        report = run_audit(load_config(run.config), temp_roots=[tmp_path / "no-such-dir"])
        assert report.passed, report.render()
        assert {c.record for c in report.inventory} == {"Indicator", "RunRecord", "Fingerprint"}
    finally:
        backend.cleanup()
