"""What a store actually holds, read without writing: for the auditor, not the method.

``inspect_store(url)`` lists every table or index with its fields and their types,
compares them with what the code defines (the SQLite schema in ``sqlite.SCHEMA``, the
index templates in index_mappings/), and collects what retention is checked against:
the run records' windows, the fingerprints per window (visible or not), and the
distinct text values of every field, so that a content check can read them. It never
creates a table, an index or a file; a store that does not exist is reported as such.
"""

from __future__ import annotations

import re
import sqlite3
from collections import Counter, defaultdict
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from crawler.store.sqlite_pages import unused_space

HEX_RUN = re.compile(rb"[0-9a-f]{64,}")
_SQLITE_CLASSES = {"TEXT": ("text",), "INTEGER": ("integer",), "REAL": ("real", "integer")}


@dataclass(frozen=True, slots=True)
class Field:
    name: str  # a dotted path for nested fields: "sites.errors.reason"
    type: str


@dataclass(frozen=True, slots=True)
class Container:
    """A table, SQLite index, view or trigger, or an Elasticsearch index."""

    name: str
    kind: str
    record: str  # the record type it holds, "" for schema objects, "unexpected"
    fields: tuple[Field, ...] = ()
    rows: int | None = None


@dataclass(frozen=True, slots=True)
class RunSummary:
    snapshot_id: str
    started_at: str
    status: str
    window_id: str
    is_baseline: bool


@dataclass
class Inspection:
    backend: str  # "sqlite" or "elasticsearch"
    location: str  # a file path, or a URL without credentials
    exists: bool = True
    containers: list[Container] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)  # what no record type explains
    runs: list[RunSummary] = field(default_factory=list)
    fingerprints_by_window: dict[str, int] = field(default_factory=dict)
    # window -> subject (listing, advertiser, similarity) -> fingerprints
    fingerprints_by_subject: dict[str, dict[str, int]] = field(default_factory=dict)
    malformed_fingerprints: int = 0  # a digest or group that is no keyed hash
    # deleted fingerprints whose bytes are still readable (free pages, unmerged segments)
    residue: list[str] = field(default_factory=list)
    files: list[Path] = field(default_factory=list)  # files that make up the store
    # (container, field) -> distinct text values, for the content heuristics
    texts: dict[tuple[str, str], set[str]] = field(default_factory=lambda: defaultdict(set))
    notes: list[str] = field(default_factory=list)


def inspect_store(url: str) -> Inspection:
    from crawler.store import SQLITE, store_url_problem

    problem = store_url_problem(url)
    if problem:
        raise ValueError(f"unknown store URL: {problem}")
    if url.startswith(SQLITE):
        return inspect_sqlite(Path(url[len(SQLITE):]))
    from crawler.store.es_connection import is_elasticsearch_url

    if is_elasticsearch_url(url) or url.startswith(("elasticsearch://", "elasticsearchs://")):
        return inspect_elasticsearch(url)
    found = Inspection("custom", url, exists=False)
    found.problems.append(f"store {url} is a custom backend that cannot be inspected: "
                          "nothing about its contents can be verified")
    return found


# -- SQLite -------------------------------------------------------------------------------

def _sqlite_objects(db: sqlite3.Connection) -> dict[tuple[str, str], tuple[Field, ...]]:
    objects: dict[tuple[str, str], tuple[Field, ...]] = {}
    for kind, name in db.execute("SELECT type, name FROM sqlite_master ORDER BY type, name"):
        fields: tuple[Field, ...] = ()
        if kind == "table":
            fields = tuple(Field(row[1], (row[2] or "").upper())
                           for row in db.execute(f'PRAGMA table_info("{_quote(name)}")'))
        objects[kind, name] = fields
    return objects


def expected_sqlite_objects() -> dict[tuple[str, str], tuple[Field, ...]]:
    """The tables and indices that crawler/store/sqlite.py creates, read from its SCHEMA."""
    from crawler.store.sqlite import SCHEMA

    db = sqlite3.connect(":memory:")
    try:
        db.executescript(SCHEMA)
        return _sqlite_objects(db)
    finally:
        db.close()


_SQLITE_RECORDS = {"indicators": "Indicator", "run_records": "RunRecord",
                   "site_runs": "RunRecord", "site_run_counts": "RunRecord",
                   "fingerprints": "Fingerprint", "schema_info": "(schema version)"}


def inspect_sqlite(path: Path) -> Inspection:
    found = Inspection("sqlite", str(path))
    found.files = [p for p in (path, Path(f"{path}-wal"), Path(f"{path}-shm"),
                               Path(f"{path}-journal")) if p.exists()]
    if not path.exists():
        found.exists = False
        return found
    db = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    try:
        _inspect_sqlite(db, found)
    finally:
        db.close()
    _sqlite_residue(found)
    return found


def _inspect_sqlite(db: sqlite3.Connection, found: Inspection) -> None:
    from crawler.store.sqlite import SCHEMA_VERSION, stored_version

    expected = expected_sqlite_objects()
    actual = _sqlite_objects(db)
    version = stored_version(db)
    older = version if version is not None and version < SCHEMA_VERSION else None
    for (kind, name), fields in sorted(actual.items()):
        rows = None
        if kind == "table":
            rows = db.execute(f'SELECT COUNT(*) FROM "{_quote(name)}"').fetchone()[0]
        known = (kind, name) in expected
        record = _SQLITE_RECORDS.get(name, "") if known else "unexpected"
        found.containers.append(Container(name, kind, record, fields, rows))
        if not known:
            found.problems.append(f"{kind} {name} is not part of the store's schema "
                                  "(no record type has it)")
            continue
        want = {f.name: f.type for f in expected[kind, name]}
        for f in fields:
            if f.name not in want:
                found.problems.append(f"table {name} has a column {f.name} ({f.type}) that "
                                      "no record type has")
            elif want[f.name] != f.type:
                found.problems.append(f"table {name} column {f.name} is {f.type}, the "
                                      f"schema says {want[f.name]}")
        for missing in sorted(want.keys() - {f.name for f in fields}):
            if older:  # not a privacy matter: the next store open adds it
                found.notes.append(f"table {name} lacks the column {missing}: the file has "
                                   f"schema version {older}, which opening the store migrates "
                                   "(or `adcensus store migrate`)")
            else:
                found.problems.append(f"table {name} lacks the column {missing}")
    for kind, name in sorted(expected.keys() - actual.keys()):
        found.notes.append(f"{kind} {name} of the schema does not exist (yet)")

    for container in found.containers:
        if container.kind != "table":
            continue
        for f in container.fields:
            column, table = f'"{_quote(f.name)}"', f'"{_quote(container.name)}"'
            allowed = _SQLITE_CLASSES.get(f.type, ())
            for storage, count in db.execute(
                    f"SELECT typeof({column}), COUNT(*) FROM {table} GROUP BY 1"):
                if allowed and storage not in allowed and storage != "null":
                    # SQLite lets any column take any value: a blob or text in a counter
                    # column would be a way around the schema
                    found.problems.append(f"table {container.name} column {f.name} ({f.type}) "
                                          f"holds {count} value(s) of type {storage}")
            for (value,) in db.execute(
                    f"SELECT DISTINCT {column} FROM {table} "
                    f"WHERE typeof({column}) IN ('text', 'blob')"):
                text = value.decode("utf-8", "replace") if isinstance(value, bytes) else value
                found.texts[container.name, f.name].add(text)

    if ("table", "run_records") in actual:
        found.runs = [RunSummary(sid, started, status, window or "", bool(baseline))
                      for sid, started, status, window, baseline in db.execute(
                          "SELECT snapshot_id, started_at, status, window_id, is_baseline "
                          "FROM run_records ORDER BY started_at, snapshot_id")]
    if ("table", "fingerprints") in actual:
        found.fingerprints_by_window = dict(db.execute(
            "SELECT window_id, COUNT(*) FROM fingerprints GROUP BY window_id ORDER BY 1"))
        for window, subject, n in db.execute(
                "SELECT window_id, kind, COUNT(*) FROM fingerprints GROUP BY 1, 2 ORDER BY 1, 2"):
            found.fingerprints_by_subject.setdefault(window, {})[subject] = n
        found.malformed_fingerprints = db.execute(
            "SELECT COUNT(*) FROM fingerprints WHERE digest GLOB '*[^0-9a-f]*' "
            "OR length(digest) != 64 OR (grp != '' AND (grp GLOB '*[^0-9a-f]*' "
            "OR length(grp) != 64))").fetchone()[0]


def live_digests(path: Path) -> set[bytes]:
    db = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    try:
        tables = {r[0] for r in db.execute("SELECT name FROM sqlite_master WHERE type='table'")}
        if "fingerprints" not in tables:
            return set()
        rows = db.execute("SELECT digest, grp FROM fingerprints").fetchall()
    finally:
        db.close()
    return {v.encode() for row in rows for v in row if v}


def _sqlite_residue(found: Inspection) -> None:
    """Fingerprint digests in the file's bytes that no row holds: deleted ones left in the
    database file's unused space (free pages, the gaps and freeblocks of its pages:
    ``sqlite_pages``) or in the write-ahead log, whose page images, old and new, are all
    read (a WAL keeps old page images until it is checkpointed)."""
    path = Path(found.location)
    live = live_digests(path)
    for file in found.files:
        if file.name.endswith("-shm"):
            continue  # the WAL index: page numbers and hashes of frames, no row data
        data = file.read_bytes()
        regions = [data] if file.name.endswith("-wal") else unused_space(data)
        stale = sum(unknown_digests(run.group(), live)
                    for region in regions for run in HEX_RUN.finditer(region))
        if stale:
            found.residue.append(
                f"{file.name}: about {stale} deleted fingerprint digest(s) still readable "
                + ("in the write-ahead log" if file.name.endswith("-wal")
                   else "in the file's unused space (free pages, gaps in its pages)"))


def unknown_digests(run: bytes, live: set[bytes]) -> int:
    """How many 64-character stretches of a run of hex characters no live digest explains.

    In a SQLite record a digest sits next to its group (another digest) and may follow a
    site name ending in a hex letter, so a run is walked: a live digest is skipped
    whole, anything else counts towards an unexplained stretch."""
    found, stretch, i = 0, 0, 0
    while i < len(run):
        if run[i:i + 64] in live:
            found += stretch // 64
            stretch, i = 0, i + 64
        else:
            stretch, i = stretch + 1, i + 1
    return found + stretch // 64


def _quote(name: str) -> str:
    return name.replace('"', '""')


# -- Elasticsearch --------------------------------------------------------------------------

def _flatten(properties: dict[str, Any], prefix: str = "") -> Iterator[Field]:
    for name, spec in sorted(properties.items()):
        path = f"{prefix}{name}"
        yield Field(path, str(spec.get("type", "object")))
        if "properties" in spec:
            yield from _flatten(spec["properties"], f"{path}.")
        for sub, sub_spec in sorted(spec.get("fields", {}).items()):
            # multi-fields ("name.keyword") index the same value another way
            yield Field(f"{path}.{sub}", str(sub_spec.get("type", "object")))


def _leaves(value: Any, path: str = "") -> Iterator[tuple[str, str]]:
    if isinstance(value, dict):
        for key, sub in value.items():
            yield from _leaves(sub, f"{path}.{key}" if path else key)
    elif isinstance(value, list):
        for sub in value:
            yield from _leaves(sub, path)
    elif isinstance(value, str):
        yield path, value


def inspect_elasticsearch(url: str) -> Inspection:
    from elasticsearch import Elasticsearch

    from crawler.store.es_connection import parse

    connection = parse(url)
    found = Inspection("elasticsearch", f"{connection.url} (index prefix {connection.index_prefix})")
    client = Elasticsearch(**connection.client_options())  # type: ignore[arg-type]
    try:
        _inspect_elasticsearch(client, connection.index_prefix, found)
    except Exception as exc:  # the audit reports it: a store that cannot be read fails
        message = connection.scrub(f"{type(exc).__name__}: {exc}")
        found.problems.append(f"Elasticsearch at {connection.url} could not be read: {message}")
    finally:
        client.close()
    return found


def _inspect_elasticsearch(client: Any, prefix: str, found: Inspection) -> None:
    from elasticsearch import helpers

    from crawler.store import es_indices

    records = {"indicators": "Indicator", "runs": "RunRecord", "fingerprints": "Fingerprint"}
    expected = {es_indices.index_name(prefix, kind): kind for kind in es_indices.KINDS}
    # an older version's index that `adcensus store migrate` left for the operator to
    # delete: the same records, checked against the mapping of its own version
    retired = {es_indices.index_name(prefix, kind, v): (kind, v) for kind in es_indices.KINDS
               for v in range(1, es_indices.current(kind))}
    others = re.compile(rf"^{re.escape(prefix)}-.+-(?:{'|'.join(es_indices.KINDS)})-v\d+$")
    indices = client.indices.get(index=f"{prefix}-*")
    ours = {name: body for name, body in indices.items()
            if name in expected or name in retired or not others.match(name)}
    skipped = len(indices) - len(ours)
    if skipped:
        found.notes.append(f"{skipped} index(es) of other prefixes ({prefix}-…-<kind>-vN) "
                           "were not audited: audit them with their own configuration")
    if not ours:
        found.exists = False
        return
    for name in sorted(ours):
        body = ours[name]
        mapping = body.get("mappings", {})
        fields = tuple(_flatten(mapping.get("properties", {})))
        client.indices.refresh(index=name)
        rows = int(client.count(index=name)["count"])
        kind, version = (expected[name], None) if name in expected else retired.get(
            name, (None, None))
        found.containers.append(Container(name, "index", records[kind] if kind else "unexpected",
                                          fields, rows))
        aliases = sorted(body.get("aliases", {}))
        if kind is None:
            found.problems.append(f"index {name} is not one of the store's indices "
                                  "(no record type has it)")
        else:
            shipped = es_indices.template(kind, version)["template"]["mappings"]["properties"]
            want = {f.name: f.type for f in _flatten(shipped)}
            for f in fields:
                if f.name not in want:
                    found.problems.append(f"index {name} has a field {f.name} ({f.type}) that "
                                          "no record type has")
                elif want[f.name] != f.type:
                    found.problems.append(f"index {name} field {f.name} is {f.type}, the "
                                          f"mapping says {want[f.name]}")
            if str(mapping.get("dynamic")) != "strict":
                found.problems.append(f"index {name} does not refuse unknown fields "
                                      f"(dynamic is {mapping.get('dynamic')!r}, not 'strict')")
            if version is not None and es_indices.alias(prefix, kind) in aliases:
                found.notes.append(f"index {name} is of schema version {version}, older than "
                                   "this code's: `adcensus store migrate` moves it")
            elif version is not None:
                found.notes.append(f"index {name} holds {records[kind]} records of schema "
                                   f"version {version}, kept after a migration: delete it once "
                                   "the migrated index is checked (docs/ELASTICSEARCH.md)")
            elif es_indices.alias(prefix, kind) not in aliases:
                found.notes.append(f"index {name} has no alias {es_indices.alias(prefix, kind)}")
        for hit in helpers.scan(client, index=name, query={"query": {"match_all": {}}},
                                size=2_000):
            for path, value in _leaves(hit.get("_source", {})):
                found.texts[name, path].add(value)
            # a retired copy's run records are the live ones again: listed once
            if kind == "runs" and (version is None or es_indices.alias(prefix, kind) in aliases):
                s = hit["_source"]
                found.runs.append(RunSummary(s.get("snapshot_id", ""), s.get("started_at") or "",
                                             s.get("status", ""), s.get("window_id") or "",
                                             bool(s.get("is_baseline"))))
            elif kind == "fingerprints":
                s = hit["_source"]
                window = str(s.get("window_id", ""))
                found.fingerprints_by_window[window] = found.fingerprints_by_window.get(window, 0) + 1
                subjects = found.fingerprints_by_subject.setdefault(window, {})
                subject = str(s.get("kind", ""))
                subjects[subject] = subjects.get(subject, 0) + 1
                if not all(re.fullmatch(r"[0-9a-f]{64}", str(v)) for v in
                           (s.get("digest", ""), s.get("group") or "0" * 64)):
                    found.malformed_fingerprints += 1
        if kind == "fingerprints":
            deleted = _deleted_documents(client, name)
            if deleted:
                found.residue.append(f"{name}: {deleted} deleted fingerprint document(s) not "
                                     "yet expunged from the index's segments")
    found.runs.sort(key=lambda r: (r.started_at, r.snapshot_id))
    found.fingerprints_by_window = dict(sorted(Counter(found.fingerprints_by_window).items()))
    found.fingerprints_by_subject = {w: dict(sorted(n.items()))
                                     for w, n in sorted(found.fingerprints_by_subject.items())}


def _deleted_documents(client: Any, index: str) -> int:
    try:
        stats = client.indices.stats(index=index, metric="docs")
        return int(stats["_all"]["primaries"]["docs"]["deleted"])
    except Exception:  # a peer without the stats API: fall back on the cat API
        rows = client.cat.indices(index=index, format="json")
        return sum(int(r.get("docs.deleted") or 0) for r in rows)
