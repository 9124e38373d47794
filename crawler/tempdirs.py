"""The snapshot process's temporary directories: in RAM where the machine has it.

Chromium's profile and Scrapy's scratch files live here, so whatever a page leaves
behind dies with the process or is removed after it: by the process on its way out,
after a kill -9 by whoever killed it (the runner) or by the next snapshot
(``sweep_stale_tempdirs``). `adcensus sites check` uses the same kind of directory.
"""

from __future__ import annotations

import os
import shutil
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from crawler.processes import alive as _alive

MEMORY_DIRS = ("/dev/shm", "/run/shm")
TEMPDIR_PREFIX = "adcensus-snapshot-"  # + "<pid>-"


def memory_tempdir() -> Path:
    """A private temporary directory in RAM when the machine has one."""
    prefix = f"{TEMPDIR_PREFIX}{os.getpid()}-"
    for candidate in MEMORY_DIRS:
        if os.path.isdir(candidate) and os.access(candidate, os.W_OK):
            return Path(tempfile.mkdtemp(prefix=prefix, dir=candidate))
    return Path(tempfile.mkdtemp(prefix=prefix))


def tempdirs(pid: int | None = None) -> list[Path]:
    """The snapshot temporary directories on this machine, of one process or of all."""
    pattern = f"{TEMPDIR_PREFIX}{pid if pid is not None else '*'}-*"
    roots = [Path(d) for d in MEMORY_DIRS if os.path.isdir(d)] + [Path(tempfile.gettempdir())]
    return sorted({p for root in roots for p in root.glob(pattern) if p.is_dir()})


def remove_tempdirs(pid: int) -> None:
    """Remove what a snapshot process killed with SIGKILL left in RAM (Chromium's profile)."""
    for path in tempdirs(pid):
        shutil.rmtree(path, ignore_errors=True)


def sweep_stale_tempdirs() -> None:
    """Remove the temporary directories of snapshot processes that no longer exist."""
    for path in tempdirs():
        try:
            pid = int(path.name[len(TEMPDIR_PREFIX):].split("-", 1)[0])
        except ValueError:
            continue
        if pid != os.getpid() and not _alive(pid):
            shutil.rmtree(path, ignore_errors=True)


@contextmanager
def in_memory_tempdir() -> Iterator[Path]:
    """This process's temporary files in a private RAM directory, removed on the way out.
    Chromium, Playwright's driver and Python all take TMPDIR: nothing lands on disk."""
    sweep_stale_tempdirs()
    tmp = memory_tempdir()
    os.environ["TMPDIR"] = str(tmp)
    tempfile.tempdir = str(tmp)
    try:
        yield tmp
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
