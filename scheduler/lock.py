"""One snapshot per store at a time: an advisory lock file next to the store.

``fcntl.flock`` locks belong to the open file, not to a process id, so:

- the kernel releases the lock when the last holder dies, however it dies (kill -9,
  power cut): a stale lock file never blocks the next snapshot;
- the runner in ``adcensus serve`` takes the lock, then hands the same open file to
  the snapshot subprocess (``--lock-fd``): the lock is held while *either* of them is
  alive, so neither the snapshot nor the runner's clean-up after it can overlap with
  another snapshot of the same store.

The lock is per store, not per config file: two configs writing one store would still
mark each other's running snapshot as interrupted, so they exclude each other too.
"""

from __future__ import annotations

import fcntl
import os
from pathlib import Path

from crawler.config import LoadedConfig
from crawler.store import SQLITE

SKIPPED_RUNNING = "skipped: another snapshot of this configuration is running"


def lock_path(loaded: LoadedConfig) -> Path:
    """``<store file>.lock`` for SQLite, else ``<data_dir>/snapshot.lock``."""
    url = loaded.store_url
    if url.startswith(SQLITE):
        return Path(url[len(SQLITE):] + ".lock")
    return loaded.data_dir / "snapshot.lock"


class SnapshotLock:
    def __init__(self, path: Path, fd: int | None = None) -> None:
        self.path = path
        self._fd = fd  # an inherited descriptor that already refers to the lock file

    @classmethod
    def inherited(cls, path: Path, fd: int) -> SnapshotLock:
        return cls(path, fd)

    @property
    def fd(self) -> int:
        if self._fd is None:
            raise RuntimeError("lock not acquired")
        return self._fd

    def acquire(self) -> bool:
        """Take the lock without waiting; False when another process holds it."""
        if self._fd is None:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            # O_CLOEXEC (Python's default): only a child given --lock-fd inherits it
            self._fd = os.open(self.path, os.O_RDWR | os.O_CREAT, 0o600)
        try:
            # on a descriptor that already holds the lock (an inherited one) this succeeds
            fcntl.flock(self._fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            self.close()
            return False
        return True

    def close(self) -> None:
        """Let go of this descriptor. No LOCK_UN: a child that shares the open file
        keeps the lock until it exits too."""
        if self._fd is not None:
            os.close(self._fd)
            self._fd = None

    def __enter__(self) -> SnapshotLock:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def holder(path: Path) -> int | None:
    """The process id holding the lock, read from /proc/locks (Linux): looking never takes
    the lock, so `adcensus status` cannot make a starting snapshot skip. None: not held,
    or not knowable here."""
    try:
        stat = path.stat()
        table = Path("/proc/locks").read_text()
    except OSError:
        return None
    for line in table.splitlines():
        fields = line.split()
        # "1: FLOCK  ADVISORY  WRITE 4242 08:01:131 0 EOF"; "->" marks a waiter
        if len(fields) >= 6 and fields[1] == "FLOCK" and "->" not in fields:
            major, minor, ino = fields[5].split(":")
            device = os.makedev(int(major, 16), int(minor, 16))
            if int(ino) == stat.st_ino and device == stat.st_dev:
                return int(fields[4])
    return None
