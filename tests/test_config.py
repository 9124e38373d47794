from __future__ import annotations

from pathlib import Path

import pytest

from crawler.config import load_config
from crawler.errors import ConfigError, ConfigErrors
from tests.conftest import SITES


def write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "adcensus.yaml"
    path.write_text(text)
    return path


def test_missing_file_is_named(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="adcensus.yaml: file not found"):
        load_config(tmp_path / "adcensus.yaml")


def test_malformed_yaml(tmp_path: Path) -> None:
    with pytest.raises(ConfigError) as info:
        load_config(write(tmp_path, "store: [\n  oops: :\n"))
    assert "not valid YAML" in str(info.value) and info.value.line is not None


def test_a_key_given_twice_is_an_error(tmp_path: Path) -> None:
    with pytest.raises(ConfigErrors) as info:
        load_config(write(tmp_path, "store: sqlite:///a.sqlite\ncrawl:\n  delay_s: 1\n"
                                    "  delay_s: 2\n"))
    [error] = info.value.errors
    assert (error.key, error.line) == ("crawl.delay_s", 4)


def test_not_a_mapping(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="must be a YAML mapping"):
        load_config(write(tmp_path, "- a\n- b\n"))


def test_unknown_and_wrong_keys_named_with_lines(tmp_path: Path) -> None:
    text = f"sites:\n  dir: {SITES}\ncrawl:\n  concurency: 4\n  delay_s: soon\n"
    with pytest.raises(ConfigErrors) as info:
        load_config(write(tmp_path, text))
    found = {(e.key, e.line) for e in info.value.errors}
    assert ("crawl.concurency", 4) in found
    assert ("crawl.delay_s", 5) in found


def test_unknown_enabled_site(tmp_path: Path) -> None:
    text = f"sites:\n  dir: {SITES}\n  enabled: [annonstavlan, nosuchsite]\n"
    with pytest.raises(ConfigErrors) as info:
        load_config(write(tmp_path, text))
    [error] = info.value.errors
    assert error.key == "sites.enabled" and "nosuchsite" in error.message and error.line == 3


def test_paths_are_relative_to_the_config(tmp_path: Path) -> None:
    loaded = load_config(write(tmp_path, f"sites:\n  dir: {SITES}\n  enabled: [sockerdejt]\n"))
    assert loaded.store_url == f"sqlite:///{tmp_path / 'adcensus-data' / 'adcensus.sqlite'}"
    assert loaded.keys_dir == tmp_path / "adcensus-data" / "keys"
    assert [s.name for s in loaded.enabled_sites()] == ["sockerdejt"]
    assert len(loaded.config_hash()) == 16


def test_missing_sites_dir(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="site definition directory not found"):
        load_config(write(tmp_path, "sites:\n  dir: nowhere\n"))


def test_consolidation_thresholds_are_configurable(tmp_path: Path) -> None:
    text = f"sites:\n  dir: {SITES}\nconsolidation:\n  near_duplicate_threshold: 95\n"
    settings = load_config(write(tmp_path, text)).near_duplicate_settings()
    assert settings.threshold == 95 and settings.lsh_threshold == 0.4
    with pytest.raises(ConfigErrors) as info:
        load_config(write(tmp_path, text.replace("95", "120")))
    assert info.value.errors[0].key == "consolidation.near_duplicate_threshold"


@pytest.mark.parametrize("value, expected", [(None, 25), (40, 40), (1, None), ("many", None)])
def test_the_shared_contact_cut_is_configurable(tmp_path: Path, value: object,
                                                expected: int | None) -> None:
    text = f"sites:\n  dir: {SITES}\n"
    if value is not None:
        text += f"consolidation:\n  max_listings_per_contact: {value}\n"
    if expected is None:
        with pytest.raises(ConfigErrors) as info:
            load_config(write(tmp_path, text))
        assert info.value.errors[0].key == "consolidation.max_listings_per_contact"
    else:
        assert load_config(write(tmp_path, text)).config.consolidation.max_listings_per_contact \
            == expected


def test_the_discovery_floor_cannot_be_configured_away(tmp_path: Path) -> None:
    text = f"sites:\n  dir: {SITES}\ndiscovery:\n  min_sites: 3\n  min_advertisers: 20\n"
    loaded = load_config(write(tmp_path, text))
    assert (loaded.config.discovery.min_sites, loaded.config.discovery.min_advertisers) == (3, 20)
    assert loaded.discovery_state_path == tmp_path / "adcensus-data" / "discovery.sqlite"
    with pytest.raises(ConfigErrors) as info:
        load_config(write(tmp_path, text.replace("3", "1").replace("20", "4")))
    assert [(e.key, e.line) for e in info.value.errors] == [
        ("discovery.min_sites", 4), ("discovery.min_advertisers", 5)]
