"""The production store: Elasticsearch, through the official client.

Elasticsearch has no multi-document transaction, so a snapshot becomes visible in steps
that a reader can never see half-done: its run record is set to "running", whatever an
earlier attempt left is deleted, the documents are bulk-written under deterministic ids
(a retried chunk overwrites itself), the indices are refreshed, and the run record is
set to its final status last. Every read first asks which runs are complete or partial
and filters on their snapshot ids, so a crash mid-write shows nothing; the next
snapshot's ``fail_interrupted_runs`` deletes what the crashed one wrote.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import replace
from typing import Any

from elastic_transport import TransportError
from elasticsearch import ApiError, Elasticsearch, NotFoundError

from crawler.records import Fingerprint, Indicator, RunRecord, accept
from crawler.store import es_documents as docs
from crawler.store import es_indices
from crawler.store.base import Point, Store, StoreError
from crawler.store.es_connection import parse
from crawler.vocabulary import VISIBLE, RunState

PAGE = 5_000  # documents per search page: under the default max_result_window (10,000)
_INDICATOR_ORDER = ("snapshot_id", "scope", "level", "measure", "breakdown", "category")


class ElasticsearchStore(Store):
    def __init__(
        self,
        url: str = "elasticsearch://127.0.0.1:9200",
        *,
        env: Mapping[str, str] | None = None,
        chunk_size: int = 2_000,
        request_timeout: float = 60.0,
        max_retries: int = 3,
    ) -> None:
        # no I/O here: the client connects on first use, the indices are made on first use
        self.connection = parse(url, env)
        self.prefix = self.connection.index_prefix
        self.chunk_size = chunk_size
        self._client = Elasticsearch(**self.connection.client_options(),  # type: ignore[arg-type]
                                     request_timeout=request_timeout, max_retries=max_retries,
                                     retry_on_timeout=True)
        self._ready = False

    def __repr__(self) -> str:
        c = self.connection
        return f"ElasticsearchStore({c.url!r}, index_prefix={c.index_prefix!r}, auth={c.auth!r})"

    __str__ = __repr__

    def _index(self, kind: str) -> str:
        return es_indices.alias(self.prefix, kind)

    @contextmanager
    def _errors(self, doing: str) -> Iterator[None]:
        try:
            yield
        except (ApiError, TransportError, RuntimeError) as exc:
            message = (f"Elasticsearch at {self.connection.url}: {doing} failed: "
                       f"{describe_error(exc)}")
            raise StoreError(self.connection.scrub(message)) from exc

    def _ensure(self) -> None:
        if not self._ready:
            with self._errors("setting up the indices"):
                es_indices.ensure(self._client, self.prefix)
            self._ready = True

    # -- runs -------------------------------------------------------------------
    def begin_run(self, run: RunRecord) -> None:
        accept(run)
        self._ensure()
        self._put_run(run)

    def _put_run(self, run: RunRecord) -> None:
        with self._errors(f"writing run {run.snapshot_id}"):
            self._client.index(index=self._index("runs"), id=run.snapshot_id,
                               document=docs.run_doc(run), refresh=True, require_alias=True)

    def _write_complete(
        self, run: RunRecord, indicators: Iterable[Indicator], fingerprints: Iterable[Fingerprint]
    ) -> None:
        self._ensure()
        # hidden while its documents change: a re-completed snapshot disappears first
        self._put_run(replace(run, status=RunState.RUNNING))
        self._delete_documents([run.snapshot_id])
        try:
            self._bulk("indicators", ((docs.indicator_id(i), docs.indicator_doc(i))
                                      for i in indicators))
            self._bulk("fingerprints", ((docs.fingerprint_id(f), docs.fingerprint_doc(f))
                                        for f in fingerprints))
        except _Refused:
            # the server is up and said no: leave nothing behind, as a rolled-back
            # transaction would (after a lost connection, fail_interrupted_runs cleans up)
            self._delete_documents([run.snapshot_id])
            raise
        with self._errors("refreshing the indices"):
            self._client.indices.refresh(index=[self._index("indicators"),
                                                self._index("fingerprints")])
        self._put_run(run)  # last: from now on its documents are visible, all together

    def _bulk(self, kind: str, documents: Iterable[tuple[str, dict[str, Any]]]) -> int:
        index, written, chunk = self._index(kind), 0, []
        for doc_id, source in documents:
            chunk += [{"index": {"_index": index, "_id": doc_id}}, source]
            if len(chunk) >= 2 * self.chunk_size:
                written += self._send(index, chunk)
                chunk = []
        if chunk:
            written += self._send(index, chunk)
        return written

    def _send(self, index: str, operations: list[dict[str, Any]]) -> int:
        # require_alias: a missing alias is an error, never an auto-created index
        # with dynamic mapping
        with self._errors(f"bulk write to {index}"):
            response = self._client.bulk(operations=operations, require_alias=True)
        failed = [item["index"] for item in response["items"] if "error" in item["index"]]
        if failed:
            error = failed[0]["error"]
            raise _Refused(self.connection.scrub(
                f"Elasticsearch at {self.connection.url} refused {len(failed)} of "
                f"{len(operations) // 2} document(s) for {index}: "
                f"{error.get('type')}: {error.get('reason')}"))
        return len(operations) // 2

    def _delete_documents(self, snapshot_ids: list[str]) -> int:
        deleted = 0
        for kind in ("indicators", "fingerprints"):
            deleted += self._delete_by_query(kind, {"terms": {"snapshot_id": snapshot_ids}})
        return deleted

    def _delete_by_query(self, kind: str, query: dict[str, Any]) -> int:
        with self._errors(f"deleting from {self._index(kind)}"):
            # delete_by_query finds documents by search, which sees refreshed ones only
            self._client.indices.refresh(index=self._index(kind))
            response = self._client.delete_by_query(
                index=self._index(kind), query=query, refresh=True, conflicts="proceed",
                wait_for_completion=True)
        return int(response["deleted"])

    def fail_run(self, snapshot_id: str, reason: str, finished_at: str) -> None:
        self._ensure()
        with self._errors(f"failing run {snapshot_id}"):
            try:
                self._client.update(index=self._index("runs"), id=snapshot_id, refresh=True,
                                    doc={"status": "failed", "reason": reason,
                                         "finished_at": finished_at or None})
            except NotFoundError:
                pass  # no such run: nothing to mark, as with SQLite's UPDATE

    def fail_interrupted_runs(self, reason: str, finished_at: str) -> list[str]:
        ids = [r.snapshot_id for r in self.runs(status=RunState.RUNNING)]
        if ids:
            self._delete_documents(ids)  # first: a crash here leaves them "running" still
            for snapshot_id in ids:
                self.fail_run(snapshot_id, reason, finished_at)
        return ids

    def runs(self, status: str | None = None) -> list[RunRecord]:
        query = {"term": {"status": status}} if status else {"match_all": {}}
        hits = self._search_all("runs", query, ["started_at", "snapshot_id"])
        return [docs.run_from(hit) for hit in hits]

    def _visible(self, snapshot_id: str | None = None) -> list[str]:
        filters: list[dict[str, Any]] = [{"terms": {"status": [str(s) for s in VISIBLE]}}]
        if snapshot_id is not None:
            filters.append({"term": {"snapshot_id": snapshot_id}})
        hits = self._search_all("runs", {"bool": {"filter": filters}}, ["snapshot_id"],
                                source=["snapshot_id"])
        return [hit["snapshot_id"] for hit in hits]

    # -- indicators -------------------------------------------------------------
    def indicators(
        self,
        snapshot_id: str | None = None,
        scope: str | None = None,
        level: str | None = None,
        measure: str | None = None,
        breakdown: str | None = None,
    ) -> list[Indicator]:
        ids = self._visible(snapshot_id)
        if not ids:
            return []
        query = _filter(ids, scope=scope, level=level, measure=measure, breakdown=breakdown)
        hits = self._search_all("indicators", query, ["taken_at", *_INDICATOR_ORDER])
        return [docs.indicator_from(hit) for hit in hits]

    def series(
        self,
        scope: str,
        level: str,
        measure: str,
        breakdown: str,
        category: str,
        since: str | None = None,
        until: str | None = None,
    ) -> list[Point]:
        ids = self._visible()
        if not ids:
            return []
        query = _filter(ids, since, until, scope=scope, level=level, measure=measure,
                        breakdown=breakdown, category=category)
        hits = self._search_all("indicators", query, ["taken_at", "snapshot_id"],
                                source=["snapshot_id", "taken_at", "value", "comparable",
                                        "cell_key"])
        return [Point(h["snapshot_id"], h["taken_at"] or "", int(h["value"]),
                      bool(h["comparable"]), docs.cell_key_of(h)) for h in hits]

    # -- fingerprints -----------------------------------------------------------
    def fingerprints(self, snapshot_id: str, subject: str | None = None) -> list[Fingerprint]:
        if not self._visible(snapshot_id):
            return []
        query = _filter([snapshot_id], kind=subject)  # the field keeps its first name
        hits = self._search_all("fingerprints", query, ["kind", "scope", "digest"])
        return [docs.fingerprint_from(hit) for hit in hits]

    def delete_window(self, window_id: str) -> int:
        self._ensure()
        deleted = self._delete_by_query("fingerprints", {"term": {"window_id": window_id}})
        if deleted:
            # a deleted document stays in its segment until a merge: expunge it now, so
            # the hashes go with their key rather than at some later merge
            with self._errors("expunging deleted fingerprints"):
                self._client.indices.forcemerge(index=self._index("fingerprints"),
                                                only_expunge_deletes=True)
        return deleted

    # -- reading ----------------------------------------------------------------
    def _search_all(self, kind: str, query: dict[str, Any], sort: list[str],
                    source: list[str] | bool = True) -> Iterator[dict[str, Any]]:
        """Every matching document's source, in ``sort`` order (which must be total),
        paged with search_after so no result window limits it."""
        self._ensure()
        after: list[Any] | None = None
        while True:
            with self._errors(f"searching {self._index(kind)}"):
                response = self._client.search(
                    index=self._index(kind), query=query, size=PAGE, source=source,
                    sort=[{field: "asc"} for field in sort], search_after=after,
                    track_total_hits=False)
            hits = response["hits"]["hits"]
            for hit in hits:
                yield hit["_source"]
            if len(hits) < PAGE:
                return
            after = hits[-1]["sort"]

    def drop(self) -> None:
        """Delete this prefix's indices and templates: everything the store holds.
        For demos and tests; an operator retires data with aliases (docs/ELASTICSEARCH.md)."""
        with self._errors("dropping the indices"):
            es_indices.drop(self._client, self.prefix)
        self._ready = False

    def close(self) -> None:
        self._client.close()


class _Refused(StoreError):
    """The server refused documents (a mapping or value error): not worth a retry."""


def _filter(snapshot_ids: list[str], since: str | None = None, until: str | None = None,
            **fields: str | list[str] | None) -> dict[str, Any]:
    filters: list[dict[str, Any]] = [{"terms": {"snapshot_id": snapshot_ids}}]
    for name, value in fields.items():
        if isinstance(value, list):
            filters.append({"terms": {name: value}})
        elif value is not None:
            filters.append({"term": {name: value}})
    period = {k: v for k, v in (("gte", since), ("lt", until)) if v is not None}
    if period:
        filters.append({"range": {"taken_at": period}})
    return {"bool": {"filter": filters}}


def describe_error(exc: Exception) -> str:
    """What went wrong, in one line (scrub it with the connection before showing it)."""
    if isinstance(exc, ApiError):
        return f"HTTP {exc.meta.status} {exc.error}: {_reason(exc.body) or exc.message}"
    return f"{type(exc).__name__}: {exc}"


def _reason(body: object) -> str:
    if isinstance(body, dict) and isinstance(body.get("error"), dict):
        return str(body["error"].get("reason", ""))
    return ""
