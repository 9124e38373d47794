"""Files written whole or not at all: the one way adcensus writes a file for people.

Every file is first written to a temporary name in its directory, flushed to disk, and
only then renamed over its final name (a rename within one directory is atomic), so a
crash leaves either the old file or the new one, never half of one. Temporary files of a
write that fails are removed.
"""

from __future__ import annotations

import os
import secrets
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path


class Staging:
    """Files written under temporary names, renamed into place together by ``commit``."""

    def __init__(self, directory: Path) -> None:
        self.directory = directory
        self.pending: list[tuple[Path, Path]] = []  # (temporary, final)

    def write(self, name: str, fill: Callable[[Path], object]) -> None:
        final = self.directory / name
        temporary = self.directory / f".{name}.{secrets.token_hex(4)}.tmp"
        # O_EXCL: never write through a file or link that is already there; 0o666 minus
        # the umask, as for any file a person saves
        os.close(os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o666))
        self.pending.append((temporary, final))
        fill(temporary)
        with open(temporary, "rb+") as fh:
            os.fsync(fh.fileno())

    def commit(self) -> list[Path]:
        for temporary, final in self.pending:
            os.replace(temporary, final)
        sync_directory(self.directory)
        done = [final for _, final in self.pending]
        self.pending = []
        return done

    def discard(self) -> None:
        for temporary, _ in self.pending:
            temporary.unlink(missing_ok=True)
        self.pending = []


@contextmanager
def staging(directory: Path) -> Iterator[Staging]:
    stage = Staging(directory)
    try:
        yield stage
    finally:
        stage.discard()  # whatever was not committed


def sync_directory(directory: Path) -> None:
    # the renames themselves reach the disk only with the directory
    fd = os.open(directory, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def write_atomically(target: Path, data: bytes) -> None:
    """One file, whole or not at all."""
    with staging(target.parent) as stage:
        stage.write(target.name, lambda path: path.write_bytes(data))
        stage.commit()
