"""The store backends the contract suite runs against, each able to reopen its store
(as a new process would) and to name the fields its schema has."""

from __future__ import annotations

import secrets
import sqlite3
from pathlib import Path

from crawler.store import open_store
from crawler.store.base import Store


class SQLiteBackend:
    name = "sqlite"

    def __init__(self, path: Path) -> None:
        self.url = f"sqlite:///{path}"
        self.path = path

    def open(self) -> Store:
        return open_store(self.url)

    def fields(self) -> set[str]:
        db = sqlite3.connect(self.path)
        tables = [row[0] for row in db.execute("SELECT name FROM sqlite_master WHERE type='table'")]
        found = {row[1] for table in tables for row in db.execute(f"PRAGMA table_info({table})")}
        db.close()
        return found

    def cleanup(self) -> None:
        pass


class ElasticsearchBackend:
    name = "elasticsearch"

    def __init__(self, server_url: str) -> None:
        # a prefix of its own: tests share one server (or a real cluster) without meeting
        self.prefix = f"adcensus-test-{secrets.token_hex(4)}"
        self.url = server_url + ("&" if "?" in server_url else "?") + f"index_prefix={self.prefix}"

    def open(self) -> Store:
        return open_store(self.url)

    def client(self):  # type: ignore[no-untyped-def]
        from elasticsearch import Elasticsearch

        from crawler.store.es_connection import parse

        return Elasticsearch(**parse(self.url).client_options())  # type: ignore[arg-type]

    def fields(self) -> set[str]:
        client = self.client()
        found: set[str] = set()
        for kind in ("indicators", "runs", "fingerprints"):
            for body in client.indices.get_mapping(index=f"{self.prefix}-{kind}").values():
                _collect(body["mappings"], found)
        client.close()
        return found

    def count(self, kind: str) -> int:
        """Documents in an index, visible to the store or not."""
        client = self.client()
        client.indices.refresh(index=f"{self.prefix}-{kind}")
        n = int(client.count(index=f"{self.prefix}-{kind}")["count"])
        client.close()
        return n

    def cleanup(self) -> None:
        from crawler.store import es_indices

        client = self.client()
        es_indices.drop(client, self.prefix)
        client.close()


def _collect(mapping: dict, found: set[str]) -> None:  # type: ignore[type-arg]
    for name, field in mapping.get("properties", {}).items():
        found.add(name)
        _collect(field, found)
