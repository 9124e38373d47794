"""What only the Elasticsearch store has: strict mappings behind versioned aliases, a write
that survives its server being killed, and credentials that never show."""

from __future__ import annotations

import json
import logging
import threading
import time
import traceback
from collections.abc import Iterator
from dataclasses import fields
from pathlib import Path

import pytest
from elasticsearch import BadRequestError, Elasticsearch

from crawler.records import Fingerprint, Indicator, RunRecord, SiteRun
from crawler.store import StoreError, es_indices
from crawler.store.base import STORED_AS
from crawler.store.elasticsearch import ElasticsearchStore
from tests.conftest import refused_port
from tests.elasticsearch_server import LocalElasticsearch
from tests.store_backends import ElasticsearchBackend

MAPPINGS = Path(__file__).resolve().parent.parent / "index_mappings"
T = "2026-11-01T06:00:00+00:00"


def run(status: str = "running", sid: str = "s1") -> RunRecord:
    return RunRecord(sid, T, status, "h", "0.1.0", "w1", is_baseline=True,
                     finished_at="" if status == "running" else T,
                     sites=(SiteRun("a", "ad_board", "ok", 5, 4, {"http_500": 2}),))


def indicators(n: int, sid: str = "s1") -> list[Indicator]:
    return [Indicator(sid, T, "a", "unique", "count", "locality", f"c{k:06d}", k % 97)
            for k in range(n)]


@pytest.fixture
def backend(elasticsearch_url: str) -> Iterator[ElasticsearchBackend]:
    chosen = ElasticsearchBackend(elasticsearch_url)
    yield chosen
    chosen.cleanup()


@pytest.fixture
def store(backend: ElasticsearchBackend) -> Iterator[ElasticsearchStore]:
    s = backend.open()
    assert isinstance(s, ElasticsearchStore)
    yield s
    s.close()


# -- the mappings, as files ---------------------------------------------------------------

RECORDS = {"indicators": Indicator, "runs": RunRecord, "fingerprints": Fingerprint}
# the fields each schema version added, newest last: an older mapping lacks them
ADDED = {("indicators", 2): {"cell_key"}}


def stored_names(record: type) -> set[str]:
    return {STORED_AS.get(f"{record.__name__}.{f.name}", f.name) for f in fields(record)}


@pytest.mark.parametrize("path", sorted(MAPPINGS.glob("*-v*.json")), ids=lambda p: p.stem)
def test_mappings_are_strict_and_hold_exactly_the_record_fields(path: Path) -> None:
    kind, version = path.stem.rsplit("-v", 1)
    template = json.loads(path.read_text())
    mappings = template["template"]["mappings"]
    assert mappings["dynamic"] == "strict"
    assert mappings["_meta"]["adcensus_schema"] == template["version"] == int(version)
    assert template["_meta"]["adcensus_schema"] == int(version)
    assert template["index_patterns"] == [f"adcensus-{path.stem}"]
    later = set().union(*(added for (k, v), added in ADDED.items()
                          if k == kind and v > int(version)))
    record = RECORDS[kind]
    assert set(mappings["properties"]) == stored_names(record) - later
    if record is RunRecord:
        assert set(mappings["properties"]["sites"]["properties"]) == stored_names(SiteRun)
    # no analysed text anywhere: every string is a keyword from a codebook, a name or a hash
    types = json.dumps(mappings)
    assert '"text"' not in types and "match_only_text" not in types


def test_the_current_version_of_each_kind_is_shipped() -> None:
    for kind, version in es_indices.SCHEMA_VERSIONS.items():
        assert (MAPPINGS / f"{kind}-v{version}.json").is_file()
        assert not (MAPPINGS / f"{kind}-v{version + 1}.json").exists()
    # a cell key lies in [0, 4096): a short holds it
    cell_key = es_indices.template("indicators")["template"]["mappings"]["properties"]["cell_key"]
    assert cell_key == {"type": "short"}


# -- on the server ----------------------------------------------------------------------

def test_indices_are_versioned_behind_aliases(backend: ElasticsearchBackend,
                                              store: ElasticsearchStore) -> None:
    store.begin_run(run())
    client = backend.client()
    # a new store gets each kind's current version directly: indicators v2, the others v1
    assert [es_indices.index_name(backend.prefix, k) for k in es_indices.KINDS] == [
        f"{backend.prefix}-indicators-v2", f"{backend.prefix}-runs-v1",
        f"{backend.prefix}-fingerprints-v1"]
    for kind in es_indices.KINDS:
        current = es_indices.index_name(backend.prefix, kind)
        assert list(client.indices.get_alias(name=f"{backend.prefix}-{kind}")) == [current]
        shipped = es_indices.template(kind)["template"]["mappings"]
        [live] = client.indices.get_mapping(index=f"{backend.prefix}-{kind}").values()
        assert live["mappings"]["dynamic"] == "strict"
        assert live["mappings"]["_meta"]["adcensus_schema"] == es_indices.current(kind)
        assert set(live["mappings"]["properties"]) == set(shipped["properties"])
        assert client.indices.exists_index_template(name=current)
    assert not client.indices.exists(index=f"{backend.prefix}-indicators-v1")
    client.close()


def test_an_unmapped_field_is_rejected_with_a_clear_error(backend: ElasticsearchBackend,
                                                          store: ElasticsearchStore) -> None:
    store.begin_run(run())
    client = backend.client()
    with pytest.raises(BadRequestError) as raw:
        client.index(index=f"{backend.prefix}-indicators",
                     document={"snapshot_id": "s1", "value": 1, "text": "an ad's text"})
    assert raw.value.error == "strict_dynamic_mapping_exception"
    with pytest.raises(BadRequestError, match=r"phone.*within \[sites\]"):
        client.index(index=f"{backend.prefix}-runs",
                     document={"snapshot_id": "s9", "sites": [{"site": "a", "phone": "x"}]})
    client.close()
    # and through the store's own write path, which names index, field and cause
    with pytest.raises(StoreError) as refused:
        store._bulk("indicators", [("x1", {"snapshot_id": "s1", "value": 1}),
                                   ("x2", {"snapshot_id": "s1", "text": "an ad's text"})])
    message = str(refused.value)
    assert "refused 1 of 2 document(s)" in message
    assert "strict_dynamic_mapping_exception" in message and "[text]" in message


def test_a_document_the_server_refuses_leaves_nothing(backend: ElasticsearchBackend,
                                                      store: ElasticsearchStore) -> None:
    store.begin_run(run())
    not_a_time = Indicator("s1", "last tuesday", "a", "unique", "count", "total", "total", 1)
    with pytest.raises(StoreError, match="refused 1 of 2"):
        store.complete_run(run("complete"), [indicators(1)[0], not_a_time], [])
    assert backend.count("indicators") == 0 and store.indicators() == []
    assert store.runs()[0].status == "running"


def test_a_write_cut_off_before_completion_shows_nothing_and_is_cleaned_up(
        backend: ElasticsearchBackend, store: ElasticsearchStore) -> None:
    from crawler.store import es_documents as docs

    store.begin_run(run())
    # what a process that died after its bulk write, before its run record, left behind
    store._bulk("indicators", ((docs.indicator_id(i), docs.indicator_doc(i))
                               for i in indicators(50)))
    assert backend.count("indicators") == 50
    assert store.indicators() == [] and store.series("a", "unique", "count", "locality",
                                                     "c000001") == []
    assert store.fail_interrupted_runs("interrupted", T) == ["s1"]
    assert backend.count("indicators") == 0


def test_an_index_of_another_schema_version_is_not_written(backend: ElasticsearchBackend) -> None:
    client = backend.client()
    client.indices.create(index=f"{backend.prefix}-runs-v0",
                          mappings={"dynamic": "strict", "_meta": {"adcensus_schema": 0},
                                    "properties": {"snapshot_id": {"type": "keyword"}}},
                          aliases={f"{backend.prefix}-runs": {}})
    store = backend.open()
    with pytest.raises(StoreError, match=r"schema version 0.*`adcensus store migrate`"):
        store.begin_run(run())
    store.close()
    client.indices.delete(index=f"{backend.prefix}-runs-v0")
    client.close()


def test_an_index_of_a_newer_schema_version_is_refused(backend: ElasticsearchBackend) -> None:
    client = backend.client()
    client.indices.create(index=f"{backend.prefix}-fingerprints-v7",
                          mappings={"dynamic": "strict", "_meta": {"adcensus_schema": 7},
                                    "properties": {"snapshot_id": {"type": "keyword"}}},
                          aliases={f"{backend.prefix}-fingerprints": {"is_write_index": True}})
    store = backend.open()
    with pytest.raises(StoreError, match="schema version 7, newer than this code's 1.*upgrade"):
        store.indicators()  # reads are refused too: nothing is guessed
    store.close()
    client.indices.delete(index=f"{backend.prefix}-fingerprints-v7")
    client.close()


def test_server_killed_mid_write_then_retried_counts_exactly(
        local_elasticsearch: LocalElasticsearch) -> None:
    server = local_elasticsearch
    url = f"{server.url}?index_prefix=adcensus-fault"
    rows = indicators(20_000)
    prints = [Fingerprint("w1", "s1", "listing", "a", f"{k:064x}") for k in range(2_000)]
    store = ElasticsearchStore(url, chunk_size=200, max_retries=1, request_timeout=5)
    store.begin_run(run())

    watcher = Elasticsearch(server.url)
    seen_at_kill: list[int] = []

    def kill_mid_write() -> None:
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            # the local server counts without a refresh, so this follows the bulk write
            written = watcher.count(index="adcensus-fault-indicators")["count"]
            if written >= 2_000:
                seen_at_kill.append(written)
                server.kill()
                return
            time.sleep(0.002)

    killer = threading.Thread(target=kill_mid_write)
    killer.start()
    with pytest.raises(StoreError, match="bulk write to adcensus-fault-indicators failed"):
        store.complete_run(run("complete"), rows, prints)
    killer.join()
    watcher.close()
    store.close()
    assert 2_000 <= seen_at_kill[0] < len(rows), "the kill must land mid-write"

    server.start()  # same port, same data directory
    reopened = ElasticsearchStore(url)
    assert reopened.indicators() == [] and reopened.fingerprints("s1") == []
    assert [r.status for r in reopened.runs()] == ["running"]
    reopened.complete_run(run("complete"), rows, prints)  # the retry

    visible = reopened.indicators()
    assert len(visible) == len(rows) and sum(i.value for i in visible) == sum(
        i.value for i in rows)
    assert len(reopened.fingerprints("s1")) == len(prints)
    client = Elasticsearch(server.url)
    assert client.count(index="adcensus-fault-indicators")["count"] == len(rows)
    assert client.count(index="adcensus-fault-fingerprints")["count"] == len(prints)
    client.close()
    reopened.close()


# -- credentials --------------------------------------------------------------------------

API_KEY = "c2VjcmV0LWFwaS1rZXktZm9yLXRlc3Rz"
PASSWORD = "pa55-w0rd-that-must-not-show"


def test_repr_and_errors_never_show_the_api_key() -> None:
    store = ElasticsearchStore(f"elasticsearch://127.0.0.1:{refused_port()}",
                               env={"ADCENSUS_ES_API_KEY": API_KEY}, max_retries=0,
                               request_timeout=2)
    assert API_KEY not in repr(store) and API_KEY not in str(store)
    assert "api_key" in repr(store)
    with pytest.raises(StoreError) as failed:
        store.runs()
    shown = "".join(traceback.format_exception(failed.value)) + repr(failed.value)
    assert "127.0.0.1" in shown and API_KEY not in shown


def test_password_in_url_never_shows(elasticsearch_url: str,
                                     caplog: pytest.LogCaptureFixture) -> None:
    if "://" not in elasticsearch_url or "@" in elasticsearch_url:
        pytest.skip("the test puts its own user information in the URL")
    scheme, rest = elasticsearch_url.split("://", 1)
    if scheme not in ("http", "elasticsearch"):
        pytest.skip("a real cluster would refuse the made-up user")
    url = f"elasticsearch://tester:{PASSWORD}@{rest}"
    url += ("&" if "?" in url else "?") + "index_prefix=adcensus-secret"
    caplog.set_level(logging.DEBUG)
    store = ElasticsearchStore(url, env={})
    assert PASSWORD not in repr(store) and "tester" not in repr(store)
    store.begin_run(run())  # the local server takes any user: real requests are logged
    store.complete_run(run("complete"), indicators(10), [])
    assert len(store.indicators()) == 10
    assert caplog.records, "the client logs its requests at DEBUG/INFO"
    import base64

    basic = base64.b64encode(f"tester:{PASSWORD}".encode()).decode()
    assert PASSWORD not in caplog.text and basic not in caplog.text
    es_indices.drop(store._client, "adcensus-secret")
    store.close()


