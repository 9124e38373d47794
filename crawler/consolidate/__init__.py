"""Consolidation: hits -> unique listings (exact copies removed) -> distinct listings
(near-duplicates merged) -> advertisers. Pure core: no Scrapy."""

from crawler.consolidate.consolidation import Consolidation, UniqueListing, consolidate
from crawler.consolidate.near import NearDuplicateSettings

__all__ = ["Consolidation", "NearDuplicateSettings", "UniqueListing", "consolidate"]
