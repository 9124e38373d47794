"""The command line: help for every command, and clear errors for bad input."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import SITES


def adcensus(*args: str, cwd: Path | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "crawler.cli", *args], capture_output=True,
                          text=True, cwd=cwd, timeout=120)


def test_help_lists_commands() -> None:
    out = adcensus("--help").stdout
    for command in ("demo", "demo-market", "snapshot", "summary", "sites"):
        assert command in out


@pytest.mark.parametrize("command", [["demo"], ["demo-market"], ["snapshot"], ["summary"],
                                     ["sites", "validate"]])
def test_each_command_has_help(command: list[str]) -> None:
    result = adcensus(*command, "--help")
    assert result.returncode == 0 and "usage: adcensus" in result.stdout


def test_missing_config(tmp_path: Path) -> None:
    result = adcensus("snapshot", "--config", str(tmp_path / "nope.yaml"))
    assert result.returncode == 2
    assert f"{tmp_path / 'nope.yaml'}: file not found" in result.stderr
    assert "Traceback" not in result.stderr


def test_malformed_config(tmp_path: Path) -> None:
    path = tmp_path / "adcensus.yaml"
    path.write_text(f"sites:\n  dir: {SITES}\ncrawl:\n  concurrency: lots\n")
    result = adcensus("snapshot", "--config", str(path))
    assert result.returncode == 2
    assert f"{path}:4: key 'crawl.concurrency'" in result.stderr


def test_sites_validate_reports_file_line_key(tmp_path: Path) -> None:
    bad = tmp_path / "bad.yaml"
    bad.write_text((SITES / "annonstavlan.yaml").read_text().replace("  items: li.ad", "  itemz: li.ad"))
    result = adcensus("sites", "validate", str(bad))
    assert result.returncode == 2
    assert f"{bad}:" in result.stderr and "list_page.itemz" in result.stderr
    ok = adcensus("sites", "validate", str(SITES))
    assert ok.returncode == 0 and "ok: 8 site definition(s) valid" in ok.stdout


def test_sites_validate_reads_a_definition_merged_over_its_base(tmp_path: Path) -> None:
    (tmp_path / "bases").mkdir()
    base = tmp_path / "bases" / "dejtplattform.yaml"
    base.write_text((SITES / "bases" / "dejtplattform.yaml").read_text()
                    .replace("age: .alder::text", "age: .alder[[::text"))
    child = tmp_path / "sockerdejt.yaml"
    child.write_text((SITES / "sockerdejt.yaml").read_text())
    result = adcensus("sites", "validate", str(child))
    assert result.returncode == 2
    assert f"{child}:6: key 'fields.age': invalid CSS selector" in result.stderr
    assert f"(the value comes from base {base}, line 9)" in result.stderr
    ok = adcensus("sites", "validate", str(SITES / "sockerdejt.yaml"),
                  str(SITES / "bases" / "dejtplattform.yaml"))
    assert ok.returncode == 0 and "ok: 1 site definition(s) valid" in ok.stdout
    assert "dejtplattform.yaml: a base, checked through the definitions" in ok.stderr
