"""``python -m spiders.check``: crawl a few pages of one site and print, per field, how
often it was filled, with no content, so a person can fix a site definition without
reading ads. Run by ``adcensus sites check`` in its own process, like a snapshot."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence
from pathlib import Path

from crawler.listing import FIELDS
from spiders.gate import GATE_SEEN

# what to look at when a crawl found no items, by where the definition finds them
NO_ITEMS = {
    "list_page": "  no items: check list_page.items (and wait_for, for a browser site)",
    "api": ("  no items: check api.items, the JSON path to the list in each batch "
            "(api_items_missing: the path found nothing; api_items_not_a_list: it stops "
            "at one object; api_not_json: the start URL answers with no JSON; "
            "api_errors_returned: the API refused the query, check api.post)"),
    "sitemap": ("  no items: check sitemap.listings (which entries are listings) and "
                "sitemap.follow (which sitemaps of an index are read)"),
}


def report(site: object, pages: int, items: int, filled: dict[str, int],
           errors: dict[str, int], dropped: dict[str, int], declared: Sequence[str],
           recovered: dict[str, int] | None = None, source: str = "list_page") -> str:
    lines = [f"{site}: {pages} pages, {items} items"]
    lines.append(f"  {'field':<12} {'tag':<18} {'filled':>7}  rate")
    for name in declared:
        n = filled.get(name, 0)
        rate = f"{100 * n / items:5.1f} %" if items else "    -"
        flag = "  <- never filled: check its selector or path" if items and not n else ""
        lines.append(f"  {name:<12} {FIELDS[name].value:<18} {n:>7}  {rate}{flag}")
    for title, counts in (("errors", errors), ("recovered on retry", recovered or {}),
                          ("dropped", dropped)):
        if counts:
            lines.append(f"  {title}: " + ", ".join(f"{k} {v}" for k, v in sorted(counts.items())))
    gates = sorted(k[len(GATE_SEEN):] for k in dropped if k.startswith(GATE_SEEN))
    if gates:
        kind, _, control = gates[0].rpartition("_")
        what, words = _KINDS.get(kind, (kind, "age or consent"))
        lines.append(f"  the list page looks like {what} (a {control} and words about "
                     f"{words}, no items):")
        lines.append("  describe how to pass it under 'gate:' - form (a post over HTTP), "
                     "click (a button, render: browser) or cookies/headers (sent with "
                     "every request); see docs/SITES.md, Gates")
    elif not items:
        lines.append(NO_ITEMS[source])
    return "\n".join(lines)


_KINDS = {"age_gate": ("an age gate", "age"), "consent_wall": ("a consent wall", "consent")}


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="adcensus-sites-check")
    parser.add_argument("--config", required=True, type=Path)
    parser.add_argument("--site", required=True)
    parser.add_argument("--pages", type=int, default=20)
    args = parser.parse_args(argv)

    from crawler.tempdirs import in_memory_tempdir  # as the snapshot process's

    with in_memory_tempdir():
        from crawler.config import load_config
        from crawler.errors import AdcensusError

        try:
            loaded = load_config(args.config)
        except AdcensusError as exc:
            print(f"adcensus: {exc}", file=sys.stderr)
            return 2
        site = next((s for s in loaded.sites if s.name == args.site), None)
        if site is None:
            names = ", ".join(s.name for s in loaded.sites)
            print(f"adcensus: no site named {args.site!r} (sites: {names})", file=sys.stderr)
            return 2
        crawl = loaded.config.crawl.model_copy(update={"page_budget": args.pages,
                                                       "log_level": "ERROR"})
        loaded.config = loaded.config.model_copy(update={"crawl": crawl})

        from spiders.crawl import crawl_sites

        [collector] = crawl_sites(loaded, [site])
        run = collector.site_run()
        print(report(site.name, run.pages, run.items, run.filled, run.lost, run.dropped,
                     list(site.fields), run.recovered,
                     source="api" if site.api else "sitemap" if site.sitemap else "list_page"))
        return 0 if run.items else 1


if __name__ == "__main__":
    sys.exit(main())
