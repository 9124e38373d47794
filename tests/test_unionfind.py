from __future__ import annotations

from crawler.unionfind import UnionFind


def test_components_and_stable_labels() -> None:
    uf = UnionFind(6)
    uf.union_all([(4, 5), (1, 4), (2, 3)])
    assert uf.labels() == [0, 1, 2, 2, 1, 1]
    uf.union(3, 0)
    assert uf.labels() == [0, 1, 0, 0, 1, 1]
