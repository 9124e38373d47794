"""Writing the export's files: CSV or Parquet, each whole or not at all (through
``crawler.files.staging``: a crash leaves the old files or the new ones)."""

from __future__ import annotations

import csv
from collections.abc import Callable
from datetime import datetime
from pathlib import Path
from typing import Any

from crawler.export.columns import BOOLEAN, INTEGER, NUMBER, STRING, TIMESTAMP, Column
from crawler.export.tables import Frame

FORMATS = ("csv", "parquet")


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
