"""`adcensus audit`: check, without trusting the code that wrote it, that adcensus keeps
only aggregated indicators (docs/PRIVACY.md, "The privacy model").

Seven checks, each pass or fail:

- ``store-schema``: every table or index and field the store holds belongs to one of the
  three record types (Indicator, RunRecord, Fingerprint), with the type the code gives it;
- ``store-content``: no stored text value looks like content (phone numbers, e-mail
  addresses, URLs with a path, free text);
- ``retention``: fingerprints exist only for the live baseline window; none of an ended
  window, none deleted but still readable;
- ``keys``: key files (and ``ADCENSUS_KEY_*`` variables) match the live windows, are
  owner-only, and nothing else is in the key directory;
- ``files``: no file under the data and log directories holds content (reports and
  exports under ``<data_dir>/reports`` and ``/exports`` are read as prose by design);
- ``temporary``: no snapshot or browser temporary directory was left behind;
- ``deliveries``: the e-mail delivery records hold no content (crawler/audit/deliveries.py).

The audit reads; it writes nothing and deletes nothing (`adcensus keys retire` does).
"""

from __future__ import annotations

import re
import stat
from collections.abc import Iterable, Mapping
from datetime import UTC, datetime
from pathlib import Path

from crawler import __version__
from crawler.audit.content import KINDS, Findings, scan_text
from crawler.audit.deliveries import deliveries_check, delivery_strings
from crawler.audit.files import scan_files, temp_leftovers
from crawler.audit.report import AuditReport, Check
from crawler.audit.windows import ENDED, MISSING_KEY, ORPHAN, STALE, Window, windows
from crawler.config import LoadedConfig
from crawler.keys import KEY_SUFFIX, LEGACY_CELL_KEY_FILE, RECORD_SECRET_FILE, KeyRing
from crawler.store.inspect import Inspection, inspect_store

__all__ = ["AuditReport", "Check", "run_audit"]

_HEX_KEY = re.compile(r"^[0-9a-fA-F]{64}\n?$")
# values the store keeps by design that the heuristics would misread: ISO times carry
# digits a phone pattern could take, and fingerprints are long hex
_NOT_TEXT_FIELDS = ("digest", "grp", "group", "taken_at", "started_at", "finished_at")


def run_audit(loaded: LoadedConfig, *, now: datetime | None = None,
              env: Mapping[str, str] | None = None,
              temp_roots: Iterable[Path] | None = None,
              extra_paths: Iterable[Path] = ()) -> AuditReport:
    now = now or datetime.now(UTC)
    keyring = KeyRing(loaded.keys_dir, env)
    inspection = inspect_store(loaded.store_url)
    found = windows(inspection.runs, inspection.fingerprints_by_window, keyring,
                    loaded.config.baseline.window_days, now)
    allowed = configured_strings(loaded)
    running = [r.snapshot_id for r in inspection.runs if r.status == "running"]

    checks = [
        _schema_check(inspection),
        _content_check(inspection, allowed),
        _retention_check(inspection, found),
        _keys_check(keyring, found, running),
    ]
    files_check, scanned = _files_check(loaded, inspection, allowed, list(extra_paths))
    checks.append(files_check)
    checks.append(_temp_check(temp_roots, running))
    checks.append(deliveries_check(loaded, allowed))
    return AuditReport(
        audited_at=now.astimezone(UTC).isoformat(timespec="seconds"),
        version=__version__,
        config=str(loaded.path),
        store={"backend": inspection.backend, "location": inspection.location,
               "exists": inspection.exists},
        inventory=inspection.containers,
        windows=found,
        checks=checks,
        scanned=scanned,
    )


def configured_strings(loaded: LoadedConfig) -> list[str]:
    """Strings the operator configured, which may show up in logs and are not content:
    the user agent (often with a contact address), the base URL, the start URLs."""
    out = [loaded.config.crawl.user_agent, loaded.config.sites.base_url or ""]
    out += re.findall(r"\S+@\S+|\S+://\S+", loaded.config.crawl.user_agent)
    out += delivery_strings(loaded)  # the coordinators' addresses (delivery:)
    for site in loaded.sites:
        try:
            out += site.resolved_start_urls(loaded.config.sites.base_url)
        except Exception:  # an unresolvable start URL is the config check's business
            out += list(site.start_urls)
    return sorted({s.strip("()<>;,") for s in out if s}, key=len, reverse=True)


# -- the store ----------------------------------------------------------------------------

def _schema_check(inspection: Inspection) -> Check:
    check = Check("store-schema", "the store holds the three record types and nothing else")
    check.failures += inspection.problems
    if inspection.malformed_fingerprints:
        check.failures.append(f"{inspection.malformed_fingerprints} fingerprint(s) whose "
                              "digest or group is not a 64-character keyed hash")
    check.notes += inspection.notes
    if not inspection.exists:
        check.notes.append("the store does not exist yet: it holds nothing")
    return check


def _content_check(inspection: Inspection, allowed: list[str]) -> Check:
    check = Check("store-content", "no stored value looks like page content")
    values = 0
    for (container, name), texts in sorted(inspection.texts.items()):
        if name.rsplit(".", 1)[-1] in _NOT_TEXT_FIELDS:
            continue
        findings = Findings()
        for text in texts:
            values += 1
            scan_text(text, KINDS, allowed, findings)
        if findings:
            check.failures.append(f"{container}.{name}: {findings.describe(lines=False)}")
    check.notes.append(f"{values} distinct text value(s) read")
    return check


def _retention_check(inspection: Inspection, found: list[Window]) -> Check:
    check = Check("retention", "fingerprints exist only for the live baseline window")
    for w in found:
        if w.state == STALE:
            check.failures.append(
                f"window {w.window_id}: {w.fingerprints} fingerprint(s) kept after the window "
                "ended (a later baseline opened a new window); `adcensus keys retire` deletes "
                "them")
        elif w.state == ENDED and w.fingerprints:
            check.failures.append(
                f"window {w.window_id}: {w.fingerprints} fingerprint(s) kept past the window's "
                f"end ({_day(w.ends)}); the next snapshot retires them, or `adcensus keys retire`")
    known = {w.window_id for w in found if w.opened is not None}
    for w in found:
        if w.fingerprints and w.window_id not in known:
            check.failures.append(f"window {w.window_id}: {w.fingerprints} fingerprint(s) of a "
                                  "window no run record names")
    check.failures += inspection.residue
    live = [w for w in found if w.state in ("live", MISSING_KEY)]
    check.notes += [f"live window {w.window_id} ({_day(w.opened)} to {_day(w.ends)}): "
                    f"{w.fingerprints} fingerprint(s)"
                    + _by_subject(inspection.fingerprints_by_subject.get(w.window_id, {}))
                    for w in live]
    return check


def _by_subject(counts: dict[str, int]) -> str:
    """How many of a window's fingerprints are of each subject: the similarity ones (keyed
    band digests) are counted apart, as they are the newest kind."""
    if not counts:
        return ""
    return " (" + ", ".join(f"{n} {subject}" for subject, n in counts.items()) + ")"


def _keys_check(keyring: KeyRing, found: list[Window], running: list[str]) -> Check:
    check = Check("keys", "key files and variables match the live windows and are owner-only")
    for w in found:
        if w.state == MISSING_KEY:
            check.failures.append(f"window {w.window_id} is live but has no key (file or "
                                  "variable): its next snapshot cannot be compared")
        elif w.key and w.state in (ENDED, STALE, ORPHAN):
            where = (f"variable {w.key_name}" if w.key == "environment"
                     else f"file {keyring.directory / w.key_name}")
            why = ("names no window the store knows" if w.window_id == "?"
                   else f"is for window {w.window_id}, which is not live ({w.state})")
            fix = ("unset it" if w.key == "environment"
                   else "`adcensus keys retire` deletes it with the window's fingerprints")
            check.failures.append(f"key {where} {why}: {fix}")
    for name in keyring.env_keys():
        if not _HEX_KEY.match(keyring.env.get(name, "")):
            check.failures.append(f"variable {name} does not hold a 64-hex-character key")
    directory = keyring.directory
    if directory.is_dir():
        mode = stat.S_IMODE(directory.stat().st_mode)
        if mode & 0o077:
            check.failures.append(f"key directory {directory} is open to others "
                                  f"(mode {mode:04o}); it must be 0700")
        for entry in sorted(directory.iterdir()):
            if entry.is_symlink() or not entry.is_file():
                check.failures.append(f"{entry} in the key directory is not a regular file")
                continue
            mode = stat.S_IMODE(entry.stat().st_mode)
            if mode & 0o077:
                check.failures.append(f"key file {entry} is readable by others "
                                      f"(mode {mode:04o}); it must be 0600")
            if entry.name in (RECORD_SECRET_FILE, LEGACY_CELL_KEY_FILE):
                continue  # the record key secret (crawler/keys.py): no window's
            if not entry.name.endswith(KEY_SUFFIX):
                check.failures.append(f"{entry} in the key directory is no key file")
            elif not _HEX_KEY.match(entry.read_text(errors="replace")):
                check.failures.append(f"key file {entry} does not hold a 64-hex-character key")
        check.notes.append(f"key directory {directory}")
    else:
        check.notes.append(f"key directory {directory} does not exist (no key kept)")
    if running:
        check.notes.append(f"snapshot(s) running: {', '.join(running)}; a new window's key "
                           "may appear before its run completes")
    return check


# -- files ----------------------------------------------------------------------------------

def _files_check(loaded: LoadedConfig, inspection: Inspection, allowed: list[str],
                 extra: list[Path]) -> tuple[Check, dict[str, object]]:
    check = Check("files", "no file under the data and log directories holds content")
    skip: dict[Path, str] = {p: "the store (inspected above)" for p in inspection.files}
    skip[loaded.keys_dir] = "the key directory (checked above)"
    skip[loaded.path] = "the configuration"
    log_dirs = loaded.log_dirs
    roots = [loaded.data_dir, *log_dirs, *extra]
    scan = scan_files(roots, [*log_dirs, *extra], skip, allowed,
                      output_dirs=[loaded.reports_dir, loaded.exports_dir])
    for scanned in scan.files:
        if scanned.findings:
            check.failures.append(f"{scanned.path} ({scanned.role}): "
                                  f"{scanned.findings.describe()}")
    for path, why in scan.unreadable:
        check.failures.append(f"{path} could not be read ({why}): it cannot be verified")
    for root in roots:
        if not root.exists():
            check.notes.append(f"{root} does not exist")
    logs = sum(f.role == "log" for f in scan.files)
    outputs = sum(f.role == "output" for f in scan.files)
    check.notes.append(f"{len(scan.files)} file(s) read ({logs} log file(s), {outputs} report "
                       "or export file(s)); "
                       f"skipped: {', '.join(sorted({why for _, why in scan.skipped})) or '-'}")
    if not log_dirs:
        check.notes.append("no privacy.log_dirs configured: logs kept elsewhere (journald, "
                           "a log collector) are not read by this audit (docs/PRIVACY.md)")
    scanned = {"files": len(scan.files), "bytes": scan.bytes,
               "roots": [str(r) for r in scan.roots]}
    return check, scanned


def _temp_check(roots: Iterable[Path] | None, running: list[str]) -> Check:
    check = Check("temporary", "no snapshot or browser temporary directory was left behind")
    roots = list(roots) if roots is not None else None
    leftovers = temp_leftovers(roots)
    for left in leftovers:
        if left.in_use_by is not None:
            check.notes.append(f"{left.path}: in use by snapshot process {left.in_use_by}")
        elif running and left.path.name.startswith("adcensus-"):
            check.notes.append(f"{left.path}: a snapshot is running ({', '.join(running)})")
        else:
            check.failures.append(f"{left.path} ({left.files} file(s)) was left behind by a "
                                  "snapshot or browser process that is gone: delete it")
    where = roots if roots is not None else "the memory-backed and system temporary directories"
    check.notes.append(f"looked in {where if isinstance(where, str) else ', '.join(map(str, where))}")
    return check


def _day(moment: datetime | None) -> str:
    return moment.astimezone(UTC).strftime("%Y-%m-%d %H:%M UTC") if moment else "?"
