"""The audit's check of the delivery records (crawler/delivery/records.py): what the
e-mails left behind on this machine holds no content and no count.

Read straight from the job store file, as the audit reads the store: the two delivery
tables must have exactly the columns the code gives them (a column for a body, a
subject or an address would be a finding), every kind, län and state must be one the
code knows, and no text (the servers' reasons above all) may look like content. The
coordinators' and the sender's addresses and the SMTP host are configuration, not
content, and are allowed (``allowed``)."""

from __future__ import annotations

import re
import sqlite3
from pathlib import Path

from crawler.audit.content import KINDS, Findings, scan_text
from crawler.audit.report import Check
from crawler.config import LoadedConfig
from crawler.report.lan import COUNTIES

_PERIOD = re.compile(r"^\d{4}-W\d{2}( \S+)?$|^[0-9A-Za-z-]+$")  # a week (test: + time), a snapshot


def delivery_strings(loaded: LoadedConfig) -> list[str]:
    """What the delivery section configures that may show up in records and logs."""
    section = loaded.config.delivery
    out = [section.sender or "", section.smtp.host, *section.national]
    for addresses in section.lan.values():
        out += addresses
    return [s for s in out if s]


def deliveries_check(loaded: LoadedConfig, allowed: list[str]) -> Check:
    from crawler.delivery.records import COLUMNS
    from crawler.delivery.records import KINDS as DELIVERY_KINDS

    check = Check("deliveries", "the e-mail delivery records hold no content and no count")
    path: Path = loaded.job_store_path
    if not path.exists():
        check.notes.append(f"{path} does not exist: nothing was delivered")
        return check
    db = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    try:
        tables = {n for (n,) in db.execute("SELECT name FROM sqlite_master WHERE type='table'")}
        if "adcensus_deliveries" not in tables:
            check.notes.append("no delivery records (delivery was never used)")
            return check
        for table, expected in COLUMNS.items():
            if table not in tables:
                check.failures.append(f"table {table} is missing")
                continue
            found = tuple(row[1] for row in db.execute(f'PRAGMA table_info("{table}")'))
            extra = sorted(set(found) - set(expected))
            if extra:
                check.failures.append(f"{table} has column(s) the code does not write: "
                                      f"{', '.join(extra)}")
        known = {c.iso for c in COUNTIES} | {"SE"}
        rows = db.execute("SELECT kind, county, period, state, reason, message_id "
                          "FROM adcensus_deliveries").fetchall()
        reasons = [r for (r,) in db.execute("SELECT reason FROM adcensus_delivery_attempts")]
    finally:
        db.close()
    findings = Findings()
    for kind, county, period, state, reason, message_id in rows:
        if kind not in DELIVERY_KINDS or county not in known or not _PERIOD.match(period):
            check.failures.append(f"a delivery record of unknown shape (kind {kind!r}, län "
                                  f"{county!r})")
        for text in (reason, message_id):
            scan_text(text, KINDS, allowed, findings)
    for reason in reasons:
        scan_text(reason, KINDS, allowed, findings)
    if findings:
        check.failures.append(f"{path}: delivery records: {findings.describe(lines=False)}")
    check.notes.append(f"{len(rows)} delivery record(s) and {len(reasons)} attempt(s) read")
    return check
