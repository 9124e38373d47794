"""Stores keep the three record types and nothing else. ``open_store`` picks the backend.

The store setting is a URL or an import path:

- ``sqlite:///path/to/file.sqlite`` — the embedded default;
- ``elasticsearch://host:9200`` (HTTP), ``elasticsearchs://host:9200`` or
  ``https://host:9200`` (TLS), with ``?index_prefix=NAME`` to share a cluster;
  credentials from ``ADCENSUS_ES_*`` (crawler/store/es_connection.py);
- ``package.module:Class`` — any ``Store`` subclass, built with no arguments.
"""

from __future__ import annotations

import importlib
import re

from crawler.store.base import Point, Store, StoreError

SQLITE = "sqlite:///"
_IMPORT_PATH = re.compile(r"^[A-Za-z_][\w.]*:[A-Za-z_]\w*$")
_ES_SCHEMES = ("elasticsearch://", "elasticsearchs://", "http://", "https://")


def store_url_problem(url: str) -> str | None:
    """Why ``url`` names no store backend, or None. Checks the form only: no connection."""
    if url.startswith(SQLITE):
        return None if len(url) > len(SQLITE) else "sqlite:/// needs a file path"
    if url.startswith(_ES_SCHEMES):
        from crawler.store.es_connection import parse

        try:
            parse(url, env={})
        except ValueError as exc:
            return str(exc)
        return None
    if _IMPORT_PATH.match(url):
        return None
    return ("expected sqlite:///path, elasticsearch://host:9200, elasticsearchs://host:9200, "
            "https://host:9200 or an import path package.module:Class")


def open_store(url: str) -> Store:
    problem = store_url_problem(url)
    if problem:
        # the URL itself is not repeated: it may hold a password
        raise ValueError(f"unknown store URL: {problem}")
    if url.startswith(SQLITE):
        from crawler.store.sqlite import SQLiteStore

        return SQLiteStore(url[len(SQLITE) :])
    if url.startswith(_ES_SCHEMES):
        from crawler.store.elasticsearch import ElasticsearchStore

        return ElasticsearchStore(url)
    module_name, _, class_name = url.partition(":")
    backend = getattr(importlib.import_module(module_name), class_name, None)
    if not (isinstance(backend, type) and issubclass(backend, Store)):
        raise ValueError(f"{url} is not a Store subclass")
    return backend()


__all__ = ["Point", "Store", "StoreError", "open_store", "store_url_problem"]
