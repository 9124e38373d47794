"""Where an Elasticsearch store lives and how it authenticates, from a URL and the environment.

Credentials come from ``ADCENSUS_ES_*`` environment variables (or a URL's user:password)
and are held only by the client: the URL a store shows, logs or puts in an error has no
user information, and ``scrub`` removes any secret that a message might still carry.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass, field
from urllib.parse import parse_qsl, unquote, urlsplit

# elasticsearch:// is plain HTTP, elasticsearchs:// and https:// are TLS
SCHEMES = {"elasticsearch": "http", "elasticsearchs": "https", "http": "http", "https": "https"}
DEFAULT_PREFIX = "adcensus"

ENV_API_KEY = "ADCENSUS_ES_API_KEY"
ENV_USERNAME = "ADCENSUS_ES_USERNAME"
ENV_PASSWORD = "ADCENSUS_ES_PASSWORD"
ENV_CA_CERTS = "ADCENSUS_ES_CA_CERTS"
ENV_CA_FINGERPRINT = "ADCENSUS_ES_CA_FINGERPRINT"


@dataclass(frozen=True)
class Connection:
    """A parsed store URL. ``repr`` never shows a credential."""

    url: str  # scheme://host:port[/path], no user information
    index_prefix: str = DEFAULT_PREFIX
    api_key: str | None = field(default=None, repr=False)
    basic_auth: tuple[str, str] | None = field(default=None, repr=False)
    ca_certs: str | None = None
    ca_fingerprint: str | None = None

    @property
    def auth(self) -> str:
        return "api_key" if self.api_key else ("basic" if self.basic_auth else "none")

    def secrets(self) -> list[str]:
        found = [self.api_key] if self.api_key else []
        if self.basic_auth:
            found.append(self.basic_auth[1])
        return [s for s in found if s]

    def scrub(self, text: str) -> str:
        for secret in self.secrets():
            text = text.replace(secret, "***")
        return text

    def client_options(self) -> dict[str, object]:
        options: dict[str, object] = {"hosts": [self.url]}
        if self.api_key:
            options["api_key"] = self.api_key
        if self.basic_auth:
            options["basic_auth"] = self.basic_auth
        if self.ca_certs:
            options["ca_certs"] = self.ca_certs
        if self.ca_fingerprint:
            options["ssl_assert_fingerprint"] = self.ca_fingerprint
        return options


def is_elasticsearch_url(url: str) -> bool:
    return urlsplit(url).scheme in SCHEMES


def parse(url: str, env: Mapping[str, str] | None = None) -> Connection:
    """``elasticsearch[s]://[user:password@]host[:port][/path][?index_prefix=NAME]``."""
    env = os.environ if env is None else env
    parts = urlsplit(url)
    if parts.scheme not in SCHEMES:
        raise ValueError(f"not an Elasticsearch URL: scheme {parts.scheme!r}")
    if not parts.hostname:
        raise ValueError("an Elasticsearch URL needs a host, as in elasticsearch://127.0.0.1:9200")
    query = dict(parse_qsl(parts.query, keep_blank_values=True))
    prefix = query.pop("index_prefix", DEFAULT_PREFIX)
    if query:
        raise ValueError(f"unknown Elasticsearch URL option(s): {', '.join(sorted(query))} "
                         "(only index_prefix; credentials go in ADCENSUS_ES_* variables)")
    if not prefix or prefix != prefix.lower() or not prefix.replace("-", "").isalnum():
        raise ValueError("index_prefix is lowercase letters, digits and '-'")
    host = f"[{parts.hostname}]" if ":" in parts.hostname else parts.hostname
    clean = f"{SCHEMES[parts.scheme]}://{host}:{parts.port or 9200}{parts.path.rstrip('/')}"

    api_key = env.get(ENV_API_KEY) or None
    username = unquote(parts.username) if parts.username else env.get(ENV_USERNAME)
    password = unquote(parts.password) if parts.password else env.get(ENV_PASSWORD)
    if api_key and (username or password):
        raise ValueError(f"set either {ENV_API_KEY} or a user name and password, not both")
    if bool(username) != bool(password):
        raise ValueError(f"basic authentication needs both {ENV_USERNAME} and {ENV_PASSWORD}")
    return Connection(
        url=clean,
        index_prefix=prefix,
        api_key=api_key,
        basic_auth=(username, password) if username and password else None,
        ca_certs=env.get(ENV_CA_CERTS) or None,
        ca_fingerprint=env.get(ENV_CA_FINGERPRINT) or None,
    )
