"""Choosing a store backend from a URL or an import path, and reading its credentials."""

from __future__ import annotations

from pathlib import Path

import pytest

from crawler.config import load_config
from crawler.errors import ConfigError
from crawler.store import open_store, store_url_problem
from crawler.store.elasticsearch import ElasticsearchStore
from crawler.store.es_connection import parse
from crawler.store.sqlite import SQLiteStore
from tests.conftest import SITES


class CountingStore(SQLiteStore):
    """An out-of-tree backend, named by its import path."""

    def __init__(self) -> None:
        super().__init__(":memory:")


@pytest.mark.parametrize("url, expected", [
    ("elasticsearch://es.example:9200", "http://es.example:9200"),
    ("elasticsearch://es.example", "http://es.example:9200"),
    ("elasticsearchs://es.example:9243", "https://es.example:9243"),
    ("https://es.example/proxy/", "https://es.example:9200/proxy"),
    ("http://127.0.0.1:9201", "http://127.0.0.1:9201"),
])
def test_schemes_pick_http_or_tls(url: str, expected: str) -> None:
    assert parse(url, env={}).url == expected


def test_index_prefix_and_unknown_options() -> None:
    assert parse("elasticsearch://h?index_prefix=census-se", env={}).index_prefix == "census-se"
    assert parse("elasticsearch://h", env={}).index_prefix == "adcensus"
    with pytest.raises(ValueError, match="unknown Elasticsearch URL option"):
        parse("elasticsearch://h?api_key=x", env={})
    with pytest.raises(ValueError, match="index_prefix"):
        parse("elasticsearch://h?index_prefix=Bad_Name", env={})


def test_credentials_from_environment_or_url() -> None:
    env = {"ADCENSUS_ES_API_KEY": "k3y", "ADCENSUS_ES_CA_CERTS": "/etc/ca.pem"}
    c = parse("elasticsearchs://h", env=env)
    assert (c.auth, c.api_key, c.ca_certs) == ("api_key", "k3y", "/etc/ca.pem")
    c = parse("elasticsearchs://h", env={"ADCENSUS_ES_USERNAME": "u", "ADCENSUS_ES_PASSWORD": "p"})
    assert c.basic_auth == ("u", "p")
    c = parse("elasticsearchs://us%40r:p%3Ass@h:9200", env={})
    assert c.basic_auth == ("us@r", "p:ss") and "p%3Ass" not in c.url and "us" not in c.url
    assert "p:ss" not in repr(c) and c.scrub("said p:ss") == "said ***"
    with pytest.raises(ValueError, match="either"):
        parse("elasticsearchs://u:p@h", env={"ADCENSUS_ES_API_KEY": "k"})
    with pytest.raises(ValueError, match="both"):
        parse("elasticsearchs://h", env={"ADCENSUS_ES_USERNAME": "u"})


def test_open_store_picks_the_backend(tmp_path: Path) -> None:
    with open_store(f"sqlite:///{tmp_path / 's.sqlite'}") as s:
        assert isinstance(s, SQLiteStore)
    with open_store("elasticsearch://127.0.0.1:9200") as s:  # connects on first use only
        assert isinstance(s, ElasticsearchStore)
    with open_store("tests.test_store_url:CountingStore") as s:
        assert isinstance(s, CountingStore)
    with pytest.raises(ValueError, match="not a Store subclass"):
        open_store("tests.test_store_url:test_open_store_picks_the_backend")


@pytest.mark.parametrize("url", ["mysql://x", "sqlite:///", "elasticsearch://", "x"])
def test_unknown_store_url(url: str) -> None:
    assert store_url_problem(url)
    with pytest.raises(ValueError, match="unknown store URL"):
        open_store(url)


def test_a_bad_store_url_never_repeats_a_password() -> None:
    with pytest.raises(ValueError) as info:
        open_store("elasticsearchs://u:s3cret@h?bogus=1")
    assert "s3cret" not in str(info.value)


def test_config_takes_every_backend_and_names_a_bad_one(tmp_path: Path) -> None:
    for url in ("elasticsearch://127.0.0.1:9200", "https://es.example:9200",
                "tests.test_store_url:CountingStore"):
        (tmp_path / "adcensus.yaml").write_text(f"store: '{url}'\nsites:\n  dir: {SITES}\n")
        assert load_config(tmp_path / "adcensus.yaml").store_url == url
    (tmp_path / "adcensus.yaml").write_text(f"store: 'mysql://x'\nsites:\n  dir: {SITES}\n")
    with pytest.raises(ConfigError, match="store") as info:
        load_config(tmp_path / "adcensus.yaml")
    assert info.value.line == 1
