"""The store's Elasticsearch indices: one per record type, versioned, behind an alias.

``<prefix>-indicators`` is an alias of ``<prefix>-indicators-v1`` (and so on): the
store reads and writes through aliases only, so a reindex into ``-v2`` or a retention
policy needs no client change (docs/ELASTICSEARCH.md). The mappings live in
index_mappings/ as index templates with strict dynamic mapping.
"""

from __future__ import annotations

import json
from functools import cache
from pathlib import Path
from typing import Any

from elasticsearch import ApiError, Elasticsearch

MAPPINGS_DIR = Path(__file__).resolve().parents[2] / "index_mappings"
KINDS = ("indicators", "runs", "fingerprints")
SCHEMA_VERSION = 1


@cache
def template(kind: str, version: int = SCHEMA_VERSION) -> dict[str, Any]:
    """The index template as shipped (for the default prefix "adcensus")."""
    path = MAPPINGS_DIR / f"{kind}-v{version}.json"
    return json.loads(path.read_text(encoding="utf-8"))


def alias(prefix: str, kind: str) -> str:
    return f"{prefix}-{kind}"


def index_name(prefix: str, kind: str, version: int = SCHEMA_VERSION) -> str:
    return f"{prefix}-{kind}-v{version}"


def ensure(client: Elasticsearch, prefix: str) -> None:
    """Put the templates and create each missing index behind its alias. Idempotent;
    an alias that points at an index of another schema version is an error, not a guess."""
    for kind in KINDS:
        body = {**template(kind), "index_patterns": [index_name(prefix, kind)]}
        client.indices.put_index_template(name=index_name(prefix, kind), body=body)
        name = alias(prefix, kind)
        if client.indices.exists_alias(name=name):
            _check_version(client, name)
            continue
        try:
            client.indices.create(index=index_name(prefix, kind),
                                  aliases={name: {"is_write_index": True}})
        except ApiError as exc:
            # another process created it first: that is the state we wanted
            if exc.error != "resource_already_exists_exception":
                raise


def _check_version(client: Elasticsearch, name: str) -> None:
    mappings = client.indices.get_mapping(index=name)
    for index, body in mappings.items():
        found = body["mappings"].get("_meta", {}).get("adcensus_schema")
        if found != SCHEMA_VERSION:
            raise RuntimeError(
                f"index {index} behind alias {name} has schema version {found}, this code "
                f"needs {SCHEMA_VERSION}: migrate it first (docs/ELASTICSEARCH.md)")


def drop(client: Elasticsearch, prefix: str) -> None:
    """Delete this prefix's indices and templates (tests and benchmarks clean up with it).
    Concrete names only: real clusters refuse wildcard deletes by default."""
    for kind in KINDS:
        name = alias(prefix, kind)
        if client.indices.exists_alias(name=name):
            for index in client.indices.get_alias(name=name):
                client.indices.delete(index=index)
        if client.indices.exists(index=index_name(prefix, kind)):
            client.indices.delete(index=index_name(prefix, kind))
        if client.indices.exists_index_template(name=index_name(prefix, kind)):
            client.indices.delete_index_template(name=index_name(prefix, kind))
