"""Where a SQLite database file can hold bytes that no row holds: the space of its pages
that the file format marks unused.

The audit reads a store's file for deleted fingerprint digests. Reading every byte
mistakes the neighbours of a live digest (the last letter of a site name before it, an
integer after it) for parts of another; reading only the unused space asks the question
the audit means: what is in the file that no row is. Per the file format
(https://www.sqlite.org/fileformat2.html): the pages on the freelist, and in every b-tree
page the gap between its cell pointers and its cell content and the freeblocks of deleted
cells. The cells themselves are rows (or index entries) of the database as it is.
"""

from __future__ import annotations

from collections.abc import Iterator

HEADER = b"SQLite format 3\x00"
# b-tree page types: interior index, interior table, leaf index, leaf table
INTERIOR = (2, 5)
LEAF = (10, 13)


def unused_space(data: bytes) -> Iterator[bytes]:
    """The unused regions of a database file's pages, one bytes object each."""
    if not data.startswith(HEADER) or len(data) < 100:
        yield data  # not a database file we can read: every byte is suspect
        return
    page_size = int.from_bytes(data[16:18], "big")
    page_size = 65536 if page_size == 1 else page_size
    pages = len(data) // page_size
    free = set(_freelist(data, page_size, pages))
    for number in range(1, pages + 1):
        start = (number - 1) * page_size
        page = data[start:start + page_size]
        if number in free:
            yield page
            continue
        yield from _unused_of_btree_page(page, 100 if number == 1 else 0)


def _freelist(data: bytes, page_size: int, pages: int) -> Iterator[int]:
    """Trunk and leaf pages of the freelist (page numbers from 1)."""
    trunk, seen = int.from_bytes(data[32:36], "big"), set()
    while 0 < trunk <= pages and trunk not in seen:
        seen.add(trunk)
        yield trunk
        offset = (trunk - 1) * page_size
        count = int.from_bytes(data[offset + 4:offset + 8], "big")
        for k in range(min(count, (page_size - 8) // 4)):
            leaf = int.from_bytes(data[offset + 8 + 4 * k:offset + 12 + 4 * k], "big")
            if 0 < leaf <= pages:
                yield leaf
        trunk = int.from_bytes(data[offset:offset + 4], "big")


def _unused_of_btree_page(page: bytes, header: int) -> Iterator[bytes]:
    kind = page[header]
    if kind not in INTERIOR + LEAF:
        return  # an overflow or pointer-map page: the continuation of live cells
    cells = int.from_bytes(page[header + 3:header + 5], "big")
    content = int.from_bytes(page[header + 5:header + 7], "big") or 65536
    pointers_end = header + (12 if kind in INTERIOR else 8) + 2 * cells
    if pointers_end < content <= len(page):
        yield page[pointers_end:content]
    block, seen = int.from_bytes(page[header + 1:header + 3], "big"), set()
    while 0 < block < len(page) - 4 and block not in seen:
        seen.add(block)
        size = int.from_bytes(page[block + 2:block + 4], "big")
        yield page[block + 4:block + size]
        block = int.from_bytes(page[block:block + 2], "big")
