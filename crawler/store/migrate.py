"""Moving a store to the schema version this code writes: ``migrate(store_url)``.

SQLite: the file's ``schema_info`` version says what it lacks; the migration adds it in
one transaction (crawler/store/sqlite.py, ``_MIGRATIONS``). Opening the store does the
same, so this only makes it explicit.

Elasticsearch, per record type whose alias points at an older index
(docs/ELASTICSEARCH.md, "Migrating to a new schema version"):

1. install the new version's template and create ``<prefix>-<kind>-v<N>`` without alias;
2. make the old index read-only, so that a snapshot written meanwhile is refused rather
   than landing in the old index after its copy and being lost;
3. ``_reindex`` the old index into the new one (same ids; a field added since is absent
   from the copies, which the code reads as None) and check that the counts agree;
4. move the alias in one ``_aliases`` request: readers see the old index or the new one,
   never neither;
5. leave the old index (read-only) and its template for the operator to delete.

Every step is idempotent, so running it again after a crash midway finishes the job, and
running it on a current store changes nothing.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from crawler.store.base import StoreError

# a reindex of a year of weekly snapshots (about 400,000 small documents) takes seconds
# to minutes; the store's own 60 s request timeout is for single writes
REINDEX_TIMEOUT_S = 3600.0


@dataclass(frozen=True, slots=True)
class Step:
    """One part of a store moved (or, in a dry run, to be moved) to a new schema version."""

    kind: str  # "indicators", "runs", "fingerprints"; "all" for a SQLite file
    source: str  # the old index (or the SQLite file)
    target: str  # the new index (or the SQLite file)
    from_version: int
    to_version: int
    records: int  # documents copied, or rows kept; in a dry run, those there are now
    change: str  # what the new version adds
    done: bool  # False in a dry run


@dataclass(frozen=True, slots=True)
class Leftover:
    """An older index that a migration left behind, read-only, for the operator to delete."""

    index: str
    template: str | None  # its index template's name, if it is still installed
    documents: int


@dataclass
class Migration:
    backend: str  # "sqlite" or "elasticsearch"
    location: str  # a file path, or a URL without credentials and the index prefix
    dry_run: bool
    url: str = ""  # Elasticsearch: scheme://host:port, without credentials
    exists: bool = True
    steps: list[Step] = field(default_factory=list)
    current: list[str] = field(default_factory=list)  # what already has the current version
    leftovers: list[Leftover] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)

    @property
    def changed(self) -> bool:
        return any(step.done for step in self.steps)


def migrate(store_url: str, *, dry_run: bool = False,
            env: Mapping[str, str] | None = None) -> Migration:
    """Bring the store at ``store_url`` to the schema this code writes (see the module's
    docstring); ``dry_run`` says what would be done and changes nothing."""
    from crawler.store import SQLITE, store_url_problem
    from crawler.store.es_connection import is_elasticsearch_url

    problem = store_url_problem(store_url)
    if problem:
        raise ValueError(f"unknown store URL: {problem}")
    if store_url.startswith(SQLITE):
        return migrate_sqlite(Path(store_url[len(SQLITE):]), dry_run=dry_run)
    if is_elasticsearch_url(store_url):
        return migrate_elasticsearch(store_url, dry_run=dry_run, env=env)
    raise ValueError(f"store {store_url} is a custom backend: it migrates its own schema")


# -- SQLite -------------------------------------------------------------------------------

def migrate_sqlite(path: Path, *, dry_run: bool = False) -> Migration:
    found = Migration("sqlite", str(path), dry_run)
    if not path.exists():
        found.exists = False  # nothing to migrate, and no file is made for it
        return found
    try:
        return _migrate_sqlite(path, found)
    except sqlite3.Error as exc:  # not a database, locked past the timeout, disk full
        raise StoreError(f"SQLite store {path}: migration failed, the file is as it was: "
                         f"{type(exc).__name__}: {exc}") from exc


def _migrate_sqlite(path: Path, found: Migration) -> Migration:
    from crawler.store.sqlite import CHANGES, SCHEMA_VERSION, SQLiteStore, newer, read_version

    dry_run = found.dry_run
    version = read_version(path)
    if version is None:
        found.exists = False
        found.notes.append(f"{path} holds no adcensus schema yet: the store creates the "
                           "current one on first use")
        return found
    if version > SCHEMA_VERSION:
        raise StoreError(newer(path, version))
    if version == SCHEMA_VERSION:
        found.current.append(f"{path.name}: schema version {version}")
        return found
    kept = _sqlite_indicators(path)
    change = "; ".join(CHANGES[v] for v in range(version + 1, SCHEMA_VERSION + 1))
    if not dry_run:
        store = SQLiteStore(path)  # opening migrates, in one transaction
        migrated_from = store.migrated_from
        store.close()
        if migrated_from is None:  # another process opened it first: already done
            found.current.append(f"{path.name}: schema version {SCHEMA_VERSION}")
            return found
    found.steps.append(Step("all", str(path), str(path), version, SCHEMA_VERSION, kept, change,
                            done=not dry_run))
    return found


def _sqlite_indicators(path: Path) -> int:
    db = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    try:
        return int(db.execute("SELECT COUNT(*) FROM indicators").fetchone()[0])
    finally:
        db.close()


# -- Elasticsearch ------------------------------------------------------------------------

def migrate_elasticsearch(url: str, *, dry_run: bool = False,
                          env: Mapping[str, str] | None = None) -> Migration:
    from elasticsearch import Elasticsearch

    from crawler.store import es_indices
    from crawler.store.es_connection import parse

    connection = parse(url, env)
    prefix = connection.index_prefix
    found = Migration("elasticsearch", f"{connection.url} (index prefix {prefix})", dry_run,
                      url=connection.url)
    client = Elasticsearch(**connection.client_options(),  # type: ignore[arg-type]
                           request_timeout=REINDEX_TIMEOUT_S, max_retries=3,
                           retry_on_timeout=True)
    try:
        with _errors(connection, "migrating the indices"):
            for kind in es_indices.KINDS:
                _migrate_kind(client, prefix, kind, found)
            found.exists = bool(found.steps or found.current)
            if not found.exists:
                found.notes = []  # "no alias yet" for every kind says no more than that
            found.leftovers = _leftovers(client, prefix)
            found.notes += _running(client, prefix)
    finally:
        client.close()
    return found


@contextmanager
def _errors(connection: Any, doing: str) -> Iterator[None]:
    from elastic_transport import TransportError
    from elasticsearch import ApiError

    from crawler.store.elasticsearch import describe_error

    try:
        yield
    except (ApiError, TransportError) as exc:
        message = f"Elasticsearch at {connection.url}: {doing} failed: {describe_error(exc)}"
        raise StoreError(connection.scrub(message)) from exc


def _migrate_kind(client: Any, prefix: str, kind: str, found: Migration) -> None:
    from crawler.store import es_indices

    want = es_indices.current(kind)
    name = es_indices.alias(prefix, kind)
    target = es_indices.index_name(prefix, kind, want)
    behind = es_indices.behind(client, prefix, kind)
    if not behind:
        found.notes.append(f"{kind}: no alias {name} yet; the store creates {target} on "
                           "first use")
        return
    _refuse_unknown(name, behind, want)
    old = sorted(index for index, version in behind.items() if version != want)
    if not old:
        found.current.append(f"{kind}: {', '.join(sorted(behind))} (schema version {want})")
        return
    if target in behind:
        raise StoreError(f"alias {name} points at {target} and at the older {', '.join(old)}: "
                         "a migration does not merge them; take the older ones out of the "
                         "alias by hand (docs/ELASTICSEARCH.md)")
    from_version = min(behind[index] or 0 for index in old)  # no None: refused above
    change = es_indices.CHANGES.get((kind, want), "")
    if found.dry_run:
        found.steps.append(Step(kind, ", ".join(old), target, from_version, want,
                                _count(client, old), change, done=False))
        return
    copied = _copy(client, prefix, kind, old, target)
    actions: list[dict[str, Any]] = [{"remove": {"index": index, "alias": name}}
                                     for index in old]
    actions.append({"add": {"index": target, "alias": name, "is_write_index": True}})
    client.indices.update_aliases(actions=actions)  # one request: atomic
    found.steps.append(Step(kind, ", ".join(old), target, from_version, want, copied, change,
                            done=True))


def _refuse_unknown(name: str, behind: dict[str, int | None], want: int) -> None:
    for index, version in sorted(behind.items()):
        if version is None:
            raise StoreError(f"index {index} behind alias {name} has no adcensus schema "
                             "version: it was not made by this store; nothing was changed")
        if version > want:
            raise StoreError(f"index {index} behind alias {name} has schema version {version}, "
                             f"newer than this code's {want}: upgrade adcensus; nothing was "
                             "changed")


def _copy(client: Any, prefix: str, kind: str, old: list[str], target: str) -> int:
    """Copy the old indices into ``target``; returns how many documents it holds."""
    from crawler.store import es_indices

    es_indices.put_template(client, prefix, kind)
    _create(client, target, es_indices.current(kind))
    # read-only from here on: a snapshot that writes now is refused (and retried or
    # failed later), where it would otherwise land in the old index after its copy
    client.indices.put_settings(index=old, settings={"index.blocks.write": True})
    documents = _count(client, old)
    # op_type "index": a copy that is already there (from a run cut off midway) is
    # overwritten with itself, so re-running never doubles anything
    response = client.reindex(source={"index": old}, dest={"index": target},
                              refresh=True, wait_for_completion=True)
    if response.get("failures"):
        failure = response["failures"][0]
        raise StoreError(f"copying {', '.join(old)} into {target}: "
                         f"{len(response['failures'])} document(s) refused, the first: "
                         f"{failure.get('cause', failure)}; the alias was not moved")
    copied = _count(client, [target])
    if copied != documents:
        raise StoreError(f"{target} holds {copied} document(s) but {', '.join(old)} "
                         f"{documents}: the alias was not moved; delete {target} and run "
                         "`adcensus store migrate` again")
    return copied


def _create(client: Any, index: str, version: int) -> None:
    from elasticsearch import ApiError

    from crawler.store import es_indices

    try:
        client.indices.create(index=index)  # the template gives mapping and settings
    except ApiError as exc:
        # made by a run that was cut off: used if it is what the template makes
        if exc.error != "resource_already_exists_exception":
            raise
    [body] = client.indices.get_mapping(index=index).values()
    made = es_indices.schema_of(body["mappings"])
    if made != version:
        raise StoreError(f"index {index} exists with schema version {made}, not {version}: "
                         "it was not made from this code's template; delete it and run again")


def _count(client: Any, indices: list[str]) -> int:
    # count sees refreshed documents only (on Elasticsearch)
    client.indices.refresh(index=indices)
    return int(client.count(index=indices)["count"])


def _leftovers(client: Any, prefix: str) -> list[Leftover]:
    """Older versions' indices that no alias uses any more: the operator's to delete."""
    from crawler.store import es_indices

    found = []
    for kind in es_indices.KINDS:
        live = set(es_indices.behind(client, prefix, kind))
        for index in es_indices.versioned_indices(prefix, kind)[:-1]:
            if index in live or not client.indices.exists(index=index):
                continue
            template = index if client.indices.exists_index_template(name=index) else None
            found.append(Leftover(index, template, _count(client, [index])))
    return found


def _running(client: Any, prefix: str) -> list[str]:
    from crawler.store import es_indices

    runs = es_indices.alias(prefix, "runs")
    if not client.indices.exists_alias(name=runs):
        return []
    response = client.search(index=runs, query={"term": {"status": "running"}},
                             source=["snapshot_id"], size=100, sort=[{"snapshot_id": "asc"}])
    ids = [hit["_source"]["snapshot_id"] for hit in response["hits"]["hits"]]
    if not ids:
        return []
    note = (f"run(s) marked running: {', '.join(ids)}. If a snapshot is really running, its "
            "write is refused while the old index is read-only; the next snapshot marks it "
            "failed. A run left running by a crash is harmless here.")
    return [note]
