"""What the crawl counts as the monitored market when it reads links out."""

from __future__ import annotations

from pathlib import Path

from crawler.config import load_config
from spiders.crawl import monitored_domains
from tests.conftest import SITES


def test_every_defined_site_is_monitored_enabled_or_not(tmp_path: Path) -> None:
    sites = tmp_path / "sites"
    sites.mkdir()
    text = (SITES / "annonstavlan.yaml").read_text()
    (sites / "a.yaml").write_text(text.replace("name: annonstavlan", "name: a").replace(
        "  - /sites/annonstavlan/", "  - https://www.annons-a.se/lista\n"
        "allowed_domains: [bilder.cdn-a.se]"))
    (sites / "b.yaml").write_text(text.replace("name: annonstavlan", "name: b\nenabled: false"))
    config = tmp_path / "adcensus.yaml"
    config.write_text(f"sites:\n  dir: {sites}\n  base_url: https://m.katalog-b.co.uk/\n")
    assert monitored_domains(load_config(config)) == {"annons-a.se", "cdn-a.se",
                                                      "katalog-b.co.uk"}
