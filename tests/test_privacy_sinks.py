"""Sinks beside the store: the browser's HOME, log lines, the scheduler's job store."""

from __future__ import annotations

from pathlib import Path

import pytest

from crawler.config import load_config
from spiders.settings import site_settings
from tests.conftest import write_config


def test_the_browser_home_is_in_the_temporary_directory(tmp_path: Path,
                                                        monkeypatch: pytest.MonkeyPatch) -> None:
    # Chromium writes "Crash Reports" and caches under HOME and the XDG directories,
    # whatever its profile directory (found by the canary test): they must be inside the
    # memory-backed temporary directory that the snapshot removes
    monkeypatch.setattr("tempfile.tempdir", str(tmp_path / "shm"))
    monkeypatch.setenv("ADCENSUS_KEY_w1", "ab" * 32)
    monkeypatch.setenv("XDG_CONFIG_HOME", "/home/someone/.config")
    loaded = load_config(write_config(tmp_path, "http://127.0.0.1:1"))
    site = next(s for s in loaded.sites if s.name == "profilkatalogen")
    launch = site_settings(loaded, site, True, ["http://127.0.0.1:1/"])["PLAYWRIGHT_LAUNCH_OPTIONS"]
    home = str(tmp_path / "shm" / "browser-home")
    assert launch["env"]["HOME"] == home
    assert all(launch["env"][k].startswith(home)
               for k in ("XDG_CONFIG_HOME", "XDG_CACHE_HOME", "XDG_DATA_HOME"))
    assert f"--crash-dumps-dir={home}/crash" in launch["args"]
    # the browser needs none of our secrets
    assert not any(k.startswith("ADCENSUS_") for k in launch["env"])
