"""Migrating a store written before cell keys: ``crawler.store.migrate.migrate`` on both
backends and the ``adcensus store migrate`` command. The old stores are built here as
the schema-1 code wrote them: SQLite from the old CREATE TABLE statements
(tests/test_store_sqlite.py), Elasticsearch from the shipped v1 templates."""

from __future__ import annotations

import argparse
import sqlite3
from collections.abc import Iterator
from pathlib import Path

import pytest
import yaml
from elasticsearch import ApiError, helpers

from crawler.commands import EXIT_USAGE
from crawler.commands import store as store_command
from crawler.records import Fingerprint, Indicator, RunRecord, SiteRun
from crawler.store import StoreError, es_indices
from crawler.store import es_documents as docs
from crawler.store.migrate import Leftover, migrate
from tests.conftest import write_config
from tests.store_backends import ElasticsearchBackend
from tests.test_store_sqlite import OLD_INDICATORS, dump, old_store

T1 = "2026-11-01T06:00:00+00:00"
T2 = "2026-11-08T06:00:00+00:00"
T3 = "2026-11-15T06:00:00+00:00"


def run(sid: str, taken_at: str, status: str = "complete") -> RunRecord:
    return RunRecord(sid, taken_at, status, "h", "0.1.0", "w1", is_baseline=sid == "s1",
                     finished_at="" if status == "running" else taken_at,
                     sites=(SiteRun("a", "ad_board", "ok", 5, 4, {"http_500": 2}),))


def old_indicators(sid: str, taken_at: str, n: int) -> list[Indicator]:
    return [Indicator(sid, taken_at, "a", "unique", "count", "locality", f"c{k:05d}", k % 89,
                      comparable=k % 7 != 0) for k in range(n)]


def by_key(indicators: list[Indicator]) -> dict[tuple[str, str], Indicator]:
    return {(i.snapshot_id, i.category): i for i in indicators}


# -- Elasticsearch --------------------------------------------------------------------------

@pytest.fixture
def backend(elasticsearch_url: str) -> Iterator[ElasticsearchBackend]:
    chosen = ElasticsearchBackend(elasticsearch_url)
    yield chosen
    chosen.cleanup()  # every version's indices and templates


def v1_store(backend: ElasticsearchBackend) -> list[Indicator]:
    """Indices, templates and documents as the schema-1 code made them: two complete
    snapshots (more indicators than one _reindex batch) and their fingerprints."""
    client = backend.client()
    for kind in es_indices.KINDS:
        es_indices.put_template(client, backend.prefix, kind, 1)
        client.indices.create(index=es_indices.index_name(backend.prefix, kind, 1),
                              aliases={es_indices.alias(backend.prefix, kind):
                                       {"is_write_index": True}})
    written = old_indicators("s1", T1, 700) + old_indicators("s2", T2, 650)
    actions = []
    for i in written:
        actions.append({"_index": f"{backend.prefix}-indicators", "_id": docs.indicator_id(i),
                        "_source": v1_doc(i)})
    for sid, taken_at in (("s1", T1), ("s2", T2)):
        actions.append({"_index": f"{backend.prefix}-runs", "_id": sid,
                        "_source": docs.run_doc(run(sid, taken_at))})
        f = Fingerprint("w1", sid, "listing", "a", sid[-1] * 64)
        actions.append({"_index": f"{backend.prefix}-fingerprints", "_id": docs.fingerprint_id(f),
                        "_source": docs.fingerprint_doc(f)})
    helpers.bulk(client, actions, refresh=True)
    client.close()
    return written


def v1_doc(i: Indicator) -> dict[str, object]:
    # the schema-1 code wrote no cell_key field at all
    return {k: v for k, v in docs.indicator_doc(i).items() if k != "cell_key"}


def ids(backend: ElasticsearchBackend, index: str) -> set[str]:
    client = backend.client()
    found = {hit["_id"] for hit in helpers.scan(client, index=index,
                                                query={"query": {"match_all": {}}})}
    client.close()
    return found


def alias_targets(backend: ElasticsearchBackend, kind: str) -> list[str]:
    client = backend.client()
    found = sorted(client.indices.get_alias(name=f"{backend.prefix}-{kind}"))
    client.close()
    return found


def test_the_store_refuses_an_old_index_and_names_the_command(
        backend: ElasticsearchBackend) -> None:
    v1_store(backend)
    store = backend.open()
    with pytest.raises(StoreError, match=r"indicators-v1 .* schema version 1, this code needs 2"
                                         r".*`adcensus store migrate`"):
        store.begin_run(run("s3", T3, "running"))
    store.close()
    assert alias_targets(backend, "indicators") == [f"{backend.prefix}-indicators-v1"]


def test_a_dry_run_says_what_it_would_copy_and_changes_nothing(
        backend: ElasticsearchBackend) -> None:
    written = v1_store(backend)
    found = migrate(backend.url, dry_run=True)
    [step] = found.steps
    assert (step.kind, step.source, step.target, step.from_version, step.to_version,
            step.records, step.done) == (
        "indicators", f"{backend.prefix}-indicators-v1", f"{backend.prefix}-indicators-v2",
        1, 2, len(written), False)
    assert "cell_key" in step.change and not found.changed
    assert [c.split(":")[0] for c in found.current] == ["runs", "fingerprints"]
    client = backend.client()
    assert not client.indices.exists(index=f"{backend.prefix}-indicators-v2")
    settings = client.indices.get_settings(index=f"{backend.prefix}-indicators-v1")
    assert "blocks" not in next(iter(settings.values()))["settings"]["index"]
    client.close()
    assert alias_targets(backend, "indicators") == [f"{backend.prefix}-indicators-v1"]


def test_a_migration_copies_swaps_the_alias_and_keeps_v1(backend: ElasticsearchBackend) -> None:
    written = v1_store(backend)
    v1, v2 = f"{backend.prefix}-indicators-v1", f"{backend.prefix}-indicators-v2"
    found = migrate(backend.url)
    [step] = found.steps
    assert (step.kind, step.source, step.target, step.records, step.done) == (
        "indicators", v1, v2, len(written), True)
    assert found.changed and found.leftovers == [Leftover(v1, v1, len(written))]
    assert alias_targets(backend, "indicators") == [v2]
    # runs and fingerprints keep their version and index
    assert alias_targets(backend, "runs") == [f"{backend.prefix}-runs-v1"]
    assert alias_targets(backend, "fingerprints") == [f"{backend.prefix}-fingerprints-v1"]
    # every document copied under its own id; v1 is still there, whole and read-only
    assert ids(backend, v2) == ids(backend, v1) == {docs.indicator_id(i) for i in written}
    client = backend.client()
    [mapping] = client.indices.get_mapping(index=v2).values()
    assert mapping["mappings"]["_meta"]["adcensus_schema"] == 2
    assert mapping["mappings"]["properties"]["cell_key"] == {"type": "short"}
    with pytest.raises(ApiError, match="cluster_block_exception"):
        client.index(index=v1, document=v1_doc(old_indicators("s9", T3, 1)[0]))
    client.close()

    store = backend.open()
    # the old indicators read back as they were written, without cell keys
    assert by_key(store.indicators()) == by_key(written)
    assert all(i.cell_key is None for i in store.indicators())
    assert [r.snapshot_id for r in store.runs()] == ["s1", "s2"]
    assert [f.digest for f in store.fingerprints("s2")] == ["2" * 64]
    # and new snapshots store their cell keys
    new = [Indicator("s3", T3, "a", "unique", "count", "total", "total", 77, cell_key=4095),
           Indicator("s3", T3, "a", "unique", "count", "locality", "c00001", 3, cell_key=0),
           Indicator("s3", T3, "a", "unique", "count", "locality", "c00002", 4)]
    store.begin_run(run("s3", T3, "running"))
    store.complete_run(run("s3", T3), new, [])
    assert by_key(store.indicators(snapshot_id="s3")) == by_key(new)
    store.close()
    assert backend.count("indicators") == len(written) + len(new)

    # a second run changes nothing and says that the old index is still to be deleted
    again = migrate(backend.url)
    assert again.steps == [] and not again.changed
    assert [c.split(":")[0] for c in again.current] == ["indicators", "runs", "fingerprints"]
    assert again.leftovers == [Leftover(v1, v1, len(written))]
    assert backend.count("indicators") == len(written) + len(new)
    assert alias_targets(backend, "indicators") == [v2]


@pytest.mark.parametrize("cut_off_after", ["template", "create", "block", "half copied"])
def test_a_migration_cut_off_midway_is_finished_by_the_next_run(
        backend: ElasticsearchBackend, cut_off_after: str) -> None:
    written = v1_store(backend)
    v1, v2 = f"{backend.prefix}-indicators-v1", f"{backend.prefix}-indicators-v2"
    # what a migration that died at that point left behind, step by step as migrate.py does
    client = backend.client()
    es_indices.put_template(client, backend.prefix, "indicators", 2)
    if cut_off_after != "template":
        client.indices.create(index=v2)
    if cut_off_after in ("block", "half copied"):
        client.indices.put_settings(index=v1, settings={"index.blocks.write": True})
    if cut_off_after == "half copied":
        half = list(helpers.scan(client, index=v1, query={"query": {"match_all": {}}}))[::2]
        helpers.bulk(client, ({"_index": v2, "_id": h["_id"], "_source": h["_source"]}
                              for h in half), refresh=True)
    client.close()
    store = backend.open()
    with pytest.raises(StoreError, match="migrate"):  # still refused: the alias is on v1
        store.indicators()
    store.close()

    found = migrate(backend.url)
    assert [(s.kind, s.records, s.done) for s in found.steps] == [
        ("indicators", len(written), True)]
    assert alias_targets(backend, "indicators") == [v2]
    assert ids(backend, v2) == {docs.indicator_id(i) for i in written}
    store = backend.open()
    assert by_key(store.indicators()) == by_key(written)
    store.close()


def test_the_audit_sees_the_kept_v1_as_old_records_not_as_a_problem(
        backend: ElasticsearchBackend) -> None:
    from crawler.store.inspect import inspect_store

    v1_store(backend)
    before = inspect_store(backend.url)
    assert before.problems == []
    assert any("older than this code's" in n for n in before.notes)
    migrate(backend.url)
    after = inspect_store(backend.url)
    assert after.problems == []
    assert any(f"{backend.prefix}-indicators-v1 holds Indicator records of schema version 1"
               in n for n in after.notes)
    assert [r.snapshot_id for r in after.runs] == ["s1", "s2"]


def test_a_new_store_has_nothing_to_migrate(backend: ElasticsearchBackend) -> None:
    found = migrate(backend.url)
    assert not found.exists and found.steps == [] and not found.changed
    client = backend.client()
    assert not client.indices.exists(index=f"{backend.prefix}-indicators-v2")  # made on use
    client.close()
    store = backend.open()
    store.begin_run(run("s1", T1, "running"))
    store.close()
    again = migrate(backend.url)
    assert again.exists and again.steps == [] and again.leftovers == []


def test_an_index_newer_than_the_code_is_not_migrated(backend: ElasticsearchBackend) -> None:
    client = backend.client()
    client.indices.create(index=f"{backend.prefix}-indicators-v3",
                          mappings={"dynamic": "strict", "_meta": {"adcensus_schema": 3},
                                    "properties": {"snapshot_id": {"type": "keyword"}}},
                          aliases={f"{backend.prefix}-indicators": {"is_write_index": True}})
    with pytest.raises(StoreError, match="schema version 3, newer than this code's 2"):
        migrate(backend.url)
    assert sorted(client.indices.get_alias(name=f"{backend.prefix}-indicators")) == [
        f"{backend.prefix}-indicators-v3"]
    client.indices.delete(index=f"{backend.prefix}-indicators-v3")
    client.close()


# -- SQLite ---------------------------------------------------------------------------------

def test_sqlite_dry_run_then_migration_then_nothing(tmp_path: Path) -> None:
    path = old_store(tmp_path / "old.sqlite")
    before = dump(path)
    dry = migrate(f"sqlite:///{path}", dry_run=True)
    [step] = dry.steps
    assert (step.from_version, step.to_version, step.records, step.done) == (
        1, 2, len(OLD_INDICATORS), False)
    assert dump(path) == before

    done = migrate(f"sqlite:///{path}")
    assert [(s.from_version, s.to_version, s.records, s.done) for s in done.steps] == [
        (1, 2, len(OLD_INDICATORS), True)]
    assert "indicators.cell_key" in done.steps[0].change
    again = migrate(f"sqlite:///{path}")
    assert again.steps == [] and again.current and not again.changed


def test_sqlite_without_a_file_creates_none(tmp_path: Path) -> None:
    found = migrate(f"sqlite:///{tmp_path / 'nothing.sqlite'}")
    assert not found.exists and found.steps == []
    assert not (tmp_path / "nothing.sqlite").exists()


# -- the command ----------------------------------------------------------------------------

def adcensus_store(*argv: str) -> int:
    # cli.py builds its parser from crawler.commands.MODULES; the module is tested alone
    root = argparse.ArgumentParser(prog="adcensus")
    store_command.add(root.add_subparsers())
    args = root.parse_args(["store", *argv])
    return int(args.func(args) or 0)


def config_for(directory: Path, store_url: str) -> Path:
    directory.mkdir(parents=True, exist_ok=True)
    path = write_config(directory, "http://127.0.0.1:9")
    data = yaml.safe_load(path.read_text())
    data["store"] = store_url
    path.write_text(yaml.safe_dump(data, sort_keys=False))
    return path


def test_the_command_migrates_sqlite_and_says_so(tmp_path: Path,
                                                 capsys: pytest.CaptureFixture[str]) -> None:
    path = old_store(tmp_path / "old.sqlite")
    config = config_for(tmp_path, f"sqlite:///{path}")
    assert adcensus_store("migrate", "--config", str(config), "--dry-run") == 0
    out = capsys.readouterr().out
    assert f"would migrate {path} from schema version 1 to 2" in out
    assert "nothing was changed (dry run)" in out
    assert adcensus_store("migrate", "--config", str(config)) == 0
    out = capsys.readouterr().out
    assert f"store: SQLite {path}" in out
    assert f"migrated {path} from schema version 1 to 2" in out
    assert ("adds the column indicators.cell_key; its 3 indicator(s) are kept, with no cell "
            "key") in out
    assert adcensus_store("migrate", "--config", str(config)) == 0
    assert "nothing to migrate" in capsys.readouterr().out


def test_the_command_migrates_elasticsearch_and_says_what_is_left(
        tmp_path: Path, backend: ElasticsearchBackend,
        capsys: pytest.CaptureFixture[str]) -> None:
    written = v1_store(backend)
    v1, v2 = f"{backend.prefix}-indicators-v1", f"{backend.prefix}-indicators-v2"
    config = config_for(tmp_path, backend.url)
    assert adcensus_store("migrate", "--config", str(config), "--dry-run") == 0
    out = capsys.readouterr().out
    assert f"indicators: would copy {len(written)} document(s) from {v1}" in out
    assert "nothing was changed (dry run)" in out

    assert adcensus_store("migrate", "--config", str(config)) == 0
    out = capsys.readouterr().out
    assert (f"indicators: copied {len(written)} document(s) from {v1} (schema version 1) "
            f"into {v2} (schema version 2); the alias now points at {v2}. Version 2 adds the "
            "field cell_key") in out
    assert f"current: runs: {backend.prefix}-runs-v1 (schema version 1)" in out
    assert "next: start `adcensus serve` again" in out
    assert 'curl -X DELETE "http://127.0.0.1:' in out and f"/{v1}\"" in out
    assert f"/_index_template/{v1}\"" in out

    assert adcensus_store("migrate", "--config", str(config)) == 0
    out = capsys.readouterr().out
    assert "nothing to migrate" in out and f"{v1}: {len(written)} document(s)" in out


def test_the_command_reports_a_refusal_without_a_traceback(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = old_store(tmp_path / "future.sqlite")
    db = sqlite3.connect(path)
    db.execute("UPDATE schema_info SET value = '9'")
    db.commit()
    db.close()
    config = config_for(tmp_path, f"sqlite:///{path}")
    assert adcensus_store("migrate", "--config", str(config)) == 1
    err = capsys.readouterr().err
    assert err.startswith("adcensus: store migrate failed:") and "newer than this code" in err

    custom = config_for(tmp_path / "custom", "crawler.store.sqlite:SQLiteStore")
    assert adcensus_store("migrate", "--config", str(custom)) == EXIT_USAGE
    assert "custom backend" in capsys.readouterr().err


def test_the_command_explains_itself(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit):
        adcensus_store("migrate", "--help")
    text = " ".join(capsys.readouterr().out.split())
    for phrase in ("--dry-run", "--config", "read-only", "alias", "Safe to run again",
                   "adcensus serve"):
        assert phrase in text
    assert adcensus_store() == EXIT_USAGE  # `adcensus store` alone shows its commands
    assert "migrate" in capsys.readouterr().out


def test_a_file_that_is_no_database_is_reported_not_changed(tmp_path: Path) -> None:
    path = tmp_path / "notes.sqlite"
    path.write_bytes(b"not a database, just bytes " * 100)
    with pytest.raises(StoreError, match="migration failed, the file is as it was"):
        migrate(f"sqlite:///{path}")
    assert path.read_bytes() == b"not a database, just bytes " * 100
