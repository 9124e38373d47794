"""The audit's reading of a SQLite store for deleted fingerprint digests: the unused space
of the file's pages and the write-ahead log, never a live row's neighbouring bytes.

Stores are written by real snapshots whose site names end in every hex letter (the
letter before a digest in a record), through several window ends; then a stale digest is
put back where SQLite can leave one: a free page, the write-ahead log, an index page."""

from __future__ import annotations

import sqlite3
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from crawler.keys import KeyRing
from crawler.listing import Listing
from crawler.records import SiteRun
from crawler.snapshot import Snapshot
from crawler.store import open_store
from crawler.store.inspect import inspect_store, live_digests
from crawler.store.sqlite_pages import LEAF, _freelist, unused_space

T0 = datetime(2026, 3, 2, 6, tzinfo=UTC)
STALE = ("5eed" * 16).encode()  # 64 hex characters no snapshot ever wrote
WINDOW_DAYS = 10


def store(tmp_path: Path, site: str, weeks: int = 4) -> Path:
    """Weekly snapshots of 300 listings, half of them edited each week, with a window of
    ten days: every second snapshot opens a new window and deletes the old one's
    fingerprints."""
    path = tmp_path / "store.sqlite"
    keys = KeyRing(tmp_path / "keys", env={})
    for week in range(weeks):
        batch = [Listing(site, "ad_board", {"text": f"a synthetic text {n} {week if n % 2 else 0}",
                                            "locality": "Lund", "phone": f"0701740{n:03d}"})
                 for n in range(300)]
        with open_store(f"sqlite:///{path}") as opened:
            moment = T0 + timedelta(days=7 * week)
            snap = Snapshot(opened, keys, WINDOW_DAYS, "h", now=moment)
            snap.begin()
            snap.finish({site: batch}, [SiteRun(site, "ad_board", "ok", pages=1, items=300)],
                        finished=moment)
    return path


def residue(path: Path) -> list[str]:
    return inspect_store(f"sqlite:///{path}").residue


@pytest.mark.parametrize("letter", "abcdef")
def test_a_clean_store_passes_whatever_letter_its_site_names_end_in(tmp_path: Path,
                                                                    letter: str) -> None:
    path = store(tmp_path, f"x-boar{letter}")
    with sqlite3.connect(path) as db:
        windows = db.execute("SELECT COUNT(DISTINCT window_id) FROM fingerprints").fetchone()
    assert windows == (1,), "earlier windows ended and were deleted"
    assert residue(path) == []


def put(path: Path, offset: int, data: bytes) -> None:
    with path.open("r+b") as fh:
        fh.seek(offset)
        fh.write(data)


def page_size(path: Path) -> int:
    return int.from_bytes(path.read_bytes()[16:18], "big")


def test_a_stale_digest_in_a_free_page_fails(tmp_path: Path) -> None:
    path = store(tmp_path, "x-boarc")
    data, size = path.read_bytes(), page_size(path)
    free = list(_freelist(data, size, len(data) // size))
    assert free, "the pages of the deleted fingerprints are on the freelist (zeroed)"
    put(path, (free[-1] - 1) * size + 200, STALE)
    assert any("unused space" in r for r in residue(path))


def leaf_index_gap(path: Path) -> int:
    """A file offset in the unused gap of a leaf index page."""
    data, size = path.read_bytes(), page_size(path)
    for number in range(2, len(data) // size + 1):
        start = (number - 1) * size
        if data[start] != LEAF[0]:
            continue
        cells = int.from_bytes(data[start + 3:start + 5], "big")
        content = int.from_bytes(data[start + 5:start + 7], "big")
        gap = start + 8 + 2 * cells
        if content - (gap - start) > 80:
            return gap + 4
    raise AssertionError("no leaf index page with room")


def test_a_stale_digest_in_an_index_page_fails_and_a_live_one_does_not(tmp_path: Path) -> None:
    path = store(tmp_path, "x-board")
    offset = leaf_index_gap(path)
    live = sorted(live_digests(path))[0]
    # a copy of a live digest after a site name's last hex letter: neighbours, not residue
    put(path, offset, b"d" + live + b"a1")
    assert residue(path) == []
    put(path, offset, b"d" + STALE + b"a1")
    assert residue(path) and "unused space" in residue(path)[0]


def test_a_stale_digest_in_the_write_ahead_log_fails(tmp_path: Path) -> None:
    path = store(tmp_path, "x-boare")
    row = ("w-stale", "s-stale", "listing", "x-boare", STALE.decode(), "")
    db = sqlite3.connect(path, isolation_level=None)
    db.execute("PRAGMA wal_autocheckpoint = 0")  # its frames stay in the log
    try:
        db.execute("INSERT INTO fingerprints VALUES (?, ?, ?, ?, ?, ?)", row)
        db.execute("DELETE FROM fingerprints WHERE window_id = 'w-stale'")
        found = residue(path)
        assert any("write-ahead log" in r for r in found), found
    finally:
        db.close()


def test_unused_space_is_the_gap_and_the_freeblocks_of_each_page(tmp_path: Path) -> None:
    path = tmp_path / "plain.sqlite"
    with sqlite3.connect(path) as db:
        db.execute("PRAGMA secure_delete = OFF")  # deleted cells keep their bytes
        db.execute("CREATE TABLE t (v TEXT)")
        db.executemany("INSERT INTO t VALUES (?)",
                       [(f"row-{n:04d}-" + "x" * 40,) for n in range(60)])
        db.execute("DELETE FROM t WHERE v LIKE '%1-x%' OR v LIKE '%3-x%'")
    unused = b"".join(unused_space(path.read_bytes()))
    assert b"row-0001-" in unused, "a deleted row's bytes are in a freeblock"
    assert b"row-0002-" not in unused, "a live row is not unused space"
    assert list(unused_space(b"not a database")) == [b"not a database"]


def test_a_window_end_leaves_none_of_its_digests_anywhere_in_the_file(tmp_path: Path) -> None:
    path = store(tmp_path, "x-boarf", weeks=1)
    deleted = live_digests(path)  # the first window's, read before a later one deletes them
    keys = KeyRing(tmp_path / "keys", env={})
    for week in (2, 4):  # each opens a new window
        batch = [Listing("x-boarf", "ad_board", {"text": f"another text {n} {week}",
                                                 "locality": "Lund"}) for n in range(300)]
        with open_store(f"sqlite:///{path}") as opened:
            moment = T0 + timedelta(days=7 * week)
            snap = Snapshot(opened, keys, WINDOW_DAYS, "h", now=moment)
            snap.begin()
            snap.finish({"x-boarf": batch},
                        [SiteRun("x-boarf", "ad_board", "ok", pages=1, items=300)],
                        finished=moment)
    data = path.read_bytes()
    assert deleted and not deleted & live_digests(path)
    # not in a row, not in the unused space, not as an index's divider key
    assert not [d for d in deleted if d in data], "a deleted digest is still in the file"
