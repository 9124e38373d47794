"""Ending a snapshot process with everything it started (Playwright's driver, Chromium).

Chromium is started in its own process group, so killing the snapshot's group is not
enough: the tree is found by parent ids in /proc, stopped (so it cannot fork away while
we look), then killed.
"""

from __future__ import annotations

import os
import signal
from pathlib import Path


def children_by_parent() -> dict[int, list[int]]:
    tree: dict[int, list[int]] = {}
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
        except OSError:
            continue  # gone meanwhile
        # "pid (comm) state ppid ...": comm may hold spaces and parentheses
        fields = stat[stat.rindex(")") + 2:].split()
        tree.setdefault(int(fields[1]), []).append(int(entry.name))
    return tree


def descendants(pid: int) -> list[int]:
    """Every process below ``pid``, children first."""
    tree = children_by_parent()
    found: list[int] = []
    pending = list(tree.get(pid, []))
    while pending:
        child = pending.pop()
        found.append(child)
        pending.extend(tree.get(child, []))
    return found


def alive(pid: int) -> bool:
    """Whether ``pid`` runs (a zombie, dead but not yet reaped, does not)."""
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return False
    return stat[stat.rindex(")") + 2:].split()[0] not in ("Z", "X")


def kill_tree(pid: int) -> list[int]:
    """SIGKILL ``pid`` and all its descendants; returns the pids that were signalled."""
    seen: set[int] = set()
    for _ in range(5):  # stop the tree until no new process appears
        batch = [p for p in [pid, *descendants(pid)] if p not in seen]
        if not batch:
            break
        for p in batch:
            _signal(p, signal.SIGSTOP)
        seen.update(batch)
    for p in seen:
        _signal(p, signal.SIGKILL)
    return sorted(seen)


def _signal(pid: int, signum: int) -> None:
    try:
        os.kill(pid, signum)
    except (ProcessLookupError, PermissionError):
        pass
