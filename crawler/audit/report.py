"""The audit's result: checks that pass or fail, the store's inventory, and two renderings
(a text report for a person, JSON for a file the auditor keeps). Neither ever contains
a key, a digest or any matched text: findings name places and counts."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any

from crawler.audit.windows import Window
from crawler.store.inspect import Container


@dataclass
class Check:
    name: str
    title: str  # what passing means, in one line
    failures: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)

    @property
    def passed(self) -> bool:
        return not self.failures

    def to_plain(self) -> dict[str, Any]:
        return {"name": self.name, "title": self.title, "passed": self.passed,
                "failures": self.failures, "notes": self.notes}


@dataclass
class AuditReport:
    audited_at: str
    version: str
    config: str
    store: dict[str, Any]
    inventory: list[Container]
    windows: list[Window]
    checks: list[Check]
    scanned: dict[str, Any]

    @property
    def passed(self) -> bool:
        return all(c.passed for c in self.checks)

    def check(self, name: str) -> Check:
        return next(c for c in self.checks if c.name == name)

    def to_plain(self) -> dict[str, Any]:
        return {
            "adcensus_audit": 1,
            "passed": self.passed,
            "audited_at": self.audited_at,
            "adcensus_version": self.version,
            "config": self.config,
            "store": self.store,
            "inventory": [{"name": c.name, "kind": c.kind, "record": c.record, "rows": c.rows,
                           "fields": [{"name": f.name, "type": f.type} for f in c.fields]}
                          for c in self.inventory],
            "windows": [w.to_plain() for w in self.windows],
            "checks": [c.to_plain() for c in self.checks],
            "scanned": self.scanned,
        }

    def to_json(self) -> str:
        return json.dumps(self.to_plain(), indent=2, ensure_ascii=False)

    def render(self) -> str:
        failed = [c for c in self.checks if not c.passed]
        lines = [f"adcensus audit, {self.audited_at} (adcensus {self.version})",
                 f"config: {self.config}",
                 f"store:  {self.store['backend']} {self.store['location']}"
                 + ("" if self.store["exists"] else " (does not exist: nothing stored)"), ""]
        lines.append("What the store holds")
        if not self.inventory:
            lines.append("  nothing")
        for c in self.inventory:
            if c.kind not in ("table", "index") or (c.kind == "index" and not c.fields):
                continue  # SQLite's own indices are listed in the JSON report
            holds = f"{c.record}, " if c.record else ""
            lines.append(f"  {c.kind} {c.name} ({holds}{c.rows if c.rows is not None else '?'} rows)")
            for f in c.fields:
                lines.append(f"      {f.name:<28} {f.type}")
        schema_objects = [c for c in self.inventory if c.kind != "table" and not c.fields]
        if schema_objects:
            lines.append(f"  and {len(schema_objects)} SQLite index(es) of those tables: "
                         + ", ".join(c.name for c in schema_objects))
        lines += ["", "Baseline windows"]
        if not self.windows:
            lines.append("  none")
        for w in self.windows:
            lines.append(f"  {w.window_id:<28} {w.state:<18} {w.fingerprints:>8} fingerprints  "
                         f"key: {w.key or '-'}")
        lines += ["", "Checks"]
        for c in self.checks:
            lines.append(f"  {'PASS' if c.passed else 'FAIL'}  {c.name}: {c.title}")
            for failure in c.failures:
                lines.append(f"        ✗ {failure}")
            for note in c.notes:
                lines.append(f"        · {note}")
        s = self.scanned
        lines += ["", f"Scanned {s['files']} file(s), {s['bytes']:,} bytes, under: "
                      + (", ".join(s["roots"]) or "-")]
        lines.append("")
        lines.append("RESULT: PASS" if not failed else
                     f"RESULT: FAIL ({len(failed)} of {len(self.checks)} checks failed: "
                     f"{', '.join(c.name for c in failed)})")
        return "\n".join(lines)
