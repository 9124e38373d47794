"""Small-cell protection of whole snapshots (issue 10): what every output waits for once
per snapshot (crawler/protected.py), on a store the demo filled.

    make demo && .venv/bin/python benchmarks/bench_protection.py adcensus-data/demo.sqlite

Per snapshot: cells and lines of its table (and the sums across snapshots that join
it: an earlier total = what is still there + what is gone), how many counts are small,
the time to decide its protection (threshold suppression at 5), how many cells were
hidden, and how many of the national counts (the overview's) were hidden as ".." to
protect others.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from crawler.disclosure import Protection  # noqa: E402
from crawler.protected import Protected, add_earlier, snapshot_table  # noqa: E402
from crawler.store import open_store  # noqa: E402
from crawler.store.base import VISIBLE  # noqa: E402


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("store", type=Path, help="an SQLite store file")
    args = parser.parse_args()
    with open_store(f"sqlite:///{args.store.resolve()}") as store:
        protected = Protected(store, Protection())  # no cache: every snapshot decided here
        for run in [r for r in store.runs() if r.status in VISIBLE]:
            table = snapshot_table(run, store.indicators(snapshot_id=run.snapshot_id))
            started = time.perf_counter()
            shown = protected.shown(run)
            seconds = time.perf_counter() - started
            within = len(table.lines)
            cells = len(table.cells)
            local = sum(line.local for line in table.lines)
            small = sum(1 for v in table.cells.values() if 0 < v < 5)
            for against, earlier in protected.compared_with(run).items():
                add_earlier(table, run.snapshot_id, against,
                            store.indicators(snapshot_id=earlier.snapshot_id, measure="count",
                                             breakdown="total"), {}, 5)
            print(json.dumps({
                "snapshot": run.snapshot_id, "cells": cells,
                "lines": within,
                "across": len(table.lines) - within,  # earlier total = still + gone now
                "local_lines": local,
                "small": small,
                "seconds": round(seconds, 1),
                "primary": sum(s.status == "primary" for s in shown.values()),
                "secondary": sum(s.status == "secondary" for s in shown.values()),
                # what the national overview loses to protect other cells
                "national_secondary": sum(s.status == "secondary" and k[1] == "all"
                                          and k[3] == "count" for k, s in shown.items()),
                "national_count_cells": sum(k[1] == "all" and k[3] == "count"
                                            for k in shown),
            }), flush=True)


if __name__ == "__main__":
    main()
