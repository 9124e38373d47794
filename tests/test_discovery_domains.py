"""Registrable domains from links, by the bundled public suffix list, offline."""

from __future__ import annotations

import pytest

from crawler.discovery.domains import (
    BadDomain,
    linked_domains,
    monitored_domains,
    parse_domain,
    registrable,
)


@pytest.mark.parametrize("host, domain", [
    ("www.Example.co.uk", "example.co.uk"),
    ("m.chattkanalen.test", "chattkanalen.test"),  # unknown TLD: the list's rule "*"
    ("anna.github.io", "anna.github.io"),  # a private suffix: a person's page is its own
    ("räksmörgås.se", "xn--rksmrgs-5wao1o.se"),
    ("example.se.", "example.se"),
])
def test_registrable(host: str, domain: str) -> None:
    assert registrable(host) == domain


@pytest.mark.parametrize("host", ["127.0.0.1", "::1", "localhost", "", "bad_label.se", "co.uk"])
def test_no_registrable_domain(host: str) -> None:
    assert registrable(host) is None


def test_links_keep_domains_never_paths() -> None:
    found = linked_domains(
        ["/sites/other/", "https://www.booking.test/p/123?x=1", "mailto:a@mail.test",
         "tel:+46701234567", "javascript:void(0)", "#top", "http://127.0.0.1:9/x",
         "https://monitored.se/ad/7", "https://sub.page.test/", "http://[::1]/", "https://a:b"],
        "https://www.page.test/ad/1", frozenset({"monitored.se"}))
    # the page's own domain, monitored ones, addresses and non-http links name nothing
    assert found == {"booking.test"}


def test_monitored_domains() -> None:
    assert monitored_domains(["https://www.site.se/list", "http://127.0.0.1:8000/sites/a/"]) == {
        "site.se"}


@pytest.mark.parametrize("text, reason", [
    ("", "empty"), ("nodot", "not a domain name"), ("bad_label.se", "bad label"),
    ("10.0.0.1", "IP address"), ("co.uk", "public suffix"),
])
def test_parse_domain_says_why(text: str, reason: str) -> None:
    with pytest.raises(BadDomain, match=reason):
        parse_domain(text)


def test_parse_domain_takes_a_url_for_its_host() -> None:
    assert parse_domain(" https://www.Example.se/path?q ") == "example.se"
