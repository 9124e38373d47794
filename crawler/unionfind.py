"""Union-find over 0..n-1 (path halving, union by size): links -> clusters in near-linear time."""

from __future__ import annotations

from collections.abc import Iterable


class UnionFind:
    __slots__ = ("parent", "size")

    def __init__(self, n: int) -> None:
        self.parent = list(range(n))
        self.size = [1] * n

    def find(self, i: int) -> int:
        parent = self.parent
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    def union(self, a: int, b: int) -> None:
        ra, rb = self.find(a), self.find(b)
        if ra == rb:
            return
        if self.size[ra] < self.size[rb]:
            ra, rb = rb, ra
        self.parent[rb] = ra
        self.size[ra] += self.size[rb]

    def union_all(self, pairs: Iterable[tuple[int, int]]) -> None:
        for a, b in pairs:
            self.union(a, b)

    def labels(self) -> list[int]:
        """Cluster label per element: the smallest member index, so labels are stable."""
        smallest: dict[int, int] = {}
        roots = [self.find(i) for i in range(len(self.parent))]
        for i, root in enumerate(roots):
            smallest.setdefault(root, i)
        return [smallest[root] for root in roots]
