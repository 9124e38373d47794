"""Site definitions: one YAML file per site, validated into typed objects.

A site is configuration, not code: where its list pages start, how to page through
them, which element is one item, where an item's detail page is, and which selector
yields each field. Field names come from ``crawler.listing.FIELDS``, the one list that
tags every field as indicator or transient content.
"""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Annotated, Any, Literal, Self
from urllib.parse import urljoin, urlsplit

import lxml.etree
from parsel.csstranslator import HTMLTranslator
from pydantic import (
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    WithJsonSchema,
    field_validator,
    model_validator,
)

from crawler.errors import ConfigError, ConfigErrors
from crawler.jsonpath import compile_path
from crawler.listing import FIELDS, LIST_FIELDS
from crawler.site_bases import read_definition
from crawler.site_gate import Gate

_css = HTMLTranslator()


class Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


# a query parameter's name, or a dotted key of a POST body ("variables.after")
PARAMETER_NAME = r"^[A-Za-z0-9_.\-\[\]]+$"


def _shorthand(value: Any) -> Any:
    # "a.next::attr(href)" is short for {css: "a.next::attr(href)"}
    return {"css": value} if isinstance(value, str) else value


class Extractor(Strict):
    """A CSS or XPath selector; ``all`` reads every match instead of the first (joined
    into one text, or, for a list field, one value each); ``split``, for a list field,
    how one match's text divides into values: a regular expression, or a list of
    separators ("English, Svenska / Deutsch" with [",", "/"])."""

    css: str | None = None
    xpath: str | None = None
    all: bool = False
    split: str | list[str] | None = None

    @field_validator("split")
    @classmethod
    def _valid_split(cls, value: str | list[str] | None) -> str | list[str] | None:
        if isinstance(value, list) and (not value or not all(value)):
            raise ValueError("split: give a regular expression or a list of separators")
        if isinstance(value, str):
            try:
                if re.compile(value).match(""):
                    raise ValueError(f"split: {value!r} matches the empty string")
            except re.error as exc:
                raise ValueError(f"split: invalid regular expression {value!r}: {exc}") from None
        return value

    @property
    def splitter(self) -> re.Pattern[str] | None:
        if self.split is None:
            return None
        if isinstance(self.split, list):
            return re.compile("|".join(map(re.escape, self.split)))
        return re.compile(self.split)

    @model_validator(mode="after")
    def _one_selector(self) -> Extractor:
        if (self.css is None) == (self.xpath is None):
            raise ValueError("give exactly one of 'css' or 'xpath'")
        return self._valid_selector()

    def _valid_selector(self) -> Self:
        if self.css is not None:
            try:
                _css.css_to_xpath(self.css)
            except Exception as exc:  # cssselect raises several unrelated types
                raise ValueError(f"invalid CSS selector {self.css!r}: {exc}") from None
        if self.xpath is not None:
            try:
                lxml.etree.XPath(self.xpath)
            except lxml.etree.XPathSyntaxError as exc:
                raise ValueError(f"invalid XPath {self.xpath!r}: {exc}") from None
        return self


Selector = Annotated[
    Extractor,
    BeforeValidator(_shorthand),
    WithJsonSchema({"anyOf": [{"type": "string", "description": "a CSS selector"},
                              Extractor.model_json_schema()]}),
]


FIELD_SOURCES = ("css", "xpath", "json", "jsonld", "microdata")


class FieldSource(Extractor):
    """Where a field's value is: a CSS or XPath selector, or in structured data: ``json``
    a JSON path (JMESPath) into an API's item (sites with ``api``), ``jsonld`` a JSON
    path into each JSON-LD object of the page (``address.addressLocality``), ``microdata``
    a dotted itemprop path (``address.addressLocality``). A JSON path's array is read
    whole (a list field keeps each element; write ``[0]`` for the first), so ``all`` is
    for selectors and microdata only."""

    json_: str | None = Field(default=None, alias="json")
    jsonld: str | None = None
    microdata: str | None = Field(default=None, pattern=r"^[^.\s]+(\.[^.\s]+)*$")

    @field_validator("json_", "jsonld")
    @classmethod
    def _valid_path(cls, value: str | None) -> str | None:
        if value is not None:
            compile_path(value)
        return value

    @model_validator(mode="after")
    def _one_selector(self) -> FieldSource:
        given = [name for name in FIELD_SOURCES if getattr(self, self.attribute(name)) is not None]
        if len(given) != 1:
            raise ValueError("give exactly one of 'css', 'xpath', 'json', 'jsonld' or "
                             f"'microdata'{', not ' + ' and '.join(given) if given else ''}")
        if self.all and (self.json_ is not None or self.jsonld is not None):
            raise ValueError("'all' is for selectors: a JSON path's array is read whole "
                             "(write [0] for its first element)")
        return self._valid_selector()

    @staticmethod
    def attribute(source: str) -> str:
        return "json_" if source == "json" else source

    @property
    def source(self) -> str:
        return next(n for n in FIELD_SOURCES if getattr(self, self.attribute(n)) is not None)


FieldSelector = Annotated[
    FieldSource,
    BeforeValidator(_shorthand),
    WithJsonSchema({"anyOf": [{"type": "string", "description": "a CSS selector"},
                              FieldSource.model_json_schema()]}),
]


class LoadMore(Strict):
    """A button that appends items in the browser; clicked until it is gone or max_steps."""

    button: str
    max_steps: int = Field(default=100, ge=1, le=10_000)

    @field_validator("button")
    @classmethod
    def _valid_css(cls, value: str) -> str:
        Extractor(css=value)
        return value


class PageParameter(Strict):
    """List pages asked for by number (``?name=first``, ``first + 1``, ...), for sites
    without a next link: paging stops at the first page with no items, at a page that
    repeats the one before it (some sites serve their last page for any higher number),
    or after max_pages."""

    name: str = Field(pattern=PARAMETER_NAME, max_length=64)
    first: int = Field(default=1, ge=0)
    max_pages: int = Field(default=1000, ge=1, le=100_000)


class InfiniteScroll(Strict):
    """A list that grows when its end is scrolled into view: scrolled until ``end``
    matches, or, without ``end``, until a scroll brings nothing within wait_s; at most
    max_steps scrolls."""

    end: str | None = None  # CSS of what the site shows once everything is loaded
    max_steps: int = Field(default=100, ge=1, le=10_000)
    wait_s: float = Field(default=10.0, gt=0.0, le=120.0)

    @field_validator("end")
    @classmethod
    def _valid_css(cls, value: str | None) -> str | None:
        if value is not None:
            Extractor(css=value)
        return value


class Politeness(Strict):
    """Per-site overrides of the config's crawl settings (a slow or strict site)."""

    concurrency: int | None = Field(default=None, ge=1, le=64)
    delay_s: float | None = Field(default=None, ge=0.0, le=600.0)
    page_budget: int | None = Field(default=None, ge=1)


PAGINATION = ("next_page", "page_parameter", "load_more", "infinite_scroll")
# paging inside one browser page, and paging from one list page to the next: one of
# each may combine ("load more" on every numbered page), never two of one kind
IN_PAGE = ("load_more", "infinite_scroll")
BETWEEN_PAGES = ("next_page", "page_parameter")


class ListPage(Strict):
    items: Selector  # one element per item
    link: Selector | None = None  # per item: its detail page; fields are then read there
    # how to reach the rest of the list: none for a one-page list, one of these, or one
    # in-browser mode (load_more, infinite_scroll) plus one between pages
    next_page: Selector | None = None
    page_parameter: PageParameter | None = None
    load_more: LoadMore | None = None  # browser only
    infinite_scroll: InfiniteScroll | None = None  # browser only

    @model_validator(mode="after")
    def _one_pagination(self) -> ListPage:
        for group, what in ((IN_PAGE, "within a page"), (BETWEEN_PAGES, "between pages")):
            given = [name for name in group if getattr(self, name) is not None]
            if len(given) > 1:
                raise ValueError(
                    f"give at most one way to paginate {what}, not {' and '.join(given)} "
                    f"(one of {', '.join(IN_PAGE)} may combine with one of "
                    f"{', '.join(BETWEEN_PAGES)})")
        return self

    @property
    def in_browser(self) -> bool:
        """Whether paging happens inside one browser page (clicking or scrolling)."""
        return self.load_more is not None or self.infinite_scroll is not None


class Counting(Strict):
    """A query parameter that moves through the API's batches: ``offset`` counts items
    (first, then first + each batch's length), ``page`` counts batches (first, first + 1);
    ``first`` is 0 for an offset and 1 for a page unless given."""

    name: str = Field(pattern=PARAMETER_NAME, max_length=64)
    first: int | None = Field(default=None, ge=0)


class Cursor(Strict):
    """A cursor the API gives with each batch and takes back for the next (GraphQL's
    ``pageInfo.endCursor`` sent as ``after``): ``path`` is where the batch has it (a JSON
    path), ``name`` where the next request carries it (a query parameter, or a dotted key
    of the ``post`` body such as ``variables.after``)."""

    path: str
    name: str = Field(pattern=PARAMETER_NAME, max_length=64)

    @field_validator("path")
    @classmethod
    def _valid_path(cls, value: str) -> str:
        compile_path(value)
        return value


class Api(Strict):
    """A site whose list comes from a JSON API (what its pages fetch, seen in the
    browser's devtools under XHR), read with plain HTTP: the start URLs are the API's
    URLs (fixed parameters such as ``limit=50`` written into them). Each field is then
    a JSON path (``{json: ...}``) into one item. Paging: ``offset`` or ``page`` (a
    parameter counted up until a batch is empty or repeats the one before), or
    ``next_url`` (a JSON path to the next batch's URL, until it is null or empty), or
    none for an API that answers in one batch; at most max_pages batches per start URL.
    With ``detail``, each item's own JSON (its URL at that path in the item) is fetched
    and the fields read there, in ``detail_item`` when the item is nested in it.
    ``post``: the JSON body of an API asked with POST (a GraphQL query and its
    variables); the paging parameter (offset, page or cursor) is then a dotted key in
    it (``variables.offset``), set for each batch. ``cursor``: paging by the cursor each
    batch gives, until it is null or repeats."""

    items: str  # JSON path to the list of items in a batch ("@" when the batch is the list)
    post: dict[str, Any] | None = None
    offset: Counting | None = None
    page: Counting | None = None
    cursor: Cursor | None = None
    next_url: str | None = None
    max_pages: int = Field(default=1000, ge=1, le=100_000)
    detail: str | None = None
    detail_item: str | None = None

    @field_validator("items", "next_url", "detail", "detail_item")
    @classmethod
    def _valid_path(cls, value: str | None) -> str | None:
        if value is not None:
            compile_path(value)
        return value

    @property
    def first_position(self) -> int | None:
        """The offset or page number of the first batch (None: the API is not counted)."""
        if self.offset is not None:
            return 0 if self.offset.first is None else self.offset.first
        if self.page is not None:
            return 1 if self.page.first is None else self.page.first
        return None

    @property
    def paging_key(self) -> str | None:
        """The query parameter (or, with ``post``, the body's dotted key) that moves
        through the batches; None when batches follow a next URL, or there is one."""
        moving = self.offset or self.page or self.cursor
        return moving.name if moving is not None else None

    @model_validator(mode="after")
    def _one_paging(self) -> Api:
        given = [n for n in ("offset", "page", "cursor", "next_url")
                 if getattr(self, n) is not None]
        if len(given) > 1:
            raise ValueError(f"give at most one way to page the API, not {' and '.join(given)}")
        if self.post is not None:
            try:
                json.dumps(self.post)
            except (TypeError, ValueError) as e:
                raise ValueError(f"'post' must be a JSON object (text, numbers, true/false, "
                                 f"null, lists and objects): {e}") from None
            if self.next_url is not None:
                raise ValueError("'next_url' pages by URL, a POST body stays the same: page a "
                                 "POST API by offset, page or cursor")
        if self.detail_item is not None and self.detail is None:
            raise ValueError("'detail_item' is read in the detail JSON: give 'detail' too")
        return self


class Sitemap(Strict):
    """Listing pages found from the site's sitemaps instead of list pages: the start
    URLs are sitemap files (``/sitemap.xml``, gzipped or not) or ``/robots.txt`` (its
    ``Sitemap:`` lines). A sitemap index's children are read when they match ``follow``
    (a regular expression searched in the URL; all when not given); a page entry is a
    listing when its URL matches ``listings``, and its fields are read on that page."""

    listings: str
    follow: str | None = None
    max_sitemaps: int = Field(default=1000, ge=1, le=100_000)

    @field_validator("listings", "follow")
    @classmethod
    def _valid_regex(cls, value: str | None) -> str | None:
        if value is not None:
            try:
                re.compile(value)
            except re.error as exc:
                raise ValueError(f"invalid regular expression {value!r}: {exc}") from None
        return value


SOURCES = ("list_page", "api", "sitemap")


class SiteDefinition(Strict):
    name: str = Field(pattern=r"^[a-z0-9][a-z0-9_-]*$", max_length=64)
    kind: Literal["ad_board", "profile_directory", "sugardating"]
    render: Literal["http", "browser"] = "http"
    enabled: bool = True
    start_urls: list[str] = Field(min_length=1)
    allowed_domains: list[str] = []
    # browser only: the page counts as rendered once this CSS selector matches
    wait_for: str | None = None
    # where the listings are found: list pages, a JSON API, or sitemaps (one of them)
    list_page: ListPage | None = None
    api: Api | None = None
    sitemap: Sitemap | None = None
    fields: dict[str, FieldSelector] = Field(min_length=1)
    politeness: Politeness = Politeness()
    gate: Gate | None = None  # an age gate or consent wall in front of the list
    # the base definition this one extends (crawler/site_bases.py), kept for the record
    extends: str | None = None

    @field_validator("fields")
    @classmethod
    def _known_fields(cls, value: dict[str, FieldSource]) -> dict[str, FieldSource]:
        unknown = sorted(set(value) - FIELDS.keys())
        if unknown:
            raise ValueError(
                f"unknown field(s) {', '.join(unknown)}; a field is one of {', '.join(FIELDS)}"
            )
        single = sorted(n for n, e in value.items() if e.split is not None and n not in LIST_FIELDS)
        if single:
            raise ValueError(f"split is for list fields ({', '.join(sorted(LIST_FIELDS))}), "
                             f"not {', '.join(single)}")
        return value

    @field_validator("wait_for")
    @classmethod
    def _valid_wait(cls, value: str | None) -> str | None:
        if value is not None:
            Extractor(css=value)
        return value

    @model_validator(mode="after")
    def _one_source(self) -> SiteDefinition:
        given = [name for name in SOURCES if getattr(self, name) is not None]
        if len(given) != 1:
            raise ValueError("give one of 'list_page', 'api' or 'sitemap' (where the "
                             f"listings are found){', not ' + ' and '.join(given) if given else ''}")
        json_fields = sorted(n for n, f in self.fields.items() if f.json_ is not None)
        if self.api is None and json_fields:
            raise ValueError(f"fields {', '.join(json_fields)}: a 'json' path reads an API's "
                             "items; give 'api' (or read the page with css, xpath, jsonld)")
        if self.api is not None:
            other = sorted(n for n, f in self.fields.items() if f.json_ is None)
            if other:
                raise ValueError(f"with 'api' every field is a JSON path ({{json: ...}}), "
                                 f"not {', '.join(other)}")
            if self.render != "http":
                raise ValueError("'api' is read with plain HTTP: render must be http")
        return self

    @model_validator(mode="after")
    def _browser_only(self) -> SiteDefinition:
        in_browser = self.list_page is not None and self.list_page.in_browser
        if self.render == "http" and (self.wait_for or in_browser):
            raise ValueError("'wait_for', 'list_page.load_more' and "
                             "'list_page.infinite_scroll' need render: browser")
        if self.render == "http" and self.gate is not None and self.gate.click is not None:
            raise ValueError("'gate.click' needs render: browser; a plain HTTP site "
                             "passes a gate by 'gate.form' or 'gate.cookies'")
        return self

    def resolved_start_urls(self, base_url: str | None) -> list[str]:
        urls = []
        for url in self.start_urls:
            if not urlsplit(url).scheme:
                if not base_url:
                    raise ConfigError(
                        self.name, f"start URL {url!r} is relative and sites.base_url is not set"
                    )
                url = urljoin(base_url.rstrip("/") + "/", url.lstrip("/"))
            urls.append(url)
        return urls

    def domains(self, start_urls: list[str]) -> list[str]:
        if self.allowed_domains:
            return list(self.allowed_domains)
        return sorted({urlsplit(u).hostname or "" for u in start_urls} - {""})


def json_schema() -> dict[str, object]:
    """The published format of a site definition (docs/site-definition.schema.json)."""
    schema = SiteDefinition.model_json_schema()
    schema["$schema"] = "https://json-schema.org/draft/2020-12/schema"
    schema["title"] = "adcensus site definition"
    schema["description"] = (
        "One YAML file per site. Field names are crawler.listing.FIELDS; each is an "
        "indicator or transient content. A selector is a CSS string, or "
        "{css|xpath|json|jsonld|microdata: ..., all: bool, split: regex or separators "
        "(list fields)}. Listings are found by list_page, api or sitemap.")
    return schema


def load_site(path: Path) -> SiteDefinition:
    return read_definition(path).validate(SiteDefinition)


def load_sites(directory: Path) -> list[SiteDefinition]:
    """Every ``*.yaml``/``*.yml`` file in ``directory``; all errors of all files at once."""
    if not directory.is_dir():
        raise ConfigError(str(directory), "site definition directory not found")
    sites: list[SiteDefinition] = []
    errors: list[ConfigError] = []
    seen: dict[str, Path] = {}
    for path in sorted(p for p in directory.iterdir() if re.search(r"\.ya?ml$", p.name)):
        try:
            site = load_site(path)
        except ConfigError as exc:
            errors.append(exc)
            continue
        except ConfigErrors as exc:
            errors.extend(exc.errors)
            continue
        if site.name in seen:
            errors.append(ConfigError(str(path), f"duplicate site name, also in {seen[site.name]}",
                                      key="name", line=1))
            continue
        seen[site.name] = path
        sites.append(site)
    if errors:
        raise ConfigErrors(errors)
    if not sites and not errors:
        raise ConfigError(str(directory), "no site definitions (*.yaml) found")
    return sites
