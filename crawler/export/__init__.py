"""``adcensus export``: tidy tables of the indicators of a period, protected, with a
codebook and a README (docs/EXPORTS.md).

Pure core: reads records from a store through its API and writes files; no Scrapy.
"""

from crawler.export.bundle import ExportError, Request, Result, export
from crawler.export.files import FORMATS
from crawler.export.period import Period, parse_day

__all__ = ["FORMATS", "ExportError", "Period", "Request", "Result", "export", "parse_day"]
