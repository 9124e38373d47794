"""Consolidation: hits -> unique listings (exact copies removed) -> comparison with the
baseline and the previous snapshot. Pure core: no Scrapy."""
