"""Records <-> Elasticsearch documents, and the deterministic ids that make writes idempotent.

A document has exactly the record's fields (the strict mappings refuse any other).
Two shape changes: an empty time is stored as null (a date field refuses ""), and a
site run's reason -> count maps become lists of {reason, count}, because a map with
free keys would need dynamic mapping. An indicator without a cell key has a null one.
"""

from __future__ import annotations

import hashlib
from typing import Any

from crawler.records import Fingerprint, Indicator, RunRecord, SiteRun


def doc_id(*parts: str) -> str:
    # the same record always gets the same id, so a retried write overwrites itself
    return hashlib.sha256("\x1f".join(parts).encode()).hexdigest()[:40]


def indicator_id(i: Indicator) -> str:
    return doc_id("indicator", *i.cell_id)


def fingerprint_id(f: Fingerprint) -> str:
    return doc_id("fingerprint", f.snapshot_id, f.subject, f.scope, f.digest)


def indicator_doc(i: Indicator) -> dict[str, Any]:
    return {"snapshot_id": i.snapshot_id, "taken_at": i.taken_at or None, "scope": i.scope,
            "level": i.level, "measure": i.measure, "breakdown": i.breakdown,
            "category": i.category, "value": i.value, "comparable": i.comparable,
            "cell_key": i.cell_key}


def indicator_from(doc: dict[str, Any]) -> Indicator:
    return Indicator(doc["snapshot_id"], doc["taken_at"] or "", doc["scope"], doc["level"],
                     doc["measure"], doc["breakdown"], doc["category"], int(doc["value"]),
                     comparable=bool(doc["comparable"]), cell_key=cell_key_of(doc))


def cell_key_of(doc: dict[str, Any]) -> int | None:
    # a document copied from schema 1 has no cell_key at all; one written since has it,
    # null when the indicator had none
    found = doc.get("cell_key")
    return None if found is None else int(found)


def fingerprint_doc(f: Fingerprint) -> dict[str, Any]:
    return {"window_id": f.window_id, "snapshot_id": f.snapshot_id, "kind": f.subject,
            "scope": f.scope, "digest": f.digest, "group": f.group}


def fingerprint_from(doc: dict[str, Any]) -> Fingerprint:
    return Fingerprint(doc["window_id"], doc["snapshot_id"], doc["kind"], doc["scope"],
                       doc["digest"], doc.get("group") or "")


def run_doc(run: RunRecord) -> dict[str, Any]:
    return {
        "snapshot_id": run.snapshot_id, "started_at": run.started_at or None,
        "finished_at": run.finished_at or None, "status": run.status,
        "config_hash": run.config_hash, "code_version": run.code_version,
        "window_id": run.window_id, "is_baseline": run.is_baseline, "reason": run.reason,
        "sites": [_site_doc(s) for s in run.sites],
    }


def run_from(doc: dict[str, Any]) -> RunRecord:
    sites = sorted((_site_from(s) for s in doc.get("sites") or ()), key=lambda s: s.site)
    return RunRecord(
        snapshot_id=doc["snapshot_id"], started_at=doc["started_at"] or "",
        status=doc["status"], config_hash=doc["config_hash"], code_version=doc["code_version"],
        window_id=doc["window_id"], is_baseline=bool(doc["is_baseline"]),
        finished_at=doc["finished_at"] or "", reason=doc["reason"], sites=tuple(sites),
    )


def _site_doc(site: SiteRun) -> dict[str, Any]:
    return {"site": site.site, "kind": site.kind, "status": site.health, "pages": site.pages,
            "items": site.items, "duration_s": site.duration_s,
            "errors": _counts(site.errors), "dropped": _counts(site.dropped),
            "filled": _counts(site.filled)}


def _site_from(doc: dict[str, Any]) -> SiteRun:
    return SiteRun(doc["site"], doc["kind"], doc["status"], int(doc["pages"]), int(doc["items"]),
                   _uncount(doc.get("errors")), _uncount(doc.get("dropped")),
                   float(doc["duration_s"]), _uncount(doc.get("filled")))


def _counts(values: dict[str, int]) -> list[dict[str, Any]]:
    return [{"reason": reason, "count": count} for reason, count in sorted(values.items())]


def _uncount(values: list[dict[str, Any]] | None) -> dict[str, int]:
    return {v["reason"]: int(v["count"]) for v in sorted(values or (), key=lambda v: v["reason"])}
