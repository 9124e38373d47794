"""The cell key method over a whole snapshot: every indicator of a 150,000-hit snapshot
(the 2020 mapping's scale) published as the outputs publish it.

    .venv/bin/python benchmarks/bench_protection.py
    .venv/bin/python benchmarks/bench_protection.py --weeks 4 --repeat 20

The snapshots are bench_store.py's: the real ``crawler.aggregate.aggregate`` over 12,500
unique listings seen as 150,000 hits, each unit with a random record key, so every
indicator carries its cell key. Reported per snapshot: indicators, the time to publish
all of them (``Protection.shown``: the median of ``--repeat`` runs), the mean absolute
deviation of the published counts from the stored ones, the share published unchanged,
the largest deviation, and how many counts of 1 or 2 were published as such.
"""

from __future__ import annotations

import argparse
import platform
import statistics
import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))
sys.path.insert(0, str(REPO / "benchmarks"))

from bench_store import snapshot  # noqa: E402

from crawler.protection import Protection  # noqa: E402
from crawler.vocabulary import CellState  # noqa: E402


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--weeks", type=int, default=2)
    parser.add_argument("--repeat", type=int, default=10)
    args = parser.parse_args()
    print(f"command: {' '.join([Path(sys.executable).name, *sys.argv])}")
    print(f"machine: {platform.machine()}, Python {platform.python_version()}")
    protection = Protection()
    protection.table  # noqa: B018 - built once, as the first output of a process builds it
    for week in range(args.weeks):
        indicators = snapshot(week)
        times = []
        for _ in range(args.repeat):
            started = time.perf_counter()
            shown = protection.shown(indicators)
            times.append(time.perf_counter() - started)
        counts = [(i.value, shown[i.cell_id]) for i in indicators]
        numbers = [(v, s.value) for v, s in counts if s.state != CellState.FLAG]
        deviations = [abs(p - v) for v, p in numbers]
        small = sum(1 for v, p in numbers if v in (1, 2) and p == v)
        print(f"week {week}: {len(indicators):,} indicators published in "
              f"{statistics.median(times) * 1000:.1f} ms (median of {args.repeat}; max "
              f"{max(times) * 1000:.1f} ms); mean absolute deviation "
              f"{statistics.mean(deviations):.3f}, unchanged {deviations.count(0) / len(deviations):.1%}"
              f", largest {max(deviations)}; counts of 1 or 2 published as such: {small} of "
              f"{sum(1 for v, _ in numbers if v in (1, 2))}; flags {len(counts) - len(numbers)}")


if __name__ == "__main__":
    main()
