"""The files the audit reads: data and log directories, and temporary directories.

Every regular file under the data directory and the log directories is read, except
those checked another way (the store's own files, the key directory) and the
configuration itself. Log files are prose by nature, so in them only contact details
and listing URLs count; in any other file long free text counts too.
"""

from __future__ import annotations

import os
import re
import tempfile
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from html.parser import HTMLParser
from pathlib import Path

from crawler.audit.content import EMAIL, KINDS, PHONE, URL, Findings, scan_text
from crawler.processes import alive as _alive

LOG_KINDS = (PHONE, EMAIL, URL)
CHUNK = 4 << 20  # bytes read at a time: a year of logs is not read into memory at once
MEMORY_DIRS = (Path("/dev/shm"), Path("/run/shm"))
# what a snapshot process leaves in a temporary directory when it dies before its
# clean-up: its own directory, and what Playwright names its profiles and artefacts
TEMP_PATTERNS = ("adcensus-*", "playwright-artifacts-*", "playwright_chromiumdev_profile-*")
_SNAPSHOT_PID = re.compile(r"^adcensus-snapshot-(\d+)-")


@dataclass
class ScannedFile:
    path: Path
    role: str  # "log", "output" (reports, exports) or "data"
    size: int
    findings: Findings


@dataclass
class FileScan:
    roots: list[Path] = field(default_factory=list)
    files: list[ScannedFile] = field(default_factory=list)
    skipped: list[tuple[Path, str]] = field(default_factory=list)  # path, why
    unreadable: list[tuple[Path, str]] = field(default_factory=list)

    @property
    def bytes(self) -> int:
        return sum(f.size for f in self.files)


def is_log(path: Path, log_dirs: Iterable[Path]) -> bool:
    name = path.name
    if name.endswith(".log") or ".log." in name or name in ("stderr", "stdout"):
        return True
    return any(_within(path, d) for d in log_dirs) or "logs" in path.parent.parts[-2:]


def scan_files(roots: Iterable[Path], log_dirs: Iterable[Path], skip: dict[Path, str],
               allowed: Iterable[str] = (), output_dirs: Iterable[Path] = ()) -> FileScan:
    """Scan every regular file under ``roots`` except those in ``skip`` (path -> why;
    a directory skips everything under it). Files under ``output_dirs`` are reports and
    exports: prose by design (a method note), so, as in logs, contact details and
    listing URLs count there, free text does not."""
    log_dirs = [d.resolve() for d in log_dirs]
    output_dirs = [d.resolve() for d in output_dirs]
    skip = {p.resolve(): why for p, why in skip.items()}
    allowed = tuple(a for a in allowed if a)
    result = FileScan()
    seen: set[Path] = set()
    for root in roots:
        root = root.resolve()
        result.roots.append(root)
        for path in _walk(root, skip, result):
            if path in seen:
                continue
            seen.add(path)
            role = ("output" if any(_within(path, d) for d in output_dirs)
                    else "log" if is_log(path, log_dirs) else "data")
            try:
                if role == "output" and path.suffix.lower() in (".html", ".htm", ".svg"):
                    findings, size = _scan_markup(path, allowed)
                elif role == "output" and path.suffix.lower() == ".pdf":
                    findings, size = _scan_pdf(path, allowed)
                else:
                    findings, size = _scan_file(path, KINDS if role == "data" else LOG_KINDS,
                                                allowed)
            except OSError as exc:
                result.unreadable.append((path, exc.strerror or type(exc).__name__))
                continue
            result.files.append(ScannedFile(path, role, size, findings))
    return result


def _walk(root: Path, skip: dict[Path, str], result: FileScan) -> Iterator[Path]:
    if not root.exists():
        return
    if root.is_file():
        yield root
        return
    for directory, dirs, files in os.walk(root, followlinks=False):
        here = Path(directory)
        for name in sorted(dirs):
            if (here / name) in skip:
                result.skipped.append((here / name, skip[here / name]))
                dirs.remove(name)
        dirs.sort()
        for name in sorted(files):
            path = here / name
            if path in skip:
                result.skipped.append((path, skip[path]))
            elif path.is_symlink():
                result.skipped.append((path, f"a symbolic link to {os.readlink(path)}"))
            elif path.is_file():
                yield path


def _scan_file(path: Path, kinds: Iterable[str], allowed: tuple[str, ...]) -> tuple[Findings, int]:
    findings = Findings()
    size, first, batch = 0, 1, []

    def flush() -> int:
        text = b"".join(batch).decode("utf-8", "replace")
        scan_text(text, kinds, allowed, findings, first_line=first)
        batch.clear()
        return first + text.count("\n")

    pending = 0
    with path.open("rb") as fh:
        for raw in fh:
            batch.append(raw)
            size += len(raw)
            pending += len(raw)
            if pending >= CHUNK:
                first, pending = flush(), 0
    flush()
    return findings, size


class _Text(HTMLParser):
    """The text a reader sees, line by line, and the links a page holds: a report's
    markup (chart paths, namespace URLs) is neither content nor a listing's address."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.lines: dict[int, list[str]] = {}

    def handle_data(self, data: str) -> None:
        line = self.getpos()[0]
        for offset, text in enumerate(data.split("\n")):
            if text.strip():
                self.lines.setdefault(line + offset, []).append(text)

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        for name, value in attrs:
            if name in ("href", "src", "action") and value:
                self.lines.setdefault(self.getpos()[0], []).append(value)


def _scan_markup(path: Path, allowed: tuple[str, ...]) -> tuple[Findings, int]:
    raw = path.read_bytes()
    parser = _Text()
    parser.feed(raw.decode("utf-8", "replace"))
    parser.close()
    findings = Findings()
    for line, texts in sorted(parser.lines.items()):
        scan_text(" ".join(texts), LOG_KINDS, allowed, findings, first_line=line)
    return findings, len(raw)


def _scan_pdf(path: Path, allowed: tuple[str, ...]) -> tuple[Findings, int]:
    """A report's PDF as a reader sees it: the text of its pages (kept in compressed
    streams, which a scan of its bytes never sees) and its metadata. Its bytes in the
    clear are font metrics and offsets, digits that read as phone numbers, so they are
    scanned only for what sits there in the clear: link addresses and e-mail addresses.
    A PDF the library cannot open is read byte by byte, as any other file."""
    import pypdfium2

    raw = path.read_bytes()
    try:
        document = pypdfium2.PdfDocument(raw)
    except pypdfium2.PdfiumError:
        return _scan_file(path, LOG_KINDS, allowed)
    findings = scan_text(raw.decode("utf-8", "replace"), (EMAIL, URL), allowed)
    try:
        # found in a page's text: said as that page's line, which a reader can find
        parts = [("metadata", " ".join(str(v) for v in document.get_metadata_dict().values()))]
        parts += [(f"page {number}", page.get_textpage().get_text_range())
                  for number, page in enumerate(document, 1)]
    finally:
        document.close()
    for part, text in parts:
        scan_text(text, LOG_KINDS, allowed, findings, part=part)
    return findings, len(raw)


@dataclass(frozen=True, slots=True)
class TempLeftover:
    path: Path
    files: int
    in_use_by: int | None  # a live snapshot process's id


def temp_leftovers(roots: Iterable[Path] | None = None) -> list[TempLeftover]:
    """Snapshot and browser temporary directories under ``roots`` (default: the
    memory-backed directories and the system's temporary directory)."""
    if roots is None:
        roots = [*MEMORY_DIRS, Path(tempfile.gettempdir())]
    found: dict[Path, TempLeftover] = {}
    uid = os.getuid()
    for root in roots:
        if not root.is_dir():
            continue
        for pattern in TEMP_PATTERNS:
            for path in root.glob(pattern):
                try:
                    if path.lstat().st_uid != uid or path.resolve() in found:
                        continue  # another user's: not ours to judge
                except OSError:
                    continue
                files = sum(len(f) for _, _, f in os.walk(path)) if path.is_dir() else 1
                match = _SNAPSHOT_PID.match(path.name)
                pid = int(match.group(1)) if match else None
                found[path.resolve()] = TempLeftover(path, files,
                                                     pid if pid and _alive(pid) else None)
    return sorted(found.values(), key=lambda t: str(t.path))


def _within(path: Path, directory: Path) -> bool:
    try:
        path.relative_to(directory)
        return True
    except ValueError:
        return False
