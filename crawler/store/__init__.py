"""Stores keep the three record types and nothing else. ``open_store`` picks the backend."""

from __future__ import annotations

from crawler.store.base import Store


def open_store(url: str) -> Store:
    if url.startswith("sqlite:///"):
        from crawler.store.sqlite import SQLiteStore

        return SQLiteStore(url[len("sqlite:///") :])
    raise ValueError(f"unknown store URL {url!r}; expected sqlite:///path")


__all__ = ["Store", "open_store"]
