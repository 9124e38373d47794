"""The store's Elasticsearch indices: one per record type, versioned, behind an alias.

``<prefix>-indicators`` is an alias of ``<prefix>-indicators-v2`` (and so on): the
store reads and writes through aliases only, so a reindex into a new version or a
retention policy needs no client change (docs/ELASTICSEARCH.md). The mappings live in
index_mappings/ as index templates with strict dynamic mapping.

Each record type has its own schema version: a new field in one type moves that type's
index to a new version and leaves the others where they are (a reindex of the run records
and fingerprints would copy them for nothing). crawler/store/migrate.py moves an older
index to the current version.
"""

from __future__ import annotations

import json
from functools import cache
from pathlib import Path
from typing import Any

from elasticsearch import ApiError, Elasticsearch

MAPPINGS_DIR = Path(__file__).resolve().parents[2] / "index_mappings"
KINDS = ("indicators", "runs", "fingerprints")
# the schema version this code reads and writes, per record type; a new version needs
# index_mappings/<kind>-v<N>.json and, for existing stores, `adcensus store migrate`
SCHEMA_VERSIONS = {"indicators": 2, "runs": 1, "fingerprints": 1}
# what each version adds, for the people who migrate (`adcensus store migrate`)
CHANGES = {("indicators", 2): "the field cell_key, which the copied documents lack "
                              "(written before cell keys)"}


def current(kind: str) -> int:
    return SCHEMA_VERSIONS[kind]


@cache
def template(kind: str, version: int | None = None) -> dict[str, Any]:
    """The index template as shipped (for the default prefix "adcensus")."""
    path = MAPPINGS_DIR / f"{kind}-v{version or current(kind)}.json"
    return json.loads(path.read_text(encoding="utf-8"))


def alias(prefix: str, kind: str) -> str:
    return f"{prefix}-{kind}"


def index_name(prefix: str, kind: str, version: int | None = None) -> str:
    return f"{prefix}-{kind}-v{version or current(kind)}"


def put_template(client: Elasticsearch, prefix: str, kind: str,
                 version: int | None = None) -> None:
    """Install (or overwrite with the same body) one version's template for this prefix.
    The template is named after the index it matches, so versions never overlap."""
    name = index_name(prefix, kind, version)
    body = {**template(kind, version), "index_patterns": [name]}
    client.indices.put_index_template(name=name, body=body)


def ensure(client: Elasticsearch, prefix: str) -> None:
    """Put the templates and create each missing index behind its alias. Idempotent;
    an alias that points at an index of another schema version is an error, not a guess."""
    for kind in KINDS:
        put_template(client, prefix, kind)
        name = alias(prefix, kind)
        found = behind(client, prefix, kind)
        if found:
            problem = version_problem(name, found, current(kind))
            if problem:
                raise RuntimeError(problem)
            continue
        try:
            client.indices.create(index=index_name(prefix, kind),
                                  aliases={name: {"is_write_index": True}})
        except ApiError as exc:
            # another process created it first: that is the state we wanted
            if exc.error != "resource_already_exists_exception":
                raise


def behind(client: Elasticsearch, prefix: str, kind: str) -> dict[str, int | None]:
    """The indices behind a kind's alias with their schema versions (None: not ours);
    empty when there is no alias yet."""
    name = alias(prefix, kind)
    if not client.indices.exists_alias(name=name):
        return {}
    return {index: schema_of(body["mappings"])
            for index, body in client.indices.get_mapping(index=name).items()}


def schema_of(mappings: dict[str, Any]) -> int | None:
    found = mappings.get("_meta", {}).get("adcensus_schema")
    return found if isinstance(found, int) else None


def version_problem(name: str, found: dict[str, int | None], want: int) -> str | None:
    """Why the store must not use the indices behind alias ``name``, or None."""
    for index, version in sorted(found.items()):
        if version == want:
            continue
        if version is not None and version > want:
            return (f"index {index} behind alias {name} has schema version {version}, newer "
                    f"than this code's {want}: it was written by a newer adcensus; upgrade "
                    "adcensus (a schema is never migrated back)")
        return (f"index {index} behind alias {name} has schema version {version}, this code "
                f"needs {want}: migrate it first with `adcensus store migrate` "
                "(docs/ELASTICSEARCH.md, \"Migrating to a new schema version\")")
    return None


def versioned_indices(prefix: str, kind: str) -> list[str]:
    """Every index name this kind has had, oldest first."""
    return [index_name(prefix, kind, v) for v in range(1, current(kind) + 1)]


def drop(client: Elasticsearch, prefix: str) -> None:
    """Delete this prefix's indices and templates, of every schema version (tests and
    benchmarks clean up with it). Concrete names only: real clusters refuse wildcard
    deletes by default."""
    for kind in KINDS:
        name = alias(prefix, kind)
        if client.indices.exists_alias(name=name):
            for index in client.indices.get_alias(name=name):
                client.indices.delete(index=index)
        for index in versioned_indices(prefix, kind):
            if client.indices.exists(index=index):
                client.indices.delete(index=index)
            if client.indices.exists_index_template(name=index):
                client.indices.delete_index_template(name=index)
