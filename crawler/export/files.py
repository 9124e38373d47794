"""Writing the export's files: CSV or Parquet, each whole or not at all.

Every file is first written to a temporary name in the output directory, flushed to disk,
and only then renamed over its final name (a rename within one directory is atomic), so
a crash leaves either the old file or the new one, never half of one. The temporary
files of an export that fails are removed.
"""

from __future__ import annotations

import csv
import os
import secrets
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import datetime
from pathlib import Path
from typing import Any

from crawler.export.columns import BOOLEAN, INTEGER, NUMBER, STRING, TIMESTAMP, Column
from crawler.export.tables import Frame

FORMATS = ("csv", "parquet")


class Staging:
    """Files written under temporary names, renamed into place together by ``commit``."""

    def __init__(self, directory: Path) -> None:
        self.directory = directory
        self.pending: list[tuple[Path, Path]] = []  # (temporary, final)

    def write(self, name: str, fill: Callable[[Path], None]) -> None:
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
        _sync_directory(self.directory)
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


def _sync_directory(directory: Path) -> None:
    # the renames themselves reach the disk only with the directory
    fd = os.open(directory, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


# -- CSV ------------------------------------------------------------------------------------

def _csv_text(column: Column, value: Any) -> str:
    if value is None:
        return ""  # an empty field: the under-18 flag's value, or no time
    if column.type == BOOLEAN:
        return "true" if value else "false"
    return str(value)


def write_csv(frame: Frame, path: Path) -> None:
    with open(path, "w", encoding="utf-8", newline="") as fh:
        writer = csv.writer(fh, lineterminator="\n")
        writer.writerow(frame.names)
        columns = frame.columns
        for row in frame.rows:
            writer.writerow([_csv_text(c, v) for c, v in zip(columns, row)])


# -- Parquet --------------------------------------------------------------------------------

def _arrow_type(column: Column) -> Any:
    import pyarrow as pa

    # milliseconds: Parquet has no unit of seconds (pyarrow would coerce to this anyway)
    return {STRING: pa.string(), TIMESTAMP: pa.timestamp("ms", tz="UTC"), INTEGER: pa.int64(),
            BOOLEAN: pa.bool_(), NUMBER: pa.float64()}[column.type]


def write_parquet(frame: Frame, path: Path) -> None:
    import pyarrow as pa
    import pyarrow.parquet as pq

    fields = [pa.field(c.name, _arrow_type(c), nullable=c.nullable) for c in frame.columns]
    arrays = []
    for n, column in enumerate(frame.columns):
        values = [row[n] for row in frame.rows]
        if column.type == TIMESTAMP:
            values = [datetime.fromisoformat(v) if v else None for v in values]
        arrays.append(pa.array(values, type=_arrow_type(column)))
    table = pa.Table.from_arrays(arrays, schema=pa.schema(fields))
    pq.write_table(table, path)


WRITERS: dict[str, Callable[[Frame, Path], None]] = {"csv": write_csv, "parquet": write_parquet}
