"""The site definition ``adcensus discover adopt`` writes for a person to complete.

It goes into the sites directory as ``<name>.yaml.draft``: snapshots read only ``*.yaml``,
so a half-written definition never stops the scheduled snapshots of the sites already
monitored (a ``.yaml`` that fails validation would make every snapshot refuse its
config). Its TODO markers fail `adcensus sites validate` until they are replaced; it is
disabled, so that renaming it to ``.yaml`` before `adcensus sites check` has shown what it
reads starts no crawl.
"""

from __future__ import annotations

import re
from pathlib import Path

DRAFT_SUFFIX = ".yaml.draft"

TEMPLATE = """\
# Site definition drafted by `adcensus discover adopt {domain}` on {date}.
# Complete every TODO (docs/SITES.md), then:
#   adcensus sites validate {path}      # until it says ok
#   adcensus sites check {name}         # after renaming to {name}.yaml: what it reads
# and set enabled: true once the fill rates look right. Until then snapshots ignore it.
name: {name}
kind: TODO  # one of: ad_board, profile_directory, sugardating
render: http  # or browser, when the list is built by JavaScript
enabled: false
start_urls:
  - https://{domain}/  # TODO: the list page of the listings, not the front page
list_page:
  items: "<TODO: CSS selector of one item on the list page>"
  link: "<TODO: per item, the detail page link, e.g. a::attr(href); or remove this line>"
  next_page: "<TODO: the next page link, e.g. a[rel=next]::attr(href); or remove>"
fields:
  # indicators: stated categories (remove the ones the site does not state)
  locality: "<TODO>"
  age: "<TODO>"
  gender: "<TODO>"
  languages: "<TODO>"
  # transient content: recognises copies and advertisers in memory, never stored
  title: "<TODO>"
  text: "<TODO>"
  phone: "<TODO>"
"""


def site_name(domain: str) -> str:
    """A site name from its domain: the label under the public suffix ("bokningsappen")."""
    name = re.sub(r"[^a-z0-9_-]+", "-", domain.split(".")[0].lower()).strip("-_")
    return name[:64] or "site"


def write_skeleton(sites_dir: Path, domain: str, date: str) -> Path:
    """Write the draft and return its path; refuses to overwrite (FileExistsError)."""
    name = site_name(domain)
    taken = [p for p in (sites_dir / f"{name}.yaml", sites_dir / f"{name}.yml",
                         sites_dir / f"{name}{DRAFT_SUFFIX}") if p.exists()]
    if taken:
        raise FileExistsError(f"{taken[0]} already exists: complete or remove it first")
    sites_dir.mkdir(parents=True, exist_ok=True)
    path = sites_dir / f"{name}{DRAFT_SUFFIX}"
    path.write_text(TEMPLATE.format(domain=domain, date=date, name=name, path=path),
                    encoding="utf-8")
    return path
