"""`adcensus sites check`: fill rates from a real crawl of the demo market, no content."""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
from pathlib import Path

import yaml

from crawler.demo_market.generator import generate
from crawler.demo_market.server import MarketServer
from tests.conftest import SITES, write_config


def check(config: Path, name: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "crawler.cli", "sites", "check", name,
                           "--config", str(config), "--pages", "8"],
                          capture_output=True, text=True, timeout=300)  # a bound: over 120 s under load


def test_fill_rates_without_content(tmp_path: Path) -> None:
    market = generate(seed=5, listings=150)
    sites = tmp_path / "sites"
    shutil.copytree(SITES, sites)
    broken = yaml.safe_load((sites / "annonstavlan.yaml").read_text())
    broken["fields"]["locality"] = "article.annons .no-such-class::text"
    (sites / "annonstavlan.yaml").write_text(yaml.safe_dump(broken))
    with MarketServer(market) as server:
        config = write_config(tmp_path, server.url, sites_dir=sites)
        result = check(config, "annonstavlan")
        missing = check(config, "nosuchsite")
    assert result.returncode == 0, result.stderr
    out = result.stdout
    assert re.search(r"locality\s+indicator\s+0\s+0\.0 %  <- never filled", out)
    assert re.search(r"text\s+transient content\s+\d+\s+100\.0 %", out)
    # nothing of any listing is printed: no e-mail, handle, phone or text
    texts = [p.text for p in market.postings] + [p.email or "" for p in market.postings]
    assert "@" not in out and not re.search(r"\d{3}[- ]\d{2,3} \d{2}", out)
    assert not any(t and t in out for t in texts)
    assert missing.returncode == 2 and "no site named 'nosuchsite'" in missing.stderr


def test_the_report_keeps_recovered_pages_apart_from_errors() -> None:
    from spiders.check import report

    out = report("tavla", 90, 80, {"text": 80}, {"http_503": 2}, {}, ["text"],
                 recovered={"http_503": 83})
    assert "  errors: http_503 2" in out.splitlines()
    assert "  recovered on retry: http_503 83" in out.splitlines()


def test_a_gate_met_is_reported_with_the_key_to_add() -> None:
    from spiders.check import report

    out = report("tavla", 1, 0, {}, {}, {"list_page_without_items": 1,
                                           "list_page_looks_like_consent_wall_button": 1},
                 ["text"])
    assert "the list page looks like a consent wall (a button and words about consent" in out
    assert "under 'gate:'" in out and "check list_page.items" not in out
    plain = report("tavla", 1, 0, {}, {}, {"list_page_without_items": 1}, ["text"])
    assert "no items: check list_page.items" in plain and "gate" not in plain
